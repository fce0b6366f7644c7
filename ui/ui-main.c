/*
 * ui-main.c: the interactive UI: the capture thread, the event loop, the
 * flow list, the help screen and the save dialog.  The pager is
 * ui-pager.c, the rows are ui-model.c.
 *
 * DESIGN
 * Two threads (STYLE.md 27-29).  The capture thread runs the pipeline and
 * never waits for the UI: it publishes row items through a chan (a swap
 * under a mutex and an eventfd) and a status record under a mutex.  The
 * main thread owns curses and waits in poll() on the terminal, the chan's
 * wake descriptor and a self-pipe for signals; it drains keys, then rows,
 * and redraws at most every UI_FRAME_MS and only when something changed.
 * Signals (INT, TERM, HUP) only write a byte to the self-pipe: the loop
 * then stops the capture, waits for it to write everything out, restores
 * the terminal and exits, so files and report.xml are complete.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ui-main.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "chan.h"
#include "clock.h"
#include "flow-row.h"
#include "store.h"
#include "log.h"
#include "pipeline.h"
#include "ui-conn.h"
#include "ui-export.h"
#include "ui-keys.h"
#include "ui-model.h"
#include "ui-open.h"
#include "ui-pager.h"
#include "ui-prompt.h"
#include "ui-save.h"
#include "ui-theme.h"
#include "xmalloc.h"

#define UI_FRAME_MS	50		/* at most 20 redraws a second */
#define UI_IDLE_MS	500		/* clock and counters refresh */
#define UI_CHAN_CAP	16384		/* row items per batch */
#define UI_FLASH_TICKS	2		/* new/closed highlight, seconds */
#define UI_MIN_COLS	40
#define UI_MIN_LINES	10

enum ui_screen {
	SCR_LIST = 0,
	SCR_PAGER,
	SCR_HELP,
	SCR_SAVE
};

enum ui_prompt_kind {
	PK_NONE = 0,
	PK_FILTER,
	PK_SAVE
};

enum list_action {
	LA_UP = 1, LA_DOWN, LA_PGUP, LA_PGDN, LA_HOME, LA_END, LA_OPEN,
	LA_MARK, LA_MARK_ALL, LA_UNMARK, LA_FILTER, LA_SORT_NEXT,
	LA_SORT_PREV, LA_SORT_REV, LA_FOLLOW, LA_PAUSE, LA_SAVE, LA_HELP,
	LA_QUIT, LA_REDRAW, LA_CLEAR_FILTER, LA_EXPORT
};

#define CTRL_KEY(c)	((c) & 0x1f)

static const struct ui_key list_keys[] = {
	{ KEY_F(1), LA_HELP, "F1", "help: every key, the filter terms", "Help" },
	{ '?', LA_HELP, "?", "help: every key, the filter terms", NULL },
	{ 'h', LA_HELP, "h", "help: every key, the filter terms", NULL },
	{ KEY_UP, LA_UP, "Up", "previous connection", NULL },
	{ 'k', LA_UP, "k", "previous connection", NULL },
	{ KEY_DOWN, LA_DOWN, "Down", "next connection", NULL },
	{ 'j', LA_DOWN, "j", "next connection", NULL },
	{ KEY_PPAGE, LA_PGUP, "PgUp", "page up", NULL },
	{ 'b', LA_PGUP, "b", "page up", NULL },
	{ KEY_NPAGE, LA_PGDN, "PgDn", "page down", NULL },
	{ KEY_HOME, LA_HOME, "Home", "first connection", NULL },
	{ 'g', LA_HOME, "g", "first connection", NULL },
	{ KEY_END, LA_END, "End", "last connection", NULL },
	{ 'G', LA_END, "G", "last connection", NULL },
	{ '\n', LA_OPEN, "Enter", "open the connection in the pager "
	    "(double-click too)", "Open" },
	{ KEY_ENTER, LA_OPEN, "Enter", "open the connection in the pager "
	    "(double-click too)", NULL },
	{ ' ', LA_MARK, "Space", "mark or unmark the connection", "Mark" },
	{ 'a', LA_MARK_ALL, "a", "mark every connection the filter shows",
	    NULL },
	{ 'U', LA_UNMARK, "U", "clear all marks", NULL },
	{ KEY_F(4), LA_FILTER, "F4", "filter as you type (the terms are "
	    "below)", "Filter" },
	{ '/', LA_FILTER, "/", "filter as you type (the terms are "
	    "below)", NULL },
	{ '\\', LA_CLEAR_FILTER, "\\", "clear the filter", NULL },
	{ KEY_F(6), LA_SORT_NEXT, "F6", "sort by the next column (a click "
	    "on a title sorts by it)", "Sort" },
	{ '>', LA_SORT_NEXT, ">", "sort by the next column (a click on a "
	    "title sorts by it)", NULL },
	{ '<', LA_SORT_PREV, "<", "sort by the previous column", NULL },
	{ 'r', LA_SORT_REV, "r", "reverse the sort order", NULL },
	{ 'F', LA_FOLLOW, "F", "follow the newest connection (toggle)",
	    "Follow" },
	{ 'p', LA_PAUSE, "p", "pause the display; the capture goes on "
	    "(toggle)", NULL },
	{ KEY_F(5), LA_SAVE, "F5", "save the marked connections (or this "
	    "one) into a directory", "Save" },
	{ 's', LA_SAVE, "s", "save the marked connections (or this one) "
	    "into a directory", NULL },
	{ 'e', LA_EXPORT, "e", "export a netviz picture (PNG) of the "
	    "marked or shown connections", "Picture" },
	{ CTRL_KEY('l'), LA_REDRAW, "^L", "redraw the screen", NULL },
	{ KEY_F(10), LA_QUIT, "F10", "quit (asks once during a live capture)",
	    "Quit" },
	{ 'q', LA_QUIT, "q", "quit (asks once during a live capture)", NULL },
};
#define NLIST_KEYS	(sizeof list_keys / sizeof list_keys[0])

struct save_job;

struct ui {
	const struct opts	*o;
	struct pipeline		*pipe;
	struct chan		*ch;
	pthread_t		 cap_thread;
	bool			 cap_running;
	atomic_bool		 cap_quit;	/* the UI is leaving */
	int			 cap_status;
	FILE			*tty;
	SCREEN			*scr;
	int			 sig_pipe[2];
	struct ui_model		 m;
	struct pipeline_status	 st;
	struct ui_conn_env	 env;
	char			*open_spool;	/* --open: for the HTTP view */

	enum ui_screen		 screen;
	enum ui_screen		 help_from;
	uint32_t		 sel_id;
	bool			 have_sel;
	size_t			 top;
	bool			 follow;
	bool			 paused;
	bool			 quit_armed;
	bool			 quit;

	struct ui_pager		*pg;
	struct ui_conn		*conn;
	struct save_job		*save;		/* running, or NULL */
	pthread_t		 save_thread;

	struct ui_prompt	 prompt;
	enum ui_prompt_kind	 pk;
	char			 filter_before[256];
	bool			 save_transcript;
	bool			 save_pcap;
	uint32_t		*save_ids;
	size_t			 nsave;

	int			 help_top;
	char			 msg[256];
	bool			 msg_err;
	uint64_t		 msg_keep_until;	/* keys clear it after */
	bool			 dirty;
	uint64_t		 last_draw;
	uint64_t		 last_tick;
	uint64_t		 start_ms;
	uint64_t		 done_ms;	/* when loading finished */
	MEVENT			 last_click;
	uint64_t		 last_click_ms;
};

/*
 * FLOWSCOPE_UI_TRACE=FILE: one line per key read and per frame drawn, with
 * CLOCK_MONOTONIC milliseconds, for bench/ui-load.sh and ui-million.sh (which send keys
 * and reads back when the screen showing them was drawn).
 */
static FILE *ui_trace;

static void
ui_trace_event(const char *what, long a, long b)
{
	if (ui_trace == NULL)
		return;
	fprintf(ui_trace, "%.3f %s %ld %ld\n", (double)clock_mono_us() / 1e3,
	    what, a, b);
	fflush(ui_trace);
}

/* The UI's redirected log: the capture thread may write it. */
static pthread_mutex_t ui_log_mtx = PTHREAD_MUTEX_INITIALIZER;
static char ui_log_msg[256];
static volatile sig_atomic_t ui_log_new;
static int ui_sig_fd = -1;

static void
ui_log_redirect(const char *msg)
{
	pthread_mutex_lock(&ui_log_mtx);
	snprintf(ui_log_msg, sizeof ui_log_msg, "%s", msg);
	ui_log_new = 1;
	pthread_mutex_unlock(&ui_log_mtx);
}

static void
on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;

	if (ui_sig_fd != -1 && write(ui_sig_fd, &b, 1) == -1) {
		/* The pipe is full: a quit is already pending. */
	}
	errno = saved;
}

/* The terminal back to normal, once, whatever happens (fatal() too). */
static void
ui_restore(void)
{
	if (!isendwin())
		endwin();
}

bool
ui_wanted(const struct opts *o)
{
	if (o->tui)
		return (true);
	if (o->open_dir != NULL && o->netviz)
		return (false);		/* -e netviz draws it */
	if (o->batch && o->open_dir == NULL)
		return (false);
	return (isatty(STDOUT_FILENO));
}

static void
ui_message(struct ui *u, bool err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
ui_message(struct ui *u, bool err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->msg, sizeof u->msg, fmt, ap);
	va_end(ap);
	u->msg_err = err;
	/* It stays until a key is pressed (at least 2 s), like less's. */
	u->msg_keep_until = clock_mono_ms() + 2000;
	u->dirty = true;
}

/* --- formatting ------------------------------------------------------------ */

static void
fmt_bytes(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	double d = (double)v;
	int i = -1;

	if (v < 1000) {
		snprintf(buf, len, "%llu", (unsigned long long)v);
		return;
	}
	while (d >= 1000 && i < 5) {
		d /= 1024;
		i++;
	}
	snprintf(buf, len, d < 9.95 ? "%.1f%c" : "%.0f%c", d, units[i]);
}

static void
fmt_count(uint64_t v, char *buf, size_t len)
{
	if (v < 100000)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else if (v < 100000000)
		snprintf(buf, len, "%lluk", (unsigned long long)(v / 1000));
	else
		snprintf(buf, len, "%lluM", (unsigned long long)(v / 1000000));
}

static void
fmt_dur(uint64_t ns, char *buf, size_t len)
{
	uint64_t s = ns / 1000000000u;

	if (s < 10)
		snprintf(buf, len, "%.2fs", (double)ns / 1e9);
	else if (s < 3600)
		snprintf(buf, len, "%llu:%02llu", (unsigned long long)(s / 60),
		    (unsigned long long)(s % 60));
	else
		snprintf(buf, len, "%lluh%02llu", (unsigned long long)(s /
		    3600), (unsigned long long)(s / 60 % 60));
}

static void
fmt_clock(uint64_t ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / 1000000000u);
	struct tm tm;

	if (ns == 0 || localtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "-");
		return;
	}
	strftime(buf, len, "%H:%M:%S", &tm);
}

static const char *
state_name(int s)
{
	static const char *names[] = { "SYN", "open", "fin", "rst", "tmo",
	    "end" };

	return (s >= 0 && s < ROW_NSTATES ? names[s] : "?");
}

static const char *
ui_source(const struct ui *u)
{
	if (u->pipe == NULL)
		return (u->o->open_dir != NULL ? u->o->open_dir : "");
	return (pipeline_source(u->pipe));
}

/* --- drawing ------------------------------------------------------------- */

/* Print at most n columns of ASCII s (our own text, already safe). */
static void
put_str(int y, int x, int n, const char *s)
{
	if (n <= 0 || x >= COLS)
		return;
	mvaddnstr(y, x, s, n);
}

/* Fill the rest of line y from x with blanks in the current attribute. */
static void
fill_line(int y, int x)
{
	int i;

	for (i = x; i < COLS; i++)
		mvaddch(y, i, ' ');
}

struct col_layout {
	int	 w_state;
	int	 w_ep;		/* each endpoint: the widest on screen */
	int	 w_hint;
	int	 w_bytes;	/* each direction */
	int	 w_pkts;
	int	 w_start;
	int	 w_dur;
	int	 w_rate;	/* rate + sparkline */
};

/*
 * Column widths for this screen: endpoints as wide as the widest one shown
 * (an IPv4 list leaves room for the service hint at 80 columns), capped so
 * a long IPv6 address is cut in the middle rather than pushing the rest off.
 */
static void
layout(struct ui *u, struct col_layout *l, int cols)
{
	struct ui_model *m = &u->m;
	size_t rows = LINES > 5 ? (size_t)(LINES - 5) : 0, i;
	char ep[80];
	int rest, w = m->nview == 0 ? 21 : 6, k;
	int cap = cols >= 120 ? 41 : cols >= 100 ? 28 : 21;

	memset(l, 0, sizeof *l);
	for (i = u->top; i < m->nview && i < u->top + rows; i++) {
		for (k = 0; k < 2; k++) {
			int n = (int)ui_filter_endpoint(&m->rows[m->view[i]], k,
			    ep, sizeof ep);

			if (n > w)
				w = n;
		}
	}
	l->w_state = 5;
	l->w_bytes = 6;
	l->w_ep = w < cap ? w : cap;
	rest = cols - 2 - l->w_state - 2 * (l->w_ep + 1) - 2 * (l->w_bytes + 1);
	if (rest >= 60) {
		l->w_pkts = 6;
		l->w_start = 8;
		l->w_dur = 6;
		l->w_rate = 15;
		rest -= 7 + 9 + 7 + 16;
	}
	l->w_hint = rest > 48 ? 48 : rest;
	if (l->w_hint < 0)
		l->w_hint = 0;
}

static void
draw_titles(struct ui *u, int y, const struct col_layout *l)
{
	struct ui_model *m = &u->m;
	char buf[512];
	int x = 0;
	const char *arrow = m->sort_desc ? "v" : "^";

#define TITLE(w, name, col) do {					\
	snprintf(buf, sizeof buf, "%s%s", (name),			\
	    m->sort_col == (col) ? arrow : "");				\
	attrset(ui_theme_attr(m->sort_col == (col) ? UR_SELECTED :	\
	    UR_TITLE));							\
	put_str(y, x, (w), buf);					\
	x += (w) + 1;							\
} while (0)
	attrset(ui_theme_attr(UR_TITLE));
	fill_line(y, 0);
	x = 2;
	TITLE(l->w_state, "St", COL_STATE);
	TITLE(l->w_ep, "Client", COL_CLIENT);
	TITLE(l->w_ep, "Server", COL_SERVER);
	TITLE(l->w_bytes, "C>S", COL_CBYTES);
	TITLE(l->w_bytes, "S>C", COL_SBYTES);
	if (l->w_pkts > 0) {
		TITLE(l->w_pkts, "Pkts", COL_PACKETS);
		TITLE(l->w_start, "Start", COL_START);
		TITLE(l->w_dur, "Dur", COL_DURATION);
		TITLE(l->w_rate, "Rate", COL_RATE);
	}
	if (l->w_hint > 0)
		TITLE(l->w_hint, "Service", COL_HINT);
#undef TITLE
	attrset(A_NORMAL);
}

static void
draw_row(struct ui *u, int y, const struct ui_row *r, bool cur,
    const struct col_layout *l)
{
	static const char spark[] = " .:-=+*#";
	char buf[256], ep[80];
	enum ui_role role = UR_NORMAL;
	bool marked = ui_model_marked(&u->m, (uint32_t)r->id);
	int x = 0, i;

	if (cur)
		role = UR_SELECTED;
	else if (marked)
		role = UR_MARKED;
	else if (r->born_tick != 0 && u->m.tick - r->born_tick + 1 <=
	    UI_FLASH_TICKS)
		role = UR_NEW;
	else if (r->state >= ROW_CLOSED && u->m.tick - r->seen_tick + 1 <=
	    UI_FLASH_TICKS)
		role = UR_CLOSED;
	attrset(ui_theme_attr(role));
	fill_line(y, 0);
	put_str(y, 0, 1, marked ? "*" : " ");
	x = 2;
	snprintf(buf, sizeof buf, "%s%s", state_name(r->state),
	    (r->flags & (ROW_HOLES | ROW_LOST)) ? "!" :
	    (r->flags & ROW_RETRANS) ? "~" : "");
	put_str(y, x, l->w_state, buf);
	x += l->w_state + 1;
	for (i = 0; i < 2; i++) {
		size_t n = ui_filter_endpoint(r, i, ep, sizeof ep);

		if (n > (size_t)l->w_ep) {
			/* Keep the port: cut the address in the middle. */
			int keep = l->w_ep - 1;
			int head = keep / 2;

			snprintf(buf, sizeof buf, "%.*s~%s", head, ep,
			    ep + n - (size_t)(keep - head));
			put_str(y, x, l->w_ep, buf);
		} else
			put_str(y, x, l->w_ep, ep);
		x += l->w_ep + 1;
	}
	fmt_bytes(ui_row_client_bytes(r), buf, sizeof buf);
	mvprintw(y, x, "%*.*s", l->w_bytes, l->w_bytes, buf);
	x += l->w_bytes + 1;
	fmt_bytes(ui_row_server_bytes(r), buf, sizeof buf);
	mvprintw(y, x, "%*.*s", l->w_bytes, l->w_bytes, buf);
	x += l->w_bytes + 1;
	if (l->w_pkts > 0) {
		fmt_count((uint64_t)r->packets[0] + r->packets[1], buf,
		    sizeof buf);
		mvprintw(y, x, "%*.*s", l->w_pkts, l->w_pkts, buf);
		x += l->w_pkts + 1;
		fmt_clock(r->first_ns, buf, sizeof buf);
		put_str(y, x, l->w_start, buf);
		x += l->w_start + 1;
		fmt_dur(r->last_ns > r->first_ns ? r->last_ns - r->first_ns :
		    0, buf, sizeof buf);
		mvprintw(y, x, "%*.*s", l->w_dur, l->w_dur, buf);
		x += l->w_dur + 1;
		fmt_bytes(r->rate, ep, sizeof ep);
		snprintf(buf, sizeof buf, "%5s/s ", r->rate > 0 ? ep : "0");
		for (i = 0; i < ROW_SPARK; i++) {
			size_t k = strlen(buf);

			buf[k] = spark[r->spark[i] & 7];
			buf[k + 1] = '\0';
		}
		put_str(y, x, l->w_rate, buf);
		x += l->w_rate + 1;
	}
	if (l->w_hint > 0) {
		/* The VLAN is part of the connection's key: show it first. */
		if (r->key.has_vlan)
			snprintf(buf, sizeof buf, "vlan %u %s",
			    (unsigned)r->key.vlan, r->hint);
		else
			snprintf(buf, sizeof buf, "%s", r->hint);
		put_str(y, x, l->w_hint, buf);
	}
	attrset(A_NORMAL);
}

static void
draw_header(struct ui *u)
{
	const struct pipeline_status *st = &u->st;
	char b1[32], b2[32], line[512], src[160];
	const char *p;
	uint64_t now = clock_mono_ms();
	uint64_t el = (st->done && u->done_ms ? u->done_ms : now) - u->start_ms;
	int n;

	attrset(ui_theme_attr(UR_HEADER));
	fill_line(0, 0);
	p = ui_source(u);
	if (strrchr(p, '/') != NULL && strrchr(p, '/')[1] != '\0')
		p = strrchr(p, '/') + 1;
	snprintf(src, sizeof src, "%.40s", p);
	fmt_bytes(st->wire_bytes, b1, sizeof b1);
	if (u->pipe == NULL) {
		/* --open: what the report lists, no capture. */
		snprintf(line, sizeof line, "%s  %llu conns from report.xml  "
		    "loaded", src, (unsigned long long)st->conns_total);
		put_str(0, 0, COLS, line);
		goto second;
	}
	n = snprintf(line, sizeof line, "%s  %llu pkts %sB  %llu conns "
	    "(%llu open)  %02llu:%02llu  ", src, (unsigned long long)
	    st->packets, b1, (unsigned long long)st->conns_total,
	    (unsigned long long)st->conns_open, (unsigned long long)(el /
	    60000),
	    (unsigned long long)(el / 1000 % 60));
	if (st->live)
		snprintf(line + n, sizeof line - (size_t)n, "live");
	else if (!st->done && st->file_total > 0 && !u->o->follow) {
		double rate = el > 0 ? (double)st->file_read / ((double)el /
		    1000.0) : 0;
		uint64_t left = st->file_total > st->file_read ?
		    st->file_total - st->file_read : 0;

		snprintf(line + n, sizeof line - (size_t)n, "%llu%% %.0f MB/s "
		    "ETA %.0fs", (unsigned long long)(st->file_read * 100 /
		    st->file_total), rate / 1e6, rate > 0 ? (double)left /
		    rate : 0.0);
	} else
		snprintf(line + n, sizeof line - (size_t)n, "%s", st->done ?
		    "loaded" : u->o->follow ? "following" : "reading");
	put_str(0, 0, COLS, line);
second:
	n = 0;
	line[0] = '\0';
	if (st->live)
		n += snprintf(line + n, sizeof line - (size_t)n, "drops %llu  %s",
		    (unsigned long long)st->kernel_drop, st->live_pcap_full ?
		    "pcap kept: first 2 GiB  " : "");
	if (st->malformed > 0)
		n += snprintf(line + n, sizeof line - (size_t)n,
		    "malformed %llu  ", (unsigned long long)st->malformed);
	fmt_count(u->m.nview, b1, sizeof b1);
	fmt_count(u->m.nrows, b2, sizeof b2);
	n += snprintf(line + n, sizeof line - (size_t)n, "shown %s/%s  ", b1,
	    b2);
	if (u->m.filter_text[0] != '\0')
		n += snprintf(line + n, sizeof line - (size_t)n,
		    "filter: %.60s  ", u->m.filter_text);
	if (u->m.nmarked > 0)
		n += snprintf(line + n, sizeof line - (size_t)n, "marked %zu  ",
		    u->m.nmarked);
	if (u->follow)
		n += snprintf(line + n, sizeof line - (size_t)n, "[FOLLOW] ");
	if (u->paused)
		snprintf(line + n, sizeof line - (size_t)n, "[PAUSED] ");
	attrset(ui_theme_attr(UR_DIM));
	fill_line(1, 0);
	put_str(1, 0, COLS, line);
	if (st->failed || st->write_errors > 0) {
		attrset(ui_theme_attr(UR_WARN));
		put_str(1, COLS - 14, 14, st->failed ? " ERROR (below)" :
		    " write errors");
	}
	attrset(A_NORMAL);
}

/* An error such as "PATH: No space left on device", reason first so a
 * long path cannot push it off the line. */
static void
fmt_error(const char *err, char *buf, size_t len)
{
	const char *sep = strrchr(err, ':');

	if (sep == NULL || sep[1] != ' ' || sep == err ||
	    memchr(err, '/', (size_t)(sep - err)) == NULL)
		snprintf(buf, len, "%s", err);	/* not "PATH: reason" */
	else
		snprintf(buf, len, "%s: %.*s", sep + 2, (int)(sep - err), err);
}

/* The function bar (htop's), from a key table. */
static void
draw_bar(int y, const struct ui_key *t, size_t n)
{
	int x = 0;
	size_t i;

	attrset(ui_theme_attr(UR_BARLABEL));
	fill_line(y, 0);
	for (i = 0; i < n && x < COLS; i++) {
		int kw, lw;

		if (t[i].bar == NULL)
			continue;
		kw = (int)strlen(t[i].name);
		lw = (int)strlen(t[i].bar);
		attrset(ui_theme_attr(UR_BARKEY));
		put_str(y, x, COLS - x, t[i].name);
		x += kw;
		attrset(ui_theme_attr(UR_BARLABEL));
		put_str(y, x, COLS - x, t[i].bar);
		x += lw + 1;
	}
	attrset(A_NORMAL);
}

static void
draw_status(struct ui *u, int y)
{
	if (u->prompt.active && u->screen != SCR_SAVE) {
		ui_prompt_draw(&u->prompt, y, COLS);
		return;
	}
	char buf[512];

	attrset(ui_theme_attr(u->msg_err ? UR_WARN : UR_NORMAL));
	move(y, 0);
	clrtoeol();
	if (u->msg[0] != '\0') {
		fmt_error(u->msg, buf, sizeof buf);
		put_str(y, 0, COLS, u->msg_err ? buf : u->msg);
	} else if (u->st.failed) {
		/* The first input or output error stays in view. */
		attrset(ui_theme_attr(UR_WARN));
		fmt_error(u->st.error, buf, sizeof buf);
		put_str(y, 0, COLS, buf);
	}
	attrset(A_NORMAL);
}

static size_t
list_rows(void)
{
	return (LINES > 5 ? (size_t)(LINES - 5) : 0);
}

/* Where the selected connection is in the view (and keep it valid). */
static size_t
sel_pos(struct ui *u)
{
	struct ui_model *m = &u->m;
	long p;

	if (m->nview == 0) {
		u->have_sel = false;
		return (0);
	}
	if (u->follow) {
		/* The newest connection the view shows. */
		uint32_t best = m->view[0];
		size_t i, at = 0;

		for (i = 1; i < m->nview; i++) {
			if (m->view[i] > best) {
				best = m->view[i];
				at = i;
			}
		}
		u->sel_id = best;
		u->have_sel = true;
		return (at);
	}
	if (!u->have_sel) {
		u->sel_id = m->view[0];
		u->have_sel = true;
		return (0);
	}
	p = ui_model_find(m, u->sel_id);
	if (p < 0) {
		/* Filtered away: the first one. */
		u->sel_id = m->view[0];
		return (0);
	}
	return ((size_t)p);
}

static void
draw_list(struct ui *u)
{
	struct ui_model *m = &u->m;
	struct col_layout l;
	size_t rows = list_rows(), cur, i;
	int y;

	layout(u, &l, COLS);
	draw_header(u);
	draw_titles(u, 2, &l);
	cur = sel_pos(u);
	if (cur < u->top)
		u->top = cur;
	if (rows > 0 && cur >= u->top + rows)
		u->top = cur - rows + 1;
	if (u->top > 0 && u->top + rows > m->nview)
		u->top = m->nview > rows ? m->nview - rows : 0;
	for (i = 0, y = 3; i < rows; i++, y++) {
		if (u->top + i < m->nview)
			draw_row(u, y, &m->rows[m->view[u->top + i]],
			    u->have_sel && u->top + i == cur, &l);
		else {
			move(y, 0);
			clrtoeol();
		}
	}
	if (m->nview == 0) {
		attrset(ui_theme_attr(UR_DIM));
		put_str(4, 2, COLS - 2, m->nrows == 0 ? (u->st.done ?
		    "No TCP connections in this input." :
		    "Waiting for TCP connections...") :
		    "No connection matches the filter (\\ clears it).");
		attrset(A_NORMAL);
	}
	draw_status(u, LINES - 2);
	draw_bar(LINES - 1, list_keys, NLIST_KEYS);
}

/* The rest of the help screen: what the tables do not say. */
static const char *const help_more[] = {
	"Filter terms (all must match)",
	"  host ADDR[/PREFIX]  port N  vlan N   either endpoint; src/dst "
	    "for client/server",
	"  state S[,S]         syn open closed reset timeout ended done",
	"  bytes>N  cbytes<N  sbytes>=N  packets=N   N may end in k M G "
	    "(1024-based)",
	"  not TERM, !TERM, A or B;  other text: substring of the "
	    "addresses and service",
	"Marks in the St column: ! holes or lost bytes, ~ retransmissions",
	"Mouse: click selects, double-click opens, the wheel scrolls",
	"Prompts (filter, search, jump, save): Left/Right, Home/End or "
	    "^A/^E, ^U and ^W erase, Enter accepts, Esc cancels",
	"Save dialog: ^T adds a transcript per connection, ^P a pcap of "
	    "their packets",
	NULL
};

static void
draw_help(struct ui *u)
{
	const struct ui_key *tabs[2];
	size_t ns[2], t, i;
	int y = 0, line = 0, rows = LINES - 1;

	tabs[0] = list_keys;
	ns[0] = NLIST_KEYS;
	tabs[1] = ui_pager_keys(&ns[1]);
	erase();
	attrset(ui_theme_attr(UR_TITLE));
	fill_line(0, 0);
	put_str(0, 0, COLS, "flowscope help  (q, Esc or ? to close; "
	    "arrows scroll)");
	attrset(A_NORMAL);
	y = 1;
	for (t = 0; t < 2; t++) {
		const char *title = t == 0 ? "Connection list" : "Pager";

		if (line++ >= u->help_top && y < rows) {
			attrset(ui_theme_attr(UR_HEADER) | A_BOLD);
			put_str(y++, 0, COLS, title);
			attrset(A_NORMAL);
		}
		for (i = 0; i < ns[t]; i++) {
			char buf[512], names[64];
			size_t j, k = 0;
			bool dup = false;

			/* Aliases share a help line: "Up, k  previous...". */
			for (j = 0; j < i && !dup; j++)
				dup = strcmp(tabs[t][j].help,
				    tabs[t][i].help) == 0;
			if (dup)
				continue;
			names[0] = '\0';
			for (j = i; j < ns[t]; j++) {
				if (strcmp(tabs[t][j].help, tabs[t][i].help) !=
				    0 || strstr(names, tabs[t][j].name) != NULL)
					continue;
				k += (size_t)snprintf(names + k, k <
				    sizeof names ? sizeof names - k : 0,
				    "%s%s", k > 0 ? ", " : "",
				    tabs[t][j].name);
				if (k >= sizeof names)
					break;
			}
			/* Long help wraps under itself, at a space. */
			{
				const char *h = tabs[t][i].help;
				int room = COLS - 17 > 20 ? COLS - 17 : 20;
				bool first = true;

				while (*h != '\0') {
					int len = (int)strlen(h), cut = len;

					if (len > room) {
						for (cut = room; cut > 0 &&
						    h[cut] != ' '; cut--)
							continue;
						if (cut == 0)
							cut = room;
					}
					if (line++ >= u->help_top && y < rows) {
						snprintf(buf, sizeof buf,
						    "  %-14.14s %.*s", first ?
						    names : "", cut, h);
						put_str(y++, 0, COLS, buf);
					}
					first = false;
					h += cut;
					while (*h == ' ')
						h++;
				}
			}
		}
	}
	for (i = 0; help_more[i] != NULL; i++) {
		if (line++ < u->help_top || y >= rows)
			continue;
		if (i == 0)
			attrset(ui_theme_attr(UR_HEADER) | A_BOLD);
		put_str(y++, 0, COLS, help_more[i]);
		attrset(A_NORMAL);
	}
	if (u->help_top > line - 1)
		u->help_top = line - 1 > 0 ? line - 1 : 0;
	attrset(ui_theme_attr(UR_DIM));
	put_str(LINES - 1, 0, COLS, "Ctrl-C, SIGTERM or a closed terminal: "
	    "files and report.xml are completed.");
	attrset(A_NORMAL);
}

static void
draw_save(struct ui *u)
{
	char buf[256];
	int y = LINES / 2 - 4;

	if (y < 0)
		y = 0;
	draw_list(u);
	attrset(ui_theme_attr(UR_STATUS));
	for (int i = 0; i < 7 && y + i < LINES; i++)
		fill_line(y + i, 0);
	snprintf(buf, sizeof buf, " Save %zu connection%s", u->nsave,
	    u->nsave == 1 ? "" : "s");
	put_str(y, 0, COLS, buf);
	put_str(y + 2, 1, COLS - 1, "tcpflow-named files for each direction "
	    "and a report.xml");
	snprintf(buf, sizeof buf, " [%c] ^T  one combined transcript per "
	    "connection", u->save_transcript ? 'x' : ' ');
	put_str(y + 3, 0, COLS, buf);
	snprintf(buf, sizeof buf, " [%c] ^P  a pcap of their packets",
	    u->save_pcap ? 'x' : ' ');
	put_str(y + 4, 0, COLS, buf);
	put_str(y + 5, 1, COLS - 1, "Enter: save   Esc: cancel   existing "
	    "files are never overwritten");
	attrset(A_NORMAL);
	ui_prompt_draw(&u->prompt, y + 1 < LINES ? y + 1 : 0, COLS);
}

/* The pager's second line: which connection, its state and sizes. */
static void
draw_conn_line(struct ui *u, int y)
{
	const struct ui_row *r;
	char b1[16], b2[16], line[512];
	uint64_t id;

	if (u->conn == NULL)
		return;
	id = ui_conn_id(u->conn);
	if (id >= u->m.nrows)
		return;
	r = &u->m.rows[id];
	fmt_bytes(ui_row_client_bytes(r), b1, sizeof b1);
	fmt_bytes(ui_row_server_bytes(r), b2, sizeof b2);
	snprintf(line, sizeof line, "%s  %s  %sB / %sB  ", ui_conn_title(
	    u->conn), state_name(r->state), b1, b2);
	if (r->key.has_vlan)
		snprintf(line + strlen(line), sizeof line - strlen(line),
		    "vlan %u ", (unsigned)r->key.vlan);
	snprintf(line + strlen(line), sizeof line - strlen(line), "%s",
	    r->hint);
	attrset(ui_theme_attr(UR_DIM));
	fill_line(y, 0);
	put_str(y, 0, COLS, line);
	attrset(A_NORMAL);
}

static void
ui_draw(struct ui *u)
{
	if (LINES < UI_MIN_LINES || COLS < UI_MIN_COLS) {
		erase();
		mvprintw(0, 0, "Terminal too small (%dx%d): flowscope needs "
		    "%dx%d.", COLS, LINES, UI_MIN_COLS, UI_MIN_LINES);
		refresh();
		return;
	}
	switch (u->screen) {
	case SCR_LIST:
		draw_list(u);
		if (u->prompt.active)
			ui_prompt_draw(&u->prompt, LINES - 2, COLS);
		break;
	case SCR_PAGER:
		draw_header(u);
		draw_conn_line(u, 1);
		ui_pager_draw(u->pg, 2, LINES - 3, COLS);
		draw_status(u, LINES - 1);
		break;
	case SCR_HELP:
		draw_help(u);
		break;
	case SCR_SAVE:
		draw_save(u);
		break;
	}
	curs_set(u->prompt.active ? 1 : 0);
	refresh();
	u->last_draw = clock_mono_ms();
	u->dirty = false;
	ui_trace_event("frame", (long)u->m.nview, (long)u->m.nrows);
}

/* --- actions ----------------------------------------------------------------- */

static void
pager_close(struct ui *u)
{
	ui_pager_free(u->pg);
	u->pg = NULL;
	ui_conn_free(u->conn);
	u->conn = NULL;
	u->screen = SCR_LIST;
	u->dirty = true;
}

static void
pager_open(struct ui *u)
{
	const struct ui_row *r;

	if (!u->have_sel || u->sel_id >= u->m.nrows)
		return;
	r = &u->m.rows[u->sel_id];
	u->conn = ui_conn_new(&u->env, r, ui_model_path(&u->m, u->sel_id, 0),
	    ui_model_path(&u->m, u->sel_id, 1));
	u->pg = ui_pager_new(ui_conn_source(u->conn));
	u->screen = SCR_PAGER;
	u->follow = false;
	u->dirty = true;
}

static void
move_sel(struct ui *u, long delta)
{
	struct ui_model *m = &u->m;
	long p = (long)sel_pos(u);

	if (m->nview == 0)
		return;
	u->follow = false;
	p += delta;
	if (p < 0)
		p = 0;
	if (p >= (long)m->nview)
		p = (long)m->nview - 1;
	u->sel_id = m->view[p];
	u->have_sel = true;
	u->dirty = true;
}

static void
save_start(struct ui *u)
{
	struct ui_model *m = &u->m;
	char def[PATH_MAX];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	free(u->save_ids);
	u->save_ids = NULL;
	u->nsave = 0;
	if (m->nmarked > 0) {
		u->save_ids = xreallocarray(NULL, m->nmarked, sizeof(uint32_t));
		for (i = 0; i < m->nrows && u->nsave < m->nmarked; i++) {
			if (ui_model_marked(m, (uint32_t)i))
				u->save_ids[u->nsave++] = (uint32_t)i;
		}
	} else if (u->screen == SCR_PAGER && u->conn != NULL) {
		u->save_ids = xreallocarray(NULL, 1, sizeof(uint32_t));
		u->save_ids[u->nsave++] = (uint32_t)ui_conn_id(u->conn);
	} else if (u->have_sel) {
		u->save_ids = xreallocarray(NULL, 1, sizeof(uint32_t));
		u->save_ids[u->nsave++] = u->sel_id;
	}
	if (u->nsave == 0) {
		ui_message(u, true, "Nothing to save: no connection selected");
		return;
	}
	if (u->o->outdir_set)
		snprintf(def, sizeof def, "%s", u->o->outdir);
	else {
		localtime_r(&now, &tm);
		strftime(def, sizeof def, "./flowscope-%Y%m%d-%H%M%S", &tm);
	}
	ui_prompt_start(&u->prompt, " Directory: ", def);
	u->msg[0] = '\0';	/* a new action: the last result is read */
	u->pk = PK_SAVE;
	u->help_from = u->screen;
	u->screen = SCR_SAVE;
	u->dirty = true;
}

/*
 * A save runs in its own thread so a big copy or a pcap re-read never
 * freezes the screen; it owns copies of everything it reads (rows, names:
 * the model's path arena may move meanwhile).  The loop polls save_done.
 */
struct save_job {
	struct ui_save_req	 req;
	struct ui_save_conn	*conns;
	char			*names;		/* path copies, NUL-separated */
	char			 dir[UI_PROMPT_MAX * 4];
	const char		*srcs[1];
	char			 msg[512];
	int			 rv;
	atomic_bool		 done;
};

static void *
save_main(void *arg)
{
	struct save_job *j = arg;
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	j->rv = ui_save(&j->req, j->msg, sizeof j->msg);
	atomic_store(&j->done, true);
	return (NULL);
}

/* The save finished: show its result and free it (wait: join too). */
static void
save_reap(struct ui *u, bool wait)
{
	struct save_job *j = u->save;

	if (j == NULL || (!wait && !atomic_load(&j->done)))
		return;
	pthread_join(u->save_thread, NULL);
	if (j->rv == -1)
		ui_message(u, true, "Save failed: %s", j->msg);
	else
		ui_message(u, false, "%s", j->msg);
	free(j->conns);
	free(j->names);
	free(j);
	u->save = NULL;
}

static void
save_run(struct ui *u)
{
	struct save_job *j;
	size_t i, len = 0, at = 0;
	int d;

	u->screen = u->help_from;
	u->pk = PK_NONE;
	if (u->save != NULL) {
		ui_message(u, true, "A save is still running");
		return;
	}
	j = xcalloc(1, sizeof *j);
	ui_prompt_text(&u->prompt, j->dir, sizeof j->dir);
	if (j->dir[0] == '\0') {
		ui_message(u, true, "Save: no directory given");
		free(j);
		return;
	}
	j->conns = xreallocarray(NULL, u->nsave, sizeof *j->conns);
	for (i = 0; i < u->nsave; i++) {
		for (d = 0; d < 2; d++) {
			const char *p = ui_model_path(&u->m, u->save_ids[i], d);

			len += p != NULL ? strlen(p) + 1 : 0;
		}
	}
	j->names = xmalloc(len + 1);
	for (i = 0; i < u->nsave; i++) {
		j->conns[i].row = u->m.rows[u->save_ids[i]];
		for (d = 0; d < 2; d++) {
			const char *p = ui_model_path(&u->m, u->save_ids[i], d);

			j->conns[i].path[d] = NULL;
			if (p == NULL)
				continue;
			memcpy(j->names + at, p, strlen(p) + 1);
			j->conns[i].path[d] = j->names + at;
			at += strlen(p) + 1;
		}
	}
	j->req.dir = j->dir;
	j->req.src_dirfd = u->env.dirfd;
	j->req.spool_names = u->env.spool_names;
	j->req.runlog_fd = u->env.runlog_fd;
	j->req.conns = j->conns;
	j->req.n = u->nsave;
	j->req.transcript = u->save_transcript;
	j->req.pcap = u->save_pcap;
	if (u->o->nfiles > 0) {
		j->req.pcap_sources = (const char *const *)u->o->files;
		j->req.npcap_sources = u->o->nfiles;
	} else if (u->pipe != NULL &&
	    (j->srcs[0] = pipeline_live_pcap(u->pipe)) != NULL) {
		j->req.pcap_sources = j->srcs;
		j->req.npcap_sources = 1;
	} else if (j->req.pcap) {
		ui_message(u, true, "Save: no packets kept to write a pcap");
		free(j->conns);
		free(j->names);
		free(j);
		return;
	}
	j->req.template = u->o->template;
	j->req.command_line = u->o->command_line;
	atomic_init(&j->done, false);
	if (pthread_create(&u->save_thread, NULL, save_main, j) != 0) {
		/* No thread: save here and now. */
		j->rv = ui_save(&j->req, j->msg, sizeof j->msg);
		atomic_store(&j->done, true);
		u->save = j;
		save_reap(u, false);
		return;
	}
	u->save = j;
	ui_message(u, false, "Saving %zu connection%s to %s ...", u->nsave,
	    u->nsave == 1 ? "" : "s", j->dir);
}

/* e: the netviz picture of the marked connections, or of the view. */
static void
export_netviz(struct ui *u)
{
	struct ui_export_run run;
	char msg[PATH_MAX + 128];
	int rv;

	memset(&run, 0, sizeof run);
	run.source = ui_source(u);
	run.outdir = u->o->outdir_set ? u->o->outdir : NULL;
	run.live = u->st.live;
	run.drops = u->st.kernel_drop;
	run.malformed = u->st.malformed;
	rv = ui_export_netviz(&u->m, &run, pipeline_netviz_draw(), msg,
	    sizeof msg);
	ui_message(u, rv == -1, "%s", msg);
}

/* Apply the prompt's filter; false (and, when final, a message) if it
 * does not compile: while typing, the last good one stays. */
static bool
filter_apply(struct ui *u, bool final)
{
	char text[UI_PROMPT_MAX * 4], err[256];
	struct ui_filter *f;

	ui_prompt_text(&u->prompt, text, sizeof text);
	f = ui_filter_compile(text, err, sizeof err);
	if (f == NULL) {
		if (final)
			ui_message(u, true, "filter: %s (the previous filter "
			    "is back)", err);
		return (false);
	}
	ui_model_set_filter(&u->m, f, text);
	ui_model_rebuild(&u->m, true, clock_mono_ms());
	u->dirty = true;
	return (true);
}

static void
quit_request(struct ui *u)
{
	if (u->st.live && !u->st.done && !u->quit_armed) {
		u->quit_armed = true;
		ui_message(u, false, "Live capture running: press q again to "
		    "quit (files and report are completed)");
		return;
	}
	u->quit = true;
}

static void
list_action(struct ui *u, int a)
{
	struct ui_model *m = &u->m;
	size_t rows = list_rows();

	switch (a) {
	case LA_UP:
		move_sel(u, -1);
		break;
	case LA_DOWN:
		move_sel(u, 1);
		break;
	case LA_PGUP:
		move_sel(u, -(long)(rows > 1 ? rows - 1 : 1));
		break;
	case LA_PGDN:
		move_sel(u, (long)(rows > 1 ? rows - 1 : 1));
		break;
	case LA_HOME:
		move_sel(u, -(long)m->nview);
		break;
	case LA_END:
		move_sel(u, (long)m->nview);
		break;
	case LA_OPEN:
		pager_open(u);
		break;
	case LA_MARK:
		if (u->have_sel && m->nview > 0) {
			ui_model_mark(m, u->sel_id, !ui_model_marked(m,
			    u->sel_id));
			move_sel(u, 1);
		}
		break;
	case LA_MARK_ALL:
		ui_model_mark_view(m, true);
		ui_message(u, false, "%zu connections marked", m->nmarked);
		break;
	case LA_UNMARK:
		ui_model_mark_view(m, false);
		break;
	case LA_FILTER:
		snprintf(u->filter_before, sizeof u->filter_before, "%s",
		    m->filter_text);
		ui_prompt_start(&u->prompt, "filter: ", m->filter_text);
		u->msg[0] = '\0';
		u->pk = PK_FILTER;
		break;
	case LA_CLEAR_FILTER:
		ui_model_set_filter(m, NULL, "");
		ui_model_rebuild(m, true, clock_mono_ms());
		break;
	case LA_SORT_NEXT:
	case LA_SORT_PREV:
		ui_model_set_sort(m, (enum ui_col)(((int)m->sort_col +
		    (a == LA_SORT_NEXT ? 1 : COL_NCOLS - 1)) % COL_NCOLS),
		    m->sort_desc);
		ui_model_rebuild(m, true, clock_mono_ms());
		ui_message(u, false, "sorted by %s", ui_col_name(m->sort_col));
		break;
	case LA_SORT_REV:
		ui_model_set_sort(m, m->sort_col, !m->sort_desc);
		ui_model_rebuild(m, true, clock_mono_ms());
		break;
	case LA_FOLLOW:
		u->follow = !u->follow;
		break;
	case LA_PAUSE:
		u->paused = !u->paused;
		if (!u->paused)
			ui_model_rebuild(m, true, clock_mono_ms());
		break;
	case LA_SAVE:
		save_start(u);
		break;
	case LA_EXPORT:
		export_netviz(u);
		break;
	case LA_HELP:
		u->help_from = u->screen;
		u->screen = SCR_HELP;
		u->help_top = 0;
		break;
	case LA_QUIT:
		quit_request(u);
		return;
	case LA_REDRAW:
		clearok(curscr, TRUE);
		break;
	}
	u->dirty = true;
}

/* A click on a column title sorts by that column (again: reverses). */
static void
title_click(struct ui *u, int x)
{
	struct col_layout l;
	struct {
		int		 w;
		enum ui_col	 col;
	} cols[10];
	int n = 0, at = 2, i;

	layout(u, &l, COLS);
	cols[n].w = l.w_state; cols[n++].col = COL_STATE;
	cols[n].w = l.w_ep; cols[n++].col = COL_CLIENT;
	cols[n].w = l.w_ep; cols[n++].col = COL_SERVER;
	cols[n].w = l.w_bytes; cols[n++].col = COL_CBYTES;
	cols[n].w = l.w_bytes; cols[n++].col = COL_SBYTES;
	if (l.w_pkts > 0) {
		cols[n].w = l.w_pkts; cols[n++].col = COL_PACKETS;
		cols[n].w = l.w_start; cols[n++].col = COL_START;
		cols[n].w = l.w_dur; cols[n++].col = COL_DURATION;
		cols[n].w = l.w_rate; cols[n++].col = COL_RATE;
	}
	cols[n].w = l.w_hint; cols[n++].col = COL_HINT;
	for (i = 0; i < n; i++) {
		if (x >= at && x <= at + cols[i].w) {
			ui_model_set_sort(&u->m, cols[i].col,
			    u->m.sort_col == cols[i].col ? !u->m.sort_desc :
			    false);
			ui_model_rebuild(&u->m, true, clock_mono_ms());
			u->dirty = true;
			return;
		}
		at += cols[i].w + 1;
	}
}

static void
mouse_event(struct ui *u)
{
	MEVENT ev;
	size_t rows = list_rows();
	uint64_t now = clock_mono_ms();
	bool dbl;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		move_sel(u, -3);
		return;
	}
	if (ev.bstate & BUTTON5_PRESSED) {
		move_sel(u, 3);
		return;
	}
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED |
	    BUTTON1_DOUBLE_CLICKED)))
		return;
	dbl = (ev.bstate & BUTTON1_DOUBLE_CLICKED) || (ev.y ==
	    u->last_click.y && now - u->last_click_ms < 400);
	u->last_click = ev;
	u->last_click_ms = now;
	if (ev.y == 2 && u->screen == SCR_LIST) {
		title_click(u, ev.x);
		return;
	}
	if (ev.y >= 3 && (size_t)(ev.y - 3) < rows &&
	    u->top + (size_t)(ev.y - 3) < u->m.nview) {
		u->follow = false;
		u->sel_id = u->m.view[u->top + (size_t)(ev.y - 3)];
		u->have_sel = true;
		u->dirty = true;
		if (dbl) {
			u->last_click_ms = 0;
			pager_open(u);
		}
	}
}

/* One key (is_key: a KEY_* code).  Returns false when the UI must end. */
static void
ui_key(struct ui *u, bool is_key, wint_t code)
{
	int key = (int)code, a;
	enum ui_prompt_result pr;
	enum ui_pager_result pgr;

	u->dirty = true;
	if (u->msg[0] != '\0' && clock_mono_ms() >= u->msg_keep_until &&
	    !(is_key && code == KEY_RESIZE))
		u->msg[0] = '\0';	/* read: a key moves on */
	if (is_key && code == KEY_RESIZE) {
		clearok(curscr, TRUE);
		return;
	}
	if (!(is_key == false && code == 'q'))
		u->quit_armed = false;
	if (u->screen == SCR_SAVE) {
		if (!is_key && code == CTRL_KEY('t')) {
			u->save_transcript = !u->save_transcript;
			return;
		}
		if (!is_key && code == CTRL_KEY('p')) {
			u->save_pcap = !u->save_pcap;
			return;
		}
		pr = ui_prompt_key(&u->prompt, is_key, code);
		if (pr == PROMPT_DONE)
			save_run(u);
		else if (pr == PROMPT_CANCEL) {
			u->screen = u->help_from;
			u->pk = PK_NONE;
		}
		return;
	}
	if (u->prompt.active && u->pk == PK_FILTER) {
		pr = ui_prompt_key(&u->prompt, is_key, code);
		if (pr == PROMPT_CANCEL) {
			struct ui_filter *f = ui_filter_compile(
			    u->filter_before, NULL, 0);

			ui_model_set_filter(&u->m, f, u->filter_before);
			ui_model_rebuild(&u->m, true, clock_mono_ms());
			u->pk = PK_NONE;
		} else if (pr == PROMPT_DONE) {
			if (!filter_apply(u, true)) {
				/* Not a prefix of it: the one from before. */
				struct ui_filter *f = ui_filter_compile(
				    u->filter_before, NULL, 0);

				ui_model_set_filter(&u->m, f, u->filter_before);
				ui_model_rebuild(&u->m, true, clock_mono_ms());
			}
			u->pk = PK_NONE;
		} else if (u->prompt.changed)
			filter_apply(u, false);
		return;
	}
	if (u->screen == SCR_HELP) {
		if (is_key && code == KEY_DOWN)
			u->help_top++;
		else if (is_key && code == KEY_UP && u->help_top > 0)
			u->help_top--;
		else if (is_key && code == KEY_NPAGE)
			u->help_top += LINES - 3;
		else if (is_key && code == KEY_PPAGE)
			u->help_top = u->help_top > LINES - 3 ?
			    u->help_top - (LINES - 3) : 0;
		else if (!is_key && (code == 'j'))
			u->help_top++;
		else if (!is_key && code == 'k' && u->help_top > 0)
			u->help_top--;
		else
			u->screen = u->help_from;
		return;
	}
	if (u->screen == SCR_PAGER) {
		pgr = ui_pager_key(u->pg, is_key, code);
		if (pgr == PAGER_CLOSE) {
			pager_close(u);
			return;
		}
		if (pgr == PAGER_HANDLED || ui_pager_prompting(u->pg))
			return;
		if (!is_key && (code == 's'))
			save_start(u);
		else if ((!is_key && (code == '?' || code == 'h')) ||
		    (is_key && code == KEY_F(1))) {
			u->help_from = SCR_PAGER;
			u->screen = SCR_HELP;
			u->help_top = 0;
		} else if (is_key && code == KEY_F(10))
			quit_request(u);
		return;
	}
	if (is_key && code == KEY_MOUSE) {
		mouse_event(u);
		return;
	}
	if (!is_key && code == '\r')
		key = '\n';
	a = ui_keys_find(list_keys, NLIST_KEYS, key);
	if (a > 0)
		list_action(u, a);
}

/* --- threads and the loop ------------------------------------------------- */

static void *
capture_main(void *arg)
{
	struct ui *u = arg;
	sigset_t all;
	int st = 0;

	/* Signals are the UI thread's (STYLE.md 27). */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	if (pipeline_run(u->pipe) == -1)
		st = 1;
	if (pipeline_finish(u->pipe, pipeline_stopped(u->pipe)) != 0)
		st = 1;
	/* The last rows (closed states, final lengths) until all are out. */
	while (!pipeline_rows_drain(u->pipe) && !atomic_load(&u->cap_quit))
		poll(NULL, 0, 20);
	u->cap_status = st;
	return (NULL);
}

static void
take_rows(struct ui *u)
{
	const void *items;
	size_t n, i;

	while ((n = chan_take(u->ch, &items)) > 0) {
		const union flow_row_item *it = items;

		ui_model_apply(&u->m, it, n);
		if (u->conn != NULL) {
			uint64_t id = ui_conn_id(u->conn);

			for (i = n; i > 0; i--) {
				if (it[i - 1].type == FLOW_ROW_UPDATE &&
				    it[i - 1].row.id == id) {
					ui_conn_update(u->conn,
					    &u->m.rows[id]);
					if (ui_pager_refresh(u->pg))
						u->dirty = true;
					break;
				}
			}
		}
		if (!u->paused)
			u->dirty = true;
	}
}

/* --open DIR: the rows of DIR/report.xml (ui-open.c), no capture. */
static int
ui_open_dir(struct ui *u)
{
	char err[256];
	size_t n;

	if (ui_open_load(&u->m, u->o->open_dir, &u->env.dirfd, &n, err,
	    sizeof err) == -1)
		return (-1);
	if (err[0] != '\0') {
		/* Whatever was readable, and where the report stopped. */
		snprintf(u->st.error, sizeof u->st.error, "%s", err);
		u->st.failed = true;
	}
	ui_model_rebuild(&u->m, true, clock_mono_ms());
	u->st.done = true;
	u->st.conns_total = n;
	if ((u->open_spool = store_mkdtemp("flowscope")) != NULL)
		u->env.spool = u->open_spool;
	u->env.runlog_fd = -1;
	u->env.spool_names = false;
	return (0);
}

static int
ui_setup_terminal(struct ui *u)
{
	const char *term = getenv("TERM");

	u->tty = fopen("/dev/tty", "r+");
	if (u->tty == NULL) {
		log_warn("/dev/tty: the UI needs a terminal (use --batch)");
		return (-1);
	}
	u->scr = newterm(term != NULL && *term != '\0' ? term : "vt100",
	    u->tty, u->tty);
	if (u->scr == NULL) {
		log_warnx("cannot start curses on this terminal (TERM=%s)",
		    term != NULL ? term : "");
		return (-1);
	}
	set_term(u->scr);
	log_set_emergency_hook(ui_restore);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED |
	    BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	ui_theme_init();
	curs_set(0);
	return (0);
}

static void
ui_loop(struct ui *u)
{
	struct pollfd pfd[3];
	bool cap_done_seen = false;
	uint64_t now;
	wint_t code;
	int r, timeout;

	pfd[0].fd = fileno(u->tty);
	pfd[1].fd = chan_wake_fd(u->ch);
	pfd[2].fd = u->sig_pipe[0];
	while (!u->quit) {
		now = clock_mono_ms();
		if (u->pg != NULL && ui_pager_busy(u->pg))
			timeout = 0;
		else if (u->dirty)
			timeout = now - u->last_draw >= UI_FRAME_MS ? 0 :
			    (int)(UI_FRAME_MS - (now - u->last_draw));
		else
			timeout = u->st.done && u->save == NULL ?
			    UI_IDLE_MS * 2 : UI_IDLE_MS / 2;
		pfd[0].events = pfd[1].events = pfd[2].events = POLLIN;
		if (poll(pfd, 3, timeout) == -1 && errno != EINTR)
			break;
		if (pfd[2].revents & POLLIN) {
			/* INT, TERM or HUP: finish and go. */
			break;
		}
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break;		/* the terminal went away */
		while ((r = wget_wch(stdscr, &code)) != ERR) {
			ui_trace_event("key", (long)code, r == KEY_CODE_YES);
			ui_key(u, r == KEY_CODE_YES, code);
			if (u->quit)
				break;
		}
		take_rows(u);
		now = clock_mono_ms();
		if (now - u->last_tick >= 1000) {
			ui_model_tick(&u->m);
			u->last_tick = now;
			u->dirty = true;
		}
		if (!u->paused)
			ui_model_rebuild(&u->m, false, now);
		if (u->pipe != NULL)
			pipeline_get_status(u->pipe, &u->st);
		if (u->st.done && !cap_done_seen) {
			cap_done_seen = true;
			u->done_ms = now;
			take_rows(u);
			ui_model_rebuild(&u->m, true, now);
			u->dirty = true;
			ui_trace_event("done", (long)u->m.nview,
			    (long)u->m.nrows);
		}
		if (ui_log_new) {
			pthread_mutex_lock(&ui_log_mtx);
			ui_log_new = 0;
			ui_message(u, true, "%s", ui_log_msg);
			pthread_mutex_unlock(&ui_log_mtx);
		}
		if (u->pg != NULL && ui_pager_busy(u->pg) &&
		    ui_pager_step(u->pg))
			u->dirty = true;
		save_reap(u, false);
		if (u->dirty && now - u->last_draw >= UI_FRAME_MS)
			ui_draw(u);
	}
}

int
ui_run(const struct opts *o)
{
	struct ui u;
	struct sigaction sa;
	const char *rl;
	int status = 0;

	memset(&u, 0, sizeof u);
	u.o = o;
	u.sig_pipe[0] = u.sig_pipe[1] = -1;
	u.env.dirfd = u.env.runlog_fd = -1;
	setlocale(LC_ALL, "");
	if (getenv("FLOWSCOPE_UI_TRACE") != NULL)
		ui_trace = fopen(getenv("FLOWSCOPE_UI_TRACE"), "we");
	ui_trace_event("start", 0, 0);
	ui_model_init(&u.m);
	u.ch = chan_new(sizeof(union flow_row_item), UI_CHAN_CAP);
	if (u.ch == NULL) {
		log_warn("chan");
		return (1);
	}
	if (pipe2(u.sig_pipe, O_NONBLOCK | O_CLOEXEC) == -1) {
		log_warn("pipe");
		chan_free(u.ch);
		return (1);
	}
	ui_sig_fd = u.sig_pipe[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (o->open_dir != NULL) {
		if (ui_open_dir(&u) == -1) {
			status = 1;
			goto out;
		}
	} else {
		u.pipe = pipeline_new(o, u.ch);
		if (pipeline_open(u.pipe) == -1) {
			status = 1;
			goto out;
		}
		u.env.dirfd = open(pipeline_stream_dir(u.pipe), O_RDONLY |
		    O_DIRECTORY | O_CLOEXEC);
		if ((rl = pipeline_runlog_path(u.pipe)) != NULL)
			u.env.runlog_fd = open(rl, O_RDONLY | O_CLOEXEC);
		u.env.spool = pipeline_spool_dir(u.pipe);
		u.env.spool_names = pipeline_spool_names(u.pipe);
		if (u.env.dirfd == -1) {
			log_warn("%s", pipeline_stream_dir(u.pipe));
			status = 1;
			goto out;
		}
	}
	if (ui_setup_terminal(&u) == -1) {
		status = 1;
		goto out;
	}
	log_set_redirect(ui_log_redirect);
	u.start_ms = u.last_tick = clock_mono_ms();
	u.dirty = true;
	if (u.pipe != NULL && pthread_create(&u.cap_thread, NULL,
	    capture_main, &u) != 0) {
		log_set_redirect(NULL);
		ui_restore();
		log_warnx("cannot start the capture thread");
		status = 1;
		goto out;
	}
	u.cap_running = u.pipe != NULL;
	ui_draw(&u);
	ui_loop(&u);

	/* A save in progress finishes first (its files stay whole). */
	if (u.save != NULL) {
		attrset(ui_theme_attr(UR_STATUS));
		mvaddstr(LINES - 1, 0, " Finishing the save...");
		clrtoeol();
		refresh();
		save_reap(&u, true);
	}
	/* Stop reading; the capture thread writes everything out. */
	if (u.pipe != NULL)
		pipeline_stop(u.pipe);
	atomic_store(&u.cap_quit, true);
	if (!u.st.done) {
		attrset(ui_theme_attr(UR_STATUS));
		mvaddstr(LINES - 1, 0, " Stopping: writing out files and "
		    "report...");
		clrtoeol();
		refresh();
	}
	if (u.cap_running)
		pthread_join(u.cap_thread, NULL);
	u.cap_running = false;
	status = u.cap_status;
	log_set_redirect(NULL);
	ui_restore();
	if (u.st.failed)
		log_warnx("%s", u.st.error);
out:
	if (u.scr != NULL) {
		ui_restore();
		delscreen(u.scr);
	}
	if (u.tty != NULL)
		fclose(u.tty);
	pager_close(&u);
	ui_sig_fd = -1;
	if (u.env.dirfd != -1)
		close(u.env.dirfd);
	if (u.env.runlog_fd != -1)
		close(u.env.runlog_fd);
	pipeline_free(u.pipe);
	if (u.open_spool != NULL) {
		store_remove_tree(u.open_spool);
		free(u.open_spool);
	}
	chan_free(u.ch);
	ui_model_free(&u.m);
	free(u.save_ids);
	close(u.sig_pipe[0]);
	close(u.sig_pipe[1]);
	if (ui_trace != NULL)
		fclose(ui_trace);
	ui_trace = NULL;
	return (status);
}
