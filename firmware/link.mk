# rahil: the board path's host link: framed protocol, transports, `rahil devices`, the link
# gateware (UART, frame receiver/transmitter, host_link, link test design), and their tests,
# lint, formal checks and fuzzing. Included from the top-level Makefile (after its `all`
# target, so that `all` stays the default goal); runs alone too:
#   make -f firmware/link.mk link-test
#
# Targets
#   link-test       everything below but formal; ends "total: N passed, N failed, N skipped"
#   link-unit       host unit tests: protocol, transports (pty), request layer, devices,
#                    libusb + libftdi1 against an emulated FT2232H (umockdev)
#   link-sim        Verilator: UART loopback testbench, link test design through its UART pins
#   link-lint       verilator --lint-only -Wall on the link gateware, both baud settings
#   link-ops-check  firmware/protocol_ops.vh is what host/link/protocol_ops.def generates
#   link-ops        regenerate firmware/protocol_ops.vh after editing host/link/protocol_ops.def
#   link-fuzz       libFuzzer on the frame parser for LINK_FUZZ_SECONDS (default 30)
#   link-formal     yosys-smtbmc: uart_tx, uart_rx, UART loopback, frame_rx, frame_tx
#
# For the rahil binary: add $(LINK_LIB_SRC) to the library sources, $(LINK_CLI_SRC) to the
# CLI sources, $(LINK_SIM_SRC) where the simulator is linked, and $(LINK_LIBS) to the link
# line; the per-object flags are set below.

BUILD ?= build
CC ?= cc
include host/host.mk
PKG_CONFIG ?= pkg-config
VERILATOR ?= verilator
LINK_OUT := $(BUILD)/link
LINK_FUZZ_SECONDS ?= 30

LINK_WARN := $(HOST_WARN)

# Optional libraries: a missing one gives a back-end that says so at run time.
LINK_HAVE_FTDI := $(shell $(PKG_CONFIG) --exists libftdi1 2>/dev/null && echo 1)
LINK_HAVE_USB := $(shell $(PKG_CONFIG) --exists libusb-1.0 2>/dev/null && echo 1)
LINK_FTDI_CFLAGS := $(if $(LINK_HAVE_FTDI),-DRH_HAVE_LIBFTDI $(shell $(PKG_CONFIG) --cflags libftdi1))
LINK_USB_CFLAGS := $(if $(LINK_HAVE_USB),-DRH_HAVE_LIBUSB $(shell $(PKG_CONFIG) --cflags libusb-1.0))
LINK_LIBS := $(if $(LINK_HAVE_FTDI),$(shell $(PKG_CONFIG) --libs libftdi1)) \
	$(if $(LINK_HAVE_USB),$(shell $(PKG_CONFIG) --libs libusb-1.0)) -lpthread
# The emulated FT2232H test needs umockdev as well as both USB libraries.
LINK_HAVE_UMOCKDEV := $(shell $(PKG_CONFIG) --exists umockdev-1.0 2>/dev/null && echo 1)
ifeq ($(LINK_HAVE_UMOCKDEV)$(LINK_HAVE_FTDI)$(LINK_HAVE_USB),111)
LINK_USB_BIN := $(LINK_OUT)/test_usb
LINK_USB_RUN := $(LINK_OUT)/test_usb
else
LINK_USB_BIN :=
LINK_USB_RUN := echo "skip usb/all: needs libumockdev-dev, libftdi1-dev and libusb-1.0-0-dev"; \
	echo "0 passed, 0 failed, 1 skipped"
endif

LINK_LIB_SRC := $(HOST_LINK_SRC)
LINK_CLI_SRC := host/cli/cli_devices.c host/cli/cli_util.c
# The sim back-end: links the verilated board design (verilator/board_sim.mk's BOARD_SIM_LINK) and
# needs -Iverilator.
LINK_SIM_SRC := $(HOST_LINK_SIM_SRC)

# Per-object flags when the top-level rule $(BUILD)/obj/%.o builds these.
$(BUILD)/obj/host/link/transport_ftdi.o: CPPFLAGS += $(LINK_FTDI_CFLAGS)
$(BUILD)/obj/host/link/devices.o: CPPFLAGS += $(LINK_USB_CFLAGS)
$(BUILD)/obj/host/link/transport_sim.o: CPPFLAGS += -Iverilator

# The board tests build their own objects, with the sanitizers on.
LINK_TFLAGS := -std=c11 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	$(LINK_WARN) -D_POSIX_C_SOURCE=200809L $(HOST_INC) -Itests/board
LINK_TOBJ = $(patsubst %.c,$(LINK_OUT)/obj/%.o,$(1))

$(LINK_OUT)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(LINK_TFLAGS) $(LINK_FTDI_CFLAGS) $(LINK_USB_CFLAGS) $(LINK_EXTRA) -MD -MP -c $< -o $@

$(LINK_OUT)/obj/tests/board/ftdi_emul.o $(LINK_OUT)/obj/tests/board/test_usb.o: \
	LINK_EXTRA = $(shell $(PKG_CONFIG) --cflags umockdev-1.0)

$(LINK_OUT)/test_usb: $(call LINK_TOBJ,tests/board/test_usb.c tests/board/ftdi_emul.c $(LINK_LIB_SRC) \
		$(LINK_CLI_SRC) host/core/error.c)
	$(CC) $(LINK_TFLAGS) -o $@ $^ $(shell $(PKG_CONFIG) --libs umockdev-1.0) $(LINK_LIBS) \
		$(shell $(PKG_CONFIG) --libs libcjson 2>/dev/null || echo -lcjson)

$(LINK_OUT)/test_protocol: $(call LINK_TOBJ,tests/board/test_protocol.c host/link/protocol.c host/core/error.c)
	$(CC) $(LINK_TFLAGS) -o $@ $^

$(LINK_OUT)/test_link: $(call LINK_TOBJ,tests/board/test_link.c $(LINK_LIB_SRC) host/core/error.c)
	$(CC) $(LINK_TFLAGS) -o $@ $^ $(LINK_LIBS)

# cJSON (a host dependency) parses `rahil devices --json` in the test.
$(LINK_OUT)/test_transport: $(call LINK_TOBJ,tests/board/test_transport.c $(LINK_LIB_SRC) \
		$(LINK_CLI_SRC) host/core/error.c)
	$(CC) $(LINK_TFLAGS) -o $@ $^ $(LINK_LIBS) $(shell $(PKG_CONFIG) --libs libcjson 2>/dev/null || echo -lcjson)

# The emulated FT2232H in front of the verilated board design: needs verilator/board_sim.mk
# (BOARD_SIM_LINK), so it exists only when both fragments are included, that one first. Built
# without sanitizers: it links C++ objects built without them.
LINK_NOSAN = $(patsubst %.c,$(LINK_OUT)/obj-nosan/%.o,$(1))
$(LINK_OUT)/obj-nosan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O1 -g $(LINK_WARN) -D_POSIX_C_SOURCE=200809L $(HOST_INC) -Itests/board -Iverilator \
		$(LINK_FTDI_CFLAGS) $(LINK_USB_CFLAGS) $(shell $(PKG_CONFIG) --cflags umockdev-1.0) -MD -MP -c $< -o $@
ifneq ($(BOARD_SIM_LINK),)
LINK_TSIM_BIN := $(LINK_OUT)/test_transport_sim
LINK_TSIM_RUN := $(LINK_OUT)/test_transport_sim
$(LINK_OUT)/test_transport_sim: $(call LINK_NOSAN,tests/board/test_transport_sim.c $(LINK_SIM_SRC) \
		$(LINK_LIB_SRC) host/core/error.c) $(BOARD_SIM_DEPS)
	$(CXX) -o $@ $(filter %.o,$^) $(BOARD_SIM_LINK) $(LINK_LIBS)
# It opens back-ends by name (rh_backend_open: ftdi, and sim to compare with), so it links the
# host library and the 8x8 core harness as the rahil binary does ($(RTL_SIM_LINK), rtl/rtl.mk),
# and runs `rahil eval --backend ftdi:SERIAL` itself against the emulated board.
ifneq ($(and $(LINK_USB_BIN),$(RTL_SIM_LINK)),)
LINK_USB_SIM_BIN := $(LINK_OUT)/test_usb_sim $(BUILD)/rahil
LINK_USB_SIM_RUN := RH_RAHIL=$(BUILD)/rahil $(LINK_OUT)/test_usb_sim
$(LINK_OUT)/test_usb_sim: $(call LINK_NOSAN,tests/board/test_usb_sim.c tests/board/ftdi_emul.c) \
		$(BOARD_SIM_DEPS) $(BUILD)/librahil.a $(filter %.a,$(RTL_SIM_LINK))
	$(CXX) $(OPT) $(LDFLAGS) -o $@ $(filter %.o,$^) $(RTL_SIM_LINK) $(BOARD_SIM_LINK) $(BUILD)/librahil.a \
		$(shell $(PKG_CONFIG) --libs umockdev-1.0) $(HOST_LIBS) $(LINK_LIBS)
endif
endif
LINK_TSIM_RUN ?= echo "skip sim_transport/all: needs verilator/board_sim.mk (the board simulator)"; \
	echo "0 passed, 0 failed, 1 skipped"
LINK_USB_SIM_RUN ?= echo "skip usb_sim/all: needs umockdev, verilator/board_sim.mk (the board simulator) and rtl/rtl.mk"; \
	echo "0 passed, 0 failed, 1 skipped"

# Generated opcode table for the gateware.
$(LINK_OUT)/gen_protocol_ops: firmware/gen_protocol_ops.c host/link/protocol_ops.def
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(LINK_WARN) $(HOST_INC) -o $@ firmware/gen_protocol_ops.c

.PHONY: link-ops link-ops-check link-unit link-sim link-lint link-fuzz link-formal link-test
link-ops: $(LINK_OUT)/gen_protocol_ops
	$< >firmware/protocol_ops.vh

link-ops-check: $(LINK_OUT)/gen_protocol_ops
	@$< >$(LINK_OUT)/protocol_ops.vh
	@diff -u firmware/protocol_ops.vh $(LINK_OUT)/protocol_ops.vh && \
		echo "firmware/protocol_ops.vh matches host/link/protocol_ops.def" || \
		{ echo "firmware/protocol_ops.vh is stale: run make link-ops"; exit 1; }

# Gateware of the link (no core) and its test design.
LINK_FW_LINK := firmware/uart_rx.v firmware/uart_tx.v firmware/crc16_ccitt.v \
	firmware/frame_rx.v firmware/frame_tx.v firmware/host_link.v
LINK_FW_TEST := firmware/link_top.v firmware/link_selftest.v $(LINK_FW_LINK)

link-lint:
	$(VERILATOR) --lint-only -Wall -Ifirmware --top-module link_top $(LINK_FW_TEST)
	$(VERILATOR) --lint-only -Wall -Ifirmware --top-module link_top -GCLKS_PER_BIT=104 \
		-GMAX_PAYLOAD=256 -GAW=8 $(LINK_FW_TEST)
	@echo "link-lint: link gateware clean at 4 and 104 clocks per bit"

# Verilator testbenches (the testbench code itself is not held to -Wall: link-lint covers the
# gateware).
LINK_TB_TIMEOUT := 400
$(LINK_OUT)/uart_loop_tb/uart_loop_tb: tests/board/uart_loop_tb.v tests/board/uart_loop_case.v \
		firmware/uart_tx.v firmware/uart_rx.v
	@mkdir -p $(dir $@)
	$(VERILATOR) --binary --timing -Wno-fatal -Ifirmware --top-module uart_loop_tb -Mdir $(dir $@) -o uart_loop_tb $(filter %.v,$^) \
		>$(LINK_OUT)/uart_loop_tb.log 2>&1 || { cat $(LINK_OUT)/uart_loop_tb.log; exit 1; }

$(LINK_OUT)/libproto.a: $(LINK_OUT)/proto/protocol.o $(LINK_OUT)/proto/error.o
	rm -f $@ && $(AR) rcs $@ $^
$(LINK_OUT)/proto/%.o: host/link/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 $(LINK_WARN) -D_POSIX_C_SOURCE=200809L $(HOST_INC) -c $< -o $@
$(LINK_OUT)/proto/%.o: host/core/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 $(LINK_WARN) -D_POSIX_C_SOURCE=200809L $(HOST_INC) -c $< -o $@

$(LINK_OUT)/tb_link/tb_link: verilator/tb_link.cpp $(LINK_FW_TEST) firmware/protocol_ops.vh \
		$(LINK_OUT)/libproto.a
	@mkdir -p $(dir $@)
	$(VERILATOR) --cc --exe --build -j 2 -Wall --trace -Ifirmware \
		-CFLAGS "$(HOST_INC_ABS) -DTB_TIMEOUT_CLKS=$(LINK_TB_TIMEOUT)" \
		-LDFLAGS "$(abspath $(LINK_OUT)/libproto.a)" -GTIMEOUT_CLKS=$(LINK_TB_TIMEOUT) \
		--top-module link_top -Mdir $(dir $@) -o tb_link $(LINK_FW_TEST) \
		$(abspath verilator/tb_link.cpp) >$(LINK_OUT)/tb_link.log 2>&1 || \
		{ tail -n 30 $(LINK_OUT)/tb_link.log; exit 1; }

link-unit: $(LINK_OUT)/test_protocol $(LINK_OUT)/test_transport $(LINK_OUT)/test_link $(LINK_USB_BIN)
	@sh tests/board/run_tests.sh "protocol=$(LINK_OUT)/test_protocol" \
		"transport=$(LINK_OUT)/test_transport" "link_layer=$(LINK_OUT)/test_link" \
		'usb=$(LINK_USB_RUN)'

link-sim: $(LINK_OUT)/uart_loop_tb/uart_loop_tb $(LINK_OUT)/tb_link/tb_link
	@sh tests/board/run_tests.sh "uart_loopback=$(LINK_OUT)/uart_loop_tb/uart_loop_tb" \
		"link=$(LINK_OUT)/tb_link/tb_link"

link-fuzz:
	@sh tests/board/run_fuzz.sh $(LINK_OUT) $(LINK_FUZZ_SECONDS)

# Formal: each check is assertions by BMC to the depth given, k-induction where INDUCT is
# given (a proof for all time), then every cover.
LINK_FV = sh tests/board/formal.sh
link-formal:
	INDUCT=12 $(LINK_FV) uart_tx 46 $(LINK_OUT)/formal firmware/uart_tx.v
	INDUCT=12 $(LINK_FV) uart_rx 46 $(LINK_OUT)/formal firmware/uart_rx.v
	NOCOVER="uart_tx uart_rx" $(LINK_FV) uart_loop_fv 48 $(LINK_OUT)/formal \
		tests/board/uart_loop_fv.v firmware/uart_tx.v firmware/uart_rx.v
	INDUCT=8 $(LINK_FV) frame_rx 24 $(LINK_OUT)/formal firmware/frame_rx.v firmware/crc16_ccitt.v \
		-- MAX_PAYLOAD=4 AW=2 TIMEOUT_CLKS=4
	INDUCT=12 $(LINK_FV) frame_tx 16 $(LINK_OUT)/formal firmware/frame_tx.v firmware/crc16_ccitt.v

# The board test set: about a minute, most of it building the Verilator models and fuzzing.
link-test: $(LINK_OUT)/test_protocol $(LINK_OUT)/test_transport $(LINK_OUT)/test_link $(LINK_USB_BIN) \
		$(LINK_USB_SIM_BIN) $(LINK_TSIM_BIN) \
		$(LINK_OUT)/uart_loop_tb/uart_loop_tb $(LINK_OUT)/tb_link/tb_link \
		$(LINK_OUT)/gen_protocol_ops
	@sh tests/board/run_tests.sh "ops_table=$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) link-ops-check" \
		"lint=$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) link-lint" \
		"protocol=$(LINK_OUT)/test_protocol" \
		"transport=$(LINK_OUT)/test_transport" \
		"link_layer=$(LINK_OUT)/test_link" \
		'usb=$(LINK_USB_RUN)' \
		'usb_sim=$(LINK_USB_SIM_RUN)' \
		'sim_transport=$(LINK_TSIM_RUN)' \
		"uart_loopback=$(LINK_OUT)/uart_loop_tb/uart_loop_tb" \
		"link=$(LINK_OUT)/tb_link/tb_link" \
		"fuzz=sh tests/board/run_fuzz.sh $(LINK_OUT) $(LINK_FUZZ_SECONDS)"

-include $(wildcard $(LINK_OUT)/obj/*/*.d $(LINK_OUT)/obj/*/*/*.d $(LINK_OUT)/obj-nosan/*/*.d \
	$(LINK_OUT)/obj-nosan/*/*/*.d)
