/*
 * ui-render.c: stream bytes to display cells (text and hex lines) and the
 * byte-buffer search; see ui-render.h for the invariants.  No curses here:
 * the only locale-dependent call is wcwidth(), used after a code point has
 * been decoded from valid UTF-8 and only when the caller says the locale is
 * UTF-8.  The printable test for single bytes is escape_is_print() (ASCII
 * 0x20-0x7e), so no control byte ever becomes a cell of its own.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ui-render.h"

#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "escape.h"

#define SIZE_MAX_EST	4096	/* estimated nodes of a compiled pattern */
#define DEPTH_MAX	64	/* nested groups in a pattern */

static const char hexd[] = "0123456789abcdef";

static void	glyph_byte(const uint8_t *, struct ui_glyph *);
static void	glyph_codepoint(uint32_t, size_t, struct ui_glyph *);
static void	glyph_str(struct ui_glyph *, const char *);
static void	put_cell(struct ui_cell *, wchar_t, uint32_t, uint8_t, uint8_t,
		    uint8_t);
static int	check_pattern(const char *, char *, size_t);

/* Decode one UTF-8 sequence (RFC 3629 section 4 table of valid bytes). */
int
ui_render_utf8(const uint8_t *p, size_t len, uint32_t *cp)
{
	uint8_t	 b, lo, hi;
	size_t	 n, i;
	uint32_t c;

	if (len == 0)
		return (-1);
	b = p[0];
	lo = 0x80;
	hi = 0xbf;
	if (b < 0x80) {
		*cp = b;
		return (1);
	} else if (b >= 0xc2 && b <= 0xdf) {
		n = 2;
		c = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		n = 3;
		c = b & 0x0f;
		if (b == 0xe0)
			lo = 0xa0;		/* overlong */
		else if (b == 0xed)
			hi = 0x9f;		/* surrogates */
	} else if (b >= 0xf0 && b <= 0xf4) {
		n = 4;
		c = b & 0x07;
		if (b == 0xf0)
			lo = 0x90;		/* overlong */
		else if (b == 0xf4)
			hi = 0x8f;		/* above U+10FFFF */
	} else
		return (0);			/* 80-c1, f5-ff */
	for (i = 1; i < n; i++) {
		if (i >= len)
			return (-1);
		b = p[i];
		if (b < lo || b > hi)
			return (0);
		lo = 0x80;
		hi = 0xbf;
		c = c << 6 | (b & 0x3f);
	}
	*cp = c;
	return ((int)n);
}

/* Set the glyph to an escape spelled by ASCII s. */
static void
glyph_str(struct ui_glyph *g, const char *s)
{
	int	 i;

	for (i = 0; s[i] != '\0' && i < UI_GLYPH_MAX; i++)
		g->wc[i] = (wchar_t)(unsigned char)s[i];
	g->nwc = i;
	g->cols = i;
	g->escape = true;
}

/* One byte shown on its own: itself if printable ASCII, else escaped. */
static void
glyph_byte(const uint8_t *p, struct ui_glyph *g)
{
	char	 buf[5];
	uint8_t	 b = p[0];

	g->nbytes = 1;
	if (escape_is_print(b)) {
		g->wc[0] = (wchar_t)b;
		g->nwc = 1;
		g->cols = 1;
		return;
	}
	switch (b) {
	case '\0':
		glyph_str(g, "\\0");
		break;
	case '\t':
		glyph_str(g, "\\t");
		break;
	case '\r':
		glyph_str(g, "\\r");
		break;
	default:
		buf[0] = '\\';
		buf[1] = 'x';
		buf[2] = hexd[b >> 4];
		buf[3] = hexd[b & 0xf];
		buf[4] = '\0';
		glyph_str(g, buf);
		break;
	}
}

/* A valid code point of nbytes: itself if wcwidth() says 1 or 2 columns
 * (and it is not a C1 control), else \uXXXX or \UXXXXXX. */
static void
glyph_codepoint(uint32_t cp, size_t nbytes, struct ui_glyph *g)
{
	char	 buf[UI_GLYPH_MAX + 1];
	int	 w;

	g->nbytes = nbytes;
	w = cp < 0xa0 ? -1 : wcwidth((wchar_t)cp);
	if (w == 1 || w == 2) {
		g->wc[0] = (wchar_t)cp;
		g->nwc = 1;
		g->cols = w;
		return;
	}
	if (cp <= 0xffff)
		snprintf(buf, sizeof buf, "\\u%04x", (unsigned)cp);
	else
		snprintf(buf, sizeof buf, "\\U%06x", (unsigned)cp);
	glyph_str(g, buf);
}

/* What the bytes at p show as; see ui-render.h. */
int
ui_render_glyph(const uint8_t *p, size_t len, bool eof, bool utf8,
    struct ui_glyph *g)
{
	uint32_t cp;
	int	 n;

	memset(g, 0, sizeof *g);
	if (len == 0)
		return (0);
	if (p[0] == '\n') {
		g->nbytes = 1;
		g->newline = true;
		return (1);
	}
	if (p[0] < 0x80 || !utf8) {
		glyph_byte(p, g);
		return (1);
	}
	n = ui_render_utf8(p, len, &cp);
	if (n == -1 && !eof)
		return (0);
	if (n <= 0)
		glyph_byte(p, g);
	else
		glyph_codepoint(cp, (size_t)n, g);
	return (1);
}

static void
put_cell(struct ui_cell *c, wchar_t wc, uint32_t src, uint8_t nsrc,
    uint8_t cols, uint8_t role)
{
	c->wc = wc;
	c->src = src;
	c->nsrc = nsrc;
	c->cols = cols;
	c->role = role;
}

/* Lay out one text line; see ui-render.h. */
void
ui_render_text(const uint8_t *buf, size_t len, bool eof, bool utf8,
    int width, struct ui_cell *cells, struct ui_line *ln)
{
	struct ui_glyph g;
	size_t	 pos, n;
	uint32_t src;
	int	 cols, i, role;

	memset(ln, 0, sizeof *ln);
	if (width < 1)
		width = 1;
	pos = 0;
	n = 0;
	cols = 0;
	while (pos < len) {
		if (ui_render_glyph(buf + pos, len - pos, eof, utf8, &g) == 0) {
			ln->more = cols < width;
			break;
		}
		if (g.newline) {
			pos++;
			ln->nl = true;
			break;
		}
		src = pos > UINT32_MAX ? UINT32_MAX - 1 : (uint32_t)pos;
		role = g.escape ? UC_ESCAPE : UC_TEXT;
		if (cols + g.cols > width) {
			if (n > 0)
				break;
			/* Alone and too wide: cut it, still consume it. */
			if (!g.escape) {
				put_cell(&cells[n++], L'>', src,
				    (uint8_t)g.nbytes, 1, UC_ESCAPE);
				cols = 1;
			} else {
				for (i = 0; i < g.nwc && cols < width; i++) {
					put_cell(&cells[n++], g.wc[i], src,
					    (uint8_t)g.nbytes, 1, UC_ESCAPE);
					cols++;
				}
			}
			pos += g.nbytes;
			break;
		}
		for (i = 0; i < g.nwc; i++)
			put_cell(&cells[n++], g.wc[i], src, (uint8_t)g.nbytes,
			    g.escape ? 1 : (uint8_t)g.cols, (uint8_t)role);
		cols += g.cols;
		pos += g.nbytes;
	}
	ln->used = pos;
	ln->ncells = n;
	ln->cols = cols;
}

/* Hex digits for offsets up to maxoff. */
int
ui_render_hex_digits(uint64_t maxoff)
{
	int	 d;

	for (d = 8; d < 16 && (maxoff >> (4 * d)) != 0; d++)
		continue;
	return (d);
}

/* Columns of a full hex line. */
int
ui_render_hex_cols(int digits, int bpl)
{
	return (digits + 2 + bpl * 2 + (bpl + 1) / 2 + 1 + bpl);
}

/* Bytes per hex line that fit width. */
int
ui_render_hex_bpl(int width, int digits)
{
	int	 bpl;

	for (bpl = 16; bpl > 1; bpl /= 2)
		if (ui_render_hex_cols(digits, bpl) <= width)
			break;
	return (bpl);
}

/* Lay out one xxd-style hex line; see ui-render.h. */
size_t
ui_render_hex(const uint8_t *buf, size_t len, uint64_t off, int digits,
    int bpl, int width, struct ui_cell *cells, size_t maxcells)
{
	size_t	 n, nb;
	int	 i, d;
	uint8_t	 b;

#define PUT(wc, src, nsrc, role) do {					\
	if ((int)n >= width || n >= maxcells)				\
		return (n);						\
	put_cell(&cells[n++], (wc), (src), (nsrc), 1, (role));		\
} while (0)

	if (digits < 1 || digits > 16)
		digits = 16;
	if (bpl < 1)
		bpl = 1;
	nb = len < (size_t)bpl ? len : (size_t)bpl;
	n = 0;
	for (d = digits - 1; d >= 0; d--)
		PUT((wchar_t)hexd[d >= 16 ? 0 : (off >> (4 * d)) & 0xf],
		    UI_CELL_NOSRC, 0, UC_OFFSET);
	PUT(L':', UI_CELL_NOSRC, 0, UC_OFFSET);
	PUT(L' ', UI_CELL_NOSRC, 0, UC_PAD);
	for (i = 0; i < bpl; i++) {
		if ((size_t)i < nb) {
			b = buf[i];
			PUT((wchar_t)hexd[b >> 4], (uint32_t)i, 1, UC_TEXT);
			PUT((wchar_t)hexd[b & 0xf], (uint32_t)i, 1, UC_TEXT);
		} else {
			PUT(L' ', UI_CELL_NOSRC, 0, UC_PAD);
			PUT(L' ', UI_CELL_NOSRC, 0, UC_PAD);
		}
		if (i % 2 == 1 || i == bpl - 1)
			PUT(L' ', UI_CELL_NOSRC, 0, UC_PAD);
	}
	PUT(L' ', UI_CELL_NOSRC, 0, UC_PAD);
	for (i = 0; (size_t)i < nb; i++) {
		b = buf[i];
		if (escape_is_print(b))
			PUT((wchar_t)b, (uint32_t)i, 1, UC_TEXT);
		else
			PUT(L'.', (uint32_t)i, 1, UC_ESCAPE);
	}
#undef PUT
	return (n);
}

/*
 * Refuse what makes POSIX regex engines slow or huge.  Back-references
 * make matching exponential.  glibc expands "x+" into "xx*" and "x{n,m}"
 * into m copies of x, so stacked or nested repetition ("a++++...",
 * "((a{9}){9}){9}") grows the compiled pattern geometrically, and "+" or
 * "{}" applied to something that can match the empty string ("(a*)+",
 * "a*+") makes its epsilon closures explode (seconds for 20 bytes of
 * pattern); so do stacked repeats ("a**", undefined in POSIX anyway).
 * This walks the pattern once, estimating the size of the
 * expansion with glibc's rules and tracking what can be empty; it refuses
 * more than SIZE_MAX_EST nodes and a repeated empty-able atom.  It errs on
 * the side of refusing: a '\1' in a bracket expression is refused too.
 */
static int
check_pattern(const char *p, char *err, size_t errlen)
{
	unsigned long seq[DEPTH_MAX], alt[DEPTH_MAX], last, a, b, k;
	bool	 seqnull[DEPTH_MAX], altnull[DEPTH_MAX], prevnull[DEPTH_MAX];
	bool	 lastnull, atom, rep, quant, prevq = false;
	const char *s;
	char	*end;
	int	 d = 0;

	seq[0] = alt[0] = last = 0;
	seqnull[0] = prevnull[0] = true;
	altnull[0] = lastnull = false;
	for (s = p; *s != '\0'; s++) {
		atom = rep = quant = false;
		switch (*s) {
		case '\\':
			if (s[1] >= '1' && s[1] <= '9') {
				snprintf(err, errlen,
				    "back-references not supported");
				return (-1);
			}
			if (s[1] != '\0')
				s++;
			last = 1;
			lastnull = *s == '<' || *s == '>' || *s == 'b' ||
			    *s == 'B' || *s == '`' || *s == '\'';
			atom = true;
			break;
		case '[':
			/* A bracket expression is one atom. */
			s++;
			if (*s == '^')
				s++;
			if (*s == ']')
				s++;
			while (*s != '\0' && *s != ']') {
				if (s[0] == '[' && (s[1] == ':' ||
				    s[1] == '.' || s[1] == '=')) {
					end = strchr(s + 2, s[1]);
					while (end != NULL && end[1] != ']')
						end = strchr(end + 1, s[1]);
					if (end == NULL)
						break;
					s = end + 2;
				} else
					s++;
			}
			if (*s == '\0')
				s--;
			last = 1;
			lastnull = false;
			atom = true;
			break;
		case '(':
			if (++d >= DEPTH_MAX) {
				snprintf(err, errlen, "too many groups");
				return (-1);
			}
			seq[d] = alt[d] = 0;
			seqnull[d] = prevnull[d] = true;
			altnull[d] = false;
			break;
		case ')':
			if (d == 0) {
				last = 1;	/* a literal ')' */
				lastnull = false;
				atom = true;
				break;
			}
			last = alt[d] + seq[d] + 1;
			lastnull = altnull[d] || seqnull[d];
			d--;
			atom = true;
			break;
		case '|':
			alt[d] += seq[d] + 1;
			altnull[d] = altnull[d] || seqnull[d];
			seq[d] = 0;
			seqnull[d] = prevnull[d] = true;
			break;
		case '*':
		case '?':
			quant = true;
			lastnull = true;
			seqnull[d] = prevnull[d];
			break;
		case '+':
			quant = rep = true;
			seq[d] += last;
			last *= 2;
			break;
		case '{':
			if (s[1] < '0' || s[1] > '9') {
				last = 1;
				lastnull = false;
				atom = true;
				break;
			}
			a = strtoul(s + 1, &end, 10);
			b = a;
			if (*end == ',') {
				if (end[1] >= '0' && end[1] <= '9')
					b = strtoul(end + 1, &end, 10);
				else {
					b = a + 1;
					end++;
				}
			}
			if (a > SIZE_MAX_EST || b > SIZE_MAX_EST)
				a = b = SIZE_MAX_EST;
			k = (a > b ? a : b) + 1;
			quant = rep = true;
			seq[d] += last * (k - 1);
			last *= k;
			s = *end == '}' ? end : end - 1;
			if (a == 0) {
				if (lastnull) {
					snprintf(err, errlen, "repeat of "
					    "something that can be empty");
					return (-1);
				}
				lastnull = true;
				seqnull[d] = prevnull[d];
				rep = false;
			}
			break;
		case '^':
		case '$':
			last = 1;
			lastnull = true;
			atom = true;
			break;
		default:
			last = 1;
			lastnull = false;
			atom = true;
			break;
		}
		if (quant && prevq) {
			snprintf(err, errlen, "stacked repeats (a** a+*)");
			return (-1);
		}
		prevq = quant;
		if (rep && lastnull) {
			snprintf(err, errlen,
			    "repeat of something that can be empty");
			return (-1);
		}
		if (atom) {
			prevnull[d] = seqnull[d];
			seqnull[d] = seqnull[d] && lastnull;
			seq[d] += last;
		}
		if (last > SIZE_MAX_EST || seq[d] + alt[d] > SIZE_MAX_EST) {
			snprintf(err, errlen, "pattern too complex");
			return (-1);
		}
	}
	return (0);
}

/* Compile a search pattern; see ui-render.h. */
int
ui_search_compile(struct ui_search *s, const char *pattern, bool icase,
    char *err, size_t errlen)
{
	regmatch_t m[1];
	char	 msg[128];
	int	 rv;

	memset(s, 0, sizeof *s);
	if (pattern[0] == '\0') {
		snprintf(err, errlen, "empty pattern");
		return (-1);
	}
	if (check_pattern(pattern, err, errlen) == -1)
		return (-1);
	rv = regcomp(&s->re, pattern, REG_EXTENDED | REG_NEWLINE |
	    (icase ? REG_ICASE : 0));
	if (rv != 0) {
		regerror(rv, &s->re, msg, sizeof msg);
		snprintf(err, errlen, "bad pattern: %s", msg);
		return (-1);
	}
	if (regexec(&s->re, "", 1, m, 0) == 0) {
		regfree(&s->re);
		snprintf(err, errlen, "pattern matches the empty string");
		return (-1);
	}
	s->ok = true;
	s->icase = icase;
	return (0);
}

/* The first non-empty match starting in [from, len); see ui-render.h. */
int
ui_search_next(const struct ui_search *s, const uint8_t *buf, size_t len,
    size_t from, bool bol, size_t *so, size_t *eo)
{
	regmatch_t m[1];
	size_t	 pos;

	if (!s->ok || buf == NULL)
		return (0);
	if (len > INT_MAX / 2)		/* regoff_t may be an int */
		len = INT_MAX / 2;
	for (pos = from; pos < len; pos = (size_t)m[0].rm_so + 1) {
		m[0].rm_so = (regoff_t)pos;
		m[0].rm_eo = (regoff_t)len;
		if (regexec(&s->re, (const char *)buf, 1, m,
		    REG_STARTEND | (bol ? 0 : REG_NOTBOL)) != 0)
			return (0);
		if (m[0].rm_so < (regoff_t)pos || m[0].rm_eo > (regoff_t)len ||
		    m[0].rm_so > m[0].rm_eo)
			return (0);	/* an engine we do not understand */
		if (m[0].rm_eo > m[0].rm_so) {
			*so = (size_t)m[0].rm_so;
			*eo = (size_t)m[0].rm_eo;
			return (1);
		}
	}
	return (0);
}

/* The last non-empty match starting in [from, before); see ui-render.h. */
int
ui_search_prev(const struct ui_search *s, const uint8_t *buf, size_t len,
    size_t from, size_t before, bool bol, size_t *so, size_t *eo)
{
	size_t	 pos, a, b;
	int	 found = 0;

	for (pos = from; pos < before; pos = a + 1) {
		if (ui_search_next(s, buf, len, pos, bol, &a, &b) == 0 ||
		    a >= before)
			break;
		*so = a;
		*eo = b;
		found = 1;
	}
	return (found);
}

/* Free a compiled search (safe on one that failed to compile). */
void
ui_search_free(struct ui_search *s)
{
	if (s->ok)
		regfree(&s->re);
	s->ok = false;
}
