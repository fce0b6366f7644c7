/*
 * flow-row.h: what the capture thread tells the UI about connections.
 *
 * Two plain value types cross the thread boundary:
 *  - row items, sent through a chan (chan.h) by sink-rows.c: a full summary
 *    of one connection each time it changed (never a delta, so a lost or
 *    coalesced update can not leave the UI wrong), and, with -o DIR, the
 *    path of each direction's file once;
 *  - run records, appended to the run log file of the spool: one per
 *    change of sender (and per hole of a finished direction), chained per
 *    connection backwards through `prev`, so the pager finds a
 *    connection's runs from its newest record without a scan.
 * Stream offsets are those of the direction's file.
 */
#ifndef FLOWSCOPE_FLOW_ROW_H
#define FLOWSCOPE_FLOW_ROW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "flow.h"

enum flow_row_state {
	FLOW_ROW_SYN = 0,	/* no data yet and the handshake unfinished */
	FLOW_ROW_OPEN,
	FLOW_ROW_CLOSED,	/* FIN */
	FLOW_ROW_RESET,
	FLOW_ROW_TIMEOUT,	/* idle timeout or eviction */
	FLOW_ROW_ENDED		/* open when the input ended */
};

#define FLOW_ROW_HOLES		0x01	/* a finished direction has holes */
#define FLOW_ROW_RETRANS	0x02	/* retransmitted or out-of-order data */
#define FLOW_ROW_CONFLICT	0x04	/* overlapping copies disagreed */
#define FLOW_ROW_LOST		0x08	/* bytes not written (disk, -b) */

#define FLOW_ROW_HINT		40
#define FLOW_ROW_HINT_BOTH	2	/* hint_dir: both directions' */
#define FLOW_ROW_PATH		208

enum flow_row_type {
	FLOW_ROW_UPDATE = 1,
	FLOW_ROW_FILE		/* path of a direction's file (-o DIR) */
};

struct flow_row {
	uint8_t		 type;		/* FLOW_ROW_UPDATE */
	uint8_t		 client;	/* direction index of the opener */
	uint8_t		 state;		/* enum flow_row_state */
	uint8_t		 flags;		/* FLOW_ROW_* */
	uint8_t		 hint_dir;	/* direction of hint, 0xff: none new,
					   FLOW_ROW_HINT_BOTH: both merged */
	bool		 last;		/* the core forgot it: final */
	uint32_t	 instance;
	uint64_t	 id;
	struct flow_key	 key;
	uint64_t	 bytes[2];	/* reassembled length per direction */
	uint64_t	 avail[2];	/* readable in its file */
	uint64_t	 packets[2];
	uint64_t	 first_ns;
	uint64_t	 last_ns;
	uint64_t	 last_run;	/* newest run record + 1, 0: none */
	char		 hint[FLOW_ROW_HINT];
};

struct flow_row_file {
	uint8_t		 type;		/* FLOW_ROW_FILE */
	uint8_t		 dir;
	uint64_t	 id;
	char		 path[FLOW_ROW_PATH];	/* relative to the store dir */
};

union flow_row_item {
	uint8_t			 type;
	struct flow_row		 row;
	struct flow_row_file	 file;
};

enum flow_run_kind {
	FLOW_RUN_DATA = 0,	/* from off to the next record of dir */
	FLOW_RUN_HOLE,		/* [off, off + len) never arrived */
	FLOW_RUN_RESET		/* dir's earlier records are superseded (late
				   bytes filled a hole of a finished
				   direction): its runs follow again */
};

/* A run record in the run log: 40 bytes, host byte order. */
struct flow_run_rec {
	uint64_t	 prev;		/* previous record of the conn + 1 */
	uint64_t	 off;
	uint64_t	 len;		/* holes only */
	uint64_t	 ts_ns;
	uint8_t		 dir;
	uint8_t		 kind;		/* enum flow_run_kind */
	uint8_t		 pad[6];
};

#define FLOW_RUN_LOG	"runs.log"

/* The spool file name of a direction ("<id>.<dir>"). */
static inline void
flow_row_spool_name(uint64_t id, int dir, char *buf, size_t len)
{
	snprintf(buf, len, "%llu.%d", (unsigned long long)id, dir);
}

#endif /* FLOWSCOPE_FLOW_ROW_H */
