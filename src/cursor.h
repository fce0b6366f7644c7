/*
 * cursor.h: the one bounds-checked accessor layer for packet bytes.
 *
 * Every read of wire bytes in flowscope goes through a struct cursor.  A
 * reader checks the requested length against the bytes remaining
 * (len > end - p, never p + len > end), and on failure sets a sticky error,
 * returns 0 and stops advancing.  Callers test cur.err once at a decision
 * point instead of after every read (STYLE.md 21-24).  There is no longjmp:
 * a decode error can never skip cleanup.
 *
 * Multi-byte readers are big-endian (network order); the _le variants exist
 * for the few little-endian link headers (BSD NULL, radiotap, PPI, NFLOG).
 */
#ifndef FLOWSCOPE_CURSOR_H
#define FLOWSCOPE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
	const uint8_t	*begin;
	const uint8_t	*p;
	const uint8_t	*end;
	bool		 err;
};

static inline struct cursor
cur_make(const uint8_t *data, size_t len)
{
	struct cursor c;

	c.begin = data;
	c.p = data;
	c.end = data + len;
	c.err = false;
	return (c);
}

/* Bytes left to read; 0 once the cursor is in error. */
static inline size_t
cur_left(const struct cursor *c)
{
	if (c->err)
		return (0);
	return ((size_t)(c->end - c->p));
}

/* Offset of the read position from the start of the window. */
static inline size_t
cur_offset(const struct cursor *c)
{
	return ((size_t)(c->p - c->begin));
}

/* True when len more bytes can be read; does not set the error. */
static inline bool
cur_has(const struct cursor *c, size_t len)
{
	return (!c->err && len <= (size_t)(c->end - c->p));
}

static inline bool
cur_fail(struct cursor *c)
{
	c->err = true;
	return (false);
}

static inline bool
cur_skip(struct cursor *c, size_t len)
{
	if (!cur_has(c, len))
		return (cur_fail(c));
	c->p += len;
	return (true);
}

static inline uint8_t
cur_u8(struct cursor *c)
{
	if (!cur_has(c, 1)) {
		cur_fail(c);
		return (0);
	}
	return (*c->p++);
}

static inline uint16_t
cur_be16(struct cursor *c)
{
	uint16_t v;

	if (!cur_has(c, 2)) {
		cur_fail(c);
		return (0);
	}
	v = (uint16_t)((c->p[0] << 8) | c->p[1]);
	c->p += 2;
	return (v);
}

static inline uint32_t
cur_be32(struct cursor *c)
{
	uint32_t v;

	if (!cur_has(c, 4)) {
		cur_fail(c);
		return (0);
	}
	v = ((uint32_t)c->p[0] << 24) | ((uint32_t)c->p[1] << 16) |
	    ((uint32_t)c->p[2] << 8) | (uint32_t)c->p[3];
	c->p += 4;
	return (v);
}

static inline uint16_t
cur_le16(struct cursor *c)
{
	uint16_t v;

	if (!cur_has(c, 2)) {
		cur_fail(c);
		return (0);
	}
	v = (uint16_t)(c->p[0] | (c->p[1] << 8));
	c->p += 2;
	return (v);
}

static inline uint32_t
cur_le32(struct cursor *c)
{
	uint32_t v;

	if (!cur_has(c, 4)) {
		cur_fail(c);
		return (0);
	}
	v = (uint32_t)c->p[0] | ((uint32_t)c->p[1] << 8) |
	    ((uint32_t)c->p[2] << 16) | ((uint32_t)c->p[3] << 24);
	c->p += 4;
	return (v);
}

/* Copy len bytes out; on failure out is zero-filled. */
static inline bool
cur_bytes(struct cursor *c, void *out, size_t len)
{
	if (!cur_has(c, len)) {
		memset(out, 0, len);
		return (cur_fail(c));
	}
	memcpy(out, c->p, len);
	c->p += len;
	return (true);
}

/* Peek at byte off ahead of the read position without moving; 0 if absent. */
static inline uint8_t
cur_peek_u8(const struct cursor *c, size_t off)
{
	if (!cur_has(c, off + 1) || off + 1 == 0)
		return (0);
	return (c->p[off]);
}

static inline uint16_t
cur_peek_be16(const struct cursor *c, size_t off)
{
	if (off > SIZE_MAX - 2 || !cur_has(c, off + 2))
		return (0);
	return ((uint16_t)((c->p[off] << 8) | c->p[off + 1]));
}

/*
 * Child cursor over the next len bytes, clamped to what remains (the IP total
 * length or TCP data offset shrinking the window, as tcpdump's
 * nd_push_snaplen).  The parent does not move.  *clamped tells whether fewer
 * than len bytes were available (snaplen truncation).
 */
static inline struct cursor
cur_sub(const struct cursor *c, size_t len, bool *clamped)
{
	struct cursor s;
	size_t left = cur_left(c);

	if (clamped != NULL)
		*clamped = len > left;
	if (len > left)
		len = left;
	s.begin = c->p;
	s.p = c->p;
	s.end = c->p + len;
	s.err = c->err;
	return (s);
}

/* Pointer to the read position, for a span of len bytes already checked. */
static inline const uint8_t *
cur_ptr(const struct cursor *c)
{
	return (c->p);
}

#endif /* FLOWSCOPE_CURSOR_H */
