/* rahil: writes firmware/protocol_ops.vh, the gateware's copy of host/link/protocol_ops.def.
 * Usage: gen_protocol_ops > protocol_ops.vh. The tree keeps the output; `make link-ops-check`
 * regenerates it and fails when the two differ. */
#include <stdio.h>

int main(void)
{
	printf("// rahil: protocol opcodes, error codes and constants for the gateware.\n");
	printf("// Generated from host/link/protocol_ops.def by firmware/gen_protocol_ops.c: do not "
	       "edit.\n");
	printf("`ifndef RH_PROTOCOL_OPS_VH\n`define RH_PROTOCOL_OPS_VH\n\n");
	printf("// Request opcodes; the response carries opcode | 8'h80.\n");
#define RH_CMD(name, code, desc) printf("`define RH_CMD_%-14s 8'h%02X // %s\n", #name, code, desc);
#include "protocol_ops.def"
	printf("\n// Error codes in ERROR frames.\n");
#define RH_PERR(name, code, desc) printf("`define RH_PERR_%-13s 8'h%02X // %s\n", #name, code, desc);
#include "protocol_ops.def"
	printf("\n// Constants.\n");
#define RH_PCONST(name, value, bits, desc)                                                                             \
	printf("`define RH_PROTO_%-12s %d'h%0*X // %s\n", #name, bits, (bits + 3) / 4, value, desc);
#include "protocol_ops.def"
	printf("\n`endif\n");
	return 0;
}
