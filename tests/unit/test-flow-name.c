/*
 * test-flow-name.c: template checking, every expansion code, -F edits and
 * address text (zero-padded IPv4, RFC 5952 IPv6 cross-checked against
 * inet_ntop).  Expected names come from tcpflow 1.6.1 runs recorded in
 * shared/research/tcpflow-1.6.1.md section 2.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "flow-name.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "tap.h"

static const uint8_t v4a[4] = { 10, 0, 0, 1 };
static const uint8_t v4b[4] = { 10, 0, 0, 2 };
static const uint8_t maca[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t macb[6] = { 0xAA, 0xbb, 0xcc, 0xdd, 0xee, 0xff };

static void	 base_vars(struct flow_name_vars *);
static void	 expand_is(const char *, const struct flow_name_vars *,
		    const char *);
static void	 v6(const char *, const char *);

static void
base_vars(struct flow_name_vars *v)
{
	memset(v, 0, sizeof(*v));
	v->af = FS_AF_INET;
	v->src = v4a;
	v->dst = v4b;
	v->sport = 1234;
	v->dport = 80;
	v->first_ns = 1700000000ULL * 1000000000ULL + 5000000;
}

/* Compile tmpl, expand with v and compare with want. */
static void
expand_is(const char *tmpl, const struct flow_name_vars *v, const char *want)
{
	struct flow_name	*fn;
	char			 err[256], buf[512], name[600];
	int			 n;

	snprintf(name, sizeof(name), "'%s' -> '%s'", tmpl, want);
	if ((fn = flow_name_new(tmpl, err, sizeof(err))) == NULL) {
		tap_ok(false, "%s", name);
		tap_diag("%s", err);
		return;
	}
	n = flow_name_expand(fn, v, buf, sizeof(buf));
	if (n < 0)
		tap_ok(false, "%s (expand failed)", name);
	else if (tap_is_str(buf, want, name) && (size_t)n != strlen(want))
		tap_diag("returned length %d", n);
	flow_name_free(fn);
}

/* IPv6 text: ours against the expected string and against inet_ntop. */
static void
v6(const char *in, const char *want)
{
	uint8_t	 a[16];
	char	 got[46], ref[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET6, in, a) != 1) {
		tap_ok(false, "inet_pton %s", in);
		return;
	}
	flow_name_addr(FS_AF_INET6, a, got);
	inet_ntop(AF_INET6, a, ref, sizeof(ref));
	tap_ok(strcmp(got, want) == 0 && strcmp(got, ref) == 0,
	    "ipv6 %s -> %s (inet_ntop %s)", in, got, ref);
}

int
main(void)
{
	struct flow_name_vars	 v;
	struct flow_name	*fn;
	uint8_t			 a6[16], b6[16];
	char			 err[256], buf[128], ref[INET6_ADDRSTRLEN];
	char			*t, *t2;
	unsigned		 seed;
	int			 i, j, bad;

	tap_plan_none();

	/* default template */
	base_vars(&v);
	expand_is(FLOW_NAME_DEFAULT_TEMPLATE, &v,
	    "010.000.000.001.01234-010.000.000.002.00080");
	v.count = 1;
	expand_is(FLOW_NAME_DEFAULT_TEMPLATE, &v,
	    "010.000.000.001.01234-010.000.000.002.00080c1");
	v.count = 12;
	expand_is(FLOW_NAME_DEFAULT_TEMPLATE, &v,
	    "010.000.000.001.01234-010.000.000.002.00080c12");
	base_vars(&v);
	v.has_vlan = true;
	v.vlan = 10;
	expand_is(FLOW_NAME_DEFAULT_TEMPLATE, &v,
	    "010.000.000.001.01234-010.000.000.002.00080--10");
	v.count = 2;
	expand_is(FLOW_NAME_DEFAULT_TEMPLATE, &v,
	    "010.000.000.001.01234-010.000.000.002.00080--10c2");
	v.vlan = 0xa014;	/* priority bits are not part of %v */
	expand_is("%v", &v, "20c2");
	base_vars(&v);
	inet_pton(AF_INET6, "2001:db8::1", a6);
	inet_pton(AF_INET6, "2001:db8::2", b6);
	v.af = FS_AF_INET6;
	v.src = a6;
	v.dst = b6;
	v.sport = 40000;
	v.dport = 443;
	expand_is(FLOW_NAME_DEFAULT_TEMPLATE, &v,
	    "2001:db8::1.40000-2001:db8::2.00443");

	/* every code */
	base_vars(&v);
	v.sport = 0;
	v.dport = 65535;
	expand_is("%A|%a|%B|%b", &v, "010.000.000.001|00000|010.000.000.002|"
	    "65535");
	expand_is("%E %e", &v, " ");
	v.has_mac = true;
	v.mac_src = maca;
	v.mac_dst = macb;
	expand_is("%E %e", &v, "02:00:00:00:00:01 aa:bb:cc:dd:ee:ff");
	expand_is("[%V%v]", &v, "[]");
	expand_is("%T", &v, "2023-11-14T22:13:20Z");
	expand_is("%t", &v, "1700000000");
	v.first_ns = 0;
	expand_is("%T %t", &v, "1970-01-01T00:00:00Z 0");
	expand_is("[%C%c|%#]", &v, "[|0]");
	v.count = 3;
	expand_is("[%C%c|%#]", &v, "[c3|3]");
	v.flow_id = 0;
	expand_is("%G.%M.%K.%N", &v, "000.000.000.000c3");
	v.flow_id = 123456789012ULL;
	expand_is("%G.%M.%K.%N", &v, "123.456.789.012c3");
	v.flow_id = 1999999999999ULL;
	expand_is("%G.%M.%K.%N", &v, "999.999.999.999c3");
	v.session_id = 2;
	expand_is("%S", &v, "00000000000000000002c3");
	v.session_id = UINT64_MAX;
	expand_is("%S", &v, "18446744073709551615c3");
	expand_is("100%%", &v, "100%c3");
	expand_is("%%c", &v, "%cc3");	/* a literal "%c" is not the code */
	expand_is("%c", &v, "3");
	expand_is("a/%A/b", &v, "a/010.000.000.001/bc3");

	/* %C%c append rule */
	fn = flow_name_new("x", err, sizeof(err));
	v.count = 0;
	tap_ok(fn != NULL && flow_name_expand(fn, &v, buf, sizeof(buf)) == 1 &&
	    strcmp(buf, "x") == 0, "'x' count 0 -> 'x'");
	v.count = 1;
	tap_ok(fn != NULL && flow_name_expand(fn, &v, buf, sizeof(buf)) == 3 &&
	    strcmp(buf, "xc1") == 0, "'x' count 1 -> 'xc1'");
	tap_ok(fn != NULL && flow_name_has_count(fn), "'x' has count");
	flow_name_free(fn);
	expand_is("%c-%C", &v, "1-c");

	/* errors */
	fn = flow_name_new("%A%q", err, sizeof(err));
	tap_ok(fn == NULL && strstr(err, "unknown code %q") != NULL &&
	    strstr(err, "'%A%q'") != NULL, "unknown code: %s", err);
	flow_name_free(fn);
	fn = flow_name_new("x%", err, sizeof(err));
	tap_ok(fn == NULL && strstr(err, "trailing %") != NULL &&
	    strstr(err, "'x%'") != NULL, "trailing %%: %s", err);
	flow_name_free(fn);
	fn = flow_name_new("%c%", err, sizeof(err));
	tap_ok(fn == NULL, "trailing %% after %%c");
	flow_name_free(fn);
	bad = 0;
	for (i = 1; i < 256; i++) {
		char	 tm[3] = { '%', (char)i, '\0' };

		fn = flow_name_new(tm, err, sizeof(err));
		if ((fn != NULL) != (strchr("AaBbEeVvTtcC#NKMGS%", i) != NULL))
			bad++;
		flow_name_free(fn);
	}
	tap_is_int(bad, 0, "exactly the 19 codes are accepted");

	/* buffer too small */
	base_vars(&v);
	fn = flow_name_new(FLOW_NAME_DEFAULT_TEMPLATE, err, sizeof(err));
	tap_is_int(fn == NULL ? -2 : flow_name_expand(fn, &v, buf, 43), -1,
	    "43-char name in 43 bytes: no room for NUL -> -1");
	tap_is_int(fn == NULL ? -2 : flow_name_expand(fn, &v, buf, 44), 43,
	    "exact fit with NUL");
	tap_is_int(fn == NULL ? -2 : flow_name_expand(fn, &v, buf, 10), -1,
	    "too small -> -1");
	tap_is_int(fn == NULL ? -2 : flow_name_expand(fn, &v, buf, 0), -1,
	    "zero size -> -1");
	flow_name_free(fn);

	/* -F edits */
	t = flow_name_apply_F("x", 'k');
	tap_is_str(t, "%K/x", "-Fk");
	free(t);
	t = flow_name_apply_F("x", 'm');
	tap_is_str(t, "%M000-%M999/%M%K/x", "-Fm");
	free(t);
	t = flow_name_apply_F("x", 'g');
	tap_is_str(t, "%G000000-%G999999/%G%M000-%G%M999/%G%M%K/x", "-Fg");
	free(t);
	t = flow_name_apply_F("x", 't');
	tap_is_str(t, "%tTx", "-Ft");
	free(t);
	t = flow_name_apply_F("x", 'T');
	tap_is_str(t, "%Tx", "-FT");
	free(t);
	t = flow_name_apply_F("x", 'X');
	tap_ok(t == NULL, "-FX is not a template edit");
	free(t);
	t = flow_name_apply_F("x", 'c');
	tap_ok(t == NULL, "-Fc is not a template edit");
	free(t);
	t = flow_name_apply_F("x", 'q');
	tap_ok(t == NULL, "unknown -F letter -> NULL");
	free(t);
	/* order: k then t applies t outermost */
	t = flow_name_apply_F(FLOW_NAME_DEFAULT_TEMPLATE, 'k');
	t2 = t == NULL ? NULL : flow_name_apply_F(t, 't');
	base_vars(&v);
	v.flow_id = 1234;
	expand_is(t2 != NULL ? t2 : "", &v,
	    "1700000000T001/010.000.000.001.01234-010.000.000.002.00080");
	free(t);
	free(t2);
	t = flow_name_apply_F(FLOW_NAME_DEFAULT_TEMPLATE, 'g');
	expand_is(t != NULL ? t : "", &v,
	    "000000000-000999999/000000000-000000999/000000001/"
	    "010.000.000.001.01234-010.000.000.002.00080");
	free(t);
	t = flow_name_apply_F(FLOW_NAME_DEFAULT_TEMPLATE, 'm');
	expand_is(t != NULL ? t : "", &v, "000000-000999/000001/"
	    "010.000.000.001.01234-010.000.000.002.00080");
	free(t);
	t = flow_name_apply_F(FLOW_NAME_DEFAULT_TEMPLATE, 'T');
	expand_is(t != NULL ? t : "", &v, "2023-11-14T22:13:20Z"
	    "010.000.000.001.01234-010.000.000.002.00080");
	free(t);

	/* address text */
	flow_name_addr(FS_AF_INET, (const uint8_t *)"\xff\x00\x0a\x7f", buf);
	tap_is_str(buf, "255.000.010.127", "ipv4 file-name form");
	flow_addr_text(FS_AF_INET, (const uint8_t *)"\xff\x00\x0a\x7f", buf);
	tap_is_str(buf, "255.0.10.127", "ipv4 human form");
	v6("::1", "::1");
	v6("::", "::");
	v6("2001:db8::1", "2001:db8::1");
	v6("fe80::1:2", "fe80::1:2");
	v6("2001:DB8:0:0:0:0:0:1", "2001:db8::1");
	v6("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");	/* 4.2.2 */
	v6("2001:0:0:1:0:0:0:1", "2001:0:0:1::1");		/* 4.2.3 longest */
	v6("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");	/* leftmost tie */
	v6("fe80::", "fe80::");
	v6("1:0:0:2:3:4:5:0", "1::2:3:4:5:0");
	v6("::ffff:1.2.3.4", "::ffff:1.2.3.4");
	v6("::ffff:0:0", "::ffff:0.0.0.0");
	v6("::1.2.3.4", "::1.2.3.4");
	v6("::ff:1.2.3.4", "::ff:102:304");
	v6("2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff",
	    "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff");
	flow_addr_text(FS_AF_INET6, a6, buf);
	tap_is_str(buf, "2001:db8::1", "flow_addr_text ipv6");

	/* random addresses with many zero groups, against inet_ntop */
	seed = 12345;
	bad = 0;
	for (i = 0; i < 200000; i++) {
		for (j = 0; j < 8; j++) {
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 16) % 3 != 0) {
				a6[2 * j] = a6[2 * j + 1] = 0;
				continue;
			}
			seed = seed * 1103515245u + 12345u;
			a6[2 * j] = (seed >> 16) % 4 == 0 ? 0 :
			    (uint8_t)(seed >> 24);
			a6[2 * j + 1] = (uint8_t)(seed >> 16);
		}
		if (i % 7 == 0) {
			memset(a6, 0, 10);
			a6[10] = a6[11] = (seed & 1) != 0 ? 0xff : 0;
		}
		flow_name_addr(FS_AF_INET6, a6, buf);
		inet_ntop(AF_INET6, a6, ref, sizeof(ref));
		if (strcmp(buf, ref) != 0 && bad++ < 5)
			tap_diag("mismatch %s vs %s", buf, ref);
	}
	tap_is_int(bad, 0, "200000 addresses match glibc inet_ntop");

	return (tap_done());
}
