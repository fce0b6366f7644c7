/*
 * decode-int.h: what the decoder's files (decode.c, decode-link.c,
 * decode-ip.c, decode-tunnel.c) share and nobody else sees.
 *
 * One struct dctx lives on the stack for the duration of one
 * decode_packet() call.  Layer functions take the context and a cursor over
 * the bytes of their layer and return a decode_result; on anything but
 * DECODE_TCP they have stored the reason in ctx->reason.  Every step into a
 * nested layer goes through dctx_push(), which bounds the nesting (tags,
 * labels, tunnels) by the configured depth, so the mutual recursion
 * link -> IP -> tunnel -> link always ends.
 */
#ifndef FLOWSCOPE_DECODE_INT_H
#define FLOWSCOPE_DECODE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "decode.h"

struct ip_frag;

struct decoder {
	struct decode_limits	 limits;
	struct decode_stats	 stats;
	struct ip_frag		*frag;
};

struct dctx {
	struct decoder		*d;
	struct pkt_meta		*m;
	uint64_t		 ts_ns;
	const uint8_t		*frame;		/* the captured frame */
	size_t			 caplen;
	size_t			 wirelen;
	unsigned		 depth;		/* layers entered so far */
	unsigned		 ip_layers;	/* IP headers passed */
	uint8_t			 af;		/* family of the last IP layer */
	enum decode_reason	 reason;
};

/* Set the reason and return the result, for one-line failure exits. */
static inline enum decode_result
dctx_fail(struct dctx *ctx, enum decode_result r, enum decode_reason why)
{
	ctx->reason = why;
	return (r);
}

/* Enter one more nested layer; false (reason set) beyond max_depth. */
static inline bool
dctx_push(struct dctx *ctx)
{
	if (++ctx->depth > ctx->d->limits.max_depth) {
		ctx->reason = DR_ENCAP_DEPTH;
		return (false);
	}
	return (true);
}

/*
 * Bytes that were on the wire from c's read position to its window end.
 * A window that reaches the end of the captured frame of a frame cut by
 * the snaplen extends, on the wire, to the frame's original length; any
 * other window (bounded by an enclosing layer's length, or a frame
 * captured whole, or a reassembled datagram) is what it holds.  An IP
 * length beyond this is bogus, not truncation (as Wireshark's reported
 * length).
 */
static inline size_t
dctx_wire_left(const struct dctx *ctx, const struct cursor *c)
{
	if (c->err || ctx->wirelen <= ctx->caplen ||
	    c->end != ctx->frame + ctx->caplen)
		return (cur_left(c));
	return (ctx->wirelen - (size_t)(c->p - ctx->frame));
}

/*
 * Result for a failure in a link layer: before any IP header it is a
 * DECODE_SKIP; inside a tunnel the packet did reach IP, so it is
 * DECODE_NOT_TCP.
 */
static inline enum decode_result
dctx_link_fail(struct dctx *ctx, enum decode_reason why)
{
	ctx->reason = why;
	return (ctx->ip_layers > 0 ? DECODE_NOT_TCP : DECODE_SKIP);
}

/* decode-link.c */
enum decode_result decode_link_dispatch(struct dctx *, int, struct cursor *);
enum decode_result decode_link_ether(struct dctx *, struct cursor *, bool);
enum decode_result decode_link_ethertype(struct dctx *, uint16_t,
		    struct cursor *);
enum decode_result decode_link_ppp(struct dctx *, struct cursor *);

/* decode-ip.c */
enum decode_result decode_ip_v4(struct dctx *, struct cursor *);
enum decode_result decode_ip_v6(struct dctx *, struct cursor *);
enum decode_result decode_ip_version(struct dctx *, struct cursor *);

/* decode-tunnel.c */
enum decode_result decode_tunnel_mpls(struct dctx *, struct cursor *);
enum decode_result decode_tunnel_gre(struct dctx *, struct cursor *);
enum decode_result decode_tunnel_udp(struct dctx *, struct cursor *,
		    uint16_t, uint16_t);

#endif /* FLOWSCOPE_DECODE_INT_H */
