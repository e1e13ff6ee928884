# rahil: the host code's layers, sources, include path and warning flags, for every makefile
# that builds host code (the top-level Makefile, firmware/link.mk, rtl/rtl.mk,
# verilator/board_sim.mk). host/README.md says what each layer owns and may call.
ifndef RH_HOST_MK
RH_HOST_MK := 1

HOST_LAYERS := core data nn accel link backend predict campaign report cli
HOST_INC := $(addprefix -Ihost/,$(HOST_LAYERS))
# the same, as absolute paths, for builds that run in another directory (Verilator's)
HOST_INC_ABS := $(addprefix -I$(abspath host)/,$(HOST_LAYERS))

HOST_WARN := -Wall -Wextra -Wshadow -Wundef -Wpointer-arith -Wcast-qual -Wwrite-strings \
	-Wstrict-prototypes -Wmissing-prototypes -Wswitch-enum
ifeq ($(CI),true)
HOST_WARN += -Werror
endif

HOST_CORE_SRC := host/core/error.c host/core/stats.c
HOST_DATA_SRC := host/data/dataset.c host/data/model.c host/data/quant.c
HOST_NN_SRC := host/nn/refmodel.c host/nn/train.c
HOST_ACCEL_SRC := host/accel/accel_image.c host/accel/accel_occupancy.c host/accel/ffmap.c host/accel/fit.c
# the link layer without the simulated board's transport (which needs the board simulator)
HOST_LINK_SRC := host/link/protocol.c host/link/protocol_link.c host/link/transport.c \
	host/link/transport_serial.c host/link/transport_ftdi.c host/link/board_table.c host/link/devices.c
HOST_LINK_SIM_SRC := host/link/transport_sim.c
HOST_BACKEND_SRC := host/backend/backend.c host/backend/backend_sw.c host/backend/backend_link.c
# the sim back-end and the table of back-ends: built with the simulator library (rtl/rtl.mk)
HOST_BACKEND_SIM_SRC := host/backend/backend_sim.c host/backend/registry.c
HOST_PREDICT_SRC := host/predict/census.c host/predict/effect.c host/predict/proposal.c host/predict/calib.c host/predict/predict.c
HOST_CAMPAIGN_SRC := host/campaign/journal.c host/campaign/outcome.c host/campaign/engine.c \
	host/campaign/merge.c
HOST_REPORT_SRC := host/report/injlog.c host/report/report.c
HOST_CLI_SRC := host/cli/main.c host/cli/cli_util.c host/cli/cli_jobs.c host/cli/cli_train.c host/cli/cli_eval.c \
	host/cli/cli_campaign.c host/cli/cli_devices.c host/cli/cli_inject.c \
	host/cli/cli_sites.c host/cli/cli_predict.c host/cli/cli_compare.c host/cli/cli_result.c \
	host/cli/cli_merge.c host/cli/cli_report.c

# librahil.a: every layer below the back-end table and the CLI
HOST_LIB_SRC := $(HOST_CORE_SRC) $(HOST_DATA_SRC) $(HOST_NN_SRC) $(HOST_ACCEL_SRC) $(HOST_LINK_SRC) \
	$(HOST_BACKEND_SRC) $(HOST_PREDICT_SRC) $(HOST_CAMPAIGN_SRC) $(HOST_REPORT_SRC)

endif
