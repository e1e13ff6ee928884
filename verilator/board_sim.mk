# rahil: the verilated board design (firmware/rh_board.v), the standalone simulator on a
# pseudo-terminal and the board-path tests. Included from the top-level Makefile, which defines
# BUILD, CC, CPPFLAGS, ALL_CFLAGS, OPT, HOST_LIBS and $(BUILD)/librahil.a.
#
# Targets: $(BUILD)/rahil-sim, board-lint, board-formal, board-sim-test (all three run by
# board-test). Link the board simulator into a program with $(BOARD_SIM_LINK) after the
# program's objects and before $(BUILD)/librahil.a, with $(CXX).

VERILATOR ?= verilator
YOSYS ?= yosys
CXX ?= g++
BOARD_FW_SRC := firmware/rh_board.v firmware/rh_cmdproc.v firmware/host_link.v \
	firmware/frame_rx.v firmware/frame_tx.v firmware/crc16_ccitt.v firmware/uart_rx.v \
	firmware/uart_tx.v
BOARD_CORE_SRC := rtl/rh_sreg.v rtl/rh_ram.v rtl/rh_pe.v rtl/rh_array.v $(RTL_CTL_SRC) \
	rtl/rh_core.v rtl/rh_scanctl.v rtl/rh_scrub.v rtl/rh_fi.v
# The simulated board is the bitstream's design: the parameter set of bitstreams/icebreaker.mk
# (host/accel/accel_image.c rh_accel_geom_icebreaker) and the parameters firmware/icebreaker_top.v
# gives rh_board, FF-map hash included; only the pads differ (bytes at the UART's byte
# interface, or the UART line itself with rahil-sim -u).
BOARD_SIM_G = -GROWS=$(ICEBREAKER_ROWS) -GCOLS=$(ICEBREAKER_COLS) -GACT_AW=$(ICEBREAKER_ACT_AW) \
	-GWGT_AW=$(ICEBREAKER_WGT_AW) -GPRM_AW=$(ICEBREAKER_PRM_AW) -GLOG_AW=$(ICEBREAKER_LOG_AW) \
	-GWGT_SPRAM=$(ICEBREAKER_WGT_SPRAM) -GCLKS_PER_BIT=4 -GTIMEOUT_CLKS=12000 -GCLK_HZ=12000000 \
	-GMAX_PAYLOAD=1024 -GAW=10 -GSTATE_BYTES=256 -GSAW=8 -GN_LOGITS=10 -GCHAIN_PW=12 -GDIM_W=10
BOARD_SIM_D = -DRH_BOARD_SIM_ROWS=$(ICEBREAKER_ROWS) -DRH_BOARD_SIM_COLS=$(ICEBREAKER_COLS)
BOARD_OBJ := $(BUILD)/board/obj_dir
BOARD_VL_ROOT := $(shell $(VERILATOR) --getenv VERILATOR_ROOT 2>/dev/null)
BOARD_CXXFLAGS := -std=gnu++14 -faligned-new -O2 -g0 -I$(BOARD_VL_ROOT)/include \
	-I$(BOARD_VL_ROOT)/include/vltstd $(HOST_INC) -Iverilator -I$(BOARD_OBJ)

$(BOARD_OBJ)/Vrh_board__ALL.a: $(BOARD_FW_SRC) $(BOARD_CORE_SRC) firmware/protocol_ops.vh \
		verilator/board_sim.mk bitstreams/icebreaker.mk $(ICEBREAKER_FFMAP_HASH)
	@mkdir -p $(BOARD_OBJ)
	$(VERILATOR) --cc -O3 --x-assign fast --x-initial fast --noassert -Wno-fatal \
		-Ifirmware -Irtl --top-module rh_board $(BOARD_SIM_G) \
		-GFFMAP_HASH="32'h$$(cat $(ICEBREAKER_FFMAP_HASH))" --Mdir $(BOARD_OBJ) \
		$(BOARD_FW_SRC) $(BOARD_CORE_SRC) --build -j 2 \
		-MAKEFLAGS "OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O2" >$(BOARD_OBJ)/build.log 2>&1 \
		|| (tail -30 $(BOARD_OBJ)/build.log; exit 1)
	$(MAKE) --no-print-directory -C $(BOARD_OBJ) -f Vrh_board.mk OPT_FAST=-O2 \
		verilated.o verilated_threads.o >>$(BOARD_OBJ)/build.log 2>&1
	cd $(BOARD_OBJ) && $(AR) rcs libverilated_board.a verilated.o verilated_threads.o

$(BUILD)/board/rh_board_sim.o: verilator/rh_board_sim.cpp verilator/rh_board_sim.h \
		$(BOARD_OBJ)/Vrh_board__ALL.a
	$(CXX) $(BOARD_CXXFLAGS) $(BOARD_SIM_D) -c $< -o $@

$(BUILD)/librahil_board_sim.a: $(BUILD)/board/rh_board_sim.o
	rm -f $@ && $(AR) rcs $@ $^

BOARD_SIM_LINK := $(BUILD)/librahil_board_sim.a $(BOARD_OBJ)/Vrh_board__ALL.a \
	$(BOARD_OBJ)/libverilated_board.a
BOARD_SIM_DEPS := $(BUILD)/librahil_board_sim.a
# Host objects the board path needs that librahil.a may not hold yet.
BOARD_HOST_OBJ := $(BUILD)/obj/host/link/protocol.o $(BUILD)/obj/host/accel/accel_image.o \
	$(BUILD)/obj/host/backend/backend_link.o $(BUILD)/obj/host/link/protocol_link.o \
	$(BUILD)/obj/host/link/transport.o $(BUILD)/obj/host/link/transport_serial.o \
	$(BUILD)/obj/host/link/transport_ftdi.o
BOARD_FTDI_LIBS = $(shell $(PKG_CONFIG) --libs libftdi1 2>/dev/null)

$(BUILD)/board/rahil_sim_main.o: verilator/rahil_sim_main.cpp verilator/rh_board_sim.h
	@mkdir -p $(dir $@)
	$(CXX) $(BOARD_CXXFLAGS) $(BOARD_SIM_D) -c $< -o $@

$(BUILD)/rahil-sim: $(BUILD)/board/rahil_sim_main.o $(BOARD_SIM_DEPS) $(BUILD)/librahil.a
	$(CXX) $(OPT) -o $@ $< $(BOARD_SIM_LINK) $(BUILD)/librahil.a $(HOST_LIBS) -lpthread

# It compares the board's batches with the in-process core of the same set (sim:ice40), so it
# links the core harness too ($(RTL_SIM_LINK), rtl/rtl.mk).
$(BUILD)/board/test_board_sim: tests/board_sim/test_board_sim.c $(BOARD_HOST_OBJ) \
		$(BOARD_SIM_DEPS) $(BUILD)/librahil.a $(RTL_SIM_DEPS)
	$(CC) $(CPPFLAGS) -Iverilator $(ALL_CFLAGS) -c $< -o $(BUILD)/board/test_board_sim.o
	$(CXX) $(OPT) -o $@ $(BUILD)/board/test_board_sim.o $(BOARD_HOST_OBJ) $(RTL_SIM_LINK) $(BOARD_SIM_LINK) \
		$(BUILD)/librahil.a $(BOARD_FTDI_LIBS) $(HOST_LIBS) -lpthread

.PHONY: board-lint board-formal board-sim-test board-test

board-lint:
	$(VERILATOR) --lint-only -Wall -Ifirmware -Irtl rtl/rahil.vlt $(BOARD_FW_SRC) \
		$(BOARD_CORE_SRC) --top-module rh_board -GROWS=2 -GCOLS=4
	$(VERILATOR) --lint-only -Wall -Ifirmware -Irtl rtl/rahil.vlt $(BOARD_FW_SRC) \
		$(BOARD_CORE_SRC) --top-module rh_board -GROWS=8 -GCOLS=8
	$(VERILATOR) --lint-only -Wall -Ifirmware -Irtl rtl/rahil.vlt firmware/icebreaker_top.v \
		$(BOARD_FW_SRC) $(BOARD_CORE_SRC) --top-module icebreaker_top \
		$(addprefix -D,$(ICEBREAKER_DEFINES))

# Bounded proof of the command processor (small payload, one logit, a short chain).
board-formal:
	sh tests/board/formal.sh rh_cmdproc 14 $(BUILD)/board/formal firmware/rh_cmdproc.v -- \
		AW=4 MAX_PAYLOAD=16 STATE_BYTES=4 SAW=2 N_LOGITS=1 LOG_AW=2 PW=8

board-sim-test: $(BUILD)/board/test_board_sim $(BUILD)/rahil-sim
	$(BUILD)/board/test_board_sim --models models --rahil-sim $(BUILD)/rahil-sim

board-test: board-lint board-formal board-sim-test
