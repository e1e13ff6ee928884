// rahil-sim: the verilated board design (firmware/rh_board.v) serving its UART byte stream on
// a pseudo-terminal. Prints the terminal's path on stdout, then runs until killed or, unless
// --persist, until the first client closes the terminal. Built as rahil-gatesim
// (verilator/gatesim.mk) around the bitstream's netlist instead: RAHIL_SIM_NAME names the
// program, RH_BOARD_SIM_PINS_ONLY says the model has the UART pins and no byte interface.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include "rh_board_sim.h"

#ifndef RAHIL_SIM_NAME
#define RAHIL_SIM_NAME "rahil-sim"
#endif
#ifdef RH_BOARD_SIM_PINS_ONLY
#define RAHIL_SIM_WHAT "the bitstream's netlist (gate level)"
#else
#define RAHIL_SIM_WHAT "the simulated board"
#endif

namespace
{

volatile sig_atomic_t g_stop = 0; // set by SIGINT/SIGTERM; the only global, as signals need one

void on_signal(int)
{
	g_stop = 1;
}

void usage(FILE *f)
{
	fprintf(f, "usage: " RAHIL_SIM_NAME " [--uart] [--persist] [--verbose]\n"
	           "Serve the host link of " RAHIL_SIM_WHAT " on a pseudo-terminal; print its path.\n"
#ifdef RH_BOARD_SIM_PINS_ONLY
	           "  --uart     accepted: the bytes always go over the simulated UART pins (8N1 at\n"
	           "             the design's clocks per bit); the netlist has no byte interface\n"
#else
	           "  --uart     carry the bytes over the simulated UART pins (8N1 at the design's\n"
	           "             clocks per bit) instead of the UART's byte interface\n"
#endif
	           "  --persist  keep serving after a client closes the terminal\n"
	           "  --verbose  report bytes and simulated clocks on stderr at exit\n"
	           "Exit codes: 0 the client closed the terminal or a signal ended it, 1 usage,\n"
	           "2 the pseudo-terminal could not be set up.\n");
}

uint64_t now_ns()
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

} // namespace

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"uart", no_argument, nullptr, 'u'},
	    {"persist", no_argument, nullptr, 'p'},
	    {"verbose", no_argument, nullptr, 'v'},
	    {"help", no_argument, nullptr, 'h'},
	    {nullptr, 0, nullptr, 0},
	};
	unsigned flags = 0;
	bool persist = false, verbose = false;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, nullptr)) != -1) {
		switch (c) {
		case 'u': flags |= RH_BOARD_SIM_UART; break;
		case 'p': persist = true; break;
		case 'v': verbose = true; break;
		case 'h': usage(stdout); return 0;
		default: fprintf(stderr, "Try '" RAHIL_SIM_NAME " --help'\n"); return 1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, RAHIL_SIM_NAME ": unexpected argument '%s'\nTry '" RAHIL_SIM_NAME " --help'\n",
		        argv[optind]);
		return 1;
	}

	int fd = posix_openpt(O_RDWR | O_NOCTTY);
	if (fd < 0 || grantpt(fd) || unlockpt(fd)) {
		fprintf(stderr, RAHIL_SIM_NAME ": pseudo-terminal: %s\n", strerror(errno));
		return 2;
	}
	const char *name = ptsname(fd);
	if (!name) {
		fprintf(stderr, RAHIL_SIM_NAME ": ptsname: %s\n", strerror(errno));
		return 2;
	}
	// Raw until the client sets its own mode: no echo, no line discipline on the bytes.
	struct termios tio;
	if (tcgetattr(fd, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(fd, TCSANOW, &tio);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

	struct rh_board_sim *sim = nullptr;
	struct rh_err err = {0, ""};
	if (rh_board_sim_create(&sim, flags, &err)) {
		fprintf(stderr, RAHIL_SIM_NAME ": %s\n", err.msg);
		return 2;
	}
	struct rh_board_sim_info info;
	rh_board_sim_info(sim, &info);

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, nullptr);
	sigaction(SIGTERM, &sa, nullptr);
	signal(SIGPIPE, SIG_IGN);

	printf("%s\n", name);
	fflush(stdout);

	std::vector<uint8_t> out; // device bytes not yet written to the terminal
	bool client = false;
	uint64_t bytes_in = 0, bytes_out = 0, last = now_ns();
	uint64_t owed = 0; // idle clocks due by wall time and not yet simulated
	int rc = 0;
	while (!g_stop) {
		bool busy = rh_board_sim_busy(sim) || !out.empty();
		struct pollfd p = {fd, (short)(POLLIN | (out.empty() ? 0 : POLLOUT)), 0};
		int n = poll(&p, 1, busy || owed ? 0 : 5);
		if (n < 0 && errno != EINTR)
			break;
		if (p.revents & POLLHUP) {
			// No client has the terminal open (yet, or any more).
			if (client && !persist)
				break;
			client = false;
			usleep(10000);
		}
		if (p.revents & POLLIN) {
			uint8_t buf[4096];
			ssize_t k = read(fd, buf, sizeof(buf));
			if (k > 0) {
				client = true;
				rh_board_sim_push(sim, buf, (size_t)k);
				bytes_in += (uint64_t)k;
			}
		}
		// Simulate: flat out while there is work, else at the board's own pace, so the
		// frame receiver's inter-byte timeout means the same wall time as on a board. Either
		// way in steps of at most 4096 clocks between looks at the terminal, so that a
		// simulator slower than the board (rahil-gatesim) still answers promptly.
		uint64_t t = now_ns();
		uint64_t due = (t - last) * info.clk_hz / 1000000000ull;
		last = t;
		if (rh_board_sim_busy(sim)) {
			rh_board_sim_step(sim, 4096);
			owed = 0;
		} else {
			owed = owed + due < 4u * info.timeout_clks ? owed + due : 4u * info.timeout_clks;
			uint64_t k = owed < 4096 ? owed : 4096;
			rh_board_sim_step(sim, k);
			owed -= k;
		}
		uint8_t buf[4096];
		size_t k;
		while ((k = rh_board_sim_pull(sim, buf, sizeof(buf))) > 0)
			out.insert(out.end(), buf, buf + k);
		if (!out.empty()) {
			ssize_t w = write(fd, out.data(), out.size());
			if (w > 0) {
				out.erase(out.begin(), out.begin() + w);
				bytes_out += (uint64_t)w;
			}
		}
	}
	if (verbose)
		fprintf(stderr, RAHIL_SIM_NAME ": %llu bytes in, %llu bytes out, %llu clocks\n",
		        (unsigned long long)bytes_in, (unsigned long long)bytes_out,
		        (unsigned long long)rh_board_sim_clocks(sim));
	rh_board_sim_destroy(sim);
	close(fd);
	return rc;
}
