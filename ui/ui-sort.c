/*
 * ui-sort.c: sort the flow list's row numbers by a column.
 *
 * An LSD radix sort (11-bit digits; a digit every key shares costs no
 * pass) on 64-bit keys extracted once per row.  Ties go by id, so each
 * column sorts on (value, id):
 *
 *	- if the index is already in id order (it came from a scan in row
 *	  order), the radix sort is stable: the value alone will do;
 *	- else if the value's range and the id's range fit in 64 bits
 *	  together, one key (value - min) << idbits | (id - min);
 *	- else a sort by id, then a stable one by value.
 *
 * Addresses are split by family: IPv4 on a 48-bit (address, port) key,
 * IPv6 on its first 8 bytes, then each run of equal first halves by port
 * and the last 8 bytes; IPv4 rows come first.  Hints are interned (hash
 * table on the case-folded text), the distinct ones ranked with qsort, and
 * sorted by rank.
 *
 * Descending reverses the value (vmax - v, or ~v) but not the id, so equal
 * values keep the same order either way.  ui_sort_cmp states the same
 * order as a comparison, for ui_sort_insert_pos and the tests.
 *
 * Rows are visited in index order, i.e. at random: every extraction loop
 * prefetches rows AHEAD entries on, which is what keeps a pass over a
 * million 192-byte rows near 10 ms.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ui-sort.h"

#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "xmalloc.h"

#define DIGIT_BITS	11
#define NBUCKETS	(1u << DIGIT_BITS)
#define NDIGITS		((64 + DIGIT_BITS - 1) / DIGIT_BITS)

/* Prefetch distance, in rows, for the random walk over the row array. */
#define AHEAD		16

/* Distinct hints while building hint ranks. */
struct hints {
	char		(*s)[ROW_HINT_LEN];	/* case-folded, NUL-padded */
	uint32_t	*rank;			/* by distinct index */
	size_t		 n;
	size_t		 cap;
	uint32_t	*table;			/* distinct index + 1, 0 free */
	size_t		 tsize;			/* power of two */
};

/* A distinct hint with its index, sorted to find its rank. */
struct hint_ent {
	char		 s[ROW_HINT_LEN];
	uint32_t	 i;
};

/* The keys being sorted and their row numbers, each with a spare. */
struct sortbuf {
	uint64_t	*k, *kt;
	uint32_t	*v, *vt;
	size_t		 n;
};

static const char *const col_names[COL_NCOLS] = {
	[COL_ID] = "Id",
	[COL_STATE] = "State",
	[COL_CLIENT] = "Client",
	[COL_SERVER] = "Server",
	[COL_HINT] = "Service",
	[COL_CBYTES] = "Sent",
	[COL_SBYTES] = "Recv",
	[COL_BYTES] = "Bytes",
	[COL_PACKETS] = "Pkts",
	[COL_START] = "Start",
	[COL_DURATION] = "Duration",
	[COL_RATE] = "Rate",
	[COL_LAST] = "Last",
};

typedef uint64_t	(*getfn)(const struct ui_row *, enum ui_col, const void *);

static inline char	 lower(char);
static inline void	 prefetch_row(const struct ui_row *);
static int		 hint_cmp(const char *, const char *);
static uint64_t		 be_bytes(const uint8_t *, size_t);
static uint64_t		 col_value(const struct ui_row *, enum ui_col);
static const uint8_t	*endpoint(const struct ui_row *, enum ui_col,
			    uint16_t *);
static int		 addr_cmp(const struct ui_row *, const struct ui_row *,
			    enum ui_col);
static void		 radix(struct sortbuf *);
static bool		 keys_sorted(const uint64_t *, size_t);
static uint64_t		 fold_hash(char *, const char *);
static uint32_t		 hint_intern(struct hints *, const char *);
static int		 hint_qsort_cmp(const void *, const void *);
static uint64_t		 get_col(const struct ui_row *, enum ui_col,
			    const void *);
static uint64_t		 get_v4(const struct ui_row *, enum ui_col,
			    const void *);
static uint64_t		 get_v6(const struct ui_row *, enum ui_col,
			    const void *);
static uint64_t		 get_v6lo(const struct ui_row *, enum ui_col,
			    const void *);
static uint64_t		 get_hint(const struct ui_row *, enum ui_col,
			    const void *);
static unsigned int	 bits(uint64_t);
static void		 settle(struct sortbuf *, uint32_t *);
static void		 sort_by(struct sortbuf *, const struct ui_row *, getfn,
			    enum ui_col, const void *, bool, bool);
static void		 sort_id(struct sortbuf *, const struct ui_row *, bool);
static uint64_t		 get_port(const struct ui_row *, enum ui_col,
			    const void *);
static void		 sort_addr(struct sortbuf *, const struct ui_row *,
			    enum ui_col, bool);
static void		 sort_hint(struct sortbuf *, const struct ui_row *,
			    bool);

static inline char
lower(char c)
{
	return (c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
}

/*
 * Ask for every cache line of a row the sort will read soon: rows are
 * visited in index order, which is random, and a sort key can need the
 * id, the counters and the client byte, which lie on different lines.
 */
static inline void
prefetch_row(const struct ui_row *r)
{
	const char	*p = (const char *)r;
	size_t		 off;

	for (off = 0; off < sizeof *r; off += 64)
		__builtin_prefetch(p + off);
	__builtin_prefetch(p + sizeof *r - 1);
}

/* Case-insensitive (ASCII) compare of two hints, bytes as unsigned. */
static int
hint_cmp(const char *a, const char *b)
{
	size_t		 i;
	unsigned char	 x, y;

	for (i = 0; i < ROW_HINT_LEN; i++) {
		x = (unsigned char)lower(a[i]);
		y = (unsigned char)lower(b[i]);
		if (x != y)
			return (x < y ? -1 : 1);
		if (x == '\0')
			break;
	}
	return (0);
}

const char *
ui_col_name(enum ui_col c)
{
	if ((unsigned int)c >= COL_NCOLS)
		return ("?");
	return (col_names[c]);
}

/* n (at most 8) bytes as a big-endian number, left-aligned in 64 bits. */
static uint64_t
be_bytes(const uint8_t *p, size_t n)
{
	uint64_t	 v;
	size_t		 i;

	v = 0;
	for (i = 0; i < 8; i++)
		v = v << 8 | (i < n ? p[i] : 0);
	return (v);
}

/* The 64-bit value of a one-part column (not the addresses, not hint). */
static uint64_t
col_value(const struct ui_row *r, enum ui_col c)
{
	uint64_t	 v;

	switch (c) {
	case COL_ID:
		return (r->id);
	case COL_STATE:
		return (r->state);
	case COL_CBYTES:
		return (r->bytes[r->client & 1]);
	case COL_SBYTES:
		return (r->bytes[(r->client & 1) ^ 1]);
	case COL_BYTES:
		v = r->bytes[0] + r->bytes[1];
		return (v < r->bytes[0] ? UINT64_MAX : v);
	case COL_PACKETS:
		return ((uint64_t)r->packets[0] + r->packets[1]);
	case COL_START:
		return (r->first_ns);
	case COL_DURATION:
		return (r->last_ns > r->first_ns ? r->last_ns - r->first_ns :
		    0);
	case COL_RATE:
		return (r->rate);
	case COL_LAST:
		return (r->last_ns);
	default:
		return (0);
	}
}

/* The client's (COL_CLIENT) or server's address, and its port in *port. */
static const uint8_t *
endpoint(const struct ui_row *r, enum ui_col c, uint16_t *port)
{
	bool	 a;

	a = ((r->client & 1) == 0) == (c == COL_CLIENT);
	*port = a ? r->key.pa : r->key.pb;
	return (a ? r->key.a : r->key.b);
}

/* Address order: IPv4 (any family but IPv6) first, then address, port. */
static int
addr_cmp(const struct ui_row *x, const struct ui_row *y, enum ui_col c)
{
	uint64_t	 u, v;
	uint16_t	 px, py;
	bool		 x6, y6;

	x6 = x->key.af == FS_AF_INET6;
	y6 = y->key.af == FS_AF_INET6;
	if (x6 != y6)
		return (x6 ? 1 : -1);
	if (!x6) {
		u = get_v4(x, c, NULL);
		v = get_v4(y, c, NULL);
		return (u < v ? -1 : u > v);
	}
	u = get_v6(x, c, NULL);
	v = get_v6(y, c, NULL);
	if (u == v) {
		u = get_v6lo(x, c, NULL);
		v = get_v6lo(y, c, NULL);
	}
	if (u == v) {
		(void)endpoint(x, c, &px);
		(void)endpoint(y, c, &py);
		u = px;
		v = py;
	}
	return (u < v ? -1 : u > v);
}

int
ui_sort_cmp(const struct ui_row *a, const struct ui_row *b, enum ui_col c,
    bool descending)
{
	uint64_t	 u, v;
	int		 r;

	switch (c) {
	case COL_CLIENT:
	case COL_SERVER:
		r = addr_cmp(a, b, c);
		break;
	case COL_HINT:
		r = hint_cmp(a->hint, b->hint);
		break;
	default:
		u = col_value(a, c);
		v = col_value(b, c);
		r = u < v ? -1 : u > v;
		break;
	}
	if (descending)
		r = -r;
	if (r == 0 && a->id != b->id)
		r = a->id < b->id ? -1 : 1;
	return (r);
}

/* True if keys are non-decreasing. */
static bool
keys_sorted(const uint64_t *k, size_t n)
{
	size_t	 i;

	for (i = 1; i < n; i++) {
		if (k[i] < k[i - 1])
			return (false);
	}
	return (true);
}

/*
 * Stable LSD radix sort of b->k, carrying b->v.  One pass counts every
 * digit; a digit all keys share costs nothing more.  The result is left in
 * b->k / b->v (the buffers are swapped as it goes).
 */
static void
radix(struct sortbuf *b)
{
	uint32_t	 (*cnt)[NBUCKETS];
	uint32_t	 sum, t, *vp;
	uint64_t	 key, *kp;
	size_t		 i, n;
	unsigned int	 d, sh, dig;

	n = b->n;
	if (n < 2 || keys_sorted(b->k, n))
		return;
	cnt = xcalloc(NDIGITS, sizeof *cnt);
	for (i = 0; i < n; i++) {
		key = b->k[i];
		for (d = 0; d < NDIGITS; d++)
			cnt[d][(key >> (d * DIGIT_BITS)) & (NBUCKETS - 1)]++;
	}
	for (d = 0; d < NDIGITS; d++) {
		sh = d * DIGIT_BITS;
		if (cnt[d][(b->k[0] >> sh) & (NBUCKETS - 1)] == n)
			continue;	/* every key has this digit */
		sum = 0;
		for (dig = 0; dig < NBUCKETS; dig++) {
			t = cnt[d][dig];
			cnt[d][dig] = sum;
			sum += t;
		}
		for (i = 0; i < n; i++) {
			key = b->k[i];
			t = cnt[d][(key >> sh) & (NBUCKETS - 1)]++;
			b->kt[t] = key;
			b->vt[t] = b->v[i];
		}
		kp = b->k, b->k = b->kt, b->kt = kp;
		vp = b->v, b->v = b->vt, b->vt = vp;
	}
	free(cnt);
}

/*
 * Case-fold a hint into f (ROW_HINT_LEN bytes, zero after its end) a word
 * at a time, and return a hash of it.  ASCII letters only.
 */
static uint64_t
fold_hash(char *f, const char *s)
{
	uint64_t	 x, h7, up, zero, hash;
	size_t		 i, n;
	bool		 end;

	hash = 0x9e3779b97f4a7c15ULL;
	end = false;
	for (i = 0; i < ROW_HINT_LEN; i += 8) {
		if (end) {
			memset(f + i, 0, 8);
			continue;
		}
		memcpy(&x, s + i, 8);
		/* Clear from the first NUL on (little or big endian). */
		zero = (x - 0x0101010101010101ULL) & ~x &
		    0x8080808080808080ULL;
		if (zero != 0) {
			n = strnlen(s + i, 8);
			memcpy(f + i, s + i, n);
			memset(f + i + n, 0, 8 - n);
			memcpy(&x, f + i, 8);
			end = true;
		}
		h7 = x & 0x7f7f7f7f7f7f7f7fULL;
		up = ((h7 + 0x2525252525252525ULL) ^
		    (h7 + 0x3f3f3f3f3f3f3f3fULL)) & ~x & 0x8080808080808080ULL;
		x |= up >> 2;
		memcpy(f + i, &x, 8);
		hash = (hash ^ x) * 0xff51afd7ed558ccdULL;
		hash ^= hash >> 29;
	}
	return (hash);
}

/* The index (in h->s) of hint s, added if new. */
static uint32_t
hint_intern(struct hints *h, const char *s)
{
	char		 f[ROW_HINT_LEN];
	uint32_t	 e, *nt;
	size_t		 i, j, nsize;

	for (i = fold_hash(f, s) & (h->tsize - 1);;
	    i = (i + 1) & (h->tsize - 1)) {
		e = h->table[i];
		if (e == 0)
			break;
		if (memcmp(h->s[e - 1], f, ROW_HINT_LEN) == 0)
			return (e - 1);
	}
	if (h->n == h->cap) {
		h->cap = h->cap * 2;
		h->s = xreallocarray(h->s, h->cap, sizeof *h->s);
	}
	memcpy(h->s[h->n], f, ROW_HINT_LEN);
	h->table[i] = (uint32_t)++h->n;
	if (h->n * 2 > h->tsize) {
		/* Grow the table: rehash the distinct hints. */
		nsize = h->tsize * 2;
		nt = xcalloc(nsize, sizeof *nt);
		for (j = 0; j < h->n; j++) {
			for (i = fold_hash(f, h->s[j]) & (nsize - 1);
			    nt[i] != 0; i = (i + 1) & (nsize - 1))
				;
			nt[i] = (uint32_t)j + 1;
		}
		free(h->table);
		h->table = nt;
		h->tsize = nsize;
	}
	return ((uint32_t)(h->n - 1));
}

/* Folded and NUL-padded, so memcmp is hint_cmp's order. */
static int
hint_qsort_cmp(const void *x, const void *y)
{
	const struct hint_ent *a = x, *b = y;

	return (memcmp(a->s, b->s, ROW_HINT_LEN));
}

/* Getters for sort_by: a 64-bit value of row r for column c. */
static uint64_t
get_col(const struct ui_row *r, enum ui_col c, const void *ctx)
{
	(void)ctx;
	return (col_value(r, c));
}

/* IPv4 endpoint: address and port in 48 bits. */
static uint64_t
get_v4(const struct ui_row *r, enum ui_col c, const void *ctx)
{
	const uint8_t	*a;
	uint16_t	 port;

	(void)ctx;
	a = endpoint(r, c, &port);
	return (be_bytes(a, 4) >> 16 | port);
}

/* IPv6 endpoint: the first 8 address bytes. */
static uint64_t
get_v6(const struct ui_row *r, enum ui_col c, const void *ctx)
{
	uint16_t	 port;

	(void)ctx;
	return (be_bytes(endpoint(r, c, &port), 8));
}

/* IPv6 endpoint: the last 8 address bytes (the port breaks ties). */
static uint64_t
get_v6lo(const struct ui_row *r, enum ui_col c, const void *ctx)
{
	uint16_t	 port;

	(void)ctx;
	return (be_bytes(endpoint(r, c, &port) + 8, 8));
}

/* The endpoint's port. */
static uint64_t
get_port(const struct ui_row *r, enum ui_col c, const void *ctx)
{
	uint16_t	 port;

	(void)ctx;
	(void)endpoint(r, c, &port);
	return (port);
}

/* Hint: its rank among the distinct hints (ctx: struct hints). */
static uint64_t
get_hint(const struct ui_row *r, enum ui_col c, const void *ctx)
{
	struct hints	*h = (struct hints *)(uintptr_t)ctx;

	(void)c;
	return (h->rank[hint_intern(h, r->hint)]);
}

static unsigned int
bits(uint64_t x)
{
	return (x == 0 ? 0 : 64 - (unsigned int)__builtin_clzll(x));
}

/* Put b's row numbers back into dst (n entries) if they are elsewhere. */
static void
settle(struct sortbuf *b, uint32_t *dst)
{
	if (b->v != dst)
		memcpy(dst, b->v, b->n * sizeof *dst);
	b->v = dst;
}

/*
 * Sort b by get's value (descending if desc), ties by id ascending.  With
 * vals set, b->k and b->kt already hold the values and ids in the current
 * order.  If the ids are already in order (the caller's index came from a
 * scan in row order), one stable radix sort on the value does it; else
 * when the value's range and the id's range fit in 64 bits together (ids
 * are dense), one on (value, id); else a sort by id that carries each
 * entry's position, a gather of values and rows, and one by value.
 */
static void
sort_by(struct sortbuf *b, const struct ui_row *rows, getfn get,
    enum ui_col c, const void *ctx, bool desc, bool vals)
{
	const struct ui_row *r;
	uint64_t	 v, vmin, vmax, imin, imax, *val;
	uint32_t	*row;
	size_t		 i, n;
	unsigned int	 ib;
	bool		 byid;

	n = b->n;
	if (n < 2)
		return;
	vmin = imin = UINT64_MAX;
	vmax = imax = 0;
	byid = true;
	for (i = 0; i < n; i++) {
		if (!vals) {
			if (i + AHEAD < n)
				prefetch_row(&rows[b->v[i + AHEAD]]);
			r = &rows[b->v[i]];
			b->k[i] = get(r, c, ctx);
			b->kt[i] = r->id;
		}
		v = b->k[i];
		vmin = v < vmin ? v : vmin;
		vmax = v > vmax ? v : vmax;
		v = b->kt[i];
		imin = v < imin ? v : imin;
		imax = v > imax ? v : imax;
		if (i > 0 && v < b->kt[i - 1])
			byid = false;
	}
	ib = byid ? 0 : bits(imax - imin);
	if (bits(vmax - vmin) + ib <= 64) {
		for (i = 0; i < n; i++) {
			v = desc ? vmax - b->k[i] : b->k[i] - vmin;
			b->k[i] = (ib == 64 ? 0 : v << ib) |
			    (ib == 0 ? 0 : b->kt[i] - imin);
		}
		radix(b);
		return;
	}

	/* Values in val, rows in row; sort positions (in v) by id. */
	val = xreallocarray(NULL, n, sizeof *val);
	memcpy(val, b->k, n * sizeof *val);
	row = b->v;
	b->v = b->vt;
	b->vt = row;
	row = xreallocarray(NULL, n, sizeof *row);
	memcpy(row, b->vt, n * sizeof *row);
	for (i = 0; i < n; i++) {
		b->k[i] = b->kt[i];
		b->v[i] = (uint32_t)i;
	}
	radix(b);
	for (i = 0; i < n; i++) {
		v = val[b->v[i]];
		b->k[i] = desc ? ~v : v;
		b->v[i] = row[b->v[i]];
	}
	free(val);
	free(row);
	radix(b);
}

/* Sort b by id alone (its own tie-break), from its smallest. */
static void
sort_id(struct sortbuf *b, const struct ui_row *rows, bool desc)
{
	uint64_t	 imin, imax;
	size_t		 i;

	imin = UINT64_MAX;
	imax = 0;
	for (i = 0; i < b->n; i++) {
		if (i + AHEAD < b->n)
			prefetch_row(&rows[b->v[i + AHEAD]]);
		b->k[i] = rows[b->v[i]].id;
		imin = b->k[i] < imin ? b->k[i] : imin;
		imax = b->k[i] > imax ? b->k[i] : imax;
	}
	for (i = 0; i < b->n; i++)
		b->k[i] = desc ? imax - b->k[i] : b->k[i] - imin;
	radix(b);
}

/*
 * Sort the address column: IPv4 rows (48-bit key) and IPv6 rows apart,
 * IPv6 by their first 8 bytes, then each run of equal first halves by the
 * rest.  The groups are then joined, IPv4 first if ascending.
 */
static void
sort_addr(struct sortbuf *b, const struct ui_row *rows, enum ui_col c,
    bool desc)
{
	struct sortbuf	 g;
	uint32_t	*dst;
	uint64_t	 hi, prev;
	size_t		 i, j, n4, n6, run;

	/* Partition, keeping order: IPv4 into vt, IPv6 via kt. */
	n4 = n6 = 0;
	for (i = 0; i < b->n; i++) {
		if (i + AHEAD < b->n)
			prefetch_row(&rows[b->v[i + AHEAD]]);
		if (rows[b->v[i]].key.af == FS_AF_INET6)
			b->kt[n6++] = b->v[i];
		else
			b->vt[n4++] = b->v[i];
	}
	for (i = 0; i < n6; i++)
		b->vt[n4 + i] = (uint32_t)b->kt[i];
	dst = b->vt;
	b->vt = b->v;
	b->v = dst;

	g = (struct sortbuf){ b->k, b->kt, dst, b->vt, n4 };
	sort_by(&g, rows, get_v4, c, NULL, desc, false);
	settle(&g, dst);
	g = (struct sortbuf){ b->k + n4, b->kt + n4, dst + n4, b->vt + n4,
	    n6 };
	sort_by(&g, rows, get_v6, c, NULL, desc, false);
	settle(&g, dst + n4);

	/*
	 * Runs of equal first halves: by port (ties by id), then stably by
	 * the last 8 address bytes.
	 */
	for (i = n4; i < b->n; i += run) {
		prev = get_v6(&rows[dst[i]], c, NULL);
		for (run = 1; i + run < b->n; run++) {
			hi = get_v6(&rows[dst[i + run]], c, NULL);
			if (hi != prev)
				break;
		}
		if (run < 2)
			continue;
		g = (struct sortbuf){ b->k + i, b->kt + i, dst + i,
		    b->vt + i, run };
		sort_by(&g, rows, get_port, c, NULL, desc, false);
		for (j = 0; j < run; j++) {
			hi = get_v6lo(&rows[g.v[j]], c, NULL);
			g.k[j] = desc ? ~hi : hi;
		}
		radix(&g);
		settle(&g, dst + i);
	}

	/* Descending: IPv6 rows first. */
	if (desc && n4 > 0 && n6 > 0) {
		memcpy(b->vt, dst + n4, n6 * sizeof *dst);
		memcpy(b->vt + n6, dst, n4 * sizeof *dst);
		b->v = b->vt;
		b->vt = dst;
	}
}

/*
 * Sort by hint: intern every row's folded hint, rank the distinct ones
 * (qsort), then sort by rank.
 */
static void
sort_hint(struct sortbuf *b, const struct ui_row *rows, bool desc)
{
	struct hints	 h;
	struct hint_ent	*e;
	size_t		 i;

	memset(&h, 0, sizeof h);
	h.cap = 64;
	h.s = xreallocarray(NULL, h.cap, sizeof *h.s);
	h.tsize = 256;
	h.table = xcalloc(h.tsize, sizeof *h.table);
	for (i = 0; i < b->n; i++) {
		if (i + AHEAD < b->n)
			prefetch_row(&rows[b->v[i + AHEAD]]);
		b->k[i] = hint_intern(&h, rows[b->v[i]].hint);
		b->kt[i] = rows[b->v[i]].id;
	}
	e = xreallocarray(NULL, h.n, sizeof *e);
	for (i = 0; i < h.n; i++) {
		memcpy(e[i].s, h.s[i], ROW_HINT_LEN);
		e[i].i = (uint32_t)i;
	}
	qsort(e, h.n, sizeof *e, hint_qsort_cmp);
	h.rank = xreallocarray(NULL, h.n, sizeof *h.rank);
	for (i = 0; i < h.n; i++)
		h.rank[e[i].i] = (uint32_t)i;
	free(e);
	for (i = 0; i < b->n; i++)
		b->k[i] = h.rank[b->k[i]];
	sort_by(b, rows, get_hint, COL_HINT, &h, desc, true);
	free(h.rank);
	free(h.table);
	free(h.s);
}

/*
 * Sort by hint without interning: an MSD radix sort over the case-folded,
 * NUL-padded hint, 16 bytes at a time.  The first 16 bytes of every row are
 * read in id order (the rows array is by id: sequential, cache-friendly),
 * then LSD-radix-sorted as a 128-bit key; only runs that share 16 bytes
 * are refined with the next 16, and small runs go to insertion sort.  The
 * radix is stable and starts from id order, so ties stay in id order; a
 * descending sort inverts the keys, which keeps that.  Memory: 48 bytes a
 * row for the call.
 */
struct hpair {
	uint64_t	 k0;		/* bytes [at, at+8) */
	uint64_t	 k1;		/* bytes [at+8, at+16) */
	uint32_t	 v;
};

/* ASCII upper case to lower case in 8 bytes at once (other bytes kept). */
static inline uint64_t
fold8(uint64_t x)
{
	uint64_t low7 = x & 0x7f7f7f7f7f7f7f7fULL;
	uint64_t ge_a = low7 + 0x3f3f3f3f3f3f3f3fULL;	/* >= 'A' */
	uint64_t gt_z = low7 + 0x2525252525252525ULL;	/* > 'Z' */
	uint64_t up = (ge_a ^ gt_z) & ~x & 0x8080808080808080ULL;

	return (x | up >> 2);
}

/* Eight bytes of s (any alignment), in memory order. */
static inline uint64_t
load8(const char *s)
{
	uint64_t w;

	memcpy(&w, s, sizeof w);
	return (w);
}

/* 0x80 in each byte of w that is zero (the classic SWAR test). */
static inline uint64_t
zero_bytes(uint64_t w)
{
	return ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL);
}

/* Index (0-7, memory order) of the first byte flagged by 0x80 in m. */
static inline unsigned int
first_flag(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return ((unsigned int)__builtin_clzll(m) / 8);
#else
	return ((unsigned int)__builtin_ctzll(m) / 8);
#endif
}

/* Word w with every byte from the first zero on cleared. */
static inline uint64_t
cut_at_zero(uint64_t w)
{
	uint64_t z = zero_bytes(w);
	unsigned int k;

	if (z == 0)
		return (w);
	k = first_flag(z);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (k == 0 ? 0 : w & ~(~0ULL >> (8 * k)));
#else
	return (k == 0 ? 0 : w & (~0ULL >> (64 - 8 * k)));
#endif
}

/* A word in big-endian order, so integer order is byte order. */
static inline uint64_t
be_word(uint64_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (w);
#else
	return (__builtin_bswap64(w));
#endif
}

/*
 * 16 case-folded bytes of hint h from at (NUL and beyond: zeros), as two
 * big-endian words.  h has no NUL before at (at is 0, or the rows of a
 * run share the 16-byte blocks before it, none ended), so only the window
 * is looked at.
 */
static void
hint_key16(const char *h, size_t at, uint64_t *k0, uint64_t *k1)
{
	char		 b[16];
	size_t		 have = at < ROW_HINT_LEN ? ROW_HINT_LEN - at : 0;
	uint64_t	 w0, w1;

	if (have >= 16) {
		w0 = load8(h + at);
		w1 = load8(h + at + 8);
	} else {
		memset(b, 0, sizeof b);
		memcpy(b, h + at, have);
		w0 = load8(b);
		w1 = load8(b + 8);
	}
	if (zero_bytes(w0) != 0) {
		w0 = cut_at_zero(w0);
		w1 = 0;
	} else
		w1 = cut_at_zero(w1);
	*k0 = be_word(fold8(w0));
	*k1 = be_word(fold8(w1));
}

static void
hint_keys(const struct ui_row *rows, struct hpair *p, size_t n, size_t at,
    bool desc)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i + 8 < n)
			__builtin_prefetch(rows[p[i + 8].v].hint);
		hint_key16(rows[p[i].v].hint, at, &p[i].k0, &p[i].k1);
		if (desc) {
			p[i].k0 = ~p[i].k0;
			p[i].k1 = ~p[i].k1;
		}
	}
}

static inline unsigned int
hint_byte(const struct hpair *x, unsigned int bi)
{
	return ((unsigned int)((bi < 8 ? x->k0 >> (56 - 8 * bi) :
	    x->k1 >> (56 - 8 * (bi - 8))) & 0xff));
}

static inline bool
hint_key_lt(const struct hpair *a, const struct hpair *b)
{
	return (a->k0 < b->k0 || (a->k0 == b->k0 && a->k1 < b->k1));
}

/*
 * Stable MSD radix of p by the 16-byte key (k0, k1) from byte bi on:
 * buckets by one byte, each bucket on by the next; small ones by insertion
 * (stable: equal keys keep their order).  Touches only the pairs.
 */
static void
hint_radix(struct hpair *p, struct hpair *tmp, size_t n, unsigned int bi)
{
	size_t		 count[256], start[256], i, sum;
	struct hpair	 t;

	while (bi < 16 && n >= 32) {
		memset(count, 0, sizeof count);
		for (i = 0; i < n; i++)
			count[hint_byte(&p[i], bi)]++;
		if (count[hint_byte(&p[0], bi)] == n) {
			bi++;		/* one bucket: the next byte */
			continue;
		}
		for (i = 0, sum = 0; i < 256; i++) {
			start[i] = sum;
			sum += count[i];
		}
		for (i = 0; i < n; i++)
			tmp[start[hint_byte(&p[i], bi)]++] = p[i];
		memcpy(p, tmp, n * sizeof *p);
		if (bi == 15)
			return;
		for (i = 0, sum = 0; i < 256; i++) {
			if (count[i] > 1)
				hint_radix(p + sum, tmp, count[i], bi + 1);
			sum += count[i];
		}
		return;
	}
	if (bi >= 16)
		return;
	for (i = 1; i < n; i++) {
		size_t j;

		t = p[i];
		for (j = i; j > 0 && hint_key_lt(&t, &p[j - 1]); j--)
			p[j] = p[j - 1];
		p[j] = t;
	}
}

static void
hint_insertion(const struct ui_row *rows, struct hpair *p, size_t n,
    bool desc)
{
	size_t		 i, j;
	struct hpair	 t;

	for (i = 1; i < n; i++) {
		t = p[i];
		for (j = i; j > 0; j--) {
			int c = hint_cmp(rows[p[j - 1].v].hint, rows[t.v].hint);

			if (desc)
				c = -c;
			if (c < 0 || (c == 0 && rows[p[j - 1].v].id <
			    rows[t.v].id))
				break;
			p[j] = p[j - 1];
		}
		p[j] = t;
	}
}

static void
hint_level(const struct ui_row *rows, struct hpair *p, struct hpair *tmp,
    size_t n, size_t at, bool desc)
{
	size_t		 lo, hi;
	uint64_t	 end = desc ? 0xff : 0;

	if (n < 2)
		return;
	if (n < 32) {
		hint_insertion(rows, p, n, desc);
		return;
	}
	hint_keys(rows, p, n, at, desc);
	hint_radix(p, tmp, n, 0);
	if (at + 16 >= ROW_HINT_LEN)
		return;
	for (lo = 0; lo < n; lo = hi) {
		for (hi = lo + 1; hi < n && p[hi].k0 == p[lo].k0 &&
		    p[hi].k1 == p[lo].k1; hi++)
			continue;
		/* Equal 16 bytes, and not ended in them: look further. */
		if (hi - lo > 1 && (p[lo].k1 & 0xff) != end)
			hint_level(rows, p + lo, tmp, hi - lo, at + 16, desc);
	}
}

static void
sort_hint_msd(const struct ui_row *rows, uint32_t *idx, size_t n, bool desc)
{
	struct hpair	*p, *tmp;
	uint64_t	*bits;
	uint32_t	 maxv;
	size_t		 i, k, w;
	bool		 by_id = true;

	p = xreallocarray(NULL, n, sizeof *p);
	tmp = xreallocarray(NULL, n, sizeof *tmp);
	/*
	 * Rows in memory order first (a bitmap of the index: no scattered
	 * reads), which is id order when ids grow with the row number, as
	 * in the UI's model; otherwise a radix by id.  Either way the first
	 * keys are then read sequentially.
	 */
	maxv = 0;
	for (i = 0; i < n; i++)
		maxv = idx[i] > maxv ? idx[i] : maxv;
	bits = xcalloc((size_t)maxv / 64 + 1, sizeof *bits);
	for (i = 0; i < n; i++)
		bits[idx[i] / 64] |= 1ull << (idx[i] % 64);
	for (w = 0, k = 0; w <= maxv / 64; w++) {
		uint64_t b = bits[w];

		while (b != 0) {
			uint32_t v = (uint32_t)(w * 64 +
			    (size_t)__builtin_ctzll(b));

			b &= b - 1;
			p[k].v = v;
			p[k].k0 = 0;
			p[k].k1 = rows[v].id;
			if (k > 0 && p[k].k1 <= p[k - 1].k1)
				by_id = false;
			k++;
		}
	}
	free(bits);
	if (k != n) {
		/* The index repeats a row: keep its entries as given. */
		for (i = 0; i < n; i++) {
			p[i].v = idx[i];
			p[i].k0 = 0;
			p[i].k1 = rows[idx[i]].id;
		}
		by_id = false;
	}
	if (!by_id)
		hint_radix(p, tmp, n, 8);	/* by k1: the id */
	hint_level(rows, p, tmp, n, 0, desc);
	for (i = 0; i < n; i++)
		idx[i] = p[i].v;
	free(p);
	free(tmp);
}

void
ui_sort(const struct ui_row *rows, uint32_t *idx, size_t n, enum ui_col c,
    bool descending, uint32_t *scratch)
{
	struct sortbuf	 b;
	uint64_t	*keys;

	if (n < 2 || (unsigned int)c >= COL_NCOLS)
		return;
	if (c == COL_HINT) {
		sort_hint_msd(rows, idx, n, descending);
		return;
	}
	keys = xreallocarray(NULL, n, 2 * sizeof *keys);
	b = (struct sortbuf){ keys, keys + n, idx, scratch, n };
	switch (c) {
	case COL_CLIENT:
	case COL_SERVER:
		sort_addr(&b, rows, c, descending);
		break;
	case COL_HINT:
		sort_hint(&b, rows, descending);
		break;
	case COL_ID:
		sort_id(&b, rows, descending);
		break;
	default:
		sort_by(&b, rows, get_col, c, NULL, descending, false);
		break;
	}
	settle(&b, idx);
	free(keys);
}

size_t
ui_sort_insert_pos(const struct ui_row *rows, const uint32_t *idx, size_t n,
    uint32_t row, enum ui_col c, bool descending)
{
	size_t	 lo, hi, mid;

	lo = 0;
	hi = n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ui_sort_cmp(&rows[idx[mid]], &rows[row], c,
		    descending) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}
