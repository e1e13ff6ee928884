/* rahil: the framed host link protocol: CRC, frame encoder, incremental parser, payloads. */
#include "protocol.h"

#include <string.h>

uint16_t rh_crc16(uint16_t crc, const uint8_t *p, size_t n)
{
	/* Bit at a time, as the gateware does it: cheap, and 1 KB frames make speed moot. */
	for (size_t i = 0; i < n; i++) {
		crc ^= (uint16_t)(p[i] << 8);
		for (int b = 0; b < 8; b++)
			crc = (crc & 0x8000u) ? (uint16_t)((crc << 1) ^ 0x1021u) : (uint16_t)(crc << 1);
	}
	return crc;
}

struct code_name {
	int code;
	const char *name;
};

static const struct code_name cmd_names[] = {
#define RH_CMD(name, code, desc) {code, #name},
#include "protocol_ops.def"
};

static const struct code_name perr_names[] = {
#define RH_PERR(name, code, desc) {code, #name},
#include "protocol_ops.def"
};

static const char *lookup(const struct code_name *t, size_t n, int code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return "?";
}

const char *rh_cmd_name(int op)
{
	return lookup(cmd_names, sizeof(cmd_names) / sizeof(cmd_names[0]), op);
}

const char *rh_perr_name(int code)
{
	return lookup(perr_names, sizeof(perr_names) / sizeof(perr_names[0]), code);
}

int rh_proto_encode(uint8_t seq, uint8_t op, const uint8_t *payload, size_t len, uint8_t *out, size_t cap,
                    size_t *out_len, struct rh_err *err)
{
	if (len > RH_PROTO_MAX_PAYLOAD)
		return rh_err_set(err, RH_E_INVAL, "frame payload of %zu bytes, expected at most %d", len,
		                  RH_PROTO_MAX_PAYLOAD);
	if (len && !payload)
		return rh_err_set(err, RH_E_INVAL, "frame payload of %zu bytes has no data", len);
	size_t total = RH_PROTO_HDR_LEN + len + RH_PROTO_CRC_LEN;
	if (cap < total)
		return rh_err_set(err, RH_E_INVAL, "frame needs %zu bytes, buffer holds %zu", total, cap);
	out[0] = RH_PROTO_SOF;
	out[1] = seq;
	out[2] = op;
	rh_put_u16(out + 3, (uint16_t)len);
	if (len)
		memcpy(out + RH_PROTO_HDR_LEN, payload, len);
	uint16_t crc = rh_crc16(RH_PROTO_CRC_INIT, out + 1, RH_PROTO_HDR_LEN - 1 + len);
	rh_put_u16(out + RH_PROTO_HDR_LEN + len, crc);
	if (out_len)
		*out_len = total;
	return 0;
}

void rh_proto_parser_init(struct rh_proto_parser *p)
{
	memset(p, 0, sizeof(*p));
}

size_t rh_proto_feed(struct rh_proto_parser *p, const uint8_t *data, size_t len)
{
	size_t room = sizeof(p->buf) - p->n;
	size_t k = len < room ? len : room;
	if (k)
		memcpy(p->buf + p->n, data, k);
	p->n += k;
	return k;
}

static void drop(struct rh_proto_parser *p, size_t k)
{
	memmove(p->buf, p->buf + k, p->n - k);
	p->n -= k;
}

int rh_proto_next(struct rh_proto_parser *p, struct rh_frame *f, struct rh_err *err)
{
	size_t skip = 0;
	while (skip < p->n && p->buf[skip] != RH_PROTO_SOF)
		skip++;
	if (skip) {
		p->garbage += skip;
		drop(p, skip);
	}
	if (p->n < RH_PROTO_HDR_LEN)
		return 0;
	unsigned len = rh_get_u16(p->buf + 3);
	if (len > RH_PROTO_MAX_PAYLOAD) {
		p->fault = RH_PF_BAD_LEN;
		p->bad_len++;
		drop(p, 1);
		return rh_err_set(err, RH_E_FORMAT, "frame length field %u, expected at most %d (frame dropped)", len,
		                  RH_PROTO_MAX_PAYLOAD);
	}
	size_t total = RH_PROTO_HDR_LEN + len + RH_PROTO_CRC_LEN;
	if (p->n < total)
		return 0;
	uint16_t want = rh_crc16(RH_PROTO_CRC_INIT, p->buf + 1, RH_PROTO_HDR_LEN - 1 + len);
	uint16_t got = rh_get_u16(p->buf + RH_PROTO_HDR_LEN + len);
	if (want != got) {
		p->fault = RH_PF_BAD_CRC;
		p->bad_crc++;
		unsigned seq = p->buf[1], op = p->buf[2];
		drop(p, 1);
		return rh_err_set(err, RH_E_CRC,
		                  "frame CRC 0x%04x, expected 0x%04x (seq %u, op 0x%02x, %u bytes "
		                  "payload; frame dropped)",
		                  got, want, seq, op, len);
	}
	f->seq = p->buf[1];
	f->op = p->buf[2];
	f->len = (uint16_t)len;
	memcpy(f->payload, p->buf + RH_PROTO_HDR_LEN, len);
	p->fault = RH_PF_NONE;
	p->frames++;
	drop(p, total);
	return 1;
}

int rh_proto_end(struct rh_proto_parser *p, struct rh_err *err)
{
	/* Garbage without a start byte is not a truncated frame. */
	size_t skip = 0;
	while (skip < p->n && p->buf[skip] != RH_PROTO_SOF)
		skip++;
	p->garbage += skip;
	drop(p, skip);
	if (!p->n)
		return 0;
	size_t have = p->n;
	size_t want = RH_PROTO_HDR_LEN + RH_PROTO_CRC_LEN;
	if (have >= RH_PROTO_HDR_LEN)
		want += rh_get_u16(p->buf + 3);
	p->fault = RH_PF_TRUNCATED;
	p->truncated++;
	drop(p, 1);
	return rh_err_set(err, RH_E_TIMEOUT, "truncated frame: input ended after %zu bytes, expected %s%zu", have,
	                  have >= RH_PROTO_HDR_LEN ? "" : "at least ", want);
}

void rh_identify_pack(const struct rh_identify *id, uint8_t out[RH_PROTO_IDENTIFY_LEN])
{
	memset(out, 0, RH_PROTO_IDENTIFY_LEN);
	rh_put_u16(out + 0, id->version);
	out[2] = id->rows;
	out[3] = id->cols;
	rh_put_u32(out + 4, id->chain_len);
	rh_put_u32(out + 8, id->ffmap_hash);
	rh_put_u16(out + 12, id->max_payload);
	rh_put_u16(out + 14, id->batch_max);
	rh_put_u32(out + 16, id->clk_hz);
	out[20] = id->n_classes;
	out[21] = id->flags;
}

int rh_identify_parse(const uint8_t *p, size_t len, struct rh_identify *id, struct rh_err *err)
{
	if (len != RH_PROTO_IDENTIFY_LEN)
		return rh_err_set(err, RH_E_FORMAT, "IDENTIFY response of %zu bytes, expected %d", len,
		                  RH_PROTO_IDENTIFY_LEN);
	id->version = rh_get_u16(p + 0);
	id->rows = p[2];
	id->cols = p[3];
	id->chain_len = rh_get_u32(p + 4);
	id->ffmap_hash = rh_get_u32(p + 8);
	id->max_payload = rh_get_u16(p + 12);
	id->batch_max = rh_get_u16(p + 14);
	id->clk_hz = rh_get_u32(p + 16);
	id->n_classes = p[20];
	id->flags = p[21];
	if (id->version != RH_PROTO_VERSION)
		return rh_err_set(err, RH_E_VERSION, "board speaks protocol version %u, expected %d", id->version,
		                  RH_PROTO_VERSION);
	return 0;
}

size_t rh_result_pack(const struct rh_result *r, uint8_t *out, size_t cap)
{
	if (r->n_logits < 0 || r->n_logits > RH_PROTO_MAX_LOGITS || r->end < RH_RUN_DONE || r->end > RH_RUN_CRASH)
		return 0;
	size_t need = RH_PROTO_RESULT_HDR + 4u * (size_t)r->n_logits;
	if (cap < need)
		return 0;
	out[0] = (uint8_t)r->end;
	out[1] = r->end == RH_RUN_DONE ? (uint8_t)r->cls : 0;
	out[2] = (uint8_t)r->n_logits;
	out[3] = 0;
	rh_put_u32(out + 4, r->cycles);
	for (int i = 0; i < r->n_logits; i++)
		rh_put_u32(out + RH_PROTO_RESULT_HDR + 4 * i, (uint32_t)r->logits[i]);
	return need;
}

int rh_result_parse(const uint8_t *p, size_t len, struct rh_result *r, struct rh_err *err)
{
	memset(r, 0, sizeof(*r));
	if (len < RH_PROTO_RESULT_HDR)
		return rh_err_set(err, RH_E_FORMAT, "run result of %zu bytes, expected at least %d", len,
		                  RH_PROTO_RESULT_HDR);
	unsigned status = p[0], n = p[2];
	if (n > RH_PROTO_MAX_LOGITS)
		return rh_err_set(err, RH_E_FORMAT, "run result with %u logits, expected at most %d", n,
		                  RH_PROTO_MAX_LOGITS);
	size_t need = RH_PROTO_RESULT_HDR + 4u * n;
	if (len != need)
		return rh_err_set(err, RH_E_FORMAT, "run result of %zu bytes, expected %zu for %u logits", len, need,
		                  n);
	if (status != RH_RUN_DONE && status != RH_RUN_HANG && status != RH_RUN_CRASH)
		return rh_err_set(err, RH_E_FORMAT, "run status %u, expected 0 (done), 1 (hang) or 2 (crash)", status);
	r->end = (int)status;
	r->cls = status == RH_RUN_DONE ? p[1] : -1;
	r->n_logits = (int)n;
	r->cycles = rh_get_u32(p + 4);
	for (int i = 0; i < r->n_logits; i++)
		r->logits[i] = (int32_t)rh_get_u32(p + RH_PROTO_RESULT_HDR + 4 * i);
	return 0;
}

void rh_fault_pack(const struct rh_fault *f, uint8_t out[RH_PROTO_FAULT_LEN])
{
	rh_put_u32(out, f->bit | (f->no_flip ? RH_PROTO_NO_FLIP : 0));
	rh_put_u32(out + 4, f->cycle);
}

int rh_batch_pack(const struct rh_fault *f, size_t n, uint8_t *out, size_t cap, size_t *out_len, struct rh_err *err)
{
	if (n < 1 || n > RH_PROTO_BATCH_MAX)
		return rh_err_set(err, RH_E_INVAL, "batch of %zu faults, expected 1 to %d", n, RH_PROTO_BATCH_MAX);
	size_t need = RH_PROTO_BATCH_HDR + RH_PROTO_FAULT_LEN * n;
	if (cap < need)
		return rh_err_set(err, RH_E_INVAL, "batch needs %zu bytes, buffer holds %zu", need, cap);
	rh_put_u16(out, (uint16_t)n);
	rh_put_u16(out + 2, 0);
	for (size_t i = 0; i < n; i++)
		rh_fault_pack(&f[i], out + RH_PROTO_BATCH_HDR + RH_PROTO_FAULT_LEN * i);
	*out_len = need;
	return 0;
}

int rh_batch_parse(const uint8_t *p, size_t len, struct rh_fault *f, size_t *n, struct rh_err *err)
{
	if (len < RH_PROTO_BATCH_HDR)
		return rh_err_set(err, RH_E_FORMAT, "RUN_BATCH of %zu bytes, expected at least %d", len,
		                  RH_PROTO_BATCH_HDR);
	size_t count = rh_get_u16(p);
	if (count < 1 || count > RH_PROTO_BATCH_MAX)
		return rh_err_set(err, RH_E_FORMAT, "RUN_BATCH count %zu, expected 1 to %d", count, RH_PROTO_BATCH_MAX);
	size_t need = RH_PROTO_BATCH_HDR + RH_PROTO_FAULT_LEN * count;
	if (len != need)
		return rh_err_set(err, RH_E_FORMAT, "RUN_BATCH of %zu bytes, expected %zu for %zu faults", len, need,
		                  count);
	for (size_t i = 0; i < count; i++) {
		const uint8_t *d = p + RH_PROTO_BATCH_HDR + RH_PROTO_FAULT_LEN * i;
		uint32_t bit = rh_get_u32(d);
		f[i].bit = bit & ~RH_PROTO_NO_FLIP;
		f[i].no_flip = (bit & RH_PROTO_NO_FLIP) != 0;
		f[i].cycle = rh_get_u32(d + 4);
	}
	*n = count;
	return 0;
}

void rh_perror_pack(const struct rh_perror *e, uint8_t out[RH_PROTO_ERR_LEN])
{
	out[0] = e->code;
	out[1] = e->op;
	rh_put_u16(out + 2, e->detail);
}

int rh_perror_parse(const uint8_t *p, size_t len, struct rh_perror *e, struct rh_err *err)
{
	if (len != RH_PROTO_ERR_LEN)
		return rh_err_set(err, RH_E_FORMAT, "error frame payload of %zu bytes, expected %d", len,
		                  RH_PROTO_ERR_LEN);
	e->code = p[0];
	e->op = p[1];
	e->detail = rh_get_u16(p + 2);
	return 0;
}

size_t rh_load_model_payload(uint32_t addr, unsigned es, const uint32_t *data, size_t n, uint8_t *p, size_t *len)
{
	*len = 0;
	if (!n)
		return 0;
	int word = es == 4;
	size_t cap = (RH_PROTO_MAX_PAYLOAD - 4) / (word ? 4 : 1), k = 0;
	rh_put_u32(p, addr | (word ? 0x80000000u : 0));
	for (; k < n && k < cap; k++) {
		if (word)
			rh_put_u32(p + 4 + 4 * k, data[k]);
		else
			p[4 + k] = (uint8_t)data[k];
	}
	*len = 4 + (word ? 4 : 1) * k;
	return k;
}
