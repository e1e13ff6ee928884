/* rahil: finding attached boards through libusb-1.0 (`rahil devices`). */
#ifndef RAHIL_DEVICES_H
#define RAHIL_DEVICES_H

#include <stddef.h>
#include <stdint.h>

#include "board_table.h"
#include "error.h"

enum rh_dev_access {
	RH_DEV_OK = 0,     /* the user can open it */
	RH_DEV_DENIED = 1, /* LIBUSB_ERROR_ACCESS: needs the udev rule */
	RH_DEV_BUSY = 2,   /* another program holds it */
	RH_DEV_ERROR = 3,  /* any other failure; see the error text */
};

struct rh_device {
	const struct rh_board *board;
	uint16_t vid, pid;
	uint8_t bus, address;
	char port[32];   /* "bus-port.port...", as in /sys/bus/usb/devices */
	char serial[64]; /* "" when it could not be read */
	char product[64];
	enum rh_dev_access access;
	char error[96]; /* why it could not be opened, when access != RH_DEV_OK */
};

/* List attached boards of the board table, at most cap into out; *n receives the number
 * found (which may exceed cap). RH_E_UNSUPPORTED when built without libusb-1.0,
 * RH_E_TRANSPORT when libusb cannot start (no USB in a container, for instance). */
int rh_devices_list(struct rh_device *out, size_t cap, size_t *n, struct rh_err *err);

const char *rh_dev_access_name(enum rh_dev_access a);

/* `rahil devices [--json]`; exit status 0 ok, 1 usage, 2 transport (libusb failed). */
int rh_cmd_devices(int argc, char **argv);

#endif
