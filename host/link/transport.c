/* rahil: choosing a transport back-end from a spec, and the counters every back-end shares. */
#include "transport.h"

#include <string.h>

int rh_transport_open_ops(struct rh_transport *t, const struct rh_transport_ops *ops, const char *arg,
                          const struct rh_transport_opts *o, struct rh_err *err)
{
	memset(t, 0, sizeof(*t));
	t->ops = ops;
	if (o)
		t->opts = *o;
	if (t->opts.baud == 0)
		t->opts.baud = RH_TRANSPORT_DEFAULT_BAUD;
	if (t->opts.timeout_ms <= 0)
		t->opts.timeout_ms = 1000;
	int r = ops->open(t, arg, &t->opts, err);
	if (r) {
		t->ops = NULL;
		t->priv = NULL;
	}
	return r;
}

int rh_transport_open(struct rh_transport *t, const char *spec, const struct rh_transport_opts *o, struct rh_err *err)
{
	if (!spec)
		return rh_err_set(err, RH_E_INVAL,
		                  "no transport given, expected serial:PATH or "
		                  "ftdi[:SERIAL]");
	const char *colon = strchr(spec, ':');
	size_t name_len = colon ? (size_t)(colon - spec) : strlen(spec);
	const char *arg = colon ? colon + 1 : NULL;
	if (name_len == 6 && !strncmp(spec, "serial", 6)) {
		if (!arg || !*arg)
			return rh_err_set(err, RH_E_INVAL, "transport '%s' has no device path, expected serial:PATH",
			                  spec);
		return rh_transport_open_ops(t, &rh_transport_serial_ops, arg, o, err);
	}
	if (name_len == 4 && !strncmp(spec, "ftdi", 4))
		return rh_transport_open_ops(t, &rh_transport_ftdi_ops, arg && *arg ? arg : NULL, o, err);
	return rh_err_set(err, RH_E_INVAL,
	                  "unknown transport '%s', expected serial:PATH or "
	                  "ftdi[:SERIAL]",
	                  spec);
}

int rh_transport_write(struct rh_transport *t, const uint8_t *p, size_t n, struct rh_err *err)
{
	if (!t->ops)
		return rh_err_set(err, RH_E_INVAL, "write on a closed transport");
	if (!t->last_was_write)
		t->stats.round_trips++;
	t->last_was_write = 1;
	int r = t->ops->write(t, p, n, t->opts.timeout_ms, err);
	if (r == 0) {
		t->stats.writes++;
		t->stats.bytes_out += n;
	}
	return r;
}

int rh_transport_read(struct rh_transport *t, uint8_t *p, size_t n, size_t *got, int timeout_ms, struct rh_err *err)
{
	*got = 0;
	if (!t->ops)
		return rh_err_set(err, RH_E_INVAL, "read on a closed transport");
	if (n == 0)
		return 0;
	t->last_was_write = 0;
	int r = t->ops->read(t, p, n, got, timeout_ms, err);
	if (r == 0) {
		t->stats.reads++;
		t->stats.bytes_in += *got;
	}
	return r;
}

int rh_transport_read_all(struct rh_transport *t, uint8_t *p, size_t n, int timeout_ms, struct rh_err *err)
{
	size_t have = 0;
	while (have < n) {
		size_t got;
		int r = rh_transport_read(t, p + have, n - have, &got, timeout_ms, err);
		if (r == RH_E_TIMEOUT)
			return rh_err_set(err, RH_E_TIMEOUT, "read %zu bytes, expected %zu (nothing for %d ms)", have,
			                  n, timeout_ms);
		if (r)
			return r;
		have += got;
	}
	return 0;
}

int rh_transport_purge(struct rh_transport *t, struct rh_err *err)
{
	if (!t->ops)
		return rh_err_set(err, RH_E_INVAL, "purge on a closed transport");
	return t->ops->purge(t, err);
}

void rh_transport_close(struct rh_transport *t)
{
	if (t->ops)
		t->ops->close(t);
	t->ops = NULL;
	t->priv = NULL;
}
