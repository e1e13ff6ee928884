/* rahil: `rahil devices`: the FTDI boards attached, and what to do when one cannot be opened. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "devices.h"

#define MAX_DEVICES 32

static void usage(FILE *f)
{
	fprintf(f, "Usage: rahil devices [--json]\n"
	           "List attached FTDI boards (");
	size_t nb;
	const struct rh_board *b = rh_board_table(&nb);
	for (size_t i = 0; i < nb; i++)
		fprintf(f, "%s%s %04x:%04x", i ? ", " : "", b[i].chip, b[i].vid, b[i].pid);
	fprintf(f, ") with bus, port path, serial and whether you may open them.\n"
	           "\n"
	           "  --json    machine-readable list on stdout\n"
	           "  --help    this text\n"
	           "\n"
	           "Exit codes:\n"
	           "  0  success, also when no board is attached\n"
	           "  1  usage error\n"
	           "  2  USB could not be searched (libusb failed or not built in)\n");
}

/* The list as JSON, the same convention as every command (cJSON escapes what USB descriptors
 * may hold). */
static void print_json(const struct rh_device *devs, size_t n, int denied)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *a = cJSON_AddArrayToObject(o, "devices");
	for (size_t i = 0; i < n; i++) {
		const struct rh_device *d = &devs[i];
		cJSON *e = cJSON_CreateObject();
		char id[8], spec[80];
		cJSON_AddStringToObject(e, "board", d->board ? d->board->name : "");
		snprintf(id, sizeof(id), "%04x", d->vid);
		cJSON_AddStringToObject(e, "vid", id);
		snprintf(id, sizeof(id), "%04x", d->pid);
		cJSON_AddStringToObject(e, "pid", id);
		cJSON_AddNumberToObject(e, "bus", d->bus);
		cJSON_AddNumberToObject(e, "address", d->address);
		cJSON_AddStringToObject(e, "port", d->port);
		cJSON_AddStringToObject(e, "serial", d->serial);
		cJSON_AddStringToObject(e, "product", d->product);
		cJSON_AddStringToObject(e, "interface", d->board && d->board->interface ? "B" : "A");
		cJSON_AddBoolToObject(e, "can_open", d->access == RH_DEV_OK);
		cJSON_AddStringToObject(e, "access", rh_dev_access_name(d->access));
		snprintf(spec, sizeof(spec), "ftdi%s%s", d->serial[0] ? ":" : "", d->serial);
		cJSON_AddStringToObject(e, "backend", spec);
		cJSON_AddItemToArray(a, e);
	}
	if (denied)
		cJSON_AddStringToObject(o, "hint", "install the udev rule " RH_UDEV_RULE);
	char *s = cJSON_Print(o);
	if (s)
		puts(s);
	free(s);
	cJSON_Delete(o);
}

int rh_cmd_devices(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int json = 0, c;
	optind = 1;
	while ((c = rh_cli_getopt("devices", argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': usage(stdout); return 0;
		default: fprintf(stderr, "Try 'rahil devices --help'\n"); return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "rahil devices: unexpected argument '%s'\nTry 'rahil devices --help'\n", argv[optind]);
		return 1;
	}

	struct rh_device devs[MAX_DEVICES];
	size_t n = 0;
	struct rh_err err = {0};
	int r = rh_devices_list(devs, MAX_DEVICES, &n, &err);
	if (r) {
		fprintf(stderr, "rahil devices: %s\n", err.msg);
		return 2;
	}
	if (n > MAX_DEVICES) {
		fprintf(stderr, "rahil devices: %zu boards found, listing the first %d\n", n, MAX_DEVICES);
		n = MAX_DEVICES;
	}
	int denied = 0;
	for (size_t i = 0; i < n; i++)
		denied |= devs[i].access == RH_DEV_DENIED;

	if (json) {
		print_json(devs, n, denied);
	} else if (n == 0) {
		fprintf(stderr, "rahil devices: no FTDI board attached\n");
	} else {
		printf("%-11s %-9s %-10s %-16s %-9s %s\n", "board", "usb id", "port", "serial", "interface", "access");
		for (size_t i = 0; i < n; i++) {
			const struct rh_device *d = &devs[i];
			char id[10];
			snprintf(id, sizeof(id), "%04x:%04x", d->vid, d->pid);
			printf("%-11s %-9s %-10s %-16s %-9c %s\n", d->board ? d->board->name : "?", id, d->port,
			       d->serial[0] ? d->serial : "-", d->board && d->board->interface ? 'B' : 'A',
			       d->access == RH_DEV_OK ? "ok" : d->error);
		}
	}
	if (denied)
		fprintf(stderr, "rahil devices: some boards cannot be opened by this user. Install the udev "
		                "rule:\n"
		                "  sudo cp " RH_UDEV_RULE " /etc/udev/rules.d/\n"
		                "  sudo udevadm control --reload-rules && sudo udevadm trigger\n"
		                "then replug the board (docs/bench-guide.md, \"Permissions\").\n");
	return 0;
}
