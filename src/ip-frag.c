/*
 * ip-frag.c: IPv4 (RFC 791 section 3.2) and IPv6 (RFC 8200 section 4.5)
 * fragment reassembly.
 *
 * DESIGN.  Pending datagrams live in a fixed-size hash table (chained) and on
 * one list in creation order, which serves both the timeout (oldest first)
 * and eviction when the memory or count budget is exceeded.  Each datagram
 * has one payload buffer, grown geometrically up to IP_FRAG_MAX_PAYLOAD, and
 * a bitmap over 8-byte units (fragment offsets are in 8-byte units, and all
 * fragments but the last are multiples of 8 long), so adding a fragment is a
 * hash lookup plus O(len) copying, and completion is a counter compare.
 * Overlaps keep the first copy: only units not yet present are copied.
 *
 * A completed datagram is unlinked and kept as f->done until the next call,
 * so its bytes stay valid while the decoder walks them (and may even feed a
 * fragment found inside them back to us: that data is copied before the old
 * result is freed).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ip-frag.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define FRAG_UNITS	((IP_FRAG_MAX_PAYLOAD + 7) / 8)
#define FRAG_WORDS	((FRAG_UNITS + 63) / 64)
#define FRAG_BUCKETS	4096
#define FRAG_MIN_CAP	2048

#define FRAG_DEF_BYTES		((size_t)8 * 1024 * 1024)
#define FRAG_DEF_PENDING	4096
#define FRAG_DEF_TIMEOUT	((uint64_t)30 * 1000000000)

struct frag_dgram {
	struct frag_dgram	*hnext;		/* hash chain */
	struct frag_dgram	*prev;		/* creation-order list */
	struct frag_dgram	*next;
	struct ip_frag_key	 key;
	unsigned		 bucket;
	uint64_t		 first_ns;	/* packet time of 1st fragment */
	uint8_t			*buf;
	size_t			 cap;
	size_t			 total;		/* valid when has_total */
	size_t			 maxend;	/* highest end seen */
	size_t			 filled;	/* units present */
	bool			 has_total;
	uint8_t			 nexthdr;
	uint64_t		 map[FRAG_WORDS];
};

struct ip_frag {
	struct frag_dgram	*table[FRAG_BUCKETS];
	struct frag_dgram	*oldest;
	struct frag_dgram	*newest;
	struct frag_dgram	*done;		/* last result, freed next call */
	size_t			 max_bytes;
	unsigned		 max_pending;
	uint64_t		 timeout_ns;
	struct ip_frag_stats	 stats;
};

static unsigned	frag_hash(const struct ip_frag_key *);
static bool	frag_key_eq(const struct ip_frag_key *,
		    const struct ip_frag_key *);
static void	frag_unlink(struct ip_frag *, struct frag_dgram *);
static void	frag_destroy(struct ip_frag *, struct frag_dgram *);
static void	frag_release_done(struct ip_frag *, struct frag_dgram *);
static struct frag_dgram *frag_lookup(struct ip_frag *,
		    const struct ip_frag_key *, uint64_t);
static bool	frag_reserve(struct ip_frag *, struct frag_dgram *, size_t);

static unsigned
frag_hash(const struct ip_frag_key *k)
{
	uint32_t h = 2166136261u;
	size_t i;

	/* FNV-1a over the fields (no struct padding is hashed). */
	h = (h ^ k->af) * 16777619u;
	h = (h ^ k->proto) * 16777619u;
	for (i = 0; i < 4; i++) {
		h = (h ^ ((k->vlan >> (8 * i)) & 0xff)) * 16777619u;
		h = (h ^ ((k->id >> (8 * i)) & 0xff)) * 16777619u;
	}
	for (i = 0; i < 16; i++) {
		h = (h ^ k->src[i]) * 16777619u;
		h = (h ^ k->dst[i]) * 16777619u;
	}
	return (h & (FRAG_BUCKETS - 1));
}

static bool
frag_key_eq(const struct ip_frag_key *a, const struct ip_frag_key *b)
{
	return (a->af == b->af && a->proto == b->proto &&
	    a->vlan == b->vlan && a->id == b->id &&
	    memcmp(a->src, b->src, 16) == 0 &&
	    memcmp(a->dst, b->dst, 16) == 0);
}

struct ip_frag *
ip_frag_new(size_t max_bytes, unsigned max_pending, uint64_t timeout_ns)
{
	struct ip_frag *f;

	f = xcalloc(1, sizeof(*f));
	f->max_bytes = max_bytes != 0 ? max_bytes : FRAG_DEF_BYTES;
	f->max_pending = max_pending != 0 ? max_pending : FRAG_DEF_PENDING;
	f->timeout_ns = timeout_ns != 0 ? timeout_ns : FRAG_DEF_TIMEOUT;
	return (f);
}

void
ip_frag_free(struct ip_frag *f)
{
	if (f == NULL)
		return;
	while (f->oldest != NULL)
		frag_destroy(f, f->oldest);
	frag_release_done(f, NULL);
	free(f);
}

/* Take d out of the hash table and the age list; memory is uncounted. */
static void
frag_unlink(struct ip_frag *f, struct frag_dgram *d)
{
	struct frag_dgram **pp;

	for (pp = &f->table[d->bucket]; *pp != NULL; pp = &(*pp)->hnext) {
		if (*pp == d) {
			*pp = d->hnext;
			break;
		}
	}
	if (d->prev != NULL)
		d->prev->next = d->next;
	else
		f->oldest = d->next;
	if (d->next != NULL)
		d->next->prev = d->prev;
	else
		f->newest = d->prev;
	d->hnext = d->prev = d->next = NULL;
	f->stats.bytes -= sizeof(*d) + d->cap;
	f->stats.pending--;
}

static void
frag_destroy(struct ip_frag *f, struct frag_dgram *d)
{
	frag_unlink(f, d);
	free(d->buf);
	free(d);
}

/* Free the previous result unless it is keep. */
static void
frag_release_done(struct ip_frag *f, struct frag_dgram *keep)
{
	if (f->done != NULL && f->done != keep) {
		free(f->done->buf);
		free(f->done);
	}
	f->done = keep;
}

void
ip_frag_expire(struct ip_frag *f, uint64_t now_ns)
{
	struct frag_dgram *d;

	frag_release_done(f, NULL);
	while ((d = f->oldest) != NULL && now_ns > d->first_ns &&
	    now_ns - d->first_ns > f->timeout_ns) {
		f->stats.timeouts++;
		frag_destroy(f, d);
	}
}

/* Find or create the datagram for key, evicting the oldest if needed. */
static struct frag_dgram *
frag_lookup(struct ip_frag *f, const struct ip_frag_key *key, uint64_t now_ns)
{
	struct frag_dgram *d;
	unsigned b = frag_hash(key);

	for (d = f->table[b]; d != NULL; d = d->hnext)
		if (frag_key_eq(&d->key, key))
			return (d);

	while (f->oldest != NULL && (f->stats.pending >= f->max_pending ||
	    f->stats.bytes + sizeof(*d) > f->max_bytes)) {
		f->stats.evictions++;
		frag_destroy(f, f->oldest);
	}
	if (f->stats.bytes + sizeof(*d) > f->max_bytes)
		return (NULL);

	d = xcalloc(1, sizeof(*d));
	d->key = *key;
	d->bucket = b;
	d->first_ns = now_ns;
	d->hnext = f->table[b];
	f->table[b] = d;
	d->prev = f->newest;
	if (f->newest != NULL)
		f->newest->next = d;
	else
		f->oldest = d;
	f->newest = d;
	f->stats.bytes += sizeof(*d);
	f->stats.pending++;
	return (d);
}

/* Make d's buffer hold need bytes within the memory budget. */
static bool
frag_reserve(struct ip_frag *f, struct frag_dgram *d, size_t need)
{
	size_t ncap, grow;

	if (need <= d->cap)
		return (true);
	ncap = d->cap * 2;
	if (ncap < FRAG_MIN_CAP)
		ncap = FRAG_MIN_CAP;
	if (ncap < need)
		ncap = need;
	if (ncap > IP_FRAG_MAX_PAYLOAD)
		ncap = IP_FRAG_MAX_PAYLOAD;
	grow = ncap - d->cap;
	while (f->stats.bytes + grow > f->max_bytes && f->oldest != NULL &&
	    f->oldest != d) {
		f->stats.evictions++;
		frag_destroy(f, f->oldest);
	}
	if (f->stats.bytes + grow > f->max_bytes)
		return (false);
	d->buf = xreallocarray(d->buf, ncap, 1);
	d->cap = ncap;
	f->stats.bytes += grow;
	return (true);
}

enum ip_frag_result
ip_frag_add(struct ip_frag *f, const struct ip_frag_key *key, size_t off,
    bool more, const uint8_t *data, size_t len, uint8_t *nexthdr,
    uint64_t now_ns, const uint8_t **out, size_t *outlen)
{
	struct frag_dgram *old = f->done, *d;
	size_t end, u, ufirst, ulast, n;

	/* Keep the previous result alive: data may point into it. */
	f->done = NULL;
	ip_frag_expire(f, now_ns);
	f->done = old;

	if (off > IP_FRAG_MAX_PAYLOAD || len > IP_FRAG_MAX_PAYLOAD - off ||
	    (more && (len == 0 || len % 8 != 0)))
		goto drop;
	end = off + len;
	if ((d = frag_lookup(f, key, now_ns)) == NULL)
		goto drop;
	if (!more) {
		/* A second, different end, or data beyond the end: refuse. */
		if ((d->has_total && d->total != end) || d->maxend > end)
			goto drop;
		d->has_total = true;
		d->total = end;
	} else if (d->has_total && end > d->total)
		goto drop;
	if (!frag_reserve(f, d, end)) {
		f->stats.evictions++;
		frag_destroy(f, d);
		goto drop;
	}

	ufirst = off / 8;
	ulast = (end + 7) / 8;
	for (u = ufirst; u < ulast; u++) {
		if (d->map[u / 64] & ((uint64_t)1 << (u % 64)))
			continue;	/* first copy wins */
		d->map[u / 64] |= (uint64_t)1 << (u % 64);
		n = end - u * 8 < 8 ? end - u * 8 : 8;
		memcpy(d->buf + u * 8, data + (u * 8 - off), n);
		d->filled++;
	}
	if (off == 0)
		d->nexthdr = *nexthdr;
	if (end > d->maxend)
		d->maxend = end;
	f->stats.held++;

	if (!d->has_total || d->filled != (d->total + 7) / 8) {
		frag_release_done(f, NULL);
		return (IP_FRAG_HELD);
	}
	frag_unlink(f, d);
	frag_release_done(f, d);
	f->stats.reassembled++;
	*out = d->buf;
	*outlen = d->total;
	*nexthdr = d->nexthdr;
	return (IP_FRAG_DONE);

drop:
	frag_release_done(f, NULL);
	f->stats.dropped++;
	return (IP_FRAG_DROPPED);
}

const struct ip_frag_stats *
ip_frag_get_stats(const struct ip_frag *f)
{
	return (&f->stats);
}
