/*
 * flow-hint.c: guess what a TCP connection carries from the first payload
 * bytes of one direction, as a short printable text for the flow list.
 *
 * Invariants.  Every read of the payload goes through one struct cursor
 * (cursor.h) with explicit offsets checked against the bytes present, and
 * text recognisers look at no more than HINT_SCAN bytes, so a hostile or
 * truncated segment costs a bounded amount of work and can never be read
 * past.  Nothing allocates.  Everything written goes through struct
 * hint_buf, which stops at the length limit and turns any byte that is not
 * printable ASCII into '?': no hint can carry a control sequence, whatever
 * the packet or the strings given to flow_hint_merge contain.
 *
 * Each recogniser decides first and writes second, and returns whether it
 * recognised its protocol; flow_hint tries them in the order of the table
 * below (strong binary signatures first) and falls back to a port guess.
 * They do not trust from_client: a capture picked up mid-stream can get
 * the opener wrong, so it only breaks ties (which port is the service's).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "flow-hint.h"

#include <string.h>

#include "cursor.h"
#include "decode.h"
#include "escape.h"
#include "flow-name.h"

#define HINT_SCAN	2048	/* bytes a text recogniser looks at */
#define HINT_LINES	32	/* header lines searched for Host: */
#define HINT_MAXEXT	64	/* TLS extensions looked at */

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

struct hint_buf {
	char	*s;
	size_t	 cap;		/* characters that fit, NUL excluded */
	size_t	 n;
};

struct hint_ctx {
	uint16_t	 port;		/* the service's port, presumably */
	uint16_t	 other;
	bool		 from_client;
};

typedef bool	(*hint_fn)(const struct cursor *, const struct hint_ctx *,
		    struct hint_buf *);

static bool	hint_tls(const struct cursor *, const struct hint_ctx *,
		    struct hint_buf *);
static bool	hint_http2(const struct cursor *, const struct hint_ctx *,
		    struct hint_buf *);
static bool	hint_http_response(const struct cursor *,
		    const struct hint_ctx *, struct hint_buf *);
static bool	hint_http_request(const struct cursor *,
		    const struct hint_ctx *, struct hint_buf *);
static bool	hint_ssh(const struct cursor *, const struct hint_ctx *,
		    struct hint_buf *);
static bool	hint_reply_code(const struct cursor *, const struct hint_ctx *,
		    struct hint_buf *);
static bool	hint_pop_imap(const struct cursor *, const struct hint_ctx *,
		    struct hint_buf *);
static bool	hint_text_command(const struct cursor *,
		    const struct hint_ctx *, struct hint_buf *);
static bool	hint_imap_command(const struct cursor *,
		    const struct hint_ctx *, struct hint_buf *);
static bool	hint_redis(const struct cursor *, const struct hint_ctx *,
		    struct hint_buf *);
static bool	hint_pgsql(const struct cursor *, const struct hint_ctx *,
		    struct hint_buf *);
static bool	hint_mysql(const struct cursor *, const struct hint_ctx *,
		    struct hint_buf *);
static bool	hint_dns(const struct cursor *, const struct hint_ctx *,
		    struct hint_buf *);
static bool	hint_socks(const struct cursor *, const struct hint_ctx *,
		    struct hint_buf *);
static bool	hint_tpkt(const struct cursor *, const struct hint_ctx *,
		    struct hint_buf *);
static bool	hint_misc(const struct cursor *, const struct hint_ctx *,
		    struct hint_buf *);
static bool	hint_port(const struct hint_ctx *, struct hint_buf *);

/* Strong, binary signatures first; free text last. */
static const hint_fn recognisers[] = {
	hint_tls,
	hint_http2,
	hint_http_response,
	hint_http_request,
	hint_ssh,
	hint_pgsql,
	hint_mysql,
	hint_dns,
	hint_socks,
	hint_tpkt,
	hint_misc,
	hint_redis,
	hint_reply_code,
	hint_pop_imap,
	hint_text_command,
	hint_imap_command,
};

/* --- output ----------------------------------------------------------- */

static void
hb_init(struct hint_buf *b, char *out, size_t outlen)
{
	if (outlen > FLOW_HINT_LEN)
		outlen = FLOW_HINT_LEN;
	b->s = out;
	b->cap = outlen - 1;
	b->n = 0;
	out[0] = '\0';
}

static void
hb_reset(struct hint_buf *b)
{
	b->n = 0;
	b->s[0] = '\0';
}

/* Append one character, '?' unless printable; silently full. */
static void
hb_putc(struct hint_buf *b, int ch)
{
	if (b->n >= b->cap)
		return;
	b->s[b->n++] = escape_is_print((uint8_t)ch) ? (char)ch : '?';
	b->s[b->n] = '\0';
}

static void
hb_str(struct hint_buf *b, const char *s)
{
	while (*s != '\0' && b->n < b->cap)
		hb_putc(b, (uint8_t)*s++);
}

/* Append n payload bytes from offset off of c. */
static void
hb_wire(struct hint_buf *b, const struct cursor *c, size_t off, size_t n)
{
	size_t	 i;

	for (i = 0; i < n && b->n < b->cap; i++)
		hb_putc(b, cur_peek_u8(c, off + i));
}

static void
hb_uint(struct hint_buf *b, unsigned long v)
{
	char	 tmp[24];
	size_t	 i = sizeof(tmp);

	tmp[--i] = '\0';
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 && i > 0);
	hb_str(b, tmp + i);
}

/* Drop trailing spaces (a cut may end on one) and return the length. */
static size_t
hb_done(struct hint_buf *b)
{
	while (b->n > 0 && b->s[b->n - 1] == ' ')
		b->n--;
	b->s[b->n] = '\0';
	return (b->n);
}

/* --- reading ---------------------------------------------------------- */

static inline bool
is_digit(uint8_t ch)
{
	return (ch >= '0' && ch <= '9');
}

static inline bool
is_upper(uint8_t ch)
{
	return (ch >= 'A' && ch <= 'Z');
}

static inline bool
is_alpha(uint8_t ch)
{
	return (is_upper(ch) || (ch >= 'a' && ch <= 'z'));
}

static inline uint8_t
to_lower(uint8_t ch)
{
	return (is_upper(ch) ? (uint8_t)(ch + 'a' - 'A') : ch);
}

static inline uint8_t
to_upper(uint8_t ch)
{
	return (ch >= 'a' && ch <= 'z' ? (uint8_t)(ch - 'a' + 'A') : ch);
}

/* Byte at offset off, 0 if absent. */
static inline uint8_t
at(const struct cursor *c, size_t off)
{
	return (cur_peek_u8(c, off));
}

/* Where text recognisers stop looking. */
static inline size_t
scan_lim(const struct cursor *c)
{
	size_t	 left = cur_left(c);

	return (left < HINT_SCAN ? left : HINT_SCAN);
}

/* True if the bytes at off are lit (ASCII case folded if icase). */
static bool
has_lit(const struct cursor *c, size_t off, const char *lit, bool icase)
{
	size_t	 i, n;
	uint8_t	 x, y;

	n = strlen(lit);
	if (off > SIZE_MAX - n || !cur_has(c, off + n))
		return (false);
	for (i = 0; i < n; i++) {
		x = at(c, off + i);
		y = (uint8_t)lit[i];
		if (icase) {
			x = to_lower(x);
			y = to_lower(y);
		}
		if (x != y)
			return (false);
	}
	return (true);
}

/* True if the bytes at off are lit followed by space, CR, LF or the end. */
static bool
has_word(const struct cursor *c, size_t off, const char *lit)
{
	size_t	 n = strlen(lit);
	uint8_t	 ch;

	if (!has_lit(c, off, lit, true))
		return (false);
	if (!cur_has(c, off + n + 1))
		return (true);
	ch = at(c, off + n);
	return (ch == ' ' || ch == '\r' || ch == '\n');
}

/* Offset of the first CR or LF at or after off (the scan limit if none). */
static size_t
line_end(const struct cursor *c, size_t off)
{
	size_t	 lim = scan_lim(c);
	uint8_t	 ch;

	for (; off < lim; off++) {
		ch = at(c, off);
		if (ch == '\r' || ch == '\n')
			break;
	}
	return (off);
}

/* Start of the line after the one ending at le ("\r\n", "\n" or "\r"). */
static size_t
line_next(const struct cursor *c, size_t le)
{
	size_t	 lim = scan_lim(c);

	if (le < lim && at(c, le) == '\r')
		le++;
	if (le < lim && at(c, le) == '\n')
		le++;
	return (le);
}

/* True if lit occurs (case folded) within [s, e). */
static bool
span_has(const struct cursor *c, size_t s, size_t e, const char *lit)
{
	size_t	 n = strlen(lit);

	for (; s < e && e - s >= n; s++)
		if (has_lit(c, s, lit, true))
			return (true);
	return (false);
}

/* Append [s, e) without leading and trailing blanks. */
static void
hb_text(struct hint_buf *b, const struct cursor *c, size_t s, size_t e)
{
	while (s < e && (at(c, s) == ' ' || at(c, s) == '\t'))
		s++;
	while (e > s && (at(c, e - 1) == ' ' || at(c, e - 1) == '\t'))
		e--;
	if (e > s)
		hb_wire(b, c, s, e - s);
}

/* Offset of the NUL ending the string at off, looking at most max bytes. */
static bool
cstr_end(const struct cursor *c, size_t off, size_t max, size_t *end)
{
	size_t	 i;

	for (i = 0; i < max && cur_has(c, off + i + 1); i++) {
		if (at(c, off + i) == '\0') {
			*end = off + i;
			return (true);
		}
	}
	return (false);
}

/* --- TLS: RFC 8446 4.1.2-4.1.3, RFC 5246 7.4.1, RFC 6066 3, RFC 7301 --- */

/*
 *	record:    type(1)=22 version(2)=3.x length(2)
 *	handshake: type(1) length(3) body
 *	ClientHello body: version(2) random(32) session_id<0..32>
 *	    cipher_suites<2..2^16-2> compression<1..2^8-1> extensions<0..2^16-1>
 *	ServerHello body: version(2) random(32) session_id<0..32>
 *	    cipher_suite(2) compression(1) extensions<0..2^16-1>
 *	extension: type(2) length(2) data
 *	server_name (0): list<2> { name_type(1)=0 host_name<2> }
 *	ALPN (16): list<2> { protocol<1> }
 *	supported_versions (43), ServerHello: selected_version(2)
 *
 * A handshake message may continue in a later record; what is not in this
 * segment is simply not looked at (the child cursors are clamped), and a
 * name cut by the end of the segment is left out rather than shown wrong.
 */
#define TLS_HANDSHAKE		22
#define TLS_CCS			20
#define TLS_ALERT		21
#define TLS_APPDATA		23
#define TLS_CLIENT_HELLO	1
#define TLS_SERVER_HELLO	2
#define TLS_EXT_SNI		0
#define TLS_EXT_ALPN		16
#define TLS_EXT_VERSIONS	43

struct tls_info {
	struct cursor	 sni;		/* host name bytes, if has_sni */
	struct cursor	 alpn;		/* first protocol, if has_alpn */
	uint16_t	 version;	/* ServerHello's, 0 if unknown */
	bool		 has_sni;
	bool		 has_alpn;
};

static const char *
tls_version_name(uint16_t v)
{
	switch (v) {
	case 0x0300:
		return ("SSL3");
	case 0x0301:
		return ("TLS1.0");
	case 0x0302:
		return ("TLS1.1");
	case 0x0303:
		return ("TLS1.2");
	case 0x0304:
		return ("TLS1.3");
	default:
		if ((v & 0xff00) == 0x7f00)	/* TLS 1.3 drafts */
			return ("TLS1.3");
		return ("TLS");
	}
}

static void
tls_extensions(struct cursor *h, bool server, struct tls_info *ti)
{
	struct cursor	 ext, e, l;
	uint16_t	 type, elen, n;
	size_t		 i;
	bool		 cut;

	elen = cur_be16(h);
	ext = cur_sub(h, elen, NULL);
	for (i = 0; i < HINT_MAXEXT && cur_left(&ext) >= 4; i++) {
		type = cur_be16(&ext);
		elen = cur_be16(&ext);
		e = cur_sub(&ext, elen, NULL);
		(void)cur_skip(&ext, elen);	/* may end the loop */
		if (type == TLS_EXT_SNI && !server && !ti->has_sni) {
			n = cur_be16(&e);
			l = cur_sub(&e, n, NULL);
			while (cur_left(&l) >= 3) {
				if (cur_u8(&l) == 0) {	/* host_name */
					n = cur_be16(&l);
					ti->sni = cur_sub(&l, n, &cut);
					ti->has_sni = !cut &&
					    cur_left(&ti->sni) > 0;
					break;
				}
				n = cur_be16(&l);
				(void)cur_skip(&l, n);
			}
		} else if (type == TLS_EXT_ALPN && !ti->has_alpn) {
			n = cur_be16(&e);
			l = cur_sub(&e, n, NULL);
			n = cur_u8(&l);
			ti->alpn = cur_sub(&l, n, &cut);
			ti->has_alpn = !cut && cur_left(&ti->alpn) > 0;
		} else if (type == TLS_EXT_VERSIONS && server && elen == 2)
			ti->version = cur_be16(&e);
	}
}

static bool
hint_tls(const struct cursor *c0, const struct hint_ctx *ctx,
    struct hint_buf *b)
{
	struct cursor	 c = *c0, rec, hs;
	struct tls_info	 ti;
	uint8_t		 type, major, minor, htype;
	uint16_t	 rlen, version;
	uint32_t	 hlen;

	(void)ctx;
	type = cur_u8(&c);
	major = cur_u8(&c);
	minor = cur_u8(&c);
	rlen = cur_be16(&c);
	if (c.err || major != 3 || minor > 4 || rlen == 0 ||
	    rlen > 16384 + 2048)
		return (false);
	if (type == TLS_ALERT) {
		if (rlen != 2 && rlen < 16)	/* plain or encrypted alert */
			return (false);
		hb_str(b, "TLS alert");
		return (true);
	}
	if (type == TLS_CCS || type == TLS_APPDATA) {
		hb_str(b, "TLS");	/* picked up after the handshake */
		return (true);
	}
	if (type != TLS_HANDSHAKE)
		return (false);
	rec = cur_sub(&c, rlen, NULL);
	htype = cur_u8(&rec);
	hlen = (uint32_t)cur_u8(&rec) << 16;
	hlen |= cur_be16(&rec);
	if (rec.err) {
		/* Only the record header: still a fair signature. */
		hb_str(b, "TLS");
		return (true);
	}
	if (htype != TLS_CLIENT_HELLO && htype != TLS_SERVER_HELLO) {
		hb_str(b, "TLS");
		return (true);
	}
	hs = cur_sub(&rec, hlen, NULL);
	memset(&ti, 0, sizeof(ti));
	version = cur_be16(&hs);
	(void)cur_skip(&hs, 32);		/* random */
	(void)cur_skip(&hs, cur_u8(&hs));	/* session id */
	if (htype == TLS_CLIENT_HELLO) {
		(void)cur_skip(&hs, cur_be16(&hs));	/* cipher suites */
		(void)cur_skip(&hs, cur_u8(&hs));	/* compression */
		tls_extensions(&hs, false, &ti);
		hb_str(b, "TLS");
	} else {
		(void)cur_skip(&hs, 3);		/* cipher suite, compression */
		tls_extensions(&hs, true, &ti);
		if (ti.version == 0)
			ti.version = version;
		hb_str(b, tls_version_name(ti.version));
	}
	if (ti.has_alpn) {
		hb_putc(b, ' ');
		hb_wire(b, &ti.alpn, 0, cur_left(&ti.alpn));
	}
	if (ti.has_sni) {
		hb_putc(b, ' ');
		hb_wire(b, &ti.sni, 0, cur_left(&ti.sni));
	}
	return (true);
}

/* --- HTTP: RFC 9112 3 (request line), 4 (status line); RFC 9113 3.4 ---- */

static const char *const http_methods[] = {
	"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE",
	"CONNECT"
};

static bool
hint_http2(const struct cursor *c, const struct hint_ctx *ctx,
    struct hint_buf *b)
{
	(void)ctx;
	if (!has_lit(c, 0, "PRI * HTTP/2.0\r\n", false))
		return (false);
	hb_str(b, "HTTP/2");
	return (true);
}

/* "HTTP/1.1 200 OK" -> "HTTP 200" (RTSP alike). */
static bool
hint_http_response(const struct cursor *c, const struct hint_ctx *ctx,
    struct hint_buf *b)
{
	bool	 rtsp;

	(void)ctx;
	rtsp = has_lit(c, 0, "RTSP/1.", false);
	if (!rtsp && !has_lit(c, 0, "HTTP/1.", false))
		return (false);
	if (!is_digit(at(c, 7)) || at(c, 8) != ' ' || !is_digit(at(c, 9)) ||
	    !is_digit(at(c, 10)) || !is_digit(at(c, 11)))
		return (false);
	hb_str(b, rtsp ? "RTSP " : "HTTP ");
	hb_wire(b, c, 9, 3);
	return (true);
}

/* Value of the first Host: header after the request line ending at pos. */
static bool
http_find_host(const struct cursor *c, size_t pos, size_t *v0, size_t *v1)
{
	size_t	 le, i, nlines, next;

	for (nlines = 0; nlines < HINT_LINES; nlines++) {
		next = line_next(c, pos);
		if (next == pos)
			return (false);		/* segment ends in the header */
		pos = next;
		le = line_end(c, pos);
		if (le == pos)
			return (false);		/* empty line: header done */
		if (has_lit(c, pos, "host:", true)) {
			i = pos + 5;
			while (i < le && (at(c, i) == ' ' || at(c, i) == '\t'))
				i++;
			while (le > i &&
			    (at(c, le - 1) == ' ' || at(c, le - 1) == '\t'))
				le--;
			*v0 = i;
			*v1 = le;
			return (le > i);
		}
		pos = le;
	}
	return (false);
}

/*
 * "GET /x HTTP/1.1 ... Host: example.com" -> "HTTP GET example.com/x".
 * One of the methods above is enough; another upper-case token needs the
 * version after its target (WebDAV, RTSP).
 */
static bool
hint_http_request(const struct cursor *c, const struct hint_ctx *ctx,
    struct hint_buf *b)
{
	size_t	 m, i, le, t0, t1, h0, h1;
	bool	 known = false, rtsp;

	(void)ctx;
	for (m = 0; m < 16 && is_upper(at(c, m)); m++)
		;
	if (m == 0 || m == 16 || at(c, m) != ' ')
		return (false);
	for (i = 0; i < NITEMS(http_methods); i++)
		if (strlen(http_methods[i]) == m &&
		    has_lit(c, 0, http_methods[i], false))
			known = true;
	le = line_end(c, 0);
	t0 = m + 1;
	for (t1 = t0; t1 < le && at(c, t1) != ' '; t1++)
		;
	rtsp = has_lit(c, t1, " RTSP/1.", false);
	if (!known && !rtsp && !has_lit(c, t1, " HTTP/1.", false))
		return (false);
	hb_str(b, rtsp ? "RTSP " : "HTTP ");
	hb_wire(b, c, 0, m);
	if (t1 == t0)
		return (true);
	hb_putc(b, ' ');
	if (has_lit(c, t0, "http://", true) || has_lit(c, t0, "rtsp://", true))
		t0 += 7;	/* absolute form: the authority is in it */
	else if (has_lit(c, t0, "https://", true))
		t0 += 8;
	else if (at(c, t0) == '/' && http_find_host(c, le, &h0, &h1))
		hb_wire(b, c, h0, h1 - h0);
	if (t1 > t0)
		hb_wire(b, c, t0, t1 - t0);
	return (true);
}

/* --- SSH: RFC 4253 4.2 (lines before the banner are allowed) ---------- */

static bool
hint_ssh(const struct cursor *c, const struct hint_ctx *ctx,
    struct hint_buf *b)
{
	size_t	 pos = 0, le, next, n;

	(void)ctx;
	for (n = 0; n < 8; n++) {
		le = line_end(c, pos);
		if (has_lit(c, pos, "SSH-", false) && is_digit(at(c, pos + 4))) {
			hb_wire(b, c, pos, le - pos);
			return (true);
		}
		next = line_next(c, le);
		if (next == le)
			break;
		pos = next;
	}
	return (false);
}

/* --- SMTP (RFC 5321 4.2), FTP (RFC 959 4.2), NNTP replies ------------- */

static bool
port_is(uint16_t port, const uint16_t *list, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (list[i] == port)
			return (true);
	return (false);
}

static const uint16_t smtp_ports[] = { 25, 465, 587, 2525 };
static const uint16_t ftp_ports[] = { 21, 2121 };
static const uint16_t nntp_ports[] = { 119, 563 };

/*
 * "220 mail.example.com ESMTP Postfix" -> "SMTP mail.example.com ESMTP
 * Postfix".  The protocol comes from the banner words or the port; a 220
 * that says neither stays "220 ...", another code needs the port.
 */
static bool
hint_reply_code(const struct cursor *c, const struct hint_ctx *ctx,
    struct hint_buf *b)
{
	const char	*tag = NULL;
	size_t		 le;
	uint8_t		 sep;
	bool		 is220;

	if (!is_digit(at(c, 0)) || !is_digit(at(c, 1)) || !is_digit(at(c, 2)))
		return (false);
	sep = at(c, 3);
	if (sep != ' ' && sep != '-' && sep != '\r' && sep != '\n')
		return (false);
	if (at(c, 0) < '1' || at(c, 0) > '5')
		return (false);
	is220 = has_lit(c, 0, "220", false);
	le = line_end(c, 3);
	if (port_is(ctx->port, smtp_ports, NITEMS(smtp_ports)))
		tag = "SMTP";
	else if (port_is(ctx->port, ftp_ports, NITEMS(ftp_ports)))
		tag = "FTP";
	else if (port_is(ctx->port, nntp_ports, NITEMS(nntp_ports)))
		tag = "NNTP";
	else if (is220 && span_has(c, 3, le, "SMTP"))
		tag = "SMTP";
	else if (is220 && span_has(c, 3, le, "FTP"))
		tag = "FTP";
	else if (is220)
		tag = "220";
	else
		return (false);
	hb_str(b, tag);
	hb_putc(b, ' ');
	if (!is220) {
		hb_wire(b, c, 0, 3);
		hb_putc(b, ' ');
	}
	hb_text(b, c, 4, le);
	return (true);
}

/*
 * POP3 greeting (RFC 1939 4) "+OK text"; IMAP greeting (RFC 9051 7.1)
 * "* OK [CAPABILITY ...] text", whose bracketed code is skipped.
 */
static bool
hint_pop_imap(const struct cursor *c, const struct hint_ctx *ctx,
    struct hint_buf *b)
{
	size_t	 le, s, i;

	if (has_lit(c, 0, "+OK", false)) {
		le = line_end(c, 3);
		if (ctx->port != 110 && ctx->port != 995 &&
		    (ctx->port == 6379 || le == 3))
			return (false);		/* a Redis reply */
		hb_str(b, "POP3 ");
		hb_text(b, c, 3, le);
		return (true);
	}
	if (!has_lit(c, 0, "* OK", true) && !has_lit(c, 0, "* PREAUTH", true) &&
	    !has_lit(c, 0, "* BYE", true))
		return (false);
	le = line_end(c, 2);
	for (s = 2; s < le && at(c, s) != ' '; s++)
		;
	if (at(c, 2) == 'B' || at(c, 2) == 'b')
		s = 2;			/* keep the word BYE */
	while (s < le && at(c, s) == ' ')
		s++;
	if (at(c, s) == '[') {
		for (i = s; i < le && at(c, i) != ']'; i++)
			;
		if (i < le)
			s = i + 1;
	}
	hb_str(b, "IMAP ");
	hb_text(b, c, s, le);
	return (true);
}

/* First client commands of line protocols, with the argument shown. */
static const struct text_command {
	const char	*cmd;
	const char	*tag;
	bool		 arg;
} text_commands[] = {
	{ "EHLO",	"SMTP",	true },		/* RFC 5321 4.1.1.1 */
	{ "HELO",	"SMTP",	true },
	{ "LHLO",	"LMTP",	true },		/* RFC 2033 4.1 */
	{ "USER",	NULL,	true },		/* FTP, POP3 or IRC: port */
	{ "AUTH TLS",	"FTP",	false },	/* RFC 4217 4 */
	{ "AUTH SSL",	"FTP",	false },
	{ "CAPA",	"POP3",	false },	/* RFC 2449 5 */
	{ "STLS",	"POP3",	false },	/* RFC 2595 4 */
	{ "NICK",	"IRC",	true },		/* RFC 2812 3.1 */
	{ "CAP LS",	"IRC",	false },
};

static bool
hint_text_command(const struct cursor *c, const struct hint_ctx *ctx,
    struct hint_buf *b)
{
	const struct text_command	*tc;
	const char			*tag;
	size_t				 i, n, le;

	for (i = 0; i < NITEMS(text_commands); i++) {
		tc = &text_commands[i];
		if (!has_word(c, 0, tc->cmd))
			continue;
		if ((tag = tc->tag) == NULL) {
			if (ctx->port == 110)
				tag = "POP3";
			else if (ctx->port == 6667 || ctx->port == 6697)
				tag = "IRC";
			else
				tag = "FTP";
		}
		hb_str(b, tag);
		hb_putc(b, ' ');
		hb_str(b, tc->cmd);
		if (tc->arg) {
			n = strlen(tc->cmd);
			le = line_end(c, n);
			hb_putc(b, ' ');
			hb_text(b, c, n, le);
		}
		return (true);
	}
	return (false);
}

/* IMAP (RFC 9051 6): "a001 LOGIN ..." -> "IMAP LOGIN". */
static const char *const imap_commands[] = {
	"CAPABILITY", "LOGIN", "AUTHENTICATE", "STARTTLS", "ID", "NOOP",
	"ENABLE", "SELECT", "EXAMINE", "LIST"
};

static bool
hint_imap_command(const struct cursor *c, const struct hint_ctx *ctx,
    struct hint_buf *b)
{
	size_t	 t, i;
	uint8_t	 ch;

	(void)ctx;
	for (t = 0; t < 20; t++) {
		ch = at(c, t);
		if (!is_alpha(ch) && !is_digit(ch) && ch != '.')
			break;
	}
	if (t == 0 || t == 20 || at(c, t) != ' ')
		return (false);
	for (i = 0; i < NITEMS(imap_commands); i++) {
		if (has_word(c, t + 1, imap_commands[i])) {
			hb_str(b, "IMAP ");
			hb_str(b, imap_commands[i]);
			return (true);
		}
	}
	return (false);
}

/* --- Redis RESP (redis.io/docs/reference/protocol-spec) ---------------- */

/* "<lead><digits>\r\n" at *pos: value to *v, *pos past it. */
static bool
resp_number(const struct cursor *c, size_t *pos, uint8_t lead, size_t *v)
{
	size_t	 p = *pos, n = 0, d;

	if (at(c, p) != lead || !cur_has(c, p + 1))
		return (false);
	p++;
	for (d = 0; d < 9 && is_digit(at(c, p)); d++, p++)
		n = n * 10 + (size_t)(at(c, p) - '0');
	if (d == 0 || !has_lit(c, p, "\r\n", false))
		return (false);
	*pos = p + 2;
	*v = n;
	return (true);
}

static const char *const redis_errors[] = {
	"-ERR", "-NOAUTH", "-WRONGPASS", "-NOPERM", "-DENIED", "-WRONGTYPE"
};

/*
 * Client: "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n" -> "Redis GET key".
 * Server: an error that only Redis words that way, or any reply on 6379.
 */
static bool
hint_redis(const struct cursor *c, const struct hint_ctx *ctx,
    struct hint_buf *b)
{
	size_t	 pos = 0, count, clen, alen, i, avail;
	uint8_t	 ch;

	if (resp_number(c, &pos, '*', &count) && count >= 1 &&
	    count <= 1048576 && resp_number(c, &pos, '$', &clen) &&
	    clen >= 1 && clen <= 32 && cur_has(c, pos + clen)) {
		for (i = 0; i < clen; i++)
			if (!is_alpha(at(c, pos + i)))
				return (false);
		hb_str(b, "Redis ");
		for (i = 0; i < clen; i++)
			hb_putc(b, to_upper(at(c, pos + i)));
		pos += clen;
		if (count >= 2 && has_lit(c, pos, "\r\n", false)) {
			pos += 2;
			if (resp_number(c, &pos, '$', &alen)) {
				avail = cur_left(c) - pos;
				hb_putc(b, ' ');
				hb_wire(b, c, pos, alen < avail ? alen : avail);
			}
		}
		return (true);
	}
	for (i = 0; i < NITEMS(redis_errors); i++) {
		if (has_word(c, 0, redis_errors[i])) {
			hb_str(b, "Redis ");
			hb_text(b, c, 0, line_end(c, 0));
			return (true);
		}
	}
	if (has_lit(c, 0, "+PONG\r\n", false)) {
		hb_str(b, "Redis PONG");
		return (true);
	}
	ch = at(c, 0);
	if ((ctx->port == 6379 || (has_lit(c, 0, "+OK\r\n", false) &&
	    ctx->port != 110 && ctx->port != 995)) &&
	    cur_has(c, 1) && (ch == '+' || ch == '-' || ch == ':' ||
	    ch == '$' || ch == '*')) {
		hb_str(b, "Redis");
		return (true);
	}
	return (false);
}

/* --- PostgreSQL: protocol 3.0, "Message Formats" (StartupMessage) ------ */

#define PG_PROTO_30		0x00030000
#define PG_PROTO_32		0x00030002
#define PG_SSL_REQUEST		80877103
#define PG_GSSENC_REQUEST	80877104
#define PG_CANCEL_REQUEST	80877102

/*
 *	length(4, itself included) code(4) { name\0 value\0 }* \0
 */
static bool
hint_pgsql(const struct cursor *c0, const struct hint_ctx *ctx,
    struct hint_buf *b)
{
	struct cursor	 c = *c0, m;
	uint32_t	 len, code;
	size_t		 pos, k, v, i, user0 = 0, user1 = 0, db0 = 0, db1 = 0;

	(void)ctx;
	len = cur_be32(&c);
	code = cur_be32(&c);
	if (c.err)
		return (false);
	if (len == 8 && code == PG_SSL_REQUEST) {
		hb_str(b, "PostgreSQL SSLRequest");
		return (true);
	}
	if (len == 8 && code == PG_GSSENC_REQUEST) {
		hb_str(b, "PostgreSQL GSSENCRequest");
		return (true);
	}
	if (len == 16 && code == PG_CANCEL_REQUEST) {
		hb_str(b, "PostgreSQL CancelRequest");
		return (true);
	}
	if ((code != PG_PROTO_30 && code != PG_PROTO_32) || len < 9 ||
	    len > 10000)
		return (false);
	m = cur_sub(&c, len - 8, NULL);
	pos = 0;
	for (i = 0; i < 32; i++) {
		if (!cstr_end(&m, pos, 64, &k) || k == pos)
			break;
		if (!cstr_end(&m, k + 1, 256, &v))
			break;
		if (k - pos == 4 && has_lit(&m, pos, "user", false)) {
			user0 = k + 1;
			user1 = v;
		} else if (k - pos == 8 && has_lit(&m, pos, "database", false)) {
			db0 = k + 1;
			db1 = v;
		}
		pos = v + 1;
	}
	hb_str(b, "PostgreSQL");
	if (db1 > db0) {
		hb_str(b, " db=");
		hb_wire(b, &m, db0, db1 - db0);
	}
	if (user1 > user0) {
		hb_str(b, " user=");
		hb_wire(b, &m, user0, user1 - user0);
	}
	return (true);
}

/* --- MySQL: Protocol::HandshakeV10 ------------------------------------- */

/*
 *	payload_length(3, LE) sequence_id(1)=0 protocol_version(1)=10
 *	server_version(NUL-terminated) thread_id(4) ...
 */
static bool
hint_mysql(const struct cursor *c0, const struct hint_ctx *ctx,
    struct hint_buf *b)
{
	struct cursor	 c = *c0;
	uint32_t	 len;
	uint8_t		 seq, proto;
	size_t		 end, s, i;

	len = cur_u8(&c);
	len |= (uint32_t)cur_u8(&c) << 8;
	len |= (uint32_t)cur_u8(&c) << 16;
	seq = cur_u8(&c);
	proto = cur_u8(&c);
	if (c.err || seq != 0)
		return (false);
	if (proto == 0xff && len >= 3 && len < 1024 &&
	    (ctx->port == 3306 || ctx->port == 33060)) {
		/* An ERR packet instead of the greeting: error code (LE). */
		hb_str(b, "MySQL error ");
		hb_uint(b, (unsigned long)cur_le16(&c));
		return (true);
	}
	if (proto != 10 || len < 32 || len > 0xffff)
		return (false);
	if (!cstr_end(c0, 5, 64, &end) || end == 5 || end >= 4 + len ||
	    !is_digit(at(c0, 5)))
		return (false);
	for (i = 5; i < end; i++)
		if (!escape_is_print(at(c0, i)))
			return (false);
	s = 5;
	/* MariaDB prefixes its version with "5.5.5-" for old clients. */
	if (end - s > 6 && has_lit(c0, s, "5.5.5-", false))
		s += 6;
	hb_str(b, "MySQL ");
	hb_wire(b, c0, s, end - s);
	return (true);
}

/* --- DNS over TCP: RFC 1035 4.2.2 (length prefix), 4.1.1-4.1.2 --------- */

static const struct {
	uint16_t	 type;
	const char	*name;
} dns_types[] = {
	{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" }, { 12, "PTR" },
	{ 15, "MX" }, { 16, "TXT" }, { 28, "AAAA" }, { 33, "SRV" },
	{ 43, "DS" }, { 48, "DNSKEY" }, { 64, "SVCB" }, { 65, "HTTPS" },
	{ 251, "IXFR" }, { 252, "AXFR" }, { 255, "ANY" }, { 257, "CAA" },
};

static const char *const dns_rcodes[] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"
};

/* Walk (and with b, write) the name at off; *end is just past it. */
static bool
dns_name(const struct cursor *c, size_t off, struct hint_buf *b,
    size_t *end)
{
	size_t	 total = 0, nlab;
	uint8_t	 l;

	for (nlab = 0; nlab < 128; nlab++) {
		if (!cur_has(c, off + 1))
			return (false);
		l = at(c, off);
		if (l == 0) {
			if (b != NULL && nlab == 0)
				hb_putc(b, '.');
			*end = off + 1;
			return (true);
		}
		if (l > 63)	/* no compression in a first question */
			return (false);
		total += (size_t)l + 1;
		if (total > 255 || !cur_has(c, off + 1 + l))
			return (false);
		if (b != NULL) {
			if (nlab > 0)
				hb_putc(b, '.');
			hb_wire(b, c, off + 1, l);
		}
		off += 1 + (size_t)l;
	}
	return (false);
}

/*
 *	length(2) id(2) flags(2) qdcount(2) ancount(2) nscount(2) arcount(2)
 *	question: name type(2) class(2)
 * Query: "DNS A example.com"; response: "DNS NXDOMAIN example.com".
 */
static bool
hint_dns(const struct cursor *c0, const struct hint_ctx *ctx,
    struct hint_buf *b)
{
	struct cursor	 c = *c0;
	uint16_t	 mlen, flags, qd, an, ns, ar, qtype, qclass;
	size_t		 end, i;
	bool		 resp;

	(void)ctx;
	mlen = cur_be16(&c);
	(void)cur_be16(&c);	/* id */
	flags = cur_be16(&c);
	qd = cur_be16(&c);
	an = cur_be16(&c);
	ns = cur_be16(&c);
	ar = cur_be16(&c);
	if (c.err || mlen < 17 || qd != 1)
		return (false);
	resp = (flags & 0x8000) != 0;
	if (((flags >> 11) & 0xf) != 0 || (flags & 0x0040) != 0)
		return (false);		/* opcode QUERY, Z bit clear */
	if (!resp && (an != 0 || ns != 0 || ar > 2))
		return (false);
	if (!dns_name(c0, 14, NULL, &end) || !cur_has(c0, end + 4))
		return (false);
	qtype = cur_peek_be16(c0, end);
	qclass = cur_peek_be16(c0, end + 2);
	if (qtype == 0 || (qclass != 1 && qclass != 3 && qclass != 254 &&
	    qclass != 255))
		return (false);
	if ((size_t)mlen < end + 4 - 2)		/* question outside the message */
		return (false);
	if (!resp && ar == 0 && (size_t)mlen != end + 4 - 2)
		return (false);		/* a lone question fills its message */
	hb_str(b, "DNS ");
	if (resp) {
		if ((flags & 0xf) < NITEMS(dns_rcodes))
			hb_str(b, dns_rcodes[flags & 0xf]);
		else {
			hb_str(b, "RCODE");
			hb_uint(b, flags & 0xf);
		}
	} else {
		for (i = 0; i < NITEMS(dns_types); i++)
			if (dns_types[i].type == qtype)
				break;
		if (i < NITEMS(dns_types))
			hb_str(b, dns_types[i].name);
		else {
			hb_str(b, "TYPE");
			hb_uint(b, qtype);
		}
	}
	hb_putc(b, ' ');
	(void)dns_name(c0, 14, b, &end);
	return (true);
}

/* --- SOCKS: RFC 1928 3-4 (v5), SOCKS 4/4a ------------------------------ */

static const char *
socks_cmd(uint8_t cmd)
{
	switch (cmd) {
	case 1:
		return ("CONNECT");
	case 2:
		return ("BIND");
	case 3:
		return ("UDP");
	default:
		return (NULL);
	}
}

static void
hb_ipv4(struct hint_buf *b, const struct cursor *c, size_t off)
{
	size_t	 i;

	for (i = 0; i < 4; i++) {
		if (i > 0)
			hb_putc(b, '.');
		hb_uint(b, at(c, off + i));
	}
}

/* IPv6 text (RFC 5952, as inet_ntop; flow-name.c formats it). */
static void
hb_ipv6(struct hint_buf *b, const struct cursor *c, size_t off)
{
	uint8_t	 a[16];
	char	 t[48];
	size_t	 i;

	for (i = 0; i < 16; i++)
		a[i] = at(c, off + i);
	t[flow_addr_fmt(FS_AF_INET6, a, t)] = '\0';
	hb_str(b, t);
}

/* SOCKS5 request at off: VER CMD RSV ATYP DST.ADDR DST.PORT, all present. */
static bool
socks5_request(const struct cursor *c, size_t off, struct hint_buf *b)
{
	size_t	 alen;
	uint8_t	 atyp;

	if (at(c, off) != 5 || socks_cmd(at(c, off + 1)) == NULL ||
	    at(c, off + 2) != 0)
		return (false);
	atyp = at(c, off + 3);
	if (atyp == 1)
		alen = 4;
	else if (atyp == 4)
		alen = 16;
	else if (atyp == 3)
		alen = 1 + (size_t)at(c, off + 4);
	else
		return (false);
	if (cur_left(c) != off + 4 + alen + 2)
		return (false);
	if (b == NULL)
		return (true);
	hb_str(b, " ");
	hb_str(b, socks_cmd(at(c, off + 1)));
	hb_putc(b, ' ');
	if (atyp == 1)
		hb_ipv4(b, c, off + 4);
	else if (atyp == 3)
		hb_wire(b, c, off + 5, alen - 1);
	else {
		hb_putc(b, '[');
		hb_ipv6(b, c, off + 4);
		hb_putc(b, ']');
	}
	hb_putc(b, ':');
	hb_uint(b, cur_peek_be16(c, off + 4 + alen));
	return (true);
}

static bool
hint_socks(const struct cursor *c, const struct hint_ctx *ctx,
    struct hint_buf *b)
{
	size_t	 n, i, left, end, uend;
	uint8_t	 m;

	(void)ctx;
	left = cur_left(c);
	if (at(c, 0) == 5 && left >= 3) {
		/* Greeting: VER NMETHODS METHODS, maybe the request after. */
		n = at(c, 1);
		if (n == 0 || n > 16 || left < 2 + n)
			return (false);
		for (i = 0; i < n; i++) {
			m = at(c, 2 + i);
			if (m > 9 && m < 0x80)
				return (false);
		}
		if (left != 2 + n && !socks5_request(c, 2 + n, NULL))
			return (false);
		hb_str(b, "SOCKS5");
		if (left != 2 + n)
			(void)socks5_request(c, 2 + n, b);
		return (true);
	}
	if (at(c, 0) == 5 && left == 2 && (at(c, 1) <= 2 || at(c, 1) == 0xff)) {
		hb_str(b, "SOCKS5");	/* the server's method choice */
		return (true);
	}
	/* SOCKS4: VN=4 CD DSTPORT(2) DSTIP(4) USERID\0 [HOST\0 if 0.0.0.x] */
	if (at(c, 0) != 4 || socks_cmd(at(c, 1)) == NULL || at(c, 1) == 3 ||
	    left < 9 || !cstr_end(c, 8, 256, &uend))
		return (false);
	end = uend + 1;
	if (at(c, 4) == 0 && at(c, 5) == 0 && at(c, 6) == 0 && at(c, 7) != 0) {
		if (!cstr_end(c, end, 256, &uend))
			return (false);
		if (left != uend + 1)
			return (false);
		hb_str(b, "SOCKS4a ");
		hb_str(b, socks_cmd(at(c, 1)));
		hb_putc(b, ' ');
		hb_wire(b, c, end, uend - end);
	} else {
		if (left != end)
			return (false);
		hb_str(b, "SOCKS4 ");
		hb_str(b, socks_cmd(at(c, 1)));
		hb_putc(b, ' ');
		hb_ipv4(b, c, 4);
	}
	hb_putc(b, ':');
	hb_uint(b, cur_peek_be16(c, 2));
	return (true);
}

/* --- TPKT (RFC 1006 6) + X.224 (ISO 8073), RDP [MS-RDPBCGR] 2.2.1.1 ---- */

/*
 *	TPKT: version(1)=3 reserved(1)=0 length(2, header included)
 *	X.224 CR: LI(1) code(1)=0xE0 dst-ref(2) src-ref(2) class(1)
 *	    then RDP's "Cookie: mstshash=NAME\r\n" and RDP_NEG_REQ.
 *	X.224 CC: code 0xD0.
 */
static bool
hint_tpkt(const struct cursor *c, const struct hint_ctx *ctx,
    struct hint_buf *b)
{
	uint16_t	 tlen;
	uint8_t		 li, code;
	size_t		 le;
	bool		 rdp;

	if (at(c, 0) != 3 || at(c, 1) != 0 || !cur_has(c, 7))
		return (false);
	tlen = cur_peek_be16(c, 2);
	li = at(c, 4);
	code = at(c, 5) & 0xf0;
	if (tlen < 11 || li < 6 || (size_t)li + 5 > tlen)
		return (false);
	if (code != 0xe0 && code != 0xd0 && code != 0xf0)
		return (false);
	rdp = ctx->port == 3389 || ctx->other == 3389;
	if (code == 0xe0 && has_lit(c, 11, "Cookie: mstshash=", false)) {
		le = line_end(c, 28);
		hb_str(b, "RDP ");
		hb_text(b, c, 11 + 8, le);
		return (true);
	}
	if (code == 0xe0 && (size_t)li + 5 == 11 + 8 && at(c, 11) == 1)
		rdp = true;		/* a lone RDP_NEG_REQ */
	hb_str(b, rdp ? "RDP" : "TPKT X.224");
	return (true);
}

/* --- assorted fixed signatures ------------------------------------------ */

/*
 * SMB over NetBIOS session service (RFC 1002 4.3.1): type(1)=0 length(3)
 * then "\xffSMB" (SMB1), "\xfeSMB" (SMB2/3) or "\xfdSMB" (SMB3 transform).
 * Telnet option negotiation (RFC 854): IAC (WILL|WONT|DO|DONT) option.
 * BitTorrent handshake: 19 "BitTorrent protocol".  AMQP protocol header.
 * VNC (RFC 6143 7.1.1): "RFB 003.008\n".  MQTT 3.1.1 / 5 CONNECT (OASIS
 * 3.1): 0x10 remaining-length(1-4) 0x00 0x04 "MQTT" level.
 */
static bool
hint_misc(const struct cursor *c, const struct hint_ctx *ctx,
    struct hint_buf *b)
{
	size_t	 i;
	uint8_t	 x;

	(void)ctx;
	x = at(c, 4);
	if (at(c, 0) == 0 && cur_has(c, 8) && has_lit(c, 5, "SMB", false) &&
	    (x == 0xff || x == 0xfe || x == 0xfd)) {
		hb_str(b, x == 0xff ? "SMB1" : x == 0xfe ? "SMB2" :
		    "SMB3 encrypted");
		return (true);
	}
	if (at(c, 0) == 0xff && at(c, 1) >= 0xfb && at(c, 1) <= 0xfe &&
	    cur_has(c, 3)) {
		hb_str(b, "Telnet");
		return (true);
	}
	if (at(c, 0) == 19 && has_lit(c, 1, "BitTorrent protocol", false)) {
		hb_str(b, "BitTorrent");
		return (true);
	}
	if (has_lit(c, 0, "AMQP", false) && cur_has(c, 8)) {
		hb_str(b, "AMQP ");
		hb_uint(b, at(c, 5));
		hb_putc(b, '-');
		hb_uint(b, at(c, 6));
		hb_putc(b, '-');
		hb_uint(b, at(c, 7));
		return (true);
	}
	if (has_lit(c, 0, "RFB ", false) && is_digit(at(c, 4)) &&
	    has_lit(c, 11, "\n", false)) {
		hb_str(b, "VNC ");
		hb_wire(b, c, 0, 11);
		return (true);
	}
	if (at(c, 0) == 0x10) {
		for (i = 1; i < 5 && (at(c, i) & 0x80) != 0; i++)
			;
		if (i < 5 && at(c, i + 1) == 0 && at(c, i + 2) == 4 &&
		    has_lit(c, i + 3, "MQTT", false)) {
			hb_str(b, "MQTT");
			return (true);
		}
	}
	return (false);
}

/* --- the last resort: a well-known port --------------------------------- */

static const struct {
	uint16_t	 port;
	const char	*name;
} port_names[] = {
	{ 20, "ftp-data" }, { 21, "ftp" }, { 22, "ssh" }, { 23, "telnet" },
	{ 25, "smtp" }, { 53, "dns" }, { 80, "http" }, { 88, "kerberos" },
	{ 110, "pop3" }, { 111, "rpcbind" }, { 119, "nntp" }, { 139, "netbios" },
	{ 143, "imap" }, { 179, "bgp" }, { 389, "ldap" }, { 443, "https" },
	{ 445, "smb" }, { 465, "smtps" }, { 514, "rsh" }, { 587, "submission" },
	{ 631, "ipp" }, { 636, "ldaps" }, { 853, "dns-tls" }, { 873, "rsync" },
	{ 993, "imaps" }, { 995, "pop3s" }, { 1080, "socks" },
	{ 1433, "mssql" }, { 1521, "oracle" }, { 1883, "mqtt" },
	{ 2049, "nfs" }, { 3128, "proxy" }, { 3306, "mysql" },
	{ 3389, "rdp" }, { 5060, "sip" }, { 5222, "xmpp" },
	{ 5432, "postgres" }, { 5672, "amqp" }, { 5900, "vnc" },
	{ 6379, "redis" }, { 6443, "kube-api" }, { 6667, "irc" },
	{ 8080, "http-alt" }, { 8443, "https-alt" }, { 9092, "kafka" },
	{ 9200, "elastic" }, { 11211, "memcache" }, { 27017, "mongodb" },
};

static bool
hint_port(const struct hint_ctx *ctx, struct hint_buf *b)
{
	size_t	 i, pass;
	uint16_t p;

	for (pass = 0; pass < 2; pass++) {
		p = pass == 0 ? ctx->port : ctx->other;
		for (i = 0; i < NITEMS(port_names); i++) {
			if (port_names[i].port != p)
				continue;
			hb_str(b, "port ");
			hb_uint(b, p);
			hb_putc(b, ' ');
			hb_str(b, port_names[i].name);
			hb_putc(b, '?');
			return (true);
		}
	}
	return (false);
}

/* --- entry points --------------------------------------------------------- */

size_t
flow_hint(const uint8_t *p, size_t len, bool from_client, uint16_t sport,
    uint16_t dport, char *out, size_t outlen)
{
	static const uint8_t	 none[1];
	struct hint_buf		 b;
	struct hint_ctx		 ctx;
	struct cursor		 c;
	size_t			 i;

	if (out == NULL || outlen == 0)
		return (0);
	hb_init(&b, out, outlen);
	if (p == NULL) {
		p = none;	/* cur_make must not offset a null pointer */
		len = 0;
	}
	ctx.from_client = from_client;
	ctx.port = from_client ? dport : sport;
	ctx.other = from_client ? sport : dport;
	c = cur_make(p, len);
	for (i = 0; len > 0 && i < NITEMS(recognisers); i++) {
		hb_reset(&b);
		if (recognisers[i](&c, &ctx, &b))
			return (hb_done(&b));
	}
	hb_reset(&b);
	(void)hint_port(&ctx, &b);
	return (hb_done(&b));
}

bool
flow_hint_is_guess(const char *hint)
{
	return (hint != NULL && strncmp(hint, "port ", 5) == 0);
}

/* Copy an untrusted hint string into h (FLOW_HINT_LEN), sanitised. */
static void
merge_copy(char *h, const char *s)
{
	size_t	 i = 0;

	if (s != NULL)
		for (; i < FLOW_HINT_LEN - 1 && s[i] != '\0'; i++)
			h[i] = escape_is_print((uint8_t)s[i]) ? s[i] : '?';
	h[i] = '\0';
}

/* Length of the first word of h. */
static size_t
word_len(const char *h)
{
	const char	*sp = strchr(h, ' ');

	return (sp == NULL ? strlen(h) : (size_t)(sp - h));
}

static bool
tag_is(const char *h, const char *tag)
{
	return (word_len(h) == strlen(tag) && strncmp(h, tag, strlen(tag)) == 0);
}

/* Banner tags of protocols whose server speaks first. */
static const char *const banner_tags[] = {
	"SMTP", "FTP", "POP3", "IMAP", "NNTP", "MySQL", "VNC", "LMTP"
};

size_t
flow_hint_merge(const char *client, const char *server, char *out,
    size_t outlen)
{
	char		 cl[FLOW_HINT_LEN], sv[FLOW_HINT_LEN];
	const char	*w2, *cw2;
	struct hint_buf	 b;
	size_t		 i, keep;

	if (out == NULL || outlen == 0)
		return (0);
	merge_copy(cl, client);
	merge_copy(sv, server);
	hb_init(&b, out, outlen);
	w2 = strchr(sv, ' ');
	w2 = w2 == NULL ? "" : w2 + 1;
	cw2 = strchr(cl, ' ');
	cw2 = cw2 == NULL ? "" : cw2 + 1;

	if (sv[0] == '\0' || (flow_hint_is_guess(sv) && cl[0] != '\0')) {
		hb_str(&b, cl);
		return (hb_done(&b));
	}
	if (cl[0] == '\0' || flow_hint_is_guess(cl)) {
		hb_str(&b, sv);
		return (hb_done(&b));
	}
	/* "HTTP GET host/path" + "HTTP 200": the status after the path. */
	if ((tag_is(cl, "HTTP") || tag_is(cl, "RTSP")) && word_len(sv) == 4 &&
	    strlen(sv) == 8 && (strncmp(sv, "HTTP ", 5) == 0 ||
	    strncmp(sv, "RTSP ", 5) == 0) && strspn(sv + 5, "0123456789") == 3 &&
	    strspn(cw2, "0123456789") != 3) {
		keep = strlen(cl);
		if (b.cap >= 4 && keep > b.cap - 4)
			keep = b.cap - 4;
		while (keep > 0 && cl[keep - 1] == ' ')
			keep--;
		cl[keep] = '\0';
		hb_str(&b, cl);
		hb_str(&b, sv + 4);
		return (hb_done(&b));
	}
	/* "TLS h2 example.com" + "TLS1.3": the version for the tag. */
	if (tag_is(cl, "TLS") && (strncmp(sv, "TLS1.", 5) == 0 ||
	    strncmp(sv, "SSL3", 4) == 0)) {
		for (i = 0; i < word_len(sv); i++)
			hb_putc(&b, (uint8_t)sv[i]);
		hb_str(&b, cl + 3);
		return (hb_done(&b));
	}
	/* "DNS A name" + "DNS NXDOMAIN name": a failure is worth adding. */
	if (tag_is(cl, "DNS") && tag_is(sv, "DNS")) {
		for (i = 1; i < NITEMS(dns_rcodes); i++) {
			if (strncmp(w2, dns_rcodes[i], strlen(dns_rcodes[i])) ==
			    0 && (w2[strlen(dns_rcodes[i])] == ' ' ||
			    w2[strlen(dns_rcodes[i])] == '\0')) {
				keep = strlen(dns_rcodes[i]) + 1;
				keep = b.cap > keep ? b.cap - keep : 0;
				if (strlen(cl) > keep)
					cl[keep] = '\0';
				hb_str(&b, cl);
				hb_putc(&b, ' ');
				hb_str(&b, dns_rcodes[i]);
				return (hb_done(&b));
			}
		}
	}
	/* A server that speaks first says best what it is. */
	if (strncmp(sv, "SSH-", 4) == 0) {
		hb_str(&b, sv);
		return (hb_done(&b));
	}
	for (i = 0; i < NITEMS(banner_tags); i++) {
		if (tag_is(sv, banner_tags[i])) {
			hb_str(&b, sv);
			return (hb_done(&b));
		}
	}
	/* "SMTP EHLO x" + "220 banner": the client names the protocol. */
	if (tag_is(sv, "220") && (tag_is(cl, "SMTP") || tag_is(cl, "FTP") ||
	    tag_is(cl, "LMTP"))) {
		for (i = 0; i < word_len(cl); i++)
			hb_putc(&b, (uint8_t)cl[i]);
		hb_str(&b, sv + 3);
		return (hb_done(&b));
	}
	hb_str(&b, cl);
	return (hb_done(&b));
}
