// rahil: prints the FFMAP lines of every core register (the build turns them into the FF map).
#include <cstdio>

// The model class of the set it is built for (rtl/rtl.mk: RH_VL_MODEL, RH_VL_HDR).
#include RH_VL_HDR
#include "verilated.h"

int main(int argc, char **argv)
{
	VerilatedContext ctx;
	ctx.commandArgs(argc, argv);
	RH_VL_MODEL top(&ctx);
	top.clk = 0;
	top.i_rst = 1;
	top.eval();
	top.clk = 1;
	top.eval();
	std::printf("CHAIN %u\n", (unsigned)top.o_chain_len);
	top.final();
	return 0;
}
