# rahil: the bitstream's own netlist, simulated. Included from the top-level Makefile after
# bitstreams/icebreaker.mk and verilator/board_sim.mk, and after BOARD is set.
#
# `make gatesim BOARD=icebreaker` builds $(BUILD)/rahil-gatesim: rahil-sim's pseudo-terminal
# server around the netlist nextpnr placed and routed for the bitstream
# ($(ICEBREAKER_OUT)/icebreaker_top.json, written by bitstreams/flow.sh; never a synthesis of its
# own), written back as Verilog by yosys and verilated with yosys's iCE40 cell models inside
# verilator/gatesim_top.v. The netlist has the board's pins only, so the host link runs over
# the simulated UART pins (8N1, 4 clocks per bit). `make gatesim-test` runs
# tests/board/test_gatesim.sh (docs/bench-guide.md, "The gate-level check").

YOSYS_DATDIR ?= $(shell yosys-config --datdir 2>/dev/null || echo /usr/share/yosys)
GATESIM_CELLS := $(YOSYS_DATDIR)/ice40/cells_sim.v
GATESIM_OUT := $(BUILD)/gatesim
GATESIM_OBJ := $(GATESIM_OUT)/obj_dir
# rh_board_sim.cpp and rahil_sim_main.cpp built against the netlist's model (class Vrh_board)
GATESIM_CXXFLAGS := $(filter-out -I$(BOARD_OBJ),$(BOARD_CXXFLAGS)) -I$(GATESIM_OBJ) $(BOARD_SIM_D) \
	-DRH_BOARD_SIM_PINS_ONLY -DRAHIL_SIM_NAME='"rahil-gatesim"'

# The netlist of the bitstream: its .bin rule has checked timing and the FF-map hash.
$(GATESIM_OUT)/netlist.v: $(ICEBREAKER_OUT)/icebreaker_top.bin verilator/gatesim.mk
	@mkdir -p $(GATESIM_OUT)
	$(YOSYS) -q -l $(GATESIM_OUT)/netlist.log \
		-p "read_json $(ICEBREAKER_OUT)/icebreaker_top.json; write_verilog -noattr $@"

# Verilator 5.006 cannot parse the cells' default port values: NO_ICE40_DEFAULT_ASSIGNMENTS.
# The cells' timing (specify blocks, delays) is not simulated: --no-timing.
$(GATESIM_OBJ)/Vrh_board__ALL.a: $(GATESIM_OUT)/netlist.v verilator/gatesim_top.v $(GATESIM_CELLS)
	@mkdir -p $(GATESIM_OBJ)
	$(VERILATOR) --cc -O3 --x-assign fast --x-initial fast --noassert --no-timing -Wno-fatal -Wno-lint \
		-Wno-style -DNO_ICE40_DEFAULT_ASSIGNMENTS --top-module gatesim_top --prefix Vrh_board \
		--Mdir $(GATESIM_OBJ) verilator/gatesim_top.v $(GATESIM_OUT)/netlist.v $(GATESIM_CELLS) \
		--build -j 2 -MAKEFLAGS "OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O2" >$(GATESIM_OBJ)/build.log 2>&1 \
		|| (tail -30 $(GATESIM_OBJ)/build.log; exit 1)
	$(MAKE) --no-print-directory -C $(GATESIM_OBJ) -f Vrh_board.mk OPT_FAST=-O2 \
		verilated.o verilated_threads.o >>$(GATESIM_OBJ)/build.log 2>&1
	cd $(GATESIM_OBJ) && $(AR) rcs libverilated_gatesim.a verilated.o verilated_threads.o

$(GATESIM_OUT)/rh_board_sim.o: verilator/rh_board_sim.cpp verilator/rh_board_sim.h $(GATESIM_OBJ)/Vrh_board__ALL.a
	$(CXX) $(GATESIM_CXXFLAGS) -c $< -o $@

$(GATESIM_OUT)/rahil_sim_main.o: verilator/rahil_sim_main.cpp verilator/rh_board_sim.h $(GATESIM_OBJ)/Vrh_board__ALL.a
	$(CXX) $(GATESIM_CXXFLAGS) -c $< -o $@

$(BUILD)/rahil-gatesim: $(GATESIM_OUT)/rahil_sim_main.o $(GATESIM_OUT)/rh_board_sim.o $(BUILD)/librahil.a
	$(CXX) $(OPT) -o $@ $(GATESIM_OUT)/rahil_sim_main.o $(GATESIM_OUT)/rh_board_sim.o \
		$(GATESIM_OBJ)/Vrh_board__ALL.a $(GATESIM_OBJ)/libverilated_gatesim.a $(BUILD)/librahil.a \
		$(HOST_LIBS) -lpthread

# The wrapper linted around the RTL's icebreaker_top, whose ports and net req_busy the netlist
# keeps; part of `make lint`.
gatesim-lint:
	$(VERILATOR) --lint-only -Wall -Ifirmware -Irtl rtl/rahil.vlt verilator/gatesim_top.v $(ICEBREAKER_SRC) \
		--top-module gatesim_top $(addprefix -D,$(ICEBREAKER_DEFINES))
lint: gatesim-lint

.PHONY: gatesim gatesim-icebreaker gatesim-lint gatesim-test
gatesim: gatesim-$(BOARD)
gatesim-icebreaker: $(BUILD)/rahil-gatesim

gatesim-test: $(BUILD)/rahil $(BUILD)/rahil-sim $(BUILD)/rahil-gatesim
	sh tests/board/test_gatesim.sh $(BUILD)/rahil $(BUILD)/rahil-sim $(BUILD)/rahil-gatesim
