/* rahil: the boards rahil knows by USB id: name, FTDI chip and the interface carrying the
 * host link UART. The one place VID/PID knowledge lives. */
#ifndef RAHIL_BOARD_TABLE_H
#define RAHIL_BOARD_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct rh_board {
	const char *name; /* "icebreaker" */
	const char *chip; /* "FT2232H" */
	uint16_t vid, pid;
	int interface;    /* UART interface: 0 A, 1 B */
	int default_baud; /* of rahil's bitstream for that board */
};

/* The table and its length. */
const struct rh_board *rh_board_table(size_t *n);
/* First entry for a USB id, or NULL. */
const struct rh_board *rh_board_find(uint16_t vid, uint16_t pid);

/* Path of the udev rule shipped in the tree, relative to its top. */
#define RH_UDEV_RULE "firmware/99-rahil-ftdi.rules"

#endif
