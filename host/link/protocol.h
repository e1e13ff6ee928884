/* rahil: the framed host link protocol (docs/protocol.md): encoder, incremental parser and
 * payload layouts. Pure C11, no I/O: the transports move bytes, this layer frames them. */
#ifndef RAHIL_PROTOCOL_H
#define RAHIL_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "error.h"
#include "run.h"

/* Request opcodes (host/link/protocol_ops.def). A response carries the request's opcode | 0x80. */
enum rh_cmd {
#define RH_CMD(name, code, desc) RH_CMD_##name = code,
#include "protocol_ops.def"
};

/* Error codes in the payload of an ERROR frame (host/link/protocol_ops.def). */
enum rh_perr {
	RH_PERR_NONE = 0, /* not an error code on the wire; "no error" for the host */
#define RH_PERR(name, code, desc) RH_PERR_##name = code,
#include "protocol_ops.def"
};

/* Protocol constants (host/link/protocol_ops.def). */
enum rh_proto_const {
#define RH_PCONST(name, value, bits, desc) RH_PROTO_##name = value,
#include "protocol_ops.def"
	RH_PROTO_MAX_FRAME = RH_PROTO_HDR_LEN + RH_PROTO_MAX_PAYLOAD + RH_PROTO_CRC_LEN,
};

/* Payload sizes of the fixed layouts (docs/protocol.md, "Payloads"). */
enum rh_proto_size {
	RH_PROTO_IDENTIFY_LEN = 24,          /* IDENTIFY response */
	RH_PROTO_RESULT_HDR = 8,             /* run result before its logits */
	RH_PROTO_FAULT_LEN = 8,              /* one fault descriptor: chain bit u32, cycle u32 */
	RH_PROTO_BATCH_HDR = 4,              /* RUN_BATCH request before its descriptors */
	RH_PROTO_BATCH_RES_HDR = 4,          /* RUN_BATCH result: index u16, count u16, then the run result */
	RH_PROTO_MAX_LOGITS = RH_MAX_LOGITS, /* bound on n_logits accepted by the host */
};

/* One decoded frame. The payload is copied, so the frame outlives the parser's buffer. */
struct rh_frame {
	uint8_t seq;
	uint8_t op;
	uint16_t len;
	uint8_t payload[RH_PROTO_MAX_PAYLOAD];
};

/* CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor) continued from
 * crc over n bytes. rh_crc16(RH_PROTO_CRC_INIT, "123456789", 9) == 0x29B1. */
uint16_t rh_crc16(uint16_t crc, const uint8_t *p, size_t n);

/* Names for messages; "?" for codes not in the table. */
const char *rh_cmd_name(int op);
const char *rh_perr_name(int code);

/* Encode one frame into out (cap bytes); *out_len receives its size,
 * RH_PROTO_HDR_LEN + len + RH_PROTO_CRC_LEN. payload may be NULL when len is 0. */
int rh_proto_encode(uint8_t seq, uint8_t op, const uint8_t *payload, size_t len, uint8_t *out, size_t cap,
                    size_t *out_len, struct rh_err *err);

/* Why the parser dropped a candidate frame. */
enum rh_proto_fault {
	RH_PF_NONE = 0,
	RH_PF_BAD_CRC,   /* CRC mismatch (returned as RH_E_CRC) */
	RH_PF_BAD_LEN,   /* length above RH_PROTO_MAX_PAYLOAD (returned as RH_E_FORMAT) */
	RH_PF_TRUNCATED, /* input ended inside a frame (returned as RH_E_TIMEOUT) */
};

/* Incremental parser. Bytes before a start byte are skipped (counted as garbage). When a
 * candidate frame turns out bad, only its start byte is dropped and the bytes after it are
 * scanned again, so a real frame hidden behind a false start byte is still found. */
struct rh_proto_parser {
	uint8_t buf[RH_PROTO_MAX_FRAME];
	size_t n;                  /* bytes held in buf */
	enum rh_proto_fault fault; /* of the last error returned */
	/* Statistics since init. */
	uint64_t frames, garbage, bad_crc, bad_len, truncated;
};

void rh_proto_parser_init(struct rh_proto_parser *p);

/* Copy as many of data's len bytes as the parser can hold; returns how many it took. It
 * always takes at least one byte once rh_proto_next has returned 0. */
size_t rh_proto_feed(struct rh_proto_parser *p, const uint8_t *data, size_t len);

/* Take the next event out of the bytes fed so far: 1 and *f filled for a good frame, 0 when
 * more bytes are needed, or a negative status for a dropped candidate (p->fault says why).
 * Call it until it returns 0 before feeding more. */
int rh_proto_next(struct rh_proto_parser *p, struct rh_frame *f, struct rh_err *err);

/* The input has ended (timeout, end of file). Returns 0 when no partial frame is held;
 * otherwise drops the partial frame's start byte and returns RH_E_TIMEOUT with
 * p->fault == RH_PF_TRUNCATED: call rh_proto_next again, as the bytes after the dropped start
 * may hold complete frames, then rh_proto_end again, until it returns 0. */
int rh_proto_end(struct rh_proto_parser *p, struct rh_err *err);

/* Little-endian field access (rh_put_u16 ... rh_get_u32) comes from host/core/bytes.h. */

/* A LOAD_MODEL payload: elements of es bytes (4, or else 1) for consecutive addresses from
 * addr, taken from the n in data (a byte element from the low byte), as many as fit one frame.
 * Returns how many it took (at least one when n > 0); *len receives the payload length (p holds
 * RH_PROTO_MAX_PAYLOAD). Which addresses take 4-byte elements is the accelerator's memory map
 * (host/accel/accel_image.h, rh_accel_image_runs). */
size_t rh_load_model_payload(uint32_t addr, unsigned es, const uint32_t *data, size_t n, uint8_t *p, size_t *len);

/* IDENTIFY response. */
struct rh_identify {
	uint16_t version;
	uint8_t rows, cols;
	uint32_t chain_len;   /* bits in the scan chain */
	uint32_t ffmap_hash;  /* FNV-1a 32 of the flip-flop map file */
	uint16_t max_payload; /* the board's largest accepted payload */
	uint16_t batch_max;   /* most descriptors in one RUN_BATCH */
	uint32_t clk_hz;      /* core clock */
	uint8_t n_classes;    /* logits a run result carries */
	uint8_t flags;        /* RH_ID_F_* */
};

enum rh_identify_flag {
	RH_ID_F_CORE = 1u << 0, /* an accelerator core is present (clear: link test bitstream) */
};

void rh_identify_pack(const struct rh_identify *id, uint8_t out[RH_PROTO_IDENTIFY_LEN]);
int rh_identify_parse(const uint8_t *p, size_t len, struct rh_identify *id, struct rh_err *err);

/* Result of one run (RUN, RUN_FAULT, and each RUN_BATCH result after its index): a struct
 * rh_result (host/accel/run.h) on the wire, its status byte enum rh_run_end's first three
 * values. The class byte means something only when the run is done (parsed as -1 otherwise). */
/* Pack a result; returns its payload length (RH_PROTO_RESULT_HDR + 4 * n_logits). */
size_t rh_result_pack(const struct rh_result *r, uint8_t *out, size_t cap);
int rh_result_parse(const uint8_t *p, size_t len, struct rh_result *r, struct rh_err *err);

/* A fault (host/accel/run.h) on the wire: chain bit u32 (bit 31: no_flip), cycle u32. */
#define RH_PROTO_NO_FLIP 0x80000000u

/* RUN_FAULT request (8 bytes) and RUN_BATCH request (4 + 8 * n bytes). */
void rh_fault_pack(const struct rh_fault *f, uint8_t out[RH_PROTO_FAULT_LEN]);
int rh_batch_pack(const struct rh_fault *f, size_t n, uint8_t *out, size_t cap, size_t *out_len, struct rh_err *err);
/* Parse a RUN_BATCH request; *n receives the count and f (room for RH_PROTO_BATCH_MAX) the
 * descriptors. Used by the simulated board and the tests. */
int rh_batch_parse(const uint8_t *p, size_t len, struct rh_fault *f, size_t *n, struct rh_err *err);

/* ERROR frame payload. */
struct rh_perror {
	uint8_t code;    /* enum rh_perr */
	uint8_t op;      /* opcode of the request it answers, 0 when not known */
	uint16_t detail; /* code-specific: the bad length, the expected length, ... */
};

void rh_perror_pack(const struct rh_perror *e, uint8_t out[RH_PROTO_ERR_LEN]);
int rh_perror_parse(const uint8_t *p, size_t len, struct rh_perror *e, struct rh_err *err);

#endif
