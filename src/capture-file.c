/*
 * capture-file.c: pcap and pcapng reader (see capture-file.h).
 *
 * Input is read with read(2) into a 256 KiB buffer and, when it starts with
 * the gzip magic, inflated with zlib on the way (several gzip members in a
 * row too).  read(2) returns what a pipe has, so records from
 * "tcpdump -w - | flowscope -r -" are handled as they arrive (gzread would
 * wait for its whole buffer).  A record costs two buffered copies and no
 * allocation: the record buffer only grows
 * (to the largest record seen, at most CAPTURE_FILE_MAX_RECORD plus block
 * overhead).  Headers are parsed from small local arrays or the record buffer
 * with the bounds-checked cursor (cursor.h); no struct overlays.
 *
 * Formats:
 *  - pcap: magic a1b2c3d4 (microseconds) or a1b23c4d (nanoseconds) in either
 *    byte order, and the "modified" a1b2cd34 variant with 24-byte record
 *    headers.  The link type is the low 16 bits of the header field.
 *  - pcapng (draft-ietf-opsawg-pcapng): any number of sections, each in its
 *    own byte order and with its own interface list.  Every interface keeps
 *    its link type, snaplen, if_tsresol and if_tsoffset.  EPB, SPB and the
 *    obsolete PB carry packets; every other block is skipped by its length.
 *
 * Invariants: a block's leading and trailing lengths must agree, lengths are
 * at least 12 and a multiple of 4; anything else is reported as corruption.
 * A file that ends inside a record is "truncated"; the records before it have
 * been returned normally.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "capture-file.h"

#include <sys/stat.h>

#include <poll.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "cursor.h"
#include "xmalloc.h"

#define CF_INBUF		(256U * 1024)
#define CF_MINBUF		(64U * 1024)
/* Largest pcapng block body we buffer: a maximal record plus options. */
#define CF_MAX_BLOCK		(CAPTURE_FILE_MAX_RECORD + 64U * 1024)
#define CF_MAX_IFACES		65536

/* pcap file magics, as read little-endian. */
#define PCAP_MAGIC_US		0xa1b2c3d4U
#define PCAP_MAGIC_NS		0xa1b23c4dU
#define PCAP_MAGIC_KUZ		0xa1b2cd34U	/* modified pcap, 24-byte hdrs */
#define PCAP_FILE_HDR		24

/* pcapng block types and constants. */
#define NG_BT_SHB		0x0a0d0d0aU
#define NG_BT_IDB		0x00000001U
#define NG_BT_PB		0x00000002U
#define NG_BT_SPB		0x00000003U
#define NG_BT_EPB		0x00000006U
#define NG_BOM			0x1a2b3c4dU
#define NG_OPT_ENDOFOPT		0
#define NG_OPT_IF_TSRESOL	9
#define NG_OPT_IF_TSOFFSET	14

enum cf_format {
	CF_PCAP,
	CF_PCAPNG
};

/* One pcapng interface (Interface Description Block). */
struct cf_iface {
	int		 linktype;
	uint32_t	 snaplen;	/* 0: no limit */
	bool		 pow2;		/* resolution 2^-exp, else 10^-exp */
	unsigned int	 exp;
	uint64_t	 tsoffset_ns;	/* if_tsoffset in ns, modulo 2^64 */
};

struct capture_file {
	char		*name;
	int		 fd;
	uint8_t		*in;		/* raw bytes from read(2) */
	size_t		 in_len;
	size_t		 in_pos;
	bool		 in_eof;
	bool		 follow;	/* wait at the end for more (tail -f) */
	void		(*idle)(void *);	/* called while following waits */
	void		*idle_arg;
	bool		 gzip;		/* inflate in[] into out[] */
	bool		 z_live;	/* zs initialised */
	bool		 z_end;		/* last member ended */
	z_stream	 zs;
	uint8_t		*out;		/* inflated bytes */
	size_t		 out_len;
	size_t		 out_pos;
	uint64_t	 raw_read;	/* input bytes consumed */
	uint64_t	 size;		/* 0 when unknown */
	uint64_t	 consumed;	/* uncompressed bytes read */
	enum cf_format	 fmt;

	/* Bytes read for format detection, handed out again by cf_read. */
	uint8_t		 pre[4];
	size_t		 npre;
	size_t		 prepos;

	/* pcap */
	bool		 be;		/* pcap file or current section is BE */
	bool		 nsec;
	bool		 kuz;
	int		 linktype;	/* pcap: header; pcapng: first iface */
	uint32_t	 snaplen;

	/* pcapng: interfaces of the current section */
	struct cf_iface	*ifs;
	size_t		 nifs;
	size_t		 ifscap;
	uint64_t	 last_ts;	/* for SPBs, which carry none */
	unsigned int	 nsections;

	uint8_t		*buf;
	size_t		 bufcap;
	uint64_t	 nrec;		/* records returned */

	/*
	 * A result read ahead at open time (pcapng: blocks up to the first
	 * interface) or the sticky end: 0 none, 1 record, 2 end, 3 error.
	 */
	int		 pending;
	const atomic_int *stop;		/* set: stop retrying EINTR */
	struct capture_record pending_rec;
	char		 msg[256];
};

static int	cf_read(struct capture_file *, void *, size_t, char *, size_t);
static int	cf_grow(struct capture_file *, size_t);
static int	cf_fail(struct capture_file *, char *, size_t, const char *,
		    ...) __attribute__((format(printf, 4, 5)));
static int	cf_trunc(struct capture_file *, char *, size_t);
static int	cf_open_pcap(struct capture_file *, uint32_t, char *, size_t);
static int	cf_pcap_next(struct capture_file *, struct capture_record *,
		    char *, size_t);
static int	cf_ng_next(struct capture_file *, struct capture_record *,
		    char *, size_t);
static int	cf_ng_block(struct capture_file *, uint32_t, bool,
		    struct cursor *, struct capture_record *, char *, size_t);
static int	cf_ng_idb(struct capture_file *, struct cursor *, char *,
		    size_t);
static uint64_t	cf_ng_ts(const struct cf_iface *, uint64_t);

static inline uint16_t
cf_u16(struct cursor *c, bool be)
{
	return (be ? cur_be16(c) : cur_le16(c));
}

static inline uint32_t
cf_u32(struct cursor *c, bool be)
{
	return (be ? cur_be32(c) : cur_le32(c));
}

static inline uint64_t
cf_u64(struct cursor *c, bool be)
{
	uint64_t a, b;

	a = cf_u32(c, be);
	b = cf_u32(c, be);
	return (be ? (a << 32) | b : (b << 32) | a);
}

/* Format a one-line "name: message" into err and the sticky message. */
static int
cf_fail(struct capture_file *f, char *err, size_t errlen, const char *fmt,
    ...)
{
	char	 tmp[200];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	snprintf(f->msg, sizeof f->msg, "%s: %s", f->name, tmp);
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", f->msg);
	f->pending = 3;
	return (-1);
}

static int
cf_trunc(struct capture_file *f, char *err, size_t errlen)
{
	return (cf_fail(f, err, errlen,
	    "truncated capture (record %llu cut short)",
	    (unsigned long long)f->nrec + 1));
}

/* Refill in[] with what read(2) gives: 1, 0 at the end, -1 on error. */
static int
cf_fill_raw(struct capture_file *f, char *err, size_t errlen)
{
	ssize_t	 n;

	if (f->in_eof)
		return (0);
	if (f->in_pos < f->in_len)
		return (1);
	do
		n = read(f->fd, f->in, CF_INBUF);
	while (n == -1 && errno == EINTR &&
	    (f->stop == NULL || atomic_load(f->stop) == 0));
	if (n == -1)
		return (cf_fail(f, err, errlen, "read error: %s",
		    strerror(errno)));
	if (n == 0 && f->follow) {
		/* Another program is still writing: wait for its bytes. */
		while (n == 0 && (f->stop == NULL || atomic_load(f->stop) ==
		    0)) {
			/* Mid-record: what came before is shown meanwhile. */
			if (f->idle != NULL)
				f->idle(f->idle_arg);
			poll(NULL, 0, 50);
			n = read(f->fd, f->in, CF_INBUF);
			if (n == -1 && errno != EINTR)
				return (cf_fail(f, err, errlen,
				    "read error: %s", strerror(errno)));
			if (n == -1)
				n = 0;
		}
	}
	if (n == 0) {
		f->in_eof = true;
		return (0);
	}
	f->in_len = (size_t)n;
	f->in_pos = 0;
	f->raw_read += (uint64_t)n;
	return (1);
}

/*
 * Make decoded bytes available: for plain input they are in[] itself, for
 * gzip they are inflated into out[].  1 when some are there, 0 at the end of
 * input, -2 when a gzip stream is cut short, -1 on an error.
 */
static int
cf_more(struct capture_file *f, const uint8_t **p, size_t *avail, char *err,
    size_t errlen)
{
	int	 r, zr;

	if (!f->gzip) {
		if ((r = cf_fill_raw(f, err, errlen)) != 1)
			return (r);
		*p = f->in + f->in_pos;
		*avail = f->in_len - f->in_pos;
		return (1);
	}
	while (f->out_pos == f->out_len) {
		if (f->z_end) {
			/* Another gzip member may follow (as gzip -c a b). */
			if ((r = cf_fill_raw(f, err, errlen)) != 1)
				return (r);
			if (inflateReset(&f->zs) != Z_OK)
				return (cf_fail(f, err, errlen, "gzip error"));
			f->z_end = false;
		}
		if ((r = cf_fill_raw(f, err, errlen)) == -1)
			return (-1);
		if (r == 0)
			return (-2);		/* the stream stopped mid-way */
		f->zs.next_in = f->in + f->in_pos;
		f->zs.avail_in = (uInt)(f->in_len - f->in_pos);
		f->zs.next_out = f->out;
		f->zs.avail_out = CF_INBUF;
		zr = inflate(&f->zs, Z_NO_FLUSH);
		f->in_pos = f->in_len - f->zs.avail_in;
		f->out_pos = 0;
		f->out_len = CF_INBUF - f->zs.avail_out;
		if (zr == Z_STREAM_END)
			f->z_end = true;
		else if (zr != Z_OK && zr != Z_BUF_ERROR)
			return (cf_fail(f, err, errlen, "gzip data error: %s",
			    f->zs.msg != NULL ? f->zs.msg : "corrupt"));
		else if (zr == Z_BUF_ERROR && f->out_len == 0 &&
		    f->in_pos < f->in_len)
			return (cf_fail(f, err, errlen, "gzip data error"));
	}
	*p = f->out + f->out_pos;
	*avail = f->out_len - f->out_pos;
	return (1);
}

/*
 * Read exactly len bytes: 1 when all arrived, 0 at a clean end of input (no
 * byte read), -2 when the input ended part way, -1 on a read or
 * decompression error (message set).
 */
static int
cf_read(struct capture_file *f, void *out, size_t len, char *err,
    size_t errlen)
{
	uint8_t		*dst = out;
	const uint8_t	*p = NULL;
	size_t		 got = 0, n, avail = 0;
	int		 r;

	if (f->prepos < f->npre) {
		/* Bytes read for format detection come first. */
		n = f->npre - f->prepos;
		if (n > len)
			n = len;
		memcpy(dst, f->pre + f->prepos, n);
		f->prepos += n;
		got = n;
	}
	while (got < len) {
		r = cf_more(f, &p, &avail, err, errlen);
		if (r == -1)
			return (-1);
		if (r != 1) {
			if (got == 0 && r == 0)
				return (0);
			return (-2);
		}
		n = len - got < avail ? len - got : avail;
		memcpy(dst + got, p, n);
		got += n;
		f->consumed += n;
		if (f->gzip)
			f->out_pos += n;
		else
			f->in_pos += n;
	}
	return (1);
}

/* Make the record buffer hold at least len bytes. */
static int
cf_grow(struct capture_file *f, size_t len)
{
	size_t	 cap;

	if (len <= f->bufcap)
		return (0);
	cap = f->bufcap;
	while (cap < len)
		cap *= 2;
	f->buf = xreallocarray(f->buf, 1, cap);
	f->bufcap = cap;
	return (0);
}

struct capture_file *
capture_file_open(const char *path, char *err, size_t errlen)
{
	int		 fd;
	const char	*name = path;

	if (strcmp(path, "-") == 0) {
		name = "stdin";
		fd = dup(STDIN_FILENO);
	} else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		return (NULL);
	}
	return (capture_file_open_fd(fd, name, err, errlen));
}

struct capture_file *
capture_file_open_fd(int fd, const char *name, char *err, size_t errlen)
{
	struct capture_file	*f;
	struct stat		 st;
	struct cursor		 c;
	uint32_t		 magic;
	int			 r;

	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		close(fd);
		return (NULL);
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: %s", name, strerror(EISDIR));
		close(fd);
		return (NULL);
	}
	f = xcalloc(1, sizeof *f);
	f->fd = -1;
	f->name = xstrdup(name);
	f->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	f->linktype = -1;
	f->bufcap = CF_MINBUF;
	f->buf = xmalloc(f->bufcap);
	f->fd = fd;
	f->in = xmalloc(CF_INBUF);
	/* gzip magic 1f 8b: inflate (RFC 1952); anything else is read raw. */
	if (cf_fill_raw(f, err, errlen) == 1 && f->in_len - f->in_pos >= 2 &&
	    f->in[f->in_pos] == 0x1f && f->in[f->in_pos + 1] == 0x8b) {
		f->gzip = true;
		f->out = xmalloc(CF_INBUF);
		if (inflateInit2(&f->zs, 15 + 16) != Z_OK) {
			snprintf(err, errlen, "%s: cannot set up gzip", name);
			goto fail;
		}
		f->z_live = true;
	}
	r = cf_read(f, f->pre, sizeof f->pre, err, errlen);
	if (r == -1)
		goto fail;
	if (r == 0) {
		snprintf(err, errlen, "%s: empty file", name);
		goto fail;
	}
	if (r == -2) {
		snprintf(err, errlen, "%s: not a pcap or pcapng file "
		    "(too short)", name);
		goto fail;
	}
	c = cur_make(f->pre, sizeof f->pre);
	magic = cur_le32(&c);
	if (magic == NG_BT_SHB) {
		/* Hand the magic back to the block reader. */
		f->fmt = CF_PCAPNG;
		f->npre = sizeof f->pre;
		f->prepos = 0;
		r = cf_ng_next(f, &f->pending_rec, err, errlen);
		if (r == -1 && f->nsections == 0) {
			/* Not even a section header: fail the open. */
			goto fail;
		}
		f->pending = r == 1 ? 1 : r == 0 ? 2 : 3;
		return (f);
	}
	if (cf_open_pcap(f, magic, err, errlen) == -1)
		goto fail;
	return (f);

fail:
	capture_file_close(f);
	return (NULL);
}

/* Parse the rest of a pcap file header; magic is the first word as LE. */
static int
cf_open_pcap(struct capture_file *f, uint32_t magic, char *err,
    size_t errlen)
{
	uint8_t		 hdr[PCAP_FILE_HDR - 4];
	struct cursor	 c;
	uint32_t	 swapped, lt;
	int		 r;

	swapped = ((magic & 0xffU) << 24) | ((magic & 0xff00U) << 8) |
	    ((magic >> 8) & 0xff00U) | (magic >> 24);
	if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS ||
	    magic == PCAP_MAGIC_KUZ)
		f->be = false;
	else if (swapped == PCAP_MAGIC_US || swapped == PCAP_MAGIC_NS ||
	    swapped == PCAP_MAGIC_KUZ) {
		f->be = true;
		magic = swapped;
	} else {
		snprintf(err, errlen, "%s: not a pcap or pcapng file "
		    "(magic 0x%08x)", f->name, swapped);
		return (-1);
	}
	f->fmt = CF_PCAP;
	f->nsec = magic == PCAP_MAGIC_NS;
	f->kuz = magic == PCAP_MAGIC_KUZ;

	r = cf_read(f, hdr, sizeof hdr, err, errlen);
	if (r == -1)
		return (-1);
	if (r != 1) {
		snprintf(err, errlen, "%s: truncated capture (file header "
		    "cut short)", f->name);
		return (-1);
	}
	c = cur_make(hdr, sizeof hdr);
	cur_skip(&c, 2 + 2 + 4 + 4);	/* version, thiszone, sigfigs */
	f->snaplen = cf_u32(&c, f->be);
	lt = cf_u32(&c, f->be);
	/*
	 * The link-type field: bits 0-15 the LINKTYPE, 16-25 reserved (must be
	 * zero), 26-31 FCS information (draft-ietf-opsawg-pcap section 4).
	 * Reserved bits set mean a file we cannot interpret.
	 */
	if ((lt & 0x03ff0000U) != 0) {
		snprintf(err, errlen, "%s: link type field 0x%08x has reserved "
		    "bits set", f->name, lt);
		return (-1);
	}
	f->linktype = (int)(lt & 0xffffU);
	return (0);
}

int
capture_file_next(struct capture_file *f, struct capture_record *rec,
    char *err, size_t errlen)
{
	int	 r;

	switch (f->pending) {
	case 1:
		f->pending = 0;
		*rec = f->pending_rec;
		return (1);
	case 2:
		return (0);
	case 3:
		snprintf(err, errlen, "%s", f->msg);
		return (-1);
	default:
		break;
	}
	if (f->fmt == CF_PCAP)
		r = cf_pcap_next(f, rec, err, errlen);
	else
		r = cf_ng_next(f, rec, err, errlen);
	if (r == 0)
		f->pending = 2;
	return (r);
}

static int
cf_pcap_next(struct capture_file *f, struct capture_record *rec, char *err,
    size_t errlen)
{
	uint8_t		 hdr[24];
	struct cursor	 c;
	uint32_t	 sec, frac, caplen, wirelen;
	size_t		 hlen = f->kuz ? 24 : 16;
	int		 r;

	r = cf_read(f, hdr, hlen, err, errlen);
	if (r == -1 || r == 0)
		return (r);
	if (r == -2)
		return (cf_trunc(f, err, errlen));
	c = cur_make(hdr, hlen);
	sec = cf_u32(&c, f->be);
	frac = cf_u32(&c, f->be);
	caplen = cf_u32(&c, f->be);
	wirelen = cf_u32(&c, f->be);
	if (caplen > CAPTURE_FILE_MAX_RECORD)
		return (cf_fail(f, err, errlen, "record %llu too large "
		    "(caplen %u)", (unsigned long long)f->nrec + 1, caplen));
	cf_grow(f, caplen);
	r = cf_read(f, f->buf, caplen, err, errlen);
	if (r == -1)
		return (-1);
	if (r != 1)
		return (cf_trunc(f, err, errlen));
	rec->ts_ns = (uint64_t)sec * 1000000000U +
	    (f->nsec ? (uint64_t)frac : (uint64_t)frac * 1000U);
	rec->caplen = caplen;
	rec->wirelen = wirelen;
	rec->linktype = f->linktype;
	rec->data = f->buf;
	f->nrec++;
	return (1);
}

/*
 * pcapng: read blocks until one carries a packet.  Block layout (section
 * 3.1): type, total length, body padded to 32 bits, total length again.
 */
static int
cf_ng_next(struct capture_file *f, struct capture_record *rec, char *err,
    size_t errlen)
{
	uint8_t		 hdr[12];
	struct cursor	 c;
	uint32_t	 type, len, bom, trail;
	size_t		 hlen, body, left, n;
	bool		 shb, known;
	int		 r;

	for (;;) {
		r = cf_read(f, hdr, 8, err, errlen);
		if (r == -1 || r == 0)
			return (r);
		if (r == -2)
			return (cf_trunc(f, err, errlen));
		c = cur_make(hdr, sizeof hdr);
		shb = hdr[0] == 0x0a && hdr[1] == 0x0d && hdr[2] == 0x0d &&
		    hdr[3] == 0x0a;
		hlen = 8;
		if (shb) {
			/* The byte-order magic decides how to read the rest. */
			r = cf_read(f, hdr + 8, 4, err, errlen);
			if (r == -1)
				return (-1);
			if (r != 1)
				return (cf_trunc(f, err, errlen));
			hlen = 12;
			cur_skip(&c, 8);
			bom = cur_le32(&c);
			if (bom == NG_BOM)
				f->be = false;
			else if (bom == ((NG_BOM & 0xffU) << 24 |
			    (NG_BOM & 0xff00U) << 8 | (NG_BOM >> 8 & 0xff00U) |
			    NG_BOM >> 24))
				f->be = true;
			else
				return (cf_fail(f, err, errlen, "corrupt pcapng "
				    "section header (byte-order magic "
				    "0x%08x)", bom));
			c = cur_make(hdr, sizeof hdr);
		}
		type = cf_u32(&c, f->be);
		len = cf_u32(&c, f->be);
		if (len < 12 || len % 4 != 0 || (shb && len < 28))
			return (cf_fail(f, err, errlen, "corrupt pcapng block "
			    "(type 0x%08x, length %u) after record %llu", type,
			    len, (unsigned long long)f->nrec));
		body = len - hlen - 4;
		known = shb || type == NG_BT_IDB || type == NG_BT_EPB ||
		    type == NG_BT_SPB || type == NG_BT_PB;
		if (!known) {
			/* Skip in buffer-sized chunks; no allocation. */
			left = body;
			while (left > 0) {
				n = left < f->bufcap ? left : f->bufcap;
				r = cf_read(f, f->buf, n, err, errlen);
				if (r == -1)
					return (-1);
				if (r != 1)
					return (cf_trunc(f, err, errlen));
				left -= n;
			}
			r = cf_read(f, hdr, 4, err, errlen);
			if (r == -1)
				return (-1);
			if (r != 1)
				return (cf_trunc(f, err, errlen));
			c = cur_make(hdr, 4);
			trail = cf_u32(&c, f->be);
			if (trail != len)
				goto mismatch;
			continue;
		}
		if (body > CF_MAX_BLOCK)
			return (cf_fail(f, err, errlen, "record %llu too large "
			    "(pcapng block of %u bytes)",
			    (unsigned long long)f->nrec + 1, len));
		cf_grow(f, body + 4);
		r = cf_read(f, f->buf, body + 4, err, errlen);
		if (r == -1)
			return (-1);
		if (r != 1)
			return (cf_trunc(f, err, errlen));
		c = cur_make(f->buf + body, 4);
		trail = cf_u32(&c, f->be);
		if (trail != len)
			goto mismatch;
		c = cur_make(f->buf, body);
		r = cf_ng_block(f, shb ? NG_BT_SHB : type, f->be, &c, rec,
		    err, errlen);
		if (r != 0)
			return (r);
	}

mismatch:
	return (cf_fail(f, err, errlen, "corrupt pcapng block (type 0x%08x: "
	    "trailing length %u differs from %u) after record %llu", type,
	    trail, len, (unsigned long long)f->nrec));
}

/*
 * Interpret one buffered block body: 1 a packet in *rec, 0 nothing to
 * return, -1 an error.
 */
static int
cf_ng_block(struct capture_file *f, uint32_t type, bool be, struct cursor *c,
    struct capture_record *rec, char *err, size_t errlen)
{
	const struct cf_iface	*ifp;
	uint32_t		 ifid, hi, lo, caplen, wirelen;
	uint16_t		 major, minor;
	size_t			 left;

	switch (type) {
	case NG_BT_SHB:
		/* Section Header Block (3.2): BOM already read. */
		major = cf_u16(c, be);
		minor = cf_u16(c, be);
		if (c->err || major != 1)
			return (cf_fail(f, err, errlen, "unsupported pcapng "
			    "version %u.%u", major, minor));
		f->nifs = 0;
		f->nsections++;
		return (0);
	case NG_BT_IDB:
		return (cf_ng_idb(f, c, err, errlen));
	case NG_BT_EPB:
		/* Enhanced Packet Block (4.3). */
		ifid = cf_u32(c, be);
		hi = cf_u32(c, be);
		lo = cf_u32(c, be);
		caplen = cf_u32(c, be);
		wirelen = cf_u32(c, be);
		break;
	case NG_BT_PB:
		/* Obsolete Packet Block (appendix A): 16-bit interface. */
		ifid = cf_u16(c, be);
		cur_skip(c, 2);			/* drops count */
		hi = cf_u32(c, be);
		lo = cf_u32(c, be);
		caplen = cf_u32(c, be);
		wirelen = cf_u32(c, be);
		break;
	case NG_BT_SPB:
		/* Simple Packet Block (4.4): interface 0, no timestamp. */
		wirelen = cf_u32(c, be);
		if (c->err)
			goto short_block;
		if (f->nifs == 0)
			return (cf_fail(f, err, errlen, "simple packet block "
			    "without an interface (record %llu)",
			    (unsigned long long)f->nrec + 1));
		ifp = &f->ifs[0];
		left = cur_left(c);
		caplen = wirelen;
		if (caplen > left)
			caplen = (uint32_t)left;
		if (ifp->snaplen != 0 && caplen > ifp->snaplen)
			caplen = ifp->snaplen;
		rec->ts_ns = f->last_ts;
		goto packet;
	default:
		return (0);
	}
	if (c->err)
		goto short_block;
	if (ifid >= f->nifs)
		return (cf_fail(f, err, errlen, "packet for unknown interface "
		    "%u (record %llu)", ifid, (unsigned long long)f->nrec + 1));
	if (caplen > cur_left(c))
		return (cf_fail(f, err, errlen, "corrupt pcapng block "
		    "(captured length %u exceeds the block, record %llu)",
		    caplen, (unsigned long long)f->nrec + 1));
	ifp = &f->ifs[ifid];
	rec->ts_ns = cf_ng_ts(ifp, (uint64_t)hi << 32 | lo);
	f->last_ts = rec->ts_ns;

packet:
	rec->caplen = caplen;
	rec->wirelen = wirelen;
	rec->linktype = ifp->linktype;
	rec->data = cur_ptr(c);
	f->nrec++;
	return (1);

short_block:
	return (cf_fail(f, err, errlen, "corrupt pcapng block (type %u too "
	    "short, record %llu)", type, (unsigned long long)f->nrec + 1));
}

/* Interface Description Block (4.2) with its if_tsresol and if_tsoffset. */
static int
cf_ng_idb(struct capture_file *f, struct cursor *c, char *err, size_t errlen)
{
	struct cf_iface	 ifc;
	uint16_t	 code, olen;
	size_t		 pad;
	uint8_t		 v;
	bool		 be = f->be;

	memset(&ifc, 0, sizeof ifc);
	ifc.linktype = cf_u16(c, be);
	cur_skip(c, 2);
	ifc.snaplen = cf_u32(c, be);
	ifc.exp = 6;			/* default: microseconds */
	if (c->err)
		return (cf_fail(f, err, errlen, "corrupt pcapng interface "
		    "description (too short)"));
	/* Options (3.5); a malformed list just ends the parse. */
	while (cur_left(c) >= 4) {
		code = cf_u16(c, be);
		olen = cf_u16(c, be);
		if (code == NG_OPT_ENDOFOPT || olen > cur_left(c))
			break;
		if (code == NG_OPT_IF_TSRESOL && olen >= 1) {
			v = cur_peek_u8(c, 0);
			ifc.pow2 = (v & 0x80) != 0;
			ifc.exp = v & 0x7f;
		} else if (code == NG_OPT_IF_TSOFFSET && olen >= 8) {
			struct cursor o = cur_sub(c, 8, NULL);

			ifc.tsoffset_ns = cf_u64(&o, be) * 1000000000U;
		}
		cur_skip(c, olen);
		pad = (4 - olen % 4) % 4;
		if (pad > cur_left(c))
			break;
		cur_skip(c, pad);
	}
	if (f->nifs >= CF_MAX_IFACES)
		return (cf_fail(f, err, errlen, "too many interfaces (%u)",
		    (unsigned int)f->nifs + 1));
	if (f->nifs == f->ifscap) {
		f->ifscap = f->ifscap == 0 ? 4 : f->ifscap * 2;
		f->ifs = xreallocarray(f->ifs, f->ifscap, sizeof *f->ifs);
	}
	f->ifs[f->nifs++] = ifc;
	if (f->linktype == -1)
		f->linktype = ifc.linktype;
	return (0);
}

/* Timestamp units of an interface to ns since the epoch (4.2 if_tsresol). */
static uint64_t
cf_ng_ts(const struct cf_iface *ifp, uint64_t t)
{
	uint64_t	 ns, p;
	unsigned int	 i, e = ifp->exp;

	if (ifp->pow2) {
		/* Keep at most 32 fractional bits so frac * 1e9 fits. */
		if (e > 32) {
			t = e - 32 >= 64 ? 0 : t >> (e - 32);
			e = 32;
		}
		ns = (t >> e) * 1000000000U +
		    (((t & ((UINT64_C(1) << e) - 1)) * 1000000000U) >> e);
	} else if (e <= 9) {
		for (p = 1, i = e; i < 9; i++)
			p *= 10;
		ns = t * p;
	} else if (e - 9 > 19)
		ns = 0;
	else {
		for (p = 1, i = 9; i < e; i++)
			p *= 10;
		ns = t / p;
	}
	return (ns + ifp->tsoffset_ns);
}

int
capture_file_linktype(const struct capture_file *f)
{
	return (f->linktype);
}

const char *
capture_file_name(const struct capture_file *f)
{
	return (f->name);
}

uint64_t
capture_file_bytes_read(struct capture_file *f)
{
	return (f->raw_read - (f->in_len - f->in_pos));
}

uint64_t
capture_file_size(const struct capture_file *f)
{
	return (f->size);
}

void
capture_file_close(struct capture_file *f)
{
	if (f == NULL)
		return;
	if (f->z_live)
		inflateEnd(&f->zs);
	if (f->fd != -1)
		close(f->fd);
	free(f->in);
	free(f->out);
	free(f->ifs);
	free(f->buf);
	free(f->name);
	free(f);
}

void
capture_file_set_stop(struct capture_file *f, const atomic_int *stop)
{
	f->stop = stop;
}

void
capture_file_set_follow(struct capture_file *f, bool on, void (*idle)(void *),
    void *arg)
{
	f->follow = on;
	f->idle = idle;
	f->idle_arg = arg;
}

int
capture_file_wait(struct capture_file *f, int timeout_ms)
{
	struct pollfd	 pfd;
	struct stat	 st;

	if (f->follow && f->size != 0 && !f->in_eof && f->in_pos >= f->in_len &&
	    f->out_pos >= f->out_len && f->pending == 0) {
		/* Nothing buffered: is the file longer than what we read? */
		if (fstat(f->fd, &st) == 0 && (uint64_t)st.st_size > f->size)
			f->size = (uint64_t)st.st_size;
		if (f->size > f->raw_read)
			return (1);
		poll(NULL, 0, timeout_ms);
		if (fstat(f->fd, &st) == 0 && (uint64_t)st.st_size > f->size)
			f->size = (uint64_t)st.st_size;
		return (f->size > f->raw_read);
	}
	if (f->size != 0 || f->in_eof || f->in_pos < f->in_len ||
	    f->out_pos < f->out_len || f->pending != 0 || f->fd == -1)
		return (1);
	pfd.fd = f->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, timeout_ms) == 0)
		return (0);
	return (1);
}
