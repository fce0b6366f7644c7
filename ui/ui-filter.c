/*
 * ui-filter.c: compile and match the flow list's filter (language in
 * ui-filter.h).
 *
 * A compiled filter is a conjunction of clauses, each a disjunction of
 * terms (`or` binds tighter than the implicit "and").  Clauses that need no
 * text run first; the row's text is built at most once per match, only
 * when a substring term needs it, by the formatters below (no inet_ntop,
 * no snprintf: a million rows per keystroke).  Substring patterns are
 * lowercased at compile time and the text is lowercased as it is built
 * (ASCII only, no locale), so the search itself is a plain memmem.
 *
 * Invariants: every term is checked at compile time (ranges, prefixes,
 * states), so matching never fails; the text buffer is sized for the
 * longest possible row text and every write into it is bounded.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ui-filter.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "flow-name.h"
#include "xmalloc.h"

enum term_kind {
	TERM_TEXT,
	TERM_HOST,
	TERM_PORT,
	TERM_VLAN,
	TERM_STATE,
	TERM_BYTES,		/* both ways */
	TERM_CBYTES,
	TERM_SBYTES,
	TERM_PACKETS
};

enum term_side {
	SIDE_EITHER,
	SIDE_CLIENT,
	SIDE_SERVER
};

struct term {
	uint8_t		 kind;		/* enum term_kind */
	uint8_t		 side;		/* enum term_side (host, port) */
	bool		 neg;
	bool		 bracket;	/* text has [ or ]: match "[a]:p" form */
	bool		 inhint;	/* any match lies inside the hint */
	uint8_t		 v4mode;	/* V4_*: how to match an IPv4 row */
	uint8_t		 nseg;		/* V4_QUAD: dots in the text + 1 */
	uint64_t	 oct[4][4];	/* V4_QUAD: octets each segment fits */
	uint8_t		*portbits;	/* V4_QUAD, no dot: ports holding it */
	uint8_t		 af;		/* host: FS_AF_INET or FS_AF_INET6 */
	uint8_t		 plen;		/* host: prefix length in bits */
	uint8_t		 states;	/* state: bit per ui_row_state */
	uint16_t	 num;		/* port, vlan */
	uint8_t		 addr[16];	/* host: masked to plen */
	uint64_t	 lo, hi;	/* bytes, packets: lo <= v <= hi */
	char		*text;		/* substring, lowercased */
	size_t		 len;
};

/*
 * A substring on an IPv4 row, whose address part ("A.B.C.D:P E.F.G.H:Q ")
 * holds only digits, '.', ':' and ' ':
 *	V4_TEXT	build the text and search it
 *	V4_HINT	the pattern has another byte before its first space, so
 *		only the hint can hold it
 *	V4_QUAD	the pattern is digits and dots: it fits in an address, a
 *		port or the hint, tested without formatting (term_quad)
 */
enum { V4_TEXT, V4_HINT, V4_QUAD };

struct clause {
	size_t		 first;		/* index into terms */
	size_t		 n;
};

struct ui_filter {
	struct term	*terms;
	size_t		 nterms;
	struct clause	*clauses;
	size_t		 nclauses;
};

/*
 * Longest row text: two "[" IPv6 "]:" port, spaces, the hint.  An IPv6
 * address is at most 45 characters ("ffff:...:255.255.255.255").
 */
#define ENDPOINT_MAX	(1 + 45 + 2 + 5)
#define TEXT_MAX	(2 * ENDPOINT_MAX + 2 + ROW_HINT_LEN + 1)

/*
 * The row's text, built on demand during one match: TEXT_PLAIN, the same
 * with IPv6 addresses bracketed, or only the hint, for patterns that can
 * only match inside it.  The buffers have slack for the formatters'
 * whole-word writes.
 */
enum { TEXT_PLAIN, TEXT_BRACKET, TEXT_HINT, TEXT_NFORMS };

struct rowtext {
	bool		 have[TEXT_NFORMS];
	size_t		 len[TEXT_NFORMS];
	char		 buf[TEXT_NFORMS][TEXT_MAX + 16];
};

/* Bytes the address part of a row's text can hold ("[a]:p [b]:q "). */
static const char addr_bytes[] = "0123456789abcdef.:[] ";

/* Parser state over the filter text. */
struct parser {
	const char	*p;
	char		 msg[128];	/* first error, "" if none */
	struct term	*terms;
	size_t		 nterms;
	size_t		 cap;
	bool		*orn;		/* orn[i]: term i is or-ed with i+1 */
};

static const char *const state_names[ROW_NSTATES] = {
	"syn", "open", "closed", "reset", "timeout", "ended"
};

#define STATES_ALL	((uint8_t)((1u << ROW_NSTATES) - 1))

static inline char	 lower(char);
static bool		 word_is(const char *, size_t, const char *);
static void		 seterr(struct parser *, const char *, ...)
			    __attribute__((format(printf, 2, 3)));
static size_t		 next_word(struct parser *, const char **, bool *);
static struct term	*new_term(struct parser *);
static int		 parse_number(const char *, size_t, bool, uint64_t *);
static int		 parse_host(struct parser *, struct term *,
			    const char *, size_t);
static int		 parse_uint(struct parser *, const char *,
			    const char *, size_t, uint64_t, uint16_t *);
static int		 parse_states(struct parser *, struct term *,
			    const char *, size_t);
static int		 parse_compare(struct parser *, struct term *,
			    const char *, const char *, size_t, size_t);
static int		 parse_term(struct parser *, struct term *);
static int		 term_cost(const struct term *);
static size_t		 fmt_u16(char *, unsigned int);
static size_t		 fmt_endpoint(char *, const struct flow_key *, int,
			    bool);
static void		 build_text(struct rowtext *, const struct ui_row *,
			    int);
static size_t		 copy_hint(char *, const char *);
static bool		 find(const char *, size_t, const char *, size_t);
static void		 text_prepare(struct term *);
static bool		 quad_match(const struct term *, const uint8_t *);
static bool		 host_in(const struct term *, const uint8_t *);
static bool		 term_match(const struct term *,
			    const struct ui_row *, struct rowtext *);
static bool		 term_implies(const struct term *,
			    const struct term *);
static bool		 pos_implies(const struct term *,
			    const struct term *);
static bool		 clause_implies(const struct ui_filter *,
			    const struct clause *, const struct ui_filter *,
			    const struct clause *);

/* ASCII lowercase, locale-independent. */
static inline char
lower(char c)
{
	return (c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
}

/* Case-insensitive compare of the word w (n bytes) with keyword kw. */
static bool
word_is(const char *w, size_t n, const char *kw)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (kw[i] == '\0' || lower(w[i]) != kw[i])
			return (false);
	}
	return (kw[n] == '\0');
}

static void
seterr(struct parser *ps, const char *fmt, ...)
{
	va_list	 ap;

	if (ps->msg[0] != '\0')
		return;		/* keep the first, innermost message */
	va_start(ap, fmt);
	vsnprintf(ps->msg, sizeof ps->msg, fmt, ap);
	va_end(ap);
}

/*
 * The next space-separated word: its start in *w, its length returned, 0 at
 * the end.  A word starting with '"' runs to the next '"' (or the end of
 * the text, so an unfinished quote still filters while typing) and sets
 * *quoted; the quotes are not part of the word.
 */
static size_t
next_word(struct parser *ps, const char **w, bool *quoted)
{
	const char	*s;

	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
	*quoted = false;
	if (*ps->p == '"') {
		*quoted = true;
		*w = ++ps->p;
		s = strchr(ps->p, '"');
		if (s == NULL)
			s = ps->p + strlen(ps->p);
		ps->p = *s == '"' ? s + 1 : s;
		return ((size_t)(s - *w));
	}
	*w = ps->p;
	while (*ps->p != '\0' && *ps->p != ' ' && *ps->p != '\t')
		ps->p++;
	return ((size_t)(ps->p - *w));
}

static struct term *
new_term(struct parser *ps)
{
	if (ps->nterms == ps->cap) {
		ps->cap = ps->cap == 0 ? 8 : ps->cap * 2;
		ps->terms = xreallocarray(ps->terms, ps->cap,
		    sizeof *ps->terms);
		ps->orn = xreallocarray(ps->orn, ps->cap, sizeof *ps->orn);
	}
	memset(&ps->terms[ps->nterms], 0, sizeof *ps->terms);
	ps->orn[ps->nterms] = false;
	return (&ps->terms[ps->nterms++]);
}

/*
 * Decimal digits, with an optional k/M/G/T (1024-based) suffix if
 * suffixed, into *v.  Returns -1 on anything else or on overflow.
 */
static int
parse_number(const char *s, size_t n, bool suffixed, uint64_t *v)
{
	uint64_t	 x, mul;
	size_t		 i;

	x = 0;
	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (x > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return (-1);
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == 0)
		return (-1);
	mul = 1;
	if (i < n && suffixed) {
		switch (lower(s[i])) {
		case 'k':
			mul = 1ULL << 10;
			break;
		case 'm':
			mul = 1ULL << 20;
			break;
		case 'g':
			mul = 1ULL << 30;
			break;
		case 't':
			mul = 1ULL << 40;
			break;
		default:
			return (-1);
		}
		i++;
	}
	if (i != n)
		return (-1);
	if (x > UINT64_MAX / mul)
		return (-1);
	*v = x * mul;
	return (0);
}

/* "ADDR", "ADDR/PREFIX" or "[ADDR]" into t; host bits are cleared. */
static int
parse_host(struct parser *ps, struct term *t, const char *w, size_t n)
{
	char		 buf[64];
	const char	*slash;
	size_t		 alen, i;
	uint64_t	 plen;
	unsigned int	 bits;

	slash = memchr(w, '/', n);
	alen = slash != NULL ? (size_t)(slash - w) : n;
	if (alen >= 2 && w[0] == '[' && w[alen - 1] == ']') {
		memcpy(buf, w + 1, alen - 2 < sizeof buf ? alen - 2 : 0);
		alen -= 2;
	} else if (alen < sizeof buf)
		memcpy(buf, w, alen);
	if (alen >= sizeof buf)
		goto bad;
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, t->addr) == 1) {
		t->af = FS_AF_INET;
		bits = 32;
	} else if (inet_pton(AF_INET6, buf, t->addr) == 1) {
		t->af = FS_AF_INET6;
		bits = 128;
	} else
		goto bad;
	t->plen = (uint8_t)bits;
	if (slash != NULL) {
		if (parse_number(slash + 1, n - (size_t)(slash + 1 - w), false,
		    &plen) != 0 || plen > bits) {
			seterr(ps, "host: /%.*s is not a prefix length "
			    "(0-%u)", (int)(n - (size_t)(slash + 1 - w)),
			    slash + 1, bits);
			return (-1);
		}
		t->plen = (uint8_t)plen;
	}
	for (i = 0; i < 16; i++) {
		if (i * 8 >= t->plen)
			t->addr[i] = 0;
		else if (i * 8 + 8 > t->plen)
			t->addr[i] &= (uint8_t)(0xff00u >> (t->plen - i * 8));
	}
	return (0);

bad:
	seterr(ps, "host: %.*s is not an address", (int)(n > 60 ? 60 : n), w);
	return (-1);
}

/* A plain decimal at most max into *v; kw names the term in errors. */
static int
parse_uint(struct parser *ps, const char *kw, const char *w, size_t n,
    uint64_t max, uint16_t *v)
{
	uint64_t	 x;

	if (parse_number(w, n, false, &x) != 0 || x > max) {
		seterr(ps, "%s: %.*s is not a %s", kw, (int)(n > 60 ? 60 : n),
		    w, strcmp(kw, "port") == 0 ? "port" : "VLAN id (0-4095)");
		return (-1);
	}
	*v = (uint16_t)x;
	return (0);
}

/* "S[,S...]" into t->states. */
static int
parse_states(struct parser *ps, struct term *t, const char *w, size_t n)
{
	const char	*s, *e;
	size_t		 i, len;
	uint8_t		 m;

	t->states = 0;
	for (s = w;; s = e + 1) {
		e = memchr(s, ',', (size_t)(w + n - s));
		if (e == NULL)
			e = w + n;
		len = (size_t)(e - s);
		if (len == 0) {
			seterr(ps, "state: needs a state between commas");
			return (-1);
		}
		m = 0;
		for (i = 0; i < ROW_NSTATES; i++) {
			if (word_is(s, len, state_names[i]))
				m = (uint8_t)(1u << i);
		}
		/* "open" means not finished: a connection in its handshake
		 * is open too.  "syn" alone picks the handshake. */
		if (m == 1u << ROW_OPEN)
			m |= 1u << ROW_SYN;
		if (word_is(s, len, "done") || word_is(s, len, "finished"))
			m = STATES_ALL & ~((1u << ROW_SYN) | (1u << ROW_OPEN));
		if (m == 0) {
			seterr(ps, "state: %.*s is not a state (syn open "
			    "closed reset timeout ended done)",
			    (int)(len > 40 ? 40 : len), s);
			return (-1);
		}
		t->states |= m;
		if (e == w + n)
			break;
	}
	return (0);
}

/*
 * A comparison: the keyword (kwlen bytes of w) then OP and N, in this word
 * or the next ones ("bytes>1M", "bytes >1M", "bytes > 1M").
 */
static int
parse_compare(struct parser *ps, struct term *t, const char *name,
    const char *w, size_t n, size_t kwlen)
{
	char		 buf[64];
	const char	*s, *x;
	size_t		 blen, xlen;
	uint64_t	 v;
	bool		 quoted;
	int		 op;

	blen = 0;
	s = w + kwlen;
	for (;;) {
		xlen = (size_t)(w + n - s);
		if (blen + xlen >= sizeof buf)
			goto bad;
		memcpy(buf + blen, s, xlen);
		blen += xlen;
		buf[blen] = '\0';
		/* Done when there is a digit after the operator. */
		if (blen > 0 && strpbrk(buf, "0123456789") != NULL)
			break;
		xlen = next_word(ps, &x, &quoted);
		if (xlen == 0 || quoted)
			goto bad;
		w = s = x;
		n = xlen;
	}
	s = buf;
	if (strncmp(s, ">=", 2) == 0)
		op = 'g';
	else if (strncmp(s, "<=", 2) == 0)
		op = 'l';
	else if (strncmp(s, "==", 2) == 0)
		op = '=', s++;
	else
		op = *s;
	s += op == '>' || op == '<' || op == '=' ? 1 : 2;
	if ((op != '>' && op != '<' && op != '=' && op != 'g' && op != 'l') ||
	    parse_number(s, strlen(s), true, &v) != 0)
		goto bad;
	t->lo = 0;
	t->hi = UINT64_MAX;
	switch (op) {
	case '>':
		if (v == UINT64_MAX)
			t->lo = 1, t->hi = 0;	/* matches nothing */
		else
			t->lo = v + 1;
		break;
	case 'g':
		t->lo = v;
		break;
	case '<':
		if (v == 0)
			t->lo = 1, t->hi = 0;
		else
			t->hi = v - 1;
		break;
	case 'l':
		t->hi = v;
		break;
	default:
		t->lo = t->hi = v;
		break;
	}
	return (0);

bad:
	seterr(ps, "%s: needs an operator and a number, e.g. %s>10k",
	    name, name);
	return (-1);
}

/*
 * One term, with its optional not/!/src/dst prefixes, into t.  Returns 0,
 * 1 at the end of the text (t unused), -1 on error.
 */
static int
parse_term(struct parser *ps, struct term *t)
{
	static const struct {
		const char	*name;
		uint8_t		 kind;
	} cmps[] = {
		{ "cbytes", TERM_CBYTES },
		{ "sbytes", TERM_SBYTES },
		{ "bytes", TERM_BYTES },
		{ "packets", TERM_PACKETS },
	};
	const char	*w, *a, *kw;
	size_t		 n, alen, i, k;
	bool		 quoted, aq;

	n = next_word(ps, &w, &quoted);
	if (n == 0 && !quoted)
		return (1);
	if (!quoted && (word_is(w, n, "not") || (n == 1 && *w == '!'))) {
		t->neg = !t->neg;
		if (parse_term(ps, t) != 0) {
			seterr(ps, "not: needs a term after it");
			return (-1);
		}
		return (0);
	}
	if (!quoted && n > 1 && *w == '!') {
		t->neg = !t->neg;
		w++;
		n--;
	}
	if (!quoted && t->side == SIDE_EITHER &&
	    (word_is(w, n, "src") || word_is(w, n, "dst"))) {
		t->side = lower(*w) == 's' ? SIDE_CLIENT : SIDE_SERVER;
		kw = lower(*w) == 's' ? "src" : "dst";
		n = next_word(ps, &w, &quoted);
		if (quoted || !(word_is(w, n, "host") ||
		    word_is(w, n, "port"))) {
			seterr(ps, "%s: needs host or port after it", kw);
			return (-1);
		}
	}
	if (quoted)
		goto text;

	for (i = 0; i < sizeof cmps / sizeof cmps[0]; i++) {
		k = strlen(cmps[i].name);
		if (n < k || !word_is(w, k, cmps[i].name))
			continue;
		if (n > k && w[k] != '<' && w[k] != '>' && w[k] != '=')
			continue;
		if (n == k) {
			/* "bytes" alone is a keyword only before an OP. */
			a = ps->p;
			while (*a == ' ' || *a == '\t')
				a++;
			if (*a != '<' && *a != '>' && *a != '=')
				continue;
		}
		t->kind = cmps[i].kind;
		return (parse_compare(ps, t, cmps[i].name, w, n, k));
	}

	if (word_is(w, n, "host") || word_is(w, n, "port") ||
	    word_is(w, n, "vlan") || word_is(w, n, "state")) {
		kw = lower(*w) == 'h' ? "host" : lower(*w) == 'p' ? "port" :
		    lower(*w) == 'v' ? "vlan" : "state";
		alen = next_word(ps, &a, &aq);
		if (alen == 0) {
			seterr(ps, "%s: needs %s after it", kw,
			    kw[0] == 'h' ? "an address" : kw[0] == 's' ?
			    "a state" : "a number");
			return (-1);
		}
		switch (kw[0]) {
		case 'h':
			t->kind = TERM_HOST;
			return (parse_host(ps, t, a, alen));
		case 'p':
			t->kind = TERM_PORT;
			return (parse_uint(ps, kw, a, alen, 65535, &t->num));
		case 'v':
			t->kind = TERM_VLAN;
			return (parse_uint(ps, kw, a, alen, 4095, &t->num));
		default:
			t->kind = TERM_STATE;
			if (parse_states(ps, t, a, alen) != 0)
				return (-1);
			if (t->neg)
				t->states = (uint8_t)(~t->states & STATES_ALL);
			t->neg = false;
			return (0);
		}
	}

text:
	t->kind = TERM_TEXT;
	t->text = xmalloc(n + 1);
	for (i = 0; i < n; i++)
		t->text[i] = lower(w[i]);
	t->text[n] = '\0';
	t->len = n;
	t->bracket = memchr(w, '[', n) != NULL || memchr(w, ']', n) != NULL;
	/*
	 * A match that starts before the hint spans "...PORT HINT": up to
	 * the pattern's first space it holds address bytes only.  So a
	 * pattern with any other byte before its first space (or anywhere,
	 * if it has none) can only match inside the hint.
	 */
	text_prepare(t);
	return (0);
}

/*
 * Work out how a substring term can match (inhint, v4mode) and, for
 * V4_QUAD, the octet sets: a pattern "s0.s1...sk" lies in a dotted quad
 * when, at some octet i, s0 ends octet i's text, s1..s(k-1) equal the next
 * octets' texts and sk begins octet i+k's text; with no dot, s0 lies in an
 * octet's text or a port's.
 */
static void
text_prepare(struct term *t)
{
	char		 o[8], *seg[4];
	size_t		 i, j, v, sl[4], ol;
	bool		 v4hint, quad, in;

	v4hint = false;
	quad = true;
	t->nseg = 1;
	for (i = 0; i < t->len && t->text[i] != ' '; i++) {
		/*
		 * A match that starts before the hint spans "...PORT HINT":
		 * up to the pattern's first space it holds address bytes
		 * only.  Any other byte there (or anywhere, with no space)
		 * puts every match inside the hint.
		 */
		if (strchr(addr_bytes, t->text[i]) == NULL)
			t->inhint = true;
		if (strchr("0123456789.: ", t->text[i]) == NULL)
			v4hint = true;
	}
	for (i = 0; i < t->len; i++) {
		if (t->text[i] == '.')
			t->nseg++;
		else if (t->text[i] < '0' || t->text[i] > '9')
			quad = false;
	}
	if (v4hint)
		t->v4mode = V4_HINT;
	else if (quad && t->nseg <= 4)
		t->v4mode = V4_QUAD;
	else
		t->v4mode = V4_TEXT;
	if (t->v4mode != V4_QUAD)
		return;

	seg[0] = t->text;
	for (i = 0, j = 0; i < t->len; i++) {
		if (t->text[i] == '.') {
			sl[j] = (size_t)(t->text + i - seg[j]);
			seg[++j] = t->text + i + 1;
		}
	}
	sl[j] = (size_t)(t->text + t->len - seg[j]);
	memset(t->oct, 0, sizeof t->oct);
	for (v = 0; v < 256; v++) {
		ol = (size_t)snprintf(o, sizeof o, "%zu", v);
		for (j = 0; j < t->nseg; j++) {
			if (t->nseg == 1)
				in = memmem(o, ol, seg[0], sl[0]) != NULL ||
				    sl[0] == 0;
			else if (j == 0)
				in = sl[0] <= ol &&
				    memcmp(o + ol - sl[0], seg[0], sl[0]) == 0;
			else if (j + 1 == t->nseg)
				in = sl[j] <= ol &&
				    memcmp(o, seg[j], sl[j]) == 0;
			else
				in = sl[j] == ol &&
				    memcmp(o, seg[j], sl[j]) == 0;
			if (in)
				t->oct[j][v / 64] |= 1ULL << (v % 64);
		}
	}
	if (t->nseg == 1) {
		t->portbits = xcalloc(65536 / 8, 1);
		for (v = 0; v < 65536; v++) {
			ol = fmt_u16(o, (unsigned int)v);
			if (memmem(o, ol, t->text, t->len) != NULL)
				t->portbits[v / 8] |= (uint8_t)(1u << (v % 8));
		}
	}
}

/* True if the V4_QUAD pattern lies in the dotted quad a. */
static bool
quad_match(const struct term *t, const uint8_t *a)
{
	size_t	 i, j;

	for (i = 0; i + t->nseg <= 4; i++) {
		for (j = 0; j < t->nseg; j++) {
			if ((t->oct[j][a[i + j] / 64] &
			    (1ULL << (a[i + j] % 64))) == 0)
				break;
		}
		if (j == t->nseg)
			return (true);
	}
	return (false);
}

/* Rough cost of matching a term: text terms build the row's text. */
static int
term_cost(const struct term *t)
{
	return (t->kind == TERM_TEXT ? 1 : 0);
}

struct ui_filter *
ui_filter_compile(const char *text, char *err, size_t errlen)
{
	struct parser	 ps;
	struct ui_filter *f;
	struct term	*t;
	const char	*w;
	size_t		 i, n, pass;
	bool		 quoted, want_or;
	int		 rv;

	memset(&ps, 0, sizeof ps);
	ps.p = text != NULL ? text : "";
	if (err != NULL && errlen > 0)
		*err = '\0';
	want_or = false;
	for (;;) {
		/* "or" / "and" between terms. */
		w = ps.p;
		n = next_word(&ps, &w, &quoted);
		if (!quoted && (word_is(w, n, "or") ||
		    (n == 2 && strncmp(w, "||", 2) == 0))) {
			if (ps.nterms == 0 || want_or) {
				seterr(&ps, "or: needs a term on each side");
				goto fail;
			}
			want_or = true;
			continue;
		}
		if (!quoted && (word_is(w, n, "and") ||
		    (n == 2 && strncmp(w, "&&", 2) == 0)))
			continue;
		ps.p = quoted ? w - 1 : w;
		if (want_or)
			ps.orn[ps.nterms - 1] = true;
		t = new_term(&ps);
		rv = parse_term(&ps, t);
		if (rv == 1) {
			ps.nterms--;
			if (want_or) {
				seterr(&ps, "or: needs a term on each side");
				goto fail;
			}
			break;
		}
		if (rv != 0)
			goto fail;
		want_or = false;
	}

	/* Group or-ed runs into clauses, cheap clauses first. */
	f = xcalloc(1, sizeof *f);
	f->terms = ps.terms;
	f->nterms = ps.nterms;
	f->clauses = xcalloc(ps.nterms + 1, sizeof *f->clauses);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < ps.nterms; i += n) {
			rv = 0;
			for (n = 0; i + n < ps.nterms; n++) {
				rv |= term_cost(&ps.terms[i + n]);
				if (!ps.orn[i + n]) {
					n++;
					break;
				}
			}
			if ((size_t)rv != pass)
				continue;
			f->clauses[f->nclauses].first = i;
			f->clauses[f->nclauses].n = n;
			f->nclauses++;
		}
	}
	free(ps.orn);
	return (f);

fail:
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", ps.msg[0] != '\0' ? ps.msg :
		    "bad filter");
	for (i = 0; i < ps.nterms; i++) {
		free(ps.terms[i].text);
		free(ps.terms[i].portbits);
	}
	free(ps.terms);
	free(ps.orn);
	return (NULL);
}

void
ui_filter_free(struct ui_filter *f)
{
	size_t	 i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nterms; i++) {
		free(f->terms[i].text);
		free(f->terms[i].portbits);
	}
	free(f->terms);
	free(f->clauses);
	free(f);
}

bool
ui_filter_is_empty(const struct ui_filter *f)
{
	return (f == NULL || f->nclauses == 0);
}

/* "00" to "99", for fmt_u16. */
static const char pairs[200 + 1] =
	"0001020304050607080910111213141516171819"
	"2021222324252627282930313233343536373839"
	"4041424344454647484950515253545556575859"
	"6061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* Decimal 0-65535 into p (no NUL); returns its length. */
static size_t
fmt_u16(char *p, unsigned int v)
{
	size_t	 n, i;

	n = v >= 10000 ? 5 : v >= 1000 ? 4 : v >= 100 ? 3 : v >= 10 ? 2 : 1;
	i = n;
	while (i >= 2) {
		i -= 2;
		memcpy(p + i, pairs + (v % 100) * 2, 2);
		v /= 100;
	}
	if (i == 1)
		p[0] = (char)('0' + v);
	return (n);
}

/*
 * One endpoint ("addr:port", or "[addr]:port" for IPv6 if bracket) of side
 * 0 (client) or 1 (server) into p, at most ENDPOINT_MAX bytes, no NUL.
 */
static size_t
fmt_endpoint(char *p, const struct flow_key *k, int side, bool bracket)
{
	const uint8_t	*a;
	unsigned int	 port;
	size_t		 n;

	/* side 0 is the client: endpoint a when client == 0, done by the
	 * caller passing (client ^ side). */
	a = side == 0 ? k->a : k->b;
	port = side == 0 ? k->pa : k->pb;
	n = 0;
	if (k->af == FS_AF_INET6) {
		if (bracket)
			p[n++] = '[';
		n += flow_addr_fmt(k->af, a, p + n);
		if (bracket)
			p[n++] = ']';
	} else
		n += flow_addr_fmt(k->af, a, p + n);
	p[n++] = ':';
	n += fmt_u16(p + n, port);
	return (n);
}

/*
 * The hint, lowercased, into p (40 bytes written, whole words); returns
 * its length.  ASCII letters only: bytes >= 0x80 are left alone.
 */
static size_t
copy_hint(char *p, const char *hint)
{
	uint64_t	 x, h7, up;
	size_t		 i;

	for (i = 0; i < ROW_HINT_LEN; i += 8) {
		memcpy(&x, hint + i, 8);
		h7 = x & 0x7f7f7f7f7f7f7f7fULL;
		up = ((h7 + 0x2525252525252525ULL) ^
		    (h7 + 0x3f3f3f3f3f3f3f3fULL)) & ~x & 0x8080808080808080ULL;
		x |= up >> 2;
		memcpy(p + i, &x, 8);
	}
	return (strnlen(p, ROW_HINT_LEN));
}

/* The row's text in the given form (TEXT_*), lowercased. */
static void
build_text(struct rowtext *rt, const struct ui_row *r, int form)
{
	char		*p;
	size_t		 n;
	int		 c;

	p = rt->buf[form];
	c = r->client & 1;
	if (form == TEXT_HINT) {
		rt->len[form] = copy_hint(p, r->hint);
		rt->have[form] = true;
		return;
	}
	n = fmt_endpoint(p, &r->key, c, form == TEXT_BRACKET);
	p[n++] = ' ';
	n += fmt_endpoint(p + n, &r->key, c ^ 1, form == TEXT_BRACKET);
	if (r->hint[0] != '\0') {
		p[n++] = ' ';
		n += copy_hint(p + n, r->hint);
	}
	p[n] = '\0';
	rt->len[form] = n;
	rt->have[form] = true;
}

/* True if pat (m >= 1 bytes) occurs in t (len bytes). */
static bool
find(const char *t, size_t len, const char *pat, size_t m)
{
	size_t	 i, last;
	char	 c0, c1;

	if (m > len)
		return (false);
	if (m == 1)
		return (memchr(t, pat[0], len) != NULL);
	c0 = pat[0];
	c1 = pat[1];
	last = len - m;
	for (i = 0; i <= last; i++) {
		if (t[i] == c0 && t[i + 1] == c1 &&
		    memcmp(t + i + 2, pat + 2, m - 2) == 0)
			return (true);
	}
	return (false);
}

size_t
ui_filter_endpoint(const struct ui_row *r, int server, char *buf, size_t len)
{
	char	 tmp[ENDPOINT_MAX + 16];
	size_t	 n;

	n = fmt_endpoint(tmp, &r->key, (r->client & 1) ^ (server != 0), true);
	tmp[n] = '\0';
	if (len > 0) {
		memcpy(buf, tmp, n < len ? n + 1 : len - 1);
		buf[n < len ? n : len - 1] = '\0';
	}
	return (n);
}

/* True if address a (of the row's family) is in t's network. */
static bool
host_in(const struct term *t, const uint8_t *a)
{
	unsigned int	 full, rest;

	full = t->plen / 8;
	rest = t->plen % 8;
	if (memcmp(a, t->addr, full) != 0)
		return (false);
	if (rest != 0 && ((a[full] & (0xff00u >> rest)) & 0xff) !=
	    t->addr[full])
		return (false);
	return (true);
}

/* Term t on row r, ignoring t->neg. */
static bool
term_match(const struct term *t, const struct ui_row *r,
    struct rowtext *rt)
{
	const struct flow_key *k;
	uint64_t	 v;
	int		 c, form;

	k = &r->key;
	c = r->client & 1;
	switch (t->kind) {
	case TERM_TEXT:
		if (t->len == 0)
			return (true);
		if (k->af != FS_AF_INET6 && t->v4mode == V4_QUAD) {
			if (quad_match(t, k->a) || quad_match(t, k->b))
				return (true);
			if (t->portbits != NULL &&
			    ((t->portbits[k->pa / 8] >> (k->pa % 8)) & 1 ||
			    (t->portbits[k->pb / 8] >> (k->pb % 8)) & 1))
				return (true);
			/* Digits and dots: no case to fold in the hint. */
			return (find(r->hint, strnlen(r->hint, ROW_HINT_LEN),
			    t->text, t->len));
		}
		if (t->inhint || (k->af != FS_AF_INET6 &&
		    t->v4mode == V4_HINT)) {
			if (r->hint[0] == '\0')
				return (false);
			form = TEXT_HINT;
		} else if (t->bracket && k->af == FS_AF_INET6)
			form = TEXT_BRACKET;
		else
			form = TEXT_PLAIN;
		if (!rt->have[form])
			build_text(rt, r, form);
		return (find(rt->buf[form], rt->len[form], t->text, t->len));
	case TERM_HOST:
		if (k->af != t->af)
			return (false);
		if (t->side != SIDE_SERVER &&
		    host_in(t, c == 0 ? k->a : k->b))
			return (true);
		return (t->side != SIDE_CLIENT &&
		    host_in(t, c == 0 ? k->b : k->a));
	case TERM_PORT:
		if (t->side != SIDE_SERVER &&
		    (c == 0 ? k->pa : k->pb) == t->num)
			return (true);
		return (t->side != SIDE_CLIENT &&
		    (c == 0 ? k->pb : k->pa) == t->num);
	case TERM_VLAN:
		return (k->has_vlan && k->vlan == t->num);
	case TERM_STATE:
		return (r->state < ROW_NSTATES &&
		    (t->states & (1u << r->state)) != 0);
	case TERM_BYTES:
		v = r->bytes[0] + r->bytes[1];
		if (v < r->bytes[0])
			v = UINT64_MAX;
		break;
	case TERM_CBYTES:
		v = r->bytes[c];
		break;
	case TERM_SBYTES:
		v = r->bytes[c ^ 1];
		break;
	case TERM_PACKETS:
		v = (uint64_t)r->packets[0] + r->packets[1];
		break;
	default:
		return (false);
	}
	return (v >= t->lo && v <= t->hi);
}

bool
ui_filter_match(const struct ui_filter *f, const struct ui_row *r)
{
	const struct clause *cl;
	const struct term *t;
	struct rowtext	 rt;
	size_t		 i, j;
	bool		 any;

	if (f == NULL)
		return (true);
	rt.have[TEXT_PLAIN] = rt.have[TEXT_BRACKET] = false;
	rt.have[TEXT_HINT] = false;
	for (i = 0; i < f->nclauses; i++) {
		cl = &f->clauses[i];
		any = false;
		for (j = 0; j < cl->n && !any; j++) {
			t = &f->terms[cl->first + j];
			any = term_match(t, r, &rt) != t->neg;
		}
		if (!any)
			return (false);
	}
	return (true);
}

/* Does un-negated a imply un-negated b (every row a matches, b matches)? */
static bool
pos_implies(const struct term *a, const struct term *b)
{
	size_t	 i;

	if (a->kind != b->kind)
		return (false);
	switch (a->kind) {
	case TERM_TEXT:
		/* a's pattern contains b's: a match of a is a match of b
		 * (a bracket-free pattern found in the bracketed text is
		 * also in the plain text, so the two forms agree). */
		if (b->len > a->len)
			return (false);
		if (b->len == 0)
			return (true);
		for (i = 0; i + b->len <= a->len; i++) {
			if (memcmp(a->text + i, b->text, b->len) == 0)
				return (true);
		}
		return (false);
	case TERM_HOST:
		return (a->af == b->af && a->plen >= b->plen &&
		    (b->side == SIDE_EITHER || a->side == b->side) &&
		    host_in(b, a->addr));
	case TERM_PORT:
		return (a->num == b->num &&
		    (b->side == SIDE_EITHER || a->side == b->side));
	case TERM_VLAN:
		return (a->num == b->num);
	case TERM_STATE:
		return ((a->states & ~b->states) == 0);
	default:
		return (a->lo >= b->lo && a->hi <= b->hi);
	}
}

/* Does term a imply term b, negations included? */
static bool
term_implies(const struct term *a, const struct term *b)
{
	if (a->neg != b->neg)
		return (false);
	return (a->neg ? pos_implies(b, a) : pos_implies(a, b));
}

/* Does new clause nc (of nf) imply old clause oc (of of)? */
static bool
clause_implies(const struct ui_filter *nf, const struct clause *nc,
    const struct ui_filter *of, const struct clause *oc)
{
	size_t	 i, j;
	bool	 found;

	for (i = 0; i < nc->n; i++) {
		found = false;
		for (j = 0; j < oc->n && !found; j++)
			found = term_implies(&nf->terms[nc->first + i],
			    &of->terms[oc->first + j]);
		if (!found)
			return (false);
	}
	return (true);
}

bool
ui_filter_narrows(const struct ui_filter *of, const struct ui_filter *nf)
{
	size_t	 i, j;
	bool	 found;

	if (ui_filter_is_empty(of))
		return (true);
	if (nf == NULL)
		return (false);
	for (i = 0; i < of->nclauses; i++) {
		found = false;
		for (j = 0; j < nf->nclauses && !found; j++)
			found = clause_implies(nf, &nf->clauses[j], of,
			    &of->clauses[i]);
		if (!found)
			return (false);
	}
	return (true);
}
