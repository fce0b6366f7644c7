/*
 * sink-rows.c: connection rows and the run log for the UI; see
 * sink-rows.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "sink-rows.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow-hint.h"
#include "flow-row.h"
#include "flow-track.h"
#include "reasm.h"
#include "xmalloc.h"

#define RUNLOG_BUF	1024		/* records buffered between writes */

/* A connection marked changed, with the hints taken since the last
 * publish, one per direction (a request and its response often both come
 * between two publishes). */
struct dirty_slot {
	struct flow_conn *c;
	uint8_t		 hints;		/* bit d: hint[d] is new */
	char		 hint[2][FLOW_ROW_HINT];
};

/* A row (or file item) of a freed connection, waiting for store batch gen. */
struct final_item {
	union flow_row_item it;
	uint64_t	 gen;
};

struct sink_rows {
	struct sink_rows_config cfg;
	const struct pkt_meta *pkt;	/* being tracked, or NULL */

	struct dirty_slot *dirty;
	size_t		 ndirty;
	size_t		 dirty_cap;

	struct final_item *finals;	/* freed connections' items */
	size_t		 nfinals;
	size_t		 finals_cap;
	uint64_t	 settled_gen;

	struct flow_run_rec runbuf[RUNLOG_BUF];
	size_t		 nrunbuf;
	uint64_t	 nruns;		/* records given an index */
	bool		 runlog_failed;
};

struct sink_rows *
sink_rows_new(const struct sink_rows_config *cfg)
{
	struct sink_rows *s = xcalloc(1, sizeof *s);

	s->cfg = *cfg;
	return (s);
}

void
sink_rows_packet(struct sink_rows *s, const struct pkt_meta *m)
{
	s->pkt = m;
}

/* Which direction of c the packet m travels. */
static int
pkt_dir(const struct flow_conn *c, const struct pkt_meta *m)
{
	size_t alen = c->key.af == FS_AF_INET ? 4 : 16;

	if (m->sport == c->key.pa && memcmp(m->src, c->key.a, alen) == 0 &&
	    (m->dport != c->key.pb || memcmp(m->dst, c->key.b, alen) != 0 ||
	    c->key.pa != c->key.pb || memcmp(c->key.a, c->key.b, alen) != 0))
		return (0);
	return (1);
}

/* The opener's direction; without a SYN, the side with the higher port. */
static int
conn_client(const struct flow_conn *c)
{
	if (c->client <= 1)
		return (c->client);
	return (c->key.pa >= c->key.pb ? 0 : 1);
}

static void
runlog_flush(struct sink_rows *s)
{
	const uint8_t *p = (const uint8_t *)s->runbuf;
	size_t left = s->nrunbuf * sizeof s->runbuf[0];
	ssize_t n;

	while (left > 0 && !s->runlog_failed) {
		n = write(s->cfg.runlog_fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* The pager then shows the directions untimed. */
			s->runlog_failed = true;
			break;
		}
		p += n;
		left -= (size_t)n;
	}
	s->nrunbuf = 0;
}

static void
run_add(struct sink_rows *s, struct flow_conn *c, int dir, int kind,
    uint64_t off, uint64_t len, uint64_t ts_ns)
{
	struct flow_run_rec *r;

	if (s->cfg.runlog_fd == -1 || s->runlog_failed)
		return;
	if (s->nrunbuf == RUNLOG_BUF)
		runlog_flush(s);
	r = &s->runbuf[s->nrunbuf++];
	memset(r, 0, sizeof *r);
	r->prev = c->row_last_run;
	r->off = off;
	r->len = len;
	r->ts_ns = ts_ns;
	r->dir = (uint8_t)dir;
	r->kind = (uint8_t)kind;
	c->row_last_run = ++s->nruns;
	c->row_last_dir = (uint8_t)dir;
}

/* Log d's holes, and the data after each, from stream offset cur on. */
static void
runs_log_ranges(struct sink_rows *s, struct flow_conn *c, int j, uint64_t cur)
{
	struct flow_dir *d = &c->dir[j];
	const struct reasm_range *r;
	uint32_t n, i;

	r = reasm_ranges(d, &n);
	for (i = 0; i < n; i++) {
		if (r[i].hi <= cur)
			continue;
		if (r[i].lo > cur)
			run_add(s, c, j, FLOW_RUN_HOLE, cur, r[i].lo - cur,
			    d->last_ns);
		run_add(s, c, j, FLOW_RUN_DATA, r[i].lo > cur ? r[i].lo : cur,
		    0, d->last_ns);
		cur = r[i].hi;
	}
	d->row_contig = cur;
	d->row_nranges = n;
}

/* New readable bytes start a run when the sender changed; a finished
 * direction logs its holes and the data after each, and again (after a
 * RESET record) if late bytes change them. */
static void
runs_update(struct sink_rows *s, struct flow_conn *c, int j)
{
	struct flow_dir *d = &c->dir[j];
	uint64_t contig = reasm_contig(d);
	uint32_t n;

	if (d->row_final) {
		(void)reasm_ranges(d, &n);
		if (n == d->row_nranges && reasm_length(d) == d->row_contig)
			return;
		run_add(s, c, j, FLOW_RUN_RESET, 0, 0, d->last_ns);
		runs_log_ranges(s, c, j, 0);
		return;
	}
	if (contig < d->row_contig)
		d->row_contig = contig;		/* early data was put in front */
	if (contig > d->row_contig) {
		if (c->row_last_run == 0 || c->row_last_dir != j)
			run_add(s, c, j, FLOW_RUN_DATA, d->row_contig, 0,
			    d->last_ns);
		d->row_contig = contig;
	}
	if (!d->closed)
		return;
	d->row_final = true;
	runs_log_ranges(s, c, j, d->row_contig);
}

/* Segments of a direction looked at for a hint when the first ones only
 * give a guess from the port (a keep-alive byte, a split request line). */
#define HINT_TRIES	4

static void
hint_take(struct sink_rows *s, struct flow_conn *c, struct dirty_slot *ds)
{
	const struct pkt_meta *m = s->pkt;
	char hint[FLOW_ROW_HINT];
	int i;

	if (m == NULL || m->paylen == 0 ||
	    (c->dir[0].row_hinted && c->dir[1].row_hinted))
		return;		/* the usual case: no address compare */
	i = pkt_dir(c, m);
	if (c->dir[i].row_hinted || c->dir[i].payload_bytes == 0)
		return;
	if (++c->dir[i].row_hint_tries >= HINT_TRIES)
		c->dir[i].row_hinted = true;
	if (flow_hint(m->payload, m->paylen, conn_client(c) == i, m->sport,
	    m->dport, hint, sizeof hint) == 0)
		return;
	if (!flow_hint_is_guess(hint))
		c->dir[i].row_hinted = true;
	else if (c->dir[i].row_hint_tries > 1)
		return;		/* the guess went with the first segment */
	memcpy(ds->hint[i], hint, sizeof ds->hint[i]);
	ds->hints |= (uint8_t)(1u << i);
}

void
sink_rows_touched(void *arg, struct flow_conn *c)
{
	struct sink_rows *s = arg;
	struct dirty_slot *ds;

	runs_update(s, c, 0);
	runs_update(s, c, 1);
	if (c->row_slot == 0) {
		if (s->ndirty == s->dirty_cap) {
			s->dirty_cap = s->dirty_cap == 0 ? 1024 :
			    s->dirty_cap * 2;
			s->dirty = xreallocarray(s->dirty, s->dirty_cap,
			    sizeof *s->dirty);
		}
		ds = &s->dirty[s->ndirty++];
		ds->c = c;
		ds->hints = 0;
		c->row_slot = (uint32_t)s->ndirty;
	}
	ds = &s->dirty[c->row_slot - 1];
	hint_take(s, c, ds);
}

static uint8_t
row_state(const struct flow_conn *c)
{
	switch (c->close_reason) {
	case FLOW_OPEN:
		if (c->dir[0].payload_bytes == 0 &&
		    c->dir[1].payload_bytes == 0 &&
		    !(c->dir[0].syn_seen && c->dir[1].syn_seen))
			return (FLOW_ROW_SYN);
		return (FLOW_ROW_OPEN);
	case FLOW_CLOSE_RST:
		return (FLOW_ROW_RESET);
	case FLOW_CLOSE_TIMEOUT:
	case FLOW_CLOSE_EVICT:
		return (FLOW_ROW_TIMEOUT);
	case FLOW_CLOSE_EOF:
		return (c->fin_or_rst ? FLOW_ROW_CLOSED : FLOW_ROW_ENDED);
	default:
		return (FLOW_ROW_CLOSED);
	}
}

/* What the row should show as readable of d: its contiguous prefix, all of
 * it once finished, never more than the file holds. */
static uint64_t
dir_want(const struct flow_dir *d)
{
	uint64_t want = d->row_final ? reasm_length(d) : d->row_contig;

	if (want > d->ss.file_size)
		want = d->ss.file_size;
	if (d->ss.failed && want > d->ss.durable)
		want = d->ss.durable;
	return (want);
}

/* The row of c; final: its bytes will be written (the caller waits). */
static void
row_fill(struct flow_conn *c, const struct dirty_slot *ds, bool final,
    struct flow_row *r)
{
	int i;

	memset(r, 0, sizeof *r);
	r->type = FLOW_ROW_UPDATE;
	r->client = (uint8_t)conn_client(c);
	r->state = row_state(c);
	r->last = final;
	r->instance = c->instance;
	r->id = c->id;
	r->key = c->key;
	r->last_run = c->row_last_run;
	r->hint_dir = 0xff;
	if (ds != NULL && ds->hints == 3) {
		/* Both sides at once: the client's leads (flow-hint.h). */
		flow_hint_merge(ds->hint[r->client], ds->hint[r->client ^ 1],
		    r->hint, sizeof r->hint);
		r->hint_dir = FLOW_ROW_HINT_BOTH;
	} else if (ds != NULL && ds->hints != 0) {
		r->hint_dir = ds->hints == 1 ? 0 : 1;
		memcpy(r->hint, ds->hint[r->hint_dir], sizeof r->hint);
	}
	r->first_ns = UINT64_MAX;
	for (i = 0; i < 2; i++) {
		const struct flow_dir *d = &c->dir[i];
		uint64_t want = dir_want(d);
		uint64_t nholes, hbytes;

		r->bytes[i] = reasm_length(d);
		r->packets[i] = d->packets;
		if (d->ss.path != NULL)
			r->avail[i] = final || d->ss.durable >= want ? want :
			    d->ss.durable;
		if (d->seen && d->first_ns < r->first_ns)
			r->first_ns = d->first_ns;
		if (d->last_ns > r->last_ns)
			r->last_ns = d->last_ns;
		if (d->closed) {
			reasm_holes(d, &nholes, &hbytes);
			if (nholes > 0)
				r->flags |= FLOW_ROW_HOLES;
		}
		if (d->overlaps > 0 || d->out_of_order > 0)
			r->flags |= FLOW_ROW_RETRANS;
		if (d->truncated_bytes > 0 || d->ss.dropped > 0 || d->ss.failed)
			r->flags |= FLOW_ROW_LOST;
	}
	if (r->first_ns == UINT64_MAX)
		r->first_ns = 0;
}

/* The row is complete: every byte it counts readable. */
static bool
row_settled(const struct flow_conn *c, const struct flow_row *r)
{
	int i;

	for (i = 0; i < 2; i++) {
		const struct flow_dir *d = &c->dir[i];

		if (d->ss.path != NULL && r->avail[i] < dir_want(d))
			return (false);
	}
	return (true);
}

static void
file_fill(const struct flow_conn *c, int i, struct flow_row_file *f)
{
	memset(f, 0, sizeof *f);
	f->type = FLOW_ROW_FILE;
	f->dir = (uint8_t)i;
	f->id = c->id;
	/* A longer name cannot be shown; the pager says the file is
	 * unknown rather than open a wrong one. */
	if (strlen(c->dir[i].ss.path) < sizeof f->path)
		memcpy(f->path, c->dir[i].ss.path, strlen(c->dir[i].ss.path) +
		    1);
}

static struct final_item *
final_add(struct sink_rows *s, uint64_t gen)
{
	struct final_item *f;

	if (s->nfinals == s->finals_cap) {
		s->finals_cap = s->finals_cap == 0 ? 256 : s->finals_cap * 2;
		s->finals = xreallocarray(s->finals, s->finals_cap,
		    sizeof *s->finals);
	}
	f = &s->finals[s->nfinals++];
	f->gen = gen;
	return (f);
}

void
sink_rows_freeing(void *arg, struct flow_conn *c)
{
	struct sink_rows *s = arg;
	struct dirty_slot ds;
	uint64_t gen = 0, g;
	int i;

	runs_update(s, c, 0);
	runs_update(s, c, 1);
	ds.hints = 0;
	if (c->row_slot != 0) {
		/* Out of the dirty list: the last slot takes its place. */
		ds = s->dirty[c->row_slot - 1];
		s->dirty[c->row_slot - 1] = s->dirty[--s->ndirty];
		if (c->row_slot - 1 < s->ndirty)
			s->dirty[c->row_slot - 1].c->row_slot = c->row_slot;
		c->row_slot = 0;
	}
	for (i = 0; i < 2; i++) {
		g = store_pending_gen(s->cfg.store, &c->dir[i].ss);
		if (g > gen)
			gen = g;
	}
	for (i = 0; i < 2; i++) {
		if (s->cfg.send_paths && c->dir[i].ss.path != NULL &&
		    !c->dir[i].row_path_sent)
			file_fill(c, i, &final_add(s, gen)->it.file);
	}
	row_fill(c, &ds, true, &final_add(s, gen)->it.row);
}

void
sink_rows_settled(struct sink_rows *s, uint64_t gen)
{
	s->settled_gen = gen;
}

/* Put finals whose bytes are written on the chan, in order; false when
 * the chan's batch filled up. */
static bool
finals_send(struct sink_rows *s)
{
	size_t i, k = 0;
	void *slot = NULL;
	bool full = false;

	for (i = 0; i < s->nfinals; i++) {
		if (s->finals[i].gen <= s->settled_gen && !full &&
		    (slot = chan_reserve(s->cfg.ch)) != NULL) {
			memcpy(slot, &s->finals[i].it, sizeof s->finals[i].it);
			continue;
		}
		if (s->finals[i].gen <= s->settled_gen)
			full = true;
		s->finals[k++] = s->finals[i];
	}
	s->nfinals = k;
	return (!full);
}

bool
sink_rows_publish(struct sink_rows *s)
{
	union flow_row_item *it;
	struct flow_conn *c;
	size_t i, k = 0;
	int d;

	if (s->nrunbuf > 0)
		runlog_flush(s);
	if (finals_send(s)) {
		for (i = 0; i < s->ndirty; i++) {
			struct dirty_slot *ds = &s->dirty[i];
			bool room = true;

			c = ds->c;
			for (d = 0; d < 2 && s->cfg.send_paths; d++) {
				if (c->dir[d].ss.path == NULL ||
				    c->dir[d].row_path_sent)
					continue;
				if ((it = chan_reserve(s->cfg.ch)) == NULL) {
					room = false;
					break;
				}
				file_fill(c, d, &it->file);
				c->dir[d].row_path_sent = true;
			}
			if (!room || (it = chan_reserve(s->cfg.ch)) == NULL) {
				/* Full: this one and the rest stay dirty. */
				for (; i < s->ndirty; i++) {
					s->dirty[k] = s->dirty[i];
					s->dirty[k].c->row_slot =
					    (uint32_t)(k + 1);
					k++;
				}
				break;
			}
			row_fill(c, ds, false, &it->row);
			if (row_settled(c, &it->row)) {
				c->row_slot = 0;
				continue;
			}
			/* Its bytes are not all written yet: again later. */
			s->dirty[k] = *ds;
			s->dirty[k].hints = 0;
			c->row_slot = (uint32_t)(k + 1);
			k++;
		}
		s->ndirty = k;
	}
	return (chan_publish(s->cfg.ch));
}

size_t
sink_rows_backlog(const struct sink_rows *s)
{
	return (s->ndirty + s->nfinals);
}

uint64_t
sink_rows_runs(const struct sink_rows *s)
{
	return (s->nruns);
}

void
sink_rows_free(struct sink_rows *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ndirty; i++)
		s->dirty[i].c->row_slot = 0;
	free(s->dirty);
	free(s->finals);
	free(s);
}
