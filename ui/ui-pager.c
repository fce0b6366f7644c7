/*
 * ui-pager.c: the stream pager; see ui-pager.h for what it shows.
 *
 * DESIGN
 * The view is a list of items built from the source's runs: in the
 * interleaved and side-by-side views one item per run (a data run gets a
 * header line), in the client and server views the runs of that direction
 * joined where they touch, so lines flow across segment edges.  Holes are
 * items of their own, drawn as one line.  A screen line is addressed by
 * (item, byte offset of the line's start, or the header); the pager lays
 * lines out forward from such an address with ui-render.c and never holds
 * more than a line's worth of layout.
 *
 * Going backwards in text needs a known line start before the current one.
 * Text lines never cross a multiple of ANCHOR bytes within an item (a long
 * line without '\n' is broken there), so the previous line start is found
 * by scanning back for a '\n' no further than the anchor below and laying
 * out forward from there: bounded work, and the same line breaks whichever
 * way the user scrolled.  Hex lines are every bpl bytes from the item start.
 *
 * Bytes come from src->read through a small cache of BLK_SIZE blocks; a
 * 1 GB stream opens at once and G, N% and offsets jump without reading it.
 * Search runs in slices (ui_pager_step) of STEP_BYTES through blocks of
 * SRCH_BLK that overlap by SRCH_OVL, so a match across a block edge is
 * found as long as it is shorter than the overlap.
 *
 * Everything drawn from the stream, the labels and the search pattern goes
 * through ui-render.c, whose cells are printable by construction.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ui-pager.h"

#include <curses.h>
#include <errno.h>
#include <inttypes.h>
#include <langinfo.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui-keys.h"
#include "ui-prompt.h"
#include "ui-render.h"
#include "ui-theme.h"
#include "xmalloc.h"

#define BLK_SIZE	65536		/* cache block */
#define NBLK		8		/* cache blocks */
#define ANCHOR		16384		/* text lines never cross this */
#define MAXW		1024		/* widest layout */
#define SRCH_BLK	(1u << 20)	/* search block */
#define SRCH_OVL	4096		/* search block overlap */
#define STEP_BYTES	(4u << 20)	/* search work per ui_pager_step */
#define HL_OVL		256		/* context searched around a line */
#define HL_MAX		64		/* matches highlighted per line */
#define SIDE_MIN	60		/* columns side by side needs */
#define WHEEL_LINES	3

enum view {
	VIEW_BOTH = 0,
	VIEW_CLIENT,
	VIEW_SERVER,
	VIEW_SIDE,
	VIEW_N
};

static const char *view_names[VIEW_N] = {
	"interleaved", "client", "server", "side by side"
};

enum pager_action {
	PA_DOWN = 0,
	PA_UP,
	PA_PGDN,
	PA_PGUP,
	PA_HALFDN,
	PA_HALFUP,
	PA_TOP,
	PA_BOTTOM,
	PA_SEARCH,
	PA_RSEARCH,
	PA_NEXT,
	PA_PREV,
	PA_JUMP,
	PA_FOLLOW,
	PA_HTTP,
	PA_VIEW,
	PA_VIEW_BOTH,
	PA_VIEW_CLIENT,
	PA_VIEW_SERVER,
	PA_VIEW_SIDE,
	PA_HEX,
	PA_CLOSE,
	PA_MOUSE,
	PA_RESIZE
};

static const struct ui_key pager_keys[] = {
	{ 'j', PA_DOWN, "j", "down one line", NULL },
	{ KEY_DOWN, PA_DOWN, "Down", "down one line", NULL },
	{ '\n', PA_DOWN, "Enter", "down one line", NULL },
	{ KEY_ENTER, PA_DOWN, "Enter", "down one line", NULL },
	{ 'k', PA_UP, "k", "up one line", NULL },
	{ KEY_UP, PA_UP, "Up", "up one line", NULL },
	{ ' ', PA_PGDN, "Space", "down one page", NULL },
	{ 'f', PA_PGDN, "f", "down one page", NULL },
	{ KEY_NPAGE, PA_PGDN, "PgDn", "down one page", NULL },
	{ 'b', PA_PGUP, "b", "up one page", NULL },
	{ KEY_PPAGE, PA_PGUP, "PgUp", "up one page", NULL },
	{ 'd', PA_HALFDN, "d", "down half a page", NULL },
	{ 'u', PA_HALFUP, "u", "up half a page", NULL },
	{ 'g', PA_TOP, "g", "go to the start", NULL },
	{ KEY_HOME, PA_TOP, "Home", "go to the start", NULL },
	{ 'G', PA_BOTTOM, "G", "go to the end", NULL },
	{ KEY_END, PA_BOTTOM, "End", "go to the end", NULL },
	{ '/', PA_SEARCH, "/", "search forward (POSIX extended regex; "
	    "lower case ignores case)", "Search" },
	{ '?', PA_RSEARCH, "?", "search backward", NULL },
	{ 'n', PA_NEXT, "n", "next match (same direction)", NULL },
	{ 'N', PA_PREV, "N", "previous match (other direction)", NULL },
	{ 'o', PA_JUMP, "o", "jump to an offset: 1234, 0x4d2 or 50% "
	    "(the direction's stream offset in client/server views, the "
	    "position in the view otherwise)", "Offset" },
	{ ':', PA_JUMP, ":", "jump to an offset", NULL },
	{ 'F', PA_FOLLOW, "F", "follow: stay at the end as the stream "
	    "grows (any movement leaves it)", "Follow" },
	{ 'H', PA_HTTP, "H", "HTTP view on/off (de-chunked, decompressed "
	    "bodies)", "HTTP" },
	{ 'v', PA_VIEW, "v", "next view: interleaved, client, server, side "
	    "by side", "View" },
	{ '1', PA_VIEW_BOTH, "1", "interleaved view (both directions in "
	    "send order)", NULL },
	{ '2', PA_VIEW_CLIENT, "2", "client -> server only", NULL },
	{ '3', PA_VIEW_SERVER, "3", "server -> client only", NULL },
	{ '4', PA_VIEW_SIDE, "4", "side by side (client left, server right)",
	    NULL },
	{ 'x', PA_HEX, "x", "text / hex dump", "Hex" },
	{ 'q', PA_CLOSE, "q", "close the pager (Esc too; Esc or ^C cancel "
	    "a running search)", "Back" },
	{ 27, PA_CLOSE, "Esc", "close the pager", NULL },
	{ KEY_MOUSE, PA_MOUSE, "wheel", "scroll", NULL },
	{ KEY_RESIZE, PA_RESIZE, "resize", "lay out again", NULL }
};
#define NPAGER_KEYS	(sizeof pager_keys / sizeof pager_keys[0])

enum prompt_kind {
	PK_NONE = 0,
	PK_SEARCH,
	PK_RSEARCH,
	PK_JUMP
};

/* A stretch of the view: a run, or joined runs of one direction. */
struct item {
	uint64_t	 off;		/* in the direction's stream */
	uint64_t	 len;
	uint64_t	 ts;
	uint64_t	 cum;		/* bytes of the view before it */
	uint8_t		 dir;
	uint8_t		 kind;		/* enum ui_run_kind */
};

/* A screen line: the header of item, or the line starting at off. */
struct lpos {
	size_t		 item;
	uint64_t	 off;
	bool		 head;
};

struct blk {
	uint64_t	 no;
	size_t		 len;
	unsigned	 stamp;
	int		 dir;		/* -1: empty */
	uint8_t		*data;
};

struct ui_pager {
	const struct ui_pager_source *src;
	struct ui_doc	 doc;
	struct item	*items;
	size_t		 nitems;
	size_t		 itemcap;
	uint64_t	 total;		/* bytes in the view, holes included */

	int		 view;
	bool		 hex;
	bool		 http;
	bool		 follow;
	bool		 utf8;
	bool		 narrow;	/* side by side asked, too narrow */

	struct lpos	 top;
	int		 width;		/* layout width of a column */
	int		 rows;		/* text rows */
	int		 cols;		/* columns of the pager */
	int		 digits;	/* hex offset digits */
	int		 bpl;		/* hex bytes per line */

	struct blk	 blk[NBLK];
	unsigned	 clock;
	uint8_t		*scratch;	/* ANCHOR + line lookahead */
	uint8_t		*sbuf;		/* search block */

	struct ui_search re;
	bool		 have_re;
	bool		 back;		/* the last search went backward */
	char		 pattern[UI_PROMPT_MAX * 4];

	bool		 searching;
	bool		 sback;
	size_t		 sitem;
	uint64_t	 spos;
	uint64_t	 sdone;

	bool		 have_match;
	size_t		 mitem;
	uint64_t	 mso;
	uint64_t	 meo;

	struct ui_prompt prompt;
	int		 pk;		/* enum prompt_kind */

	char		 msg[256];
	bool		 msg_err;
};

static void	set_msg(struct ui_pager *, bool, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	take_snapshot(struct ui_pager *);
static void	build_items(struct ui_pager *);
static void	add_item(struct ui_pager *, const struct ui_run *, uint64_t,
		    bool);
static size_t	item_at_cum(const struct ui_pager *, uint64_t);
static void	fmt_time(uint64_t, char *, size_t);
static bool	has_head(const struct ui_pager *);
static struct blk *cache_get(struct ui_pager *, int, uint64_t, size_t);
static void	cache_flush(struct ui_pager *);
static size_t	fetch(struct ui_pager *, int, uint64_t, size_t, uint8_t *);
static void	text_line(struct ui_pager *, const struct item *, uint64_t,
		    struct ui_cell *, struct ui_line *);
static uint64_t	text_prev_start(struct ui_pager *, const struct item *,
		    uint64_t);
static uint64_t	line_containing(struct ui_pager *, const struct item *,
		    uint64_t);
static void	first_line(const struct ui_pager *, size_t, struct lpos *);
static void	last_line(struct ui_pager *, size_t, struct lpos *);
static bool	next_line(struct ui_pager *, struct lpos *);
static bool	prev_line(struct ui_pager *, struct lpos *);
static void	scroll_down(struct ui_pager *, int);
static void	scroll_up(struct ui_pager *, int);
static void	go_top(struct ui_pager *);
static void	go_bottom(struct ui_pager *);
static void	go_item_off(struct ui_pager *, size_t, uint64_t);
static void	jump(struct ui_pager *, const char *);
static void	search_begin(struct ui_pager *, bool);
static void	search_found(struct ui_pager *, size_t, uint64_t, uint64_t);
static void	set_view(struct ui_pager *, int);
static void	toggle_http(struct ui_pager *);
static void	prompt_done(struct ui_pager *);
static void	draw_cells(int, int, const struct ui_cell *, size_t, attr_t,
		    const bool *);
static void	draw_str(struct ui_pager *, int, int, int, const char *,
		    attr_t);
static void	draw_line(struct ui_pager *, const struct lpos *, int, int,
		    int);
static void	draw_status(struct ui_pager *, int, int);
static void	mark_matches(struct ui_pager *, const struct item *,
		    uint64_t, size_t, const struct ui_cell *, size_t, bool *);

/* --- document and items --------------------------------------------------- */

static void
set_msg(struct ui_pager *pg, bool err, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(pg->msg, sizeof pg->msg, fmt, ap);
	va_end(ap);
	pg->msg_err = err;
}

static bool
has_head(const struct ui_pager *pg)
{
	return (pg->view == VIEW_BOTH || pg->view == VIEW_SIDE);
}

/* Take a snapshot into pg->doc and rebuild the items from it. */
static void
take_snapshot(struct ui_pager *pg)
{
	struct ui_doc doc;
	char	 err[160];

	memset(&doc, 0, sizeof doc);
	err[0] = '\0';
	if (pg->src->snapshot(pg->src->arg, &doc, err, sizeof err) == -1) {
		set_msg(pg, true, "%s", err[0] != '\0' ? err :
		    "cannot read the connection");
		memset(&doc, 0, sizeof doc);
	}
	if (doc.runs == NULL)
		doc.nruns = 0;
	pg->doc = doc;
	build_items(pg);
}

/* Append one item, or extend the last one if it continues it. */
static void
add_item(struct ui_pager *pg, const struct ui_run *r, uint64_t len, bool join)
{
	struct item *it;

	if (join && pg->nitems > 0) {
		it = &pg->items[pg->nitems - 1];
		if (it->dir == r->dir && it->kind == r->kind &&
		    it->off + it->len == r->off &&
		    it->len <= UINT64_MAX - len) {
			it->len += len;
			return;
		}
	}
	if (pg->nitems == pg->itemcap) {
		pg->itemcap = pg->itemcap == 0 ? 64 : pg->itemcap * 2;
		pg->items = xreallocarray(pg->items, pg->itemcap,
		    sizeof *pg->items);
	}
	it = &pg->items[pg->nitems++];
	it->off = r->off;
	it->len = len;
	it->ts = r->ts_ns;
	it->dir = r->dir;
	it->kind = r->kind;
	it->cum = 0;
}

/* The view's items from the document's runs. */
static void
build_items(struct ui_pager *pg)
{
	const struct ui_run *r;
	uint64_t len, avail;
	size_t	 i;
	int	 only = -1;

	if (pg->view == VIEW_CLIENT)
		only = 0;
	else if (pg->view == VIEW_SERVER)
		only = 1;
	pg->nitems = 0;
	for (i = 0; i < pg->doc.nruns; i++) {
		r = &pg->doc.runs[i];
		if (r->dir > 1 || r->len == 0 ||
		    (only != -1 && r->dir != only))
			continue;
		len = r->len;
		if (r->kind == RUN_DATA) {
			/* Only what can be read. */
			avail = pg->doc.len[r->dir];
			if (r->off >= avail)
				continue;
			if (len > avail - r->off)
				len = avail - r->off;
		} else if (r->kind != RUN_HOLE)
			continue;
		add_item(pg, r, len, only != -1);
	}
	pg->total = 0;
	for (i = 0; i < pg->nitems; i++) {
		pg->items[i].cum = pg->total;
		if (pg->total <= UINT64_MAX - pg->items[i].len)
			pg->total += pg->items[i].len;
	}
	pg->digits = 8;
	for (i = 0; i < 2; i++)
		if (ui_render_hex_digits(pg->doc.len[i]) > pg->digits)
			pg->digits = ui_render_hex_digits(pg->doc.len[i]);
	if (pg->top.item >= pg->nitems)
		first_line(pg, 0, &pg->top);
	else if (pg->items[pg->top.item].kind != RUN_DATA || !has_head(pg))
		pg->top.head = false;
	if (pg->top.item < pg->nitems &&
	    pg->top.off >= pg->items[pg->top.item].len)
		pg->top.off = 0;
	if (pg->have_match && (pg->mitem >= pg->nitems ||
	    pg->meo > pg->items[pg->mitem].len))
		pg->have_match = false;
}

/* --- the block cache ------------------------------------------------------ */

static void
cache_flush(struct ui_pager *pg)
{
	size_t	 i;

	for (i = 0; i < NBLK; i++)
		pg->blk[i].dir = -1;
}

/* Block no of direction dir holding at least need bytes if it can. */
static struct blk *
cache_get(struct ui_pager *pg, int dir, uint64_t no, size_t need)
{
	struct blk *b = NULL, *old = &pg->blk[0];
	ssize_t	 r;
	size_t	 i;

	for (i = 0; i < NBLK; i++) {
		if (pg->blk[i].dir == dir && pg->blk[i].no == no) {
			b = &pg->blk[i];
			break;
		}
		if (pg->blk[i].dir == -1 || pg->blk[i].stamp < old->stamp)
			old = &pg->blk[i];
	}
	if (b != NULL) {
		b->stamp = ++pg->clock;
		/* A short block is read again only if the stream grew. */
		if (b->len >= need || b->len == BLK_SIZE ||
		    pg->doc.len[dir] <= no * BLK_SIZE + b->len)
			return (b);
	} else
		b = old;
	if (b->data == NULL)
		b->data = xmalloc(BLK_SIZE);
	b->dir = dir;
	b->no = no;
	b->stamp = ++pg->clock;
	r = pg->src->read(pg->src->arg, dir, no * BLK_SIZE, b->data, BLK_SIZE);
	if (r < 0) {
		set_msg(pg, true, "read error: %s", strerror(errno));
		r = 0;
	}
	b->len = (size_t)r > BLK_SIZE ? BLK_SIZE : (size_t)r;
	return (b);
}

/* Copy up to len bytes of direction dir at off into out; returns how many
 * (short at the end of what is readable). */
static size_t
fetch(struct ui_pager *pg, int dir, uint64_t off, size_t len, uint8_t *out)
{
	struct blk *b;
	uint64_t o;
	size_t	 done = 0, in, n;

	while (done < len) {
		o = off + done;
		in = (size_t)(o % BLK_SIZE);
		b = cache_get(pg, dir, o / BLK_SIZE, in + (len - done));
		if (b->len <= in)
			break;
		n = b->len - in;
		if (n > len - done)
			n = len - done;
		memcpy(out + done, b->data + in, n);
		done += n;
		if (b->len < BLK_SIZE)
			break;
	}
	return (done);
}

/* --- lines ---------------------------------------------------------------- */

/* Lay out the text line starting at off of data item it. */
static void
text_line(struct ui_pager *pg, const struct item *it, uint64_t off,
    struct ui_cell *cells, struct ui_line *ln)
{
	uint64_t end;
	size_t	 want, got;

	end = (off / ANCHOR + 1) * ANCHOR;
	if (end > it->len)
		end = it->len;
	want = UI_RENDER_LOOKAHEAD(pg->width);
	if (want > end - off)
		want = (size_t)(end - off);
	got = fetch(pg, it->dir, it->off + off, want, pg->scratch);
	ui_render_text(pg->scratch, got, got < want || off + got >= end,
	    pg->utf8, pg->width, cells, ln);
	if (ln->used == 0) {
		/* Nothing readable: skip to the anchor, drawn empty. */
		ln->used = (size_t)(end - off);
		ln->ncells = 0;
		ln->cols = 0;
	}
}

/* The start of the last text line of item it that starts before x
 * (0 < x <= it->len). */
static uint64_t
text_prev_start(struct ui_pager *pg, const struct item *it, uint64_t x)
{
	struct ui_cell cells[MAXW];
	struct ui_line ln;
	const uint8_t *nl;
	uint64_t cs, s, o, last;
	size_t	 got;

	cs = (x - 1) / ANCHOR * ANCHOR;
	s = cs;
	got = fetch(pg, it->dir, it->off + cs, (size_t)(x - 1 - cs),
	    pg->scratch);
	if ((nl = memrchr(pg->scratch, '\n', got)) != NULL)
		s = cs + (uint64_t)(nl - pg->scratch) + 1;
	last = s;
	for (o = s; o < x; o += ln.used) {
		last = o;
		text_line(pg, it, o, cells, &ln);
	}
	return (last);
}

/* The start of the line that holds byte o of data item it. */
static uint64_t
line_containing(struct ui_pager *pg, const struct item *it, uint64_t o)
{
	if (o >= it->len)
		o = it->len > 0 ? it->len - 1 : 0;
	if (pg->hex)
		return (o - o % (uint64_t)pg->bpl);
	if (o == 0)
		return (0);
	return (text_prev_start(pg, it, o + 1));
}

static void
first_line(const struct ui_pager *pg, size_t i, struct lpos *p)
{
	p->item = i;
	p->off = 0;
	p->head = i < pg->nitems && has_head(pg) &&
	    pg->items[i].kind == RUN_DATA;
}

static void
last_line(struct ui_pager *pg, size_t i, struct lpos *p)
{
	const struct item *it = &pg->items[i];

	p->item = i;
	p->head = false;
	p->off = 0;
	if (it->kind != RUN_DATA || it->len == 0)
		return;
	p->off = line_containing(pg, it, it->len - 1);
}

/* Move p to the next line; false at the end. */
static bool
next_line(struct ui_pager *pg, struct lpos *p)
{
	struct ui_cell cells[MAXW];
	struct ui_line ln;
	const struct item *it;
	uint64_t step;

	if (p->item >= pg->nitems)
		return (false);
	it = &pg->items[p->item];
	if (p->head) {
		p->head = false;
		p->off = 0;
		return (true);
	}
	if (it->kind == RUN_DATA) {
		if (pg->hex)
			step = (uint64_t)pg->bpl - p->off % (uint64_t)pg->bpl;
		else {
			text_line(pg, it, p->off, cells, &ln);
			step = ln.used;
		}
		if (p->off + step < it->len) {
			p->off += step;
			return (true);
		}
	}
	if (p->item + 1 >= pg->nitems)
		return (false);
	first_line(pg, p->item + 1, p);
	return (true);
}

/* Move p to the previous line; false at the start. */
static bool
prev_line(struct ui_pager *pg, struct lpos *p)
{
	const struct item *it;

	if (p->item >= pg->nitems)
		return (false);
	it = &pg->items[p->item];
	if (!p->head && it->kind == RUN_DATA && p->off > 0) {
		if (pg->hex) {
			if (p->off % (uint64_t)pg->bpl != 0)
				p->off -= p->off % (uint64_t)pg->bpl;
			else
				p->off -= (uint64_t)pg->bpl;
		} else
			p->off = text_prev_start(pg, it, p->off);
		return (true);
	}
	if (!p->head && it->kind == RUN_DATA && has_head(pg)) {
		p->head = true;
		return (true);
	}
	if (p->item == 0)
		return (false);
	last_line(pg, p->item - 1, p);
	return (true);
}

/* --- movement ------------------------------------------------------------- */

/* Down n lines, but never past the point where the last line is at the
 * bottom of the screen. */
static void
scroll_down(struct ui_pager *pg, int n)
{
	struct lpos bottom = pg->top;
	int	 i;

	for (i = 1; i < pg->rows; i++)
		if (!next_line(pg, &bottom))
			return;
	for (i = 0; i < n; i++) {
		if (!next_line(pg, &bottom))
			break;
		next_line(pg, &pg->top);
	}
}

static void
scroll_up(struct ui_pager *pg, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		if (!prev_line(pg, &pg->top))
			break;
}

static void
go_top(struct ui_pager *pg)
{
	first_line(pg, 0, &pg->top);
}

static void
go_bottom(struct ui_pager *pg)
{
	int	 i;

	if (pg->nitems == 0) {
		go_top(pg);
		return;
	}
	last_line(pg, pg->nitems - 1, &pg->top);
	for (i = 1; i < pg->rows; i++)
		if (!prev_line(pg, &pg->top))
			break;
}

/* Put the line holding byte off of item i at the top. */
static void
go_item_off(struct ui_pager *pg, size_t i, uint64_t off)
{
	const struct item *it;

	if (i >= pg->nitems) {
		go_bottom(pg);
		return;
	}
	it = &pg->items[i];
	if (off == 0 || it->kind != RUN_DATA) {
		first_line(pg, i, &pg->top);
		return;
	}
	pg->top.item = i;
	pg->top.head = false;
	pg->top.off = line_containing(pg, it, off);
}

/* The item holding view position v (binary search on cum). */
static size_t
item_at_cum(const struct ui_pager *pg, uint64_t v)
{
	size_t	 lo = 0, hi = pg->nitems, mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (pg->items[mid].cum <= v)
			lo = mid;
		else
			hi = mid;
	}
	return (lo);
}

/* Jump to "1234", "0x4d2" or "50%". */
static void
jump(struct ui_pager *pg, const char *s)
{
	unsigned long long v;
	double	 pct;
	size_t	 i;
	char	*end;

	while (*s == ' ')
		s++;
	if (*s == '\0')
		return;
	if (pg->nitems == 0) {
		set_msg(pg, true, "nothing to jump in");
		return;
	}
	errno = 0;
	if (strchr(s, '%') != NULL) {
		pct = strtod(s, &end);
		if (end == s || *end != '%' || end[1] != '\0' || pct < 0 ||
		    pct > 100 || pct != pct) {
			set_msg(pg, true, "not a percentage: %.40s", s);
			return;
		}
		if (pct >= 100) {
			go_bottom(pg);
			return;
		}
		v = (unsigned long long)((double)pg->total * pct / 100.0);
		if (v >= pg->total)
			v = pg->total > 0 ? pg->total - 1 : 0;
		i = item_at_cum(pg, v);
		go_item_off(pg, i, v - pg->items[i].cum);
		return;
	}
	v = strtoull(s, &end, 0);
	while (*end == ' ')
		end++;
	if (end == s || *end != '\0' || errno != 0 || *s == '-') {
		set_msg(pg, true, "not an offset: %.40s (1234, 0x4d2, 50%%)",
		    s);
		return;
	}
	if (has_head(pg)) {
		if (v >= pg->total) {
			set_msg(pg, true, "offset beyond the end (%" PRIu64
			    " bytes)", pg->total);
			return;
		}
		i = item_at_cum(pg, v);
		go_item_off(pg, i, v - pg->items[i].cum);
		return;
	}
	/* One direction: items are in stream order. */
	for (i = 0; i < pg->nitems; i++) {
		if (v < pg->items[i].off + pg->items[i].len)
			break;
	}
	if (i == pg->nitems) {
		set_msg(pg, true, "offset beyond the end (%" PRIu64 " bytes)",
		    pg->items[pg->nitems - 1].off +
		    pg->items[pg->nitems - 1].len);
		return;
	}
	go_item_off(pg, i, v > pg->items[i].off ? v - pg->items[i].off : 0);
}

/* --- search --------------------------------------------------------------- */

/* Start searching from the current match or the top line. */
static void
search_begin(struct ui_pager *pg, bool back)
{
	if (!pg->have_re) {
		set_msg(pg, true, "no previous search");
		return;
	}
	if (pg->nitems == 0) {
		set_msg(pg, true, "nothing to search");
		return;
	}
	pg->searching = true;
	pg->sback = back;
	pg->sdone = 0;
	if (pg->have_match && pg->mitem < pg->nitems) {
		pg->sitem = pg->mitem;
		pg->spos = back ? pg->mso : pg->mso + 1;
	} else {
		pg->sitem = pg->top.item;
		pg->spos = pg->top.head ? 0 : pg->top.off;
	}
	pg->msg[0] = '\0';
}

static void
search_found(struct ui_pager *pg, size_t i, uint64_t so, uint64_t eo)
{
	pg->searching = false;
	pg->have_match = true;
	pg->mitem = i;
	pg->mso = so;
	pg->meo = eo;
	pg->follow = false;
	go_item_off(pg, i, so);
	if (pg->top.off == 0 && has_head(pg))
		pg->top.head = true;
	set_msg(pg, false, "match at %s offset %" PRIu64,
	    pg->items[i].dir == 0 ? "client" : "server",
	    pg->items[i].off + so);
}

/* Work on a running search; see ui-pager.h. */
bool
ui_pager_step(struct ui_pager *pg)
{
	const struct item *it;
	uint64_t budget = STEP_BYTES, b, e, lim;
	size_t	 n, pre, so, eo;

	if (!pg->searching)
		return (false);
	if (pg->sbuf == NULL)
		pg->sbuf = xmalloc(SRCH_BLK + SRCH_OVL + 2);
	while (budget > 0) {
		if (pg->sitem >= pg->nitems) {
			pg->searching = false;
			set_msg(pg, true, "pattern not found: %s", pg->pattern);
			return (true);
		}
		it = &pg->items[pg->sitem];
		if (!pg->sback) {
			if (it->kind != RUN_DATA || pg->spos >= it->len) {
				pg->sitem++;
				pg->spos = 0;
				continue;
			}
			b = pg->spos;
			e = it->len - b > SRCH_BLK ? b + SRCH_BLK : it->len;
			lim = it->len - e > SRCH_OVL ? e + SRCH_OVL : it->len;
			pre = b > 0 ? 1 : 0;
			n = fetch(pg, it->dir, it->off + b - pre,
			    (size_t)(lim - b + pre), pg->sbuf);
			pg->sbuf[n] = 0;
			if (ui_search_next(&pg->re, pg->sbuf, n, pre, pre == 0,
			    &so, &eo) == 1 && so - pre < e - b) {
				search_found(pg, pg->sitem, b + so - pre,
				    b + eo - pre);
				return (true);
			}
			pg->spos = e;
			if (n < lim - b + pre)		/* unreadable */
				pg->spos = it->len;
		} else {
			if (it->kind != RUN_DATA || pg->spos == 0) {
				if (pg->sitem == 0) {
					pg->searching = false;
					set_msg(pg, true, "pattern not found "
					    "(backward): %s", pg->pattern);
					return (true);
				}
				pg->sitem--;
				pg->spos = pg->items[pg->sitem].len;
				continue;
			}
			if (pg->spos > it->len)
				pg->spos = it->len;
			e = pg->spos;
			b = e > SRCH_BLK ? e - SRCH_BLK : 0;
			lim = it->len - e > SRCH_OVL ? e + SRCH_OVL : it->len;
			pre = b > 0 ? 1 : 0;
			n = fetch(pg, it->dir, it->off + b - pre,
			    (size_t)(lim - b + pre), pg->sbuf);
			pg->sbuf[n] = 0;
			if (ui_search_prev(&pg->re, pg->sbuf, n, pre,
			    (size_t)(e - b) + pre, pre == 0, &so, &eo) == 1) {
				search_found(pg, pg->sitem, b + so - pre,
				    b + eo - pre);
				return (true);
			}
			pg->spos = b;
		}
		n = (size_t)(e - b);
		pg->sdone += n;
		budget = budget > n ? budget - n : 0;
	}
	return (true);
}

/* True while a search is running. */
bool
ui_pager_busy(const struct ui_pager *pg)
{
	return (pg->searching);
}

/* --- commands ------------------------------------------------------------- */

static void
set_view(struct ui_pager *pg, int v)
{
	uint64_t cum = 0;
	size_t	 i;
	int	 dir = -1;

	if (v == pg->view)
		return;
	/* Keep roughly the same place: the byte at the top. */
	if (pg->top.item < pg->nitems) {
		dir = pg->items[pg->top.item].dir;
		cum = pg->items[pg->top.item].off + pg->top.off;
	}
	pg->view = v;
	pg->searching = false;
	pg->have_match = false;
	pg->narrow = false;
	build_items(pg);
	go_top(pg);
	for (i = 0; dir != -1 && i < pg->nitems; i++) {
		if (pg->items[i].dir == dir && cum >= pg->items[i].off &&
		    cum < pg->items[i].off + pg->items[i].len) {
			go_item_off(pg, i, cum - pg->items[i].off);
			break;
		}
	}
	if (pg->follow)
		go_bottom(pg);
	set_msg(pg, false, "%s view", view_names[v]);
}

static void
toggle_http(struct ui_pager *pg)
{
	char	 err[160];

	if (pg->src->http == NULL) {
		set_msg(pg, true, "no HTTP view for this connection");
		return;
	}
	err[0] = '\0';
	if (pg->src->http(pg->src->arg, !pg->http, err, sizeof err) == -1) {
		set_msg(pg, true, "HTTP view: %s", err[0] != '\0' ? err :
		    "failed");
		return;
	}
	pg->http = !pg->http;
	pg->searching = false;
	pg->have_match = false;
	cache_flush(pg);
	take_snapshot(pg);
	go_top(pg);
	if (pg->follow)
		go_bottom(pg);
	set_msg(pg, false, "HTTP view %s", pg->http ? "on" : "off");
}

/* Enter in a prompt. */
static void
prompt_done(struct ui_pager *pg)
{
	char	 text[UI_PROMPT_MAX * 4], err[160];
	const char *p;
	bool	 icase = true;

	ui_prompt_text(&pg->prompt, text, sizeof text);
	pg->prompt.active = false;
	pg->msg[0] = '\0';
	if (pg->pk == PK_JUMP) {
		pg->follow = false;
		jump(pg, text);
		return;
	}
	if (text[0] == '\0') {
		/* Empty: repeat the last search in the new direction. */
		pg->back = pg->pk == PK_RSEARCH;
		search_begin(pg, pg->back);
		return;
	}
	/* Smart case: a capital letter makes the search case-sensitive. */
	for (p = text; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			icase = false;
	if (pg->have_re)
		ui_search_free(&pg->re);
	pg->have_re = false;
	pg->have_match = false;
	if (ui_search_compile(&pg->re, text, icase, err, sizeof err) == -1) {
		set_msg(pg, true, "%s", err);
		return;
	}
	pg->have_re = true;
	snprintf(pg->pattern, sizeof pg->pattern, "%s", text);
	pg->back = pg->pk == PK_RSEARCH;
	pg->follow = false;
	search_begin(pg, pg->back);
}

/* --- public --------------------------------------------------------------- */

/* A pager on src; see ui-pager.h. */
struct ui_pager *
ui_pager_new(const struct ui_pager_source *src)
{
	struct ui_pager *pg;
	const char *cs;

	pg = xcalloc(1, sizeof *pg);
	pg->src = src;
	cs = nl_langinfo(CODESET);
	pg->utf8 = MB_CUR_MAX > 1 && cs != NULL &&
	    (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
	pg->scratch = xmalloc(ANCHOR + UI_RENDER_LOOKAHEAD(MAXW) +
	    2 * HL_OVL + 16);
	pg->width = COLS > 0 ? (COLS < MAXW ? COLS : MAXW) : 80;
	pg->rows = LINES > 4 ? LINES - 4 : 1;
	pg->cols = pg->width;
	pg->bpl = ui_render_hex_bpl(pg->width, 8);
	cache_flush(pg);
	take_snapshot(pg);
	go_top(pg);
	return (pg);
}

/* New snapshot; see ui-pager.h. */
bool
ui_pager_refresh(struct ui_pager *pg)
{
	uint64_t total = pg->total, len0 = pg->doc.len[0];
	uint64_t len1 = pg->doc.len[1];
	size_t	 nitems = pg->nitems;
	bool	 live = pg->doc.live;

	take_snapshot(pg);
	if (pg->follow)
		go_bottom(pg);
	return (total != pg->total || nitems != pg->nitems ||
	    live != pg->doc.live || len0 != pg->doc.len[0] ||
	    len1 != pg->doc.len[1]);
}

/* True while the search or jump prompt is open. */
bool
ui_pager_prompting(const struct ui_pager *pg)
{
	return (pg->prompt.active);
}

/* The pager's key table. */
const struct ui_key *
ui_pager_keys(size_t *n)
{
	*n = NPAGER_KEYS;
	return (pager_keys);
}

/* Handle a key; see ui-pager.h. */
enum ui_pager_result
ui_pager_key(struct ui_pager *pg, bool is_key, wint_t code)
{
	enum ui_prompt_result pr;
	MEVENT	 ev;
	int	 key, action, half;

	if (pg->prompt.active) {
		pr = ui_prompt_key(&pg->prompt, is_key, code);
		if (pr == PROMPT_DONE)
			prompt_done(pg);
		else if (pr == PROMPT_CANCEL)
			pg->prompt.active = false;
		return (PAGER_HANDLED);
	}
	if (pg->searching && !is_key && (code == 27 || code == 3 ||
	    code == 7)) {
		pg->searching = false;
		set_msg(pg, false, "search cancelled");
		return (PAGER_HANDLED);
	}
	if (is_key)
		key = (int)code;
	else if (code == '\r')
		key = '\n';
	else if (code < KEY_MIN)
		key = (int)code;
	else
		return (PAGER_UNHANDLED);
	if ((action = ui_keys_find(pager_keys, NPAGER_KEYS, key)) == -1)
		return (PAGER_UNHANDLED);
	if (action != PA_MOUSE && action != PA_RESIZE)
		pg->msg[0] = '\0';	/* a message lasts until the next key */
	half = pg->rows / 2 > 0 ? pg->rows / 2 : 1;
	switch (action) {
	case PA_DOWN:
	case PA_UP:
	case PA_PGDN:
	case PA_PGUP:
	case PA_HALFDN:
	case PA_HALFUP:
	case PA_TOP:
	case PA_BOTTOM:
	case PA_MOUSE:
		pg->follow = false;
		break;
	default:
		break;
	}
	switch (action) {
	case PA_DOWN:
		scroll_down(pg, 1);
		break;
	case PA_UP:
		scroll_up(pg, 1);
		break;
	case PA_PGDN:
		scroll_down(pg, pg->rows > 1 ? pg->rows - 1 : 1);
		break;
	case PA_PGUP:
		scroll_up(pg, pg->rows > 1 ? pg->rows - 1 : 1);
		break;
	case PA_HALFDN:
		scroll_down(pg, half);
		break;
	case PA_HALFUP:
		scroll_up(pg, half);
		break;
	case PA_TOP:
		go_top(pg);
		break;
	case PA_BOTTOM:
		go_bottom(pg);
		break;
	case PA_SEARCH:
	case PA_RSEARCH:
		pg->pk = action == PA_SEARCH ? PK_SEARCH : PK_RSEARCH;
		ui_prompt_start(&pg->prompt, action == PA_SEARCH ? "/" : "?",
		    NULL);
		break;
	case PA_NEXT:
		pg->follow = false;
		search_begin(pg, pg->back);
		break;
	case PA_PREV:
		pg->follow = false;
		search_begin(pg, !pg->back);
		break;
	case PA_JUMP:
		pg->pk = PK_JUMP;
		ui_prompt_start(&pg->prompt, "offset (1234, 0x4d2, 50%): ",
		    NULL);
		break;
	case PA_FOLLOW:
		pg->follow = !pg->follow;
		if (pg->follow)
			go_bottom(pg);
		set_msg(pg, false, pg->follow ? "following the end (any "
		    "movement stops)" : "follow off");
		break;
	case PA_HTTP:
		toggle_http(pg);
		break;
	case PA_VIEW:
		set_view(pg, (pg->view + 1) % VIEW_N);
		break;
	case PA_VIEW_BOTH:
	case PA_VIEW_CLIENT:
	case PA_VIEW_SERVER:
	case PA_VIEW_SIDE:
		set_view(pg, VIEW_BOTH + (action - PA_VIEW_BOTH));
		break;
	case PA_HEX:
		pg->hex = !pg->hex;
		if (pg->top.item < pg->nitems && !pg->top.head)
			go_item_off(pg, pg->top.item, pg->top.off);
		if (pg->follow)
			go_bottom(pg);
		break;
	case PA_CLOSE:
		return (PAGER_CLOSE);
	case PA_MOUSE:
		if (getmouse(&ev) != OK)
			break;
		if (ev.bstate & BUTTON4_PRESSED)
			scroll_up(pg, WHEEL_LINES);
#ifdef BUTTON5_PRESSED
		else if (ev.bstate & BUTTON5_PRESSED)
			scroll_down(pg, WHEEL_LINES);
#endif
		break;
	case PA_RESIZE:
		break;			/* the next draw lays out again */
	}
	return (PAGER_HANDLED);
}

/* --- drawing -------------------------------------------------------------- */

/* Draw cells at (y, x); hl marks cells to show as matches. */
static void
draw_cells(int y, int x, const struct ui_cell *c, size_t n, attr_t base,
    const bool *hl)
{
	cchar_t	 cc;
	wchar_t	 w[2];
	attr_t	 a;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (hl != NULL && hl[i])
			a = ui_theme_attr(UR_MATCH);
		else if (c[i].role == UC_ESCAPE)
			a = ui_theme_attr(UR_ESCAPE);
		else if (c[i].role == UC_OFFSET)
			a = ui_theme_attr(UR_DIM);
		else
			a = base;
		w[0] = c[i].wc;
		w[1] = L'\0';
		setcchar(&cc, w, a & ~A_COLOR, (short)PAIR_NUMBER(a), NULL);
		mvadd_wch(y, x, &cc);
		x += c[i].cols;
	}
}

/* Draw string s (any bytes: it goes through the renderer) at (y, x), at
 * most w columns. */
static void
draw_str(struct ui_pager *pg, int y, int x, int w, const char *s, attr_t a)
{
	struct ui_cell cells[MAXW];
	struct ui_line ln;

	if (w <= 0)
		return;
	if (w > MAXW)
		w = MAXW;
	ui_render_text((const uint8_t *)s, strlen(s), true, pg->utf8, w,
	    cells, &ln);
	draw_cells(y, x, cells, ln.ncells, a, NULL);
}

/* Mark in hl the cells of a line (source bytes [a, a+used) of item it,
 * cell src relative to a) that lie in a match of the search pattern. */
static void
mark_matches(struct ui_pager *pg, const struct item *it, uint64_t a,
    size_t used, const struct ui_cell *cells, size_t ncells, bool *hl)
{
	uint8_t	*buf = pg->scratch;
	uint64_t b, e, base, ms, me, x;
	size_t	 n, pre, pos, so, eo, i, k;

	memset(hl, 0, ncells * sizeof *hl);
	if (!pg->have_re || used == 0 || a >= it->len)
		return;
	b = a > HL_OVL ? a - HL_OVL : 0;
	e = it->len - a > used + HL_OVL ? a + used + HL_OVL : it->len;
	pre = b > 0 ? 1 : 0;
	base = b - pre;			/* item offset of buf[0] */
	n = fetch(pg, it->dir, it->off + base, (size_t)(e - base), buf);
	buf[n] = 0;
	pos = pre;
	for (k = 0; k < HL_MAX && pos < n; k++) {
		if (ui_search_next(&pg->re, buf, n, pos, pre == 0, &so,
		    &eo) == 0)
			break;
		ms = base + so;
		me = base + eo;
		if (ms >= a + used)
			break;
		for (i = 0; me > a && i < ncells; i++) {
			if (cells[i].src == UI_CELL_NOSRC)
				continue;
			x = a + cells[i].src;
			if (x + cells[i].nsrc > ms && x < me)
				hl[i] = true;
		}
		pos = so + 1;
	}
}

/* "12:00:01.234" for a time in ns, or "" when unknown. */
static void
fmt_time(uint64_t ns, char *buf, size_t len)
{
	struct tm tm;
	time_t	 t;

	buf[0] = '\0';
	if (ns == 0)
		return;
	t = (time_t)(ns / 1000000000u);
	if (localtime_r(&t, &tm) == NULL)
		return;
	snprintf(buf, len, "%02d:%02d:%02d.%03u ", tm.tm_hour, tm.tm_min,
	    tm.tm_sec, (unsigned)(ns / 1000000u % 1000u));
}

/* Draw line p at (y, x), w columns. */
static void
draw_line(struct ui_pager *pg, const struct lpos *p, int y, int x, int w)
{
	struct ui_cell cells[MAXW];
	bool	 hl[MAXW];
	struct ui_line ln;
	const struct item *it = &pg->items[p->item];
	const char *dirs;
	char	 buf[512], tbuf[32];
	attr_t	 base;
	size_t	 n;
	int	 tl;

	base = ui_theme_attr(it->dir == 0 ? UR_CLIENT : UR_SERVER);
	if (p->head) {
		dirs = it->dir == 0 ? "client -> server" : "server -> client";
		fmt_time(pg->doc.timed ? it->ts : 0, tbuf, sizeof tbuf);
		attrset(ui_theme_attr(UR_RUNHEAD));
		mvhline(y, x, ' ', w);
		attrset(A_NORMAL);
		snprintf(buf, sizeof buf, "%s%s", tbuf, dirs);
		tl = (int)strlen(tbuf);
		draw_str(pg, y, x, w, tbuf, ui_theme_attr(UR_RUNHEAD));
		draw_str(pg, y, x + tl, w - tl, dirs, base | A_REVERSE |
		    A_BOLD);
		tl += (int)strlen(dirs);
		snprintf(buf, sizeof buf, "  %" PRIu64 " byte%s  %s -> %s",
		    it->len, it->len == 1 ? "" : "s",
		    pg->doc.label[it->dir] != NULL ?
		    pg->doc.label[it->dir] : "",
		    pg->doc.label[!it->dir] != NULL ?
		    pg->doc.label[!it->dir] : "");
		draw_str(pg, y, x + tl, w - tl, buf,
		    ui_theme_attr(UR_RUNHEAD));
		return;
	}
	if (it->kind == RUN_HOLE) {
		snprintf(buf, sizeof buf, "[%" PRIu64 " byte%s missing]",
		    it->len, it->len == 1 ? "" : "s");
		draw_str(pg, y, x, w, buf, ui_theme_attr(UR_HOLE));
		return;
	}
	if (pg->hex) {
		uint64_t off = p->off - p->off % (uint64_t)pg->bpl;
		uint8_t	 bytes[16];
		size_t	 want = (size_t)pg->bpl, got;

		if (want > it->len - off)
			want = (size_t)(it->len - off);
		got = fetch(pg, it->dir, it->off + off, want, bytes);
		n = ui_render_hex(bytes, got, it->off + off, pg->digits,
		    pg->bpl, w, cells, MAXW);
		mark_matches(pg, it, off, got, cells, n, hl);
		draw_cells(y, x, cells, n, base, hl);
		return;
	}
	text_line(pg, it, p->off, cells, &ln);
	mark_matches(pg, it, p->off, ln.used, cells, ln.ncells, hl);
	draw_cells(y, x, cells, ln.ncells, base, hl);
}

static void
draw_status(struct ui_pager *pg, int y, int cols)
{
	char	 left[256], right[64], pos[96];
	uint64_t v, so;
	const struct item *it;
	int	 pct, lw, rw;

	attrset(ui_theme_attr(UR_STATUS));
	mvhline(y, 0, ' ', cols);
	attrset(A_NORMAL);
	if (pg->nitems == 0)
		snprintf(pos, sizeof pos, "empty");
	else {
		it = &pg->items[pg->top.item];
		v = it->cum + pg->top.off;
		pct = pg->total > 0 ? (int)((double)v * 100.0 /
		    (double)pg->total) : 100;
		so = it->off + pg->top.off;
		if (has_head(pg))
			snprintf(pos, sizeof pos, "%" PRIu64 "/%" PRIu64
			    " %d%% (%s @%" PRIu64 ")", v, pg->total, pct,
			    it->dir == 0 ? "c" : "s", so);
		else
			snprintf(pos, sizeof pos, "offset %" PRIu64 "/%"
			    PRIu64 " %d%%", so, it->off + it->len, pct);
	}
	snprintf(left, sizeof left, " %s%s %s%s%s  %s ",
	    pg->narrow ? "interleaved" : view_names[pg->view],
	    pg->narrow ? " (side by side needs 60 columns)" : "",
	    pg->hex ? "hex" : "text", pg->http ? " HTTP" : "",
	    pg->follow ? " FOLLOW" : "", pos);
	snprintf(right, sizeof right, "%s", pg->doc.live ? " LIVE " : "");
	rw = (int)strlen(right);
	if (rw >= cols)
		rw = 0;
	draw_str(pg, y, 0, cols - rw, left, ui_theme_attr(UR_STATUS));
	lw = (int)strlen(left);
	if (pg->searching) {
		pct = pg->total > 0 ? (int)((double)pg->sdone * 100.0 /
		    (double)pg->total) : 0;
		snprintf(left, sizeof left, " searching %s%.60s %d%% (Esc "
		    "stops) ", pg->sback ? "?" : "/", pg->pattern, pct);
		if (lw < cols - rw)
			draw_str(pg, y, lw, cols - rw - lw, left,
			    ui_theme_attr(UR_STATUS) | A_BOLD);
	} else if (pg->msg[0] != '\0' && lw < cols - rw)
		draw_str(pg, y, lw, cols - rw - lw, pg->msg, pg->msg_err ?
		    ui_theme_attr(UR_WARN) | A_REVERSE :
		    ui_theme_attr(UR_STATUS));
	if (rw > 0)
		draw_str(pg, y, cols - rw, rw, right,
		    ui_theme_attr(UR_STATUS) | A_BOLD);
}

/* Draw the pager; see ui-pager.h. */
void
ui_pager_draw(struct ui_pager *pg, int top, int lines, int cols)
{
	struct lpos p;
	bool	 side, more = true;
	int	 rows, w, row, y, x, bpl;

	if (lines <= 0 || cols <= 0)
		return;
	rows = lines - 1;
	side = pg->view == VIEW_SIDE && cols >= SIDE_MIN;
	pg->narrow = pg->view == VIEW_SIDE && !side;
	w = side ? (cols - 1) / 2 : cols;
	if (w > MAXW)
		w = MAXW;
	if (w < 1)
		w = 1;
	bpl = ui_render_hex_bpl(w, pg->digits);
	pg->rows = rows > 0 ? rows : 1;
	pg->cols = cols;
	if (w != pg->width || bpl != pg->bpl) {
		pg->width = w;
		pg->bpl = bpl;
		if (pg->top.item < pg->nitems && !pg->top.head)
			go_item_off(pg, pg->top.item, pg->top.off);
	}
	if (pg->follow)
		go_bottom(pg);
	p = pg->top;
	for (row = 0; row < rows; row++) {
		y = top + row;
		attrset(A_NORMAL);
		mvhline(y, 0, ' ', cols);
		if (side && w < cols) {
			attrset(ui_theme_attr(UR_DIM));
			mvvline(y, w, ACS_VLINE, 1);
			attrset(A_NORMAL);
		}
		if (pg->nitems == 0) {
			if (row == 0)
				draw_str(pg, y, 0, cols, pg->doc.live ?
				    "(no data yet)" : "(no data)",
				    ui_theme_attr(UR_DIM));
			continue;
		}
		if (row > 0 && more)
			more = next_line(pg, &p);
		if (!more)
			continue;
		x = side && pg->items[p.item].dir == 1 ? w + 1 : 0;
		draw_line(pg, &p, y, x, w);
	}
	attrset(A_NORMAL);
	if (pg->prompt.active)
		ui_prompt_draw(&pg->prompt, top + rows, cols);
	else
		draw_status(pg, top + rows, cols);
}

/* Free the pager (the source is the caller's). */
void
ui_pager_free(struct ui_pager *pg)
{
	size_t	 i;

	if (pg == NULL)
		return;
	for (i = 0; i < NBLK; i++)
		free(pg->blk[i].data);
	if (pg->have_re)
		ui_search_free(&pg->re);
	free(pg->items);
	free(pg->scratch);
	free(pg->sbuf);
	free(pg);
}
