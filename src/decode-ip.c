/*
 * decode-ip.c: IPv4, IPv6 (with extension headers and fragments) and TCP.
 *
 * Length discipline (STYLE.md 23): the IP header's length field shrinks the
 * cursor window (cur_sub), so link-layer trailers never become payload, and
 * the announced length travels next to the window: when the capture holds
 * fewer bytes than announced (snaplen), the TCP segment is reported with
 * seglen (announced) > paylen (captured).  A length of 0 (IPv4 total length
 * with TSO, IPv6 payload length with jumbograms / BIG TCP) means "what was
 * there", and so does a length beyond the bytes that were on the wire
 * (dctx_wire_left: beyond an enclosing PPPoE/UDP length, or beyond a frame
 * captured whole): such a length is bogus, not a snaplen cut, and the
 * missing bytes must not become a hole in the stream.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "decode-int.h"
#include "ip-frag.h"

#define IPPROTO_HOPOPTS_	0
#define IPPROTO_IPIP_		4
#define IPPROTO_TCP_		6
#define IPPROTO_UDP_		17
#define IPPROTO_IPV6_		41
#define IPPROTO_ROUTING_	43
#define IPPROTO_FRAGMENT_	44
#define IPPROTO_GRE_		47
#define IPPROTO_ESP_		50
#define IPPROTO_AH_		51
#define IPPROTO_NONE_		59
#define IPPROTO_DSTOPTS_	60
#define IPPROTO_MOBILITY_	135

#define TCP_MIN_HDR		20
#define TCPOPT_EOL		0
#define TCPOPT_NOP		1
#define TCPOPT_WSCALE		3

static enum decode_result ip_proto(struct dctx *, uint8_t, struct cursor *,
		    size_t);
static enum decode_result ip6_walk(struct dctx *, uint8_t, struct cursor *,
		    size_t);
static enum decode_result ip_fragment(struct dctx *, struct ip_frag_key *,
		    size_t, bool, struct cursor *, size_t, uint8_t);
static enum decode_result ip_udp(struct dctx *, struct cursor *);
static enum decode_result ip_tcp(struct dctx *, struct cursor *, size_t);
static void	tcp_options(struct dctx *, struct cursor *);

/* Raw IP: the version nibble picks IPv4 or IPv6. */
enum decode_result
decode_ip_version(struct dctx *ctx, struct cursor *c)
{
	if (!cur_has(c, 1))
		return (dctx_fail(ctx, DECODE_TRUNCATED, DR_IP_TRUNC));
	switch (cur_peek_u8(c, 0) >> 4) {
	case 4:
		return (decode_ip_v4(ctx, c));
	case 6:
		return (decode_ip_v6(ctx, c));
	default:
		return (dctx_fail(ctx, DECODE_INVALID, DR_IP_INVALID));
	}
}

/*
 * IPv4 (RFC 791 section 3.1):
 *	0: version 4 | IHL 4 | TOS 8 | total length 16
 *	4: identification 16 | flags 3 | fragment offset 13
 *	8: TTL 8 | protocol 8 | checksum 16
 *	12: source 32 | 16: destination 32 | options (IHL*4 - 20)
 */
enum decode_result
decode_ip_v4(struct dctx *ctx, struct cursor *c)
{
	struct pkt_meta *m = ctx->m;
	struct ip_frag_key key;
	struct cursor w;
	size_t hl, totlen, off, avail;
	uint16_t id, frag;
	uint8_t vhl, proto;
	bool more;

	if (!dctx_push(ctx))
		return (dctx_link_fail(ctx, DR_ENCAP_DEPTH));
	if (!cur_has(c, 20))
		return (dctx_fail(ctx, DECODE_TRUNCATED, DR_IP_TRUNC));
	vhl = cur_peek_u8(c, 0);
	hl = (size_t)(vhl & 0x0f) * 4;
	totlen = cur_peek_be16(c, 2);
	if ((vhl >> 4) != 4 || hl < 20 || (totlen != 0 && totlen < hl))
		return (dctx_fail(ctx, DECODE_INVALID, DR_IP_INVALID));
	if (!cur_has(c, hl))
		return (dctx_fail(ctx, DECODE_TRUNCATED, DR_IP_TRUNC));
	avail = dctx_wire_left(ctx, c);
	if (totlen == 0 || totlen > avail)	/* TSO, or a bogus length */
		totlen = avail;
	id = cur_peek_be16(c, 4);
	frag = cur_peek_be16(c, 6);
	proto = cur_peek_u8(c, 9);

	ctx->ip_layers++;
	ctx->af = FS_AF_INET;
	m->af = FS_AF_INET;
	memset(m->src, 0, sizeof(m->src));
	memset(m->dst, 0, sizeof(m->dst));
	w = cur_sub(c, totlen, NULL);
	cur_skip(&w, 12);
	cur_bytes(&w, m->src, 4);
	cur_bytes(&w, m->dst, 4);
	cur_skip(&w, hl - 20);

	more = (frag & 0x2000) != 0;
	off = (size_t)(frag & 0x1fff) * 8;
	if (more || off != 0) {
		switch (proto) {
		case IPPROTO_TCP_:
		case IPPROTO_UDP_:
		case IPPROTO_IPIP_:
		case IPPROTO_IPV6_:
		case IPPROTO_GRE_:
			break;
		default:	/* nothing we could decode: do not store */
			return (dctx_fail(ctx, DECODE_NOT_TCP, DR_IP_NOT_TCP));
		}
		memset(&key, 0, sizeof(key));
		key.af = FS_AF_INET;
		key.proto = proto;
		key.id = id;
		memcpy(key.src, m->src, 4);
		memcpy(key.dst, m->dst, 4);
		return (ip_fragment(ctx, &key, off, more, &w, totlen - hl,
		    proto));
	}
	return (ip_proto(ctx, proto, &w, totlen - hl));
}

/*
 * IPv6 (RFC 8200 section 3):
 *	0: version 4 | traffic class 8 | flow label 20
 *	4: payload length 16 | next header 8 | hop limit 8
 *	8: source 128 | 24: destination 128
 */
enum decode_result
decode_ip_v6(struct dctx *ctx, struct cursor *c)
{
	struct pkt_meta *m = ctx->m;
	struct cursor w;
	size_t plen, avail;
	uint8_t nh;

	if (!dctx_push(ctx))
		return (dctx_link_fail(ctx, DR_ENCAP_DEPTH));
	if (!cur_has(c, 40))
		return (dctx_fail(ctx, DECODE_TRUNCATED, DR_IP_TRUNC));
	if ((cur_peek_u8(c, 0) >> 4) != 6)
		return (dctx_fail(ctx, DECODE_INVALID, DR_IP_INVALID));
	plen = cur_peek_be16(c, 4);
	nh = cur_peek_u8(c, 6);
	cur_skip(c, 8);
	cur_bytes(c, m->src, 16);
	cur_bytes(c, m->dst, 16);
	ctx->ip_layers++;
	ctx->af = FS_AF_INET6;
	m->af = FS_AF_INET6;
	avail = dctx_wire_left(ctx, c);
	if (plen == 0 || plen > avail)	/* jumbogram, or a bogus length */
		plen = avail;
	w = cur_sub(c, plen, NULL);
	return (ip6_walk(ctx, nh, &w, plen));
}

/*
 * Walk IPv6 extension headers (RFC 8200 section 4; AH RFC 4302 section 2,
 * mobility RFC 6275 section 6.1) from next header nh.  announced is the
 * payload length still announced from the window's read position.  Each
 * header consumes at least 8 bytes, so the loop ends.
 */
static enum decode_result
ip6_walk(struct dctx *ctx, uint8_t nh, struct cursor *w, size_t announced)
{
	struct ip_frag_key key;
	size_t len, off;
	uint16_t offm;
	uint8_t next;

	for (;;) {
		switch (nh) {
		case IPPROTO_HOPOPTS_:
		case IPPROTO_ROUTING_:
		case IPPROTO_DSTOPTS_:
		case IPPROTO_MOBILITY_:
		case IPPROTO_AH_:
		case IPPROTO_FRAGMENT_:
			break;
		case IPPROTO_ESP_:
		case IPPROTO_NONE_:
			return (dctx_fail(ctx, DECODE_NOT_TCP, DR_IP_NOT_TCP));
		default:
			return (ip_proto(ctx, nh, w, announced));
		}
		if (announced < 8)
			return (dctx_fail(ctx, DECODE_INVALID,
			    DR_IP6_EXTHDR_INVALID));
		if (!cur_has(w, 8))
			return (dctx_fail(ctx, DECODE_TRUNCATED, DR_IP_TRUNC));
		next = cur_peek_u8(w, 0);
		if (nh == IPPROTO_FRAGMENT_)
			len = 8;
		else if (nh == IPPROTO_AH_)
			len = ((size_t)cur_peek_u8(w, 1) + 2) * 4;
		else
			len = ((size_t)cur_peek_u8(w, 1) + 1) * 8;
		if (len > announced)
			return (dctx_fail(ctx, DECODE_INVALID,
			    DR_IP6_EXTHDR_INVALID));
		if (nh == IPPROTO_FRAGMENT_) {
			/* next 8 | reserved 8 | offset 13, res 2, M 1 | id 32 */
			offm = cur_peek_be16(w, 2);
			cur_skip(w, 4);
			memset(&key, 0, sizeof(key));
			key.af = FS_AF_INET6;
			key.id = cur_be32(w);
			announced -= 8;
			off = offm & 0xfff8;
			if (off != 0 || (offm & 1) != 0) {
				memcpy(key.src, ctx->m->src, 16);
				memcpy(key.dst, ctx->m->dst, 16);
				return (ip_fragment(ctx, &key, off,
				    (offm & 1) != 0, w, announced, next));
			}
			nh = next;	/* atomic fragment (RFC 6946) */
			continue;
		}
		if (!cur_skip(w, len))
			return (dctx_fail(ctx, DECODE_TRUNCATED, DR_IP_TRUNC));
		announced -= len;
		nh = next;
	}
}

/*
 * One fragment of announced bytes at w: store it; when the datagram is
 * complete, continue decoding the reassembled payload (protocol or next
 * header nh as carried by the first fragment).
 */
static enum decode_result
ip_fragment(struct dctx *ctx, struct ip_frag_key *key, size_t off,
    bool more, struct cursor *w, size_t announced, uint8_t nh)
{
	const uint8_t *out;
	size_t outlen;
	struct cursor r;
	bool v6 = key->af == FS_AF_INET6;

	/* A fragment cut by the snaplen can never complete its datagram. */
	if (cur_left(w) < announced)
		return (dctx_fail(ctx, DECODE_NOT_TCP, DR_IP_FRAG_DROPPED));
	key->vlan = ctx->m->has_vlan ? ctx->m->vlan : 0x10000;
	switch (ip_frag_add(ctx->d->frag, key, off, more, cur_ptr(w),
	    announced, &nh, ctx->ts_ns, &out, &outlen)) {
	case IP_FRAG_HELD:
		return (dctx_fail(ctx, DECODE_FRAG_HELD, DR_IP_FRAG_HELD));
	case IP_FRAG_DROPPED:
		return (dctx_fail(ctx, DECODE_NOT_TCP, DR_IP_FRAG_DROPPED));
	case IP_FRAG_DONE:
		break;
	}
	ctx->d->stats.frag_reassembled++;
	if (!dctx_push(ctx))
		return (dctx_fail(ctx, DECODE_NOT_TCP, DR_ENCAP_DEPTH));
	if (outlen == 0)
		return (dctx_fail(ctx, DECODE_NOT_TCP, DR_IP_NOT_TCP));
	r = cur_make(out, outlen);
	if (v6)
		return (ip6_walk(ctx, nh, &r, outlen));
	return (ip_proto(ctx, nh, &r, outlen));
}

/* The transport protocol proto at w, of announced length. */
static enum decode_result
ip_proto(struct dctx *ctx, uint8_t proto, struct cursor *w, size_t announced)
{
	switch (proto) {
	case IPPROTO_TCP_:
		return (ip_tcp(ctx, w, announced));
	case IPPROTO_IPIP_:
		return (decode_ip_v4(ctx, w));
	case IPPROTO_IPV6_:
		return (decode_ip_v6(ctx, w));
	case IPPROTO_GRE_:
		return (decode_tunnel_gre(ctx, w));
	case IPPROTO_UDP_:
		return (ip_udp(ctx, w));
	default:
		return (dctx_fail(ctx, DECODE_NOT_TCP, DR_IP_NOT_TCP));
	}
}

/*
 * UDP (RFC 768): source port 16 | destination port 16 | length 16 |
 * checksum 16.  Only looked at for UDP tunnels.
 */
static enum decode_result
ip_udp(struct dctx *ctx, struct cursor *w)
{
	uint16_t sport, dport, ulen;
	struct cursor p;

	sport = cur_be16(w);
	dport = cur_be16(w);
	ulen = cur_be16(w);
	cur_skip(w, 2);
	if (w->err)
		return (dctx_fail(ctx, DECODE_NOT_TCP, DR_IP_NOT_TCP));
	p = cur_sub(w, ulen >= 8 ? (size_t)ulen - 8 : cur_left(w), NULL);
	return (decode_tunnel_udp(ctx, &p, sport, dport));
}

/*
 * TCP (RFC 9293 section 3.1):
 *	0: source port 16 | destination port 16 | 4: sequence 32
 *	8: acknowledgment 32 | 12: data offset 4 | reserved 4 | flags 8
 *	14: window 16 | 16: checksum 16 | urgent pointer 16 | options
 */
static enum decode_result
ip_tcp(struct dctx *ctx, struct cursor *w, size_t announced)
{
	struct pkt_meta *m = ctx->m;
	struct cursor opt;
	size_t doff;

	if (announced < TCP_MIN_HDR)
		return (dctx_fail(ctx, DECODE_INVALID, DR_TCP_INVALID));
	if (!cur_has(w, TCP_MIN_HDR))
		return (dctx_fail(ctx, DECODE_TRUNCATED, DR_TCP_TRUNC));
	doff = (size_t)(cur_peek_u8(w, 12) >> 4) * 4;
	if (doff < TCP_MIN_HDR || doff > announced)
		return (dctx_fail(ctx, DECODE_INVALID, DR_TCP_INVALID));
	/*
	 * Options cut by the snaplen (doff beyond the capture but within the
	 * segment) still make a segment: the fixed header is all the flow
	 * needs, and dropping a SYN would lose its ISN.  What was captured of
	 * the options is parsed; no payload byte was captured.
	 */
	m->sport = cur_be16(w);
	m->dport = cur_be16(w);
	m->seq = cur_be32(w);
	m->ack = cur_be32(w);
	cur_skip(w, 1);
	m->flags = cur_u8(w);
	m->window = cur_be16(w);
	cur_skip(w, 4);
	m->wscale = -1;
	opt = cur_sub(w, doff - TCP_MIN_HDR, NULL);
	tcp_options(ctx, &opt);
	if (cur_has(w, doff - TCP_MIN_HDR))
		cur_skip(w, doff - TCP_MIN_HDR);
	else
		cur_skip(w, cur_left(w));	/* options cut: no payload */
	m->payload = cur_ptr(w);
	m->paylen = (uint32_t)cur_left(w);
	m->seglen = (uint32_t)(announced - doff);
	if (m->paylen > m->seglen)	/* cannot happen: window clamped */
		m->paylen = m->seglen;
	return (DECODE_TCP);
}

/*
 * TCP options (RFC 9293 section 3.2): kinds 0 and 1 are one byte, all
 * others kind | length | data with length counting both.  A bad length ends
 * the walk without rejecting the segment.  Window scale (RFC 7323 section
 * 2.2) only counts in a SYN, and shifts above 14 are taken as 14.
 */
static void
tcp_options(struct dctx *ctx, struct cursor *o)
{
	uint8_t kind, len, shift;

	while (cur_left(o) > 0) {
		kind = cur_u8(o);
		if (kind == TCPOPT_EOL)
			return;
		if (kind == TCPOPT_NOP)
			continue;
		len = cur_u8(o);
		if (o->err || len < 2 || (size_t)len - 2 > cur_left(o))
			return;
		if (kind == TCPOPT_WSCALE && len == 3 &&
		    (ctx->m->flags & TCP_SYN) != 0) {
			shift = cur_peek_u8(o, 0);
			ctx->m->wscale = (int8_t)(shift > 14 ? 14 : shift);
		}
		cur_skip(o, (size_t)len - 2);
	}
}
