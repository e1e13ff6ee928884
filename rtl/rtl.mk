# rahil: RTL, Verilator harness and RTL tests. Included from the top-level Makefile, which
# defines BUILD, CC, CPPFLAGS, ALL_CFLAGS, OPT, HOST_LIBS and $(BUILD)/librahil.a.
#
# Targets: rtl-lint, rtl-ffcount (yosys count vs chain length, all three parameter sets),
# rtl-formal (about 8 minutes: CI runs it after `make test`), rtl-tb (PE and array testbenches),
# rtl-test (lint, counts, testbenches and the simulation tests, a few hundred images), rtl-bench (all 10,000 images per network, sim speed).
# Link the harness into a program with $(RTL_SIM_LINK) (after the program's objects and
# $(BUILD)/librahil.a).

VERILATOR ?= verilator
YOSYS ?= yosys
CXX ?= g++
# the controller and its register groups (rtl/rh_ctl.v)
RTL_CTL_SRC := rtl/rh_ctl.v rtl/rh_ctl_fsm.v rtl/rh_ctl_desc.v rtl/rh_ctl_iter.v rtl/rh_ctl_tile.v \
	rtl/rh_ctl_feed.v rtl/rh_ctl_drain.v rtl/rh_ctl_argmax.v rtl/rh_ctl_rows.v
RTL_SRC := rtl/rh_sreg.v rtl/rh_ram.v rtl/rh_pe.v rtl/rh_array.v $(RTL_CTL_SRC) rtl/rh_core.v \
	rtl/rh_scanctl.v rtl/rh_scrub.v rtl/rh_fi.v
RTL_VLT := rtl/rahil.vlt
VL_ROOT := $(shell $(VERILATOR) --getenv VERILATOR_ROOT 2>/dev/null)
VL_CXXFLAGS := -std=gnu++14 -faligned-new -O2 -g0 -I$(VL_ROOT)/include -I$(VL_ROOT)/include/vltstd $(HOST_INC) -Iverilator
VL_FLAGS := --cc --savable -O3 --x-assign fast --x-initial fast --noassert -Wno-fatal -Irtl --top-module rh_fi
# Every set is linked into one program (sim:GEOMETRY): its model classes carry the set's name
# (--prefix Vrh_fi_<set>), and verilator/rh_sim.cpp is built once per set.
RTL_CFG_sim := 8 8
RTL_CFG_board := 2 4
# the board set is simulated without the traceable model (faster to build)
RTL_TRACE_sim := 1
RTL_TRACE_board := 0
# the board set multiplies in 6 PEs with DSPs and in 2 with logic, leaving 2 of the UP5K's 8
# DSPs for the requantiser's 32 x 16 multiplier (the simulation tests run that mix)
RTL_G_sim :=
RTL_G_board := -GMUL_DSP=6
# the iCEBreaker bitstream's set, taken from bitstreams/icebreaker.mk (included before this
# file): linted, flip-flop counted and mapped here; the host carries its FF map to check a
# board's IDENTIFY. Simulated as a whole board (verilator/board_sim.mk), not by this harness (whose
# memory geometry is the default one). Also in-process: --backend sim:ice40.
RTL_CFG_ice40 := $(ICEBREAKER_ROWS) $(ICEBREAKER_COLS)
RTL_TRACE_ice40 := 0
RTL_G_ice40 := -GACT_AW=$(ICEBREAKER_ACT_AW) -GWGT_AW=$(ICEBREAKER_WGT_AW) -GPRM_AW=$(ICEBREAKER_PRM_AW) \
	-GLOG_AW=$(ICEBREAKER_LOG_AW) -GWGT_SPRAM=$(ICEBREAKER_WGT_SPRAM)
# extra parameters of a set for the yosys count (chparam)
RTL_YP_ice40 := -set ACT_AW $(ICEBREAKER_ACT_AW) -set WGT_AW $(ICEBREAKER_WGT_AW) \
	-set PRM_AW $(ICEBREAKER_PRM_AW) -set LOG_AW $(ICEBREAKER_LOG_AW)
RTL_IMAGES ?= 300

# $(call rtl_cfg,NAME): the generic rules of one parameter set.
define rtl_cfg
RTL_ROWS_$(1) := $$(word 1,$$(RTL_CFG_$(1)))
RTL_COLS_$(1) := $$(word 2,$$(RTL_CFG_$(1)))
RTL_OBJ_$(1) := $(BUILD)/obj_dir_$(1)

# fast model (Vrh_fi) and traceable model (Vrh_fi_tr, --trace-fst); the runtime comes from the latter
$$(RTL_OBJ_$(1))/libVrh_fi.a: $(RTL_SRC) $(RTL_VLT) rtl/rtl.mk
	@mkdir -p $$(RTL_OBJ_$(1))
	$(VERILATOR) $(VL_FLAGS) --prefix Vrh_fi_$(1) -GROWS=$$(RTL_ROWS_$(1)) -GCOLS=$$(RTL_COLS_$(1)) $$(RTL_G_$(1)) \
		--Mdir $$(RTL_OBJ_$(1)) $(RTL_VLT) $(RTL_SRC) --build -j 2 \
		-MAKEFLAGS "OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O2" >$$(RTL_OBJ_$(1))/build.log 2>&1 \
		|| (tail -30 $$(RTL_OBJ_$(1))/build.log; exit 1)
	cp $$(RTL_OBJ_$(1))/Vrh_fi_$(1)__ALL.a $$@

$$(RTL_OBJ_$(1))_tr/libVrh_fi_tr.a: $(RTL_SRC) $(RTL_VLT) rtl/rtl.mk
	@mkdir -p $$(RTL_OBJ_$(1))_tr
	$(VERILATOR) $(VL_FLAGS) --trace-fst --prefix Vrh_fi_$(1)_tr -GROWS=$$(RTL_ROWS_$(1)) \
		-GCOLS=$$(RTL_COLS_$(1)) $$(RTL_G_$(1)) --Mdir $$(RTL_OBJ_$(1))_tr $(RTL_VLT) $(RTL_SRC) --build -j 2 \
		-MAKEFLAGS "OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O2" >$$(RTL_OBJ_$(1))_tr/build.log 2>&1 \
		|| (tail -30 $$(RTL_OBJ_$(1))_tr/build.log; exit 1)
	cp $$(RTL_OBJ_$(1))_tr/Vrh_fi_$(1)_tr__ALL.a $$@

$$(RTL_OBJ_$(1))_tr/libverilated.a: $$(RTL_OBJ_$(1))_tr/libVrh_fi_tr.a
	$(MAKE) --no-print-directory -C $$(RTL_OBJ_$(1))_tr -f Vrh_fi_$(1)_tr.mk OPT_FAST=-O2 \
		verilated.o verilated_fst_c.o verilated_threads.o verilated_save.o >>$$(RTL_OBJ_$(1))_tr/build.log 2>&1
	cd $$(RTL_OBJ_$(1))_tr && $(AR) rcs libverilated.a verilated.o verilated_fst_c.o verilated_threads.o \
		verilated_save.o

ifeq ($$(RTL_TRACE_$(1)),1)
RTL_VLIBS_$(1) := $$(RTL_OBJ_$(1))/libVrh_fi.a $$(RTL_OBJ_$(1))_tr/libVrh_fi_tr.a \
	$$(RTL_OBJ_$(1))_tr/libverilated.a
RTL_SIMDEF_$(1) := -I$$(RTL_OBJ_$(1))_tr -DRH_VL_TR_MODEL=Vrh_fi_$(1)_tr -DRH_VL_TR_HDR='"Vrh_fi_$(1)_tr.h"' \
	-DRH_VL_TR_ROOT_HDR='"Vrh_fi_$(1)_tr___024root.h"' -DRH_VL_TR_SETTLE=Vrh_fi_$(1)_tr___024root___eval_settle
else
RTL_VLIBS_$(1) := $$(RTL_OBJ_$(1))/libVrh_fi.a $$(RTL_OBJ_$(1))/libverilated.a
RTL_SIMDEF_$(1) := -DRH_SIM_NO_TRACE

$$(RTL_OBJ_$(1))/libverilated.a: $$(RTL_OBJ_$(1))/libVrh_fi.a
	$(MAKE) --no-print-directory -C $$(RTL_OBJ_$(1)) -f Vrh_fi_$(1).mk OPT_FAST=-O2 \
		verilated.o verilated_threads.o verilated_save.o >>$$(RTL_OBJ_$(1))/build.log 2>&1
	cd $$(RTL_OBJ_$(1)) && $(AR) rcs libverilated.a verilated.o verilated_threads.o verilated_save.o
endif

$(BUILD)/rtl/$(1)/ffmap_tool: verilator/ffmap_main.cpp $$(RTL_VLIBS_$(1))
	@mkdir -p $$(dir $$@)
	$(CXX) $(VL_CXXFLAGS) -I$$(RTL_OBJ_$(1)) -DRH_VL_MODEL=Vrh_fi_$(1) -DRH_VL_HDR='"Vrh_fi_$(1).h"' -o $$@ $$< \
		$$(RTL_VLIBS_$(1)) -lz -lpthread

# The FF map, generated from the RTL (never hand-written): TSV, the C table rh_ffmap_<set>
# (host/accel/ffmap.h) and the TSV's FNV-1a 32 hash (8 hex digits), which IDENTIFY reports.
$(BUILD)/ffmap_$(1).tsv $(BUILD)/rtl/$(1)/ffmap.c &: $(BUILD)/rtl/$(1)/ffmap_tool verilator/gen_ffmap.sh
	verilator/gen_ffmap.sh $(BUILD)/rtl/$(1)/ffmap_tool $$(RTL_ROWS_$(1)) $$(RTL_COLS_$(1)) \
		$(BUILD)/ffmap_$(1).tsv $(BUILD)/rtl/$(1)/ffmap.c rh_ffmap_$(1)

$(BUILD)/rtl/$(1)/ffmap.hash: $(BUILD)/ffmap_$(1).tsv $(BUILD)/ffmap-hash
	$(BUILD)/ffmap-hash $$< >$$@.tmp && mv $$@.tmp $$@

$(BUILD)/rtl/$(1)/ffmap_$(1).o: $(BUILD)/rtl/$(1)/ffmap.c host/accel/ffmap.h
	@mkdir -p $$(dir $$@)
	$(CC) $(CPPFLAGS) -std=c11 -O1 -c $$< -o $$@

# The fast path's tables of the model's members (verilator/rh_sim.cpp), from the FF map and the
# verilated root header.
$(BUILD)/rtl/$(1)/fliptab.h: $(BUILD)/ffmap_$(1).tsv $$(RTL_OBJ_$(1))/libVrh_fi.a verilator/gen_fliptab.sh
	sh verilator/gen_fliptab.sh $$< $$(RTL_OBJ_$(1))/Vrh_fi_$(1)___024root.h $$@

$(BUILD)/rtl/$(1)/rh_sim.o: verilator/rh_sim.cpp verilator/rh_sim.h host/accel/accel_image.h host/accel/ffmap.h host/accel/run.h $$(RTL_VLIBS_$(1)) \
		$(BUILD)/rtl/$(1)/fliptab.h
	@mkdir -p $$(dir $$@)
	$(CXX) $(VL_CXXFLAGS) -I$$(RTL_OBJ_$(1)) $$(RTL_SIMDEF_$(1)) -DRH_FFMAP_BUILT=rh_ffmap_$(1) \
		-DRH_VL_MODEL=Vrh_fi_$(1) -DRH_VL_HDR='"Vrh_fi_$(1).h"' -DRH_VL_ROOT_HDR='"Vrh_fi_$(1)___024root.h"' \
		-DRH_VL_SETTLE=Vrh_fi_$(1)___024root___eval_settle -iquote $(BUILD)/rtl/$(1) -DRH_FLIPTAB_HDR='"fliptab.h"' \
		-DRH_SIM_SET_SYM=rh_sim_set_$(1) -DRH_SIM_SET_NAME=$(1) -c $$< -o $$@

# yosys flip-flop count of the core without injection logic (memories as black boxes).
$(BUILD)/yosys/ffcount_$(1).txt: $(RTL_SRC) rtl/rtl.mk
	@mkdir -p $$(dir $$@)
	$(YOSYS) -q -l $(BUILD)/yosys/ffcount_$(1).log -p "read_verilog -DRAHIL_NO_SCAN rtl/rh_sreg.v rtl/rh_pe.v rtl/rh_array.v $(RTL_CTL_SRC) rtl/rh_core.v; read_verilog -lib rtl/rh_ram.v; chparam -set ROWS $$(RTL_ROWS_$(1)) -set COLS $$(RTL_COLS_$(1)) $$(RTL_YP_$(1)) rh_core; synth -flatten -noabc -nofsm -top rh_core; tee -o $$@.stat stat" >/dev/null
	awk '/DFF/ { n += $$$$NF } END { print n + 0 }' $$@.stat >$$@.tmp && mv $$@.tmp $$@

$(BUILD)/rtl/$(1)/rtl-inject: tests/rtl/inject_main.c $$(RTL_SIM_DEPS) $(BUILD)/librahil.a $(BUILD)/obj/host/cli/cli_util.o \
		$(BUILD)/obj/host/cli/cli_inject.o
	@mkdir -p $$(dir $$@)
	$(CC) $(CPPFLAGS) -Iverilator $(ALL_CFLAGS) -c tests/rtl/inject_main.c -o $(BUILD)/rtl/$(1)/inject_main.o
	$(CXX) $(OPT) -o $$@ $(BUILD)/rtl/$(1)/inject_main.o $(BUILD)/obj/host/cli/cli_util.o \
		$(BUILD)/obj/host/cli/cli_inject.o $$(RTL_SIM_LINK) $(BUILD)/librahil.a $(HOST_LIBS)

$(BUILD)/rtl/$(1)/rtl-tests: tests/rtl/test_sim.c $$(RTL_SIM_DEPS) $(BUILD)/librahil.a
	@mkdir -p $$(dir $$@)
	$(CC) $(CPPFLAGS) -Iverilator $(ALL_CFLAGS) -DRH_TEST_SET=rh_sim_set_$(1) -c tests/rtl/test_sim.c \
		-o $(BUILD)/rtl/$(1)/test_sim.o
	$(CXX) $(OPT) -o $$@ $(BUILD)/rtl/$(1)/test_sim.o $$(RTL_SIM_LINK) $(BUILD)/librahil.a $(HOST_LIBS)
endef

# The simulator library and what links it (defined before the sets' rules, whose prerequisites
# name them).
RTL_SIM_LINK := $(BUILD)/librahil_sim.a $(BUILD)/obj_dir_sim/libVrh_fi.a $(BUILD)/obj_dir_sim_tr/libVrh_fi_tr.a \
	$(BUILD)/obj_dir_board/libVrh_fi.a $(BUILD)/obj_dir_ice40/libVrh_fi.a $(BUILD)/obj_dir_sim_tr/libverilated.a \
	-lz -lstdc++ -lpthread
RTL_SIM_DEPS := $(BUILD)/librahil_sim.a $(BUILD)/obj_dir_sim/libVrh_fi.a $(BUILD)/obj_dir_sim_tr/libVrh_fi_tr.a \
	$(BUILD)/obj_dir_board/libVrh_fi.a $(BUILD)/obj_dir_ice40/libVrh_fi.a $(BUILD)/obj_dir_sim_tr/libverilated.a
$(eval $(call rtl_cfg,sim))
$(eval $(call rtl_cfg,board))
$(eval $(call rtl_cfg,ice40))
# The simulator library: the harness's C API (verilator/rh_sim_api.c), every set, the sim
# back-end and the back-end table above it (host C that needs the harness); one Verilator
# runtime (the traceable set's). It calls librahil.a, which never calls it.
RTL_SETS := sim board ice40
$(BUILD)/rtl/%.o: host/backend/%.c verilator/rh_sim.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Iverilator $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/rtl/rh_sim_api.o: verilator/rh_sim_api.c verilator/rh_sim.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Iverilator $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/librahil_sim.a: $(BUILD)/rtl/rh_sim_api.o $(BUILD)/rtl/backend_sim.o $(BUILD)/rtl/registry.o \
		$(foreach c,$(RTL_SETS),$(BUILD)/rtl/$(c)/rh_sim.o $(BUILD)/rtl/$(c)/ffmap_$(c).o)
	rm -f $@ && $(AR) rcs $@ $^

# The FF maps librahil.a carries (host/accel/ffmap.h): the simulator's and the bitstream's.
RTL_HOST_FFMAPS := $(BUILD)/rtl/sim/ffmap_sim.o $(BUILD)/rtl/ice40/ffmap_ice40.o

$(BUILD)/ffmap-hash: verilator/ffmap_hash.c host/core/hash.h
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -Ihost/core -o $@ $<


.PHONY: rtl-lint rtl-ffcount rtl-formal rtl-tb rtl-test rtl-bench rtl-util

rtl-lint:
	$(VERILATOR) --lint-only -Wall -Irtl $(RTL_VLT) $(RTL_SRC) --top-module rh_fi -GROWS=8 -GCOLS=8
	$(VERILATOR) --lint-only -Wall -Irtl $(RTL_VLT) $(RTL_SRC) --top-module rh_fi -GROWS=2 -GCOLS=4 -GMUL_DSP=6
	$(VERILATOR) --lint-only -Wall -Irtl $(RTL_VLT) $(RTL_SRC) --top-module rh_fi \
		-GROWS=$(RTL_ROWS_ice40) -GCOLS=$(RTL_COLS_ice40) $(RTL_G_ice40)

# chain length (from the generated FF map) == yosys flip-flop bits, for all three parameter sets
rtl-ffcount: $(BUILD)/ffmap_sim.tsv $(BUILD)/ffmap_board.tsv $(BUILD)/ffmap_ice40.tsv \
		$(BUILD)/yosys/ffcount_sim.txt $(BUILD)/yosys/ffcount_board.txt $(BUILD)/yosys/ffcount_ice40.txt
	@for c in sim board ice40; do \
		chain=$$(($$(wc -l <$(BUILD)/ffmap_$$c.tsv) - 1)); ff=$$(cat $(BUILD)/yosys/ffcount_$$c.txt); \
		if [ "$$chain" = "$$ff" ]; then echo "ok: $$c chain $$chain bits = yosys $$ff flip-flops"; \
		else echo "FAIL: $$c chain $$chain bits, yosys counts $$ff flip-flops"; exit 1; fi; done

# PE and array testbenches (self-checking; +trace writes a VCD under $(BUILD)/rtl)
$(BUILD)/rtl/tb/pe%/tb_pe: tests/rtl/tb_pe.v rtl/rh_pe.v rtl/rh_sreg.v
	@mkdir -p $(BUILD)/rtl/tb
	$(VERILATOR) --binary --timing -Wno-fatal -Irtl -Mdir $(BUILD)/rtl/tb/pe$* --top-module tb_pe \
		-GMUL_DSP=$(if $(filter _lut,$*),0,1) $^ -o tb_pe >$(BUILD)/rtl/tb/pe$*.log 2>&1 \
		|| (tail -20 $(BUILD)/rtl/tb/pe$*.log; exit 1)

$(BUILD)/rtl/tb/array_%/tb_array: tests/rtl/tb_array.v rtl/rh_array.v rtl/rh_pe.v rtl/rh_sreg.v
	@mkdir -p $(BUILD)/rtl/tb
	$(VERILATOR) --binary --timing -Wno-fatal -Irtl -Mdir $(BUILD)/rtl/tb/array_$* --top-module tb_array \
		-GROWS=$(word 1,$(subst x, ,$*)) -GCOLS=$(word 2,$(subst x, ,$*)) \
		$(if $(filter 2x4,$*),-GMUL_DSP=6) $^ -o tb_array \
		>$(BUILD)/rtl/tb/array_$*.log 2>&1 || (tail -20 $(BUILD)/rtl/tb/array_$*.log; exit 1)

rtl-tb: $(BUILD)/rtl/tb/pe_dsp/tb_pe $(BUILD)/rtl/tb/pe_lut/tb_pe $(BUILD)/rtl/tb/array_8x8/tb_array \
		$(BUILD)/rtl/tb/array_2x4/tb_array
	$(BUILD)/rtl/tb/pe_dsp/tb_pe
	$(BUILD)/rtl/tb/pe_lut/tb_pe
	$(BUILD)/rtl/tb/array_8x8/tb_array
	$(BUILD)/rtl/tb/array_2x4/tb_array

# scan controller: bounded model check (30 steps), k-induction, cover (yosys-smtbmc + z3)
rtl-formal: rtl/rh_scanctl.v
	@mkdir -p $(BUILD)/rtl/formal
	$(YOSYS) -q -p "read_verilog -formal -DFORMAL rtl/rh_scanctl.v; prep -top rh_scanctl; async2sync; dffunmap; write_smt2 -wires $(BUILD)/rtl/formal/rtl_scanctl.smt2"
	yosys-smtbmc -s z3 --presat -t 30 $(BUILD)/rtl/formal/rtl_scanctl.smt2 >$(BUILD)/rtl/formal/rtl_scanctl.bmc.log 2>&1 \
		|| (tail -5 $(BUILD)/rtl/formal/rtl_scanctl.bmc.log; exit 1)
	yosys-smtbmc -s z3 -i -t 12 $(BUILD)/rtl/formal/rtl_scanctl.smt2 >$(BUILD)/rtl/formal/rtl_scanctl.ind.log 2>&1 \
		|| (tail -5 $(BUILD)/rtl/formal/rtl_scanctl.ind.log; exit 1)
	yosys-smtbmc -s z3 -c -t 30 --dump-vcd $(BUILD)/rtl/formal/rtl_scanctl.cover.vcd \
		$(BUILD)/rtl/formal/rtl_scanctl.smt2 >$(BUILD)/rtl/formal/rtl_scanctl.cover.log 2>&1 \
		|| (tail -5 $(BUILD)/rtl/formal/rtl_scanctl.cover.log; exit 1)
	@echo "ok: rh_scanctl BMC 30 steps, induction, cover"

# everything for `make test` (a few hundred images per network on 8x8, fewer on 2x4 and on the
# iCEBreaker set, whose checkpoint tests hold the scrubbed canonical start on its geometry too)
rtl-test: rtl-lint rtl-ffcount rtl-tb $(BUILD)/rtl/sim/rtl-tests $(BUILD)/rtl/board/rtl-tests \
		$(BUILD)/rtl/ice40/rtl-tests
	tests/rtl/ffmap_selftest.sh verilator/gen_ffmap.sh
	$(BUILD)/rtl/sim/rtl-tests --images $(RTL_IMAGES)
	$(BUILD)/rtl/board/rtl-tests --images 50
	$(BUILD)/rtl/ice40/rtl-tests --images 20

# all 10,000 test images per network, with simulation speed in $(BUILD)/bench_rtl.json
rtl-bench: $(BUILD)/rtl/sim/rtl-tests
	$(BUILD)/rtl/sim/rtl-tests --images 10000 --json $(BUILD)/bench_rtl.json exact_

# iCE40 utilisation of the board set (rh_fi: core, scan chain, scan controller; memories as black boxes)
rtl-util: $(RTL_SRC)
	@mkdir -p $(BUILD)/yosys
	$(YOSYS) -q -l $(BUILD)/yosys/ice40_board.log -p "read_verilog rtl/rh_sreg.v rtl/rh_pe.v rtl/rh_array.v $(RTL_CTL_SRC) rtl/rh_core.v rtl/rh_scanctl.v rtl/rh_scrub.v rtl/rh_fi.v; read_verilog -lib rtl/rh_ram.v; chparam -set ROWS $(RTL_ROWS_board) -set COLS $(RTL_COLS_board) -set MUL_DSP 6 rh_fi; synth_ice40 -dsp -top rh_fi; tee -o $(BUILD)/yosys/ice40_board.stat stat" >/dev/null
	@grep -E "SB_|rh_ram" $(BUILD)/yosys/ice40_board.stat
