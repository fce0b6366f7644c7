/*
 * escape.c: make untrusted bytes safe for a terminal (tcpflow -c and -D
 * layouts) or for an XML document (report.xml).
 *
 * Invariants: the character test is escape_is_print() (ASCII 0x20-0x7e, no
 * locale), so no ESC, C1 control (0x80-0x9f) or other byte that a terminal
 * interprets ever leaves escape_console or escape_hexdump unchanged, apart
 * from \n and \r, which tcpflow -c passes through.  escape_xml emits only
 * characters XML 1.0 allows: bytes it forbids and invalid UTF-8 become '?'.
 * Every function reports a write error as -1 and never stops half-way
 * silently.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "escape.h"

#include <string.h>

#define HEX_PER_LINE	32	/* bytes per tcpflow -D line */

static size_t	utf8_seq(const uint8_t *p, size_t len, uint32_t *cp);
static size_t	hex_width(size_t nbytes);

/* Write bytes for tcpflow -c: non-printable except \n and \r become '.'. */
int
escape_console(FILE *out, const uint8_t *p, size_t len)
{
	char	 buf[4096];
	size_t	 i, n;
	uint8_t	 c;

	n = 0;
	for (i = 0; i < len; i++) {
		c = p[i];
		if (escape_is_print(c) || c == '\n' || c == '\r')
			buf[n++] = (char)c;
		else
			buf[n++] = '.';
		if (n == sizeof(buf)) {
			if (fwrite(buf, 1, n, out) != n)
				return (-1);
			n = 0;
		}
	}
	if (n > 0 && fwrite(buf, 1, n, out) != n)
		return (-1);
	return (ferror(out) ? -1 : 0);
}

/*
 * Width of the hex column for a line of nbytes: "xx" per byte and a space
 * after every second byte.
 */
static size_t
hex_width(size_t nbytes)
{
	return (nbytes * 2 + nbytes / 2);
}

/*
 * Hex dump in tcpflow's -D layout.  Each line is "%04x: ", the bytes as hex
 * with a space after every second byte, padding up to the width of the
 * widest line of this call (a full line if len > 32), one space, then the
 * ASCII column with '.' for non-printables, and '\n'.  The caller writes the
 * "name: " header line and the blank line tcpflow prints after each packet.
 */
int
escape_hexdump(FILE *out, const uint8_t *p, size_t len, uint64_t base)
{
	static const char hexd[] = "0123456789abcdef";
	char	 line[256];
	size_t	 off, n, j, w, widest;
	int	 k;

	widest = hex_width(len < HEX_PER_LINE ? len : HEX_PER_LINE);
	for (off = 0; off < len; off += n) {
		n = len - off;
		if (n > HEX_PER_LINE)
			n = HEX_PER_LINE;
		k = snprintf(line, sizeof(line), "%04llx: ",
		    (unsigned long long)(base + off));
		if (k < 0 || (size_t)k >= sizeof(line) - 200)
			return (-1);
		w = (size_t)k;
		for (j = 0; j < n; j++) {
			line[w++] = hexd[p[off + j] >> 4];
			line[w++] = hexd[p[off + j] & 0xf];
			if (j % 2 == 1)
				line[w++] = ' ';
		}
		for (j = hex_width(n); j < widest; j++)
			line[w++] = ' ';
		line[w++] = ' ';
		for (j = 0; j < n; j++)
			line[w++] = escape_is_print(p[off + j]) ?
			    (char)p[off + j] : '.';
		line[w++] = '\n';
		if (fwrite(line, 1, w, out) != w)
			return (-1);
	}
	return (ferror(out) ? -1 : 0);
}

/*
 * Decode one UTF-8 sequence at p (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF).  Returns its length and the code point, or 0 if
 * the bytes at p do not start a valid sequence.
 */
static size_t
utf8_seq(const uint8_t *p, size_t len, uint32_t *cp)
{
	uint32_t	 c, min;
	size_t		 n, i;

	c = p[0];
	if (c < 0x80) {
		*cp = c;
		return (1);
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return (0);
	if (n > len)
		return (0);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	*cp = c;
	return (n);
}

/*
 * Write s as XML character data or attribute text.  & < > ' " become
 * entities; \t \n \r and the discouraged-but-legal 0x7f and C1 controls
 * become numeric references (so they survive attribute normalisation and
 * never reach a terminal raw); other C0 bytes, U+FFFE/U+FFFF and invalid
 * UTF-8 become '?', one per offending byte.
 */
int
escape_xml(FILE *out, const char *s)
{
	const uint8_t	*p;
	size_t		 len, n;
	uint32_t	 cp;

	p = (const uint8_t *)s;
	len = strlen(s);
	while (len > 0) {
		/* A run of plain ASCII goes out in one write. */
		for (n = 0; n < len && p[n] >= 0x20 && p[n] < 0x7f &&
		    p[n] != '&' && p[n] != '<' && p[n] != '>' && p[n] != '\'' &&
		    p[n] != '"'; n++)
			;
		if (n > 0) {
			if (fwrite(p, 1, n, out) != n)
				return (-1);
			p += n;
			len -= n;
			continue;
		}
		n = utf8_seq(p, len, &cp);
		if (n == 0) {
			if (fputc('?', out) == EOF)
				return (-1);
			p++;
			len--;
			continue;
		}
		switch (cp) {
		case '&':
			if (fputs("&amp;", out) == EOF)
				return (-1);
			break;
		case '<':
			if (fputs("&lt;", out) == EOF)
				return (-1);
			break;
		case '>':
			if (fputs("&gt;", out) == EOF)
				return (-1);
			break;
		case '\'':
			if (fputs("&apos;", out) == EOF)
				return (-1);
			break;
		case '"':
			if (fputs("&quot;", out) == EOF)
				return (-1);
			break;
		case '\t':
		case '\n':
		case '\r':
			if (fprintf(out, "&#x%X;", (unsigned)cp) < 0)
				return (-1);
			break;
		default:
			if (cp < 0x20 || cp == 0xfffe || cp == 0xffff) {
				if (fputc('?', out) == EOF)
					return (-1);
			} else if (cp >= 0x7f && cp <= 0x9f) {
				if (fprintf(out, "&#x%X;", (unsigned)cp) < 0)
					return (-1);
			} else if (fwrite(p, 1, n, out) != n)
				return (-1);
			break;
		}
		p += n;
		len -= n;
	}
	return (ferror(out) ? -1 : 0);
}
