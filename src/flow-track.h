/*
 * flow-track.h: connection tracking.  Takes decoded TCP segments, finds or
 * creates their connection (deciding port-reuse instances), feeds payload to
 * reassembly, and closes directions and connections on FIN, RST, idle
 * timeout, -m max seek, eviction and end of input.
 *
 * Rules: ../shared/captures/truth/README.md, "Connections".  Idle timeout and
 * eviction are O(1) amortised per packet: open connections sit on a list in
 * order of last activity, so only its head is ever looked at.
 */
#ifndef FLOWSCOPE_FLOW_TRACK_H
#define FLOWSCOPE_FLOW_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "flow.h"
#include "reasm.h"

struct track_config {
	uint64_t	 tcp_timeout_ns;	/* idle close; 0: never */
	uint64_t	 linger_ns;		/* keep closed ones; 0: 300 s */
	uint64_t	 max_seek;		/* -m; 0: off */
	uint64_t	 max_conns;		/* 0: 1,000,000 */
	uint64_t	 max_closed;		/* closed ones kept; 0: 1024 */
	uint64_t	 tdelta_ns;		/* added to file mtimes (-S
						   tdelta), two's complement */
};

struct track_stats {
	uint64_t	 segments;
	uint64_t	 conns_total;		/* instances created */
	uint64_t	 conns_open;
	uint64_t	 conns_max_open;
	uint64_t	 conns_in_memory;
	uint64_t	 syn_ignored;		/* SYNs the rules ignore */
	uint64_t	 keepalives;
	uint64_t	 late_packets;		/* to closed directions */
	uint64_t	 late_forgotten;	/* to connections already freed */
	uint64_t	 evicted;		/* closed early by the cap */
	uint64_t	 timeouts;
};

/* Called once per direction when it is finalized (file closed). */
typedef void	(*track_dir_closed_fn)(void *arg, struct flow_conn *c, int dir);

struct track;

/*
 * Optional watchers (the UI's row sink): touched() after a connection
 * changed (a segment, a close), freeing() just before one is freed, while
 * its directions and stream paths are still there.
 */
struct track_watch {
	void		(*touched)(void *arg, struct flow_conn *c);
	void		(*freeing)(void *arg, struct flow_conn *c);
	void		*arg;
};

struct track	*track_new(const struct track_config *cfg,
		    struct reasm_ctx *rc, track_dir_closed_fn closed,
		    void *arg);

void		 track_set_watch(struct track *t,
		    const struct track_watch *w);

/* Process one TCP segment. */
void		 track_segment(struct track *t, const struct pkt_meta *m);

/* Close everything still open (end of input, stop), reason FLOW_CLOSE_EOF. */
void		 track_close_all(struct track *t);

void		 track_get_stats(const struct track *t, struct track_stats *s);

/* Frees every connection; call track_close_all() first to report them. */
void		 track_free(struct track *t);

/* Human-readable close reason ("fin", "rst"...). */
const char	*track_close_name(int reason);

#endif /* FLOWSCOPE_FLOW_TRACK_H */
