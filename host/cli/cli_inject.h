/* rahil: `rahil inject` (needs the simulator library, verilator/rh_sim.h). */
#ifndef RAHIL_CLI_INJECT_H
#define RAHIL_CLI_INJECT_H

int rh_cmd_inject(int argc, char **argv);

#endif
