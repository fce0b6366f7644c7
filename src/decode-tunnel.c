/*
 * decode-tunnel.c: encapsulations between or inside IP layers: MPLS label
 * stacks, GRE (versions 0 and 1) and the UDP tunnels VXLAN, Teredo and
 * AYIYA.  Each one is a level of nesting (dctx_push) and hands its payload
 * back to the link or IP decoders.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "decode-int.h"

#define GRE_C		0x8000	/* checksum present */
#define GRE_R		0x4000	/* routing present (RFC 1701) */
#define GRE_K		0x2000	/* key present */
#define GRE_S		0x1000	/* sequence number present */
#define GRE_A		0x0080	/* acknowledgment present (v1) */
#define GRE_VER		0x0007

#define GRE_PROTO_IPV4	0x0800
#define GRE_PROTO_IPV6	0x86dd
#define GRE_PROTO_TEB	0x6558
#define GRE_PROTO_PPP	0x880b
#define GRE_PROTO_MPLS	0x8847
#define GRE_PROTO_MPLSM	0x8848

#define PORT_VXLAN	4789
#define PORT_TEREDO	3544
#define PORT_AYIYA	5072

static enum decode_result tunnel_vxlan(struct dctx *, struct cursor *);
static enum decode_result tunnel_teredo(struct dctx *, struct cursor *);
static enum decode_result tunnel_ayiya(struct dctx *, struct cursor *);

/*
 * MPLS label stack (RFC 3032 section 2.1): entries of label 20 | TC 3 |
 * S 1 | TTL 8 until the bottom-of-stack bit S.  The payload type is not
 * signalled: a first nibble of 4 or 6 is IP, 0 a pseudowire control word
 * (RFC 4385 section 3) followed by an Ethernet frame (RFC 4448).
 */
enum decode_result
decode_tunnel_mpls(struct dctx *ctx, struct cursor *c)
{
	uint32_t lse;

	do {
		if (!dctx_push(ctx))
			return (dctx_link_fail(ctx, DR_ENCAP_DEPTH));
		lse = cur_be32(c);
		if (c->err)
			return (dctx_link_fail(ctx, DR_LINK_TRUNC));
	} while ((lse & 0x100) == 0);

	if (!cur_has(c, 1))
		return (dctx_link_fail(ctx, DR_LINK_TRUNC));
	switch (cur_peek_u8(c, 0) >> 4) {
	case 4:
		return (decode_ip_v4(ctx, c));
	case 6:
		return (decode_ip_v6(ctx, c));
	case 0:
		cur_skip(c, 4);
		if (c->err)
			return (dctx_link_fail(ctx, DR_LINK_TRUNC));
		return (decode_link_ether(ctx, c, false));
	default:
		return (dctx_link_fail(ctx, DR_LINK_UNSUPPORTED));
	}
}

/*
 * GRE (RFC 2784 section 2.1, keys and sequence numbers RFC 2890 section 2):
 *	C 1 | R 1 | K 1 | S 1 | reserved 9 | version 3 | protocol 16 |
 *	[checksum 16 | offset 16] | [key 32] | [sequence 32]
 * Enhanced GRE of PPTP (RFC 2637 section 4.1), version 1: K always set
 * (payload length 16 | call id 16), optional sequence, and an optional
 * acknowledgment (A bit) after it; the payload is PPP.
 */
enum decode_result
decode_tunnel_gre(struct dctx *ctx, struct cursor *c)
{
	uint16_t flags, proto;

	if (!dctx_push(ctx))
		return (dctx_link_fail(ctx, DR_ENCAP_DEPTH));
	flags = cur_be16(c);
	proto = cur_be16(c);
	if (c->err)
		return (dctx_link_fail(ctx, DR_LINK_TRUNC));
	switch (flags & GRE_VER) {
	case 0:
		if ((flags & GRE_R) != 0)	/* source routes: obsolete */
			return (dctx_link_fail(ctx, DR_LINK_UNSUPPORTED));
		if ((flags & GRE_C) != 0)
			cur_skip(c, 4);
		if ((flags & GRE_K) != 0)
			cur_skip(c, 4);
		if ((flags & GRE_S) != 0)
			cur_skip(c, 4);
		break;
	case 1:
		if ((flags & (GRE_C | GRE_R)) != 0 || (flags & GRE_K) == 0 ||
		    proto != GRE_PROTO_PPP)
			return (dctx_link_fail(ctx, DR_LINK_UNSUPPORTED));
		cur_skip(c, 4);
		if ((flags & GRE_S) != 0)
			cur_skip(c, 4);
		if ((flags & GRE_A) != 0)
			cur_skip(c, 4);
		if ((flags & GRE_S) == 0)	/* acknowledgment only */
			return (dctx_link_fail(ctx, DR_IP_NOT_TCP));
		break;
	default:
		return (dctx_link_fail(ctx, DR_LINK_UNSUPPORTED));
	}
	if (c->err)
		return (dctx_link_fail(ctx, DR_LINK_TRUNC));

	switch (proto) {
	case GRE_PROTO_IPV4:
		return (decode_ip_v4(ctx, c));
	case GRE_PROTO_IPV6:
		return (decode_ip_v6(ctx, c));
	case GRE_PROTO_TEB:
		return (decode_link_ether(ctx, c, false));
	case GRE_PROTO_PPP:
		return (decode_link_ppp(ctx, c));
	case GRE_PROTO_MPLS:
	case GRE_PROTO_MPLSM:
		return (decode_tunnel_mpls(ctx, c));
	default:
		return (dctx_link_fail(ctx, DR_LINK_UNSUPPORTED));
	}
}

/* The payload of a UDP datagram between ports sport and dport. */
enum decode_result
decode_tunnel_udp(struct dctx *ctx, struct cursor *c, uint16_t sport,
    uint16_t dport)
{
	if (dport == PORT_VXLAN)
		return (tunnel_vxlan(ctx, c));
	if (sport == PORT_TEREDO || dport == PORT_TEREDO)
		return (tunnel_teredo(ctx, c));
	if (sport == PORT_AYIYA || dport == PORT_AYIYA)
		return (tunnel_ayiya(ctx, c));
	return (dctx_fail(ctx, DECODE_NOT_TCP, DR_IP_NOT_TCP));
}

/*
 * VXLAN (RFC 7348 section 5): flags 8 (I = 0x08) | reserved 24 | VNI 24 |
 * reserved 8, then an Ethernet frame.
 */
static enum decode_result
tunnel_vxlan(struct dctx *ctx, struct cursor *c)
{
	uint8_t flags;

	if (!dctx_push(ctx))
		return (dctx_link_fail(ctx, DR_ENCAP_DEPTH));
	flags = cur_u8(c);
	cur_skip(c, 7);
	if (c->err || (flags & 0x08) == 0)
		return (dctx_fail(ctx, DECODE_NOT_TCP, DR_IP_NOT_TCP));
	return (decode_link_ether(ctx, c, false));
}

/*
 * Teredo (RFC 4380 section 5.1.1): an optional authentication indicator
 * (00 01 | id len 8 | auth len 8 | client id | auth value | nonce 64 |
 * confirmation 8), an optional origin indication (00 00 | port 16 |
 * address 32), then an IPv6 packet.  Anything else on the port (bubbles
 * excepted, which are IPv6 too) is not decoded.
 */
static enum decode_result
tunnel_teredo(struct dctx *ctx, struct cursor *c)
{
	size_t idlen, aulen;

	if (!dctx_push(ctx))
		return (dctx_link_fail(ctx, DR_ENCAP_DEPTH));
	if (cur_peek_be16(c, 0) == 0x0001) {
		idlen = cur_peek_u8(c, 2);
		aulen = cur_peek_u8(c, 3);
		cur_skip(c, 4);
		cur_skip(c, idlen);
		cur_skip(c, aulen);
		cur_skip(c, 9);
	}
	if (cur_peek_be16(c, 0) == 0x0000)
		cur_skip(c, 8);
	if (c->err || !cur_has(c, 40) || (cur_peek_u8(c, 0) >> 4) != 6)
		return (dctx_fail(ctx, DECODE_NOT_TCP, DR_IP_NOT_TCP));
	return (decode_ip_v6(ctx, c));
}

/*
 * AYIYA (draft-massar-v6ops-ayiya-02 section 5): byte 0 identity length
 * (2^n bytes) | identity type; byte 1 signature length (4n bytes) | hash
 * method; byte 2 authentication method | opcode; byte 3 next header;
 * epoch 32; identity; signature; payload.  (The sizes agree with how
 * Wireshark decodes ayiya_tcp.pcap: 0x41 -> 16-byte identity, 0x52 ->
 * 20-byte SHA-1 signature.)
 */
static enum decode_result
tunnel_ayiya(struct dctx *ctx, struct cursor *c)
{
	size_t idlen, siglen;
	uint8_t b0, b1, nh;

	if (!dctx_push(ctx))
		return (dctx_link_fail(ctx, DR_ENCAP_DEPTH));
	b0 = cur_u8(c);
	b1 = cur_u8(c);
	cur_skip(c, 1);
	nh = cur_u8(c);
	idlen = (size_t)1 << (b0 >> 4);
	siglen = (size_t)(b1 >> 4) * 4;
	cur_skip(c, 4);
	cur_skip(c, idlen);
	cur_skip(c, siglen);
	if (c->err)
		return (dctx_fail(ctx, DECODE_NOT_TCP, DR_IP_NOT_TCP));
	switch (nh) {
	case 4:
		return (decode_ip_v4(ctx, c));
	case 41:
		return (decode_ip_v6(ctx, c));
	default:
		return (dctx_fail(ctx, DECODE_NOT_TCP, DR_IP_NOT_TCP));
	}
}
