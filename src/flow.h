/*
 * flow.h: the connection and direction records the flow table holds.
 *
 * A connection is both directions of (VLAN id, addresses, ports).  The key is
 * canonical: endpoint a is the lower (address, port), so both directions of a
 * connection find the same record; dir[0] carries a -> b bytes, dir[1] b -> a.
 * A port-reuse instance is a separate flow_conn linked from the newest one
 * through `older`.
 *
 * These are plain records owned by the capture thread (flow-table.c keeps
 * them, flow-track.c changes them); nothing outside the core sees them.
 */
#ifndef FLOWSCOPE_FLOW_H
#define FLOWSCOPE_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

struct flow_key {
	uint8_t		 af;		/* FS_AF_INET or FS_AF_INET6 */
	bool		 has_vlan;
	uint16_t	 vlan;
	uint16_t	 pa;		/* port of a */
	uint16_t	 pb;
	uint8_t		 a[16];		/* lower endpoint */
	uint8_t		 b[16];
};

/* One covered byte range of a direction, relative to its file base. */
struct reasm_range {
	uint64_t	 lo;
	uint64_t	 hi;
};

/* Data that arrived earlier in sequence than the file's first byte. */
struct reasm_pre {
	uint64_t	 seq;		/* unwrapped */
	uint32_t	 len;
	uint8_t		 data[];
};

struct flow_dir {
	struct store_stream ss;		/* the direction's file */

	/* Sequence space, all unwrapped to 64 bits (seq.h). */
	uint64_t	 seq_low;	/* lowest seq of any packet */
	uint64_t	 seq_high;	/* highest seq of any packet */
	uint64_t	 data_high;	/* highest seq + len of data */
	uint64_t	 base;		/* stream offset 0 (ISN+1 or lowest) */
	uint64_t	 file_base;	/* seq of file offset 0, 0 if no file */
	uint64_t	 fin_seq;	/* seq of the FIN, 0 if none */
	uint64_t	 acked_low;	/* lowest ack the peer sent, 0 none */
	uint32_t	 isn;
	uint32_t	 max_window;	/* largest scaled window it advertised */
	int8_t		 wscale;	/* from its SYN, -1 unknown */
	uint8_t		 side;		/* its index in flow_conn.dir */

	bool		 seen;		/* any packet from this side */
	bool		 syn_seen;
	bool		 fin_seen;
	bool		 closed;	/* finalized: fd closed, reported */
	bool		 has_mac;
	bool		 pure_syn;	/* its last SYN had no ACK (-g) */

	/* Covered ranges, sorted and disjoint; r0 inline, the rest heap. */
	struct reasm_range r0;
	struct reasm_range *rx;
	uint32_t	 nranges;	/* r0 counts; 0 = no data yet */
	uint32_t	 rx_cap;

	struct reasm_pre **pre;		/* sorted by seq, disjoint */
	uint32_t	 npre;
	uint64_t	 pre_bytes;

	uint64_t	 printed;	/* console: bytes printed so far */
	uint64_t	 packets;
	uint64_t	 payload_bytes;
	uint64_t	 len;		/* sum of frame lengths */
	uint64_t	 caplen;
	uint64_t	 out_of_order;
	uint64_t	 violations;
	uint64_t	 overlaps;
	uint64_t	 overlap_bytes;
	uint64_t	 keepalives;
	uint64_t	 truncated_bytes;	/* -b, write errors */
	uint64_t	 range_overflow;	/* holes merged away */
	uint64_t	 first_ns;
	uint64_t	 last_ns;
	uint64_t	 flow_id;
	uint64_t	 row_contig;	/* UI rows: readable prefix last seen */
	uint32_t	 row_nranges;	/* UI rows: ranges when last logged */
	uint32_t	 count;		/* file name counter (c1, c2...) */
	bool		 row_hinted;	/* UI rows: service hint taken */
	uint8_t		 row_hint_tries;	/* UI rows: segments looked at */
	bool		 row_path_sent;	/* UI rows: path given to the UI */
	bool		 row_final;	/* UI rows: holes logged at close */
	uint8_t		 mac_src[6];
	uint8_t		 mac_dst[6];
};

enum flow_close {
	FLOW_OPEN = 0,
	FLOW_CLOSE_FIN,
	FLOW_CLOSE_RST,
	FLOW_CLOSE_TIMEOUT,
	FLOW_CLOSE_MAXSEEK,
	FLOW_CLOSE_REUSE,
	FLOW_CLOSE_EVICT,
	FLOW_CLOSE_EOF
};

struct flow_conn {
	struct flow_key	 key;
	struct flow_conn *hnext;	/* hash chain (newest instances) */
	struct flow_conn *older;	/* previous instance on this key */
	struct flow_conn *lru_prev;	/* open or closed LRU list */
	struct flow_conn *lru_next;
	uint64_t	 id;		/* 0-based, run-wide */
	uint64_t	 last_ns;
	uint64_t	 row_last_run;	/* UI rows: its last run record + 1 */
	uint32_t	 row_slot;	/* UI rows: dirty list index + 1 */
	uint32_t	 instance;
	uint8_t		 row_last_dir;	/* UI rows: sender of the last run */
	uint8_t		 client;	/* index of the opener's direction */
	uint8_t		 close_reason;	/* enum flow_close */
	bool		 fin_or_rst;
	bool		 on_closed_list;
	struct flow_dir	 dir[2];
};

#endif /* FLOWSCOPE_FLOW_H */
