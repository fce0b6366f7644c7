/*
 * test-ui-http.c: the HTTP view decoder (ui/ui-http.c) on crafted
 * directions: chunked + gzip, Content-Length, keep-alive, replies without
 * a body (HEAD, 1xx, 204, 304), deflate with and without the zlib wrapper,
 * corrupt gzip, the decompression-bomb cap, br left alone, trailers,
 * malformed framing, a sample cut at every length, not HTTP, read errors.
 * Compressed test bodies are made here with zlib's deflate.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ui-http.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "tap.h"

/* A direction in memory; fail_at >= 0 makes reads from there fail. */
struct src {
	const uint8_t	*p;
	size_t		 len;
	long long	 fail_at;
};

/* One decode's result. */
struct res {
	int		 rc;
	char		 err[128];
	char		*out;		/* decoded text, NUL-ended */
	size_t		 outlen;
	struct ui_http_msg *msgs;
	size_t		 nmsgs;
};

static ssize_t
src_read(void *arg, uint64_t off, uint8_t *buf, size_t len)
{
	struct src	*s = arg;

	if (s->fail_at >= 0 && off + len > (uint64_t)s->fail_at) {
		errno = EIO;
		return (-1);
	}
	if (off >= s->len)
		return (0);
	if (len > s->len - off)
		len = s->len - (size_t)off;
	memcpy(buf, s->p + off, len);
	return ((ssize_t)len);
}

/* Decode p[0..len) into a fresh temporary file; read the output back. */
static void
run(struct res *r, const void *p, size_t len, const char *const *meth,
    size_t nmeth, long long fail_at)
{
	struct src	 s = { p, len, fail_at };
	char		 path[] = "/tmp/test-ui-http.XXXXXX";
	off_t		 end;
	int		 fd;

	memset(r, 0, sizeof *r);
	if ((fd = mkstemp(path)) == -1) {
		perror("mkstemp");
		exit(99);
	}
	unlink(path);
	/* Something already in the spool: output must go after it. */
	if (write(fd, "PRE\n", 4) != 4)
		exit(99);
	r->rc = ui_http_decode(src_read, &s, len, fd, meth, nmeth, &r->msgs,
	    &r->nmsgs, r->err, sizeof r->err);
	end = lseek(fd, 0, SEEK_END);
	r->outlen = end > 4 ? (size_t)end - 4 : 0;
	r->out = calloc(1, r->outlen + 1);
	if (r->out == NULL ||
	    pread(fd, r->out, r->outlen, 4) != (ssize_t)r->outlen)
		exit(99);
	close(fd);
}

static void
res_free(struct res *r)
{
	free(r->out);
	free(r->msgs);
}

/* Compress with deflate: kind 0 raw, 1 zlib, 2 gzip; caller frees. */
static uint8_t *
squeeze(const void *p, size_t len, int kind, size_t *outlen)
{
	z_stream	 z;
	uint8_t		*out;
	size_t		 cap;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 9, Z_DEFLATED, kind == 0 ? -15 : kind == 1 ? 15 :
	    15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		exit(99);
	cap = deflateBound(&z, len) + 64;
	if ((out = malloc(cap)) == NULL)
		exit(99);
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		exit(99);
	*outlen = z.total_out;
	deflateEnd(&z);
	return (out);
}

/* A growing byte buffer for building directions. */
struct buf {
	uint8_t	*p;
	size_t	 len;
};

static void
put(struct buf *b, const void *p, size_t len)
{
	if ((b->p = realloc(b->p, b->len + len + 1)) == NULL)
		exit(99);
	memcpy(b->p + b->len, p, len);
	b->len += len;
}

static void
puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* Append p as chunks of at most size bytes, then the last chunk. */
static void
put_chunked(struct buf *b, const uint8_t *p, size_t len, size_t size,
    const char *trailer)
{
	char	 line[32];
	size_t	 n;

	for (; len > 0; p += n, len -= n) {
		n = len < size ? len : size;
		snprintf(line, sizeof line, "%zx;ext=1\r\n", n);
		puts_(b, line);
		put(b, p, n);
		puts_(b, "\r\n");
	}
	puts_(b, "0\r\n");
	puts_(b, trailer);
	puts_(b, "\r\n");
}

static bool
has(const struct res *r, const char *s)
{
	return (memmem(r->out, r->outlen, s, strlen(s)) != NULL);
}

static const char text[] =
    "<html><body>Hello, decoded world! Hello, decoded world!</body></html>\n";

static void
test_chunked_gzip(void)
{
	struct buf	 b = { 0 };
	struct res	 r;
	uint8_t		*gz;
	size_t		 gzlen;
	char		 mk[128];

	static const char hdr[] = "HTTP/1.1 200 OK\r\n"
	    "Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n";
	static const char trl[] = "X-Check: 1\r\n";

	gz = squeeze(text, strlen(text), 2, &gzlen);
	puts_(&b, hdr);
	put_chunked(&b, gz, gzlen, 7, trl);
	run(&r, b.p, b.len, NULL, 0, -1);
	tap_is_int(r.rc, 0, "chunked+gzip: decodes");
	tap_is_int((long long)r.nmsgs, 1, "chunked+gzip: one message");
	tap_ok(has(&r, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"),
	    "chunked+gzip: headers copied as they are");
	tap_ok(has(&r, text), "chunked+gzip: body inflated inline");
	snprintf(mk, sizeof mk, "[body: %zu bytes chunked, gzip -> %zu bytes]",
	    b.len - strlen(hdr) - strlen(trl) - 2, strlen(text));
	tap_ok(has(&r, mk), "chunked+gzip: marker '%s'", mk);
	tap_ok(has(&r, "[trailer fields]\nX-Check: 1\r\n"),
	    "chunked+gzip: trailer shown");
	if (r.nmsgs == 1) {
		tap_is_int((long long)r.msgs[0].raw_len, (long long)b.len,
		    "chunked+gzip: raw extent");
		tap_is_int((long long)r.msgs[0].body_out_len,
		    (long long)strlen(text), "chunked+gzip: body extent");
		tap_ok(memcmp(r.out + r.msgs[0].body_out_off - 4, text,
		    strlen(text)) == 0, "chunked+gzip: body_out_off");
		tap_is_int(r.msgs[0].framing, UI_HTTP_CHUNKED,
		    "chunked+gzip: framing");
		tap_is_str(r.msgs[0].coding, "gzip", "chunked+gzip: coding");
	}
	res_free(&r);
	free(gz);
	free(b.p);
}

static void
test_keepalive(void)
{
	static const char req[] =
	    "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
	    "POST /b HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
	    "\r\n"			/* stray CRLF between messages */
	    "HEAD /c HTTP/1.1\r\n\r\n"
	    "GET /d HTTP/1.1\r\n\r\n"
	    "GET /e HTTP/1.1\r\n\r\n";
	static const char resp[] =
	    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
	    "HTTP/1.1 100 Continue\r\n\r\n"
	    "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
	    "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"	/* HEAD */
	    "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n"
	    "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n"
	    "HTTP/1.0 200 OK\r\n\r\nuntil the end";
	struct res	 c, s;
	const char	**meth;
	size_t		 nmeth, i;

	run(&c, req, strlen(req), NULL, 0, -1);
	tap_is_int(c.rc, 0, "keep-alive: requests decode");
	tap_is_int((long long)c.nmsgs, 5, "keep-alive: five requests");
	tap_ok(has(&c, "[body: 5 bytes]\nhello\n"),
	    "keep-alive: request body with Content-Length");
	meth = ui_http_methods(c.msgs, c.nmsgs, &nmeth);
	tap_is_int((long long)nmeth, 5, "methods: five");
	tap_is_str(nmeth > 2 ? meth[2] : NULL, "HEAD", "methods: third HEAD");

	run(&s, resp, strlen(resp), meth, nmeth, -1);
	tap_is_int(s.rc, 0, "keep-alive: responses decode");
	tap_is_int((long long)s.nmsgs, 7, "keep-alive: seven responses");
	tap_ok(has(&s, "[body: 3 bytes]\nabc\nHTTP/1.1 100"),
	    "keep-alive: first body, newline added, next message follows");
	tap_ok(has(&s, "Content-Length: 1000\r\n\r\nHTTP/1.1 204"),
	    "HEAD: reply has no body despite Content-Length");
	tap_ok(has(&s, "Content-Length: 7\r\n\r\nHTTP/1.1 304"),
	    "204: no body");
	tap_ok(has(&s, "Content-Length: 9\r\n\r\nHTTP/1.0 200"),
	    "304: no body");
	tap_ok(has(&s, "[body: 13 bytes until end of stream"),
	    "no length: body until the end of the stream");
	tap_ok(has(&s, "until the end\n"), "until close: text");
	for (i = 0; i + 1 < s.nmsgs; i++)
		if (s.msgs[i].raw_off + s.msgs[i].raw_len >
		    s.msgs[i + 1].raw_off ||
		    s.msgs[i].out_off + s.msgs[i].out_len >
		    s.msgs[i + 1].out_off)
			break;
	tap_ok(s.nmsgs > 0 && i + 1 == s.nmsgs, "messages in order, apart");
	tap_ok(s.nmsgs > 0 && s.msgs[0].out_off == 4,
	    "output appended after what the spool held");
	tap_is_int(s.nmsgs > 1 ? s.msgs[1].status : 0, 100, "1xx status");
	free(meth);
	res_free(&c);
	res_free(&s);
}

static void
test_deflate(void)
{
	struct buf	 b = { 0 };
	struct res	 r;
	uint8_t		*raw, *zl;
	size_t		 rawlen, zllen;
	char		 hdr[128];

	raw = squeeze(text, strlen(text), 0, &rawlen);
	zl = squeeze(text, strlen(text), 1, &zllen);
	snprintf(hdr, sizeof hdr, "HTTP/1.1 200 OK\r\nContent-Encoding: "
	    "deflate\r\nContent-Length: %zu\r\n\r\n", rawlen);
	puts_(&b, hdr);
	put(&b, raw, rawlen);
	snprintf(hdr, sizeof hdr, "HTTP/1.1 200 OK\r\nContent-Encoding: "
	    "Deflate\r\nContent-Length: %zu\r\n\r\n", zllen);
	puts_(&b, hdr);
	put(&b, zl, zllen);
	run(&r, b.p, b.len, NULL, 0, -1);
	tap_is_int(r.rc, 0, "deflate: decodes");
	tap_is_int((long long)r.nmsgs, 2, "deflate: two messages");
	tap_ok(r.nmsgs == 2 && r.msgs[0].body_out_len == strlen(text) &&
	    memcmp(r.out + r.msgs[0].body_out_off - 4, text,
	    strlen(text)) == 0, "deflate: raw deflate inflated");
	tap_ok(r.nmsgs == 2 && r.msgs[1].body_out_len == strlen(text) &&
	    memcmp(r.out + r.msgs[1].body_out_off - 4, text,
	    strlen(text)) == 0, "deflate: zlib-wrapped inflated");
	tap_ok(r.nmsgs == 2 && !(r.msgs[0].flags & UI_HTTP_F_CORRUPT) &&
	    !(r.msgs[1].flags & UI_HTTP_F_CORRUPT), "deflate: not corrupt");
	res_free(&r);
	free(raw);
	free(zl);
	free(b.p);
}

static void
test_corrupt(void)
{
	struct buf	 b = { 0 };
	struct res	 r;
	uint8_t		*gz;
	size_t		 gzlen;
	char		 hdr[128];

	gz = squeeze(text, strlen(text), 2, &gzlen);
	gz[12] ^= 0xff;		/* inside the deflate data */
	gz[13] ^= 0x55;
	snprintf(hdr, sizeof hdr, "HTTP/1.1 200 OK\r\nContent-Encoding: "
	    "gzip\r\nContent-Length: %zu\r\n\r\n", gzlen);
	puts_(&b, hdr);
	put(&b, gz, gzlen);
	puts_(&b, "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope");
	run(&r, b.p, b.len, NULL, 0, -1);
	tap_is_int(r.rc, 0, "corrupt gzip: decodes");
	tap_ok(has(&r, "[decompression failed at offset "),
	    "corrupt gzip: note");
	tap_ok(r.nmsgs == 2 && (r.msgs[0].flags & UI_HTTP_F_CORRUPT),
	    "corrupt gzip: flagged");
	tap_ok(has(&r, ", corrupt]"), "corrupt gzip: marker says so");
	tap_ok(has(&r, "HTTP/1.1 404 Not Found\r\n") &&
	    has(&r, "[body: 4 bytes]\nnope\n"),
	    "corrupt gzip: next message still decoded");

	/* Truncated gzip with complete framing. */
	free(b.p);
	memset(&b, 0, sizeof b);
	gz[12] ^= 0xff;
	gz[13] ^= 0x55;
	snprintf(hdr, sizeof hdr, "HTTP/1.1 200 OK\r\nContent-Encoding: "
	    "gzip\r\nContent-Length: %zu\r\n\r\n", gzlen / 2);
	puts_(&b, hdr);
	put(&b, gz, gzlen / 2);
	res_free(&r);
	run(&r, b.p, b.len, NULL, 0, -1);
	tap_ok(r.rc == 0 && has(&r, "[compressed data ends early]"),
	    "short gzip: noted");
	res_free(&r);
	free(gz);
	free(b.p);
}

static void
test_bomb(void)
{
	struct buf	 b = { 0 };
	struct res	 r;
	uint8_t		*zeros, *gz;
	size_t		 n = 20u << 20, gzlen;
	char		 hdr[128];

	if ((zeros = calloc(1, n)) == NULL)
		exit(99);
	gz = squeeze(zeros, n, 2, &gzlen);
	snprintf(hdr, sizeof hdr, "HTTP/1.1 200 OK\r\nContent-Encoding: "
	    "gzip\r\nContent-Length: %zu\r\n\r\n", gzlen);
	puts_(&b, hdr);
	put(&b, gz, gzlen);
	puts_(&b, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	run(&r, b.p, b.len, NULL, 0, -1);
	tap_is_int(r.rc, 0, "bomb: decodes");
	tap_ok(r.nmsgs == 2 && (r.msgs[0].flags & UI_HTTP_F_TRUNCATED),
	    "bomb: flagged truncated");
	tap_ok(r.nmsgs == 2 && r.msgs[0].body_out_len ==
	    (gzlen * UI_HTTP_BODY_RATIO > UI_HTTP_BODY_FLOOR ?
	    gzlen * UI_HTTP_BODY_RATIO : UI_HTTP_BODY_FLOOR),
	    "bomb: capped at max(floor, %d x %zu raw bytes)",
	    UI_HTTP_BODY_RATIO, gzlen);
	tap_ok(has(&r, "[... truncated: decoded body capped at "),
	    "bomb: truncation note");
	tap_ok(has(&r, "[body: 2 bytes]\nok\n"), "bomb: next message decoded");
	res_free(&r);
	free(gz);
	free(zeros);
	free(b.p);
}

static void
test_other_codings(void)
{
	static const char br[] =
	    "HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n"
	    "Content-Length: 4\r\n\r\n\x8b\x01\x80\x03"
	    "HTTP/1.1 200 OK\r\nContent-Encoding: gzip, zstd\r\n"
	    "Content-Length: 3\r\n\r\nxyz";
	struct res	 r;

	run(&r, br, sizeof br - 1, NULL, 0, -1);
	tap_is_int(r.rc, 0, "br: decodes");
	tap_ok(has(&r, "[body: 4 bytes, br (not decoded)]"), "br: noted");
	tap_ok(has(&r, "\x8b\x01\x80\x03"), "br: body as it is");
	tap_ok(has(&r, "[body: 3 bytes, gzip,zstd (not decoded)]"),
	    "two codings: not decoded");
	tap_ok(r.nmsgs == 2 && (r.msgs[0].flags & UI_HTTP_F_UNDECODED),
	    "br: flagged");
	res_free(&r);
}

static void
test_malformed(void)
{
	static const char badchunk[] =
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "3\r\nabc\r\nzz\r\nrest";
	static const char badcl[] =
	    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
	    "HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\nabcd";
	static const char reqte[] =
	    "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nxx";
	static const char badfield[] =
	    "GET / HTTP/1.1\r\nHost x\r\n\r\n";
	struct res	 r;

	run(&r, badchunk, sizeof badchunk - 1, NULL, 0, -1);
	tap_ok(r.rc == 0 && has(&r, "[HTTP decoding stopped at offset 55: "
	    "malformed chunk size line]\nzz\r\nrest"),
	    "bad chunk size: stopped, rest raw");
	tap_ok(has(&r, "[body: 8 bytes chunked -> 3 bytes]"),
	    "bad chunk size: what was decoded is shown");
	res_free(&r);
	run(&r, badcl, sizeof badcl - 1, NULL, 0, -1);
	tap_ok(r.rc == 0 && r.nmsgs == 1 && has(&r, "[HTTP decoding stopped "
	    "at offset 43: invalid Content-Length]\nHTTP/1.1 200 OK\r\n"
	    "Content-Length: 3, 4"), "differing Content-Length: stopped");
	res_free(&r);
	run(&r, reqte, sizeof reqte - 1, NULL, 0, -1);
	tap_ok(r.rc == 0 && has(&r, "[HTTP decoding stopped at offset 0: "
	    "request with Transfer-Encoding but not chunked]\nPOST"),
	    "request TE without chunked: stopped");
	res_free(&r);
	run(&r, badfield, sizeof badfield - 1, NULL, 0, -1);
	tap_ok(r.rc == 0 && has(&r, "[HTTP decoding stopped at offset 0: "
	    "malformed header field]"), "field without colon: stopped");
	res_free(&r);
}

static void
test_cut(void)
{
	struct buf	 b = { 0 };
	struct res	 r;
	uint8_t		*gz;
	size_t		 gzlen, n, i, bad = 0;

	gz = squeeze(text, strlen(text), 2, &gzlen);
	puts_(&b, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
	    "Content-Encoding: gzip\r\n\r\n");
	put_chunked(&b, gz, gzlen, 16, "T: 1\r\n");
	puts_(&b, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
	for (n = 1; n <= b.len; n++) {
		run(&r, b.p, n, NULL, 0, -1);
		if (r.rc != 0)
			bad++;
		for (i = 0; i < r.nmsgs; i++)
			if (r.msgs[i].raw_off + r.msgs[i].raw_len > n ||
			    r.msgs[i].out_off + r.msgs[i].out_len >
			    r.outlen + 4)
				bad++;
		if (n < b.len && r.nmsgs > 0 &&
		    !(r.msgs[r.nmsgs - 1].flags & UI_HTTP_F_INCOMPLETE) &&
		    !has(&r, "[HTTP decoding stopped") && n != b.len - 43) {
			bad++;	/* a cut must show, except between messages */
			tap_diag("cut at %zu not shown", n);
		}
		res_free(&r);
	}
	if (!tap_ok(bad == 0, "cut at every length of %zu bytes", b.len))
		tap_diag("%zu problems", bad);
	free(gz);
	free(b.p);
}

static void
test_not_http(void)
{
	static const char ssh[] = "SSH-2.0-OpenSSH_9.6\r\n";
	static const char tls[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03";
	static const char v2[] = "GET / HTTP/2.0\r\n\r\n";
	static const char ok[] = "GET / HTTP/1.1\r\n\r\n";
	struct res	 r;

	run(&r, ssh, sizeof ssh - 1, NULL, 0, -1);
	tap_ok(r.rc == -1 && strcmp(r.err, "not HTTP") == 0 && r.outlen == 0,
	    "SSH banner: not HTTP, nothing written");
	res_free(&r);
	run(&r, tls, sizeof tls - 1, NULL, 0, -1);
	tap_ok(r.rc == -1 && strcmp(r.err, "not HTTP") == 0,
	    "TLS: not HTTP");
	res_free(&r);
	run(&r, v2, sizeof v2 - 1, NULL, 0, -1);
	tap_ok(r.rc == -1, "HTTP/2.0 request line: not HTTP/1.x");
	res_free(&r);
	run(&r, "", 0, NULL, 0, -1);
	tap_ok(r.rc == -1, "empty: not HTTP");
	res_free(&r);
	run(&r, ok, sizeof ok - 1, NULL, 0, 3);
	tap_ok(r.rc == -1 && strncmp(r.err, "read: ", 6) == 0,
	    "read error: reported (%s)", r.err);
	res_free(&r);
	run(&r, "HTTP/1.1 200 OK\r\n\r\n\x1b[2J", 23, NULL, 0, -1);
	tap_ok(r.rc == 0 && has(&r, "[body: 4 bytes until end of stream]"),
	    "control bytes in a body are passed to the pager as they are");
	res_free(&r);
}

int
main(void)
{
	tap_plan_none();
	test_chunked_gzip();
	test_keepalive();
	test_deflate();
	test_corrupt();
	test_bomb();
	test_other_codings();
	test_malformed();
	test_cut();
	test_not_http();
	return (tap_done());
}
