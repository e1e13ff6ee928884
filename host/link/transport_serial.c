/* rahil: serial:PATH back-end: a tty (a board's FTDI UART through the kernel driver, or the
 * simulator's pseudo-terminal) in raw 8N1 mode, with poll() timeouts. */
#define _DEFAULT_SOURCE /* B57600 and up are Linux extensions of termios */
#include "clock.h"
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

struct serial {
	int fd;
	struct termios saved; /* the settings found at open, put back at close */
	char path[256];
};

/* Baud rates termios names; the kernel accepts any of them on a real FTDI port. */
static const struct {
	int baud;
	speed_t speed;
} speeds[] = {
    {9600, B9600},       {19200, B19200},     {38400, B38400},     {57600, B57600},
    {115200, B115200},   {230400, B230400},   {460800, B460800},   {500000, B500000},
    {576000, B576000},   {921600, B921600},   {1000000, B1000000}, {1152000, B1152000},
    {1500000, B1500000}, {2000000, B2000000}, {2500000, B2500000}, {3000000, B3000000},
#ifdef B3500000
    {3500000, B3500000},
#endif
#ifdef B4000000
    {4000000, B4000000},
#endif
};

unsigned long rh_serial_speed(int baud)
{
	for (size_t i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
		if (speeds[i].baud == baud)
			return (unsigned long)speeds[i].speed;
	return 0;
}

static int serial_open(struct rh_transport *t, const char *path, const struct rh_transport_opts *o, struct rh_err *err)
{
	speed_t speed = (speed_t)rh_serial_speed(o->baud);
	if (!speed)
		return rh_err_set(err, RH_E_INVAL,
		                  "baud %d has no termios constant, expected one of 9600 ... "
		                  "3000000 (e.g. 115200, 1000000, 3000000)",
		                  o->baud);
	struct serial *s = calloc(1, sizeof(*s));
	if (!s)
		return rh_err_set(err, RH_E_NOMEM, "out of memory opening %s", path);
	snprintf(s->path, sizeof(s->path), "%s", path);
	int r = 0;
	s->fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (s->fd < 0) {
		r = rh_err_set(err, errno == ENOENT || errno == ENXIO || errno == ENODEV ? RH_E_TRANSPORT : RH_E_IO,
		               "cannot open %s: %s%s", path, strerror(errno),
		               errno == EACCES ? " (is the user in group dialout?)" : "");
		goto fail;
	}
	if (tcgetattr(s->fd, &s->saved)) {
		r = rh_err_set(err, RH_E_IO, "%s is not a terminal (%s), expected a tty or pty", path, strerror(errno));
		goto fail_fd;
	}
	struct termios tio = s->saved;
	/* Raw mode by hand (cfmakeraw is not POSIX): no line editing, no translation. */
	tio.c_iflag &=
	    ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXOFF | IXANY | INPCK);
	tio.c_oflag &= ~(tcflag_t)OPOST;
	tio.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	tio.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | CSTOPB | CRTSCTS);
	tio.c_cflag |= CS8 | CREAD | CLOCAL;
	tio.c_cc[VMIN] = 0;
	tio.c_cc[VTIME] = 0;
	if (cfsetispeed(&tio, speed) || cfsetospeed(&tio, speed) || tcsetattr(s->fd, TCSANOW, &tio)) {
		r = rh_err_set(err, RH_E_TRANSPORT, "cannot set %s to %d baud raw 8N1: %s", path, o->baud,
		               strerror(errno));
		goto fail_fd;
	}
	tcflush(s->fd, TCIOFLUSH);
	t->priv = s;
	return 0;
fail_fd:
	close(s->fd);
fail:
	free(s);
	return r;
}

static int wait_fd(struct serial *s, short ev, int64_t deadline, struct rh_err *err, const char *what)
{
	for (;;) {
		int64_t left = deadline - rh_now_ms();
		if (left < 0)
			left = 0;
		struct pollfd pfd = {.fd = s->fd, .events = ev};
		int n = poll(&pfd, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return rh_err_set(err, RH_E_TRANSPORT, "poll on %s: %s", s->path, strerror(errno));
		if (n == 0)
			return rh_err_set(err, RH_E_TIMEOUT, "%s %s: timed out", what, s->path);
		if (pfd.revents & (POLLERR | POLLNVAL))
			return rh_err_set(err, RH_E_TRANSPORT, "%s %s: device error (unplugged?)", what, s->path);
		if (pfd.revents & POLLHUP && !(pfd.revents & POLLIN))
			return rh_err_set(err, RH_E_TRANSPORT, "%s %s: the other end hung up", what, s->path);
		return 0;
	}
}

static int serial_write(struct rh_transport *t, const uint8_t *p, size_t n, int timeout_ms, struct rh_err *err)
{
	struct serial *s = t->priv;
	int64_t deadline = rh_now_ms() + timeout_ms;
	size_t done = 0;
	while (done < n) {
		ssize_t k = write(s->fd, p + done, n - done);
		if (k > 0) {
			done += (size_t)k;
			continue;
		}
		if (k < 0 && errno != EAGAIN && errno != EINTR)
			return rh_err_set(err, RH_E_TRANSPORT, "write to %s: %s (%zu of %zu bytes sent)", s->path,
			                  strerror(errno), done, n);
		int r = wait_fd(s, POLLOUT, deadline, err, "write to");
		if (r == RH_E_TIMEOUT)
			return rh_err_set(err, RH_E_TIMEOUT, "write to %s: sent %zu bytes, expected %zu within %d ms",
			                  s->path, done, n, timeout_ms);
		if (r)
			return r;
	}
	return 0;
}

static int serial_read(struct rh_transport *t, uint8_t *p, size_t n, size_t *got, int timeout_ms, struct rh_err *err)
{
	struct serial *s = t->priv;
	int64_t deadline = rh_now_ms() + timeout_ms;
	for (;;) {
		ssize_t k = read(s->fd, p, n);
		if (k > 0) {
			*got = (size_t)k;
			return 0;
		}
		if (k < 0 && errno != EAGAIN && errno != EINTR)
			return rh_err_set(err, RH_E_TRANSPORT, "read from %s: %s", s->path, strerror(errno));
		int r = wait_fd(s, POLLIN, deadline, err, "read from");
		if (r == RH_E_TIMEOUT)
			return rh_err_set(err, RH_E_TIMEOUT, "read from %s: no byte within %d ms", s->path, timeout_ms);
		if (r)
			return r;
	}
}

static int serial_purge(struct rh_transport *t, struct rh_err *err)
{
	struct serial *s = t->priv;
	if (tcflush(s->fd, TCIOFLUSH))
		return rh_err_set(err, RH_E_TRANSPORT, "flush %s: %s", s->path, strerror(errno));
	return 0;
}

static void serial_close(struct rh_transport *t)
{
	struct serial *s = t->priv;
	if (!s)
		return;
	tcsetattr(s->fd, TCSANOW, &s->saved);
	close(s->fd);
	free(s);
}

const struct rh_transport_ops rh_transport_serial_ops = {
    .name = "serial",
    .open = serial_open,
    .write = serial_write,
    .read = serial_read,
    .purge = serial_purge,
    .close = serial_close,
};
