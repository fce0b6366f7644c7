/*
 * flow-name.c: compile, edit (-F) and expand tcpflow file-name templates.
 *
 * A template is checked once by flow_name_new: every '%' must be followed by
 * one of the codes listed in flow-name.h, and a template without a %c code
 * gets "%C%c" appended (tcpflow's rule, so port reuse can always find a free
 * name).  Unlike tcpflow, the check parses codes properly: "%%c" is a
 * literal "%c", not a %c code, and a trailing lone '%' is an error rather
 * than being rescued by the appended "%C%c".
 *
 * Expansion only ever formats numbers and addresses, so no byte from the
 * wire can reach a file name (no NUL, no "..", no '/' except the template's
 * own).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "flow-name.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode.h"

#define FLOW_NAME_CODES	"AaBbEeVvTtcC#NKMGS%"

struct flow_name {
	char	*tmpl;		/* validated, with %C%c appended if needed */
	bool	 has_count;
};

struct obuf {
	char	*buf;
	size_t	 len;
	size_t	 used;
	bool	 overflow;
};

static void	ob_puts(struct obuf *, const char *);
static void	ob_printf(struct obuf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	ob_mac(struct obuf *, bool, const uint8_t *);
static size_t	fmt_v4(char *, const uint8_t *);
static size_t	fmt_v6(char *, const uint8_t *);

/* Check tmpl and return its compiled form, or NULL with a message in err. */
struct flow_name *
flow_name_new(const char *tmpl, char *err, size_t errlen)
{
	struct flow_name	*fn;
	const char		*p;
	bool			 has_c;
	size_t			 len;

	has_c = false;
	for (p = tmpl; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		p++;
		if (*p == '\0') {
			snprintf(err, errlen, "invalid filename template "
			    "'%s': trailing %%", tmpl);
			return (NULL);
		}
		if (strchr(FLOW_NAME_CODES, *p) == NULL) {
			snprintf(err, errlen, "invalid filename template "
			    "'%s': unknown code %%%c", tmpl, *p);
			return (NULL);
		}
		if (*p == 'c')
			has_c = true;
	}

	if ((fn = calloc(1, sizeof(*fn))) == NULL)
		goto nomem;
	len = strlen(tmpl);
	if ((fn->tmpl = malloc(len + 5)) == NULL) {
		free(fn);
		goto nomem;
	}
	memcpy(fn->tmpl, tmpl, len + 1);
	if (!has_c)
		memcpy(fn->tmpl + len, "%C%c", 5);
	/* %c is now always present, so different counts give different names */
	fn->has_count = true;
	return (fn);

nomem:
	snprintf(err, errlen, "filename template: out of memory");
	return (NULL);
}

/*
 * Return a new template: tmpl with the prefix for -F letter prepended, or
 * NULL for a letter that does not edit the template (or out of memory).
 */
char *
flow_name_apply_F(const char *tmpl, char letter)
{
	const char	*pre;
	char		*s;
	size_t		 plen, tlen;

	switch (letter) {
	case 'k':
		pre = "%K/";
		break;
	case 'm':
		pre = "%M000-%M999/%M%K/";
		break;
	case 'g':
		pre = "%G000000-%G999999/%G%M000-%G%M999/%G%M%K/";
		break;
	case 't':
		pre = "%tT";
		break;
	case 'T':
		pre = "%T";
		break;
	default:
		return (NULL);
	}
	plen = strlen(pre);
	tlen = strlen(tmpl);
	if ((s = malloc(plen + tlen + 1)) == NULL)
		return (NULL);
	memcpy(s, pre, plen);
	memcpy(s + plen, tmpl, tlen + 1);
	return (s);
}

static void
ob_puts(struct obuf *ob, const char *s)
{
	size_t	 n;

	n = strlen(s);
	if (ob->overflow || n >= ob->len - ob->used) {
		ob->overflow = true;
		return;
	}
	memcpy(ob->buf + ob->used, s, n + 1);
	ob->used += n;
}

static void
ob_printf(struct obuf *ob, const char *fmt, ...)
{
	char	 tmp[64];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		ob->overflow = true;
		return;
	}
	ob_puts(ob, tmp);
}

/* MAC as lowercase xx:xx:xx:xx:xx:xx; nothing at all without a MAC. */
static void
ob_mac(struct obuf *ob, bool has_mac, const uint8_t *m)
{
	if (!has_mac || m == NULL)
		return;
	ob_printf(ob, "%02x:%02x:%02x:%02x:%02x:%02x",
	    m[0], m[1], m[2], m[3], m[4], m[5]);
}

/*
 * Expand fn for one direction into buf.  Returns the length of the name, or
 * -1 (buf holding a truncated, NUL-terminated prefix) if it does not fit.
 */
int
flow_name_expand(const struct flow_name *fn, const struct flow_name_vars *v,
    char *buf, size_t len)
{
	struct obuf	 ob;
	const char	*p;
	char		 a[64], one[2];
	struct tm	 tm;
	time_t		 t;

	if (len == 0)
		return (-1);
	ob.buf = buf;
	ob.len = len;
	ob.used = 0;
	ob.overflow = false;
	buf[0] = '\0';
	t = (time_t)(v->first_ns / 1000000000ULL);
	one[1] = '\0';

	for (p = fn->tmpl; *p != '\0' && !ob.overflow; p++) {
		if (*p != '%') {
			one[0] = *p;
			ob_puts(&ob, one);
			continue;
		}
		switch (*++p) {
		case 'A':
			flow_name_addr(v->af, v->src, a);
			ob_puts(&ob, a);
			break;
		case 'B':
			flow_name_addr(v->af, v->dst, a);
			ob_puts(&ob, a);
			break;
		case 'a':
			ob_printf(&ob, "%05u", (unsigned)v->sport);
			break;
		case 'b':
			ob_printf(&ob, "%05u", (unsigned)v->dport);
			break;
		case 'E':
			ob_mac(&ob, v->has_mac, v->mac_src);
			break;
		case 'e':
			ob_mac(&ob, v->has_mac, v->mac_dst);
			break;
		case 'V':
			if (v->has_vlan)
				ob_puts(&ob, "--");
			break;
		case 'v':
			if (v->has_vlan)
				ob_printf(&ob, "%u", (unsigned)(v->vlan & 0x0fff));
			break;
		case 'T':
			if (gmtime_r(&t, &tm) == NULL ||
			    strftime(a, sizeof(a), "%Y-%m-%dT%H:%M:%SZ",
			    &tm) == 0)
				a[0] = '\0';
			ob_puts(&ob, a);
			break;
		case 't':
			ob_printf(&ob, "%lld", (long long)t);
			break;
		case 'c':
			if (v->count > 0)
				ob_printf(&ob, "%u", (unsigned)v->count);
			break;
		case 'C':
			if (v->count > 0)
				ob_puts(&ob, "c");
			break;
		case '#':
			ob_printf(&ob, "%u", (unsigned)v->count);
			break;
		case 'N':
			ob_printf(&ob, "%03u", (unsigned)(v->flow_id % 1000));
			break;
		case 'K':
			ob_printf(&ob, "%03u",
			    (unsigned)(v->flow_id / 1000 % 1000));
			break;
		case 'M':
			ob_printf(&ob, "%03u",
			    (unsigned)(v->flow_id / 1000000 % 1000));
			break;
		case 'G':
			ob_printf(&ob, "%03u",
			    (unsigned)(v->flow_id / 1000000000 % 1000));
			break;
		case 'S':
			ob_printf(&ob, "%020llu",
			    (unsigned long long)v->session_id);
			break;
		case '%':
			ob_puts(&ob, "%");
			break;
		default:
			/* NOTREACHED: flow_name_new rejected it */
			ob.overflow = true;
			break;
		}
	}
	if (ob.overflow)
		return (-1);
	return ((int)ob.used);
}

/* True if the template can produce distinct names for different counts. */
bool
flow_name_has_count(const struct flow_name *fn)
{
	return (fn->has_count);
}

/* Free a compiled template; NULL is allowed. */
void
flow_name_free(struct flow_name *fn)
{
	if (fn == NULL)
		return;
	free(fn->tmpl);
	free(fn);
}

/* "0." to "255.", four bytes each (padded with '.'), for fmt_v4 (a table, not
 * printf: the flow list formats a million rows per keystroke). */
static const char octets[256 * 4 + 1] =
	"0...1...2...3...4...5...6...7...8...9...10..11..12..13..14..15.."
	"16..17..18..19..20..21..22..23..24..25..26..27..28..29..30..31.."
	"32..33..34..35..36..37..38..39..40..41..42..43..44..45..46..47.."
	"48..49..50..51..52..53..54..55..56..57..58..59..60..61..62..63.."
	"64..65..66..67..68..69..70..71..72..73..74..75..76..77..78..79.."
	"80..81..82..83..84..85..86..87..88..89..90..91..92..93..94..95.."
	"96..97..98..99..100.101.102.103.104.105.106.107.108.109.110.111."
	"112.113.114.115.116.117.118.119.120.121.122.123.124.125.126.127."
	"128.129.130.131.132.133.134.135.136.137.138.139.140.141.142.143."
	"144.145.146.147.148.149.150.151.152.153.154.155.156.157.158.159."
	"160.161.162.163.164.165.166.167.168.169.170.171.172.173.174.175."
	"176.177.178.179.180.181.182.183.184.185.186.187.188.189.190.191."
	"192.193.194.195.196.197.198.199.200.201.202.203.204.205.206.207."
	"208.209.210.211.212.213.214.215.216.217.218.219.220.221.222.223."
	"224.225.226.227.228.229.230.231.232.233.234.235.236.237.238.239."
	"240.241.242.243.244.245.246.247.248.249.250.251.252.253.254.255.";

/*
 * Dotted quad into p (no NUL), at most 15 bytes, though it may write up to
 * 16; returns its length.  Each octet is one 4-byte copy from octets[].
 */
static size_t
fmt_v4(char *p, const uint8_t *a)
{
	size_t		 n, i;

	n = 0;
	for (i = 0; i < 4; i++) {
		memcpy(p + n, octets + a[i] * 4, 4);
		n += 2 + (a[i] >= 10) + (a[i] >= 100);
	}
	return (n - 1);
}

/*
 * IPv6 text exactly as glibc's inet_ntop writes it (RFC 5952 style: the
 * longest run of two or more zero groups, the first if tied, becomes "::";
 * lowercase hex; ::a.b.c.d and ::ffff:a.b.c.d for embedded IPv4), at most
 * 45 bytes, no NUL.  Returns its length.
 */
static size_t
fmt_v6(char *p, const uint8_t *a)
{
	static const char hex[] = "0123456789abcdef";
	unsigned int	 w[8], v;
	int		 i, best, bestlen, cur, curlen, sh;
	size_t		 n;
	bool		 lead;

	best = cur = -1;
	bestlen = curlen = 0;
	for (i = 0; i < 8; i++) {
		w[i] = (unsigned int)a[2 * i] << 8 | a[2 * i + 1];
		if (w[i] == 0) {
			if (cur == -1)
				cur = i, curlen = 0;
			if (++curlen > bestlen)
				best = cur, bestlen = curlen;
		} else
			cur = -1;
	}
	if (bestlen < 2)
		best = -1;
	n = 0;
	for (i = 0; i < 8; i++) {
		if (best != -1 && i >= best && i < best + bestlen) {
			if (i == best)
				p[n++] = ':';
			continue;
		}
		if (i != 0)
			p[n++] = ':';
		if (i == 6 && best == 0 && (bestlen == 6 ||
		    (bestlen == 5 && w[5] == 0xffff))) {
			n += fmt_v4(p + n, a + 12);
			return (n);
		}
		v = w[i];
		lead = true;
		for (sh = 12; sh >= 0; sh -= 4) {
			if (lead && sh > 0 && ((v >> sh) & 0xf) == 0)
				continue;
			lead = false;
			p[n++] = hex[(v >> sh) & 0xf];
		}
	}
	if (best != -1 && best + bestlen == 8)
		p[n++] = ':';
	return (n);
}

void
flow_name_vars_key(struct flow_name_vars *v, const struct flow_key *k,
    int dir)
{
	memset(v, 0, sizeof *v);
	v->af = k->af;
	v->src = dir == 0 ? k->a : k->b;
	v->dst = dir == 0 ? k->b : k->a;
	v->sport = dir == 0 ? k->pa : k->pb;
	v->dport = dir == 0 ? k->pb : k->pa;
	v->has_vlan = k->has_vlan;
	v->vlan = k->vlan;
}

size_t
flow_addr_fmt(uint8_t af, const uint8_t *a, char *p)
{
	return (af == FS_AF_INET6 ? fmt_v6(p, a) : fmt_v4(p, a));
}

/* File-name address text: IPv4 "010.000.000.001", IPv6 RFC 5952. */
void
flow_name_addr(uint8_t af, const uint8_t *a, char *buf)
{
	if (af == FS_AF_INET6)
		buf[fmt_v6(buf, a)] = '\0';
	else
		snprintf(buf, 46, "%03u.%03u.%03u.%03u",
		    a[0], a[1], a[2], a[3]);
}

/* Human address text: IPv4 "10.0.0.1", IPv6 RFC 5952. */
void
flow_addr_text(uint8_t af, const uint8_t *a, char *buf)
{
	buf[flow_addr_fmt(af, a, buf)] = '\0';
}
