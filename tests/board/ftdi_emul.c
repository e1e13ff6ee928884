/* rahil: an emulated FT2232H for the tests, on umockdev's usbdevfs ioctl emulation: standard
 * descriptors with a chosen serial, the FTDI vendor requests (reset/purge, baud, data format,
 * flow control, latency timer, bit mode, modem status), and interface B's bulk endpoints
 * looped back, with the two modem status bytes ahead of every 512-byte IN packet. */
#define _DEFAULT_SOURCE
#include "ftdi_emul.h"

#include <errno.h>
#include <sys/ioctl.h>
#include <linux/usbdevice_fs.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <umockdev.h>

#define NODE     "/dev/bus/usb/001/002"
#define PACKET   512
#define LOOP_CAP (1u << 20)

struct ftdi_emul {
	UMockdevTestbed *tb;
	UMockdevIoctlBase *handler;
	pthread_mutex_t mu;
	GList *done; /* completed URBs waiting to be reaped */
	uint8_t *loop;
	size_t head, tail; /* loopback FIFO, head == tail when empty */
	char serial[32];
	struct ftdi_emul_seen seen;
	uint8_t latency[2];
	struct ftdi_emul_peer peer; /* to_board NULL: loopback */
};

static const uint8_t dev_desc[18] = {
    0x12, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x40, 0x03, 0x04, 0x10, 0x60, 0x00, 0x07, 0x01, 0x02, 0x03, 0x01,
};

/* One configuration, two vendor-specific interfaces, each with bulk IN and OUT (512 bytes). */
static const uint8_t cfg_desc[55] = {
    0x09, 0x02, 0x37, 0x00, 0x02, 0x01, 0x00, 0x80, 0xfa,                               /* configuration */
    0x09, 0x04, 0x00, 0x00, 0x02, 0xff, 0xff, 0xff, 0x02,                               /* interface A */
    0x07, 0x05, 0x81, 0x02, 0x00, 0x02, 0x00, 0x07, 0x05, 0x02, 0x02, 0x00, 0x02, 0x00, /* EP1 IN, EP2 OUT */
    0x09, 0x04, 0x01, 0x00, 0x02, 0xff, 0xff, 0xff, 0x02,                               /* interface B */
    0x07, 0x05, 0x83, 0x02, 0x00, 0x02, 0x00, 0x07, 0x05, 0x04, 0x02, 0x00, 0x02, 0x00, /* EP3 IN, EP4 OUT */
};

static size_t string_desc(const struct ftdi_emul *e, unsigned idx, uint8_t *out, size_t cap)
{
	const char *s;
	if (idx == 0) {
		const uint8_t langs[4] = {4, 3, 0x09, 0x04};
		size_t n = cap < 4 ? cap : 4;
		memcpy(out, langs, n);
		return n;
	}
	s = idx == 1 ? "rahil" : idx == 2 ? "iCEBreaker emulated" : idx == 3 ? e->serial : NULL;
	if (!s)
		return 0;
	uint8_t buf[2 + 2 * 64];
	size_t len = strlen(s) < 64 ? strlen(s) : 64;
	buf[0] = (uint8_t)(2 + 2 * len);
	buf[1] = 3;
	for (size_t i = 0; i < len; i++) {
		buf[2 + 2 * i] = (uint8_t)s[i];
		buf[3 + 2 * i] = 0;
	}
	size_t n = buf[0] < cap ? buf[0] : cap;
	memcpy(out, buf, n);
	return n;
}

/* A control transfer: setup in buf[0..8), data after it. Returns the data length or -errno. */
static int control(struct ftdi_emul *e, uint8_t *buf, size_t buflen)
{
	uint8_t rt = buf[0], req = buf[1];
	unsigned val = buf[2] | (unsigned)buf[3] << 8, idx = buf[4] | (unsigned)buf[5] << 8;
	size_t wlen = buf[6] | (size_t)buf[7] << 8;
	uint8_t *data = buf + 8;
	size_t cap = buflen - 8 < wlen ? buflen - 8 : wlen;
	int ifc = (idx & 0xff) == 2 ? 1 : 0; /* FTDI: wIndex 1 = A, 2 = B */
	if (rt == 0x80 && req == 6) {        /* GET_DESCRIPTOR */
		const uint8_t *d = NULL;
		size_t n = 0;
		switch (val >> 8) {
		case 1: d = dev_desc, n = sizeof(dev_desc); break;
		case 2: d = cfg_desc, n = sizeof(cfg_desc); break;
		case 3: return (int)string_desc(e, val & 0xff, data, cap);
		default: return -EPIPE;
		}
		n = n < cap ? n : cap;
		memcpy(data, d, n);
		return (int)n;
	}
	if (rt == 0x80 && req == 0) { /* GET_STATUS */
		memset(data, 0, cap < 2 ? cap : 2);
		return cap < 2 ? (int)cap : 2;
	}
	if (rt == 0x00 || rt == 0x01) /* SET_CONFIGURATION, SET_INTERFACE, ... */
		return 0;
	if (rt == 0x40) {
		switch (req) {
		case 0x00:
			if (val == 1 || val == 2) {
				e->seen.purges++;
				if (val == 1 && ifc == 1)
					e->head = e->tail = 0; /* purge RX: drop what the host has not read */
			}
			return 0;
		case 0x01:
		case 0x02:
		case 0x06:
		case 0x07: return 0; /* modem control, flow, chars */
		case 0x03: e->seen.baud_requests++; return 0;
		case 0x04: e->seen.line_requests++; return 0;
		case 0x09:
			e->latency[ifc] = (uint8_t)val;
			e->seen.latency[ifc] = (int)(val & 0xff);
			return 0;
		case 0x0b:
			if ((val >> 8) == 0)
				e->seen.bitmode_resets++;
			return 0;
		default: return -EPIPE;
		}
	}
	if (rt == 0xc0) {
		switch (req) {
		case 0x05: /* modem status */
			if (cap >= 2) {
				data[0] = 0x01;
				data[1] = 0x60;
			}
			return cap < 2 ? (int)cap : 2;
		case 0x0a: /* latency timer */
			if (cap >= 1)
				data[0] = e->latency[ifc];
			return cap < 1 ? 0 : 1;
		case 0x90: /* EEPROM word: blank */
			memset(data, 0xff, cap < 2 ? cap : 2);
			return cap < 2 ? (int)cap : 2;
		default: return -EPIPE;
		}
	}
	return -EPIPE;
}

/* Bulk IN on interface B: packets of 512 bytes, each two status bytes then data. */
static int bulk_in(struct ftdi_emul *e, uint8_t *buf, size_t len)
{
	size_t off = 0;
	do {
		if (len - off < 2)
			break;
		buf[off] = 0x01;
		buf[off + 1] = 0x60;
		off += 2;
		size_t room = PACKET - 2;
		if (room > len - off)
			room = len - off;
		size_t k = 0;
		if (e->peer.from_board)
			k = e->peer.from_board(e->peer.ctx, buf + off, room);
		while (!e->peer.from_board && k < room && e->head != e->tail) {
			buf[off + k++] = e->loop[e->head];
			e->head = (e->head + 1) % LOOP_CAP;
		}
		off += k;
		e->seen.bytes_in += k;
		if (k < room)
			break; /* a short packet ends the transfer */
	} while (off < len);
	return (int)off;
}

static gboolean on_ioctl(UMockdevIoctlBase *h, UMockdevIoctlClient *client, gpointer user)
{
	struct ftdi_emul *e = user;
	(void)h;
	unsigned long req = umockdev_ioctl_client_get_request(client);
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	pthread_mutex_lock(&e->mu);
	switch (req) {
	case USBDEVFS_GET_CAPABILITIES: {
		UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(uint32_t), NULL);
		uint32_t caps = USBDEVFS_CAP_BULK_CONTINUATION | USBDEVFS_CAP_NO_PACKET_SIZE_LIM;
		memcpy(d->data, &caps, sizeof(caps));
		umockdev_ioctl_data_unref(d);
		umockdev_ioctl_client_complete(client, 0, 0);
		break;
	}
	case USBDEVFS_CLAIMINTERFACE:
	case USBDEVFS_RELEASEINTERFACE:
	case USBDEVFS_SETINTERFACE:
	case USBDEVFS_SETCONFIGURATION:
	case USBDEVFS_CLEAR_HALT:
	case USBDEVFS_RESET:
	case USBDEVFS_RESETEP: umockdev_ioctl_client_complete(client, 0, 0); break;
	case USBDEVFS_GETDRIVER:
	case USBDEVFS_IOCTL: /* no kernel driver bound: nothing to detach */
		umockdev_ioctl_client_complete(client, -1, ENODATA);
		break;
	case USBDEVFS_SUBMITURB: {
		UMockdevIoctlData *ud = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), NULL);
		struct usbdevfs_urb *urb = (struct usbdevfs_urb *)ud->data;
		UMockdevIoctlData *bd = umockdev_ioctl_data_resolve(ud, offsetof(struct usbdevfs_urb, buffer),
		                                                    (gsize)urb->buffer_length, NULL);
		int n = 0;
		if (urb->type == USBDEVFS_URB_TYPE_CONTROL && urb->buffer_length >= 8) {
			n = control(e, bd->data, (size_t)urb->buffer_length);
		} else if (urb->type == USBDEVFS_URB_TYPE_BULK) {
			if (urb->endpoint == 0x04 && e->peer.to_board) {
				e->peer.to_board(e->peer.ctx, bd->data, (size_t)urb->buffer_length);
				n = urb->buffer_length;
				e->seen.bytes_out += (uint64_t)n;
			} else if (urb->endpoint == 0x04) {
				for (int i = 0; i < urb->buffer_length; i++) {
					size_t next = (e->tail + 1) % LOOP_CAP;
					if (next == e->head)
						break; /* FIFO full: the real chip would NAK */
					e->loop[e->tail] = bd->data[i];
					e->tail = next;
					n++;
				}
				e->seen.bytes_out += (uint64_t)n;
			} else if (urb->endpoint == 0x83) {
				n = bulk_in(e, bd->data, (size_t)urb->buffer_length);
			} else if (urb->endpoint == 0x81) {
				n = urb->buffer_length >= 2 ? 2 : 0;
				if (n)
					bd->data[0] = 0x01, bd->data[1] = 0x60;
			} else {
				n = urb->buffer_length; /* interface A OUT: swallowed */
			}
		} else {
			n = -EINVAL;
		}
		urb->status = n < 0 ? n : 0;
		urb->actual_length = n < 0 ? 0 : n;
		umockdev_ioctl_data_unref(bd);
		e->done = g_list_append(e->done, ud); /* keeps the reference */
		umockdev_ioctl_client_complete(client, 0, 0);
		break;
	}
	case USBDEVFS_REAPURB:
	case USBDEVFS_REAPURBNDELAY:
		if (e->done) {
			UMockdevIoctlData *ud = e->done->data;
			e->done = g_list_delete_link(e->done, e->done);
			UMockdevIoctlData *p = umockdev_ioctl_data_resolve(arg, 0, sizeof(gpointer), NULL);
			umockdev_ioctl_data_set_ptr(p, 0, ud);
			umockdev_ioctl_data_unref(p);
			umockdev_ioctl_data_unref(ud);
			umockdev_ioctl_client_complete(client, 0, 0);
		} else {
			umockdev_ioctl_client_complete(client, -1, EAGAIN);
		}
		break;
	case USBDEVFS_DISCARDURB: /* every URB completes at once: nothing left to discard */
		umockdev_ioctl_client_complete(client, -1, EINVAL);
		break;
	default: umockdev_ioctl_client_complete(client, -1, ENOTTY); break;
	}
	pthread_mutex_unlock(&e->mu);
	return TRUE;
}

/* Without the udev rule: the node is not the user's to open (no ioctl socket behind it, so
 * open() itself fails, as on a real system). */
static int lock_node(struct ftdi_emul *e)
{
	gchar *root = umockdev_testbed_get_root_dir(e->tb);
	gchar *node = g_build_filename(root, NODE, NULL);
	int r = chmod(node, 0);
	/* Everything else stays usable for the unprivileged user: its libudev monitor puts a
	 * socket into the root, and the preload library connects to the ioctl socket. */
	chmod(root, 01777);
	gchar *sock = g_build_filename(root, "ioctl", NODE, NULL);
	chmod(sock, 0777);
	g_free(sock);
	g_free(node);
	g_free(root);
	return r;
}

struct ftdi_emul *ftdi_emul_start(const char *serial, int locked, char *why, size_t cap)
{
	/* umockdev_in_mock_environment() says no under umockdev-wrapper 0.17: look for the
	 * preload library ourselves. */
	const char *pre = getenv("LD_PRELOAD");
	if (!pre || !strstr(pre, "libumockdev-preload")) {
		snprintf(why, cap, "not running under umockdev-wrapper");
		return NULL;
	}
	struct ftdi_emul *e = calloc(1, sizeof(*e));
	if (!e || !(e->loop = malloc(LOOP_CAP))) {
		free(e);
		snprintf(why, cap, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&e->mu, NULL);
	snprintf(e->serial, sizeof(e->serial), "%s", serial);
	e->latency[0] = e->latency[1] = 16; /* the chip's power-on value */
	e->seen.latency[0] = e->seen.latency[1] = -1;
	e->tb = umockdev_testbed_new();
	e->handler = umockdev_ioctl_base_new();
	g_signal_connect(e->handler, "handle-ioctl", G_CALLBACK(on_ioctl), e);

	/* The socket's directory must exist before attaching. */
	gchar *root = umockdev_testbed_get_root_dir(e->tb);
	gchar *dir = g_build_filename(root, "dev", "bus", "usb", "001", NULL);
	g_mkdir_with_parents(dir, 0755);
	g_free(dir);
	g_free(root);
	GError *gerr = NULL;
	if (!umockdev_testbed_attach_ioctl(e->tb, NODE, e->handler, &gerr)) {
		snprintf(why, cap, "umockdev_testbed_attach_ioctl: %s", gerr ? gerr->message : "failed");
		g_clear_error(&gerr);
		ftdi_emul_stop(e);
		return NULL;
	}
	GString *hex = g_string_new(NULL);
	for (size_t i = 0; i < sizeof(dev_desc); i++)
		g_string_append_printf(hex, "%02x", dev_desc[i]);
	for (size_t i = 0; i < sizeof(cfg_desc); i++)
		g_string_append_printf(hex, "%02x", cfg_desc[i]);
	gchar *desc = g_strdup_printf("P: /devices/pci0000:00/0000:00:14.0/usb1/1-2\n"
	                              "N: bus/usb/001/002\n"
	                              "E: SUBSYSTEM=usb\n"
	                              "E: DEVTYPE=usb_device\n"
	                              "E: DRIVER=usb\n"
	                              "E: BUSNUM=001\n"
	                              "E: DEVNUM=002\n"
	                              "E: DEVNAME=" NODE "\n"
	                              "E: ID_VENDOR_ID=0403\n"
	                              "E: ID_MODEL_ID=6010\n"
	                              "E: ID_SERIAL_SHORT=%s\n"
	                              "A: busnum=1\\n\n"
	                              "A: devnum=2\\n\n"
	                              "A: devpath=2\\n\n"
	                              "A: speed=480\\n\n"
	                              "A: bConfigurationValue=1\\n\n"
	                              "A: idVendor=0403\\n\n"
	                              "A: idProduct=6010\\n\n"
	                              "A: serial=%s\\n\n"
	                              "H: descriptors=%s\n",
	                              serial, serial, hex->str);
	g_string_free(hex, TRUE);
	gboolean ok = umockdev_testbed_add_from_string(e->tb, desc, &gerr);
	g_free(desc);
	if (!ok) {
		snprintf(why, cap, "umockdev_testbed_add_from_string: %s", gerr ? gerr->message : "failed");
		g_clear_error(&gerr);
		ftdi_emul_stop(e);
		return NULL;
	}
	if (locked && lock_node(e)) {
		snprintf(why, cap, "cannot chmod the emulated device node: %s", strerror(errno));
		ftdi_emul_stop(e);
		return NULL;
	}
	return e;
}

void ftdi_emul_seen(struct ftdi_emul *e, struct ftdi_emul_seen *out)
{
	pthread_mutex_lock(&e->mu);
	*out = e->seen;
	pthread_mutex_unlock(&e->mu);
}
void ftdi_emul_set_peer(struct ftdi_emul *e, const struct ftdi_emul_peer *peer)
{
	pthread_mutex_lock(&e->mu);
	if (peer)
		e->peer = *peer;
	else
		memset(&e->peer, 0, sizeof(e->peer));
	pthread_mutex_unlock(&e->mu);
}

void ftdi_emul_stop(struct ftdi_emul *e)
{
	if (!e)
		return;
	if (e->tb)
		g_object_unref(e->tb);
	if (e->handler)
		g_object_unref(e->handler);
	g_list_free_full(e->done, (GDestroyNotify)umockdev_ioctl_data_unref);
	pthread_mutex_destroy(&e->mu);
	free(e->loop);
	free(e);
}
