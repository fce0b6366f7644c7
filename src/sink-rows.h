/*
 * sink-rows.h: the UI's sink.  Runs in the capture thread: it notes which
 * connections changed (track_watch), keeps the run log (flow-row.h) and,
 * when asked to publish, turns the changed connections into row items on a
 * chan for the UI thread.
 *
 * DESIGN
 * Per packet the cost is a flag test and, for a connection not yet marked,
 * one append to the dirty list (no syscall, no lock).  sink_rows_publish()
 * runs every ~50 ms: it writes out the run records buffered so far (so a
 * row never names a record the UI cannot read yet), then fills the chan's
 * batch with one item per dirty connection and publishes it.  If the batch
 * is full, the rest stay dirty for the next round: the capture thread never
 * waits for the UI.  A row's avail[] only covers bytes the store has
 * written (store_stream.durable), so the UI's pread never sees a byte the
 * writer has not put there; a row still waiting for its bytes stays dirty.
 * When the core frees a connection its last row is kept (in a list bounded
 * by the connections the UI has not been told about) until the store's
 * batch with its last bytes is written, then sent with `last` set.
 */
#ifndef FLOWSCOPE_SINK_ROWS_H
#define FLOWSCOPE_SINK_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chan.h"
#include "decode.h"
#include "flow.h"
#include "store.h"

struct sink_rows_config {
	struct chan	*ch;		/* items: union flow_row_item */
	struct store	*store;
	int		 runlog_fd;	/* append-only, -1: no run log */
	bool		 send_paths;	/* file names are not spool names */
};

struct sink_rows;

struct sink_rows *sink_rows_new(const struct sink_rows_config *cfg);

/* The packet about to be tracked (its payload gives service hints). */
void		 sink_rows_packet(struct sink_rows *s, const struct pkt_meta *m);

/* track_watch callbacks. */
void		 sink_rows_touched(void *arg, struct flow_conn *c);
void		 sink_rows_freeing(void *arg, struct flow_conn *c);

/* The store's settled(gen): rows waiting for those bytes may go. */
void		 sink_rows_settled(struct sink_rows *s, uint64_t gen);

/* Flush the run log and publish what changed; true if a batch went out. */
bool		 sink_rows_publish(struct sink_rows *s);

/* Rows not yet handed to the chan (dirty and final ones). */
size_t		 sink_rows_backlog(const struct sink_rows *s);

/* Run records given an index so far (what the run log holds once
 * published). */
uint64_t	 sink_rows_runs(const struct sink_rows *s);

void		 sink_rows_free(struct sink_rows *s);

#endif /* FLOWSCOPE_SINK_ROWS_H */
