/*
 * ui-model.c: the UI's connection rows and the flow list's view; see
 * ui-model.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ui-model.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "flow-hint.h"
#include "xmalloc.h"

#define MODEL_REBUILD_MS	300

/* The state and flag values are the core's. */
_Static_assert((int)ROW_SYN == (int)FLOW_ROW_SYN &&
    (int)ROW_ENDED == (int)FLOW_ROW_ENDED, "row states");
_Static_assert(ROW_HOLES == FLOW_ROW_HOLES && ROW_LOST == FLOW_ROW_LOST,
    "row flags");
_Static_assert(ROW_HINT_LEN == FLOW_ROW_HINT, "hint length");

void
ui_model_init(struct ui_model *m)
{
	memset(m, 0, sizeof *m);
	m->sort_col = COL_ID;
}

void
ui_model_free(struct ui_model *m)
{
	free(m->rows);
	free(m->view);
	free(m->scratch);
	free(m->marks);
	free(m->paths);
	ui_filter_free(m->filter);
	memset(m, 0, sizeof *m);
}

/* Room for row id (zeroed new rows), and the view arrays to match. */
static void
model_grow(struct ui_model *m, size_t id)
{
	size_t cap, i;

	if (id < m->cap)
		return;
	cap = m->cap == 0 ? 4096 : m->cap;
	while (cap <= id)
		cap *= 2;
	m->rows = xreallocarray(m->rows, cap, sizeof *m->rows);
	memset(m->rows + m->cap, 0, (cap - m->cap) * sizeof *m->rows);
	for (i = m->cap; i < cap; i++)
		m->rows[i].path[0] = m->rows[i].path[1] = UINT32_MAX;
	m->view = xreallocarray(m->view, cap, sizeof *m->view);
	m->scratch = xreallocarray(m->scratch, cap, sizeof *m->scratch);
	m->cap = cap;
	if (cap / 8 + 1 > m->marks_cap) {
		m->marks = xreallocarray(m->marks, cap / 8 + 1, 1);
		memset(m->marks + m->marks_cap, 0, cap / 8 + 1 - m->marks_cap);
		m->marks_cap = cap / 8 + 1;
	}
}

/* Rate and sparkline: a new sample when a second has passed. */
static void
row_rate(struct ui_row *r, const struct flow_row *u)
{
	uint64_t before = r->bytes[0] + r->bytes[1];
	uint64_t now = u->bytes[0] + u->bytes[1];
	uint64_t dt = u->last_ns > r->last_ns ? u->last_ns - r->last_ns : 0;
	uint64_t rate;
	int lvl = 0;

	if (now <= before || dt == 0)
		return;
	rate = (now - before) * 1000000000ull / (dt < 1000000000ull ?
	    1000000000ull : dt);
	r->rate = rate > UINT32_MAX ? UINT32_MAX : (uint32_t)rate;
	/* Level: log4 of the rate from 1 kB/s up, 0-7. */
	while (rate >= 1024 && lvl < 7) {
		rate /= 4;
		lvl++;
	}
	memmove(r->spark, r->spark + 1, ROW_SPARK - 1);
	r->spark[ROW_SPARK - 1] = (uint8_t)lvl;
}

static void
row_hint(struct ui_row *r, const struct flow_row *u)
{
	char merged[ROW_HINT_LEN];

	if (u->hint_dir == 0xff || u->hint[0] == '\0')
		return;
	if (r->hint[0] == '\0' || u->hint_dir == FLOW_ROW_HINT_BOTH) {
		memcpy(r->hint, u->hint, sizeof r->hint);
		r->hint[sizeof r->hint - 1] = '\0';
		return;
	}
	/* The second direction's hint: the client's leads. */
	if (u->hint_dir == u->client)
		flow_hint_merge(u->hint, r->hint, merged, sizeof merged);
	else
		flow_hint_merge(r->hint, u->hint, merged, sizeof merged);
	memcpy(r->hint, merged, sizeof r->hint);
}

static void
model_path(struct ui_model *m, const struct flow_row_file *f)
{
	struct ui_row *r = &m->rows[f->id];
	size_t len = strnlen(f->path, sizeof f->path);

	if (f->dir > 1 || len == 0 || len == sizeof f->path ||
	    m->paths_len + len + 1 > UINT32_MAX)
		return;
	if (m->paths_len + len + 1 > m->paths_cap) {
		m->paths_cap = m->paths_cap == 0 ? 65536 : m->paths_cap * 2;
		while (m->paths_len + len + 1 > m->paths_cap)
			m->paths_cap *= 2;
		m->paths = xreallocarray(m->paths, m->paths_cap, 1);
	}
	memcpy(m->paths + m->paths_len, f->path, len + 1);
	r->path[f->dir] = (uint32_t)m->paths_len;
	m->paths_len += len + 1;
}

bool
ui_model_apply(struct ui_model *m, const union flow_row_item *items,
    size_t n)
{
	size_t i;
	bool appended_in_order = true;

	for (i = 0; i < n; i++) {
		const union flow_row_item *it = &items[i];
		uint64_t id = it->type == FLOW_ROW_FILE ? it->file.id :
		    it->row.id;
		const struct flow_row *u = &it->row;
		struct ui_row *r;
		bool is_new;

		if (id >= UINT32_MAX - 1)
			continue;	/* a view index is 32 bits */
		model_grow(m, (size_t)id);
		if (id >= m->nrows)
			m->nrows = (size_t)id + 1;
		if (it->type == FLOW_ROW_FILE) {
			model_path(m, &it->file);
			continue;
		}
		if (it->type != FLOW_ROW_UPDATE)
			continue;
		r = &m->rows[id];
		is_new = r->born_tick == 0 && r->first_ns == 0 &&
		    r->packets[0] == 0 && r->packets[1] == 0;
		row_rate(r, u);
		row_hint(r, u);
		r->key = u->key;
		r->id = u->id;
		r->bytes[0] = u->bytes[0];
		r->bytes[1] = u->bytes[1];
		r->avail[0] = u->avail[0];
		r->avail[1] = u->avail[1];
		r->packets[0] = u->packets[0] > UINT32_MAX ? UINT32_MAX :
		    (uint32_t)u->packets[0];
		r->packets[1] = u->packets[1] > UINT32_MAX ? UINT32_MAX :
		    (uint32_t)u->packets[1];
		r->first_ns = u->first_ns;
		r->last_ns = u->last_ns;
		r->last_run = u->last_run;
		r->instance = u->instance;
		r->client = u->client;
		r->flags = u->flags;
		if (u->state != r->state || is_new)
			r->seen_tick = m->tick + 1;
		r->state = u->state;
		r->upd_tick = m->tick;
		if (is_new) {
			r->born_tick = m->tick + 1;
			m->nborn++;
			/* Appended at once when it sorts last and matches. */
			if (!m->stale && appended_in_order &&
			    m->sort_col == COL_ID && !m->sort_desc &&
			    (m->nview == 0 || m->view[m->nview - 1] < id) &&
			    ui_filter_match(m->filter, r))
				m->view[m->nview++] = (uint32_t)id;
			else if (m->sort_col != COL_ID || m->sort_desc ||
			    ui_filter_match(m->filter, r)) {
				appended_in_order = false;
				m->stale = true;
			}
		} else if (m->sort_col != COL_ID || !ui_filter_is_empty(
		    m->filter))
			m->stale = true;	/* its place may have changed */
	}
	return (n > 0);
}

void
ui_model_rebuild(struct ui_model *m, bool force, uint64_t now_ms)
{
	size_t i, k = 0;

	if (!force && (!m->stale || now_ms - m->last_rebuild_ms <
	    MODEL_REBUILD_MS))
		return;
	if (m->nborn == m->nrows && ui_filter_is_empty(m->filter)) {
		/* Every row, no filter: the view needs no row read. */
		for (i = 0; i < m->nrows; i++)
			m->view[i] = (uint32_t)i;
		k = m->nrows;
	} else {
		for (i = 0; i < m->nrows; i++) {
			const struct ui_row *r = &m->rows[i];

			if (r->born_tick == 0)
				continue;	/* an id not heard of yet */
			if (ui_filter_match(m->filter, r))
				m->view[k++] = (uint32_t)i;
		}
	}
	m->nview = k;
	if (m->sort_col != COL_ID || m->sort_desc)
		ui_sort(m->rows, m->view, m->nview, m->sort_col, m->sort_desc,
		    m->scratch);
	m->stale = false;
	m->last_rebuild_ms = now_ms;
}

void
ui_model_set_filter(struct ui_model *m, struct ui_filter *f, const char *text)
{
	ui_filter_free(m->filter);
	m->filter = f;
	snprintf(m->filter_text, sizeof m->filter_text, "%s",
	    text != NULL ? text : "");
	m->stale = true;
}

void
ui_model_set_sort(struct ui_model *m, enum ui_col c, bool desc)
{
	m->sort_col = c;
	m->sort_desc = desc;
	m->stale = true;
}

long
ui_model_find(const struct ui_model *m, uint32_t id)
{
	size_t i;

	for (i = 0; i < m->nview; i++) {
		if (m->view[i] == id)
			return ((long)i);
	}
	return (-1);
}

bool
ui_model_marked(const struct ui_model *m, uint32_t id)
{
	if (id >= m->marks_cap * 8)
		return (false);
	return ((m->marks[id / 8] >> (id % 8)) & 1);
}

void
ui_model_mark(struct ui_model *m, uint32_t id, bool on)
{
	bool was = ui_model_marked(m, id);

	if (id >= m->marks_cap * 8 || was == on)
		return;
	if (on) {
		m->marks[id / 8] |= (uint8_t)(1u << (id % 8));
		m->nmarked++;
	} else {
		m->marks[id / 8] &= (uint8_t)~(1u << (id % 8));
		m->nmarked--;
	}
}

void
ui_model_mark_view(struct ui_model *m, bool on)
{
	size_t i;

	if (!on) {
		memset(m->marks, 0, m->marks_cap);
		m->nmarked = 0;
		return;
	}
	for (i = 0; i < m->nview; i++)
		ui_model_mark(m, m->view[i], true);
}

const char *
ui_model_path(const struct ui_model *m, uint32_t id, int dir)
{
	if (id >= m->nrows || dir < 0 || dir > 1 ||
	    m->rows[id].path[dir] == UINT32_MAX)
		return (NULL);
	return (m->paths + m->rows[id].path[dir]);
}

void
ui_model_tick(struct ui_model *m)
{
	size_t i;

	m->tick++;
	for (i = 0; i < m->nrows; i++) {
		struct ui_row *r = &m->rows[i];

		/* Quiet for two seconds: its rate fell to nothing. */
		if (r->rate != 0 && m->tick - r->upd_tick >= 2) {
			r->rate = 0;
			memmove(r->spark, r->spark + 1, ROW_SPARK - 1);
			r->spark[ROW_SPARK - 1] = 0;
		}
	}
}
