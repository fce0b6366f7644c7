/*
 * test-decode.c: decode_packet() on crafted frames for every link type and
 * encapsulation, the length rules (padding, total length 0, snaplen
 * truncation), malformed headers, nesting depth, fragments through the
 * decoder; then every record of every capture in the shared captures
 * directory (pcap and pcapng, read by a small reader below) must decode
 * without a crash (run under ASan/UBSan), and captures with TCP flows must
 * yield TCP segments.
 *
 * Frames are built back to front-agnostic: headers are appended to a byte
 * buffer and their length fields patched once the inner part is known.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "decode.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

/* The corpus copied into the tree (tests/corpus/captures). */
static const char *
capdir(void)
{
	static char buf[1024];
	const char *src = getenv("FLOWSCOPE_SRCDIR");

	snprintf(buf, sizeof(buf), "%s/tests/corpus/captures",
	    src != NULL ? src : ".");
	return (buf);
}

struct buf {
	uint8_t	 b[4096];
	size_t	 len;
};

static struct decoder	*dec;
static struct pkt_meta	 m;
static enum decode_reason rsn;

static void
put8(struct buf *b, unsigned v)
{
	b->b[b->len++] = (uint8_t)v;
}

static void
put16(struct buf *b, unsigned v)
{
	put8(b, v >> 8);
	put8(b, v);
}

static void
put16le(struct buf *b, unsigned v)
{
	put8(b, v);
	put8(b, v >> 8);
}

static void
put32(struct buf *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b, v & 0xffff);
}

static void
put32le(struct buf *b, uint32_t v)
{
	put16le(b, v & 0xffff);
	put16le(b, v >> 16);
}

static void
putn(struct buf *b, const void *p, size_t n)
{
	memcpy(b->b + b->len, p, n);
	b->len += n;
}

static void
putfill(struct buf *b, unsigned v, size_t n)
{
	while (n-- > 0)
		put8(b, v);
}

static void
set16(struct buf *b, size_t off, unsigned v)
{
	b->b[off] = (uint8_t)(v >> 8);
	b->b[off + 1] = (uint8_t)v;
}

static void
ether(struct buf *b, unsigned type)
{
	static const uint8_t dst[6] = { 0, 1, 2, 3, 4, 5 };
	static const uint8_t src[6] = { 0xa, 0xb, 0xc, 0xd, 0xe, 0xf };

	putn(b, dst, 6);
	putn(b, src, 6);
	put16(b, type);
}

/* IPv4 header; returns its offset for ip4_fix(). */
static size_t
ip4(struct buf *b, unsigned proto, uint32_t src, uint32_t dst)
{
	size_t off = b->len;

	put8(b, 0x45);
	put8(b, 0);
	put16(b, 0);		/* total length, patched */
	put16(b, 0x1234);
	put16(b, 0x4000);
	put8(b, 64);
	put8(b, proto);
	put16(b, 0);
	put32(b, src);
	put32(b, dst);
	return (off);
}

static void
ip4_fix(struct buf *b, size_t off)
{
	set16(b, off + 2, (unsigned)(b->len - off));
}

static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t b6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

static size_t
ip6(struct buf *b, unsigned nh)
{
	size_t off = b->len;

	put32(b, 0x60000000);
	put16(b, 0);		/* payload length, patched */
	put8(b, nh);
	put8(b, 64);
	putn(b, a6, 16);
	putn(b, b6, 16);
	return (off);
}

static void
ip6_fix(struct buf *b, size_t off)
{
	set16(b, off + 4, (unsigned)(b->len - off - 40));
}

/* A TCP header of doff bytes (options NOP-filled) and n payload bytes. */
static void
tcp(struct buf *b, unsigned flags, size_t doff, size_t n)
{
	size_t i;

	put16(b, 1234);
	put16(b, 80);
	put32(b, 0x01020304);
	put32(b, 0xa0b0c0d0);
	put8(b, (unsigned)(doff / 4) << 4);
	put8(b, flags);
	put16(b, 65535);
	put16(b, 0);
	put16(b, 0);
	for (i = 20; i < doff; i++)
		put8(b, 1);
	for (i = 0; i < n; i++)
		put8(b, 'a' + (unsigned)(i % 26));
}

/* IPv4 + TCP with n payload bytes. */
static void
ip4tcp(struct buf *b, size_t n)
{
	size_t o = ip4(b, 6, 0x0a000001, 0x0a000002);

	tcp(b, 0x18, 20, n);
	ip4_fix(b, o);
}

static void
ip6tcp(struct buf *b, size_t n)
{
	size_t o = ip6(b, 6);

	tcp(b, 0x18, 20, n);
	ip6_fix(b, o);
}

static enum decode_result
run(int lt, const struct buf *b)
{
	return (decode_packet(dec, lt, b->b, b->len, b->len, 42, &m, &rsn));
}

static enum decode_result
run_len(int lt, const struct buf *b, size_t caplen)
{
	return (decode_packet(dec, lt, b->b, caplen, b->len, 42, &m, &rsn));
}

/* Check a DECODE_TCP result of an IPv4 10.0.0.1:1234 -> 10.0.0.2:80. */
static void
is_tcp4(enum decode_result r, size_t paylen, const char *what)
{
	tap_ok(r == DECODE_TCP && m.af == FS_AF_INET && m.src[0] == 10 &&
	    m.src[3] == 1 && m.dst[3] == 2 && m.sport == 1234 &&
	    m.dport == 80 && m.paylen == paylen && m.seglen == paylen &&
	    (paylen == 0 || m.payload[0] == 'a'),
	    "%s: TCP/IPv4, %zu payload bytes (r=%d %s, paylen=%u)", what,
	    paylen, r, decode_reason_name(rsn), m.paylen);
}

static void
is_tcp6(enum decode_result r, size_t paylen, const char *what)
{
	tap_ok(r == DECODE_TCP && m.af == FS_AF_INET6 &&
	    memcmp(m.src, a6, 16) == 0 && memcmp(m.dst, b6, 16) == 0 &&
	    m.sport == 1234 && m.dport == 80 && m.paylen == paylen &&
	    m.seglen == paylen,
	    "%s: TCP/IPv6, %zu payload bytes (r=%d %s, paylen=%u)", what,
	    paylen, r, decode_reason_name(rsn), m.paylen);
}

static void
is_fail(enum decode_result r, enum decode_result want,
    enum decode_reason why, const char *what)
{
	tap_ok(r == want && rsn == why, "%s: result %d reason %s (got %d %s)",
	    what, want, decode_reason_name(why), r, decode_reason_name(rsn));
}

static void
test_ethernet(void)
{
	struct buf b = { .len = 0 };
	size_t o;

	ether(&b, 0x0800);
	ip4tcp(&b, 10);
	is_tcp4(run(1, &b), 10, "ethernet");
	tap_ok(m.has_mac && m.mac_dst[5] == 5 && m.mac_src[0] == 0xa &&
	    !m.has_vlan, "ethernet: MACs recorded, no VLAN");
	tap_ok(m.seq == 0x01020304 && m.ack == 0xa0b0c0d0 && m.flags == 0x18 &&
	    m.window == 65535 && m.wscale == -1 && m.ts_ns == 42,
	    "ethernet: seq, ack, flags, window, wscale, ts");

	/* 6 bytes of padding / trailer after a bare ACK: not payload. */
	b.len = 0;
	ether(&b, 0x0800);
	ip4tcp(&b, 0);
	putfill(&b, 0, 6);
	is_tcp4(run(1, &b), 0, "ethernet padding is not payload");
	b.len = 0;
	ether(&b, 0x0800);
	ip4tcp(&b, 3);
	putfill(&b, 0xee, 4);	/* an FCS */
	is_tcp4(run(1, &b), 3, "captured FCS is not payload");
	tap_is_int(run(6, &b), DECODE_TCP, "linktype 6 is Ethernet");

	/* Total length 0 (TSO): the captured length counts. */
	b.len = 0;
	ether(&b, 0x0800);
	o = b.len;
	ip4tcp(&b, 7);
	set16(&b, o + 2, 0);
	is_tcp4(run(1, &b), 7, "IPv4 total length 0");

	/* Snaplen: 100 payload bytes announced, 30 captured. */
	b.len = 0;
	ether(&b, 0x0800);
	ip4tcp(&b, 100);
	tap_ok(run_len(1, &b, 14 + 20 + 20 + 30) == DECODE_TCP &&
	    m.paylen == 30 && m.seglen == 100 && m.caplen == 84 &&
	    m.wirelen == b.len, "snaplen truncation: seglen 100 paylen 30");

	/*
	 * Total length beyond a frame captured whole (telnet_ppa.pcap frame
	 * 18): a bogus length, not truncation, so seglen == paylen.
	 */
	b.len = 0;
	ether(&b, 0x0800);
	o = b.len;
	ip4tcp(&b, 4);
	set16(&b, o + 2, 20 + 20 + 90);
	tap_ok(run(1, &b) == DECODE_TCP && m.paylen == 4 && m.seglen == 4,
	    "total length beyond an uncut frame: seglen 4");
	tap_ok(decode_packet(dec, 1, b.b, b.len, b.len + 20, 1, &m, &rsn) ==
	    DECODE_TCP && m.paylen == 4 && m.seglen == 24,
	    "total length beyond a cut frame: up to the wire length");

	/* Bad IHL, total length below IHL, version. */
	b.len = 0;
	ether(&b, 0x0800);
	o = b.len;
	ip4tcp(&b, 0);
	b.b[o] = 0x44;
	is_fail(run(1, &b), DECODE_INVALID, DR_IP_INVALID, "IHL 4");
	b.b[o] = 0x4f;
	is_fail(run(1, &b), DECODE_INVALID, DR_IP_INVALID,
	    "IHL 15 beyond total length 40");
	set16(&b, o + 2, 400);
	is_fail(run(1, &b), DECODE_TRUNCATED, DR_IP_TRUNC,
	    "IHL 15 beyond captured, within total length");
	b.b[o] = 0x45;
	set16(&b, o + 2, 19);
	is_fail(run(1, &b), DECODE_INVALID, DR_IP_INVALID,
	    "total length < IHL");
	set16(&b, o + 2, 40);
	b.b[o] = 0x55;
	is_fail(run(1, &b), DECODE_INVALID, DR_IP_INVALID, "version 5");
	is_fail(run_len(1, &b, 14 + 19), DECODE_TRUNCATED, DR_IP_TRUNC,
	    "IPv4 header cut at 19");
	is_fail(run_len(1, &b, 13), DECODE_SKIP, DR_LINK_TRUNC,
	    "Ethernet header cut at 13");

	/* TCP: data offset < 20, cut at 19, beyond segment, beyond capture. */
	b.len = 0;
	ether(&b, 0x0800);
	o = b.len;
	ip4tcp(&b, 0);
	b.b[o + 20 + 12] = 0x40;
	is_fail(run(1, &b), DECODE_INVALID, DR_TCP_INVALID, "data offset 16");
	b.b[o + 20 + 12] = 0x50;
	is_fail(run_len(1, &b, 14 + 20 + 19), DECODE_TRUNCATED, DR_TCP_TRUNC,
	    "TCP header cut at 19 bytes");
	b.b[o + 20 + 12] = 0x60;
	is_fail(run(1, &b), DECODE_INVALID, DR_TCP_INVALID,
	    "data offset beyond segment");
	b.len = 0;
	ether(&b, 0x0800);
	o = b.len;
	ip4(&b, 6, 0x0a000001, 0x0a000002);
	tcp(&b, 0x02, 32, 0);
	ip4_fix(&b, o);
	tap_ok(run(1, &b) == DECODE_TCP && m.paylen == 0,
	    "data offset 32 with NOP options");
	tap_ok(run_len(1, &b, b.len - 4) == DECODE_TCP && m.paylen == 0 &&
	    m.seglen == 0 && m.flags == 0x02,
	    "options cut by the snaplen: still a segment, no payload");
	b.b[o + 2] = 0;
	b.b[o + 3] = 20 + 32 + 50;
	tap_ok(decode_packet(dec, 1, b.b, b.len - 4, 14 + 102, 1, &m, &rsn) ==
	    DECODE_TCP && m.paylen == 0 && m.seglen == 50,
	    "options cut, 50 bytes announced: seglen 50");
	set16(&b, o + 2, 20 + 19);
	is_fail(run(1, &b), DECODE_INVALID, DR_TCP_INVALID,
	    "IP announces 19 TCP bytes");
}

static void
test_tcp_options(void)
{
	struct buf b = { .len = 0 };
	size_t o;

	ether(&b, 0x0800);
	o = ip4(&b, 6, 0x0a000001, 0x0a000002);
	tcp(&b, 0x02, 20, 0);
	b.b[b.len - 20 + 12] = 0x80;	/* 32 bytes */
	put8(&b, 2); put8(&b, 4); put16(&b, 1460);	/* MSS */
	put8(&b, 1);
	put8(&b, 3); put8(&b, 3); put8(&b, 7);		/* WS 7 */
	put8(&b, 4); put8(&b, 2);			/* SACK perm */
	put8(&b, 0); put8(&b, 0);
	ip4_fix(&b, o);
	tap_ok(run(1, &b) == DECODE_TCP && m.wscale == 7,
	    "window scale 7 in a SYN (got %d)", m.wscale);
	b.b[o + 20 + 13] = 0x10;
	tap_ok(run(1, &b) == DECODE_TCP && m.wscale == -1,
	    "window scale ignored without SYN");
	b.b[o + 20 + 13] = 0x02;
	b.b[o + 20 + 20 + 7] = 200;
	tap_ok(run(1, &b) == DECODE_TCP && m.wscale == 14,
	    "window scale 200 taken as 14");
	b.b[o + 20 + 20 + 1] = 40;	/* MSS length overruns */
	tap_ok(run(1, &b) == DECODE_TCP && m.wscale == -1,
	    "bad option length stops the walk, segment kept");
	b.b[o + 20 + 20 + 1] = 0;
	tap_ok(run(1, &b) == DECODE_TCP, "option length 0 does not loop");
}

static void
test_vlan(void)
{
	struct buf b = { .len = 0 };
	int i;

	ether(&b, 0x8100);
	put16(&b, 0xa00b);
	put16(&b, 0x0800);
	ip4tcp(&b, 5);
	is_tcp4(run(1, &b), 5, "802.1Q");
	tap_ok(m.has_vlan && m.vlan == 11 && m.vlan_tci == 0xa00b,
	    "802.1Q: vid 11, tci 0xa00b");

	b.len = 0;
	ether(&b, 0x88a8);
	put16(&b, 100);
	put16(&b, 0x8100);
	put16(&b, 200);
	put16(&b, 0x86dd);
	ip6tcp(&b, 5);
	is_tcp6(run(1, &b), 5, "QinQ");
	tap_ok(m.has_vlan && m.vlan == 100, "QinQ: outermost vid 100");

	b.len = 0;
	ether(&b, 0x9100);
	put16(&b, 0x5000);
	put16(&b, 0x0800);
	ip4tcp(&b, 1);
	tap_ok(run(1, &b) == DECODE_TCP && m.vlan == 0 && m.vlan_tci == 0x5000,
	    "0x9100 priority tag: vid 0, tci 0x5000");

	b.len = 0;
	ether(&b, 0x8100);
	for (i = 0; i < 200; i++) {
		put16(&b, (unsigned)i);
		put16(&b, i < 199 ? 0x8100 : 0x0800);
	}
	ip4tcp(&b, 1);
	is_fail(run(1, &b), DECODE_SKIP, DR_ENCAP_DEPTH, "200 VLAN tags");

	/* 802.3 + LLC/SNAP. */
	b.len = 0;
	ether(&b, 0);
	put8(&b, 0xaa); put8(&b, 0xaa); put8(&b, 3);
	put8(&b, 0); put16(&b, 0);
	put16(&b, 0x0800);
	ip4tcp(&b, 4);
	set16(&b, 12, (unsigned)(b.len - 14));
	is_tcp4(run(1, &b), 4, "802.3 LLC/SNAP");

	b.len = 0;
	ether(&b, 0x0806);
	putfill(&b, 0, 28);
	is_fail(run(1, &b), DECODE_SKIP, DR_LINK_UNSUPPORTED, "ARP");
	b.len = 0;
	ether(&b, 40);
	put8(&b, 0x42); put8(&b, 0x42); put8(&b, 3);
	putfill(&b, 0, 37);
	is_fail(run(1, &b), DECODE_SKIP, DR_LINK_UNSUPPORTED, "STP (LLC)");
}

static void
test_ipv6(void)
{
	struct buf b = { .len = 0 };
	size_t o;

	ether(&b, 0x86dd);
	ip6tcp(&b, 9);
	is_tcp6(run(1, &b), 9, "IPv6");

	/* Hop-by-hop, destination options, atomic fragment, then TCP. */
	b.len = 0;
	ether(&b, 0x86dd);
	o = ip6(&b, 0);
	put8(&b, 60); put8(&b, 0); putfill(&b, 0, 6);		/* HBH 8 */
	put8(&b, 44); put8(&b, 1); putfill(&b, 0, 14);		/* DST 16 */
	put8(&b, 6); put8(&b, 0); put16(&b, 0); put32(&b, 77);	/* FRAG */
	tcp(&b, 0x18, 20, 11);
	ip6_fix(&b, o);
	putfill(&b, 0, 4);
	is_tcp6(run(1, &b), 11, "IPv6 HBH + DSTOPTS + atomic fragment");

	/* AH (len 4 -> 24 bytes), routing header. */
	b.len = 0;
	o = ip6(&b, 51);
	put8(&b, 43); put8(&b, 4); putfill(&b, 0, 22);
	put8(&b, 6); put8(&b, 0); putfill(&b, 0, 6);
	tcp(&b, 0x18, 20, 2);
	ip6_fix(&b, o);
	is_tcp6(run(229, &b), 2, "IPv6 AH + routing (LINKTYPE_IPV6)");

	/* Extension header longer than the payload. */
	b.len = 0;
	o = ip6(&b, 0);
	put8(&b, 6); put8(&b, 9); putfill(&b, 0, 6);
	tcp(&b, 0x18, 20, 2);
	ip6_fix(&b, o);
	is_fail(run(229, &b), DECODE_INVALID, DR_IP6_EXTHDR_INVALID,
	    "IPv6 ext header beyond payload length");
	b.len = 0;
	o = ip6(&b, 59);
	ip6_fix(&b, o);
	is_fail(run(229, &b), DECODE_NOT_TCP, DR_IP_NOT_TCP,
	    "IPv6 no next header");
	b.len = 0;
	o = ip6(&b, 50);
	putfill(&b, 0, 16);
	ip6_fix(&b, o);
	is_fail(run(229, &b), DECODE_NOT_TCP, DR_IP_NOT_TCP, "IPv6 ESP");

	/* Payload length 0: captured length. */
	b.len = 0;
	o = ip6(&b, 6);
	tcp(&b, 0x18, 20, 5);
	is_tcp6(run(229, &b), 5, "IPv6 payload length 0");
	/* Snaplen-truncated IPv6. */
	b.len = 0;
	o = ip6(&b, 6);
	tcp(&b, 0x18, 20, 50);
	ip6_fix(&b, o);
	tap_ok(run_len(229, &b, 40 + 20 + 10) == DECODE_TCP &&
	    m.paylen == 10 && m.seglen == 50, "IPv6 snaplen: 10 of 50");
	is_fail(run_len(229, &b, 39), DECODE_TRUNCATED, DR_IP_TRUNC,
	    "IPv6 header cut at 39");
}

static void
test_links(void)
{
	struct buf b = { .len = 0 };
	static const uint32_t af6[] = { 10, 23, 24, 26, 28, 30 };
	size_t i, o;

	/* NULL, both byte orders; LOOP. */
	put32le(&b, 2);
	ip4tcp(&b, 3);
	is_tcp4(run(0, &b), 3, "NULL AF_INET little-endian");
	tap_ok(!m.has_mac, "NULL: no MAC");
	b.len = 0;
	put32(&b, 2);
	ip4tcp(&b, 3);
	is_tcp4(run(0, &b), 3, "NULL AF_INET big-endian");
	is_tcp4(run(108, &b), 3, "LOOP AF_INET");
	for (i = 0; i < sizeof(af6) / sizeof(af6[0]); i++) {
		b.len = 0;
		put32le(&b, af6[i]);
		ip6tcp(&b, 2);
		is_tcp6(run(0, &b), 2, "NULL AF_INET6 value (LE)");
		b.len = 0;
		put32(&b, af6[i]);
		ip6tcp(&b, 2);
		is_tcp6(run(0, &b), 2, "NULL AF_INET6 value (BE)");
	}
	b.len = 0;
	put32le(&b, 7);
	ip4tcp(&b, 3);
	is_fail(run(0, &b), DECODE_SKIP, DR_LINK_UNSUPPORTED, "NULL family 7");

	/* Raw IP in all its numbers. */
	b.len = 0;
	ip4tcp(&b, 4);
	is_tcp4(run(101, &b), 4, "RAW v4");
	is_tcp4(run(12, &b), 4, "DLT 12 v4");
	is_tcp4(run(14, &b), 4, "DLT 14 v4");
	is_tcp4(run(228, &b), 4, "LINKTYPE_IPV4");
	tap_ok(!m.has_mac && !m.has_vlan, "raw: no MAC");
	b.len = 0;
	ip6tcp(&b, 4);
	is_tcp6(run(101, &b), 4, "RAW v6");
	is_tcp6(run(12, &b), 4, "DLT 12 v6");
	b.b[0] = 0x50;
	is_fail(run(101, &b), DECODE_INVALID, DR_IP_INVALID, "RAW version 5");
	is_fail(run(228, &b), DECODE_INVALID, DR_IP_INVALID,
	    "LINKTYPE_IPV4, version 5");

	/* SLL and SLL2. */
	b.len = 0;
	put16(&b, 0); put16(&b, 1); put16(&b, 6); putfill(&b, 0x11, 8);
	put16(&b, 0x0800);
	ip4tcp(&b, 6);
	is_tcp4(run(113, &b), 6, "Linux SLL");
	tap_ok(!m.has_mac, "SLL: no MAC");
	b.len = 0;
	put16(&b, 0x86dd); put16(&b, 0); put32(&b, 3); put16(&b, 1);
	put8(&b, 0); put8(&b, 6); putfill(&b, 0x11, 8);
	ip6tcp(&b, 6);
	is_tcp6(run(276, &b), 6, "Linux SLL2");
	b.len = 0;
	put16(&b, 0x8100); put16(&b, 0); put32(&b, 3); put16(&b, 1);
	put8(&b, 0); put8(&b, 6); putfill(&b, 0x11, 8);
	put16(&b, 33); put16(&b, 0x0800);
	ip4tcp(&b, 6);
	tap_ok(run(276, &b) == DECODE_TCP && m.vlan == 33,
	    "SLL2 with a VLAN tag");

	/* PPPoE session over Ethernet, PPP, PPP_HDLC, PPP_ETHER. */
	b.len = 0;
	ether(&b, 0x8864);
	o = b.len;
	put8(&b, 0x11); put8(&b, 0); put16(&b, 0x1234); put16(&b, 0);
	put16(&b, 0x0021);
	ip4tcp(&b, 8);
	set16(&b, o + 4, (unsigned)(b.len - o - 6));
	putfill(&b, 0, 6);
	is_tcp4(run(1, &b), 8, "PPPoE session");
	b.b[o + 5] -= 6;	/* PPPoE length cuts the IP datagram */
	tap_ok(decode_packet(dec, 1, b.b, b.len, b.len + 10, 1, &m, &rsn) ==
	    DECODE_TCP && m.paylen == 2 && m.seglen == 2,
	    "PPPoE length bounds the IP length (pppoe_qinq.pcap frame 19)");
	b.len = 0;
	put8(&b, 0x11); put8(&b, 0); put16(&b, 0x1234); put16(&b, 0);
	put16(&b, 0x0057);
	ip6tcp(&b, 8);
	set16(&b, 4, (unsigned)(b.len - 6));
	is_tcp6(run(51, &b), 8, "PPP_ETHER (51) IPv6");
	b.len = 0;
	put8(&b, 0xff); put8(&b, 0x03); put16(&b, 0x0021);
	ip4tcp(&b, 8);
	is_tcp4(run(9, &b), 8, "PPP ff 03 0021");
	is_tcp4(run(50, &b), 8, "PPP_HDLC");
	b.len = 0;
	put8(&b, 0x21);
	ip4tcp(&b, 8);
	is_tcp4(run(9, &b), 8, "PPP compressed protocol 21");
	b.len = 0;
	put8(&b, 0x0f); put8(&b, 0); put16(&b, 0x0800);
	ip4tcp(&b, 8);
	is_tcp4(run(50, &b), 8, "Cisco HDLC on PPP_HDLC");
	b.len = 0;
	put16(&b, 0xc021);
	putfill(&b, 0, 10);
	is_fail(run(9, &b), DECODE_SKIP, DR_LINK_UNSUPPORTED, "PPP LCP");

	/* NFLOG: a prefix TLV (padded), then the payload TLV. */
	b.len = 0;
	put8(&b, 2); put8(&b, 0); put16(&b, 1);
	put16le(&b, 4 + 5); put16le(&b, 10); putn(&b, "pfx\0\0", 5);
	putfill(&b, 0, 3);
	o = b.len;
	put16le(&b, 0); put16le(&b, 9);
	ip4tcp(&b, 12);
	b.b[o] = (uint8_t)(b.len - o);
	b.b[o + 1] = (uint8_t)((b.len - o) >> 8);
	is_tcp4(run(239, &b), 12, "NFLOG");
	b.b[o + 2] = 8;
	is_fail(run(239, &b), DECODE_SKIP, DR_LINK_TRUNC,
	    "NFLOG without payload TLV");
	b.b[o + 2] = 9;
	b.b[o] = 2;
	is_fail(run(239, &b), DECODE_SKIP, DR_LINK_TRUNC,
	    "NFLOG TLV length 2");

	is_fail(run(147, &b), DECODE_SKIP, DR_LINK_UNSUPPORTED,
	    "unknown link type");
	is_fail(decode_packet(dec, 1, NULL, 0, 0, 1, &m, &rsn), DECODE_SKIP,
	    DR_LINK_TRUNC, "empty frame");
}

/* 802.11 QoS data frame header (to DS), LLC/SNAP, ethertype. */
static void
wifi(struct buf *b, unsigned fc1, bool qos)
{
	put8(b, qos ? 0x88 : 0x08);
	put8(b, fc1);
	put16(b, 0);
	putfill(b, 0x22, 18);
	put16(b, 0);
	if ((fc1 & 3) == 3)
		putfill(b, 0x33, 6);
	if (qos) {
		put16(b, 0);
		if (fc1 & 0x80)
			put32(b, 0);
	}
	put8(b, 0xaa); put8(b, 0xaa); put8(b, 3);
	put8(b, 0); put16(b, 0);
	put16(b, 0x0800);
}

static void
test_wifi(void)
{
	struct buf b = { .len = 0 };

	wifi(&b, 0x01, false);
	ip4tcp(&b, 5);
	is_tcp4(run(105, &b), 5, "802.11 data");
	tap_ok(!m.has_mac, "802.11: no Ethernet MAC");
	b.len = 0;
	wifi(&b, 0x83, true);
	ip4tcp(&b, 5);
	is_tcp4(run(105, &b), 5, "802.11 QoS, 4 addresses, HT control");
	b.len = 0;
	wifi(&b, 0x41, true);
	ip4tcp(&b, 5);
	is_fail(run(105, &b), DECODE_SKIP, DR_LINK_ENCRYPTED,
	    "802.11 protected frame");
	b.len = 0;
	put8(&b, 0x80); put8(&b, 0); putfill(&b, 0, 40);
	is_fail(run(105, &b), DECODE_SKIP, DR_LINK_UNSUPPORTED,
	    "802.11 beacon");

	/* Radiotap: TSFT + flags (FCS present), then QoS data. */
	b.len = 0;
	put8(&b, 0); put8(&b, 0); put16le(&b, 8 + 8 + 1 + 1);
	put32le(&b, 0x3);
	putfill(&b, 0, 8);		/* TSFT */
	put8(&b, 0x10);			/* flags: FCS at end */
	put8(&b, 0);
	wifi(&b, 0x01, true);
	ip4tcp(&b, 6);
	put32(&b, 0xdeadbeef);
	is_tcp4(run(127, &b), 6, "radiotap + 802.11 QoS data + FCS");
	tap_ok(m.payload[5] == 'f', "radiotap: payload bytes right");
	b.b[2] = 200;
	is_fail(run(127, &b), DECODE_SKIP, DR_LINK_TRUNC,
	    "radiotap length beyond frame");

	/* PPI with DLT 105. */
	b.len = 0;
	put8(&b, 0); put8(&b, 0); put16le(&b, 8 + 12); put32le(&b, 105);
	putfill(&b, 0, 12);
	wifi(&b, 0x02, true);
	ip4tcp(&b, 7);
	is_tcp4(run(192, &b), 7, "PPI + 802.11");
	b.b[4] = 192;
	is_fail(run(192, &b), DECODE_SKIP, DR_LINK_UNSUPPORTED,
	    "PPI inside PPI refused");
}

static void
test_tunnels(void)
{
	struct buf b = { .len = 0 };
	size_t o, o2, u;

	/* GRE v0 with checksum, key and sequence, inside a VLAN frame. */
	ether(&b, 0x8100);
	put16(&b, 7);
	put16(&b, 0x0800);
	o = ip4(&b, 47, 0xc0a80001, 0xc0a80002);
	put16(&b, 0xb000); put16(&b, 0x0800);
	put32(&b, 0); put32(&b, 1); put32(&b, 2);
	ip4tcp(&b, 13);
	ip4_fix(&b, o);
	is_tcp4(run(1, &b), 13, "GRE v0 (C, K, S) IPv4");
	tap_ok(m.has_vlan && m.vlan == 7 && m.has_mac,
	    "GRE: outer VLAN and MAC recorded");

	/* GRE v1 (PPTP) with S and A, PPP ff 03 0021, and compressed. */
	b.len = 0;
	ether(&b, 0x0800);
	o = ip4(&b, 47, 0xc0a80001, 0xc0a80002);
	put16(&b, 0x3081); put16(&b, 0x880b);
	put16(&b, 0); put16(&b, 5); put32(&b, 1); put32(&b, 0);
	put8(&b, 0xff); put8(&b, 0x03); put16(&b, 0x0021);
	ip4tcp(&b, 13);
	ip4_fix(&b, o);
	is_tcp4(run(1, &b), 13, "GRE v1 PPTP, PPP ff 03 0021");
	b.len = 0;
	ether(&b, 0x0800);
	o = ip4(&b, 47, 0xc0a80001, 0xc0a80002);
	put16(&b, 0x3001); put16(&b, 0x880b);
	put16(&b, 0); put16(&b, 5); put32(&b, 1);
	put8(&b, 0x21);
	ip4tcp(&b, 13);
	ip4_fix(&b, o);
	is_tcp4(run(1, &b), 13, "GRE v1 PPTP, PPP protocol 21");
	b.len = 0;
	ether(&b, 0x0800);
	o = ip4(&b, 47, 0xc0a80001, 0xc0a80002);
	put16(&b, 0x2081); put16(&b, 0x880b);
	put16(&b, 0); put16(&b, 5); put32(&b, 1);
	ip4_fix(&b, o);
	is_fail(run(1, &b), DECODE_NOT_TCP, DR_IP_NOT_TCP,
	    "GRE v1 acknowledgment only");
	/* GRE transparent Ethernet bridging. */
	b.len = 0;
	ether(&b, 0x0800);
	o = ip4(&b, 47, 0xc0a80001, 0xc0a80002);
	put16(&b, 0); put16(&b, 0x6558);
	ether(&b, 0x86dd);
	ip6tcp(&b, 3);
	ip4_fix(&b, o);
	is_tcp6(run(1, &b), 3, "GRE Ethernet IPv6");
	tap_ok(m.mac_src[0] == 0xa && !m.has_vlan, "GRE TEB: outer MAC");

	/* VXLAN; the inner frame's VLAN is not the connection's. */
	b.len = 0;
	ether(&b, 0x0800);
	o = ip4(&b, 17, 0xc0a80001, 0xc0a80002);
	u = b.len;
	put16(&b, 5555); put16(&b, 4789); put16(&b, 0); put16(&b, 0);
	put32(&b, 0x08000000); put32(&b, 0x00123400);
	ether(&b, 0x8100);
	put16(&b, 99);
	put16(&b, 0x0800);
	ip4tcp(&b, 21);
	set16(&b, u + 4, (unsigned)(b.len - u));
	ip4_fix(&b, o);
	is_tcp4(run(1, &b), 21, "VXLAN");
	tap_ok(!m.has_vlan && m.has_mac && m.mac_src[0] == 0xa,
	    "VXLAN: inner tag not recorded, outer MAC");

	/* Teredo with origin indication. */
	b.len = 0;
	ether(&b, 0x0800);
	o = ip4(&b, 17, 0xc0a80001, 0xc0a80002);
	u = b.len;
	put16(&b, 3544); put16(&b, 40000); put16(&b, 0); put16(&b, 0);
	put16(&b, 0); put16(&b, 0x1234); put32(&b, 0x01020304);
	ip6tcp(&b, 4);
	set16(&b, u + 4, (unsigned)(b.len - u));
	ip4_fix(&b, o);
	is_tcp6(run(1, &b), 4, "Teredo origin indication");
	b.len = 0;
	o = ip4(&b, 17, 0xc0a80001, 0xc0a80002);
	u = b.len;
	put16(&b, 40000); put16(&b, 3544); put16(&b, 0); put16(&b, 0);
	put16(&b, 1); put8(&b, 2); put8(&b, 3); putfill(&b, 0, 5 + 9);
	ip6tcp(&b, 4);
	set16(&b, u + 4, (unsigned)(b.len - u));
	ip4_fix(&b, o);
	is_tcp6(run(228, &b), 4, "Teredo authentication");
	b.len = 0;
	o = ip4(&b, 17, 0xc0a80001, 0xc0a80002);
	put16(&b, 40000); put16(&b, 3544); put16(&b, 20); put16(&b, 0);
	putfill(&b, 0x45, 12);
	ip4_fix(&b, o);
	is_fail(run(228, &b), DECODE_NOT_TCP, DR_IP_NOT_TCP,
	    "Teredo port, no IPv6");

	/* AYIYA: identity 2^4 = 16 bytes, signature 5*4 = 20 bytes. */
	b.len = 0;
	o = ip4(&b, 17, 0xc0a80001, 0xc0a80002);
	u = b.len;
	put16(&b, 5072); put16(&b, 5072); put16(&b, 0); put16(&b, 0);
	put8(&b, 0x41); put8(&b, 0x52); put8(&b, 0x11); put8(&b, 41);
	put32(&b, 0);
	putfill(&b, 0x77, 36);
	ip6tcp(&b, 4);
	set16(&b, u + 4, (unsigned)(b.len - u));
	ip4_fix(&b, o);
	is_tcp6(run(228, &b), 4, "AYIYA");

	/* 6in4 and IPIP. */
	b.len = 0;
	o = ip4(&b, 41, 0xc0a80001, 0xc0a80002);
	ip6tcp(&b, 4);
	ip4_fix(&b, o);
	is_tcp6(run(228, &b), 4, "6in4");
	b.len = 0;
	o = ip4(&b, 4, 0xc0a80001, 0xc0a80002);
	ip4tcp(&b, 4);
	ip4_fix(&b, o);
	is_tcp4(run(228, &b), 4, "IPIP");
	b.len = 0;
	o = ip6(&b, 4);
	ip4tcp(&b, 4);
	ip6_fix(&b, o);
	is_tcp4(run(229, &b), 4, "IPv4 in IPv6");

	/* MPLS: two labels then IPv4; a PW with control word. */
	b.len = 0;
	ether(&b, 0x8847);
	put32(&b, (16u << 12) | 64);
	put32(&b, (17u << 12) | 0x100 | 64);
	ip4tcp(&b, 9);
	is_tcp4(run(1, &b), 9, "MPLS two labels");
	b.len = 0;
	ether(&b, 0x8100);
	put16(&b, 5);
	put16(&b, 0x8847);
	put32(&b, (16u << 12) | 0x100 | 64);
	put32(&b, 0);			/* control word */
	ether(&b, 0x0800);
	ip4tcp(&b, 9);
	is_tcp4(run(1, &b), 9, "MPLS Ethernet pseudowire with CW");
	tap_ok(m.vlan == 5, "MPLS PW: outer VLAN kept");
	b.len = 0;
	ether(&b, 0x8847);
	put32(&b, 16u << 12);
	put32(&b, 16u << 12);
	is_fail(run(1, &b), DECODE_SKIP, DR_LINK_TRUNC,
	    "MPLS stack without bottom");

	/* UDP, ICMP with TCP inside: not TCP. */
	b.len = 0;
	o = ip4(&b, 17, 0xc0a80001, 0xc0a80002);
	put16(&b, 53); put16(&b, 53); put16(&b, 12); put16(&b, 0);
	putfill(&b, 0, 4);
	ip4_fix(&b, o);
	is_fail(run(228, &b), DECODE_NOT_TCP, DR_IP_NOT_TCP, "UDP DNS");
	b.len = 0;
	o = ip4(&b, 1, 0xc0a80001, 0xc0a80002);
	put8(&b, 3); put8(&b, 3); put16(&b, 0); put32(&b, 0);
	o2 = ip4(&b, 6, 0x0a000001, 0x0a000002);
	tcp(&b, 0x18, 20, 0);
	ip4_fix(&b, o2);
	ip4_fix(&b, o);
	is_fail(run(228, &b), DECODE_NOT_TCP, DR_IP_NOT_TCP,
	    "TCP inside ICMP error");

	/* Deeply nested IPIP: depth bound. */
	b.len = 0;
	for (o = 0; o < 80; o++)
		ip4(&b, 4, 1, 2);
	ip4tcp(&b, 1);
	for (o = 80; o-- > 0;)
		ip4_fix(&b, o * 20);
	is_fail(run(228, &b), DECODE_NOT_TCP, DR_ENCAP_DEPTH,
	    "80 nested IPIP headers");
}

static void
test_frags(void)
{
	struct buf b = { .len = 0 }, p = { .len = 0 };
	size_t o;
	enum decode_result r;

	/* IPv4 TCP segment with 30 payload bytes, in fragments 24 + 26. */
	tcp(&p, 0x18, 20, 30);
	ether(&b, 0x0800);
	o = ip4(&b, 6, 0x0a000001, 0x0a000002);
	set16(&b, o + 6, 0x2000);
	putn(&b, p.b, 24);
	ip4_fix(&b, o);
	putfill(&b, 0, 8);	/* padding */
	is_fail(run(1, &b), DECODE_FRAG_HELD, DR_IP_FRAG_HELD,
	    "IPv4 first fragment held");
	b.len = 0;
	ether(&b, 0x0800);
	o = ip4(&b, 6, 0x0a000001, 0x0a000002);
	set16(&b, o + 6, 3);
	putn(&b, p.b + 24, 26);
	ip4_fix(&b, o);
	r = run(1, &b);
	is_tcp4(r, 30, "IPv4 datagram reassembled");
	tap_ok(r == DECODE_TCP && memcmp(m.payload, p.b + 20, 30) == 0,
	    "reassembled payload bytes");
	tap_is_int((long long)decode_get_stats(dec)->frag_reassembled, 1,
	    "frag_reassembled counted");

	/* A truncated fragment is dropped. */
	is_fail(run_len(1, &b, b.len - 2), DECODE_NOT_TCP, DR_IP_FRAG_DROPPED,
	    "snaplen-cut fragment dropped");
	/* A UDP-less, non-decodable protocol is not stored. */
	b.b[14 + 9] = 1;
	is_fail(run(1, &b), DECODE_NOT_TCP, DR_IP_NOT_TCP,
	    "ICMP fragment not stored");

	/* IPv6: fragments 16 + 34, the second arriving first. */
	b.len = 0;
	o = ip6(&b, 44);
	put8(&b, 6); put8(&b, 0); put16(&b, 16); put32(&b, 99);
	putn(&b, p.b + 16, 34);
	ip6_fix(&b, o);
	is_fail(run(229, &b), DECODE_FRAG_HELD, DR_IP_FRAG_HELD,
	    "IPv6 last fragment held");
	b.len = 0;
	o = ip6(&b, 0);
	put8(&b, 44); put8(&b, 0); putfill(&b, 0, 6);
	put8(&b, 6); put8(&b, 0); put16(&b, 1); put32(&b, 99);
	putn(&b, p.b, 16);
	ip6_fix(&b, o);
	r = run(229, &b);
	is_tcp6(r, 30, "IPv6 datagram reassembled");
	tap_ok(r == DECODE_TCP && memcmp(m.payload, p.b + 20, 30) == 0,
	    "IPv6 reassembled payload bytes");
	/* Same id on another VLAN is another datagram. */
}

static void
test_stats(void)
{
	struct decoder *d2 = decoder_new(NULL);
	const struct decode_stats *st = decode_get_stats(d2);
	struct buf b = { .len = 0 };
	enum decode_reason why;

	ether(&b, 0x8100);
	put16(&b, 3);
	put16(&b, 0x0800);
	ip4tcp(&b, 2);
	decode_packet(d2, 1, b.b, b.len, 100, 1, &m, &why);
	b.len = 0;
	ip6tcp(&b, 2);
	decode_packet(d2, 101, b.b, b.len, 70, 2, &m, &why);
	b.len = 0;
	ether(&b, 0x0806);
	decode_packet(d2, 1, b.b, b.len, 60, 3, &m, NULL);
	tap_ok(st->packets == 3 && st->tcp == 2 &&
	    st->reason[DR_LINK_UNSUPPORTED] == 1 && st->reason[DR_OK] == 2,
	    "stats: packets, tcp, reasons");
	tap_ok(st->bytes_ipv4 == 100 && st->bytes_ipv6 == 70 &&
	    st->bytes_other == 60 && st->bytes_vlan == 100,
	    "stats: bytes by family and VLAN");
	decoder_free(d2);

	tap_ok(decode_linktype_supported(1) && decode_linktype_supported(276) &&
	    decode_linktype_supported(0) && decode_linktype_supported(239) &&
	    decode_linktype_supported(192) && decode_linktype_supported(127) &&
	    !decode_linktype_supported(147) && !decode_linktype_supported(-1),
	    "decode_linktype_supported");
	tap_is_str(decode_linktype_name(1), "EN10MB", "name of 1");
	tap_is_str(decode_linktype_name(276), "LINUX_SLL2", "name of 276");
	tap_is_str(decode_linktype_name(3), NULL, "name of 3");
	tap_is_str(decode_reason_name(DR_TCP_TRUNC), "TCP header truncated",
	    "reason name");
	tap_is_str(decode_reason_name(DR_COUNT), "unknown", "reason DR_COUNT");
}

/*
 * A minimal capture-file reader for the test: classic pcap in either byte
 * order (micro or nanosecond magic) and pcapng (SHB, IDB, EPB, SPB) with a
 * link type per interface.  Every record is handed to the decoder.
 */
static uint32_t
rd32(const uint8_t *p, bool swap)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;

	if (swap)
		v = __builtin_bswap32(v);
	return (v);
}

static uint16_t
rd16(const uint8_t *p, bool swap)
{
	uint16_t v = (uint16_t)(p[0] | p[1] << 8);

	return (swap ? __builtin_bswap16(v) : v);
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f;
	uint8_t *p;
	long n;

	if ((f = fopen(path, "rb")) == NULL)
		return (NULL);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc(n > 0 ? (size_t)n : 1);
	if (p == NULL || fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		fclose(f);
		return (NULL);
	}
	fclose(f);
	*len = (size_t)n;
	return (p);
}

/* Decode every record; returns records seen, -1 if not a capture. */
static long
replay(struct decoder *d, const uint8_t *p, size_t len, long *ntcp)
{
	struct pkt_meta pm;
	enum decode_reason why;
	uint32_t magic, bt, bl, cl, ol, ifid;
	int lts[64];
	unsigned nif = 0;
	size_t off;
	long n = 0;
	bool swap;

	*ntcp = 0;
	if (len < 24)
		return (-1);
	magic = rd32(p, false);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d ||
	    magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
		swap = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
		lts[0] = (int)rd32(p + 20, swap);
		for (off = 24; len - off >= 16; off += 16 + cl) {
			cl = rd32(p + off + 8, swap);
			ol = rd32(p + off + 12, swap);
			if (cl > len - off - 16)
				break;
			n++;
			if (decode_packet(d, lts[0], p + off + 16, cl, ol,
			    (uint64_t)n, &pm, &why) == DECODE_TCP)
				(*ntcp)++;
		}
		return (n);
	}
	if (magic != 0x0a0d0d0a)
		return (-1);
	swap = false;
	for (off = 0; len - off >= 12; off += bl) {
		bt = rd32(p + off, swap);
		if (bt == 0x0a0d0d0a) {
			swap = rd32(p + off + 8, false) != 0x1a2b3c4d;
			nif = 0;
		}
		bl = rd32(p + off + 4, swap);
		if (bl < 12 || bl > len - off)
			break;
		if (bt == 1 && bl >= 20 && nif < 64)
			lts[nif++] = rd16(p + off + 8, swap);
		else if (bt == 6 && bl >= 32) {
			ifid = rd32(p + off + 8, swap);
			cl = rd32(p + off + 20, swap);
			ol = rd32(p + off + 24, swap);
			if (ifid >= nif || cl > bl - 32)
				continue;
			n++;
			if (decode_packet(d, lts[ifid], p + off + 28, cl, ol,
			    (uint64_t)n, &pm, &why) == DECODE_TCP)
				(*ntcp)++;
		} else if (bt == 3 && bl >= 16 && nif > 0) {
			ol = rd32(p + off + 8, swap);
			cl = ol < bl - 16 ? ol : bl - 16;
			n++;
			if (decode_packet(d, lts[0], p + off + 12, cl, ol,
			    (uint64_t)n, &pm, &why) == DECODE_TCP)
				(*ntcp)++;
		}
	}
	return (n);
}

/* tcp_flows column of MANIFEST.tsv for a capture, -1 if unknown. */
static long
manifest_flows(const char *name)
{
	static char line[4096];
	FILE *f;
	char *fld[8], *s;
	long v = -1;
	int i;

	char mpath[1100];

	snprintf(mpath, sizeof(mpath), "%s/MANIFEST.tsv", capdir());
	if ((f = fopen(mpath, "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof(line), f) != NULL) {
		s = line;
		for (i = 0; i < 8 && s != NULL; i++) {
			fld[i] = s;
			if ((s = strchr(s, '\t')) != NULL)
				*s++ = '\0';
		}
		if (i == 8 && strcmp(fld[0], name) == 0) {
			v = strtol(fld[7], &s, 10);
			if (s == fld[7])
				v = -1;
			break;
		}
	}
	fclose(f);
	return (v);
}

static void
test_captures(void)
{
	DIR *dir;
	struct dirent *de;
	char path[2048];
	uint8_t *p, *q;
	size_t len, i, cut;
	long n, ntcp, nt2, flows;
	struct decoder *d;

	if ((dir = opendir(capdir())) == NULL) {
		tap_skip("no tests/corpus/captures", "real captures");
		return;
	}
	while ((de = readdir(dir)) != NULL) {
		if (strstr(de->d_name, ".pcap") == NULL &&
		    strstr(de->d_name, ".cap") == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%s", capdir(), de->d_name);
		if ((p = slurp(path, &len)) == NULL)
			continue;
		d = decoder_new(NULL);
		n = replay(d, p, len, &ntcp);
		flows = manifest_flows(de->d_name);
		tap_ok((n != 0 || flows < 0) && (flows <= 0 || ntcp > 0),
		    "%s: %ld records, %ld TCP segments (manifest: %ld flows)",
		    de->d_name, n, ntcp, flows);
		decoder_free(d);

		/*
		 * Hostile variant: every record's bytes flipped in a fixed
		 * pattern after the file header, in a private copy.  Only the
		 * absence of a crash is checked (ASan/UBSan).
		 */
		if ((q = malloc(len)) != NULL) {
			memcpy(q, p, len);
			cut = len > 64 ? 64 : len;
			for (i = cut; i < len; i += 7)
				if ((i / 7) % 5 == 0)
					q[i] ^= (uint8_t)(i * 31);
			d = decoder_new(NULL);
			replay(d, q, len, &nt2);
			decoder_free(d);
			free(q);
		}
		free(p);
	}
	closedir(dir);
}

int
main(void)
{
	tap_plan_none();
	dec = decoder_new(NULL);
	test_ethernet();
	test_tcp_options();
	test_vlan();
	test_ipv6();
	test_links();
	test_wifi();
	test_tunnels();
	test_frags();
	test_stats();
	decoder_free(dec);
	test_captures();
	return (tap_done());
}
