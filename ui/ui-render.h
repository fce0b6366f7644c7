/*
 * ui-render.h: turn untrusted stream bytes into display cells, without
 * curses.  The pager (ui-pager.c) draws what these functions lay out; the
 * unit test and the fuzzer check them without a terminal.
 *
 * Invariants: every cell holds one wide character that is safe to draw:
 * printable ASCII (0x20-0x7e, escape_is_print()) or, in a UTF-8 locale, a
 * decoded code point of U+00A0 or above whose wcwidth() is 1 or 2.  Every
 * other byte (controls, DEL, C1 controls, invalid, overlong or surrogate
 * UTF-8, code points wcwidth() calls non-printable or zero-width) is shown
 * as a visible escape in UC_ESCAPE cells: \0 \t \r \x1b \x7f \xNN per byte,
 * or \uXXXX / \UXXXXXX for a valid but non-printable code point.  '\n' ends
 * a text line and is not shown.  A line never holds more columns than
 * asked for, and every call makes progress (consumes at least one byte)
 * when it is given any.
 */
#ifndef FLOWSCOPE_UI_RENDER_H
#define FLOWSCOPE_UI_RENDER_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

enum ui_cell_role {
	UC_TEXT = 0,		/* a character of the stream */
	UC_ESCAPE,		/* part of an escape, or a '.' in hex ASCII */
	UC_OFFSET,		/* hex view: the offset column */
	UC_PAD			/* layout spaces (hex gaps) */
};

#define UI_CELL_NOSRC	UINT32_MAX

/* One character on screen. */
struct ui_cell {
	wchar_t		 wc;	/* safe to draw (see above) */
	uint32_t	 src;	/* offset of its bytes in the buffer, or
				   UI_CELL_NOSRC (offsets, padding) */
	uint8_t		 nsrc;	/* how many source bytes (0 with NOSRC) */
	uint8_t		 cols;	/* 1 or 2 */
	uint8_t		 role;	/* enum ui_cell_role */
};

#define UI_GLYPH_MAX	10	/* "\U10ffff" and room */

/* What one character (or one escaped byte) of the stream looks like. */
struct ui_glyph {
	size_t		 nbytes;	/* bytes it stands for, 1-4 */
	int		 cols;		/* columns: nwc for an escape */
	int		 nwc;		/* characters in wc */
	bool		 escape;
	bool		 newline;	/* '\n': ends a line, not shown */
	wchar_t		 wc[UI_GLYPH_MAX];
};

/* One laid-out line. */
struct ui_line {
	size_t		 used;		/* bytes consumed ('\n' included) */
	size_t		 ncells;
	int		 cols;		/* columns the cells take */
	bool		 nl;		/* ended at a '\n' */
	bool		 more;		/* stopped at an incomplete UTF-8
					   sequence (not eof): more bytes
					   needed to finish the line */
};

/* Bytes a text line of width columns can consume at most: give the layout
 * this many (or all that is left) and it never stops for lack of bytes. */
#define UI_RENDER_LOOKAHEAD(w)	((size_t)(w) * 4 + 8)

/*
 * Decode one UTF-8 sequence at p (len > 0).  Returns its length (1-4) and
 * the code point in *cp; 0 if p[0] does not start a valid sequence
 * (stray continuation, overlong, surrogate, above U+10FFFF, bad lead);
 * -1 if the bytes so far are a valid but incomplete prefix.
 */
int		 ui_render_utf8(const uint8_t *p, size_t len, uint32_t *cp);

/*
 * What the bytes at p (len > 0) show as.  utf8: decode UTF-8 (the locale
 * is UTF-8), else every byte above 0x7e is escaped.  eof: no bytes follow
 * these, so an incomplete sequence is escaped byte by byte.  Returns 1
 * with *g filled, or 0 if a sequence is incomplete and !eof.
 */
int		 ui_render_glyph(const uint8_t *p, size_t len, bool eof,
		    bool utf8, struct ui_glyph *g);

/*
 * Lay out one text line of at most width columns (width < 1 counts as 1)
 * from buf[0, len) into cells, which must hold width entries.  An escape
 * or a wide character that does not fit goes to the next line, unless the
 * line is empty, where it is cut to width.  Cell src offsets are relative
 * to buf.
 */
void		 ui_render_text(const uint8_t *buf, size_t len, bool eof,
		    bool utf8, int width, struct ui_cell *cells,
		    struct ui_line *ln);

/* Hex digits for offsets up to maxoff: 8, or more for big streams. */
int		 ui_render_hex_digits(uint64_t maxoff);

/* Bytes per hex line that fit width: 16, 8, 4, 2 or 1. */
int		 ui_render_hex_bpl(int width, int digits);

/* Columns of a full hex line of bpl bytes. */
int		 ui_render_hex_cols(int digits, int bpl);

/*
 * Lay out one xxd-style hex line: "0000a0b0: 4745 5420 ...  GET /...",
 * offset off (digits wide), min(len, bpl) bytes of buf as hex in groups of
 * two, then an ASCII column ('.' for anything not printable ASCII, as
 * UC_ESCAPE).  Stops at width columns or maxcells cells.  Returns the
 * number of cells.
 */
size_t		 ui_render_hex(const uint8_t *buf, size_t len, uint64_t off,
		    int digits, int bpl, int width, struct ui_cell *cells,
		    size_t maxcells);

/* A compiled search: POSIX extended, line by line (REG_NEWLINE). */
struct ui_search {
	regex_t		 re;
	bool		 ok;
	bool		 icase;
};

/*
 * Compile pattern (icase: ignore case).  Returns 0, or -1 with err set
 * (bad syntax, back-references, too much counted repetition, a pattern
 * that matches the empty string).  On success free with ui_search_free.
 */
int		 ui_search_compile(struct ui_search *s, const char *pattern,
		    bool icase, char *err, size_t errlen);

/*
 * The first non-empty match that starts in [from, len) of buf (NULs
 * allowed).  bol: buf[0] starts a line.  Returns 1 with [*so, *eo), or 0.
 * buf[len] must exist and be 0: the engine stops at len (REG_STARTEND),
 * but sanitizer interceptors of regexec() read up to the first NUL.
 */
int		 ui_search_next(const struct ui_search *s, const uint8_t *buf,
		    size_t len, size_t from, bool bol, size_t *so, size_t *eo);

/*
 * The last non-empty match that starts in [from, before) of buf[0, len).
 * Returns 1 with [*so, *eo), or 0.
 */
int		 ui_search_prev(const struct ui_search *s, const uint8_t *buf,
		    size_t len, size_t from, size_t before, bool bol,
		    size_t *so, size_t *eo);

void		 ui_search_free(struct ui_search *s);

#endif /* FLOWSCOPE_UI_RENDER_H */
