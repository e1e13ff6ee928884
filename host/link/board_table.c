/* rahil: the board table. */
#include "board_table.h"

static const struct rh_board boards[] = {
    /* iCEBreaker: FT2232H, channel A programs the flash, channel B is the UART. */
    {"icebreaker", "FT2232H", 0x0403, 0x6010, 1, 3000000},
    /* Single-channel FTDI bridges wired to a board's UART pins by hand. */
    {"ft232h", "FT232H", 0x0403, 0x6014, 0, 3000000},
    {"ft232r", "FT232R", 0x0403, 0x6001, 0, 1000000},
};

const struct rh_board *rh_board_table(size_t *n)
{
	*n = sizeof(boards) / sizeof(boards[0]);
	return boards;
}

const struct rh_board *rh_board_find(uint16_t vid, uint16_t pid)
{
	for (size_t i = 0; i < sizeof(boards) / sizeof(boards[0]); i++)
		if (boards[i].vid == vid && boards[i].pid == pid)
			return &boards[i];
	return 0;
}
