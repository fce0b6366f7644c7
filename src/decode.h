/*
 * decode.h: one captured frame -> one TCP segment description (struct
 * pkt_meta), through link layers, tunnels and IP fragment reassembly.
 *
 * The decoder owns IP fragment state (bounded, timed out in packet time) and a
 * buffer for reassembled datagrams: a pkt_meta's payload points either into
 * the caller's frame or into that buffer, and is valid only until the next
 * decode_packet() call (STYLE.md 19).
 *
 * Malformed or truncated input is never an error: it is classified, counted
 * per reason in struct decode_stats, and the packet is skipped.
 */
#ifndef FLOWSCOPE_DECODE_H
#define FLOWSCOPE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* TCP flag bits (RFC 9293 section 3.1). */
#define TCP_FIN	0x01
#define TCP_SYN	0x02
#define TCP_RST	0x04
#define TCP_PSH	0x08
#define TCP_ACK	0x10
#define TCP_URG	0x20

/* Address family of a pkt_meta / flow key; values are ours, not the OS's. */
#define FS_AF_INET	4
#define FS_AF_INET6	6

struct pkt_meta {
	uint64_t	 ts_ns;		/* capture time, ns since the epoch */
	uint32_t	 caplen;	/* captured length of the frame */
	uint32_t	 wirelen;	/* original length of the frame */

	uint8_t		 af;		/* FS_AF_INET or FS_AF_INET6 (inner) */
	uint8_t		 src[16];	/* IPv4 uses the first 4 bytes, rest 0 */
	uint8_t		 dst[16];
	uint16_t	 sport;
	uint16_t	 dport;

	bool		 has_vlan;	/* outermost frame carried a VLAN tag */
	uint16_t	 vlan;		/* 12-bit VID of the outermost tag */
	uint16_t	 vlan_tci;	/* whole TCI of that tag (tcpflow's %v) */

	bool		 has_mac;	/* outermost link layer was Ethernet */
	uint8_t		 mac_src[6];
	uint8_t		 mac_dst[6];

	uint32_t	 seq;
	uint32_t	 ack;
	uint8_t		 flags;		/* TCP_* bits */
	uint16_t	 window;	/* raw window field */
	int8_t		 wscale;	/* window scale option, -1 if absent */

	/*
	 * payload: the captured payload bytes (paylen of them).  seglen is the
	 * payload length the IP header announces; seglen > paylen when the frame
	 * was cut by the snaplen (the rest of the segment is a hole).
	 */
	const uint8_t	*payload;
	uint32_t	 paylen;
	uint32_t	 seglen;
};

enum decode_result {
	DECODE_TCP,		/* m describes a TCP segment */
	DECODE_NOT_TCP,		/* reached IP, not processed (for -w) */
	DECODE_FRAG_HELD,	/* an IP fragment, kept for reassembly */
	DECODE_SKIP,		/* not IP at the link layer (ARP, LLDP...) */
	DECODE_TRUNCATED,	/* the capture ended inside a header */
	DECODE_INVALID		/* a header or length field is impossible */
};

/*
 * Why a packet was skipped.  Counters are per reason so the UI and report can
 * say what was dropped.  Keep decode_reason_name() in decode.c in step.
 */
enum decode_reason {
	DR_OK = 0,
	DR_LINK_TRUNC,		/* link header cut short */
	DR_LINK_UNSUPPORTED,	/* ethertype/protocol we do not decode */
	DR_LINK_ENCRYPTED,	/* 802.11 protected frame */
	DR_ENCAP_DEPTH,		/* too many nested tags/tunnels */
	DR_IP_TRUNC,
	DR_IP_INVALID,		/* bad version, IHL, total length */
	DR_IP_NOT_TCP,		/* IP, but not TCP (UDP, ICMP...) */
	DR_IP_FRAG_HELD,	/* fragment stored for reassembly */
	DR_IP_FRAG_DROPPED,	/* fragment over budget, overlap, timeout */
	DR_IP6_EXTHDR_INVALID,
	DR_TCP_TRUNC,		/* fewer than 20 header bytes captured */
	DR_TCP_INVALID,		/* data offset < 20 or beyond segment */
	DR_COUNT
};

struct decode_stats {
	uint64_t	 packets;		/* frames given to the decoder */
	uint64_t	 tcp;			/* frames that gave a segment */
	uint64_t	 reason[DR_COUNT];
	uint64_t	 frag_reassembled;	/* datagrams completed */
	uint64_t	 frag_timeouts;
	uint64_t	 bytes_ipv4;		/* frame bytes by inner family */
	uint64_t	 bytes_ipv6;
	uint64_t	 bytes_vlan;		/* frame bytes of tagged frames */
	uint64_t	 bytes_other;
};

struct decode_limits {
	size_t		 frag_max_bytes;	/* all pending fragments; 0: default */
	uint64_t	 frag_timeout_ns;	/* 0: default (30 s) */
	unsigned	 max_depth;		/* tags+tunnels; 0: default (64) */
};

struct decoder;

/* A new decoder; limits may be NULL for defaults.  Never returns NULL. */
struct decoder	*decoder_new(const struct decode_limits *limits);
void		 decoder_free(struct decoder *d);

/*
 * Decode one frame of link type linktype (a LINKTYPE_* value).  On DECODE_TCP
 * *m is filled; otherwise the reason is counted and *reason (if not NULL) set.
 */
enum decode_result decode_packet(struct decoder *d, int linktype,
		    const uint8_t *data, size_t caplen, size_t wirelen,
		    uint64_t ts_ns, struct pkt_meta *m,
		    enum decode_reason *reason);

/* True when decode_packet() understands this link type. */
bool		 decode_linktype_supported(int linktype);

/* A short name for a link type ("EN10MB", "LINUX_SLL2"...) or NULL. */
const char	*decode_linktype_name(int linktype);

const struct decode_stats *decode_get_stats(const struct decoder *d);
const char	*decode_reason_name(enum decode_reason r);

#endif /* FLOWSCOPE_DECODE_H */
