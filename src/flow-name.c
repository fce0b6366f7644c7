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
static void	addr6_text(const uint8_t *, char *);

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

/*
 * RFC 5952 text of an IPv6 address, as glibc's inet_ntop writes it:
 * lowercase hex without leading zeros (4.1, 4.3), the longest run of two or
 * more zero groups replaced by "::", leftmost on ties (4.2.1-4.2.3), and the
 * dotted-quad tail for IPv4-mapped (::ffff:a.b.c.d, section 5) and the
 * deprecated IPv4-compatible form (::a.b.c.d).  buf holds 46 bytes.
 */
static void
addr6_text(const uint8_t *a, char *buf)
{
	unsigned	 w[8];
	int		 i, best, bestlen, cur, curlen;
	size_t		 n;

	for (i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	best = cur = -1;
	bestlen = curlen = 0;
	for (i = 0; i < 8; i++) {
		if (w[i] == 0) {
			if (cur < 0) {
				cur = i;
				curlen = 0;
			}
			curlen++;
			if (curlen > bestlen) {
				best = cur;
				bestlen = curlen;
			}
		} else
			cur = -1;
	}
	if (bestlen < 2)
		best = -1;

	n = 0;
	for (i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + bestlen) {
			if (i == best)
				buf[n++] = ':';
			continue;
		}
		if (i > 0)
			buf[n++] = ':';
		if (i == 6 && best == 0 && (bestlen == 6 ||
		    (bestlen == 5 && w[5] == 0xffff))) {
			snprintf(buf + n, 46 - n, "%u.%u.%u.%u",
			    a[12], a[13], a[14], a[15]);
			return;
		}
		n += (size_t)snprintf(buf + n, 46 - n, "%x", w[i]);
	}
	if (best >= 0 && best + bestlen == 8)
		buf[n++] = ':';
	buf[n] = '\0';
}

/* File-name address text: IPv4 "010.000.000.001", IPv6 RFC 5952. */
void
flow_name_addr(uint8_t af, const uint8_t *a, char *buf)
{
	if (af == FS_AF_INET6)
		addr6_text(a, buf);
	else
		snprintf(buf, 46, "%03u.%03u.%03u.%03u",
		    a[0], a[1], a[2], a[3]);
}

/* Human address text: IPv4 "10.0.0.1", IPv6 RFC 5952. */
void
flow_addr_text(uint8_t af, const uint8_t *a, char *buf)
{
	if (af == FS_AF_INET6)
		addr6_text(a, buf);
	else
		snprintf(buf, 46, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}
