/* rahil: `rahil devices`: the FTDI boards attached, and what to do when one cannot be opened. */
#include <getopt.h>
#include <stdio.h>
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

/* JSON string body: the strings here come from USB descriptors, so escape everything odd. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
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
		printf("{\"devices\": [");
		for (size_t i = 0; i < n; i++) {
			const struct rh_device *d = &devs[i];
			printf("%s\n  {\"board\": ", i ? "," : "");
			json_str(d->board ? d->board->name : "");
			printf(", \"vid\": \"%04x\", \"pid\": \"%04x\", \"bus\": %u, \"address\": %u, "
			       "\"port\": ",
			       d->vid, d->pid, d->bus, d->address);
			json_str(d->port);
			printf(", \"serial\": ");
			json_str(d->serial);
			printf(", \"product\": ");
			json_str(d->product);
			printf(", \"interface\": \"%c\", \"can_open\": %s, \"access\": ",
			       d->board && d->board->interface ? 'B' : 'A', d->access == RH_DEV_OK ? "true" : "false");
			json_str(rh_dev_access_name(d->access));
			printf(", \"backend\": ");
			char spec[80];
			snprintf(spec, sizeof(spec), "ftdi%s%s", d->serial[0] ? ":" : "", d->serial);
			json_str(spec);
			printf("}");
		}
		printf("%s]", n ? "\n" : "");
		if (denied) {
			printf(", \"hint\": ");
			json_str("install the udev rule " RH_UDEV_RULE);
		}
		printf("}\n");
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
