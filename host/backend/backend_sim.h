/* rahil: the sim back-end (verilated accelerator, in-process). */
#ifndef RAHIL_BACKEND_SIM_H
#define RAHIL_BACKEND_SIM_H

#include "backend.h"

extern const struct rh_backend_ops rh_backend_sim_ops;

struct rh_sim_set;
/* The verilated parameter set a "sim" or "sim:GEOMETRY" --backend string names, or NULL. */
const struct rh_sim_set *rh_backend_sim_set(const char *spec);

#endif
