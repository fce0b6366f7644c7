/*
 * test-flow-hint.c: flow_hint and flow_hint_merge.
 *
 * Each protocol's sample gives its exact hint; then every prefix of every
 * sample is run from a heap copy of exactly that size (so, under ASan, a
 * read past the end is caught) and the invariants are checked: length
 * returned equals strlen, at most FLOW_HINT_LEN - 1 characters, printable
 * ASCII only.  Random and hostile inputs get the same checks.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "flow-hint.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

struct sample {
	const char	*name;
	const uint8_t	*p;
	size_t		 len;
	bool		 from_client;
	uint16_t	 sport;
	uint16_t	 dport;
	const char	*want;
};

#define S(str)	(const uint8_t *)(str), sizeof(str) - 1

static const uint8_t dns_query[] = {
	0x00, 0x1d,			/* length 29 */
	0x12, 0x34, 0x01, 0x00,		/* id, RD */
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0x00, 0x1c, 0x00, 0x01		/* AAAA IN */
};

static const uint8_t dns_nx[] = {
	0x00, 0x1d,
	0x12, 0x34, 0x81, 0x83,		/* response, NXDOMAIN */
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01
};

static const uint8_t pg_startup[] = {
	0x00, 0x00, 0x00, 0x29, 0x00, 0x03, 0x00, 0x00,
	'u', 's', 'e', 'r', 0, 'a', 'l', 'i', 'c', 'e', 0,
	'd', 'a', 't', 'a', 'b', 'a', 's', 'e', 0, 's', 'h', 'o', 'p', 0,
	'x', 0, 'y', 0, 0, 0, 0, 0
};

static const uint8_t pg_ssl[] = {
	0x00, 0x00, 0x00, 0x08, 0x04, 0xd2, 0x16, 0x2f
};

static const uint8_t mysql_greet[] = {
	0x4a, 0x00, 0x00, 0x00, 0x0a,
	'8', '.', '0', '.', '3', '6', 0,
	0x08, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 0x00,
	0xff, 0xff, 0xff, 0x02, 0x00, 0xff, 0xdf, 0x15,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0,
	'c', 'a', 'c', 'h', 'i', 'n', 'g', '_', 's', 'h', 'a', '2', '_',
	'p', 'a', 's', 's', 'w', 'o', 'r', 'd', 0
};

static const uint8_t mariadb_greet[] = {
	0x40, 0x00, 0x00, 0x00, 0x0a,
	'5', '.', '5', '.', '5', '-', '1', '0', '.', '1', '1', '.', '6', '-',
	'M', 'a', 'r', 'i', 'a', 'D', 'B', 0,
	0x08, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 0x00,
	0xff, 0xff, 0xff, 0x02, 0x00, 0xff, 0xdf, 0x15,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

static const uint8_t socks5_greet[] = { 0x05, 0x02, 0x00, 0x02 };
static const uint8_t socks5_both[] = {
	0x05, 0x01, 0x00,
	0x05, 0x01, 0x00, 0x03, 11, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.',
	'c', 'o', 'm', 0x01, 0xbb
};
static const uint8_t socks5_v6[] = {
	0x05, 0x01, 0x00,
	0x05, 0x01, 0x00, 0x04, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 1, 0x00, 0x50
};
static const uint8_t socks4[] = {
	0x04, 0x01, 0x00, 0x50, 10, 0, 0, 1, 'b', 'o', 'b', 0
};

static const uint8_t rdp_cr[] = {
	0x03, 0x00, 0x00, 0x2a, 0x25, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00,
	'C', 'o', 'o', 'k', 'i', 'e', ':', ' ', 'm', 's', 't', 's', 'h', 'a',
	's', 'h', '=', 'a', 'l', 'i', 'c', 'e', '\r', '\n',
	0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00
};

static const uint8_t smb2[] = {
	0x00, 0x00, 0x00, 0x40, 0xfe, 'S', 'M', 'B', 0x40, 0x00
};

static const uint8_t telnet[] = { 0xff, 0xfd, 0x18, 0xff, 0xfd, 0x20 };

static const uint8_t mqtt[] = {
	0x10, 0x10, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3c,
	0x00, 0x04, 'a', 'b', 'c', 'd'
};

static uint8_t	tls_ch[512];
static size_t	tls_ch_len;
static uint8_t	tls_sh[128];
static size_t	tls_sh_len;

/* Append helpers for building TLS messages with correct lengths. */
static size_t
put16(uint8_t *p, size_t o, unsigned v)
{
	p[o] = (uint8_t)(v >> 8);
	p[o + 1] = (uint8_t)v;
	return (o + 2);
}

static size_t
putb(uint8_t *p, size_t o, const void *s, size_t n)
{
	memcpy(p + o, s, n);
	return (o + n);
}

/*
 * Build a ClientHello with SNI "www.example.com" and ALPN "h2","http/1.1"
 * after a GREASE-like unknown extension, and a TLS 1.3 ServerHello.
 */
static void
build_tls(void)
{
	uint8_t	*p = tls_ch;
	size_t	 o, hs, ext, e;
	uint8_t	 rnd[32];

	memset(rnd, 0x5a, sizeof(rnd));
	o = 0;
	p[o++] = 22;
	o = put16(p, o, 0x0301);
	o += 2;				/* record length, later */
	hs = o;
	p[o++] = 1;
	o += 3;				/* handshake length, later */
	o = put16(p, o, 0x0303);
	o = putb(p, o, rnd, 32);
	p[o++] = 32;
	o = putb(p, o, rnd, 32);	/* session id */
	o = put16(p, o, 4);
	o = put16(p, o, 0x1301);
	o = put16(p, o, 0x1302);
	p[o++] = 1;
	p[o++] = 0;
	ext = o;
	o += 2;
	o = put16(p, o, 0x0a0a);	/* GREASE, empty */
	o = put16(p, o, 0);
	o = put16(p, o, 0);		/* server_name */
	e = o;
	o += 2;
	o = put16(p, o, 15 + 3);
	p[o++] = 0;
	o = put16(p, o, 15);
	o = putb(p, o, "www.example.com", 15);
	put16(p, e, (unsigned)(o - e - 2));
	o = put16(p, o, 16);		/* ALPN */
	e = o;
	o += 2;
	o = put16(p, o, 3 + 9);
	p[o++] = 2;
	o = putb(p, o, "h2", 2);
	p[o++] = 8;
	o = putb(p, o, "http/1.1", 8);
	put16(p, e, (unsigned)(o - e - 2));
	put16(p, ext, (unsigned)(o - ext - 2));
	put16(p, 3, (unsigned)(o - 5));
	p[hs + 1] = 0;
	put16(p, hs + 2, (unsigned)(o - hs - 4));
	tls_ch_len = o;

	p = tls_sh;
	o = 0;
	p[o++] = 22;
	o = put16(p, o, 0x0303);
	o += 2;
	hs = o;
	p[o++] = 2;
	o += 3;
	o = put16(p, o, 0x0303);
	o = putb(p, o, rnd, 32);
	p[o++] = 0;
	o = put16(p, o, 0x1301);
	p[o++] = 0;
	ext = o;
	o += 2;
	o = put16(p, o, 43);		/* supported_versions */
	o = put16(p, o, 2);
	o = put16(p, o, 0x0304);
	put16(p, ext, (unsigned)(o - ext - 2));
	put16(p, 3, (unsigned)(o - 5));
	p[hs + 1] = 0;
	put16(p, hs + 2, (unsigned)(o - hs - 4));
	tls_sh_len = o;
}

static struct sample samples[] = {
	{ "http get", S("GET /index.html?q=1 HTTP/1.1\r\nUser-Agent: x\r\n"
	    "host:  example.com \r\nAccept: */*\r\n\r\n"), true, 40000, 80,
	    "HTTP GET example.com/index.html?q=1" },
	{ "http get no host", S("GET / HTTP/1.0\r\n\r\n"), true, 1, 80,
	    "HTTP GET /" },
	{ "http proxy", S("GET http://example.org/a HTTP/1.1\r\nHost: x\r\n"),
	    true, 1, 3128, "HTTP GET example.org/a" },
	{ "http connect", S("CONNECT example.org:443 HTTP/1.1\r\n\r\n"), true,
	    1, 3128, "HTTP CONNECT example.org:443" },
	{ "http long path", S("POST /api/v1/very/long/path/that/will/not/fit"
	    "/in/forty HTTP/1.1\r\nHost: api.example.com\r\n\r\n"), true, 1, 80,
	    "HTTP POST api.example.com/api/v1/very/l" },
	{ "webdav", S("PROPFIND /dav/ HTTP/1.1\r\nHost: h\r\n\r\n"), true, 1,
	    80, "HTTP PROPFIND h/dav/" },
	{ "not http", S("FOO /x\r\n"), true, 1, 1, "" },
	{ "http response", S("HTTP/1.1 404 Not Found\r\nServer: x\r\n\r\n"),
	    false, 80, 40000, "HTTP 404" },
	{ "rtsp", S("DESCRIBE rtsp://cam/live RTSP/1.0\r\nCSeq: 1\r\n\r\n"),
	    true, 1, 554, "RTSP DESCRIBE cam/live" },
	{ "http2", S("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), true, 1, 80,
	    "HTTP/2" },
	{ "tls client hello", NULL, 0, true, 40000, 443,
	    "TLS h2 www.example.com" },
	{ "tls server hello", NULL, 0, false, 443, 40000, "TLS1.3" },
	{ "ssh", S("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"), false, 22, 1,
	    "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3" },
	{ "ssh after lines", S("hello\r\nSSH-2.0-x\r\n"), false, 22, 1,
	    "SSH-2.0-x" },
	{ "smtp banner", S("220 mail.example.com ESMTP Postfix (Debian)\r\n"),
	    false, 25, 1, "SMTP mail.example.com ESMTP Postfix (De" },
	{ "smtp banner other port", S("220-mx.example.net ESMTP\r\n"), false,
	    2500, 1, "SMTP mx.example.net ESMTP" },
	{ "smtp ehlo", S("EHLO client.example.com\r\n"), true, 1, 25,
	    "SMTP EHLO client.example.com" },
	{ "ftp banner", S("220 (vsFTPd 3.0.5)\r\n"), false, 21, 1,
	    "FTP (vsFTPd 3.0.5)" },
	{ "ftp banner words", S("220 ProFTPD Server ready.\r\n"), false, 9999,
	    1, "FTP ProFTPD Server ready." },
	{ "plain 220", S("220 welcome\r\n"), false, 9999, 1, "220 welcome" },
	{ "ftp 421", S("421 Too many users\r\n"), false, 21, 1,
	    "FTP 421 Too many users" },
	{ "ftp user", S("USER anonymous\r\n"), true, 1, 21,
	    "FTP USER anonymous" },
	{ "pop3 user", S("USER bob\r\n"), true, 1, 110, "POP3 USER bob" },
	{ "pop3", S("+OK Dovecot (Debian) ready.\r\n"), false, 110, 1,
	    "POP3 Dovecot (Debian) ready." },
	{ "imap", S("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID] "
	    "Dovecot ready.\r\n"), false, 143, 1, "IMAP Dovecot ready." },
	{ "imap client", S("a001 CAPABILITY\r\n"), true, 1, 143,
	    "IMAP CAPABILITY" },
	{ "irc", S("NICK alice\r\nUSER alice 0 * :A\r\n"), true, 1, 6667,
	    "IRC NICK alice" },
	{ "redis", S("*2\r\n$3\r\nget\r\n$7\r\nsession\r\n"), true, 1, 6379,
	    "Redis GET session" },
	{ "redis error", S("-NOAUTH Authentication required.\r\n"), false,
	    6379, 1, "Redis -NOAUTH Authentication required." },
	{ "redis ok", S("+OK\r\n"), false, 7000, 1, "Redis" },
	{ "dns query", dns_query, sizeof(dns_query), true, 1, 53,
	    "DNS AAAA example.com" },
	{ "dns nxdomain", dns_nx, sizeof(dns_nx), false, 53, 1,
	    "DNS NXDOMAIN example.com" },
	{ "pgsql startup", pg_startup, sizeof(pg_startup), true, 1, 5432,
	    "PostgreSQL db=shop user=alice" },
	{ "pgsql ssl", pg_ssl, sizeof(pg_ssl), true, 1, 5432,
	    "PostgreSQL SSLRequest" },
	{ "mysql", mysql_greet, sizeof(mysql_greet), false, 3306, 1,
	    "MySQL 8.0.36" },
	{ "mariadb", mariadb_greet, sizeof(mariadb_greet), false, 3306, 1,
	    "MySQL 10.11.6-MariaDB" },
	{ "socks5 greeting", socks5_greet, sizeof(socks5_greet), true, 1, 1080,
	    "SOCKS5" },
	{ "socks5 request", socks5_both, sizeof(socks5_both), true, 1, 1080,
	    "SOCKS5 CONNECT example.com:443" },
	{ "socks5 ipv6", socks5_v6, sizeof(socks5_v6), true, 1, 1080,
	    "SOCKS5 CONNECT [2001:db8::1]:80" },
	{ "socks4", socks4, sizeof(socks4), true, 1, 1080,
	    "SOCKS4 CONNECT 10.0.0.1:80" },
	{ "rdp", rdp_cr, sizeof(rdp_cr), true, 1, 3389, "RDP mstshash=alice" },
	{ "smb2", smb2, sizeof(smb2), true, 1, 445, "SMB2" },
	{ "telnet", telnet, sizeof(telnet), false, 23, 1, "Telnet" },
	{ "mqtt", mqtt, sizeof(mqtt), true, 1, 1883, "MQTT" },
	{ "vnc", S("RFB 003.008\n"), false, 5900, 1, "VNC RFB 003.008" },
	{ "bittorrent", S("\x13" "BitTorrent protocol\0\0\0\0\0\0\0\0"), true,
	    1, 6881, "BitTorrent" },
	{ "amqp", S("AMQP\0\0\x09\x01"), true, 1, 5672, "AMQP 0-9-1" },
	{ "unknown on mysql port", S("\x01\x02\x03 binary"), true, 50000, 3306,
	    "port 3306 mysql?" },
	{ "unknown from server", S("\x01\x02\x03"), false, 5432, 50000,
	    "port 5432 postgres?" },
	{ "unknown", S("\x01\x02\x03"), true, 50000, 50001, "" },
};
#define NSAMPLES	(sizeof(samples) / sizeof(samples[0]))

/* Invariants of any hint: returned length, limit, printable. */
static bool
hint_ok(const char *h, size_t n, size_t outlen)
{
	size_t	 i, lim;

	lim = outlen < FLOW_HINT_LEN ? outlen : FLOW_HINT_LEN;
	if (strlen(h) != n || n + 1 > lim)
		return (false);
	for (i = 0; i < n; i++)
		if (h[i] < 0x20 || h[i] > 0x7e)
			return (false);
	if (n > 0 && h[n - 1] == ' ')
		return (false);
	return (true);
}

/* flow_hint on an exact-size heap copy; checks invariants. */
static bool
run(const uint8_t *p, size_t len, bool fc, uint16_t sp, uint16_t dp,
    char *out, size_t outlen)
{
	uint8_t	*copy;
	size_t	 n;
	bool	 ok;

	copy = malloc(len > 0 ? len : 1);
	if (copy == NULL)
		abort();
	if (len > 0)
		memcpy(copy, p, len);
	memset(out, 'Z', outlen);
	n = flow_hint(copy, len, fc, sp, dp, out, outlen);
	ok = hint_ok(out, n, outlen);
	free(copy);
	return (ok);
}

static void
test_samples(void)
{
	struct sample	*s;
	char		 out[FLOW_HINT_LEN];
	size_t		 i, k, bad;

	for (i = 0; i < NSAMPLES; i++) {
		s = &samples[i];
		if (strcmp(s->name, "tls client hello") == 0) {
			s->p = tls_ch;
			s->len = tls_ch_len;
		} else if (strcmp(s->name, "tls server hello") == 0) {
			s->p = tls_sh;
			s->len = tls_sh_len;
		}
		(void)run(s->p, s->len, s->from_client, s->sport, s->dport,
		    out, sizeof(out));
		tap_is_str(out, s->want, s->name);
		bad = 0;
		for (k = 0; k <= s->len; k++)
			if (!run(s->p, k, s->from_client, s->sport, s->dport,
			    out, sizeof(out)))
				bad++;
		tap_ok(bad == 0, "%s: all %zu prefixes keep the invariants",
		    s->name, s->len + 1);
	}
}

static void
test_truncated(void)
{
	char	 out[FLOW_HINT_LEN];

	(void)run(tls_ch, 5, true, 1, 443, out, sizeof(out));
	tap_is_str(out, "TLS", "tls record header only");
	(void)run(tls_ch, 80, true, 1, 443, out, sizeof(out));
	tap_is_str(out, "TLS", "tls cut before the extensions");
	(void)run(tls_ch, 110, true, 1, 443, out, sizeof(out));
	tap_is_str(out, "TLS", "tls cut inside the SNI: no half name");
	(void)run(tls_ch, 114, true, 1, 443, out, sizeof(out));
	tap_is_str(out, "TLS www.example.com", "tls cut after the SNI");
	(void)run(tls_ch, tls_ch_len - 14, true, 1, 443, out, sizeof(out));
	tap_is_str(out, "TLS www.example.com", "tls cut inside ALPN h2");
	(void)run(tls_ch, tls_ch_len - 5, true, 1, 443, out, sizeof(out));
	tap_is_str(out, "TLS h2 www.example.com", "tls cut after ALPN h2");
	(void)run(S("GET /a HTTP/1.1\r\nHost: exa"), true, 1, 80, out,
	    sizeof(out));
	tap_is_str(out, "HTTP GET exa/a", "http cut in the Host value");
	(void)run(S("GET /a HTT"), true, 1, 8080, out, sizeof(out));
	tap_is_str(out, "HTTP GET /a", "http cut in the request line");
	(void)run(dns_query, sizeof(dns_query) - 1, true, 1, 53, out,
	    sizeof(out));
	tap_is_str(out, "port 53 dns?", "dns cut in the question: a guess");
	(void)run(S("SSH-2.0-Open"), false, 22, 1, out, sizeof(out));
	tap_is_str(out, "SSH-2.0-Open", "ssh banner cut");
}

static void
test_outlen(void)
{
	static const uint8_t	 get[] = "GET /x HTTP/1.1\r\nHost: example.com"
	    "\r\n\r\n";
	char			 out[128];
	size_t			 n;

	out[0] = 'Z';
	tap_is_int((long long)flow_hint(get, sizeof(get) - 1, true, 1, 80, out,
	    0), 0, "outlen 0: returns 0");
	tap_ok(out[0] == 'Z', "outlen 0: nothing written");
	n = flow_hint(get, sizeof(get) - 1, true, 1, 80, out, 1);
	tap_ok(n == 0 && out[0] == '\0', "outlen 1: empty string");
	n = flow_hint(get, sizeof(get) - 1, true, 1, 80, out, 6);
	tap_is_str(out, "HTTP", "outlen 6: cut, trailing blank dropped");
	tap_is_int((long long)n, 4, "outlen 6: length");
	memset(out, 'Z', sizeof(out));
	n = flow_hint((const uint8_t *)"GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1\r\n", 70, true, 1, 80, out,
	    sizeof(out));
	tap_ok(n == FLOW_HINT_LEN - 1 && out[n] == '\0' && out[n + 1] == 'Z',
	    "a big buffer is still filled to FLOW_HINT_LEN - 1 only");
	n = flow_hint(NULL, 0, true, 1, 22, out, sizeof(out));
	tap_is_str(out, "port 22 ssh?", "no payload: port guess");
	tap_ok(flow_hint_is_guess(out), "flow_hint_is_guess on a guess");
	n = flow_hint(NULL, 0, false, 22, 1, out, sizeof(out));
	tap_is_str(out, "port 22 ssh?", "server side uses sport");
	n = flow_hint(NULL, 0, true, 1, 2, out, sizeof(out));
	tap_ok(n == 0 && out[0] == '\0', "no payload, unknown port: empty");
	tap_ok(!flow_hint_is_guess("HTTP GET /"), "a real hint is no guess");
	tap_ok(!flow_hint_is_guess(NULL), "NULL is no guess");
}

static bool
all_print(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			return (false);
	return (true);
}

static void
test_hostile(void)
{
	char	 out[FLOW_HINT_LEN];
	uint8_t	 ch[512];
	size_t	 i, j;

	(void)run(S("GET /\x1b[2J HTTP/1.1\r\nHost: \x1b]0;pwn\x07\x9b" "31m"
	    "\r\n\r\n"), true, 1, 80, out, sizeof(out));
	tap_is_str(out, "HTTP GET ?]0;pwn??31m/?[2J",
	    "escape sequences in Host and path become '?'");
	(void)run(S("SSH-2.0-\x1b[31mred\xc2\x9b\r\n"), false, 22, 1, out,
	    sizeof(out));
	tap_is_str(out, "SSH-2.0-?[31mred??", "ssh banner escapes");
	(void)run(S("220 \x1b" "c\x7f\x80\r\n"), false, 25, 1, out,
	    sizeof(out));
	tap_is_str(out, "SMTP ?c??", "smtp banner escapes");
	/* SNI with control bytes. */
	memcpy(ch, tls_ch, tls_ch_len);
	for (i = 0; i + 15 <= tls_ch_len; i++)
		if (memcmp(ch + i, "www.example.com", 15) == 0)
			break;
	ch[i] = 0x1b;
	ch[i + 1] = 0x0a;
	ch[i + 2] = 0x9b;
	(void)run(ch, tls_ch_len, true, 1, 443, out, sizeof(out));
	tap_is_str(out, "TLS h2 ???.example.com", "control bytes in SNI");
	/* Lengths that lie: every 16-bit field of the hello set to 0xffff. */
	for (j = 0, i = 3; i + 1 < tls_ch_len; i++) {
		memcpy(ch, tls_ch, tls_ch_len);
		ch[i] = 0xff;
		ch[i + 1] = 0xff;
		if (!run(ch, tls_ch_len, true, 1, 443, out, sizeof(out)))
			j++;
	}
	tap_ok(j == 0, "tls with each length field at 0xffff");
	/* Every single byte value, alone and doubled. */
	for (j = 0, i = 0; i < 256; i++) {
		ch[0] = ch[1] = (uint8_t)i;
		if (!run(ch, 1, true, 1, 80, out, sizeof(out)) ||
		    !run(ch, 2, false, 80, 1, out, sizeof(out)))
			j++;
	}
	tap_ok(j == 0, "each byte value");
	memset(ch, 0, sizeof(ch));
	tap_ok(run(ch, sizeof(ch), true, 1, 3306, out, sizeof(out)), "zeros");
	memset(ch, 0xff, sizeof(ch));
	tap_ok(run(ch, sizeof(ch), true, 1, 3306, out, sizeof(out)), "0xff");
	memset(ch, '\n', sizeof(ch));
	tap_ok(run(ch, sizeof(ch), true, 1, 25, out, sizeof(out)), "newlines");
}

/* xorshift32: a fixed sequence, so a failure repeats. */
static uint32_t
rnd(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return (*x);
}

/* Random buffers, random cuts of the samples, random mutations. */
static void
test_garbage(void)
{
	char		 out[FLOW_HINT_LEN + 8];
	uint8_t		 buf[600];
	uint32_t	 x = 0x12345678;
	uint16_t	 sp, dp;
	size_t		 it, i, len, outlen, bad = 0, hits = 0;
	bool		 fc;
	struct sample	*s;

	for (it = 0; it < 200000; it++) {
		if (it % 2 == 0) {
			len = rnd(&x) % sizeof(buf);
			for (i = 0; i < len; i++)
				buf[i] = (uint8_t)rnd(&x);
		} else {
			s = &samples[rnd(&x) % NSAMPLES];
			len = s->len < sizeof(buf) ? s->len : sizeof(buf);
			memcpy(buf, s->p, len);
			for (i = rnd(&x) % 4; i > 0 && len > 0; i--)
				buf[rnd(&x) % len] = (uint8_t)rnd(&x);
		}
		fc = rnd(&x) & 1;
		sp = (uint16_t)rnd(&x);
		dp = (uint16_t)(rnd(&x) % 4 == 0 ? 443 : rnd(&x));
		outlen = 1 + rnd(&x) % (FLOW_HINT_LEN + 8);
		if (!run(buf, len, fc, sp, dp, out, outlen))
			bad++;
		else if (out[0] != '\0')
			hits++;
	}
	tap_ok(bad == 0, "200000 random and mutated inputs keep the "
	    "invariants (%zu gave a hint)", hits);
}

static void
test_merge(void)
{
	char	 out[FLOW_HINT_LEN], small[12];
	size_t	 n;

	flow_hint_merge("HTTP GET example.com/", "HTTP 200", out, sizeof(out));
	tap_is_str(out, "HTTP GET example.com/ 200", "merge: http status");
	flow_hint_merge("HTTP POST api.example.com/api/v1/very/l", "HTTP 503",
	    out, sizeof(out));
	tap_is_str(out, "HTTP POST api.example.com/api/v1/ve 503",
	    "merge: path shortened for the status");
	flow_hint_merge("HTTP 200", "HTTP 404", out, sizeof(out));
	tap_is_str(out, "HTTP 200", "merge: two responses, client's");
	flow_hint_merge("TLS h2 www.example.com", "TLS1.3", out, sizeof(out));
	tap_is_str(out, "TLS1.3 h2 www.example.com", "merge: tls version");
	flow_hint_merge("TLS", "TLS1.2 http/1.1", out, sizeof(out));
	tap_is_str(out, "TLS1.2", "merge: bare tls");
	flow_hint_merge("DNS A example.com", "DNS NXDOMAIN example.com", out,
	    sizeof(out));
	tap_is_str(out, "DNS A example.com NXDOMAIN", "merge: dns failure");
	flow_hint_merge("DNS A example.com", "DNS NOERROR example.com", out,
	    sizeof(out));
	tap_is_str(out, "DNS A example.com", "merge: dns success");
	flow_hint_merge("DNS A aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com",
	    "DNS SERVFAIL x", out, sizeof(out));
	tap_is_str(out, "DNS A aaaaaaaaaaaaaaaaaaaaaaaa SERVFAIL",
	    "merge: dns name shortened");
	flow_hint_merge("SSH-2.0-PuTTY", "SSH-2.0-OpenSSH_9.2", out,
	    sizeof(out));
	tap_is_str(out, "SSH-2.0-OpenSSH_9.2", "merge: ssh server banner");
	flow_hint_merge("SMTP EHLO x", "SMTP mail ESMTP", out, sizeof(out));
	tap_is_str(out, "SMTP mail ESMTP", "merge: smtp banner");
	flow_hint_merge("SMTP EHLO x", "220 hello there", out, sizeof(out));
	tap_is_str(out, "SMTP hello there", "merge: 220 named by the client");
	flow_hint_merge("Redis GET k", "Redis", out, sizeof(out));
	tap_is_str(out, "Redis GET k", "merge: client wins");
	flow_hint_merge("port 443 https?", "TLS1.3", out, sizeof(out));
	tap_is_str(out, "TLS1.3", "merge: fact beats guess");
	flow_hint_merge("HTTP GET /", "port 80 http?", out, sizeof(out));
	tap_is_str(out, "HTTP GET /", "merge: guess loses");
	flow_hint_merge("", "MySQL 8.0.36", out, sizeof(out));
	tap_is_str(out, "MySQL 8.0.36", "merge: server only");
	flow_hint_merge(NULL, NULL, out, sizeof(out));
	tap_is_str(out, "", "merge: nothing");
	flow_hint_merge("\x1b[31mx", "HTTP 200", out, sizeof(out));
	tap_is_str(out, "?[31mx", "merge: inputs sanitised");
	tap_ok(all_print(out), "merge: output printable");
	strcpy(out, "HTTP GET h/");
	flow_hint_merge(out, "HTTP 301", out, sizeof(out));
	tap_is_str(out, "HTTP GET h/ 301", "merge: in place (out == client)");
	n = flow_hint_merge("HTTP GET example.com/", "HTTP 200", small,
	    sizeof(small));
	tap_is_str(small, "HTTP GE 200", "merge: small buffer keeps status");
	tap_is_int((long long)n, 11, "merge: small buffer length");
	n = flow_hint_merge("HTTP GET x", "HTTP 200", small, 3);
	tap_ok(n <= 2 && strlen(small) == n, "merge: tiny buffer");
}

int
main(void)
{
	tap_plan_none();
	build_tls();
	test_samples();
	test_truncated();
	test_outlen();
	test_hostile();
	test_garbage();
	test_merge();
	return (tap_done());
}
