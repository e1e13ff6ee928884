// rahil: prints the FFMAP lines of every core register (the build turns them into the FF map).
#include <cstdio>

#include "Vrh_fi.h"
#include "verilated.h"

int main(int argc, char **argv)
{
	VerilatedContext ctx;
	ctx.commandArgs(argc, argv);
	Vrh_fi top(&ctx);
	top.clk = 0;
	top.i_rst = 1;
	top.eval();
	top.clk = 1;
	top.eval();
	std::printf("CHAIN %u\n", (unsigned)top.o_chain_len);
	top.final();
	return 0;
}
