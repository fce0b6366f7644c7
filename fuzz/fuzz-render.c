/*
 * fuzz-render.c: fuzz target for the pager's layout and search
 * (ui/ui-render.h): text lines and hex lines of random bytes at random
 * widths, and a random regex searched through random bytes.
 *
 * Input layout:
 *
 *	byte 0		width - 1 (1-256 columns)
 *	byte 1		flags: bit 0 UTF-8 decoding, bit 1 ignore case,
 *			bits 2-3 chunking of the text layout (see below)
 *	byte 2		pattern length n (taken modulo 64)
 *	bytes 3..3+n	the pattern (cut at a NUL)
 *	the rest	the stream bytes (at most 64 KiB are used)
 *
 * Every cell laid out is checked: it must be printable ASCII or (UTF-8)
 * a code point of U+00A0 or above with wcwidth() 1 or 2, no line may be
 * wider than asked, and every call must make progress; any violation
 * aborts.  Matches must lie inside the buffer and start where asked.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <locale.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui-render.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DATA_MAX	65536
#define SEARCH_MAX	4096	/* bytes searched (regex engines are slow) */
#define MATCHES_MAX	64

static bool	utf8_ok;

static void
check_cell(const struct ui_cell *c, bool utf8, size_t used)
{
	if (c->wc >= 0x20 && c->wc <= 0x7e) {
		if (c->cols != 1)
			abort();
	} else {
		if (!utf8 || c->wc < 0xa0 || c->wc > 0x10ffff ||
		    (c->wc >= 0xd800 && c->wc <= 0xdfff))
			abort();
		if (wcwidth(c->wc) != c->cols || c->cols < 1 || c->cols > 2)
			abort();
	}
	if (c->src != UI_CELL_NOSRC && c->src >= used)
		abort();
}

/* Lay out p[0, len) as text; chunk > 0 feeds at most chunk + lookahead
 * bytes at a time, not at eof, as the pager does from its cache. */
static void
text(const uint8_t *p, size_t len, int width, bool utf8, size_t chunk)
{
	struct ui_cell cells[257];
	struct ui_line ln;
	size_t	 pos = 0, avail, i;
	bool	 eof;
	int	 cols;

	while (pos < len) {
		avail = len - pos;
		eof = true;
		if (chunk > 0 && avail > chunk + UI_RENDER_LOOKAHEAD(width)) {
			avail = chunk + UI_RENDER_LOOKAHEAD(width);
			eof = false;
		}
		ui_render_text(p + pos, avail, eof, utf8, width, cells, &ln);
		if (ln.used == 0 || ln.used > avail || ln.cols > width)
			abort();
		if (ln.more && avail >= UI_RENDER_LOOKAHEAD(width))
			abort();
		cols = 0;
		for (i = 0; i < ln.ncells; i++) {
			check_cell(&cells[i], utf8, ln.used);
			cols += cells[i].cols;
		}
		if (cols != ln.cols)
			abort();
		pos += ln.used;
	}
}

static void
hex(const uint8_t *p, size_t len, int width)
{
	struct ui_cell cells[128];
	size_t	 pos, n, i;
	int	 digits, bpl;

	digits = ui_render_hex_digits(len);
	bpl = ui_render_hex_bpl(width, digits);
	for (pos = 0; pos < len; pos += (size_t)bpl) {
		n = ui_render_hex(p + pos, len - pos, pos, digits, bpl, width,
		    cells, sizeof cells / sizeof cells[0]);
		if (n > (size_t)width)
			abort();
		for (i = 0; i < n; i++) {
			if (cells[i].wc < 0x20 || cells[i].wc > 0x7e)
				abort();
			if (cells[i].src != UI_CELL_NOSRC &&
			    cells[i].src >= (uint32_t)bpl)
				abort();
		}
	}
}

static void
search(const char *pat, bool icase, const uint8_t *p, size_t len)
{
	struct ui_search s;
	char	 err[128];
	size_t	 from, so, eo, pso, peo;
	uint8_t	*buf;
	int	 k;

	if (ui_search_compile(&s, pat, icase, err, sizeof err) == -1) {
		if (err[0] == '\0')
			abort();
		return;
	}
	if (len > SEARCH_MAX)
		len = SEARCH_MAX;
	/* A private copy with the NUL ui_search_next() wants after it. */
	if ((buf = malloc(len + 1)) == NULL)
		abort();
	memcpy(buf, p, len);
	buf[len] = 0;
	p = buf;
	from = 0;
	for (k = 0; k < MATCHES_MAX && from < len; k++) {
		if (ui_search_next(&s, p, len, from, true, &so, &eo) == 0)
			break;
		if (so < from || eo <= so || eo > len)
			abort();
		from = so + 1;
	}
	if (ui_search_prev(&s, p, len, len / 2, len, k % 2 == 0, &pso,
	    &peo) == 1 && (pso < len / 2 || peo <= pso || peo > len))
		abort();
	ui_search_free(&s);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t chunks[4] = { 0, 1, 100, 4096 };
	char	 pat[65];
	size_t	 n;
	int	 width;
	uint8_t	 flags;
	bool	 utf8;

	if (!utf8_ok)
		utf8_ok = setlocale(LC_CTYPE, "C.UTF-8") != NULL &&
		    MB_CUR_MAX > 1;
	if (size < 3)
		return (0);
	width = data[0] + 1;
	flags = data[1];
	n = data[2] % 64;
	data += 3;
	size -= 3;
	if (n > size)
		n = size;
	memcpy(pat, data, n);
	pat[n] = '\0';
	data += n;
	size -= n;
	if (size > DATA_MAX)
		size = DATA_MAX;
	utf8 = (flags & 1) && utf8_ok;
	text(data, size, width, utf8, chunks[(flags >> 2) & 3]);
	hex(data, size, width);
	search(pat, (flags & 2) != 0, data, size);
	return (0);
}
