/*
 * ui-pager.h: the stream pager.  Shows one connection's bytes: both
 * directions interleaved in the order they were sent (each run under a
 * one-line header, in its direction's colour), client only, server only, or
 * side by side; as text (UTF-8 shown, every control and invalid byte
 * escaped, holes as one "[N bytes missing]" line) or as an xxd-style hex
 * dump.  less/vi keys, regex search, jump to offset, follow (like less +F).
 *
 * DESIGN
 * The pager never holds a stream in memory: it asks its source for bytes
 * with read() (a pread on the spool file) around what is on screen, so a
 * 1 GB stream opens at once and scrolls anywhere.  The document is a list
 * of runs (struct ui_run) that the source rebuilds when the connection
 * grows; the pager keeps its position as (run, byte offset) and lays lines
 * out forward or backward from it.  Runs of one direction that follow each
 * other in a single-direction view are joined, so lines never break at
 * segment edges.  Runs in interleaved order come from the connection's
 * index; where a source has no timing (a report.xml from --open) it gives
 * each direction as one run, one after the other.
 *
 * Runs the UI thread only.  Uses curses.
 */
#ifndef FLOWSCOPE_UI_PAGER_H
#define FLOWSCOPE_UI_PAGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <wchar.h>

#include "ui-keys.h"

enum ui_run_kind {
	RUN_DATA = 0,		/* bytes [off, off+len) of direction dir */
	RUN_HOLE		/* bytes [off, off+len) of dir are missing */
};

/* One run of one direction, in the order it was sent. */
struct ui_run {
	uint64_t	 off;		/* offset in the direction's stream */
	uint64_t	 len;
	uint64_t	 ts_ns;		/* when its first byte was sent, 0: unknown */
	uint8_t		 dir;		/* 0: client -> server, 1: server -> client */
	uint8_t		 kind;		/* enum ui_run_kind */
};

/* What the pager shows; the source owns the arrays (valid until the next
 * snapshot() call). */
struct ui_doc {
	const struct ui_run *runs;
	size_t		 nruns;
	uint64_t	 len[2];	/* readable bytes per direction */
	bool		 live;		/* the connection may still grow */
	bool		 timed;		/* runs carry real send order/times */
	const char	*title;		/* "10.0.0.1:34567 -> 10.0.0.2:80" */
	const char	*label[2];	/* "client 10.0.0.1:34567", "server ..." */
};

struct ui_pager_source {
	/* Fill *doc with the current document; 0, or -1 with err set. */
	int		(*snapshot)(void *arg, struct ui_doc *doc, char *err,
			    size_t errlen);
	/* len bytes of direction dir at off into buf: bytes read (short at
	 * the end of what is readable), -1 on error. */
	ssize_t		(*read)(void *arg, int dir, uint64_t off,
			    uint8_t *buf, size_t len);
	/* Optional: switch the HTTP view (de-chunked, gunzipped bodies) on
	 * or off; the next snapshot()/read() give that view.  0, or -1 with
	 * err set ("not HTTP"). */
	int		(*http)(void *arg, bool on, char *err, size_t errlen);
	void		*arg;
};

enum ui_pager_result {
	PAGER_HANDLED = 0,	/* the key was the pager's */
	PAGER_UNHANDLED,	/* not a pager key: the caller may use it */
	PAGER_CLOSE		/* q / Esc: back to the list */
};

struct ui_pager;

/* A pager on src (which must outlive it); starts at the top, interleaved
 * text view. */
struct ui_pager	*ui_pager_new(const struct ui_pager_source *src);

/* The connection changed (more bytes, closed): take a new snapshot; in
 * follow mode move to the end.  Returns true if the screen must be
 * redrawn. */
bool		 ui_pager_refresh(struct ui_pager *pg);

/* Handle a key: is_key for KEY_* codes (KEY_MOUSE and KEY_RESIZE
 * included), else a wide character. */
enum ui_pager_result ui_pager_key(struct ui_pager *pg, bool is_key,
		    wint_t code);

/* Draw into rows [top, top+lines) of stdscr, cols wide; the pager's own
 * status line (position, view, mode, search, messages) is its last row. */
void		 ui_pager_draw(struct ui_pager *pg, int top, int lines,
		    int cols);

/* True while the pager has a prompt open (search, jump): the caller then
 * passes every key to it. */
bool		 ui_pager_prompting(const struct ui_pager *pg);

/*
 * Long work (a search through a big stream) is done in slices so the UI
 * stays responsive and Esc cancels it: while ui_pager_busy() the caller
 * polls with a zero timeout and calls ui_pager_step(), which does a bounded
 * amount (a few MB) and returns true if the screen must be redrawn.
 */
bool		 ui_pager_busy(const struct ui_pager *pg);
bool		 ui_pager_step(struct ui_pager *pg);

/* The binding table (for help and the function bar). */
const struct ui_key *ui_pager_keys(size_t *n);

void		 ui_pager_free(struct ui_pager *pg);

#endif /* FLOWSCOPE_UI_PAGER_H */
