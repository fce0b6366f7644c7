/*
 * ui-row.h: one connection as the UI knows it.  A plain value type: the
 * model (ui-model.c) keeps an array of these indexed by connection id,
 * filled from the capture thread's row updates (src/flow-row.h); the flow
 * list, the filter and the sorter read them.  Kept compact: at a million
 * connections every byte here costs a megabyte.
 *
 * Direction indexes are the core's (0: endpoint a -> b, 1: b -> a, a being
 * the lower address:port); `client` says which of them the opener sent.
 */
#ifndef FLOWSCOPE_UI_ROW_H
#define FLOWSCOPE_UI_ROW_H

#include <stdbool.h>
#include <stdint.h>

#include "flow.h"

enum ui_row_state {
	ROW_SYN = 0,		/* handshake not complete, no data yet */
	ROW_OPEN,
	ROW_CLOSED,		/* FIN (or end of input after FIN) */
	ROW_RESET,
	ROW_TIMEOUT,		/* idle timeout, eviction */
	ROW_ENDED,		/* still open when the input ended */
	ROW_NSTATES
};

#define ROW_HOLES	0x01	/* a direction has missing bytes */
#define ROW_RETRANS	0x02	/* retransmissions / overlaps seen */
#define ROW_CONFLICT	0x04	/* overlaps that disagreed */
#define ROW_LOST	0x08	/* bytes lost to write errors or -b */

#define ROW_HINT_LEN	40	/* service hint, NUL-terminated */
#define ROW_SPARK	8	/* rate samples kept for the sparkline */

struct ui_row {
	struct flow_key	 key;
	uint64_t	 id;		/* connection id, run-wide */
	uint64_t	 bytes[2];	/* reassembled length per direction */
	uint64_t	 avail[2];	/* readable from its file (pread) */
	uint64_t	 first_ns;
	uint64_t	 last_ns;
	uint64_t	 last_run;	/* newest run record + 1 (flow-row.h) */
	uint32_t	 packets[2];
	uint32_t	 rate;		/* bytes/s, both ways, last second */
	uint32_t	 path[2];	/* offsets in the model's path arena,
					   UINT32_MAX: no file yet */
	uint32_t	 instance;	/* port-reuse instance, 0 first */
	uint32_t	 seen_tick;	/* model tick of its last state change */
	uint32_t	 upd_tick;	/* model tick of its last update */
	uint32_t	 born_tick;	/* model tick it appeared */
	uint8_t		 client;	/* direction index of the opener */
	uint8_t		 state;		/* enum ui_row_state */
	uint8_t		 flags;		/* ROW_* */
	uint8_t		 spark[ROW_SPARK];	/* rate levels 0-7 */
	char		 hint[ROW_HINT_LEN];
};

/* Bytes sent by the client and by the server. */
static inline uint64_t
ui_row_client_bytes(const struct ui_row *r)
{
	return (r->bytes[r->client]);
}

static inline uint64_t
ui_row_server_bytes(const struct ui_row *r)
{
	return (r->bytes[r->client ^ 1]);
}

#endif /* FLOWSCOPE_UI_ROW_H */
