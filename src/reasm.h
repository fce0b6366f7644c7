/*
 * reasm.h: TCP reassembly of one direction into its stream file.
 *
 * Semantics (../shared/captures/truth/README.md, "Stream contents of one
 * direction"): stream offset 0 is ISN+1 when the direction's SYN was seen,
 * else the lowest sequence number of any data; holes read back as NULs and a
 * trailing hole is not written; where copies of the same bytes differ the first
 * captured copy wins (overlap_last: the last one, as tcpflow).
 *
 * Bytes go straight to the stream store at their file offsets, so out-of-order
 * data costs no memory: only the covered ranges are remembered.  The one thing
 * kept in memory is data below the file's first byte when no SYN fixed the
 * start; it is put in front once, when the direction is finished or its budget
 * is exceeded, so the file is copied at most once per such event rather than on
 * every early segment.
 */
#ifndef FLOWSCOPE_REASM_H
#define FLOWSCOPE_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"
#include "store.h"

struct reasm_ctx {
	struct store	*store;
	bool		 overlap_last;	/* --overlap=last */
	uint64_t	 max_bytes;	/* -b: file offsets beyond not written */
	uint32_t	 max_ranges;	/* per direction; 0: 65536 */
	uint64_t	 pre_budget;	/* per direction; 0: 1 MiB */
	uint64_t	 pre_total_budget; /* all directions; 0: 64 MiB */
	uint64_t	 pre_total;	/* early bytes held now */
	/* Create d's file on its first byte; -1 on error (counted, dropped). */
	int		(*create)(void *arg, struct flow_dir *d);
	/* Console sinks: bytes that just became contiguous at stream offset
	 * off.  NULL when not printing. */
	void		(*print)(void *arg, struct flow_dir *d,
			    const uint8_t *p, size_t len, uint64_t off);
	void		*arg;
	uint64_t	 conflicts;	/* run totals */
	uint64_t	 conflict_bytes;
};

/* Add captured payload p[0..len) at unwrapped sequence number seq. */
void		 reasm_data(struct reasm_ctx *rc, struct flow_dir *d,
		    uint64_t seq, const uint8_t *p, uint32_t len);

/* True when every byte from the stream start up to seq has arrived. */
bool		 reasm_complete_to(const struct flow_dir *d, uint64_t seq);

/* Put early data in front and settle the file before it is closed. */
int		 reasm_finish(struct reasm_ctx *rc, struct flow_dir *d);

/* Holes inside the stream (a trailing hole is no hole: it is not written). */
void		 reasm_holes(const struct flow_dir *d, uint64_t *count,
		    uint64_t *bytes);

/* Logical stream length: offset of the last captured byte + 1. */
uint64_t	 reasm_length(const struct flow_dir *d);

/* The covered ranges, sorted and disjoint (*n of them). */
const struct reasm_range *reasm_ranges(const struct flow_dir *d, uint32_t *n);

/* Bytes from stream offset 0 with no hole: the readable prefix. */
uint64_t	 reasm_contig(const struct flow_dir *d);

/* Free the direction's range and early-data memory. */
void		 reasm_dir_free(struct flow_dir *d);

#endif /* FLOWSCOPE_REASM_H */
