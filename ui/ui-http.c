/*
 * ui-http.c: decode one direction of an HTTP/1.x connection for the pager's
 * HTTP view (ui-http.h).
 *
 * The input is read through a 64 KiB window (struct rd) and the output
 * goes through a 64 KiB buffer (struct wr) to pwrite; inflate writes into a
 * third 64 KiB buffer.  Nothing else grows with the input except the
 * message list, which is capped at UI_HTTP_MAX_MSGS.  A header section must
 * fit the window (64 KiB), as must a chunk-size or trailer line.
 *
 * Per message: the whole header section is found in the window before
 * anything is written, so a section that turns out malformed is copied raw
 * exactly once, after the "stopped" line.  The body framing follows
 * RFC 9112 section 6.3, chunked decoding section 7.1; the content codings
 * gzip, x-gzip and deflate (zlib-wrapped or raw, told apart by the zlib
 * header check of RFC 1950 section 2.2) are inflated, others are shown as
 * they are.  Corrupt compressed data ends decoding of that body only (the
 * rest of it is copied raw after a note), since the framing still says
 * where the next message starts.  Every loop consumes input or output on
 * each pass, so no input makes it spin.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ui-http.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "xmalloc.h"

#define BUFSZ		65536	/* input window, output buffer, inflate out */
#define LINE_MAX_CHUNK	4096	/* longest chunk-size line (with extensions) */
#define MARKER_W	152	/* padded "[body: ...]" line, with its '\n' */
#define CODINGS_W	32	/* coding names shown in the marker */
#define CL_MAX		(1ull << 62)

_Static_assert(sizeof(((struct ui_http_msg *)0)->coding) == CODINGS_W + 8,
    "ui_http_msg.coding holds struct head.codings");

enum kind { K_UNKNOWN = 0, K_REQUEST, K_RESPONSE };
enum coding { C_IDENTITY = 0, C_GZIP, C_DEFLATE, C_OTHER };
enum zstate { Z_NONE = 0, Z_DETECT, Z_ACTIVE, Z_DONE, Z_FAILED, Z_CAPPED };

/* Buffered reader: buf[0..len) holds raw bytes [base, base + len). */
struct rd {
	ui_http_read_fn	 read;
	void		*arg;
	uint64_t	 raw_len;
	uint8_t		*buf;
	uint64_t	 base;
	size_t		 len;
	size_t		 pos;
};

/* Buffered writer: buf[0..n) goes to the file at off. */
struct wr {
	int		 fd;
	uint64_t	 off;
	uint8_t		*buf;
	size_t		 n;
	uint8_t		 last;		/* last byte put */
};

/* What the header section says about framing and codings. */
struct head {
	int		 has_cl, cl_bad, has_te, te_chunked_last;
	uint64_t	 cl;
	char		 codings[CODINGS_W + 8];	/* for the marker */
	/* (the same size as ui_http_msg.coding, checked below) */
	int		 ncodings;			/* excluding identity */
	enum coding	 coding;			/* of the only coding */
};

/* One body being decoded. */
struct body {
	enum coding	 coding;
	enum zstate	 zs;
	uint8_t		 zhdr[2];
	size_t		 nzhdr;
	uint64_t	 clen;		/* Content-Length, or 0 */
	uint64_t	 coded;		/* body bytes after de-chunking */
	uint64_t	 out;		/* decoded bytes written */
	uint64_t	 trailing;	/* bytes after the compressed data */
	uint64_t	 raw_off;	/* raw offset of the bytes being fed */
	int		 flags;
	int		 zlive;		/* inflateInit2 done, inflateEnd due */
};

struct dec {
	struct rd	 r;
	struct wr	 w;
	z_stream	 z;
	uint8_t		*zout;
	const char *const *methods;
	size_t		 nmethods, midx;
	enum kind	 kind;
	struct ui_http_msg *msgs;
	size_t		 nmsgs, cap;
	int		 ioerr;		/* -1 read, 1 write, 0 none */
	int		 saved_errno;
	uint64_t	 stop_off;
	const char	*stop_why;
};

static int	 rd_more(struct dec *);
static int	 rd_want(struct dec *, size_t);
static int	 wr_flush(struct dec *);
static int	 wr_put(struct dec *, const void *, size_t);
static int	 wr_printf(struct dec *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int	 wr_patch(struct dec *, uint64_t, const char *, size_t);
static int	 is_tchar(uint8_t);
static int	 parse_start(const uint8_t *, size_t, int,
		    struct ui_http_msg *);
static int	 parse_fields(const uint8_t *, size_t, struct head *,
		    const char **);
static int	 find_head(struct dec *, size_t *);
static int	 find_line(struct dec *, size_t, size_t *);
static int	 stop(struct dec *, const char *);
static int	 copy_rest(struct dec *);
static int	 body_feed(struct dec *, struct body *, const uint8_t *,
		    size_t);
static int	 body_run(struct dec *, struct ui_http_msg *, struct head *);
static int	 message(struct dec *);
static int	 word_is(const uint8_t *, size_t, const char *);
static void	 add_coding(struct head *, const uint8_t *, size_t);
static void	 field_list(const uint8_t *, size_t, int, struct head *);
static uint64_t	 body_cap(const struct body *);
static int	 body_out(struct dec *, struct body *, const uint8_t *, size_t);
static int	 body_zinit(struct dec *, struct body *, int);
static int	 body_inflate(struct dec *, struct body *, const uint8_t *,
		    size_t);
static int	 body_pass(struct dec *, struct body *, uint64_t, uint64_t *);
static int	 chunk_size(const uint8_t *, size_t, uint64_t *);
static int	 body_marker(struct dec *, const struct ui_http_msg *,
		    const struct head *, const struct body *, uint64_t,
		    uint64_t);
static int	 trailers(struct dec *, struct ui_http_msg *);
static int	 skip_blank(struct dec *);
static const char *framing(struct dec *, struct ui_http_msg *,
		    const struct head *);
static void	 msg_add(struct dec *, const struct ui_http_msg *);
static void	 mk_add(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static inline uint64_t
rd_off(const struct dec *d)
{
	return (d->r.base + d->r.pos);
}

static inline size_t
rd_avail(const struct dec *d)
{
	return (d->r.len - d->r.pos);
}

static inline uint64_t
wr_off(const struct dec *d)
{
	return (d->w.off + d->w.n);
}

/*
 * Slide the window and read more: 1 if bytes were added, 0 at the end of
 * the input or with a full window, -1 on a read error.
 */
static int
rd_more(struct dec *d)
{
	struct rd	*r = &d->r;
	uint64_t	 end;
	size_t		 want;
	ssize_t		 n;

	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->base += r->pos;
		r->len -= r->pos;
		r->pos = 0;
	}
	end = r->base + r->len;
	if (r->len == BUFSZ || end >= r->raw_len)
		return (0);
	want = BUFSZ - r->len;
	if (want > r->raw_len - end)
		want = (size_t)(r->raw_len - end);
	n = r->read(r->arg, end, r->buf + r->len, want);
	if (n < 0 || (size_t)n > want) {
		d->ioerr = -1;
		d->saved_errno = n < 0 ? errno : EIO;
		return (-1);
	}
	if (n == 0) {
		r->raw_len = end;	/* shorter than announced */
		return (0);
	}
	r->len += (size_t)n;
	return (1);
}

/* Try to have n (at most BUFSZ) bytes at the cursor; -1 on a read error. */
static int
rd_want(struct dec *d, size_t n)
{
	int	 rc;

	while (rd_avail(d) < n)
		if ((rc = rd_more(d)) <= 0)
			return (rc);
	return (0);
}

static int
wr_flush(struct dec *d)
{
	struct wr	*w = &d->w;
	size_t		 done;
	ssize_t		 n;

	for (done = 0; done < w->n; done += (size_t)n) {
		n = pwrite(w->fd, w->buf + done, w->n - done,
		    (off_t)(w->off + done));
		if (n == -1 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0) {
			d->ioerr = 1;
			d->saved_errno = n == 0 ? EIO : errno;
			return (-1);
		}
	}
	w->off += w->n;
	w->n = 0;
	return (0);
}

static int
wr_put(struct dec *d, const void *p, size_t len)
{
	struct wr	*w = &d->w;
	const uint8_t	*s = p;
	size_t		 n;

	while (len > 0) {
		if (w->n == BUFSZ && wr_flush(d) == -1)
			return (-1);
		n = BUFSZ - w->n;
		if (n > len)
			n = len;
		memcpy(w->buf + w->n, s, n);
		w->n += n;
		w->last = s[n - 1];
		s += n;
		len -= n;
	}
	return (0);
}

static int
wr_printf(struct dec *d, const char *fmt, ...)
{
	char	 line[512];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return (0);
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	return (wr_put(d, line, (size_t)n));
}

/* Overwrite len bytes at output offset off (already written or buffered). */
static int
wr_patch(struct dec *d, uint64_t off, const char *p, size_t len)
{
	ssize_t	 n;

	if (wr_flush(d) == -1)
		return (-1);
	while (len > 0) {
		n = pwrite(d->w.fd, p, len, (off_t)off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			d->ioerr = 1;
			d->saved_errno = n == 0 ? EIO : errno;
			return (-1);
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return (0);
}

/* RFC 9110 section 5.6.2 tchar. */
static int
is_tchar(uint8_t c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return (1);
	return (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/*
 * Parse a start line (RFC 9112 sections 3 and 4) of n bytes without its
 * line end.  With complete == 0 the line may be cut short: a valid prefix
 * counts as valid.  Returns 1 and fills m->is_request, m->method and
 * m->status, or 0.
 */
static int
parse_start(const uint8_t *p, size_t n, int complete, struct ui_http_msg *m)
{
	static const char	 ver[] = "HTTP/1.";
	size_t			 i, j;

	memset(m->method, 0, sizeof m->method);
	m->status = 0;
	if (n > 0 && memcmp(p, "HTTP/", n < 5 ? n : 5) == 0 &&
	    (n >= 5 || !complete)) {
		/* status-line = HTTP-version SP status-code SP [reason] */
		m->is_request = 0;
		for (i = 0; i < 7; i++) {
			if (i == n)
				return (!complete);
			if (p[i] != (uint8_t)ver[i])
				return (0);
		}
		if (i == n)
			return (!complete);
		if (p[i] < '0' || p[i] > '9')
			return (0);
		if (++i == n)
			return (!complete);
		if (p[i++] != ' ')
			return (0);
		for (j = 0; j < 3; j++, i++) {
			if (i == n)
				return (!complete);
			if (p[i] < '0' || p[i] > '9')
				return (0);
			m->status = m->status * 10 + (p[i] - '0');
		}
		/* A missing SP before an empty reason is common: allow it. */
		if (i < n && p[i] != ' ')
			return (0);
		return (1);
	}
	/* request-line = method SP request-target SP HTTP-version */
	m->is_request = 1;
	for (i = 0; i < n && is_tchar(p[i]); i++)
		if (i < sizeof m->method - 1)
			m->method[i] = (char)p[i];
	if (i == n)
		return (!complete && i > 0);
	if (i == 0 || p[i++] != ' ')
		return (0);
	for (j = i; i < n && p[i] > ' ' && p[i] != 0x7f; i++)
		continue;
	if (i == n)
		return (!complete);
	if (i == j || p[i++] != ' ')
		return (0);
	for (j = 0; j < 8; j++, i++) {
		if (i == n)
			return (!complete);
		if (j < 7 ? p[i] != (uint8_t)ver[j] :
		    (p[i] < '0' || p[i] > '9'))
			return (0);
	}
	return (i == n);
}

/* Case-insensitive compare of p[0..n) with the lowercase word s. */
static int
word_is(const uint8_t *p, size_t n, const char *s)
{
	size_t	 i;
	uint8_t	 c;

	if (strlen(s) != n)
		return (0);
	for (i = 0; i < n; i++) {
		c = p[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != (uint8_t)s[i])
			return (0);
	}
	return (1);
}

/* Add one coding of a list (RFC 9110 sections 8.4, 10.1.4) to h. */
static void
add_coding(struct head *h, const uint8_t *p, size_t n)
{
	size_t	 have;

	if (n == 0 || word_is(p, n, "identity"))
		return;
	h->ncodings++;
	if (word_is(p, n, "gzip") || word_is(p, n, "x-gzip"))
		h->coding = C_GZIP;
	else if (word_is(p, n, "deflate"))
		h->coding = C_DEFLATE;
	else
		h->coding = C_OTHER;
	have = strlen(h->codings);
	if (have > 0 && have < CODINGS_W)
		h->codings[have++] = ',';
	while (n > 0 && have < CODINGS_W) {
		/* tchars only, so nothing here can reach a terminal raw */
		h->codings[have++] = is_tchar(*p) ? (char)*p : '?';
		p++;
		n--;
	}
	if (n > 0)
		memcpy(h->codings + CODINGS_W, "...", 4);
	else
		h->codings[have] = '\0';
}

/*
 * Walk a comma-separated field value: each element trimmed of whitespace
 * and of ";parameters"; empty elements skipped (RFC 9110 section 5.6.1).
 * what 0: Content-Length, 1: Transfer-Encoding, 2: Content-Encoding.
 */
static void
field_list(const uint8_t *p, size_t n, int what, struct head *h)
{
	size_t		 i, s, e, k;
	uint64_t	 v;
	int		 last_chunked = 0;

	for (i = 0; i <= n; i = e + 1) {
		for (e = i; e < n && p[e] != ','; e++)
			continue;
		s = i;
		while (s < e && (p[s] == ' ' || p[s] == '\t'))
			s++;
		k = s;
		while (k < e && p[k] != ';' && p[k] != ' ' && p[k] != '\t')
			k++;
		if (k == s) {
			if (what == 0)
				h->cl_bad = 1;
			continue;
		}
		if (what == 0) {
			v = 0;
			for (; s < k; s++) {
				if (p[s] < '0' || p[s] > '9' ||
				    v > (CL_MAX - 9) / 10) {
					h->cl_bad = 1;
					break;
				}
				v = v * 10 + (uint64_t)(p[s] - '0');
			}
			if (h->has_cl && v != h->cl)
				h->cl_bad = 1;
			h->has_cl = 1;
			h->cl = v;
		} else if (what == 1) {
			h->has_te = 1;
			if (word_is(p + s, k - s, "chunked")) {
				last_chunked = 1;
				continue;
			}
			if (last_chunked) {
				/* chunked, then another coding */
				add_coding(h, (const uint8_t *)"chunked", 7);
				last_chunked = 0;
			}
			add_coding(h, p + s, k - s);
		} else
			add_coding(h, p + s, k - s);
	}
	if (what == 1)
		h->te_chunked_last = last_chunked;
}

/*
 * Parse the field lines of a header section (RFC 9112 section 5) at
 * p[0..n), after the start line.  Returns 0, or -1 with *why set.
 */
static int
parse_fields(const uint8_t *p, size_t n, struct head *h, const char **why)
{
	const uint8_t	*line, *nl, *colon, *v;
	size_t		 len, vlen;

	for (; n > 0; p += len, n -= len) {
		nl = memchr(p, '\n', n);
		len = nl == NULL ? n : (size_t)(nl - p) + 1;
		line = p;
		vlen = len;
		while (vlen > 0 && (line[vlen - 1] == '\n' ||
		    line[vlen - 1] == '\r'))
			vlen--;
		if (vlen == 0)
			break;			/* the empty line */
		if (line[0] == ' ' || line[0] == '\t')
			continue;		/* obs-fold: ignored */
		if ((colon = memchr(line, ':', vlen)) == NULL ||
		    colon == line) {
			*why = "malformed header field";
			return (-1);
		}
		for (v = line; v < colon; v++)
			if (!is_tchar(*v)) {
				*why = "malformed header field name";
				return (-1);
			}
		v = colon + 1;
		vlen -= (size_t)(v - line);
		while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
			vlen--;
		if (word_is(line, (size_t)(colon - line), "content-length"))
			field_list(v, vlen, 0, h);
		else if (word_is(line, (size_t)(colon - line),
		    "transfer-encoding"))
			field_list(v, vlen, 1, h);
		else if (word_is(line, (size_t)(colon - line),
		    "content-encoding"))
			field_list(v, vlen, 2, h);
	}
	return (0);
}

/*
 * Find the end of the header section at the cursor.  Returns 1 with its
 * length (through the empty line) in *hlen, 0 if it does not end within
 * the window or the input, -1 on a read error.
 */
static int
find_head(struct dec *d, size_t *hlen)
{
	const uint8_t	*p;
	size_t		 i = 0, a;
	int		 rc;

	for (;;) {
		a = rd_avail(d);
		p = d->r.buf + d->r.pos;
		for (; i < a; i++) {
			if (p[i] != '\n')
				continue;
			if (i + 1 >= a)
				break;
			if (p[i + 1] == '\n') {
				*hlen = i + 2;
				return (1);
			}
			if (p[i + 1] == '\r') {
				if (i + 2 >= a)
					break;
				if (p[i + 2] == '\n') {
					*hlen = i + 3;
					return (1);
				}
			}
		}
		if ((rc = rd_more(d)) <= 0)
			return (rc);
	}
}

/*
 * Find a line of at most max bytes at the cursor.  Returns 1 with its
 * length (with the '\n') in *len, 0 if there is none, -1 on a read error.
 */
static int
find_line(struct dec *d, size_t max, size_t *len)
{
	const uint8_t	*nl;
	size_t		 a;
	int		 rc;

	for (;;) {
		a = rd_avail(d);
		if (a > max)
			a = max;
		if ((nl = memchr(d->r.buf + d->r.pos, '\n', a)) != NULL) {
			*len = (size_t)(nl - (d->r.buf + d->r.pos)) + 1;
			return (1);
		}
		if (a == max)
			return (0);
		if ((rc = rd_more(d)) <= 0)
			return (rc);
	}
}

/* Copy everything from the cursor to the end of the input. */
static int
copy_rest(struct dec *d)
{
	int	 rc;

	do {
		if (wr_put(d, d->r.buf + d->r.pos, rd_avail(d)) == -1)
			return (-1);
		d->r.pos = d->r.len;
	} while ((rc = rd_more(d)) > 0);
	return (rc);
}

/* Give up decoding at the cursor: say why, copy the rest raw.  Returns 1. */
static int
stop(struct dec *d, const char *why)
{
	if (wr_printf(d, "[HTTP decoding stopped at offset %llu: %s]\n",
	    (unsigned long long)rd_off(d), why) == -1 || copy_rest(d) == -1)
		return (-1);
	return (1);
}

static uint64_t
body_cap(const struct body *b)
{
	uint64_t	 base, cap;

	base = b->clen > b->coded ? b->clen : b->coded;
	if (base > UI_HTTP_BODY_MAX / UI_HTTP_BODY_RATIO)
		return (UI_HTTP_BODY_MAX);
	cap = base * UI_HTTP_BODY_RATIO;
	if (cap < UI_HTTP_BODY_FLOOR)
		cap = UI_HTTP_BODY_FLOOR;
	return (cap < UI_HTTP_BODY_MAX ? cap : UI_HTTP_BODY_MAX);
}

/* Write decoded body bytes, up to the cap. */
static int
body_out(struct dec *d, struct body *b, const uint8_t *p, size_t n)
{
	uint64_t	 cap;

	cap = b->coding == C_GZIP || b->coding == C_DEFLATE ?
	    body_cap(b) : UINT64_MAX;
	if (n > cap - b->out) {
		n = (size_t)(cap - b->out);
		b->flags |= UI_HTTP_F_TRUNCATED;
		if (b->zs == Z_ACTIVE || b->zs == Z_DONE)
			b->zs = Z_CAPPED;
	}
	if (n == 0)
		return (0);
	b->out += n;
	return (wr_put(d, p, n));
}

/* Start inflate for b; zlib-wrapped when wrapped, else raw deflate. */
static int
body_zinit(struct dec *d, struct body *b, int wrapped)
{
	memset(&d->z, 0, sizeof d->z);
	if (inflateInit2(&d->z, b->coding == C_GZIP ? 15 + 32 :
	    wrapped ? 15 : -15) != Z_OK) {
		b->zs = Z_FAILED;
		b->flags |= UI_HTTP_F_CORRUPT;
		return (wr_printf(d, "\n[decompression failed: %s]\n",
		    d->z.msg != NULL ? d->z.msg : "inflateInit2"));
	}
	b->zs = Z_ACTIVE;
	b->zlive = 1;
	return (0);
}

/* Inflate p[0..n) (at raw offset b->raw_off) into the output. */
static int
body_inflate(struct dec *d, struct body *b, const uint8_t *p, size_t n)
{
	z_stream	*z = &d->z;
	size_t		 have;
	int		 ret;

	z->next_in = (Bytef *)(uintptr_t)p;
	z->avail_in = (uInt)n;
	for (;;) {
		z->next_out = d->zout;
		z->avail_out = BUFSZ;
		ret = inflate(z, Z_NO_FLUSH);
		have = BUFSZ - z->avail_out;
		if (have > 0 && body_out(d, b, d->zout, have) == -1)
			return (-1);
		if (b->zs == Z_CAPPED)
			return (0);
		if (ret == Z_STREAM_END) {
			if (z->avail_in > 0 && b->coding == C_GZIP &&
			    z->next_in[0] == 0x1f) {
				/* another gzip member (RFC 1952 section 2.2) */
				inflateReset(z);
				continue;
			}
			b->zs = Z_DONE;
			b->trailing += z->avail_in;
			return (0);
		}
		if (ret != Z_OK && ret != Z_BUF_ERROR) {
			b->zs = Z_FAILED;
			b->flags |= UI_HTTP_F_CORRUPT;
			if (wr_printf(d, "\n[decompression failed at offset "
			    "%llu: %s; the rest of this body copied raw]\n",
			    (unsigned long long)(b->raw_off +
			    (n - z->avail_in)),
			    z->msg != NULL ? z->msg : "bad data") == -1)
				return (-1);
			return (wr_put(d, z->next_in, z->avail_in));
		}
		/* Z_BUF_ERROR: no progress possible; else input used up. */
		if (ret == Z_BUF_ERROR || z->avail_out != 0)
			return (0);
	}
}

/* Feed n de-chunked body bytes through the content decoding. */
static int
body_feed(struct dec *d, struct body *b, const uint8_t *p, size_t n)
{
	size_t	 k;
	int	 zlib;

	b->coded += n;
	switch (b->zs) {
	case Z_NONE:
		return (body_out(d, b, p, n));
	case Z_FAILED:
		return (wr_put(d, p, n));
	case Z_CAPPED:
		return (0);
	case Z_DONE:
		if (b->coding == C_GZIP && n > 0 && p[0] == 0x1f) {
			inflateReset(&d->z);
			b->zs = Z_ACTIVE;
			return (body_inflate(d, b, p, n));
		}
		b->trailing += n;
		return (0);
	case Z_DETECT:
		/* RFC 1950 section 2.2: CM 8, FCHECK makes a multiple of 31 */
		k = 2 - b->nzhdr < n ? 2 - b->nzhdr : n;
		memcpy(b->zhdr + b->nzhdr, p, k);
		b->nzhdr += k;
		if (b->nzhdr < 2)
			return (0);
		zlib = (b->zhdr[0] & 0x0f) == 8 && (b->zhdr[0] >> 4) <= 7 &&
		    ((b->zhdr[0] << 8) | b->zhdr[1]) % 31 == 0;
		if (body_zinit(d, b, zlib) == -1)
			return (-1);
		if (b->zs == Z_ACTIVE &&
		    body_inflate(d, b, b->zhdr, b->nzhdr) == -1)
			return (-1);
		/* The rest goes through whatever state inflate is in now. */
		b->raw_off += k;
		b->coded -= n - k;
		return (body_feed(d, b, p + k, n - k));
	case Z_ACTIVE:
		return (body_inflate(d, b, p, n));
	}
	return (0);
}

/*
 * Feed up to max body bytes from the input; *got says how many there
 * were (fewer only at the end of the input).
 */
static int
body_pass(struct dec *d, struct body *b, uint64_t max, uint64_t *got)
{
	size_t	 n;

	*got = 0;
	while (*got < max) {
		if (rd_want(d, 1) == -1)
			return (-1);
		if ((n = rd_avail(d)) == 0)
			break;
		if (n > max - *got)
			n = (size_t)(max - *got);
		b->raw_off = rd_off(d);
		if (body_feed(d, b, d->r.buf + d->r.pos, n) == -1)
			return (-1);
		d->r.pos += n;
		*got += n;
	}
	return (0);
}

/*
 * Parse a chunk-size line (RFC 9112 section 7.1) of len bytes: 1*HEXDIG,
 * then optional whitespace and chunk extensions.  Returns 0 or -1.
 */
static int
chunk_size(const uint8_t *p, size_t len, uint64_t *size)
{
	size_t	 i;
	int	 x;

	*size = 0;
	for (i = 0; i < len; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			x = p[i] - '0';
		else if (p[i] >= 'a' && p[i] <= 'f')
			x = p[i] - 'a' + 10;
		else if (p[i] >= 'A' && p[i] <= 'F')
			x = p[i] - 'A' + 10;
		else
			break;
		if (*size > (CL_MAX >> 4))
			return (-1);
		*size = *size << 4 | (uint64_t)x;
	}
	if (i == 0)
		return (-1);
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i < len && p[i] != ';' && p[i] != '\r' && p[i] != '\n')
		return (-1);
	return (0);
}

/* Append to a marker, clipping at its end. */
static void
mk_add(char *mk, size_t size, const char *fmt, ...)
{
	size_t	 have;
	va_list	 ap;

	have = strlen(mk);
	va_start(ap, fmt);
	vsnprintf(mk + have, size - have, fmt, ap);
	va_end(ap);
}

/* Write the "[body: ...]" line for a finished body at output offset off. */
static int
body_marker(struct dec *d, const struct ui_http_msg *m, const struct head *h,
    const struct body *b, uint64_t wire, uint64_t off)
{
	char	 mk[MARKER_W];
	size_t	 n;

	mk[0] = '\0';
	mk_add(mk, sizeof mk, "[body: %llu bytes%s", (unsigned long long)wire,
	    m->framing == UI_HTTP_CHUNKED ? " chunked" :
	    m->framing == UI_HTTP_CLOSE ? " until end of stream" : "");
	if (h->codings[0] != '\0')
		mk_add(mk, sizeof mk, ", %s", h->codings);
	if (b->coding == C_OTHER)
		mk_add(mk, sizeof mk, " (not decoded)");
	else if (m->framing == UI_HTTP_CHUNKED || b->coding != C_IDENTITY)
		mk_add(mk, sizeof mk, " -> %llu bytes",
		    (unsigned long long)b->out);
	if (b->flags & UI_HTTP_F_INCOMPLETE)
		mk_add(mk, sizeof mk, ", stream ends early");
	if (b->flags & UI_HTTP_F_TRUNCATED)
		mk_add(mk, sizeof mk, ", truncated");
	if (b->flags & UI_HTTP_F_CORRUPT)
		mk_add(mk, sizeof mk, ", corrupt");
	n = strlen(mk);
	if (n > sizeof mk - 2)
		n = sizeof mk - 2;
	mk[n++] = ']';
	while (n < sizeof mk - 1)
		mk[n++] = ' ';
	mk[n++] = '\n';
	return (wr_patch(d, off, mk, n));
}

/* The trailer section after the last chunk (RFC 9112 section 7.1.2). */
static int
trailers(struct dec *d, struct ui_http_msg *m)
{
	const uint8_t	*p, *c;
	size_t		 len;
	int		 rc, first = 1;

	for (;;) {
		if ((rc = find_line(d, BUFSZ, &len)) == -1)
			return (-1);
		if (rc == 0) {
			if (rd_avail(d) == 0) {
				m->flags |= UI_HTTP_F_INCOMPLETE;
				return (0);
			}
			d->stop_why = rd_avail(d) >= BUFSZ ?
			    "trailer field longer than 64 KiB" :
			    "stream ends inside the trailer section";
			return (1);
		}
		p = d->r.buf + d->r.pos;
		if (len == 1 || (len == 2 && p[0] == '\r')) {
			d->r.pos += len;
			return (0);
		}
		for (c = p; c < p + len && is_tchar(*c); c++)
			continue;
		if (c == p || *c != ':') {
			d->stop_why = "malformed trailer field";
			return (1);
		}
		if ((first && wr_printf(d, "[trailer fields]\n") == -1) ||
		    wr_put(d, p, len) == -1)
			return (-1);
		first = 0;
		d->r.pos += len;
	}
}

/*
 * Decode the body of m at the cursor.  Returns 0, 1 when decoding must
 * stop at the cursor (reason in d->stop_why), -1 on an I/O error.
 */
static int
body_run(struct dec *d, struct ui_http_msg *m, struct head *h)
{
	struct body	 b;
	uint64_t	 start, mk_off, got, size;
	size_t		 len;
	char		 pad[MARKER_W];
	int		 rc, exact, last_chunk = 0, ret = 0;

	memset(&b, 0, sizeof b);
	start = rd_off(d);
	if (h->ncodings > 1)
		b.coding = C_OTHER;
	else if (h->ncodings == 1)
		b.coding = h->coding;
	if (m->framing == UI_HTTP_LENGTH) {
		b.clen = h->cl;
		if (h->cl == 0)
			return (0);
	}
	if (m->framing == UI_HTTP_CLOSE) {
		if (rd_want(d, 1) == -1)
			return (-1);
		if (rd_avail(d) == 0)
			return (0);
	}
	if (b.coding == C_OTHER)
		b.flags |= UI_HTTP_F_UNDECODED;

	/* The marker goes first; its numbers are filled in at the end. */
	mk_off = wr_off(d);
	exact = m->framing == UI_HTTP_LENGTH && b.coding == C_IDENTITY &&
	    h->cl <= d->r.raw_len - start;
	if (exact) {
		if (wr_printf(d, "[body: %llu bytes]\n",
		    (unsigned long long)h->cl) == -1)
			return (-1);
	} else {
		memset(pad, ' ', sizeof pad - 1);
		pad[sizeof pad - 1] = '\n';
		if (wr_put(d, pad, sizeof pad) == -1)
			return (-1);
	}
	m->body_out_off = wr_off(d);
	if (b.coding == C_GZIP && body_zinit(d, &b, 1) == -1)
		return (-1);
	if (b.coding == C_DEFLATE)
		b.zs = Z_DETECT;

	switch (m->framing) {
	case UI_HTTP_LENGTH:
	case UI_HTTP_CLOSE:
		if (body_pass(d, &b, m->framing == UI_HTTP_LENGTH ? h->cl :
		    UINT64_MAX, &got) == -1)
			goto fail;
		if (m->framing == UI_HTTP_LENGTH && got < h->cl)
			b.flags |= UI_HTTP_F_INCOMPLETE;
		break;
	case UI_HTTP_CHUNKED:
		for (;;) {
			if ((rc = find_line(d, LINE_MAX_CHUNK, &len)) == -1)
				goto fail;
			if (rc == 0) {
				if (rd_avail(d) == 0) {
					b.flags |= UI_HTTP_F_INCOMPLETE;
					break;
				}
				d->stop_why = rd_avail(d) >= LINE_MAX_CHUNK ?
				    "chunk size line too long" :
				    "stream ends inside a chunk size line";
				ret = 1;
				break;
			}
			if (chunk_size(d->r.buf + d->r.pos, len, &size) == -1) {
				d->stop_why = "malformed chunk size line";
				ret = 1;
				break;
			}
			d->r.pos += len;
			if (size == 0) {
				last_chunk = 1;
				break;
			}
			if (body_pass(d, &b, size, &got) == -1)
				goto fail;
			if (got < size) {
				b.flags |= UI_HTTP_F_INCOMPLETE;
				break;
			}
			if (rd_want(d, 2) == -1)
				goto fail;
			len = rd_avail(d);
			if (len >= 1 && d->r.buf[d->r.pos] == '\n')
				d->r.pos += 1;
			else if (len >= 2 && d->r.buf[d->r.pos] == '\r' &&
			    d->r.buf[d->r.pos + 1] == '\n')
				d->r.pos += 2;
			else if (len == 0) {
				b.flags |= UI_HTTP_F_INCOMPLETE;
				break;
			} else {
				d->stop_why = "no line end after chunk data";
				ret = 1;
				break;
			}
		}
		break;
	default:
		break;
	}

	/* Finish: a deflate body too short to tell its kind is raw. */
	if (b.zs == Z_DETECT && b.nzhdr > 0) {
		if (body_zinit(d, &b, 0) == -1)
			goto fail;
		if (b.zs == Z_ACTIVE &&
		    body_inflate(d, &b, b.zhdr, b.nzhdr) == -1)
			goto fail;
	}
	if (b.zs == Z_ACTIVE && !(b.flags & UI_HTTP_F_INCOMPLETE) &&
	    ret == 0) {
		b.flags |= UI_HTTP_F_CORRUPT;
		if (wr_printf(d, "\n[compressed data ends early]\n") == -1)
			goto fail;
	}
	if (b.zlive)
		inflateEnd(&d->z);
	b.zlive = 0;
	m->body_out_len = wr_off(d) - m->body_out_off;
	m->body_raw_len = rd_off(d) - start;
	if (m->body_out_len > 0 && d->w.last != '\n' &&
	    wr_put(d, "\n", 1) == -1)
		return (-1);
	if ((b.flags & UI_HTTP_F_TRUNCATED) && wr_printf(d,
	    "[... truncated: decoded body capped at %llu bytes]\n",
	    (unsigned long long)b.out) == -1)
		return (-1);
	if (b.trailing > 0 && wr_printf(d, "[%llu bytes after the end of the "
	    "compressed data not shown]\n",
	    (unsigned long long)b.trailing) == -1)
		return (-1);
	if (!exact && body_marker(d, m, h, &b, m->body_raw_len, mk_off) == -1)
		return (-1);
	m->flags |= b.flags;
	if (last_chunk && ret == 0)
		ret = trailers(d, m);
	return (ret);

fail:
	if (b.zlive)
		inflateEnd(&d->z);
	return (-1);
}

/* Copy the empty lines a peer may send between messages (RFC 9112 2.2). */
static int
skip_blank(struct dec *d)
{
	const uint8_t	*p;
	size_t		 n;

	for (;;) {
		if (rd_want(d, 2) == -1)
			return (-1);
		p = d->r.buf + d->r.pos;
		if (rd_avail(d) >= 1 && p[0] == '\n')
			n = 1;
		else if (rd_avail(d) >= 2 && p[0] == '\r' && p[1] == '\n')
			n = 2;
		else
			return (0);
		if (wr_put(d, p, n) == -1)
			return (-1);
		d->r.pos += n;
	}
}

/* Body framing of a parsed message (RFC 9112 section 6.3), or NULL. */
static const char *
framing(struct dec *d, struct ui_http_msg *m, const struct head *h)
{
	const char	*meth = "GET";

	if (m->is_request) {
		if (h->has_te) {
			if (!h->te_chunked_last)
				return ("request with Transfer-Encoding "
				    "but not chunked");
			m->framing = UI_HTTP_CHUNKED;
		} else if (h->has_cl) {
			if (h->cl_bad)
				return ("invalid Content-Length");
			m->framing = UI_HTTP_LENGTH;
		} else
			m->framing = UI_HTTP_NOBODY;
		return (NULL);
	}
	if (m->status < 100)
		return ("invalid status code");
	if (m->status >= 200) {
		/* Interim (1xx) responses answer no request of their own. */
		if (d->midx < d->nmethods && d->methods != NULL &&
		    d->methods[d->midx] != NULL)
			meth = d->methods[d->midx];
		d->midx++;
	}
	if (m->status == 101)
		m->framing = UI_HTTP_TUNNEL;
	else if (m->status < 200 || m->status == 204 || m->status == 304 ||
	    strcmp(meth, "HEAD") == 0)
		m->framing = UI_HTTP_NOBODY;
	else if (strcmp(meth, "CONNECT") == 0 && m->status < 300)
		m->framing = UI_HTTP_TUNNEL;
	else if (h->has_te)
		m->framing = h->te_chunked_last ? UI_HTTP_CHUNKED :
		    UI_HTTP_CLOSE;
	else if (h->has_cl) {
		if (h->cl_bad)
			return ("invalid Content-Length");
		m->framing = UI_HTTP_LENGTH;
	} else
		m->framing = UI_HTTP_CLOSE;
	return (NULL);
}

/* Add m to the list (the caller checked the cap). */
static void
msg_add(struct dec *d, const struct ui_http_msg *m)
{
	size_t	 ncap;

	if (d->nmsgs == d->cap) {
		ncap = d->cap == 0 ? 16 : d->cap * 2;
		if (ncap > UI_HTTP_MAX_MSGS)
			ncap = UI_HTTP_MAX_MSGS;
		d->msgs = xreallocarray(d->msgs, ncap, sizeof *d->msgs);
		d->cap = ncap;
	}
	d->msgs[d->nmsgs++] = *m;
}

/*
 * Decode one message at the cursor.  Returns 0 to go on, 1 when the rest
 * was copied raw, 2 when the first message is not HTTP (nothing written),
 * -1 on an I/O error.
 */
static int
message(struct dec *d)
{
	struct ui_http_msg	 m;
	struct head		 h;
	const uint8_t		*p, *nl;
	const char		*why;
	size_t			 hlen = 0, llen;
	int			 rc, first;

	memset(&m, 0, sizeof m);
	memset(&h, 0, sizeof h);
	first = d->kind == K_UNKNOWN;
	m.raw_off = rd_off(d);
	if ((rc = find_head(d, &hlen)) == -1)
		return (-1);
	p = d->r.buf + d->r.pos;
	if (rc == 0) {
		nl = memchr(p, '\n', rd_avail(d));
		llen = nl != NULL ? (size_t)(nl - p) : rd_avail(d);
		if (llen > 0 && p[llen - 1] == '\r' && nl != NULL)
			llen--;
		if (first && !parse_start(p, llen, nl != NULL, &m))
			return (2);
		return (stop(d, rd_avail(d) >= BUFSZ ?
		    "header section longer than 64 KiB" :
		    "stream ends inside a header section"));
	}
	nl = memchr(p, '\n', hlen);	/* found: hlen ends with one */
	llen = (size_t)(nl - p);
	if (llen > 0 && p[llen - 1] == '\r')
		llen--;
	if (!parse_start(p, llen, 1, &m))
		return (first ? 2 : stop(d, "not an HTTP/1.x message"));
	if (first)
		d->kind = m.is_request ? K_REQUEST : K_RESPONSE;
	else if ((d->kind == K_REQUEST) != m.is_request)
		return (stop(d, m.is_request ? "request among responses" :
		    "response among requests"));
	llen = (size_t)(nl - p) + 1;
	if (parse_fields(p + llen, hlen - llen, &h, &why) == -1)
		return (stop(d, why));
	if ((why = framing(d, &m, &h)) != NULL)
		return (stop(d, why));
	memcpy(m.coding, h.codings, sizeof m.coding);

	m.out_off = wr_off(d);
	if (wr_put(d, p, hlen) == -1)
		return (-1);
	d->r.pos += hlen;
	rc = 0;
	if (m.framing == UI_HTTP_TUNNEL) {
		if (wr_printf(d, "[%s: the rest is not HTTP, copied raw]\n",
		    m.status == 101 ? "protocol switched" : "tunnel") == -1)
			return (-1);
		if (copy_rest(d) == -1)
			return (-1);
		/* The tunnelled bytes count as part of this message. */
		m.raw_len = rd_off(d) - m.raw_off;
		m.out_len = wr_off(d) - m.out_off;
		msg_add(d, &m);
		return (1);
	}
	if (m.framing != UI_HTTP_NOBODY && (rc = body_run(d, &m, &h)) == -1)
		return (-1);
	m.raw_len = rd_off(d) - m.raw_off;
	m.out_len = wr_off(d) - m.out_off;
	msg_add(d, &m);
	if (rc == 1)
		return (stop(d, d->stop_why));
	return (0);
}

/* Decode one direction of an HTTP/1.x connection into out_fd. */
int
ui_http_decode(ui_http_read_fn read, void *arg, uint64_t raw_len,
    int out_fd, const char *const *request_methods, size_t nmethods,
    struct ui_http_msg **msgs, size_t *nmsgs, char *err, size_t errlen)
{
	struct dec	 d;
	off_t		 end;
	int		 rc = 0;

	*msgs = NULL;
	*nmsgs = 0;
	if (raw_len == 0) {
		snprintf(err, errlen, "not HTTP");
		return (-1);
	}
	if ((end = lseek(out_fd, 0, SEEK_END)) == -1) {
		snprintf(err, errlen, "output: %s", strerror(errno));
		return (-1);
	}
	memset(&d, 0, sizeof d);
	d.r.read = read;
	d.r.arg = arg;
	d.r.raw_len = raw_len;
	d.r.buf = xmalloc(BUFSZ);
	d.w.fd = out_fd;
	d.w.off = (uint64_t)end;
	d.w.buf = xmalloc(BUFSZ);
	d.w.last = '\n';
	d.zout = xmalloc(BUFSZ);
	d.methods = request_methods;
	d.nmethods = request_methods != NULL ? nmethods : 0;

	for (;;) {
		if (d.kind != K_UNKNOWN && (rc = skip_blank(&d)) == -1)
			break;
		if ((rc = rd_want(&d, 1)) == -1 || rd_avail(&d) == 0)
			break;
		if (d.nmsgs >= UI_HTTP_MAX_MSGS) {
			rc = stop(&d, "too many messages");
			break;
		}
		if ((rc = message(&d)) != 0)
			break;
	}
	if (rc == 0 && d.kind == K_UNKNOWN)
		rc = 2;		/* shorter than announced: empty */
	if (rc >= 0 && wr_flush(&d) == -1)
		rc = -1;
	if (rc == 2)
		snprintf(err, errlen, "not HTTP");
	else if (rc == -1)
		snprintf(err, errlen, "%s: %s", d.ioerr < 0 ? "read" : "write",
		    strerror(d.saved_errno));
	free(d.r.buf);
	free(d.w.buf);
	free(d.zout);
	if (rc == 2 || rc == -1) {
		free(d.msgs);
		return (-1);
	}
	*msgs = d.msgs;
	*nmsgs = d.nmsgs;
	return (0);
}

/* Pointers to the methods of the requests among msgs (array is malloc'ed). */
const char **
ui_http_methods(const struct ui_http_msg *msgs, size_t nmsgs,
    size_t *nmethods)
{
	const char	**v;
	size_t		 i, n = 0;

	v = xreallocarray(NULL, nmsgs > 0 ? nmsgs : 1, sizeof *v);
	for (i = 0; i < nmsgs; i++)
		if (msgs[i].is_request)
			v[n++] = msgs[i].method;
	*nmethods = n;
	return (v);
}
