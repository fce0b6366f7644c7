/*
 * flow-track.c: connection tracking; see flow-track.h.
 *
 * DESIGN
 * The table maps a key to its newest instance; older instances hang off it
 * through `older` (at most TRACK_MAX_CHAIN of them) so that late packets can
 * still find the connection they belong to.  Newest instances sit on exactly
 * one of two lists ordered by last activity: `open` (closed by the idle
 * timeout or the connection cap from the head) and `closed` (kept for
 * `linger` of packet time for late retransmissions, then freed).  Older
 * instances are on no list; they are freed with their chain.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "flow-track.h"

#include <stdlib.h>
#include <string.h>

#include "flow-table.h"
#include "seq.h"
#include "xmalloc.h"

#define TRACK_MAX_CHAIN		8
#define TRACK_LINGER_NS		(300ull * 1000000000ull)
#define TRACK_MAX_CONNS		1000000ull
#define TRACK_MAX_CLOSED	1024ull
#define TRACK_TOMBS		16384u		/* power of two */
#define TRACK_MIN_WINDOW	65535u

/*
 * What is left of a connection freed after its close: enough to tell a late
 * packet of it from the next connection on the same 4-tuple, in 40 bytes
 * instead of a whole flow_conn.  A direct-mapped cache: a newer tombstone
 * simply replaces an older one in its slot.
 */
struct tomb {
	uint64_t	 hash;		/* flow_key_hash, 0: empty */
	uint32_t	 low[2];	/* lowest sequence number per side */
	uint32_t	 end[2];	/* its FIN, or the end of its data */
	uint32_t	 count[2];	/* next file counter per side */
	uint32_t	 instance;
	uint8_t		 seen[2];
	uint8_t		 fin[2];
};

struct conn_list {
	struct flow_conn *head;		/* least recently active */
	struct flow_conn *tail;
};

struct track {
	struct track_config	 cfg;
	struct reasm_ctx	*rc;
	track_dir_closed_fn	 closed_fn;
	void			*arg;
	struct flow_table	*table;
	struct conn_list	 open;
	struct conn_list	 closed;
	struct tomb		*tombs;		/* TRACK_TOMBS, lazily */
	uint64_t		 next_conn_id;
	uint64_t		 next_flow_id;
	uint64_t		 now_ns;
	struct track_stats	 st;
	struct track_watch	 watch;
};

static const char *close_names[] = {
	"open", "fin", "rst", "timeout", "maxseek", "reuse", "evicted", "eof"
};

const char *
track_close_name(int reason)
{
	if (reason < 0 || (size_t)reason >= sizeof close_names /
	    sizeof close_names[0])
		return ("unknown");
	return (close_names[reason]);
}

struct track *
track_new(const struct track_config *cfg, struct reasm_ctx *rc,
    track_dir_closed_fn closed, void *arg)
{
	struct track *t = xcalloc(1, sizeof *t);

	t->cfg = *cfg;
	if (t->cfg.linger_ns == 0)
		t->cfg.linger_ns = TRACK_LINGER_NS;
	if (t->cfg.max_conns == 0)
		t->cfg.max_conns = TRACK_MAX_CONNS;
	if (t->cfg.max_closed == 0)
		t->cfg.max_closed = TRACK_MAX_CLOSED;
	t->rc = rc;
	t->closed_fn = closed;
	t->arg = arg;
	t->table = flow_table_new();
	return (t);
}

static void
list_unlink(struct conn_list *l, struct flow_conn *c)
{
	if (c->lru_prev != NULL)
		c->lru_prev->lru_next = c->lru_next;
	else
		l->head = c->lru_next;
	if (c->lru_next != NULL)
		c->lru_next->lru_prev = c->lru_prev;
	else
		l->tail = c->lru_prev;
	c->lru_prev = c->lru_next = NULL;
}

static void
list_append(struct conn_list *l, struct flow_conn *c)
{
	c->lru_next = NULL;
	c->lru_prev = l->tail;
	if (l->tail != NULL)
		l->tail->lru_next = c;
	else
		l->head = c;
	l->tail = c;
}

static inline struct conn_list *
list_of(struct track *t, struct flow_conn *c)
{
	return (c->on_closed_list ? &t->closed : &t->open);
}

static void
dir_init(struct flow_dir *d)
{
	memset(d, 0, sizeof *d);
	store_stream_init(&d->ss);
	d->wscale = -1;
}

static struct flow_conn *
conn_new(struct track *t, const struct flow_key *k)
{
	struct flow_conn *c = xcalloc(1, sizeof *c);

	c->key = *k;
	c->id = t->next_conn_id++;
	c->client = 0xff;
	dir_init(&c->dir[0]);
	dir_init(&c->dir[1]);
	c->dir[1].side = 1;
	t->st.conns_total++;
	t->st.conns_open++;
	t->st.conns_in_memory++;
	if (t->st.conns_open > t->st.conns_max_open)
		t->st.conns_max_open = t->st.conns_open;
	return (c);
}

static void
conn_free_one(struct track *t, struct flow_conn *c)
{
	int i;

	if (t->watch.freeing != NULL)
		t->watch.freeing(t->watch.arg, c);
	for (i = 0; i < 2; i++) {
		store_release_stream(t->rc->store, &c->dir[i].ss);
		reasm_dir_free(&c->dir[i]);
	}
	if (c->close_reason == FLOW_OPEN)
		t->st.conns_open--;
	t->st.conns_in_memory--;
	free(c);
}

/* The connection's first packet time: every file's mtime. */
static uint64_t
conn_first_ns(const struct flow_conn *c)
{
	if (!c->dir[0].seen)
		return (c->dir[1].first_ns);
	if (!c->dir[1].seen || c->dir[0].first_ns <= c->dir[1].first_ns)
		return (c->dir[0].first_ns);
	return (c->dir[1].first_ns);
}

/* Finalize one direction: settle its file, close it, report it. */
static void
dir_close(struct track *t, struct flow_conn *c, int i)
{
	struct flow_dir *d = &c->dir[i];
	uint64_t first = conn_first_ns(c);

	if (d->closed)
		return;
	d->closed = true;
	reasm_finish(t->rc, d);
	store_close_stream(t->rc->store, &d->ss, first + t->cfg.tdelta_ns);
	if (t->closed_fn != NULL && d->seen)
		t->closed_fn(t->arg, c, i);
}

/* Close a newest instance: both directions, and move it to `closed`. */
static void
conn_close(struct track *t, struct flow_conn *c, enum flow_close why)
{
	bool was_open = c->close_reason == FLOW_OPEN;

	/* Set the reason first: the dir_closed callbacks report it. */
	if (was_open)
		c->close_reason = (uint8_t)why;
	dir_close(t, c, 0);
	dir_close(t, c, 1);
	if (t->watch.touched != NULL)
		t->watch.touched(t->watch.arg, c);
	if (!was_open)
		return;
	t->st.conns_open--;
	if (why == FLOW_CLOSE_TIMEOUT)
		t->st.timeouts++;
	if (why == FLOW_CLOSE_EVICT)
		t->st.evicted++;
	list_unlink(&t->open, c);
	c->on_closed_list = true;
	list_append(&t->closed, c);
}

static struct tomb *
tomb_slot(struct track *t, uint64_t h)
{
	if (t->tombs == NULL)
		t->tombs = xcalloc(TRACK_TOMBS, sizeof *t->tombs);
	return (&t->tombs[h & (TRACK_TOMBS - 1)]);
}

/* Remember enough of closed instance c to recognise its late packets. */
static void
tomb_put(struct track *t, const struct flow_conn *c)
{
	uint64_t h = flow_key_hash(&c->key) | 1;
	struct tomb *tb = tomb_slot(t, h);
	int i;

	tb->hash = h;
	tb->instance = c->instance;
	for (i = 0; i < 2; i++) {
		const struct flow_dir *d = &c->dir[i];
		uint64_t end = d->data_high > d->seq_high ? d->data_high :
		    d->seq_high;

		/*
		 * Only a connection that ended (FIN or RST) has late packets;
		 * one evicted while open goes on in a new instance.
		 */
		tb->seen[i] = d->seen && c->fin_or_rst;
		tb->fin[i] = d->fin_seen;
		tb->low[i] = (uint32_t)d->seq_low;
		tb->end[i] = (uint32_t)(d->fin_seen ? d->fin_seq : end);
		tb->count[i] = d->count + (d->ss.path != NULL);
	}
}

static struct tomb *
tomb_find(struct track *t, const struct flow_key *k)
{
	uint64_t h = flow_key_hash(k) | 1;
	struct tomb *tb;

	if (t->tombs == NULL)
		return (NULL);
	tb = tomb_slot(t, h);
	return (tb->hash == h ? tb : NULL);
}

/* Is m a late packet of the connection tb remembers? */
static bool
tomb_fits(const struct tomb *tb, int i, const struct pkt_meta *m)
{
	int32_t below = seq_diff(tb->low[i], m->seq);
	int32_t past = seq_diff(m->seq, tb->end[i]);

	if ((m->flags & TCP_SYN) || !tb->seen[i])
		return (false);
	if (below > (int32_t)TRACK_MIN_WINDOW)
		return (false);
	/* No data at or after a FIN; ACKs may sit at its sequence number. */
	if (m->paylen > 0)
		return (tb->fin[i] ? past < 0 : past <= (int32_t)TRACK_MIN_WINDOW);
	return (past <= (tb->fin[i] ? 1 : (int32_t)TRACK_MIN_WINDOW));
}

/* Free a newest instance and its whole chain (all closed by then). */
static void
chain_free(struct track *t, struct flow_conn *c)
{
	struct flow_conn *o;

	/*
	 * Close the newest instance while it is still on its list:
	 * conn_close() moves it from `open` to `closed`, which must not
	 * happen after it was unlinked (that emptied `open` and left the
	 * freed record on `closed`).  Older instances are on no list.
	 */
	if (c->close_reason == FLOW_OPEN)
		conn_close(t, c, FLOW_CLOSE_EVICT);
	tomb_put(t, c);
	flow_table_remove(t->table, c);
	list_unlink(list_of(t, c), c);
	while (c != NULL) {
		o = c->older;
		if (c->close_reason == FLOW_OPEN) {
			dir_close(t, c, 0);
			dir_close(t, c, 1);
		}
		conn_free_one(t, c);
		c = o;
	}
}

/* Expire idle and lingering connections; enforce the cap. */
static void
expire(struct track *t)
{
	struct flow_conn *c;

	if (t->cfg.tcp_timeout_ns != 0) {
		while ((c = t->open.head) != NULL &&
		    c->last_ns + t->cfg.tcp_timeout_ns < t->now_ns)
			conn_close(t, c, FLOW_CLOSE_TIMEOUT);
	}
	while ((c = t->closed.head) != NULL &&
	    (c->last_ns + t->cfg.linger_ns < t->now_ns ||
	    t->st.conns_in_memory - t->st.conns_open > t->cfg.max_closed))
		chain_free(t, c);
	while (t->st.conns_in_memory > t->cfg.max_conns) {
		if ((c = t->closed.head) == NULL &&
		    (c = t->open.head) == NULL)
			break;
		chain_free(t, c);
	}
}

static inline uint64_t
dir_window(const struct flow_conn *c, int i)
{
	/* W: the larger of 64 KiB and what the receiver advertised. */
	uint32_t w = c->dir[1 - i].max_window;

	return (w > TRACK_MIN_WINDOW ? w : TRACK_MIN_WINDOW);
}

/* Is unwrapped seq inside [low - W, high + W] of direction i? */
static bool
in_window(const struct flow_conn *c, int i, uint32_t seq)
{
	const struct flow_dir *d = &c->dir[i];
	uint64_t w = dir_window(c, i), s;

	if (!d->seen)
		return (false);
	s = seq_unwrap(d->seq_high, seq);
	return (s + w >= d->seq_low && s <= d->seq_high + w);
}

/* Does ack acknowledge bytes direction i has sent (or its SYN)? */
static bool
acks_seen(const struct flow_conn *c, int i, uint32_t ack)
{
	const struct flow_dir *d = &c->dir[i];
	uint64_t a, top;

	if (!d->seen)
		return (false);
	a = seq_unwrap(d->seq_high, ack);
	top = d->data_high > d->seq_high ? d->data_high : d->seq_high;
	return (a >= d->seq_low && a <= top + 1);
}

enum syn_verdict { SYN_SAME, SYN_NEW, SYN_IGNORE };

/* The port-reuse rules for a SYN from side i on instance c (truth/README.md,
 * "Connections"); the "same instance" rules take precedence. */
static enum syn_verdict
syn_verdict(const struct flow_conn *c, int i, const struct pkt_meta *m)
{
	const struct flow_dir *d = &c->dir[i], *p = &c->dir[1 - i];
	bool ack = (m->flags & TCP_ACK) != 0;

	if (d->syn_seen && d->isn == m->seq)
		return (SYN_SAME);		/* a retransmitted SYN */
	if (ack && p->syn_seen && m->ack == p->isn + 1)
		return (SYN_SAME);		/* SYN/ACK of this SYN */
	if (ack && p->payload_bytes > 0 && acks_seen(c, 1 - i, m->ack))
		return (SYN_SAME);		/* acks the peer's data */
	if (!d->syn_seen && d->seen && in_window(c, i, m->seq))
		return (SYN_SAME);		/* a late (reordered) SYN */

	if (d->syn_seen && c->fin_or_rst)
		return (SYN_NEW);		/* another ISN after a close */
	if (d->seen && !in_window(c, i, m->seq))
		return (SYN_NEW);		/* far outside the window */
	if (!d->seen)
		return (c->fin_or_rst ? SYN_NEW : SYN_SAME);
	return (SYN_IGNORE);			/* another ISN, still open */
}

/*
 * The instance a packet without SYN belongs to: the newest whose window in
 * the packet's direction holds its sequence number (or, if that side has
 * sent nothing there yet, whose peer window holds its acknowledgment).
 * *fits tells whether one did; if none, the newest is returned.
 */
static struct flow_conn *
pick_instance(struct flow_conn *newest, int i, const struct pkt_meta *m,
    bool *fits)
{
	struct flow_conn *c;

	*fits = true;
	if (newest->older == NULL && !newest->fin_or_rst)
		return (newest);
	for (c = newest; c != NULL; c = c->older) {
		const struct flow_dir *d = &c->dir[i];

		if (d->seen) {
			/* A side sends no data after its FIN (RFC 9293). */
			if (in_window(c, i, m->seq) && !(m->paylen > 0 &&
			    d->fin_seen && seq_unwrap(d->seq_high, m->seq) >=
			    d->fin_seq))
				return (c);
		} else if ((m->flags & TCP_ACK) && in_window(c, 1 - i, m->ack))
			return (c);
	}
	*fits = false;
	return (newest);
}

/* Start a new instance on newest's key. */
static struct flow_conn *
new_instance(struct track *t, struct flow_conn *old, enum flow_close why)
{
	struct flow_conn *c, *o;
	int n;

	if (old->close_reason == FLOW_OPEN)
		conn_close(t, old, why);
	c = conn_new(t, &old->key);
	c->instance = old->instance + 1;
	c->dir[0].count = old->dir[0].count + (old->dir[0].ss.path != NULL);
	c->dir[1].count = old->dir[1].count + (old->dir[1].ss.path != NULL);
	list_unlink(list_of(t, old), old);
	old->on_closed_list = false;
	flow_table_replace(t->table, old, c);
	c->older = old;
	list_append(&t->open, c);
	/* Keep the chain short: drop the oldest instances. */
	for (n = 1, o = c; o->older != NULL; o = o->older, n++) {
		if (n == TRACK_MAX_CHAIN) {
			struct flow_conn *x = o->older, *nx;

			o->older = NULL;
			for (; x != NULL; x = nx) {
				nx = x->older;
				conn_free_one(t, x);
			}
			break;
		}
	}
	return (c);
}

static void
dir_note_packet(struct track *t, struct flow_conn *c, int i,
    const struct pkt_meta *m)
{
	struct flow_dir *d = &c->dir[i], *p = &c->dir[1 - i];
	uint64_t s;
	uint32_t win;

	if (!d->seen) {
		d->seen = true;
		d->seq_low = d->seq_high = seq_unwrap_first(m->seq);
		d->first_ns = m->ts_ns;
		d->flow_id = t->next_flow_id++;
		if (m->has_mac) {
			d->has_mac = true;
			memcpy(d->mac_src, m->mac_src, 6);
			memcpy(d->mac_dst, m->mac_dst, 6);
		}
		if (c->client == 0xff)
			c->client = (uint8_t)i;
	} else {
		s = seq_unwrap(d->seq_high, m->seq);
		if (s > d->seq_high)
			d->seq_high = s;
		if (s < d->seq_low)
			d->seq_low = s;
	}
	if ((m->flags & TCP_ACK) && p->seen) {
		/* What the peer acknowledges tells where its stream starts. */
		uint64_t a = seq_unwrap(p->seq_high, m->ack);

		if (p->acked_low == 0 || a < p->acked_low)
			p->acked_low = a;
	}
	d->last_ns = m->ts_ns;
	d->packets++;
	d->len += m->wirelen;
	d->caplen += m->caplen;
	/* Window scaling applies only once both SYNs offered it (RFC 7323). */
	win = m->window;
	if (!(m->flags & TCP_SYN) && d->wscale >= 0 && p->wscale >= 0)
		win = (uint32_t)m->window << (d->wscale > 14 ? 14 : d->wscale);
	if (win > d->max_window)
		d->max_window = win;
}

void
track_segment(struct track *t, const struct pkt_meta *m)
{
	struct flow_key k;
	struct flow_conn *c, *newest;
	struct flow_dir *d;
	uint64_t s;
	int i, j;

	t->st.segments++;
	if (m->ts_ns > t->now_ns)
		t->now_ns = m->ts_ns;
	i = flow_key_make(&k, m->af, m->src, m->sport, m->dst, m->dport,
	    m->has_vlan, m->vlan);
	newest = flow_table_lookup(t->table, &k);
	if (newest == NULL) {
		struct tomb *tb = tomb_find(t, &k);

		if (tb != NULL && tomb_fits(tb, i, m)) {
			/* A late packet of a connection already freed. */
			t->st.late_forgotten++;
			return;
		}
		c = newest = conn_new(t, &k);
		if (tb != NULL) {
			/* The next connection on a 4-tuple seen before. */
			c->instance = tb->instance + 1;
			c->dir[0].count = tb->count[0];
			c->dir[1].count = tb->count[1];
			tb->hash = 0;
		}
		flow_table_insert(t->table, c);
		list_append(&t->open, c);
	} else if (newest->close_reason == FLOW_CLOSE_TIMEOUT) {
		/* -S tcp_timeout closed it: what comes later is a new flow. */
		c = newest = new_instance(t, newest, FLOW_CLOSE_TIMEOUT);
	} else if (m->flags & TCP_SYN) {
		switch (syn_verdict(newest, i, m)) {
		case SYN_SAME:
			c = newest;
			break;
		case SYN_NEW:
			c = newest = new_instance(t, newest,
			    FLOW_CLOSE_REUSE);
			break;
		default:
			t->st.syn_ignored++;
			return;
		}
	} else {
		bool fits;

		c = pick_instance(newest, i, m, &fits);
		/*
		 * Data far outside every window of a closed connection is
		 * the next connection on this 4-tuple, captured before its
		 * SYN (reordering): it must not land in the old file.
		 */
		if (!fits && m->paylen > 0 && newest->fin_or_rst)
			c = newest = new_instance(t, newest, FLOW_CLOSE_REUSE);
	}

	d = &c->dir[i];
	dir_note_packet(t, c, i, m);
	if ((m->flags & TCP_SYN) && !(m->flags & TCP_ACK) &&
	    c->client == 0xff)
		c->client = (uint8_t)i;
	if ((m->flags & TCP_SYN) && !(m->flags & TCP_ACK) && !d->syn_seen &&
	    !c->dir[1 - i].syn_seen)
		c->client = (uint8_t)i;
	s = seq_unwrap(d->seq_high, m->seq);
	if (m->flags & TCP_SYN) {
		d->pure_syn = !(m->flags & TCP_ACK);
		/* A late SYN fixes the start, unless the direction was
		 * already finished and reported. */
		if (!d->syn_seen && !d->closed) {
			d->syn_seen = true;
			d->isn = m->seq;
			d->base = s + 1;
			d->wscale = m->wscale;
		}
		s++;		/* SYN data starts at ISN + 1 */
	}

	if (m->paylen > 0) {
		bool keepalive = m->seglen == 1 && d->data_high != 0 &&
		    s + 1 == d->data_high;

		if (keepalive) {
			d->keepalives++;
			t->st.keepalives++;
		} else {
			if (t->cfg.max_seek != 0 && d->data_high != 0 &&
			    (s > d->data_high + t->cfg.max_seek ||
			    s + t->cfg.max_seek < d->file_base)) {
				/* -m: too far from the expected byte. */
				c = newest = new_instance(t, newest,
				    FLOW_CLOSE_MAXSEEK);
				d = &c->dir[i];
				dir_note_packet(t, c, i, m);
			}
			if (d->closed)
				t->st.late_packets++;
			d->payload_bytes += m->paylen;
			reasm_data(t->rc, d, s, m->payload, m->paylen);
			if (s + m->seglen > d->data_high)
				d->data_high = s + m->seglen;
			if (d->closed) {
				/* Late bytes, maybe in front: settle again. */
				reasm_finish(t->rc, d);
				store_close_stream(t->rc->store, &d->ss,
				    conn_first_ns(c) + t->cfg.tdelta_ns);
			}
		}
	}
	if (m->flags & TCP_FIN) {
		d->fin_seen = true;
		d->fin_seq = s + m->seglen;
		c->fin_or_rst = true;
	}
	if (c == newest) {
		c->last_ns = m->ts_ns;
		list_unlink(list_of(t, c), c);
		list_append(list_of(t, c), c);
	}
	if ((m->flags & TCP_RST) && c->close_reason == FLOW_OPEN) {
		c->fin_or_rst = true;
		if (c == newest)
			conn_close(t, c, FLOW_CLOSE_RST);
		else {
			dir_close(t, c, 0);
			dir_close(t, c, 1);
		}
	}
	/* A direction ends once its FIN and every byte before it arrived. */
	for (j = 0; j < 2; j++) {
		struct flow_dir *x = &c->dir[j];

		if (x->fin_seen && !x->closed &&
		    reasm_complete_to(x, x->fin_seq) && (x->syn_seen ||
		    x->acked_low == 0 || x->acked_low >= x->base))
			dir_close(t, c, j);
	}
	if (c->dir[0].closed && c->dir[1].closed &&
	    c->close_reason == FLOW_OPEN && c == newest)
		conn_close(t, c, FLOW_CLOSE_FIN);
	else if (t->watch.touched != NULL)
		t->watch.touched(t->watch.arg, c);
	expire(t);
}

void
track_close_all(struct track *t)
{
	struct flow_conn *c;

	while ((c = t->open.head) != NULL)
		conn_close(t, c, FLOW_CLOSE_EOF);
}

void
track_set_watch(struct track *t, const struct track_watch *w)
{
	t->watch = *w;
}

void
track_get_stats(const struct track *t, struct track_stats *s)
{
	*s = t->st;
}

void
track_free(struct track *t)
{
	struct flow_conn *c;

	if (t == NULL)
		return;
	while ((c = t->open.head) != NULL)
		chain_free(t, c);
	while ((c = t->closed.head) != NULL)
		chain_free(t, c);
	flow_table_free(t->table);
	free(t->tombs);
	free(t);
}
