/* rahil: what the PE registers hold, cycle by cycle, as the schedule defines it
 * (docs/architecture.md): the exact occupancy the fault model builds on. rtl-tests
 * (rtl_schedule_occupancy) holds it to the verilated core's state, register by register. */
#include "accel_image.h"

int rh_accel_operand_x(const struct rh_layer *l, const int8_t *in, long p, long k)
{
	long npix = rh_accel_layer_pixels(l), oy, ox;
	if (p < 0 || p >= npix || k < 0 || k >= (long)l->k * l->k * l->in_c)
		return 0;
	if (l->flags & RH_F_POOL) { /* pixels in pooling-window order: cell, then dy, dx */
		long cell = p / 4, sub = p % 4;
		oy = 2 * (cell / l->out_w) + sub / 2;
		ox = 2 * (cell % l->out_w) + sub % 2;
	} else {
		oy = p / l->conv_w;
		ox = p % l->conv_w;
	}
	long ky = k / ((long)l->k * l->in_c), kx = (k / l->in_c) % l->k, ch = k % l->in_c;
	long iy = oy * l->stride - l->pad + ky, ix = ox * l->stride - l->pad + kx;
	if (iy < 0 || iy >= l->in_h || ix < 0 || ix >= l->in_w)
		return 0; /* padding */
	return in[(iy * l->in_w + ix) * l->in_c + ch];
}

int rh_accel_operand_w(const struct rh_layer *l, long oc, long k)
{
	long kk = (long)l->k * l->k * l->in_c;
	if (oc < 0 || oc >= l->out_c || k < 0 || k >= kk)
		return 0;
	return l->w[oc * kk + k];
}

void rh_accel_pe_feed(const struct rh_layer *l, const int8_t *in, const struct rh_accel_seg *seg, long tau, int rows,
                      int cols, int row, int col, int64_t out[3])
{
	long p = (long)seg->pixel_tile * rows + row, oc = (long)seg->oc_tile * cols + col;
	/* operands enter skewed: PE (row, col) sees operand k at feed cycle k + 2 + row + col */
	long k = tau - 2 - row - col;
	int64_t acc = 0;
	for (long j = 0; j <= tau - 3 - row - col; j++)
		acc += (int64_t)rh_accel_operand_x(l, in, p, j) * rh_accel_operand_w(l, oc, j);
	out[0] = rh_accel_operand_x(l, in, p, k);
	out[1] = rh_accel_operand_w(l, oc, k);
	out[2] = (int32_t)acc; /* the accumulator is 32 bits wide */
}
