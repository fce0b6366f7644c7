/*
 * decode-link.c: link layers down to the IP header.
 *
 * Link types (LINKTYPE_* numbers of the pcap/pcapng formats): Ethernet with
 * 802.1Q/802.1ad/0x9100 tags and 802.3 LLC/SNAP, Linux SLL and SLL2, BSD
 * NULL and OpenBSD LOOP, raw IP, PPP (plain, HDLC-framed, PPPoE), NFLOG, and
 * 802.11 data frames behind radiotap or PPI.  Each function reads its header
 * through the cursor, moves the cursor to its payload and hands over to the
 * next layer; the outermost VLAN tag and Ethernet addresses are recorded in
 * the pkt_meta on the way.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "decode-int.h"

/* LINKTYPE_* values (https://www.tcpdump.org/linktypes.html). */
#define LT_NULL			0
#define LT_ETHERNET		1
#define LT_IEEE802		6
#define LT_PPP			9
#define LT_RAW_DLT12		12
#define LT_RAW_DLT14		14
#define LT_PPP_HDLC		50
#define LT_PPP_ETHER		51
#define LT_RAW			101
#define LT_IEEE802_11		105
#define LT_LOOP			108
#define LT_LINUX_SLL		113
#define LT_RADIOTAP		127
#define LT_PPI			192
#define LT_IPV4			228
#define LT_IPV6			229
#define LT_NFLOG		239
#define LT_LINUX_SLL2		276

#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_VLAN		0x8100
#define ETHERTYPE_QINQ		0x88a8
#define ETHERTYPE_QINQ_OLD	0x9100
#define ETHERTYPE_MPLS		0x8847
#define ETHERTYPE_MPLS_MC	0x8848
#define ETHERTYPE_PPPOE_SESS	0x8864
#define ETHERTYPE_TEB		0x6558	/* transparent Ethernet bridging */

#define PPP_IPV4		0x0021
#define PPP_IPV6		0x0057
#define PPP_MPLS		0x0281

#define NFULA_PAYLOAD		9

static enum decode_result link_family(struct dctx *, uint32_t,
		    struct cursor *);
static enum decode_result link_ether(struct dctx *, struct cursor *);
static enum decode_result link_null(struct dctx *, struct cursor *);
static enum decode_result link_loop(struct dctx *, struct cursor *);
static enum decode_result link_sll(struct dctx *, struct cursor *);
static enum decode_result link_sll2(struct dctx *, struct cursor *);
static enum decode_result link_pppoe(struct dctx *, struct cursor *);
static enum decode_result link_ppp_hdlc(struct dctx *, struct cursor *);
static enum decode_result link_nflog(struct dctx *, struct cursor *);
static enum decode_result link_llc(struct dctx *, struct cursor *);
static enum decode_result link_80211(struct dctx *, struct cursor *);
static enum decode_result link_radiotap(struct dctx *, struct cursor *);
static enum decode_result link_ppi(struct dctx *, struct cursor *);

/*
 * The link decoders, one row per LINKTYPE_* value (STYLE.md 5): the name is
 * libpcap's pcap_datalink_val_to_name() spelling.
 */
struct link_ops {
	int			 linktype;
	const char		*name;
	enum decode_result	(*decode)(struct dctx *, struct cursor *);
};

static const struct link_ops link_table[] = {
	{ .linktype = LT_NULL, .name = "NULL", .decode = link_null },
	{ .linktype = LT_ETHERNET, .name = "EN10MB", .decode = link_ether },
	{ .linktype = LT_IEEE802, .name = "IEEE802", .decode = link_ether },
	{ .linktype = LT_PPP, .name = "PPP", .decode = link_ppp_hdlc },
	{ .linktype = LT_RAW_DLT12, .name = "RAW", .decode = decode_ip_version },
	{ .linktype = LT_RAW_DLT14, .name = "RAW", .decode = decode_ip_version },
	{ .linktype = LT_PPP_HDLC, .name = "PPP_SERIAL",
	    .decode = link_ppp_hdlc },
	{ .linktype = LT_PPP_ETHER, .name = "PPP_ETHER", .decode = link_pppoe },
	{ .linktype = LT_RAW, .name = "RAW", .decode = decode_ip_version },
	{ .linktype = LT_IEEE802_11, .name = "IEEE802_11",
	    .decode = link_80211 },
	{ .linktype = LT_LOOP, .name = "LOOP", .decode = link_loop },
	{ .linktype = LT_LINUX_SLL, .name = "LINUX_SLL", .decode = link_sll },
	{ .linktype = LT_RADIOTAP, .name = "IEEE802_11_RADIO",
	    .decode = link_radiotap },
	{ .linktype = LT_PPI, .name = "PPI", .decode = link_ppi },
	{ .linktype = LT_IPV4, .name = "IPV4", .decode = decode_ip_v4 },
	{ .linktype = LT_IPV6, .name = "IPV6", .decode = decode_ip_v6 },
	{ .linktype = LT_NFLOG, .name = "NFLOG", .decode = link_nflog },
	{ .linktype = LT_LINUX_SLL2, .name = "LINUX_SLL2", .decode = link_sll2 },
};

static const struct link_ops *
link_find(int lt)
{
	size_t i;

	for (i = 0; i < sizeof(link_table) / sizeof(link_table[0]); i++)
		if (link_table[i].linktype == lt)
			return (&link_table[i]);
	return (NULL);
}

/* Dispatch one frame of link type lt; the cursor covers the whole frame. */
enum decode_result
decode_link_dispatch(struct dctx *ctx, int lt, struct cursor *c)
{
	const struct link_ops *ops;

	if (!dctx_push(ctx))
		return (dctx_link_fail(ctx, DR_ENCAP_DEPTH));
	if ((ops = link_find(lt)) == NULL)
		return (dctx_link_fail(ctx, DR_LINK_UNSUPPORTED));
	return (ops->decode(ctx, c));
}

/* Ethernet as a link type: outermost unless nested (PPI). */
static enum decode_result
link_ether(struct dctx *ctx, struct cursor *c)
{
	return (decode_link_ether(ctx, c, ctx->depth == 1));
}

/*
 * Ethernet II / 802.3 (IEEE 802.3 clause 3.2.6: a type/length field of at
 * most 1500 is a length, followed by an 802.2 LLC header).
 *
 *	+--------+--------+------+
 *	| dst 6  | src 6  | type |
 *	+--------+--------+------+
 */
enum decode_result
decode_link_ether(struct dctx *ctx, struct cursor *c, bool outermost)
{
	uint8_t dst[6], src[6];
	uint16_t type;

	cur_bytes(c, dst, 6);
	cur_bytes(c, src, 6);
	type = cur_be16(c);
	if (c->err)
		return (dctx_link_fail(ctx, DR_LINK_TRUNC));
	if (outermost) {
		ctx->m->has_mac = true;
		memcpy(ctx->m->mac_dst, dst, 6);
		memcpy(ctx->m->mac_src, src, 6);
	}
	if (type <= 1500)
		return (link_llc(ctx, c));
	if (type < 0x0600)
		return (dctx_link_fail(ctx, DR_LINK_UNSUPPORTED));
	return (decode_link_ethertype(ctx, type, c));
}

/*
 * 802.2 LLC; only SNAP (aa aa 03, OUI 00 00 00, then an ethertype; RFC 1042)
 * carries something we decode.
 */
static enum decode_result
link_llc(struct dctx *ctx, struct cursor *c)
{
	uint8_t dsap, ssap, ctl;
	uint32_t oui;
	uint16_t type;

	dsap = cur_u8(c);
	ssap = cur_u8(c);
	ctl = cur_u8(c);
	if (c->err)
		return (dctx_link_fail(ctx, DR_LINK_TRUNC));
	if (dsap != 0xaa || ssap != 0xaa || ctl != 0x03)
		return (dctx_link_fail(ctx, DR_LINK_UNSUPPORTED));
	oui = (uint32_t)cur_u8(c) << 16;
	oui |= cur_be16(c);
	type = cur_be16(c);
	if (c->err)
		return (dctx_link_fail(ctx, DR_LINK_TRUNC));
	if (oui != 0 && oui != 0x0000f8)	/* RFC 1042, 802.1H */
		return (dctx_link_fail(ctx, DR_LINK_UNSUPPORTED));
	return (decode_link_ethertype(ctx, type, c));
}

/*
 * Continue after an ethertype.  VLAN tags (IEEE 802.1Q clause 9: TPID, then a
 * 16-bit TCI of PCP 3, DEI 1, VID 12 bits) are popped in a loop, each one a
 * level of depth; the first tag seen before any IP header is the outermost
 * tag of the outer frame and is recorded.
 */
enum decode_result
decode_link_ethertype(struct dctx *ctx, uint16_t type, struct cursor *c)
{
	uint16_t tci;

	for (;;) {
		switch (type) {
		case ETHERTYPE_IPV4:
			return (decode_ip_v4(ctx, c));
		case ETHERTYPE_IPV6:
			return (decode_ip_v6(ctx, c));
		case ETHERTYPE_VLAN:
		case ETHERTYPE_QINQ:
		case ETHERTYPE_QINQ_OLD:
			if (!dctx_push(ctx))
				return (dctx_link_fail(ctx, DR_ENCAP_DEPTH));
			tci = cur_be16(c);
			type = cur_be16(c);
			if (c->err)
				return (dctx_link_fail(ctx, DR_LINK_TRUNC));
			if (!ctx->m->has_vlan && ctx->ip_layers == 0) {
				ctx->m->has_vlan = true;
				ctx->m->vlan = tci & 0x0fff;
				ctx->m->vlan_tci = tci;
			}
			if (type <= 1500)
				return (link_llc(ctx, c));
			break;
		case ETHERTYPE_MPLS:
		case ETHERTYPE_MPLS_MC:
			return (decode_tunnel_mpls(ctx, c));
		case ETHERTYPE_PPPOE_SESS:
			return (link_pppoe(ctx, c));
		case ETHERTYPE_TEB:
			if (!dctx_push(ctx))
				return (dctx_link_fail(ctx, DR_ENCAP_DEPTH));
			return (decode_link_ether(ctx, c, false));
		default:
			return (dctx_link_fail(ctx, DR_LINK_UNSUPPORTED));
		}
	}
}

/*
 * PPP (RFC 1661 section 2) after any framing: an optional address/control
 * ff 03 (RFC 1662 section 3.1), then the protocol field, one byte when its
 * low bit is set (protocol-field compression, RFC 1661 section 6.5).
 */
enum decode_result
decode_link_ppp(struct dctx *ctx, struct cursor *c)
{
	uint16_t proto;

	if (!dctx_push(ctx))
		return (dctx_link_fail(ctx, DR_ENCAP_DEPTH));
	if (cur_peek_be16(c, 0) == 0xff03)
		cur_skip(c, 2);
	proto = cur_u8(c);
	if ((proto & 1) == 0)
		proto = (uint16_t)(proto << 8 | cur_u8(c));
	if (c->err)
		return (dctx_link_fail(ctx, DR_LINK_TRUNC));
	switch (proto) {
	case PPP_IPV4:
		return (decode_ip_v4(ctx, c));
	case PPP_IPV6:
		return (decode_ip_v6(ctx, c));
	case PPP_MPLS:
		return (decode_tunnel_mpls(ctx, c));
	default:
		return (dctx_link_fail(ctx, DR_LINK_UNSUPPORTED));
	}
}

/*
 * LINKTYPE_PPP / PPP_HDLC: PPP in HDLC-like framing, or Cisco HDLC
 * (address 0x0f or 0x8f, control 0x00, then an ethertype).
 */
static enum decode_result
link_ppp_hdlc(struct dctx *ctx, struct cursor *c)
{
	uint8_t a = cur_peek_u8(c, 0);
	uint16_t type;

	if ((a == 0x0f || a == 0x8f) && cur_peek_u8(c, 1) == 0x00) {
		cur_skip(c, 2);
		type = cur_be16(c);
		if (c->err)
			return (dctx_link_fail(ctx, DR_LINK_TRUNC));
		return (decode_link_ethertype(ctx, type, c));
	}
	return (decode_link_ppp(ctx, c));
}

/*
 * PPPoE session stage (RFC 2516 section 4):
 *	ver/type 1 | code 1 | session id 2 | length 2 | PPP protocol ...
 */
static enum decode_result
link_pppoe(struct dctx *ctx, struct cursor *c)
{
	uint8_t vt, code;
	uint16_t len;
	struct cursor s;

	vt = cur_u8(c);
	code = cur_u8(c);
	cur_skip(c, 2);
	len = cur_be16(c);
	if (c->err)
		return (dctx_link_fail(ctx, DR_LINK_TRUNC));
	if (vt != 0x11 || code != 0x00)
		return (dctx_link_fail(ctx, DR_LINK_UNSUPPORTED));
	s = cur_sub(c, len, NULL);
	return (decode_link_ppp(ctx, &s));
}

/* An address family value from a NULL/LOOP/NFLOG header to IPv4/IPv6. */
static enum decode_result
link_family(struct dctx *ctx, uint32_t af, struct cursor *c)
{
	switch (af) {
	case 2:				/* AF_INET everywhere */
		return (decode_ip_v4(ctx, c));
	case 10:			/* Linux AF_INET6 */
	case 23:			/* Windows */
	case 24:			/* NetBSD, OpenBSD, BSD/OS */
	case 26:			/* Solaris */
	case 28:			/* FreeBSD, DragonFly */
	case 30:			/* macOS */
		return (decode_ip_v6(ctx, c));
	default:
		return (dctx_link_fail(ctx, DR_LINK_UNSUPPORTED));
	}
}

/*
 * BSD NULL: a 4-byte address family in the capturing host's byte order,
 * so either order is accepted (a family value fits in 16 bits).  LOOP: the
 * same in network byte order.
 */
static enum decode_result
link_null(struct dctx *ctx, struct cursor *c)
{
	uint32_t af;

	if (!cur_has(c, 4))
		return (dctx_link_fail(ctx, DR_LINK_TRUNC));
	af = cur_le32(c);
	if (af > 0xffff)
		af = (af >> 24) | ((af >> 8) & 0xff00) |
		    ((af << 8) & 0xff0000) | (af << 24);
	return (link_family(ctx, af, c));
}

static enum decode_result
link_loop(struct dctx *ctx, struct cursor *c)
{
	if (!cur_has(c, 4))
		return (dctx_link_fail(ctx, DR_LINK_TRUNC));
	return (link_family(ctx, cur_be32(c), c));
}

/*
 * Linux cooked capture v1 (16 bytes):
 *	pkttype 2 | ARPHRD 2 | addr len 2 | addr 8 | protocol 2
 */
static enum decode_result
link_sll(struct dctx *ctx, struct cursor *c)
{
	uint16_t proto;

	cur_skip(c, 14);
	proto = cur_be16(c);
	if (c->err)
		return (dctx_link_fail(ctx, DR_LINK_TRUNC));
	return (decode_link_ethertype(ctx, proto, c));
}

/*
 * Linux cooked capture v2 (20 bytes):
 *	protocol 2 | reserved 2 | ifindex 4 | ARPHRD 2 | pkttype 1 |
 *	addr len 1 | addr 8
 */
static enum decode_result
link_sll2(struct dctx *ctx, struct cursor *c)
{
	uint16_t proto;

	proto = cur_be16(c);
	cur_skip(c, 18);
	if (c->err)
		return (dctx_link_fail(ctx, DR_LINK_TRUNC));
	return (decode_link_ethertype(ctx, proto, c));
}

/*
 * NFLOG (linux/netfilter/nfnetlink_log.h): family 1 | version 1 |
 * resource id 2, then TLVs of length 2 | type 2 in host byte order (in
 * practice little-endian), the length counting the 4-byte TLV header, each
 * TLV padded to 4 bytes.  The packet is in the NFULA_PAYLOAD TLV.
 */
static enum decode_result
link_nflog(struct dctx *ctx, struct cursor *c)
{
	uint8_t family;
	uint16_t tlen, ttype;
	size_t pad;
	struct cursor v;

	family = cur_u8(c);
	cur_skip(c, 3);
	if (c->err)
		return (dctx_link_fail(ctx, DR_LINK_TRUNC));
	while (cur_left(c) >= 4) {
		tlen = cur_le16(c);
		ttype = cur_le16(c) & 0x3fff;	/* strip NLA_F_* flags */
		if (tlen < 4)
			return (dctx_link_fail(ctx, DR_LINK_TRUNC));
		tlen -= 4;
		if (ttype == NFULA_PAYLOAD) {
			v = cur_sub(c, tlen, NULL);
			return (link_family(ctx, family, &v));
		}
		pad = (4 - (tlen & 3)) & 3;
		if (!cur_skip(c, tlen))
			break;
		if (!cur_skip(c, pad > cur_left(c) ? cur_left(c) : pad))
			break;
	}
	return (dctx_link_fail(ctx, DR_LINK_TRUNC));
}

/*
 * IEEE 802.11 data frame (IEEE 802.11-2020 section 9.2/9.3.2.1):
 *	FC 2 | duration 2 | addr1 6 | addr2 6 | addr3 6 | seq 2 |
 *	[addr4 6 if ToDS and FromDS] | [QoS 2] | [HT control 4] | body
 * FC byte 0: subtype 4 bits | type 2 bits | version 2 bits; byte 1: flags.
 * The body of a non-protected frame starts with LLC/SNAP.
 */
static enum decode_result
link_80211(struct dctx *ctx, struct cursor *c)
{
	uint8_t fc0, fc1, qos = 0;
	size_t hl = 24;

	fc0 = cur_peek_u8(c, 0);
	fc1 = cur_peek_u8(c, 1);
	if (!cur_has(c, 24))
		return (dctx_link_fail(ctx, DR_LINK_TRUNC));
	if ((fc0 & 0x03) != 0 || ((fc0 >> 2) & 0x03) != 2)
		return (dctx_link_fail(ctx, DR_LINK_UNSUPPORTED));
	if (fc0 & 0x40)			/* null-function: no body */
		return (dctx_link_fail(ctx, DR_LINK_UNSUPPORTED));
	if (fc1 & 0x40)
		return (dctx_link_fail(ctx, DR_LINK_ENCRYPTED));
	if ((fc1 & 0x03) == 0x03)
		hl += 6;
	if (fc0 & 0x80) {		/* QoS data */
		qos = cur_peek_u8(c, hl);
		hl += 2;
		if (fc1 & 0x80)		/* +HTC */
			hl += 4;
	}
	if (!cur_skip(c, hl))
		return (dctx_link_fail(ctx, DR_LINK_TRUNC));
	if (qos & 0x80)			/* A-MSDU */
		return (dctx_link_fail(ctx, DR_LINK_UNSUPPORTED));
	return (link_llc(ctx, c));
}

/*
 * Radiotap (https://www.radiotap.org): version 1 | pad 1 | length le16 |
 * present le32 (more words while bit 31 is set) | fields.  The Flags field
 * (present bit 1; after TSFT, bit 0, an 8-byte field aligned to 8) says
 * whether the frame ends with an FCS (0x10), which is cut off.
 */
static enum decode_result
link_radiotap(struct dctx *ctx, struct cursor *c)
{
	struct cursor h, rest;
	uint32_t present, first;
	uint16_t len;
	size_t off, left;
	uint8_t flags = 0;

	h = *c;
	cur_skip(&h, 2);
	len = cur_le16(&h);
	first = present = cur_le32(&h);
	while (!h.err && (present & 0x80000000u))
		present = cur_le32(&h);
	if (h.err || len < 8 || !cur_has(c, len))
		return (dctx_link_fail(ctx, DR_LINK_TRUNC));
	if (first & 0x02) {
		off = cur_offset(&h) - cur_offset(c);
		if (first & 0x01)
			off = ((off + 7) & ~(size_t)7) + 8;
		if (off < len)
			flags = cur_peek_u8(c, off);
	}
	cur_skip(c, len);
	if (flags & 0x10) {
		left = cur_left(c);
		if (left < 4)
			return (dctx_link_fail(ctx, DR_LINK_TRUNC));
		rest = cur_sub(c, left - 4, NULL);
		return (link_80211(ctx, &rest));
	}
	return (link_80211(ctx, c));
}

/*
 * PPI (Per-Packet Information, CACE Technologies 2007): version 1 |
 * flags 1 | length le16 | dlt le32 | fields; the frame of link type dlt
 * follows the header.
 */
static enum decode_result
link_ppi(struct dctx *ctx, struct cursor *c)
{
	uint16_t len;
	uint32_t dlt;

	cur_skip(c, 2);
	len = cur_le16(c);
	dlt = cur_le32(c);
	if (c->err || len < 8 || !cur_skip(c, len - 8))
		return (dctx_link_fail(ctx, DR_LINK_TRUNC));
	if (dlt != LT_IEEE802_11 && dlt != LT_ETHERNET)
		return (dctx_link_fail(ctx, DR_LINK_UNSUPPORTED));
	return (decode_link_dispatch(ctx, (int)dlt, c));
}

bool
decode_linktype_supported(int linktype)
{
	return (decode_linktype_name(linktype) != NULL);
}

const char *
decode_linktype_name(int linktype)
{
	const struct link_ops *ops = link_find(linktype);

	return (ops != NULL ? ops->name : NULL);
}
