/*
 * seq.h: TCP sequence-number arithmetic (RFC 9293 section 3.4, serial number
 * comparison as in OpenBSD's tcp_seq.h).  Never compare sequence numbers with a
 * plain '<'.
 *
 * Reassembly works on 64-bit "unwrapped" sequence numbers: each 32-bit number
 * is placed relative to a 64-bit reference (the highest seen so far in its
 * direction), so streams cross 2^32 and may exceed 4 GiB.
 */
#ifndef FLOWSCOPE_SEQ_H
#define FLOWSCOPE_SEQ_H

#include <stdbool.h>
#include <stdint.h>

static inline int32_t
seq_diff(uint32_t a, uint32_t b)
{
	return ((int32_t)(a - b));
}

static inline bool
seq_lt(uint32_t a, uint32_t b)
{
	return (seq_diff(a, b) < 0);
}

static inline bool
seq_leq(uint32_t a, uint32_t b)
{
	return (seq_diff(a, b) <= 0);
}

static inline bool
seq_gt(uint32_t a, uint32_t b)
{
	return (seq_diff(a, b) > 0);
}

static inline bool
seq_geq(uint32_t a, uint32_t b)
{
	return (seq_diff(a, b) >= 0);
}

/*
 * First unwrapped value for a direction: far enough from 0 that data up to
 * 2^32 below the first number seen never goes negative.
 */
#define SEQ_UNWRAP_ORIGIN	((uint64_t)1 << 40)

static inline uint64_t
seq_unwrap_first(uint32_t seq)
{
	return (SEQ_UNWRAP_ORIGIN + seq);
}

/* Place seq within +-2^31 of the 64-bit reference ref. */
static inline uint64_t
seq_unwrap(uint64_t ref, uint32_t seq)
{
	return (ref + (uint64_t)(int64_t)seq_diff(seq, (uint32_t)ref));
}

#endif /* FLOWSCOPE_SEQ_H */
