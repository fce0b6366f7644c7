/*
 * reasm.c: one direction's TCP reassembly; see reasm.h.
 *
 * DESIGN
 * A direction remembers which file offsets hold captured bytes as a sorted
 * array of disjoint ranges (one range for an in-order stream, inline in the
 * flow_dir).  A segment is split against those ranges: bytes not yet covered
 * are staged for writing; covered bytes are compared with what the file holds
 * (only when a retransmission overlaps, which is the rare path) to count
 * conflicting overlaps, and rewritten only under overlap_last.  The array is
 * capped; beyond the cap the two closest ranges are merged and the gap
 * between them is counted as lost (range_overflow), never a crash.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "reasm.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define REASM_MAX_RANGES	65536
#define REASM_PRE_BUDGET	(1u << 20)
#define REASM_PRE_TOTAL_BUDGET	(64u << 20)
#define REASM_CMP_CHUNK		4096

static inline struct reasm_range *
ranges(struct flow_dir *d)
{
	return (d->rx != NULL ? d->rx : &d->r0);
}

static inline const struct reasm_range *
cranges(const struct flow_dir *d)
{
	return (d->rx != NULL ? d->rx : &d->r0);
}

const struct reasm_range *
reasm_ranges(const struct flow_dir *d, uint32_t *n)
{
	*n = d->nranges;
	return (cranges(d));
}

uint64_t
reasm_contig(const struct flow_dir *d)
{
	if (d->nranges == 0 || cranges(d)[0].lo != 0)
		return (0);
	return (cranges(d)[0].hi);
}

uint64_t
reasm_length(const struct flow_dir *d)
{
	if (d->nranges == 0)
		return (0);
	return (cranges(d)[d->nranges - 1].hi);
}

bool
reasm_complete_to(const struct flow_dir *d, uint64_t seq)
{
	const struct reasm_range *r = cranges(d);

	if (d->npre > 0 || (d->file_base != 0 && d->base < d->file_base))
		return (false);
	if (d->nranges == 0) {
		/* No data yet: with a SYN the stream starts at ISN+1. */
		if (d->file_base == 0)
			return (!d->syn_seen || seq <= d->base);
		return (seq <= d->file_base);
	}
	if (r[0].lo != 0)
		return (seq <= d->file_base);
	return (seq <= d->file_base + r[0].hi);
}

void
reasm_holes(const struct flow_dir *d, uint64_t *count, uint64_t *bytes)
{
	const struct reasm_range *r = cranges(d);
	uint32_t i;

	*count = *bytes = 0;
	if (d->nranges == 0)
		return;
	if (r[0].lo > 0) {
		(*count)++;
		*bytes += r[0].lo;
	}
	for (i = 1; i < d->nranges; i++) {
		(*count)++;
		*bytes += r[i].lo - r[i - 1].hi;
	}
}

void
reasm_dir_free(struct flow_dir *d)
{
	uint32_t i;

	free(d->rx);
	d->rx = NULL;
	d->rx_cap = 0;
	for (i = 0; i < d->npre; i++)
		free(d->pre[i]);
	free(d->pre);
	d->pre = NULL;
	d->npre = 0;
	d->pre_bytes = 0;
}

/* Stage bytes for file offset off, honouring -b. */
static void
put(struct reasm_ctx *rc, struct flow_dir *d, uint64_t off, const uint8_t *p,
    uint64_t len)
{
	/* The file exists once the direction has a byte, even under -b 0. */
	if (d->ss.path == NULL && (rc->create == NULL ||
	    rc->create(rc->arg, d) == -1)) {
		d->truncated_bytes += len;
		return;
	}
	if (rc->max_bytes != UINT64_MAX) {
		if (off >= rc->max_bytes) {
			d->truncated_bytes += len;
			return;
		}
		if (len > rc->max_bytes - off) {
			d->truncated_bytes += len - (rc->max_bytes - off);
			len = rc->max_bytes - off;
		}
	}
	if (store_write(rc->store, &d->ss, off, p, (size_t)len) == -1)
		d->truncated_bytes += len;
}

/*
 * Compare p with the file's bytes at off; count differing bytes as one
 * conflicting overlap.  Bytes beyond -b were never stored: not compared.
 */
static void
compare(struct reasm_ctx *rc, struct flow_dir *d, uint64_t off,
    const uint8_t *p, uint64_t len)
{
	uint8_t buf[REASM_CMP_CHUNK];
	uint64_t diff = 0, n, i;
	ssize_t got;

	if (rc->max_bytes != UINT64_MAX) {
		if (off >= rc->max_bytes)
			return;
		if (len > rc->max_bytes - off)
			len = rc->max_bytes - off;
	}
	if (d->ss.path == NULL)
		return;
	while (len > 0) {
		n = len > sizeof buf ? sizeof buf : len;
		got = store_read(rc->store, &d->ss, off, buf, (size_t)n);
		if (got < 0)
			return;
		for (i = 0; i < n; i++)
			if (i >= (uint64_t)got ? p[i] != 0 : buf[i] != p[i])
				diff++;
		off += n;
		p += n;
		len -= n;
	}
	if (diff > 0) {
		d->overlaps++;
		d->overlap_bytes += diff;
		rc->conflicts++;
		rc->conflict_bytes += diff;
	}
}

static void
ranges_grow(struct flow_dir *d)
{
	if (d->rx == NULL) {
		d->rx_cap = 8;
		d->rx = xreallocarray(NULL, d->rx_cap, sizeof *d->rx);
		d->rx[0] = d->r0;
	} else if (d->nranges == d->rx_cap) {
		d->rx_cap *= 2;
		d->rx = xreallocarray(d->rx, d->rx_cap, sizeof *d->rx);
	}
}

/* Merge the two ranges with the smallest gap (over the range cap). */
static void
ranges_squeeze(struct flow_dir *d)
{
	struct reasm_range *r = ranges(d);
	uint64_t best = UINT64_MAX;
	uint32_t i, at = 1;

	for (i = 1; i < d->nranges; i++) {
		if (r[i].lo - r[i - 1].hi < best) {
			best = r[i].lo - r[i - 1].hi;
			at = i;
		}
	}
	d->range_overflow += best;
	r[at - 1].hi = r[at].hi;
	memmove(&r[at], &r[at + 1], (d->nranges - at - 1) * sizeof *r);
	d->nranges--;
}

/* Forget the first cut bytes: ranges move down, those below 0 go. */
static void
ranges_cut_front(struct flow_dir *d, uint64_t cut)
{
	struct reasm_range *r = ranges(d);
	uint32_t i, j = 0;

	for (i = 0; i < d->nranges; i++) {
		if (r[i].hi <= cut)
			continue;
		r[j].lo = r[i].lo > cut ? r[i].lo - cut : 0;
		r[j].hi = r[i].hi - cut;
		j++;
	}
	d->nranges = j;
}

/* Mark [lo, hi) covered, merging neighbours. */
static void
ranges_add(struct reasm_ctx *rc, struct flow_dir *d, uint64_t lo, uint64_t hi)
{
	struct reasm_range *r;
	uint32_t i, j, n = d->nranges, max;

	if (n == 0) {
		d->r0.lo = lo;
		d->r0.hi = hi;
		d->nranges = 1;
		return;
	}
	r = ranges(d);
	/* First range that ends at or after lo (touching merges). */
	{
		uint32_t a = 0, b = n;

		while (a < b) {
			uint32_t m = a + (b - a) / 2;

			if (r[m].hi < lo)
				a = m + 1;
			else
				b = m;
		}
		i = a;
	}
	/* Ranges i..j-1 touch or overlap [lo, hi). */
	for (j = i; j < n && r[j].lo <= hi; j++)
		;
	if (i == j) {
		max = rc->max_ranges != 0 ? rc->max_ranges : REASM_MAX_RANGES;
		ranges_grow(d);
		r = d->rx;
		memmove(&r[i + 1], &r[i], (n - i) * sizeof *r);
		r[i].lo = lo;
		r[i].hi = hi;
		d->nranges++;
		if (d->nranges > max)
			ranges_squeeze(d);
		return;
	}
	if (r[i].lo < lo)
		lo = r[i].lo;
	if (r[j - 1].hi > hi)
		hi = r[j - 1].hi;
	r[i].lo = lo;
	r[i].hi = hi;
	if (j - i > 1) {
		memmove(&r[i + 1], &r[j], (n - j) * sizeof *r);
		d->nranges -= j - i - 1;
	}
}

/* Console output of bytes that just became contiguous from offset 0. */
static void
print_new(struct reasm_ctx *rc, struct flow_dir *d, uint64_t off,
    const uint8_t *p, uint64_t len)
{
	uint8_t buf[REASM_CMP_CHUNK];
	const struct reasm_range *r = ranges(d);
	uint64_t end, n;
	ssize_t got;

	if (d->nranges == 0 || r[0].lo != 0 || r[0].hi <= d->printed)
		return;
	end = r[0].hi;
	while (d->printed < end) {
		if (d->printed >= off && d->printed < off + len) {
			/* The bytes are in the segment at hand. */
			n = off + len - d->printed;
			if (n > end - d->printed)
				n = end - d->printed;
			rc->print(rc->arg, d, p + (d->printed - off), (size_t)n,
			    d->printed);
			d->printed += n;
			continue;
		}
		/* A hole was filled: the rest comes back from the file. */
		n = end - d->printed;
		if (n > sizeof buf)
			n = sizeof buf;
		if (off > d->printed && n > off - d->printed)
			n = off - d->printed;
		got = store_read(rc->store, &d->ss, d->printed, buf, (size_t)n);
		if (got <= 0) {
			d->printed = end;	/* beyond -b or unreadable */
			break;
		}
		rc->print(rc->arg, d, buf, (size_t)got, d->printed);
		d->printed += (uint64_t)got;
	}
}

/* Insert file-relative [off, off+len) against the covered ranges. */
static void
insert(struct reasm_ctx *rc, struct flow_dir *d, uint64_t off,
    const uint8_t *p, uint64_t len)
{
	struct reasm_range *r;
	uint64_t end = off + len, pos, cut, last;
	uint32_t i, n = d->nranges;

	r = ranges(d);
	last = n > 0 ? r[n - 1].hi : 0;
	/* The common case: the next bytes of an in-order stream. */
	if (n > 0 && off == last) {
		put(rc, d, off, p, len);
		r[n - 1].hi = end;
		goto out;
	}
	if (n > 0 && off < last)
		d->out_of_order++;
	pos = off;
	for (i = 0; i < n && pos < end; i++) {
		r = ranges(d);
		if (r[i].hi <= pos)
			continue;
		if (r[i].lo >= end)
			break;
		if (r[i].lo > pos) {
			put(rc, d, pos, p + (pos - off), r[i].lo - pos);
			pos = r[i].lo;
		}
		cut = r[i].hi < end ? r[i].hi : end;
		compare(rc, d, pos, p + (pos - off), cut - pos);
		if (rc->overlap_last)
			put(rc, d, pos, p + (pos - off), cut - pos);
		pos = cut;
	}
	if (pos < end)
		put(rc, d, pos, p + (pos - off), end - pos);
	ranges_add(rc, d, off, end);
out:
	if (rc->print != NULL)
		print_new(rc, d, off, p, len);
}

/* Keep early data (below the file's first byte) in order, first copy wins. */
static void
pre_insert(struct reasm_ctx *rc, struct flow_dir *d, uint64_t seq,
    const uint8_t *p, uint64_t len)
{
	struct reasm_pre *e;
	uint64_t end = seq + len, lo, hi;
	uint32_t i;

	for (i = 0; i < d->npre && seq < end; i++) {
		e = d->pre[i];
		lo = e->seq;
		hi = e->seq + e->len;
		if (hi <= seq)
			continue;
		if (lo >= end)
			break;
		if (lo > seq) {
			/* A new piece in front of entry i. */
			pre_insert(rc, d, seq, p, lo - seq);
			i++;	/* entry i moved one up */
			p += lo - seq;
			seq = lo;
		}
		/* Overlap with entry i: compare; last-wins overwrites. */
		{
			uint64_t cut = hi < end ? hi : end, k, diff = 0;
			uint8_t *q = d->pre[i]->data + (seq - lo);

			for (k = 0; k < cut - seq; k++) {
				if (q[k] != p[k]) {
					diff++;
					if (rc->overlap_last)
						q[k] = p[k];
				}
			}
			if (diff > 0) {
				d->overlaps++;
				d->overlap_bytes += diff;
				rc->conflicts++;
				rc->conflict_bytes += diff;
			}
			p += cut - seq;
			seq = cut;
		}
	}
	if (seq >= end)
		return;
	/* Bytes [seq, end) are new and go before entry i. */
	for (i = 0; i < d->npre && d->pre[i]->seq < seq; i++)
		;
	e = xmalloc(sizeof *e + (size_t)(end - seq));
	e->seq = seq;
	e->len = (uint32_t)(end - seq);
	memcpy(e->data, p, e->len);
	d->pre = xreallocarray(d->pre, d->npre + 1, sizeof *d->pre);
	memmove(&d->pre[i + 1], &d->pre[i], (d->npre - i) * sizeof *d->pre);
	d->pre[i] = e;
	d->npre++;
	d->pre_bytes += e->len;
	rc->pre_total += e->len;
}

/*
 * Move the file up so its first byte is at the new start (the lowest early
 * byte, or the base a late SYN set), then write the early data in front.
 */
static int
rebase(struct reasm_ctx *rc, struct flow_dir *d)
{
	struct reasm_range *r;
	uint64_t nb = d->file_base, shift;
	uint32_t i;
	int rc2 = 0;

	if (d->syn_seen) {
		/* A SYN fixed the start: nothing below ISN+1 is kept. */
		if (d->base < nb)
			nb = d->base;
	} else {
		if (d->npre > 0 && d->pre[0]->seq < nb)
			nb = d->pre[0]->seq;
		d->base = nb;
	}
	if (d->syn_seen && d->base > d->file_base) {
		/*
		 * A late SYN put the start above bytes already in the file:
		 * those are below ISN+1 and go.
		 */
		uint64_t cut = d->base - d->file_base;

		if (d->ss.path != NULL)
			rc2 = store_shift_down(rc->store, &d->ss, cut);
		ranges_cut_front(d, cut);
		d->printed = d->printed > cut ? d->printed - cut : 0;
		d->file_base = d->base;
		d->violations++;
		nb = d->file_base;
	}
	shift = d->file_base - nb;
	if (shift > 0) {
		if (d->ss.path != NULL)
			rc2 = store_shift_up(rc->store, &d->ss, shift);
		r = ranges(d);
		for (i = 0; i < d->nranges; i++) {
			r[i].lo += shift;
			r[i].hi += shift;
		}
		if (d->printed > 0)
			d->printed += shift;
		d->file_base = nb;
	}
	if (shift > 0 && rc->max_bytes != UINT64_MAX && d->ss.path != NULL &&
	    d->ss.file_size > rc->max_bytes) {
		/*
		 * -b counts from the new start: keep what lies below it, up
		 * to its last captured byte (no trailing hole).
		 */
		uint64_t lim = 0, hi;

		r = ranges(d);
		for (i = 0; i < d->nranges && r[i].lo < rc->max_bytes; i++) {
			hi = r[i].hi < rc->max_bytes ? r[i].hi : rc->max_bytes;
			if (hi > lim)
				lim = hi;
		}
		d->truncated_bytes += d->ss.file_size - lim;
		store_truncate(rc->store, &d->ss, lim);
	}
	for (i = 0; i < d->npre; i++) {
		struct reasm_pre *e = d->pre[i];
		uint64_t skip = e->seq < nb ? nb - e->seq : 0;

		if (skip < e->len)
			insert(rc, d, e->seq + skip - d->file_base,
			    e->data + skip, e->len - (uint32_t)skip);
		else
			d->violations++;
		free(e);
	}
	free(d->pre);
	d->pre = NULL;
	d->npre = 0;
	rc->pre_total -= d->pre_bytes;
	d->pre_bytes = 0;
	return (rc2);
}

void
reasm_data(struct reasm_ctx *rc, struct flow_dir *d, uint64_t seq,
    const uint8_t *p, uint32_t len)
{
	uint64_t end = seq + len, cut;
	uint64_t budget = rc->pre_budget != 0 ? rc->pre_budget :
	    REASM_PRE_BUDGET;

	if (len == 0)
		return;
	/*
	 * Each rebase moves the whole file: let a direction hold as much
	 * early data as its file already has, so that the file at least
	 * doubles between moves and the copying stays linear (up to the
	 * total budget, which still bounds memory).
	 */
	if (budget < d->ss.file_size)
		budget = d->ss.file_size;
	if (d->syn_seen && seq < d->base) {
		/* Bytes below ISN+1 are not stream data. */
		d->violations++;
		if (end <= d->base)
			return;
		p += d->base - seq;
		seq = d->base;
	}
	if (d->file_base == 0) {
		d->file_base = d->syn_seen ? d->base : seq;
		if (!d->syn_seen)
			d->base = seq;
	}
	if (seq < d->file_base) {
		cut = end < d->file_base ? end : d->file_base;
		d->out_of_order++;
		pre_insert(rc, d, seq, p, cut - seq);
		if (d->pre_bytes > budget || rc->pre_total >
		    (rc->pre_total_budget != 0 ? rc->pre_total_budget :
		    REASM_PRE_TOTAL_BUDGET))
			rebase(rc, d);
		if (end <= cut)
			return;
		p += cut - seq;
		seq = cut;
		if (seq < d->file_base) {
			/* rebase moved the start below this segment */
			insert(rc, d, seq - d->file_base, p, end - seq);
			return;
		}
	}
	insert(rc, d, seq - d->file_base, p, end - seq);
}

int
reasm_finish(struct reasm_ctx *rc, struct flow_dir *d)
{
	if (d->file_base == 0)
		return (0);
	if (d->npre > 0 || d->base != d->file_base)
		return (rebase(rc, d));
	return (0);
}
