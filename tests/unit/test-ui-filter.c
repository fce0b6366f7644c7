/*
 * test-ui-filter.c: the flow list's filter language (ui-filter.c): every
 * term kind, errors, IPv6, VLAN, negation, or, narrows(), and the fast
 * text matching checked against a slow reference built with inet_ntop.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ui-filter.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "tap.h"

static uint64_t	 seed = 88172645463325252ULL;

static uint32_t
rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return ((uint32_t)(seed >> 16));
}

/* A row: client c (text) port cp -> server s port sp. */
static struct ui_row
row(const char *c, unsigned int cp, const char *s, unsigned int sp,
    int client, const char *hint)
{
	struct ui_row	 r;
	const char	*lo, *hi;
	unsigned int	 lp, hp;
	int		 fam;

	memset(&r, 0, sizeof r);
	fam = strchr(c, ':') != NULL ? AF_INET6 : AF_INET;
	r.key.af = fam == AF_INET6 ? FS_AF_INET6 : FS_AF_INET;
	/* client 0: the client is a; else b. */
	lo = client == 0 ? c : s;
	hi = client == 0 ? s : c;
	lp = client == 0 ? cp : sp;
	hp = client == 0 ? sp : cp;
	if (inet_pton(fam, lo, r.key.a) != 1 ||
	    inet_pton(fam, hi, r.key.b) != 1)
		abort();
	r.key.pa = (uint16_t)lp;
	r.key.pb = (uint16_t)hp;
	r.client = (uint8_t)client;
	r.id = 1;
	r.state = ROW_OPEN;
	snprintf(r.hint, sizeof r.hint, "%s", hint);
	return (r);
}

/* Compile text (must succeed) and match r. */
static int
m(const char *text, const struct ui_row *r)
{
	struct ui_filter *f;
	char		 err[128];
	int		 rv;

	if ((f = ui_filter_compile(text, err, sizeof err)) == NULL) {
		tap_diag("compile '%s': %s", text, err);
		return (-1);
	}
	rv = ui_filter_match(f, r);
	ui_filter_free(f);
	return (rv);
}

/* Compile must fail with an error containing want. */
static void
bad(const char *text, const char *want)
{
	struct ui_filter *f;
	char		 err[128];

	f = ui_filter_compile(text, err, sizeof err);
	if (!tap_ok(f == NULL && strstr(err, want) != NULL,
	    "'%s' is an error naming '%s'", text, want))
		tap_diag("got %s: '%s'", f == NULL ? "NULL" : "a filter", err);
	ui_filter_free(f);
}

/* narrows(old text, new text). */
static int
nar(const char *o, const char *n)
{
	struct ui_filter *fo, *fn;
	int		 rv;

	fo = ui_filter_compile(o, NULL, 0);
	fn = ui_filter_compile(n, NULL, 0);
	if (fo == NULL || fn == NULL)
		rv = -1;
	else
		rv = ui_filter_narrows(fo, fn);
	ui_filter_free(fo);
	ui_filter_free(fn);
	return (rv);
}

/* The reference text of a row, from inet_ntop and snprintf. */
static void
ref_text(const struct ui_row *r, bool bracket, char *buf, size_t len)
{
	char		 a[2][INET6_ADDRSTRLEN];
	const uint8_t	*ad[2];
	unsigned int	 p[2];
	size_t		 i;
	int		 c, fam;
	bool		 v6;

	c = r->client & 1;
	ad[0] = c == 0 ? r->key.a : r->key.b;
	ad[1] = c == 0 ? r->key.b : r->key.a;
	p[0] = c == 0 ? r->key.pa : r->key.pb;
	p[1] = c == 0 ? r->key.pb : r->key.pa;
	v6 = r->key.af == FS_AF_INET6;
	fam = v6 ? AF_INET6 : AF_INET;
	for (i = 0; i < 2; i++)
		inet_ntop(fam, ad[i], a[i], sizeof a[i]);
	bracket = bracket && v6;
	snprintf(buf, len, "%s%s%s:%u %s%s%s:%u%s%.*s",
	    bracket ? "[" : "", a[0], bracket ? "]" : "", p[0],
	    bracket ? "[" : "", a[1], bracket ? "]" : "", p[1],
	    r->hint[0] != '\0' ? " " : "", ROW_HINT_LEN, r->hint);
	for (i = 0; buf[i] != '\0'; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
}

/* Reference substring match: either text form holds the pattern. */
static bool
ref_match(const struct ui_row *r, const char *pat)
{
	char	 t[256], p[128];
	size_t	 i;

	for (i = 0; pat[i] != '\0' && i < sizeof p - 1; i++)
		p[i] = (char)tolower((unsigned char)pat[i]);
	p[i] = '\0';
	ref_text(r, false, t, sizeof t);
	if (strstr(t, p) != NULL)
		return (true);
	ref_text(r, true, t, sizeof t);
	return (strstr(t, p) != NULL);
}

/* A random row, biased towards small numbers and shared prefixes. */
static void
rand_row(struct ui_row *r)
{
	static const char *const hints[] = { "", "GET www.Example.com",
	    "TLS 10.0.1.5", "SSH-2.0-x", "host 80 [::1]:443", "A:B.C",
	    "1.2.3.4:5", "Zz 0", };
	size_t	 i;

	memset(r, 0, sizeof *r);
	r->key.af = rnd() % 3 == 0 ? FS_AF_INET6 : FS_AF_INET;
	for (i = 0; i < 16; i++) {
		r->key.a[i] = (uint8_t)(rnd() % 4 == 0 ? rnd() :
		    rnd() % 3 == 0 ? 0 : rnd() % 12);
		r->key.b[i] = (uint8_t)(rnd() % 4 == 0 ? rnd() :
		    rnd() % 3 == 0 ? 0 : rnd() % 12);
	}
	if (r->key.af == FS_AF_INET) {
		memset(r->key.a + 4, 0, 12);
		memset(r->key.b + 4, 0, 12);
	} else if (rnd() % 4 == 0) {
		/* IPv4-mapped and -compatible forms. */
		memset(r->key.a, 0, 10);
		if (rnd() % 2)
			r->key.a[10] = r->key.a[11] = 0xff;
		else
			r->key.a[10] = r->key.a[11] = 0;
	}
	r->key.pa = (uint16_t)(rnd() % 3 == 0 ? rnd() : rnd() % 1100);
	r->key.pb = (uint16_t)(rnd() % 3 == 0 ? rnd() : rnd() % 1100);
	r->client = (uint8_t)(rnd() % 2);
	snprintf(r->hint, sizeof r->hint, "%s", hints[rnd() % 8]);
}

static void
test_errors(void)
{
	bad("port 99999", "port: 99999 is not a port");
	bad("port", "port: needs");
	bad("port 8x", "port: 8x is not a port");
	bad("vlan 4096", "vlan: 4096");
	bad("host 10.0.0.x", "host: 10.0.0.x is not an address");
	bad("host 10.0.0.0/33", "host: /33");
	bad("host ::1/129", "host: /129");
	bad("host 10.0.0.0/", "host: /");
	bad("host", "host: needs an address");
	bad("state bogus", "state: bogus is not a state");
	bad("state open,", "state:");
	bad("bytes>abc", "bytes: needs");
	bad("bytes>1X", "bytes: needs");
	bad("bytes > ", "bytes: needs");
	bad("bytes>99999999999T", "bytes: needs");
	bad("bytes>18446744073709551616", "bytes: needs");
	bad("cbytes<", "cbytes: needs");
	bad("or port 80", "or:");
	bad("port 80 or", "or:");
	bad("port 80 or or port 81", "or:");
	bad("not", "not:");
	bad("port 80 !", "not:");
	bad("src 10.0.0.1", "src: needs host or port");
	bad("not port 70000", "port: 70000 is not a port");
}

static void
test_terms(void)
{
	struct ui_row	 r, r6, rv;
	struct ui_filter *f;

	r = row("10.0.0.1", 51000, "192.168.1.20", 443, 0, "TLS Example.COM");
	/* The same connection with the opener as endpoint b. */
	rv = row("10.0.0.1", 51000, "192.168.1.20", 443, 1,
	    "TLS Example.COM");
	r6 = row("2001:db8::1", 40000, "2001:db8:0:1::80", 80, 1,
	    "GET /index");

	f = ui_filter_compile("", NULL, 0);
	tap_ok(f != NULL && ui_filter_is_empty(f) && ui_filter_match(f, &r),
	    "empty text matches all");
	ui_filter_free(f);
	f = ui_filter_compile("   \t ", NULL, 0);
	tap_ok(f != NULL && ui_filter_is_empty(f), "blank text is empty");
	ui_filter_free(f);
	tap_ok(ui_filter_match(NULL, &r), "NULL filter matches");

	tap_is_int(m("host 10.0.0.1", &r), 1, "host client");
	tap_is_int(m("host 192.168.1.20", &r), 1, "host server");
	tap_is_int(m("host 10.0.0.2", &r), 0, "host other");
	tap_is_int(m("host 10.0.0.0/8", &r), 1, "host CIDR /8");
	tap_is_int(m("host 10.0.0.7/24", &r), 1, "CIDR host bits ignored");
	tap_is_int(m("host 10.0.1.0/24", &r), 0, "CIDR other net");
	tap_is_int(m("host 192.168.1.16/29", &r), 1, "CIDR /29");
	tap_is_int(m("host 192.168.1.24/29", &r), 0, "CIDR /29 other");
	tap_is_int(m("host 0.0.0.0/0", &r), 1, "CIDR /0 any IPv4");
	tap_is_int(m("host 0.0.0.0/0", &r6), 0, "IPv4 /0 not IPv6");
	tap_is_int(m("host ::/0", &r6), 1, "IPv6 /0");
	tap_is_int(m("host 2001:db8::1", &r6), 1, "host IPv6");
	tap_is_int(m("host [2001:db8::1]", &r6), 1, "host [IPv6]");
	tap_is_int(m("host 2001:db8::2", &r6), 0, "host IPv6 other");
	tap_is_int(m("host 2001:db8:0:1::/64", &r6), 1, "IPv6 /64");
	tap_is_int(m("host 2001:db8:0:2::/64", &r6), 0, "IPv6 /64 other");
	tap_is_int(m("host 2001:db8::/33", &r6), 1, "IPv6 /33");
	tap_is_int(m("src host 10.0.0.1", &r), 1, "src host");
	tap_is_int(m("src host 10.0.0.1", &rv), 1, "src host, client b");
	tap_is_int(m("dst host 10.0.0.1", &rv), 0, "dst host, client b");
	tap_is_int(m("dst host 192.168.1.20", &rv), 1, "dst host b");

	tap_is_int(m("port 443", &r), 1, "port server");
	tap_is_int(m("port 51000", &r), 1, "port client");
	tap_is_int(m("port 80", &r), 0, "port other");
	tap_is_int(m("src port 51000", &rv), 1, "src port, client b");
	tap_is_int(m("src port 443", &rv), 0, "src port is the client's");
	tap_is_int(m("dst port 443", &rv), 1, "dst port, client b");
	tap_is_int(m("PORT 443", &r), 1, "keywords any case");

	r.key.has_vlan = true;
	r.key.vlan = 7;
	tap_is_int(m("vlan 7", &r), 1, "vlan");
	tap_is_int(m("vlan 8", &r), 0, "vlan other");
	tap_is_int(m("vlan 0", &rv), 0, "vlan 0 needs a tag");
	rv.key.has_vlan = true;
	tap_is_int(m("vlan 0", &rv), 1, "vlan 0 tagged");

	r.state = ROW_SYN;
	tap_is_int(m("state open", &r), 1, "open includes syn");
	tap_is_int(m("state syn", &r), 1, "state syn");
	r.state = ROW_OPEN;
	tap_is_int(m("state syn", &r), 0, "syn is not open");
	tap_is_int(m("state done", &r), 0, "done is not open");
	r.state = ROW_RESET;
	tap_is_int(m("state reset,timeout", &r), 1, "state list");
	tap_is_int(m("state done", &r), 1, "done includes reset");
	tap_is_int(m("state open", &r), 0, "reset is not open");
	tap_is_int(m("not state open", &r), 1, "not state open");
	tap_is_int(m("!state reset", &r), 0, "!state reset");
	r.state = 200;
	tap_is_int(m("state done", &r), 0, "bad state value matches none");
	r.state = ROW_OPEN;

	r.bytes[0] = 1000;		/* client (a) */
	r.bytes[1] = 2 * 1024 * 1024;
	r.packets[0] = 3;
	r.packets[1] = 4;
	tap_is_int(m("bytes>1M", &r), 1, "bytes>1M");
	tap_is_int(m("bytes>3M", &r), 0, "bytes>3M");
	tap_is_int(m("bytes > 2m", &r), 1, "bytes > 2m (spaces, 1024)");
	tap_is_int(m("bytes >2098151", &r), 1, "bytes >N just below");
	tap_is_int(m("bytes>2098152", &r), 0, "bytes>N equal");
	tap_is_int(m("bytes>=2098152", &r), 1, "bytes>=N equal");
	tap_is_int(m("bytes<=2098152", &r), 1, "bytes<=N equal");
	tap_is_int(m("bytes<2098152", &r), 0, "bytes<N equal");
	tap_is_int(m("bytes=2098152", &r), 1, "bytes=N");
	tap_is_int(m("bytes==2098152", &r), 1, "bytes==N");
	tap_is_int(m("bytes<0", &r), 0, "bytes<0 matches nothing");
	tap_is_int(m("bytes>=0", &r), 1, "bytes>=0 matches all");
	tap_is_int(m("cbytes<1k", &r), 1, "cbytes<1k");
	tap_is_int(m("sbytes>=2M", &r), 1, "sbytes>=2M");
	tap_is_int(m("sbytes>=2M", &rv), 0, "sbytes follows the client");
	tap_is_int(m("packets=7", &r), 1, "packets=7");
	tap_is_int(m("bytes>1g", &r), 0, "g suffix");
	tap_is_int(m("bytes<1t", &r), 1, "t suffix");
	tap_is_int(m("bytes", &r), 0, "bare 'bytes' is text");

	tap_is_int(m("example.com", &r), 1, "hint substring, case");
	tap_is_int(m("EXAMPLE", &r), 1, "pattern case");
	tap_is_int(m("10.0.0.1:51000 192.168.1.20:443", &r), 1,
	    "whole endpoint text");
	tap_is_int(m("443 tls", &r), 1, "across port and hint");
	tap_is_int(m("\"tls example\"", &r), 1, "quoted with space");
	tap_is_int(m("\"tls example", &r), 1, "unclosed quote");
	tap_is_int(m("\"port\"", &r), 0, "quoted keyword is text");
	tap_is_int(m("168.1.2", &r), 1, "digits and dots");
	tap_is_int(m("168.1.3", &r), 0, "digits and dots, no");
	tap_is_int(m(".0.1:", &r), 1, "quad end and colon");
	tap_is_int(m("2001:db8::1:40000", &r6), 1, "IPv6 addr:port");
	tap_is_int(m("[2001:db8::1]:40000", &r6), 1, "IPv6 [addr]:port");
	tap_is_int(m("[2001:db8:0:1::80]:80 get", &r6), 1,
	    "bracketed server and hint");
	tap_is_int(m("2001:db8::1]", &r6), 1, "half bracket");
	tap_is_int(m("\"[2001:db8::1]:4000 \"", &r6), 0, "not a port prefix");
	tap_is_int(m("\"\"", &r), 1, "empty quotes match");

	tap_is_int(m("not port 443", &r), 0, "not port");
	tap_is_int(m("!port 443", &r), 0, "!port");
	tap_is_int(m("! port 80", &r), 1, "! port (spaced)");
	tap_is_int(m("not not port 443", &r), 1, "double negation");
	tap_is_int(m("!example", &r), 0, "!text");
	tap_is_int(m("port 443 example", &r), 1, "and");
	tap_is_int(m("port 443 and nope", &r), 0, "and, one fails");
	tap_is_int(m("port 80 or port 443", &r), 1, "or");
	tap_is_int(m("port 80 or port 81", &r), 0, "or, none");
	tap_is_int(m("port 80 || nope || example", &r), 1, "|| chain");
	tap_is_int(m("nope or port 443 10.0.0", &r), 1,
	    "or binds tighter");
	tap_is_int(m("port 443 or nope 10.9", &r), 0,
	    "or binds tighter, last fails");
	tap_is_int(m("not port 443 or example", &r), 1, "not in or");
}

static void
test_reference(void)
{
	static const char *const pats[] = {
		"1", "0", "10", "1.", ".1", "0.0", "1.1", "10.0.1", "0.0.0.0",
		"1.2.3.4", "1.2.3.4.", ":1", "1:", "::", "::1", ":0:", "ff",
		"::ffff:", "ffff:0", "0 ", " 0", "443", "10.", "a:b", "[",
		"]:", "[::", "]:4", "0]", "example", "com", ". ", "5 zz",
		"tls 10.0.1", ":5", "www.example.com", "zz 0", "::1]:4",
		"0.0.0.1", "11.11", "2.0-x", "1 ", "80 [::1]", "a", "b.c",
		"2:1", "00", "0.", "ff:0.", "::0.", ":a",
	};
	struct ui_filter *f[sizeof pats / sizeof pats[0]];
	struct ui_row	 r;
	char		 t[256], want[256];
	size_t		 i, j, bad, nbad;
	bool		 got, ok;

	for (j = 0; j < sizeof pats / sizeof pats[0]; j++) {
		snprintf(t, sizeof t, "\"%s\"", pats[j]);
		f[j] = ui_filter_compile(t, NULL, 0);
	}
	nbad = 0;
	bad = 0;
	for (i = 0; i < 20000; i++) {
		rand_row(&r);
		for (j = 0; j < sizeof pats / sizeof pats[0]; j++) {
			if (f[j] == NULL)
				continue;
			got = ui_filter_match(f[j], &r);
			if (got != ref_match(&r, pats[j])) {
				if (nbad++ < 5) {
					ref_text(&r, false, t, sizeof t);
					tap_diag("'%s' on '%s': got %d",
					    pats[j], t, got);
				}
				bad++;
			}
		}
		/* Endpoints against inet_ntop. */
		ui_filter_endpoint(&r, 1, t, sizeof t);
		ref_text(&r, true, want, sizeof want);
		ok = strncmp(strchr(want, ' ') + 1, t, strlen(t)) == 0;
		if (!ok && nbad++ < 5)
			tap_diag("endpoint '%s' vs '%s'", t, want);
		bad += !ok;
	}
	tap_is_int((long long)bad, 0, "20000 random rows x 50 patterns "
	    "agree with inet_ntop + strstr");
	for (j = 0; j < sizeof pats / sizeof pats[0]; j++)
		ui_filter_free(f[j]);

	/* Truncation of ui_filter_endpoint. */
	r = row("2001:db8::1", 40000, "::1", 80, 0, "");
	tap_is_int((long long)ui_filter_endpoint(&r, 0, t, 5), 19,
	    "endpoint returns the needed length");
	tap_is_str(t, "[200", "endpoint truncates");
}

static void
test_narrows(void)
{
	static const char *const fs[] = {
		"", "10.0", "10.0.1", "10.0.1.5", "port 80", "port 80 10.0",
		"port 80 or port 443", "port 443", "bytes>1k", "bytes>2k",
		"bytes>=1025", "bytes<5k", "state open", "state syn",
		"state done", "host 10.0.0.0/8", "host 10.0.0.0/16",
		"host 10.0.0.1", "src host 10.0.0.1", "not 10.0",
		"not 10.", "not port 80", "not state open", "example",
		"example.com", "port 80 or example", "vlan 1", "cbytes>1k",
	};
	struct ui_filter *f[sizeof fs / sizeof fs[0]];
	struct ui_row	 r[400];
	size_t		 i, j, k, bad;

	tap_is_int(nar("", "port 80"), 1, "anything narrows empty");
	tap_is_int(nar("port 80", ""), 0, "empty widens");
	tap_is_int(nar("10.0", "10.0.1"), 1, "longer substring narrows");
	tap_is_int(nar("10.0.1", "10.0"), 0, "shorter substring widens");
	tap_is_int(nar("0.1", "10.0.1"), 1, "extended at the front");
	tap_is_int(nar("port 80", "port 80 10.0"), 1, "added term");
	tap_is_int(nar("port 80 10.0", "port 80"), 0, "removed term");
	tap_is_int(nar("port 80 or port 443", "port 80"), 1, "or dropped");
	tap_is_int(nar("port 80", "port 80 or port 443"), 0, "or added");
	tap_is_int(nar("bytes>1k", "bytes>2k"), 1, "raised bound");
	tap_is_int(nar("bytes>2k", "bytes>1k"), 0, "lowered bound");
	tap_is_int(nar("state open", "state syn"), 1, "state subset");
	tap_is_int(nar("host 10.0.0.0/8", "host 10.0.0.0/16"), 1,
	    "longer prefix");
	tap_is_int(nar("host 10.0.0.0/16", "host 10.0.0.0/8"), 0,
	    "shorter prefix");
	tap_is_int(nar("host 10.0.0.1", "src host 10.0.0.1"), 1,
	    "src narrows either");
	tap_is_int(nar("src host 10.0.0.1", "host 10.0.0.1"), 0,
	    "either widens src");
	tap_is_int(nar("not 10.0", "not 10."), 1, "negated shorter");
	tap_is_int(nar("not 10.", "not 10.0"), 0, "negated longer");
	tap_is_int(nar("exa", "example port 80"), 1, "typing on");
	tap_is_int(ui_filter_narrows(NULL, NULL), 1, "NULL, NULL");

	/* Soundness: narrows() true => every new match is an old match. */
	for (i = 0; i < sizeof r / sizeof r[0]; i++) {
		rand_row(&r[i]);
		if (i % 2 == 0) {
			r[i].key.a[0] = 10;
			r[i].key.a[1] = 0;
			r[i].key.pb = i % 4 == 0 ? 80 : 443;
		}
		r[i].bytes[0] = rnd() % 4000;
		r[i].state = (uint8_t)(rnd() % ROW_NSTATES);
		r[i].key.has_vlan = rnd() % 2;
		r[i].key.vlan = (uint16_t)(rnd() % 3);
	}
	for (j = 0; j < sizeof fs / sizeof fs[0]; j++)
		f[j] = ui_filter_compile(fs[j], NULL, 0);
	bad = 0;
	for (j = 0; j < sizeof fs / sizeof fs[0]; j++) {
		for (k = 0; k < sizeof fs / sizeof fs[0]; k++) {
			if (f[j] == NULL || f[k] == NULL ||
			    !ui_filter_narrows(f[j], f[k]))
				continue;
			for (i = 0; i < sizeof r / sizeof r[0]; i++) {
				if (ui_filter_match(f[k], &r[i]) &&
				    !ui_filter_match(f[j], &r[i])) {
					tap_diag("'%s' -> '%s' not narrower",
					    fs[j], fs[k]);
					bad++;
					break;
				}
			}
		}
	}
	tap_is_int((long long)bad, 0, "narrows() is sound on random rows");
	for (j = 0; j < sizeof fs / sizeof fs[0]; j++)
		ui_filter_free(f[j]);
}

int
main(void)
{
	tap_plan_none();
	test_errors();
	test_terms();
	test_reference();
	test_narrows();
	return (tap_done());
}
