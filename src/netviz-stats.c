/*
 * netviz-stats.c: the bounded statistics behind the netviz picture; see
 * netviz-stats.h.
 *
 * Invariants: every array here has a fixed size set at compile time; nothing
 * grows with packets or connections.  The throughput grid covers
 * [t0, t0 + NETVIZ_BUCKETS * width); regridding maps each old bucket whole
 * into one new bucket, so the sum of all buckets is always the sum of what
 * was fed.  The Space-Saving tables keep a min-heap over their counters (the
 * victim is the root) and a chained hash from key to counter.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "netviz-stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "flow.h"
#include "reasm.h"
#include "xmalloc.h"

/* First bucket width: 2^20 ns, about a millisecond. */
#define NV_WIDTH0	(1ull << 20)
/* Shift at least this many buckets when a packet predates t0. */
#define NV_MIN_SHIFT	64
#define NV_HASH		(2 * NETVIZ_HH_SLOTS)

struct hh_key {
	uint8_t		 af;
	uint8_t		 addr[16];
};

/* Weighted Space-Saving (Metwally et al. 2005) over addresses. */
struct hh {
	struct hh_key	 key[NETVIZ_HH_SLOTS];
	uint64_t	 count[NETVIZ_HH_SLOTS];
	uint64_t	 err[NETVIZ_HH_SLOTS];
	int32_t		 next[NETVIZ_HH_SLOTS];	/* hash chain */
	int32_t		 heap[NETVIZ_HH_SLOTS];	/* slots, min count first */
	int32_t		 pos[NETVIZ_HH_SLOTS];	/* slot -> heap index */
	int32_t		 head[NV_HASH];
	size_t		 used;
	uint64_t	 total;
};

struct netviz_stats {
	uint64_t	 t0;		/* start of bucket 0; valid if have_t */
	uint64_t	 width;
	size_t		 hi;		/* highest bucket used + 1 */
	bool		 have_t;
	uint64_t	 first_ns;
	uint64_t	 last_ns;
	uint64_t	 packets;
	uint64_t	 bytes;
	uint64_t	 conns;
	bool		 spread;
	uint64_t	 grid[NETVIZ_BUCKETS][2][NETVIZ_SVC_COUNT];
	uint64_t	 tmp[NETVIZ_BUCKETS][2][NETVIZ_SVC_COUNT];
	uint64_t	 svc_bytes[NETVIZ_SVC_COUNT];

	struct hh	 src;
	struct hh	 dst;
	uint64_t	 sport[65536];
	uint64_t	 dport[65536];

	uint64_t	 size_hist[NETVIZ_HIST];
	uint64_t	 dur_hist[NETVIZ_HIST];
	struct netviz_conn big[NETVIZ_LARGEST];	/* min-heap by total */
	size_t		 nbig;

	uint64_t	 holes;
	uint64_t	 hole_bytes;
	uint64_t	 overlaps;
	uint64_t	 retrans;
	bool		 retrans_known;
	uint64_t	 out_of_order;
	struct netviz_run run;
	char		 input[256];
};

static void	hh_init(struct hh *);
static void	hh_add(struct hh *, uint8_t, const uint8_t *, uint64_t);

struct netviz_stats *
netviz_stats_new(void)
{
	struct netviz_stats *s;

	s = xcalloc(1, sizeof *s);
	s->width = NV_WIDTH0;
	hh_init(&s->src);
	hh_init(&s->dst);
	return (s);
}

void
netviz_stats_free(struct netviz_stats *s)
{
	free(s);
}

size_t
netviz_stats_memory(const struct netviz_stats *s)
{
	return (sizeof *s);
}

static int
port_class(uint16_t p)
{
	switch (p) {
	case 80: case 8080: case 8000: case 8888:
		return (NETVIZ_SVC_HTTP);
	case 443: case 8443:
		return (NETVIZ_SVC_HTTPS);
	case 22:
		return (NETVIZ_SVC_SSH);
	case 25: case 465: case 587:
		return (NETVIZ_SVC_SMTP);
	case 53:
		return (NETVIZ_SVC_DNS);
	case 20: case 21:
		return (NETVIZ_SVC_FTP);
	case 110: case 143: case 993: case 995:
		return (NETVIZ_SVC_MAIL);
	default:
		return (-1);
	}
}

enum netviz_service
netviz_service(uint16_t a, uint16_t b)
{
	int ca = port_class(a), cb = port_class(b);

	if (ca >= 0 && cb >= 0)
		return ((enum netviz_service)(a < b ? ca : cb));
	if (ca >= 0)
		return ((enum netviz_service)ca);
	if (cb >= 0)
		return ((enum netviz_service)cb);
	return (NETVIZ_SVC_OTHER);
}

const char *
netviz_service_name(enum netviz_service svc)
{
	static const char *const names[NETVIZ_SVC_COUNT] = {
		[NETVIZ_SVC_HTTP] = "HTTP",
		[NETVIZ_SVC_HTTPS] = "HTTPS",
		[NETVIZ_SVC_SSH] = "SSH",
		[NETVIZ_SVC_SMTP] = "SMTP",
		[NETVIZ_SVC_DNS] = "DNS",
		[NETVIZ_SVC_FTP] = "FTP",
		[NETVIZ_SVC_MAIL] = "IMAP/POP",
		[NETVIZ_SVC_OTHER] = "other",
	};

	if ((unsigned)svc >= NETVIZ_SVC_COUNT)
		return ("?");
	return (names[svc]);
}

/* --- throughput grid ------------------------------------------------------ */

/* Move bucket i to (i + k) >> m; t0 moves back k old buckets. */
static void
grid_regrid(struct netviz_stats *s, size_t k, unsigned m)
{
	size_t i, j, hi = 0;
	int d, v;

	memset(s->tmp, 0, sizeof s->tmp);
	for (i = 0; i < s->hi; i++) {
		j = (i + k) >> m;
		for (d = 0; d < 2; d++)
			for (v = 0; v < NETVIZ_SVC_COUNT; v++)
				s->tmp[j][d][v] += s->grid[i][d][v];
		hi = j + 1;
	}
	memcpy(s->grid, s->tmp, sizeof s->grid);
	s->t0 -= (uint64_t)k * s->width;
	s->width <<= m;
	s->hi = hi;
}

/* Make the grid cover ts; returns its bucket. */
static size_t
grid_cover(struct netviz_stats *s, uint64_t ts)
{
	uint64_t k = 0, span;
	unsigned m = 0;

	if (!s->have_t) {
		s->have_t = true;
		s->t0 = ts;
		return (0);
	}
	if (ts < s->t0) {
		k = (s->t0 - ts + s->width - 1) / s->width;
		if (k < NV_MIN_SHIFT)
			k = NV_MIN_SHIFT;
		if (k * s->width > s->t0)	/* never before the epoch */
			k = s->t0 / s->width;
	}
	/* Smallest m with everything (old data and ts) in range. */
	span = (ts >= s->t0 - k * s->width ? ts - (s->t0 - k * s->width) :
	    0) / s->width;
	if (span < s->hi + k)
		span = s->hi + k;
	while ((span >> m) >= NETVIZ_BUCKETS)
		m++;
	if (k != 0 || m != 0)
		grid_regrid(s, (size_t)k, m);
	/* Only a time before t0 mod width (near the epoch) stays outside. */
	if (ts < s->t0)
		return (0);
	span = (ts - s->t0) / s->width;
	return (span < NETVIZ_BUCKETS ? (size_t)span : NETVIZ_BUCKETS - 1);
}

static void
grid_add(struct netviz_stats *s, uint64_t ts, int dir, int svc, uint64_t n)
{
	size_t b = grid_cover(s, ts);

	s->grid[b][dir][svc] += n;
	if (b + 1 > s->hi)
		s->hi = b + 1;
}

/* Spread n bytes evenly over [lo, hi]. */
static void
grid_spread(struct netviz_stats *s, uint64_t lo, uint64_t hi, int dir,
    int svc, uint64_t n)
{
	size_t a, b, i;
	uint64_t given = 0, part, bhi, ohi;
	double dur;

	if (n == 0)
		return;
	grid_cover(s, lo);
	b = grid_cover(s, hi);
	a = grid_cover(s, lo);	/* lo's bucket after any regrid for hi */
	if (a == b || hi <= lo) {
		grid_add(s, lo, dir, svc, n);
		return;
	}
	/* Round the running total, so no bucket collects the remainders. */
	dur = (double)(hi - lo);
	for (i = a; i < b; i++) {
		bhi = s->t0 + (i + 1) * s->width;
		ohi = bhi < hi ? bhi : hi;
		part = ohi > lo ? (uint64_t)((double)n * (double)(ohi - lo) /
		    dur + 0.5) : 0;
		if (part > n)
			part = n;
		if (part < given)
			part = given;
		s->grid[i][dir][svc] += part - given;
		given = part;
	}
	s->grid[b][dir][svc] += n - given;
	if (b + 1 > s->hi)
		s->hi = b + 1;
}

void
netviz_stats_packet(struct netviz_stats *s, uint64_t ts_ns, uint32_t wirelen,
    uint16_t sport, uint16_t dport)
{
	int cs = port_class(sport), cd = port_class(dport);
	int dir, svc;

	/* The server has the well-known port, else the lower one. */
	if (cd >= 0 && (cs < 0 || dport <= sport)) {
		dir = NETVIZ_C2S;
		svc = cd;
	} else if (cs >= 0) {
		dir = NETVIZ_S2C;
		svc = cs;
	} else {
		dir = dport <= sport ? NETVIZ_C2S : NETVIZ_S2C;
		svc = NETVIZ_SVC_OTHER;
	}
	if (s->packets == 0 || ts_ns < s->first_ns)
		s->first_ns = ts_ns;
	if (ts_ns > s->last_ns)
		s->last_ns = ts_ns;
	s->packets++;
	s->bytes += wirelen;
	s->svc_bytes[svc] += wirelen;
	grid_add(s, ts_ns, dir, svc, wirelen);
}

/* --- Space-Saving heavy hitters ----------------------------------------- */

static void
hh_init(struct hh *h)
{
	size_t i;

	for (i = 0; i < NV_HASH; i++)
		h->head[i] = -1;
}

static uint32_t
hh_hash(const struct hh_key *k)
{
	uint32_t x = 2166136261u;
	size_t i;

	x = (x ^ k->af) * 16777619u;
	for (i = 0; i < 16; i++)
		x = (x ^ k->addr[i]) * 16777619u;
	return (x % NV_HASH);
}

static void
hh_swap(struct hh *h, size_t a, size_t b)
{
	int32_t t = h->heap[a];

	h->heap[a] = h->heap[b];
	h->heap[b] = t;
	h->pos[h->heap[a]] = (int32_t)a;
	h->pos[h->heap[b]] = (int32_t)b;
}

/* The counter at heap index i grew: restore the min-heap below it. */
static void
hh_down(struct hh *h, size_t i)
{
	size_t l, r, m;

	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < h->used && h->count[h->heap[l]] < h->count[h->heap[m]])
			m = l;
		if (r < h->used && h->count[h->heap[r]] < h->count[h->heap[m]])
			m = r;
		if (m == i)
			return;
		hh_swap(h, i, m);
		i = m;
	}
}

static void
hh_up(struct hh *h, size_t i)
{
	while (i > 0 && h->count[h->heap[(i - 1) / 2]] > h->count[h->heap[i]]) {
		hh_swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void
hh_unlink(struct hh *h, int32_t slot)
{
	uint32_t b = hh_hash(&h->key[slot]);
	int32_t *pp = &h->head[b];

	while (*pp != -1 && *pp != slot)
		pp = &h->next[*pp];
	if (*pp == slot)
		*pp = h->next[slot];
}

static void
hh_add(struct hh *h, uint8_t af, const uint8_t *addr, uint64_t w)
{
	struct hh_key k;
	uint32_t b;
	int32_t slot;

	memset(&k, 0, sizeof k);
	k.af = af;
	memcpy(k.addr, addr, af == 4 ? 4 : 16);
	h->total += w;
	b = hh_hash(&k);
	for (slot = h->head[b]; slot != -1; slot = h->next[slot])
		if (memcmp(&h->key[slot], &k, sizeof k) == 0) {
			h->count[slot] += w;
			hh_down(h, (size_t)h->pos[slot]);
			return;
		}
	if (h->used < NETVIZ_HH_SLOTS) {
		slot = (int32_t)h->used;
		h->key[slot] = k;
		h->count[slot] = w;
		h->err[slot] = 0;
		h->heap[h->used] = slot;
		h->pos[slot] = (int32_t)h->used;
		h->used++;
		hh_up(h, h->used - 1);
	} else {
		/* Evict the smallest; the newcomer inherits its count. */
		slot = h->heap[0];
		hh_unlink(h, slot);
		h->err[slot] = h->count[slot];
		h->count[slot] += w;
		h->key[slot] = k;
		hh_down(h, 0);
	}
	h->next[slot] = h->head[b];
	h->head[b] = slot;
}

/* Insert into a descending top-n list; n is NETVIZ_TOP. */
static void
top_insert(struct netviz_talker *t, size_t *nt, const struct netviz_talker *x)
{
	size_t i;

	if (*nt == NETVIZ_TOP && t[NETVIZ_TOP - 1].bytes >= x->bytes)
		return;
	i = *nt < NETVIZ_TOP ? (*nt)++ : NETVIZ_TOP - 1;
	for (; i > 0 && t[i - 1].bytes < x->bytes; i--)
		t[i] = t[i - 1];
	t[i] = *x;
}

static void
hh_top(const struct hh *h, struct netviz_talker *t, size_t *nt)
{
	struct netviz_talker x;
	size_t i;

	*nt = 0;
	for (i = 0; i < h->used; i++) {
		memset(&x, 0, sizeof x);
		x.af = h->key[i].af;
		memcpy(x.addr, h->key[i].addr, 16);
		x.bytes = h->count[i];
		x.error = h->err[i];
		top_insert(t, nt, &x);
	}
}

static void
port_top(const uint64_t *p, struct netviz_talker *t, size_t *nt)
{
	struct netviz_talker x;
	size_t i;

	*nt = 0;
	for (i = 0; i < 65536; i++) {
		if (p[i] == 0)
			continue;
		memset(&x, 0, sizeof x);
		x.port = (uint16_t)i;
		x.bytes = p[i];
		top_insert(t, nt, &x);
	}
}

/* --- connections -------------------------------------------------------- */

static unsigned
log2_bin(uint64_t v)
{
	unsigned b = 0;

	while (v != 0 && b < NETVIZ_HIST - 1) {
		v >>= 1;
		b++;
	}
	return (b);
}

static uint64_t
conn_total(const struct netviz_conn *c)
{
	return (c->bytes[0] + c->bytes[1]);
}

static void
big_down(struct netviz_stats *s, size_t i)
{
	struct netviz_conn t;
	size_t l, r, m;

	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < s->nbig && conn_total(&s->big[l]) <
		    conn_total(&s->big[m]))
			m = l;
		if (r < s->nbig && conn_total(&s->big[r]) <
		    conn_total(&s->big[m]))
			m = r;
		if (m == i)
			return;
		t = s->big[i];
		s->big[i] = s->big[m];
		s->big[m] = t;
		i = m;
	}
}

static void
big_add(struct netviz_stats *s, const struct netviz_conn *c)
{
	struct netviz_conn t;
	size_t i;

	if (s->nbig < NETVIZ_LARGEST) {
		i = s->nbig++;
		s->big[i] = *c;
		while (i > 0 && conn_total(&s->big[(i - 1) / 2]) >
		    conn_total(&s->big[i])) {
			t = s->big[i];
			s->big[i] = s->big[(i - 1) / 2];
			s->big[(i - 1) / 2] = t;
			i = (i - 1) / 2;
		}
		return;
	}
	if (conn_total(c) <= conn_total(&s->big[0]))
		return;
	s->big[0] = *c;
	big_down(s, 0);
}

void
netviz_stats_conn(struct netviz_stats *s, const struct netviz_conn *c,
    bool spread)
{
	uint64_t dur, unique;
	int svc, d;

	s->conns++;
	hh_add(&s->src, c->af, c->cli, c->bytes[NETVIZ_C2S]);
	hh_add(&s->src, c->af, c->srv, c->bytes[NETVIZ_S2C]);
	hh_add(&s->dst, c->af, c->srv, c->bytes[NETVIZ_C2S]);
	hh_add(&s->dst, c->af, c->cli, c->bytes[NETVIZ_S2C]);
	s->sport[c->cport] += c->bytes[NETVIZ_C2S];
	s->sport[c->sport] += c->bytes[NETVIZ_S2C];
	s->dport[c->sport] += c->bytes[NETVIZ_C2S];
	s->dport[c->cport] += c->bytes[NETVIZ_S2C];

	dur = c->last_ns > c->first_ns ? c->last_ns - c->first_ns : 0;
	s->size_hist[log2_bin(conn_total(c))]++;
	s->dur_hist[log2_bin(dur / 1000)]++;
	big_add(s, c);

	s->holes += c->holes;
	s->hole_bytes += c->hole_bytes;
	s->overlaps += c->overlaps;
	s->out_of_order += c->out_of_order;
	if (c->seg_bytes != 0) {
		unique = c->payload[0] + c->payload[1];
		unique = unique > c->hole_bytes ? unique - c->hole_bytes : 0;
		if (c->seg_bytes > unique)
			s->retrans += c->seg_bytes - unique;
		s->retrans_known = true;
	}
	if (!spread)
		return;
	s->spread = true;
	svc = (int)netviz_service(c->cport, c->sport);
	for (d = 0; d < 2; d++) {
		s->packets += c->packets[d];
		s->bytes += c->bytes[d];
		s->svc_bytes[svc] += c->bytes[d];
		grid_spread(s, c->first_ns, c->last_ns, d, svc, c->bytes[d]);
	}
	if (s->conns == 1 || c->first_ns < s->first_ns)
		s->first_ns = c->first_ns;
	if (c->last_ns > s->last_ns)
		s->last_ns = c->last_ns;
}

void
netviz_stats_dir_closed(struct netviz_stats *s, const struct flow_conn *c,
    int i, uint64_t tdelta_ns)
{
	const struct flow_dir *d, *o = &c->dir[1 - i];
	struct netviz_conn n;
	uint64_t h, hb;
	int cl, j, k;

	/* The other direction is reported separately if it comes later. */
	if (o->seen && !o->closed)
		return;
	memset(&n, 0, sizeof n);
	cl = c->client <= 1 ? c->client : (c->key.pa >= c->key.pb ? 0 : 1);
	n.af = c->key.af;
	memcpy(n.cli, cl == 0 ? c->key.a : c->key.b, 16);
	memcpy(n.srv, cl == 0 ? c->key.b : c->key.a, 16);
	n.cport = cl == 0 ? c->key.pa : c->key.pb;
	n.sport = cl == 0 ? c->key.pb : c->key.pa;
	for (j = 0; j < 2; j++) {
		d = &c->dir[j];
		if (!d->seen)
			continue;
		k = j == cl ? NETVIZ_C2S : NETVIZ_S2C;
		if (n.first_ns == 0 || d->first_ns + tdelta_ns < n.first_ns)
			n.first_ns = d->first_ns + tdelta_ns;
		if (d->last_ns + tdelta_ns > n.last_ns)
			n.last_ns = d->last_ns + tdelta_ns;
		n.bytes[k] = d->len;
		n.payload[k] = reasm_length(d);
		n.packets[k] = d->packets;
		n.seg_bytes += d->payload_bytes;
		reasm_holes(d, &h, &hb);
		n.holes += h;
		n.hole_bytes += hb;
		n.overlaps += d->overlaps;
		n.out_of_order += d->out_of_order;
	}
	netviz_stats_conn(s, &n, false);
}

void
netviz_stats_decode(struct netviz_stats *s, const struct decode_stats *ds)
{
	s->run.frames = ds->packets;
	s->run.bytes_ipv4 = ds->bytes_ipv4;
	s->run.bytes_ipv6 = ds->bytes_ipv6;
	s->run.bytes_vlan = ds->bytes_vlan;
	s->run.bytes_other = ds->bytes_other;
	s->run.malformed = ds->reason[DR_LINK_TRUNC] + ds->reason[DR_IP_TRUNC] +
	    ds->reason[DR_IP_INVALID] + ds->reason[DR_IP6_EXTHDR_INVALID] +
	    ds->reason[DR_TCP_TRUNC] + ds->reason[DR_TCP_INVALID];
}

int
netviz_stats_draw(const struct netviz_stats *s, netviz_draw_fn draw,
    const char *path, char *err, size_t errlen)
{
	struct netviz_summary *sum;
	int rv;

	sum = xmalloc(sizeof *sum);
	netviz_stats_summary(s, sum);
	rv = draw(sum, path, err, errlen);
	free(sum);
	return (rv);
}

void
netviz_stats_run(struct netviz_stats *s, const struct netviz_run *r)
{
	struct netviz_run keep = s->run;

	s->run = *r;
	if (r->frames == 0)
		s->run.frames = keep.frames;
	if (r->bytes_ipv4 + r->bytes_ipv6 + r->bytes_other == 0) {
		s->run.bytes_ipv4 = keep.bytes_ipv4;
		s->run.bytes_ipv6 = keep.bytes_ipv6;
		s->run.bytes_vlan = keep.bytes_vlan;
		s->run.bytes_other = keep.bytes_other;
	}
	if (r->malformed == 0)
		s->run.malformed = keep.malformed;
	snprintf(s->input, sizeof s->input, "%s", r->input != NULL ? r->input :
	    "");
	s->run.input = NULL;
}

void
netviz_stats_summary(const struct netviz_stats *s, struct netviz_summary *o)
{
	size_t i, j;

	memset(o, 0, sizeof *o);
	snprintf(o->input, sizeof o->input, "%s", s->input);
	o->from_report = s->spread;
	o->live = s->run.live;
	o->first_ns = s->first_ns;
	o->last_ns = s->last_ns;
	o->frames = s->run.frames != 0 ? s->run.frames : s->packets;
	o->packets = s->packets;
	o->bytes = s->bytes;
	o->conns = s->conns;
	o->bytes_ipv4 = s->run.bytes_ipv4;
	o->bytes_ipv6 = s->run.bytes_ipv6;
	o->bytes_vlan = s->run.bytes_vlan;
	o->bytes_other = s->run.bytes_other;
	o->bucket0_ns = s->t0;
	o->bucket_ns = s->width;
	o->nbuckets = s->hi;
	memcpy(o->tput, s->grid, sizeof o->tput);
	memcpy(o->svc_bytes, s->svc_bytes, sizeof o->svc_bytes);

	hh_top(&s->src, o->top[NETVIZ_TOP_SRC], &o->ntop[NETVIZ_TOP_SRC]);
	hh_top(&s->dst, o->top[NETVIZ_TOP_DST], &o->ntop[NETVIZ_TOP_DST]);
	port_top(s->sport, o->top[NETVIZ_TOP_SPORT], &o->ntop[NETVIZ_TOP_SPORT]);
	port_top(s->dport, o->top[NETVIZ_TOP_DPORT], &o->ntop[NETVIZ_TOP_DPORT]);
	o->top_total[NETVIZ_TOP_SRC] = s->src.total;
	o->top_total[NETVIZ_TOP_DST] = s->dst.total;
	o->top_total[NETVIZ_TOP_SPORT] = s->src.total;
	o->top_total[NETVIZ_TOP_DPORT] = s->dst.total;

	memcpy(o->size_hist, s->size_hist, sizeof o->size_hist);
	memcpy(o->dur_hist, s->dur_hist, sizeof o->dur_hist);
	/* Largest first (a small selection sort of a 20-entry heap copy). */
	o->nlargest = s->nbig;
	memcpy(o->largest, s->big, s->nbig * sizeof s->big[0]);
	for (i = 0; i < o->nlargest; i++)
		for (j = i + 1; j < o->nlargest; j++)
			if (conn_total(&o->largest[j]) >
			    conn_total(&o->largest[i]) ||
			    (conn_total(&o->largest[j]) ==
			    conn_total(&o->largest[i]) &&
			    o->largest[j].first_ns < o->largest[i].first_ns)) {
				struct netviz_conn t = o->largest[i];

				o->largest[i] = o->largest[j];
				o->largest[j] = t;
			}

	o->holes = s->holes;
	o->hole_bytes = s->hole_bytes;
	o->overlaps = s->overlaps > s->run.conflicts ? s->overlaps :
	    s->run.conflicts;
	o->retrans_bytes = s->retrans;
	o->retrans_known = s->retrans_known;
	o->out_of_order = s->out_of_order;
	o->malformed = s->run.malformed;
	o->drops = s->run.drops;
}
