/*
 * fuzz-http.c: fuzz target for the HTTP view decoder (ui/ui-http.h).
 *
 * Input layout:
 *
 *	byte 0		selector: bit 0 splits the rest into a client and a
 *			server direction (else the rest is one direction,
 *			decoded without request methods); bit 1 announces
 *			a raw length 100 bytes longer than the data, so the
 *			reader ends early; bit 2 makes reads fail from the
 *			middle of the input on
 *	bytes 1-2	with bit 0: the client direction's length (big-endian,
 *			clamped to what is there)
 *	bytes ..	the direction(s)
 *
 * The server direction is decoded with the methods of the client's
 * decode, as the pager does.  The output goes to a memfd that is emptied
 * per input; every message extent the decoder returns is checked against
 * the input and the output, and the output is read back whole.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui-http.h"
#include "fuzz-util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEL_SPLIT	0x01
#define SEL_LONGER	0x02
#define SEL_FAIL	0x04

struct mem {
	const uint8_t	*p;
	size_t		 len;
	size_t		 fail_at;	/* reads reaching here fail */
};

static int	 outfd = -1;
static volatile uint32_t sink;

static ssize_t
mem_read(void *arg, uint64_t off, uint8_t *buf, size_t len)
{
	struct mem	*m = arg;

	if (off + len > m->fail_at) {
		errno = EIO;
		return (-1);
	}
	if (off >= m->len)
		return (0);
	if (len > m->len - off)
		len = m->len - (size_t)off;
	memcpy(buf, m->p + off, len);
	return ((ssize_t)len);
}

/* Decode one direction; check every extent; returns the messages. */
static struct ui_http_msg *
one(const uint8_t *p, size_t len, uint8_t sel, const char *const *meth,
    size_t nmeth, size_t *nmsgs)
{
	struct ui_http_msg *msgs;
	struct mem	 m = { p, len, SIZE_MAX };
	uint64_t	 raw_len = len, start, end;
	uint8_t		 buf[4096];
	char		 err[128];
	ssize_t		 n;
	size_t		 i;
	off_t		 o;

	if (sel & SEL_LONGER)
		raw_len += 100;
	if (sel & SEL_FAIL)
		m.fail_at = len / 2;
	if (ftruncate(outfd, 0) == -1 || lseek(outfd, 0, SEEK_SET) == -1)
		abort();
	if (ui_http_decode(mem_read, &m, raw_len, outfd, meth, nmeth, &msgs,
	    nmsgs, err, sizeof err) == -1) {
		if (msgs != NULL || *nmsgs != 0 || err[0] == '\0')
			abort();
		return (NULL);
	}
	if ((o = lseek(outfd, 0, SEEK_END)) == -1)
		abort();
	end = (uint64_t)o;
	start = 0;
	for (i = 0; i < *nmsgs; i++) {
		if (msgs[i].raw_off + msgs[i].raw_len > len ||
		    msgs[i].out_off < start ||
		    msgs[i].out_off + msgs[i].out_len > end ||
		    msgs[i].body_out_off + msgs[i].body_out_len > end ||
		    memchr(msgs[i].method, '\0', sizeof msgs[i].method) ==
		    NULL ||
		    memchr(msgs[i].coding, '\0', sizeof msgs[i].coding) ==
		    NULL)
			abort();
		start = msgs[i].out_off + msgs[i].out_len;
	}
	/* Read the output back, as the pager would. */
	for (start = 0; (n = pread(outfd, buf, sizeof buf,
	    (off_t)start)) > 0; start += (uint64_t)n)
		sink += buf[0];
	return (msgs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ui_http_msg *cm, *sm;
	const char	**meth;
	size_t		 ncm = 0, nsm = 0, nmeth, clen;
	uint8_t		 sel;

	if (size < 1)
		return (0);
	if (outfd == -1)
		outfd = fuzz_memfd("fuzz-http", data, 0);
	sel = data[0];
	data++;
	size--;
	if (!(sel & SEL_SPLIT)) {
		sm = one(data, size, sel, NULL, 0, &nsm);
		free(sm);
		return (0);
	}
	if (size < 2)
		return (0);
	clen = (size_t)data[0] << 8 | data[1];
	data += 2;
	size -= 2;
	if (clen > size)
		clen = size;
	cm = one(data, clen, sel, NULL, 0, &ncm);
	meth = ui_http_methods(cm, ncm, &nmeth);
	sm = one(data + clen, size - clen, sel, meth, nmeth, &nsm);
	free(meth);
	free(cm);
	free(sm);
	return (0);
}
