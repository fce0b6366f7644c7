/*
 * test-ui-render.c: the pager's curses-free layout (ui-render.h): UTF-8
 * decoding, escapes, text line wrapping at the edges, xxd-style hex lines,
 * and the search over byte buffers.  The safety property is checked over
 * every byte pair and over random buffers: no cell ever holds a character
 * a terminal would interpret (a control, DEL, a C1 control, a zero-width or
 * non-printable code point), lines never exceed their width, and layout
 * always makes progress.
 *
 * Runs in C.UTF-8 when the system has it (the UTF-8 tests are skipped
 * otherwise); the non-UTF-8 path is tested in any locale.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ui-render.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tap.h"

static bool	have_utf8;

/* The cells of a line as a wide string (static buffer). */
static const wchar_t *
cells_str(const struct ui_cell *c, size_t n)
{
	static wchar_t buf[1024];
	size_t	 i;

	for (i = 0; i < n && i < 1023; i++)
		buf[i] = c[i].wc;
	buf[i] = L'\0';
	return (buf);
}

/* Lay out all of buf at width; the lines joined with '|' (static). */
static const wchar_t *
layout_all(const char *s, size_t len, int width, bool utf8, int *nlines)
{
	static wchar_t out[4096];
	struct ui_cell cells[256];
	struct ui_line ln;
	size_t	 pos = 0, o = 0, i;

	*nlines = 0;
	while (pos < len && o < 4000) {
		ui_render_text((const uint8_t *)s + pos, len - pos, true, utf8,
		    width, cells, &ln);
		if (ln.used == 0)
			break;
		if (*nlines > 0)
			out[o++] = L'|';
		for (i = 0; i < ln.ncells && o < 4000; i++)
			out[o++] = cells[i].wc;
		(*nlines)++;
		pos += ln.used;
	}
	out[o] = L'\0';
	return (out);
}

static bool
wide_is(const wchar_t *got, const wchar_t *want, const char *name)
{
	if (tap_ok(wcscmp(got, want) == 0, "%s", name))
		return (true);
	tap_diag("     got: %ls", got);
	tap_diag("expected: %ls", want);
	return (false);
}

/* The safety property for one cell. */
static bool
cell_safe(const struct ui_cell *c, bool utf8)
{
	if (c->wc >= 0x20 && c->wc <= 0x7e)
		return (c->cols == 1);
	if (!utf8 || c->wc < 0xa0 || (c->wc >= 0xd800 && c->wc <= 0xdfff) ||
	    c->wc > 0x10ffff)
		return (false);
	return (wcwidth(c->wc) == c->cols && (c->cols == 1 || c->cols == 2));
}

/* Lay out buf entirely at width; check every line and cell. */
static bool
check_buffer(const uint8_t *buf, size_t len, int width, bool utf8)
{
	struct ui_cell cells[512];
	struct ui_line ln;
	size_t	 pos = 0, i;
	int	 cols;

	while (pos < len) {
		ui_render_text(buf + pos, len - pos, true, utf8, width, cells,
		    &ln);
		if (ln.used == 0 || ln.used > len - pos || ln.more)
			return (false);
		if (ln.cols > (width < 1 ? 1 : width))
			return (false);
		cols = 0;
		for (i = 0; i < ln.ncells; i++) {
			if (!cell_safe(&cells[i], utf8))
				return (false);
			if (cells[i].src != UI_CELL_NOSRC &&
			    cells[i].src >= ln.used)
				return (false);
			cols += cells[i].cols;
		}
		if (cols != ln.cols)
			return (false);
		pos += ln.used;
	}
	return (true);
}

static void
test_utf8(void)
{
	uint32_t cp;

	tap_is_int(ui_render_utf8((const uint8_t *)"A", 1, &cp), 1, "ASCII");
	tap_is_int(ui_render_utf8((const uint8_t *)"\xc3\xa9", 2, &cp), 2,
	    "2-byte sequence");
	tap_is_int(cp, 0xe9, "U+00E9");
	tap_is_int(ui_render_utf8((const uint8_t *)"\xe2\x82\xac", 3, &cp),
	    3, "3-byte sequence");
	tap_is_int(cp, 0x20ac, "U+20AC");
	tap_is_int(ui_render_utf8((const uint8_t *)"\xf0\x9f\x98\x80", 4,
	    &cp), 4, "4-byte sequence");
	tap_is_int(cp, 0x1f600, "U+1F600");
	tap_is_int(ui_render_utf8((const uint8_t *)"\xc0\x80", 2, &cp), 0,
	    "overlong C0 80 invalid");
	tap_is_int(ui_render_utf8((const uint8_t *)"\xe0\x80\xaf", 3, &cp), 0,
	    "overlong E0 80 AF invalid");
	tap_is_int(ui_render_utf8((const uint8_t *)"\xf0\x80\x80\xaf", 4,
	    &cp), 0, "overlong F0 80 invalid");
	tap_is_int(ui_render_utf8((const uint8_t *)"\xed\xa0\x80", 3, &cp), 0,
	    "surrogate ED A0 80 invalid");
	tap_is_int(ui_render_utf8((const uint8_t *)"\xf4\x90\x80\x80", 4,
	    &cp), 0, "above U+10FFFF invalid");
	tap_is_int(ui_render_utf8((const uint8_t *)"\x80", 1, &cp), 0,
	    "stray continuation invalid");
	tap_is_int(ui_render_utf8((const uint8_t *)"\xff", 1, &cp), 0,
	    "FF invalid");
	tap_is_int(ui_render_utf8((const uint8_t *)"\xe2\x82", 2, &cp), -1,
	    "incomplete prefix");
	tap_is_int(ui_render_utf8((const uint8_t *)"\xe2\x41", 2, &cp), 0,
	    "broken sequence invalid");
}

static void
test_escapes(void)
{
	static const char in[] = "a\r\tb\0c\x1b[31m\x7f";
	int	 n;

	wide_is(layout_all(in, sizeof in - 1, 80, false, &n),
	    L"a\\r\\tb\\0c\\x1b[31m\\x7f", "controls escaped");
	wide_is(layout_all("x\xc3\xa9y", 4, 80, false, &n),
	    L"x\\xc3\\xa9y", "non-UTF-8 locale: high bytes as \\xNN");
	wide_is(layout_all("l1\r\nl2\n\nl4", 10, 80, false, &n),
	    L"l1\\r|l2||l4", "\\n ends a line and is not shown");
	tap_is_int(n, 4, "four lines");
	if (!have_utf8) {
		tap_skip("no C.UTF-8 locale", "UTF-8 display");
		tap_skip("no C.UTF-8 locale", "C1 escaped");
		tap_skip("no C.UTF-8 locale", "invalid bytes escaped");
		tap_skip("no C.UTF-8 locale", "zero-width escaped");
		return;
	}
	wide_is(layout_all("caf\xc3\xa9 \xe2\x82\xac", 9, 80, true, &n),
	    L"caf\u00e9 \u20ac", "valid UTF-8 shown as UTF-8");
	wide_is(layout_all("a\xc2\x85z\xc2\x9b", 6, 80, true, &n),
	    L"a\\u0085z\\u009b", "C1 controls escaped");
	wide_is(layout_all("\xc0\x80\xed\xa0\x80\xff", 6, 80, true, &n),
	    L"\\xc0\\x80\\xed\\xa0\\x80\\xff",
	    "overlong, surrogate and FF escaped byte by byte");
	wide_is(layout_all("a\xe2\x80\xae" "b\xe2\x80\x8b", 8, 80, true, &n),
	    L"a\\u202eb\\u200b", "bidi override and zero-width space escaped");
}

static void
test_wrap(void)
{
	struct ui_cell cells[64];
	struct ui_line ln;
	int	 n;

	wide_is(layout_all("aaaaaaaaaa", 10, 4, false, &n),
	    L"aaaa|aaaa|aa", "wrap at width");
	wide_is(layout_all("abcd\nef", 7, 4, false, &n), L"abcd|ef",
	    "a full line then \\n: no empty line");
	wide_is(layout_all("abc\x1b", 4, 5, false, &n), L"abc|\\x1b",
	    "an escape is not split across lines");
	wide_is(layout_all("\x1b", 1, 2, false, &n), L"\\x",
	    "an escape wider than the line is cut");
	tap_is_int(n, 1, "... and consumed");
	wide_is(layout_all("ab", 2, 0, false, &n), L"a|b",
	    "width 0 counts as 1");
	if (have_utf8) {
		wide_is(layout_all("abc\xe4\xb8\xad", 6, 4, true, &n),
		    L"abc|\u4e2d", "a wide char at the edge wraps");
		wide_is(layout_all("\xe4\xb8\xad\xe4\xb8\xad", 6, 1, true,
		    &n), L">|>", "a wide char in one column: '>'");
	} else {
		tap_skip("no C.UTF-8 locale", "wide char wraps");
		tap_skip("no C.UTF-8 locale", "wide char in one column");
	}
	ui_render_text((const uint8_t *)"ab\xe2\x82", 4, false, true, 10,
	    cells, &ln);
	tap_ok(ln.more && ln.used == 2 && ln.ncells == 2,
	    "incomplete sequence, not eof: stop and ask for more");
	ui_render_text((const uint8_t *)"ab\xe2\x82", 4, true, true, 10,
	    cells, &ln);
	tap_ok(!ln.more && ln.used == 4, "incomplete sequence at eof: escaped");
	wide_is(cells_str(cells, ln.ncells), L"ab\\xe2\\x82",
	    "... byte by byte");
	ui_render_text((const uint8_t *)"xy\x1bz", 4, true, false, 80, cells,
	    &ln);
	tap_ok(cells[2].src == 2 && cells[5].src == 2 && cells[5].nsrc == 1 &&
	    cells[2].role == UC_ESCAPE && cells[6].src == 3 &&
	    cells[6].role == UC_TEXT, "cells carry their source offset");
}

static void
test_safety(void)
{
	uint8_t	 buf[4096];
	unsigned a, b, i, w;
	bool	 ok, okc;
	int	 mode;

	for (mode = 0; mode < (have_utf8 ? 2 : 1); mode++) {
		ok = true;
		for (a = 0; a < 256 && ok; a++)
			for (b = 0; b < 256 && ok; b++) {
				buf[0] = (uint8_t)a;
				buf[1] = (uint8_t)b;
				buf[2] = 0x80 | (uint8_t)(a ^ b);
				buf[3] = 0x80 | (uint8_t)b;
				for (w = 1; w <= 6 && ok; w++)
					ok = check_buffer(buf, 4, (int)w,
					    mode == 1);
			}
		tap_ok(ok, "every byte pair: safe cells, width kept (%s)",
		    mode ? "UTF-8" : "bytes");
	}
	srandom(12345);
	ok = true;
	okc = true;
	for (i = 0; i < 2000 && ok; i++) {
		for (a = 0; a < sizeof buf; a++) {
			/* Mostly high bytes and controls, some text. */
			b = (unsigned)random();
			buf[a] = (b & 0x300) == 0 ? (uint8_t)(0x20 + b % 95) :
			    (uint8_t)b;
		}
		w = 1 + (unsigned)random() % 200;
		ok = check_buffer(buf, 64 + (unsigned)random() % 4000, (int)w,
		    have_utf8);
		okc = okc && check_buffer(buf, 512, (int)w, false);
	}
	tap_ok(ok, "random buffers at random widths: safe and progressing");
	tap_ok(okc, "random buffers, non-UTF-8: safe");
}

static void
test_hex(void)
{
	static const char line[] = "GET /a HTTP/1.1\r\nHost: x";
	struct ui_cell cells[128];
	size_t	 n;

	tap_is_int(ui_render_hex_digits(0), 8, "8 offset digits");
	tap_is_int(ui_render_hex_digits(0x123456789ull), 9, "9 for > 4 GB");
	tap_is_int(ui_render_hex_cols(8, 16), 67, "xxd line is 67 columns");
	tap_is_int(ui_render_hex_bpl(80, 8), 16, "16 bytes at 80 columns");
	tap_is_int(ui_render_hex_bpl(39, 8), 8, "8 bytes at 39 columns");
	tap_is_int(ui_render_hex_bpl(3, 8), 1, "1 byte when nothing fits");
	n = ui_render_hex((const uint8_t *)line, sizeof line - 1, 0, 8, 16, 80,
	    cells, 128);
	wide_is(cells_str(cells, n), L"00000000: 4745 5420 2f61 2048 5454 "
	    "502f 312e 310d  GET /a HTTP/1.1.", "xxd layout");
	tap_ok(cells[59].role == UC_TEXT && cells[66].role == UC_ESCAPE &&
	    cells[66].src == 15 && cells[0].role == UC_OFFSET &&
	    cells[10].src == 0 && cells[11].src == 0 && cells[13].src == 1,
	    "hex cells: roles and sources");
	n = ui_render_hex((const uint8_t *)"\x1b" "ab", 3, 0x10, 8, 16, 80,
	    cells, 128);
	wide_is(cells_str(cells, n), L"00000010: 1b61 62                  "
	    "                .ab", "short line padded");
	n = ui_render_hex((const uint8_t *)line, 16, 0, 8, 16, 20, cells, 128);
	tap_is_int((long long)n, 20, "cut at width");
	n = ui_render_hex((const uint8_t *)line, 16, 0, 8, 16, 80, cells, 5);
	tap_is_int((long long)n, 5, "cut at maxcells");
}

static void
test_search(void)
{
	static const uint8_t data[] = "ab\0cdef\nGET /x\nxGET\0GET";
	struct ui_search s;
	char	 err[128];
	size_t	 so = 0, eo = 0;

	tap_is_int(ui_search_compile(&s, "cde", false, err, sizeof err), 0,
	    "compile");
	tap_ok(ui_search_next(&s, data, sizeof data - 1, 0, true, &so, &eo) ==
	    1 && so == 3 && eo == 6, "match after a NUL");
	ui_search_free(&s);
	ui_search_compile(&s, "^GET", false, err, sizeof err);
	tap_ok(ui_search_next(&s, data, sizeof data - 1, 0, true, &so, &eo) ==
	    1 && so == 8, "^ after a newline");
	tap_ok(ui_search_next(&s, data, sizeof data - 1, 9, true, &so, &eo) ==
	    0, "^ does not match mid-line");
	tap_ok(ui_search_prev(&s, data, sizeof data - 1, 0, sizeof data - 1,
	    true, &so, &eo) == 1 && so == 8, "last ^GET");
	ui_search_free(&s);
	ui_search_compile(&s, "get", true, err, sizeof err);
	tap_ok(ui_search_prev(&s, data, sizeof data - 1, 0, sizeof data - 1,
	    true, &so, &eo) == 1 && so == 20 && eo == 23,
	    "icase: last match, after a NUL");
	tap_ok(ui_search_prev(&s, data, sizeof data - 1, 0, 20, true, &so,
	    &eo) == 1 && so == 16, "last match before 20");
	tap_ok(ui_search_next(&s, data, 10, 9, true, &so, &eo) == 0,
	    "no match past len");
	ui_search_free(&s);
	tap_ok(ui_search_compile(&s, "x*", false, err, sizeof err) == -1,
	    "pattern matching the empty string refused (%s)", err);
	tap_ok(ui_search_compile(&s, "(a)\\1", false, err, sizeof err) == -1,
	    "back-reference refused (%s)", err);
	tap_ok(ui_search_compile(&s, "((a{1,100}){100}){100}", false, err,
	    sizeof err) == -1, "nested counts refused (%s)", err);
	tap_ok(ui_search_compile(&s, "'+++++++++++*++++++++", false, err,
	    sizeof err) == -1, "stacked repeats refused (%s)", err);
	tap_ok(ui_search_compile(&s, "((((a*)+)+)+)+", false, err,
	    sizeof err) == -1, "repeated empty-able group refused (%s)", err);
	tap_ok(ui_search_compile(&s, "a++++++++++++++", false, err,
	    sizeof err) == -1, "a+ doubling refused (%s)", err);
	tap_ok(ui_search_compile(&s, "a{2,3}b", false, err, sizeof err) == 0,
	    "small counts accepted");
	ui_search_free(&s);
	tap_ok(ui_search_compile(&s, "(ab+|c?d)+[]a-z{]+x{0,2}y", false, err,
	    sizeof err) == 0, "ordinary repeats accepted (%s)", err);
	ui_search_free(&s);
	tap_ok(ui_search_compile(&s, "(ab", false, err, sizeof err) == -1 &&
	    strncmp(err, "bad pattern", 11) == 0, "syntax error reported (%s)",
	    err);
	tap_ok(ui_search_compile(&s, "", false, err, sizeof err) == -1,
	    "empty pattern refused");
}

int
main(void)
{
	have_utf8 = setlocale(LC_CTYPE, "C.UTF-8") != NULL ||
	    setlocale(LC_CTYPE, "en_US.UTF-8") != NULL;
	if (have_utf8 && MB_CUR_MAX == 1)
		have_utf8 = false;
	tap_plan_none();
	test_utf8();
	test_escapes();
	test_wrap();
	test_safety();
	test_hex();
	test_search();
	return (tap_done());
}
