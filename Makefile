# rahil: every entry point. `make help` lists the targets.

PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
CC ?= cc
PKG_CONFIG ?= pkg-config

# The host's layers, sources, include path and warnings (one fragment for every makefile).
include host/host.mk
WARN := $(HOST_WARN)
ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
OPT := -O1 -g $(SANFLAGS)
else
OPT := -O2 -g
endif

HOST_PKGS := zlib libcjson
HOST_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(HOST_PKGS) 2>/dev/null)
HOST_LIBS = $(shell $(PKG_CONFIG) --libs $(HOST_PKGS) 2>/dev/null || echo -lz -lcjson) -lpthread -lm

CFLAGS ?=
CPPFLAGS += -D_POSIX_C_SOURCE=200809L $(HOST_INC)
ALL_CFLAGS = -std=c11 $(OPT) $(WARN) $(HOST_CFLAGS) $(CFLAGS) -MD -MP

# The host library (librahil.a): every layer below the back-end table and the CLI.
LIB_SRC := $(HOST_LIB_SRC)
CLI_SRC := $(HOST_CLI_SRC)
TEST_SRC := tests/host/runner.c tests/host/test_idx.c tests/host/test_model.c \
	tests/host/test_quant.c tests/host/test_ref.c tests/host/test_stats.c tests/host/test_ffmap.c \
	tests/host/test_journal.c tests/host/test_engine.c tests/host/test_sites.c tests/host/sites_check.c \
	tests/host/test_effect.c tests/host/effect_check.c tests/host/test_predict.c tests/host/test_cli.c
BENCH_SRC := tests/host/bench.c
SITES_CHECK_SRC := tests/host/sites_bench.c tests/host/sites_check.c
EFFECT_CHECK_SRC := tests/host/effect_bench.c tests/host/effect_check.c

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

# Plain `make` builds the CLI (the fragments included below define targets of their own).
.DEFAULT_GOAL := all

# FPGA bitstreams: make bitstream BOARD=icebreaker. First: its ICEBREAKER_* parameter set is
# also the RTL's ice40 set and the verilated board's.
include bitstreams/icebreaker.mk
# RTL, Verilator harness and RTL tests (rtl-* targets, RTL_SIM_LINK)
include rtl/rtl.mk
# The simulator library (the sim back-end, the back-end table, the verilated sets) calls
# librahil.a, never the other way: it comes first on the link line.
LINK_LIBS_ALL = $(RTL_SIM_LINK) $(BUILD)/librahil.a $(HOST_LIBS) $(LINK_LIBS)

.PHONY: all test demo bench lint host-lint format-check format formal fuzz bitstream clean install deps help models cli-doc cli-doc-check
all: $(BUILD)/rahil

# The verilated board design, rahil-sim, board tests (board-* targets, BOARD_SIM_LINK)
include verilator/board_sim.mk
# Host link: protocol, transports, `rahil devices`, link gateware (link-* targets, LINK_*);
# after verilator/board_sim.mk, whose BOARD_SIM_LINK it reads
include firmware/link.mk
BOARD ?= icebreaker
# The bitstream's own netlist, simulated: make gatesim BOARD=icebreaker (gatesim-* targets);
# after BOARD and verilator/board_sim.mk, whose harness it builds against the netlist
include verilator/gatesim.mk

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

# with the FF maps generated from the RTL (host/accel/ffmap.h)
$(BUILD)/librahil.a: $(call obj,$(LIB_SRC)) $(RTL_HOST_FFMAPS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/rahil: $(call obj,$(CLI_SRC)) $(BUILD)/librahil.a $(RTL_SIM_DEPS)
	$(CXX) $(OPT) $(LDFLAGS) -o $@ $(call obj,$(CLI_SRC)) $(LINK_LIBS_ALL)

$(BUILD)/rahil-tests: $(call obj,$(TEST_SRC)) $(BUILD)/librahil.a $(RTL_SIM_DEPS)
	$(CXX) $(OPT) $(LDFLAGS) -o $@ $(call obj,$(TEST_SRC)) $(LINK_LIBS_ALL)

$(BUILD)/rahil-bench: $(call obj,$(BENCH_SRC)) $(BUILD)/librahil.a $(RTL_SIM_DEPS)
	$(CXX) $(OPT) $(LDFLAGS) -o $@ $(call obj,$(BENCH_SRC)) $(LINK_LIBS_ALL)

$(BUILD)/rahil-sites-check: $(call obj,$(SITES_CHECK_SRC)) $(BUILD)/librahil.a $(RTL_SIM_DEPS)
	$(CXX) $(OPT) $(LDFLAGS) -o $@ $(call obj,$(SITES_CHECK_SRC)) $(LINK_LIBS_ALL)

$(BUILD)/rahil-effect-check: $(call obj,$(EFFECT_CHECK_SRC)) $(BUILD)/librahil.a $(RTL_SIM_DEPS)
	$(CXX) $(OPT) $(LDFLAGS) -o $@ $(call obj,$(EFFECT_CHECK_SRC)) $(LINK_LIBS_ALL)

# rahil inject runs on the simulator: it includes the harness's header.
$(BUILD)/obj/host/cli/cli_inject.o: CPPFLAGS += -Iverilator

# A board with a planted defect, for the campaign system tests (tests/system/test_campaign.sh).
$(BUILD)/tests/fake_board: $(call obj,tests/system/fake_board.c) $(BUILD)/librahil.a
	@mkdir -p $(dir $@)
	$(CC) $(OPT) $(LDFLAGS) -o $@ $(call obj,tests/system/fake_board.c) $(BUILD)/librahil.a $(HOST_LIBS)

# Installs missing Debian packages (as root) or says which to install.
deps:
	@scripts/install-deps.sh

# The main job on the embedded default. Today: the reference models on the software path.
demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh $(BUILD)/rahil

# Every suite runs even when an earlier one fails; the last line sums them all.
test: deps
	@$(MAKE) --no-print-directory $(BUILD)/rahil $(BUILD)/rahil-tests
	@tests/run-suites.sh \
		style "$(MAKE) --no-print-directory lint format-check cli-doc-check" \
		host "$(BUILD)/rahil-tests --rahil $(BUILD)/rahil" \
		rtl "$(MAKE) --no-print-directory rtl-test" \
		link "$(MAKE) --no-print-directory link-test" \
		board "$(MAKE) --no-print-directory board-sim-test" \
		system "$(MAKE) --no-print-directory $(BUILD)/rahil-sim && tests/system/test_system.sh $(BUILD)/rahil $(BUILD)/rahil-sim" \
		campaign "$(MAKE) --no-print-directory $(BUILD)/rahil-sim $(BUILD)/tests/fake_board && \
			tests/system/test_campaign.sh $(BUILD)/rahil $(BUILD)/rahil-sim $(BUILD)/tests/fake_board" \
		shard "tests/system/test_shard.sh $(BUILD)/rahil" \
		fit "tests/system/test_fit.sh $(BUILD)/rahil $(BUILD)" \
		sites "tests/system/test_sites.sh $(BUILD)/rahil" \
		report "tests/system/test_report.sh $(BUILD)/rahil" \
		slurm "tests/system/test_slurm.sh $(BUILD)/rahil" \
		bitstream "$(MAKE) --no-print-directory bitstream BOARD=icebreaker" \
		gatesim "$(MAKE) --no-print-directory gatesim-test"

# Reference model and simulator throughput; every benchmark adds its keys to bench.json.
bench: $(BUILD)/rahil-bench $(BUILD)/rahil-sites-check $(BUILD)/rahil-effect-check
	@$(MAKE) --no-print-directory rtl-bench
	$(BUILD)/rahil-effect-check --cells 1000 --images 2 --json $(BUILD)/bench_effect.json
	$(BUILD)/rahil-bench --out $(BUILD)/bench.json --merge $(BUILD)/bench_rtl.json --merge $(BUILD)/bench_effect.json
	$(BUILD)/rahil-sites-check --dead 2000 --live 500 --images 2

formal: rtl-formal link-formal board-formal

bitstream: bitstream-$(BOARD)

fuzz: link-fuzz

# Rebuild the committed reference models (docs/models.md gives the same commands).
models: $(BUILD)/rahil
	$(BUILD)/rahil train --arch mlp --seed 1 -o models/mlp.rmod
	$(BUILD)/rahil train --arch cnn --seed 1 -o models/cnn.rmod

C_FILES = $(wildcard host/*/*.c host/*/*.h tests/host/*.c tests/host/*.h)
# clang-format also covers the board, RTL and harness test code and the harness
FORMAT_FILES = $(C_FILES) $(wildcard tests/board/*.c tests/board/*.h tests/board_sim/*.c tests/rtl/*.c \
	verilator/*.c verilator/*.h verilator/*.cpp)

lint: host-lint rtl-lint link-lint board-lint

# Each host layer includes only the layers it may call (docs/architecture.md).
host-lint:
	@scripts/check-layers.sh
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --std=c11 --inline-suppr \
		--suppress=missingIncludeSystem $(HOST_INC) host tests/host

# docs/cli.md is generated from the --help texts; the check fails when it is stale.
cli-doc: $(BUILD)/rahil
	scripts/gen-cli-doc.sh $(BUILD)/rahil >docs/cli.md

cli-doc-check: $(BUILD)/rahil
	@scripts/gen-cli-doc.sh $(BUILD)/rahil | diff -u docs/cli.md - && echo "docs/cli.md matches the --help texts"

format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

format:
	clang-format -i $(FORMAT_FILES)

install: $(BUILD)/rahil
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BUILD)/rahil $(DESTDIR)$(PREFIX)/bin/rahil

clean:
	rm -rf $(BUILD)

help:
	@echo "make [all]          build $(BUILD)/rahil"
	@echo "make demo           run the main job on the default back-end"
	@echo "make test           build and run every test"
	@echo "make bench          benchmarks, written to $(BUILD)/bench.json"
	@echo "make models         retrain the committed reference models"
	@echo "make lint           cppcheck and verilator --lint-only"
	@echo "make formal         formal checks (yosys-smtbmc)"
	@echo "make bitstream BOARD=icebreaker   FPGA bitstream, utilisation, timing"
	@echo "make gatesim BOARD=icebreaker     $(BUILD)/rahil-gatesim: the bitstream's netlist, simulated"
	@echo "make format-check   clang-format, no changes"
	@echo "make cli-doc        regenerate docs/cli.md from the --help texts"
	@echo "make install        install rahil to \$$(DESTDIR)\$$(PREFIX)/bin (PREFIX=$(PREFIX))"
	@echo "make clean          remove $(BUILD)/"
	@echo "Variables: SAN=1 (ASan+UBSan), CI=true (-Werror), BUILD=dir"

# header dependencies of every C object (the verilated models' own .d files stay out)
-include $(wildcard $(BUILD)/obj/*/*.d $(BUILD)/obj/*/*/*.d $(BUILD)/board/*.d $(BUILD)/rtl/*/*.d)
