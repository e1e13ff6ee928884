# rahil: iCEBreaker (iCE40UP5K-SG48) bitstream. Included from the top-level Makefile, which
# defines BUILD. `make bitstream BOARD=icebreaker` writes $(BUILD)/bitstreams/icebreaker/
# icebreaker_top.bin and prints utilisation and Fmax (bitstreams/flow.sh fails when timing is
# not met at 12 MHz).
#
# The core parameters below are the set that fits the UP5K at 12 MHz with room to spare
# (docs/firmware.md, "Fitting the UP5K"): a 1 x 2 array (a 2 x 2 array places at 98 % of the
# logic cells), the weights in the four SPRAMs (WGT_AW 16: 2 columns x 64 KB), activations
# (ACT_AW 11: the MLP and the CNN) and parameters in EBRs. The same variables make the RTL's
# ice40 set (rtl/rtl.mk: lint, flip-flop count, FF map) and the verilated board
# (verilator/board_sim.mk), so the simulation runs what the bitstream holds. Override them on the
# command line for all three at once.

ICEBREAKER_OUT := $(BUILD)/bitstreams/icebreaker
ICEBREAKER_ROWS ?= 1
ICEBREAKER_COLS ?= 2
ICEBREAKER_ACT_AW ?= 11
ICEBREAKER_WGT_AW ?= 16
ICEBREAKER_PRM_AW ?= 8
ICEBREAKER_LOG_AW ?= 8
# weights in SPRAM (single-port rh_ram; needs WGT_AW 15 or 16)
ICEBREAKER_WGT_SPRAM ?= 1
# the core's files are rtl/rtl.mk's RTL_SRC (read after this file, so listed here)
ICEBREAKER_SRC := firmware/icebreaker_top.v firmware/rh_board.v firmware/rh_cmdproc.v \
	firmware/host_link.v firmware/frame_rx.v firmware/frame_tx.v firmware/crc16_ccitt.v \
	firmware/uart_rx.v firmware/uart_tx.v \
	rtl/rh_sreg.v rtl/rh_ram.v rtl/rh_pe.v rtl/rh_array.v \
	rtl/rh_ctl.v rtl/rh_ctl_fsm.v rtl/rh_ctl_desc.v rtl/rh_ctl_iter.v rtl/rh_ctl_tile.v \
	rtl/rh_ctl_feed.v rtl/rh_ctl_drain.v rtl/rh_ctl_argmax.v rtl/rh_ctl_rows.v rtl/rh_core.v \
	rtl/rh_scanctl.v rtl/rh_scrub.v rtl/rh_fi.v
ICEBREAKER_DEFINES := RH_BOARD_ROWS=$(ICEBREAKER_ROWS) RH_BOARD_COLS=$(ICEBREAKER_COLS) \
	RH_BOARD_ACT_AW=$(ICEBREAKER_ACT_AW) RH_BOARD_WGT_AW=$(ICEBREAKER_WGT_AW) \
	RH_BOARD_PRM_AW=$(ICEBREAKER_PRM_AW) RH_BOARD_LOG_AW=$(ICEBREAKER_LOG_AW) \
	RH_BOARD_WGT_SPRAM=$(ICEBREAKER_WGT_SPRAM)
# IDENTIFY reports the FNV-1a 32 of this set's FF map (rtl/rtl.mk, set ice40); the host checks it.
ICEBREAKER_FFMAP_HASH := $(BUILD)/rtl/ice40/ffmap.hash

$(ICEBREAKER_OUT)/icebreaker_top.bin: $(ICEBREAKER_SRC) firmware/protocol_ops.vh \
		firmware/icebreaker.pcf bitstreams/flow.sh bitstreams/icebreaker.mk $(ICEBREAKER_FFMAP_HASH)
	sh bitstreams/flow.sh $(ICEBREAKER_OUT) icebreaker_top up5k sg48 firmware/icebreaker.pcf 12 \
		"$(ICEBREAKER_DEFINES) RH_BOARD_FFMAP_HASH=32'h$$(cat $(ICEBREAKER_FFMAP_HASH))" -- $(ICEBREAKER_SRC)
	@# nextpnr also reports its constant net as a clock: judge the oscillator's clock alone
	@grep "Max frequency for clock 'CLK" $(ICEBREAKER_OUT)/pnr.log | tail -n 1 | grep -q PASS || \
		{ grep "Max frequency for clock 'CLK" $(ICEBREAKER_OUT)/pnr.log | tail -n 1; \
		  echo "rahil bitstream: timing not met at 12 MHz on CLK"; rm -f $@; exit 1; }
	@# the hash IDENTIFY reports must be this set's: check it reached rh_board's parameter
	@h=$$(cat $(ICEBREAKER_FFMAP_HASH)); \
	if grep -q "^Parameter .FFMAP_HASH = $$((0x$$h))\$$" $(ICEBREAKER_OUT)/synth.log; then \
		echo "rahil bitstream: IDENTIFY reports FF-map hash $$h ($(BUILD)/ffmap_ice40.tsv)"; \
	else echo "rahil bitstream: FFMAP_HASH $$h did not reach rh_board"; rm -f $@; exit 1; fi

.PHONY: bitstream-icebreaker
bitstream-icebreaker: $(ICEBREAKER_OUT)/icebreaker_top.bin
