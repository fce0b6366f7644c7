/*
 * ui-model.h: every connection the UI knows, and the flow list's view of
 * them (filtered, sorted), in the UI thread only.
 *
 * Rows are an array indexed by connection id (ids are dense: the core
 * numbers connections from 0), filled from row items taken off the chan.
 * The view is an index array of row ids that match the filter, in sort
 * order.  Rebuilding it is a filter pass and a radix sort (ui-filter.c,
 * ui-sort.c), tens of milliseconds at a million rows, so it is done when the
 * user changes the sort or filter, and otherwise at most every
 * MODEL_REBUILD_MS while rows change; new rows that sort last (the usual
 * case: by id or start time) are appended in between.
 */
#ifndef FLOWSCOPE_UI_MODEL_H
#define FLOWSCOPE_UI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow-row.h"
#include "ui-filter.h"
#include "ui-row.h"
#include "ui-sort.h"

struct ui_model {
	struct ui_row	*rows;
	size_t		 nrows;		/* highest id + 1 */
	size_t		 nborn;		/* rows heard of (born_tick set) */
	size_t		 cap;
	uint32_t	*view;		/* row ids, filtered and sorted */
	size_t		 nview;
	uint32_t	*scratch;	/* for the sort */
	size_t		 view_cap;
	uint8_t		*marks;		/* one bit per row */
	size_t		 marks_cap;
	size_t		 nmarked;
	char		*paths;		/* -o DIR: file names, NUL-separated */
	size_t		 paths_len;
	size_t		 paths_cap;

	enum ui_col	 sort_col;
	bool		 sort_desc;
	struct ui_filter *filter;
	char		 filter_text[256];

	uint32_t	 tick;		/* advanced by ui_model_tick() */
	bool		 stale;		/* the view needs a rebuild */
	uint64_t	 last_rebuild_ms;
};

void		 ui_model_init(struct ui_model *m);
void		 ui_model_free(struct ui_model *m);

/* Apply a batch of row items; true if anything visible may have changed. */
bool		 ui_model_apply(struct ui_model *m,
		    const union flow_row_item *items, size_t n);

/* Rebuild the view now (after a sort or filter change), or when stale and
 * at least MODEL_REBUILD_MS have passed (force false). */
void		 ui_model_rebuild(struct ui_model *m, bool force,
		    uint64_t now_ms);

/* A new filter (takes ownership; NULL: none) and its text. */
void		 ui_model_set_filter(struct ui_model *m, struct ui_filter *f,
		    const char *text);
void		 ui_model_set_sort(struct ui_model *m, enum ui_col c,
		    bool desc);

/* The view position of row id, or -1. */
long		 ui_model_find(const struct ui_model *m, uint32_t id);

bool		 ui_model_marked(const struct ui_model *m, uint32_t id);
void		 ui_model_mark(struct ui_model *m, uint32_t id, bool on);
/* Mark every row in the view (on) or clear every mark (off). */
void		 ui_model_mark_view(struct ui_model *m, bool on);

/* The file name of a direction (core index), NULL if none is known. */
const char	*ui_model_path(const struct ui_model *m, uint32_t id, int dir);

/* Once a second: age the sparklines (rates of rows that went quiet). */
void		 ui_model_tick(struct ui_model *m);

#endif /* FLOWSCOPE_UI_MODEL_H */
