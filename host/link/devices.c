/* rahil: listing attached FTDI boards with libusb-1.0: bus, port path, serial, and whether
 * the user may open them. Built as a stub when libusb-1.0 is missing. */
#include "devices.h"

#include <stdio.h>
#include <string.h>

const char *rh_dev_access_name(enum rh_dev_access a)
{
	switch (a) {
	case RH_DEV_OK: return "ok";
	case RH_DEV_DENIED: return "permission denied";
	case RH_DEV_BUSY: return "busy";
	case RH_DEV_ERROR: return "error";
	}
	return "?";
}

#ifdef RH_HAVE_LIBUSB
#include <libusb.h>

static void describe(libusb_device *dev, const struct libusb_device_descriptor *dd, struct rh_device *d)
{
	memset(d, 0, sizeof(*d));
	d->board = rh_board_find(dd->idVendor, dd->idProduct);
	d->vid = dd->idVendor;
	d->pid = dd->idProduct;
	d->bus = libusb_get_bus_number(dev);
	d->address = libusb_get_device_address(dev);
	uint8_t ports[8];
	int np = libusb_get_port_numbers(dev, ports, sizeof(ports));
	int k = snprintf(d->port, sizeof(d->port), "%u-", d->bus);
	for (int i = 0; i < np && k > 0 && (size_t)k < sizeof(d->port); i++)
		k += snprintf(d->port + k, sizeof(d->port) - (size_t)k, "%s%u", i ? "." : "", ports[i]);
	libusb_device_handle *h = NULL;
	int rc = libusb_open(dev, &h);
	if (rc == 0) {
		d->access = RH_DEV_OK;
		if (dd->iSerialNumber && libusb_get_string_descriptor_ascii(
		                             h, dd->iSerialNumber, (unsigned char *)d->serial, sizeof(d->serial)) < 0)
			d->serial[0] = 0;
		if (dd->iProduct && libusb_get_string_descriptor_ascii(h, dd->iProduct, (unsigned char *)d->product,
		                                                       sizeof(d->product)) < 0)
			d->product[0] = 0;
		libusb_close(h);
		return;
	}
	d->access = rc == LIBUSB_ERROR_ACCESS ? RH_DEV_DENIED : rc == LIBUSB_ERROR_BUSY ? RH_DEV_BUSY : RH_DEV_ERROR;
	snprintf(d->error, sizeof(d->error), "libusb_open: %s", libusb_strerror(rc));
}

int rh_devices_list(struct rh_device *out, size_t cap, size_t *n, struct rh_err *err)
{
	libusb_context *ctx = NULL;
	libusb_device **list = NULL;
	*n = 0;
	int rc = libusb_init(&ctx);
	if (rc < 0)
		return rh_err_set(err, RH_E_TRANSPORT, "libusb_init failed: %s (no USB here?)", libusb_strerror(rc));
	int r = 0;
	ssize_t cnt = libusb_get_device_list(ctx, &list);
	if (cnt < 0) {
		r = rh_err_set(err, RH_E_TRANSPORT, "libusb_get_device_list failed: %s", libusb_strerror((int)cnt));
		goto out;
	}
	for (ssize_t i = 0; i < cnt; i++) {
		struct libusb_device_descriptor dd;
		if (libusb_get_device_descriptor(list[i], &dd) < 0)
			continue;
		if (!rh_board_find(dd.idVendor, dd.idProduct))
			continue;
		if (*n < cap)
			describe(list[i], &dd, &out[*n]);
		(*n)++;
	}
out:
	if (list)
		libusb_free_device_list(list, 1);
	libusb_exit(ctx);
	return r;
}

#else /* !RH_HAVE_LIBUSB */

int rh_devices_list(struct rh_device *out, size_t cap, size_t *n, struct rh_err *err)
{
	(void)out;
	(void)cap;
	*n = 0;
	return rh_err_set(err, RH_E_UNSUPPORTED, "built without libusb-1.0; install libusb-1.0-0-dev and rebuild");
}

#endif
