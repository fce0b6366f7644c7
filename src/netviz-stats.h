/*
 * netviz-stats.h: bounded traffic statistics for the netviz picture.
 *
 * The accumulator is fed per TCP segment (time, frame bytes, ports) and per
 * finished connection (both directions' bytes, times, endpoints, holes), and
 * at the end with run-level counters (frames, family shares, malformed
 * frames, kernel drops).  Its memory is a fixed size whatever the input:
 *   - throughput: NETVIZ_BUCKETS time buckets; when a packet falls beyond
 *     the last one, neighbours merge pairwise and the bucket width doubles
 *     (totals are kept exactly);
 *   - top addresses: weighted Space-Saving with NETVIZ_HH_SLOTS counters per
 *     table (a key's count is over-estimated by at most the smallest
 *     counter; keys heavier than total/NETVIZ_HH_SLOTS are always kept);
 *   - top ports: exact, one counter per port;
 *   - connection sizes and durations: log2 histograms;
 *   - the NETVIZ_LARGEST largest connections: a min-heap by bytes.
 * netviz_stats_summary() turns this into a plain struct netviz_summary, all
 * the renderer (render/) ever sees: render/ never touches flows or pcap.
 *
 * Not thread-safe; one accumulator belongs to one thread.
 */
#ifndef FLOWSCOPE_NETVIZ_STATS_H
#define FLOWSCOPE_NETVIZ_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETVIZ_BUCKETS	1024	/* throughput time buckets */
#define NETVIZ_HH_SLOTS	4096	/* Space-Saving counters per address table */
#define NETVIZ_TOP	10	/* talkers listed per table */
#define NETVIZ_LARGEST	20	/* largest connections kept */
#define NETVIZ_HIST	64	/* log2 histogram bins */

/* Service classes, by well-known port; the picture's colours follow this. */
enum netviz_service {
	NETVIZ_SVC_HTTP = 0,	/* 80, 8080, 8000, 8888 */
	NETVIZ_SVC_HTTPS,	/* 443, 8443 */
	NETVIZ_SVC_SSH,		/* 22 */
	NETVIZ_SVC_SMTP,	/* 25, 465, 587 */
	NETVIZ_SVC_DNS,		/* 53 */
	NETVIZ_SVC_FTP,		/* 20, 21 */
	NETVIZ_SVC_MAIL,	/* IMAP 143, 993; POP3 110, 995 */
	NETVIZ_SVC_OTHER,
	NETVIZ_SVC_COUNT
};

/* Direction of bytes, as seen from the connection's opener. */
#define NETVIZ_C2S	0	/* client -> server */
#define NETVIZ_S2C	1	/* server -> client */

/* One finished connection, as the accumulator is fed it. */
struct netviz_conn {
	uint8_t		 af;		/* 4 or 6 (FS_AF_INET/INET6) */
	uint8_t		 cli[16];	/* client (opener) address */
	uint8_t		 srv[16];
	uint16_t	 cport;
	uint16_t	 sport;
	uint64_t	 first_ns;
	uint64_t	 last_ns;
	uint64_t	 bytes[2];	/* frame bytes, [NETVIZ_C2S], [_S2C] */
	uint64_t	 payload[2];	/* stream length (file size) */
	uint64_t	 packets[2];
	uint64_t	 seg_bytes;	/* payload bytes of all segments, 0 if
					   unknown (retransmission estimate) */
	uint64_t	 holes;
	uint64_t	 hole_bytes;
	uint64_t	 overlaps;	/* conflicting overlaps */
	uint64_t	 out_of_order;
};

/* Run-level facts, given once at the end (any field may stay 0). */
struct netviz_run {
	const char	*input;		/* file name(s) or interface */
	uint64_t	 frames;	/* all frames read */
	uint64_t	 bytes_ipv4;	/* frame bytes by family */
	uint64_t	 bytes_ipv6;
	uint64_t	 bytes_vlan;
	uint64_t	 bytes_other;
	uint64_t	 malformed;	/* truncated or invalid frames */
	uint64_t	 drops;		/* kernel drops (live capture) */
	bool		 live;
	uint64_t	 conflicts;	/* conflicting overlaps (reassembly) */
};

/* One top-talker row: an address (port 0) or a port (af 0). */
struct netviz_talker {
	uint8_t		 af;
	uint8_t		 addr[16];
	uint16_t	 port;
	uint64_t	 bytes;
	uint64_t	 error;		/* bytes may be over by at most this */
};

/* Everything the picture shows; plain values, owned by the caller. */
struct netviz_summary {
	char		 input[256];
	bool		 from_report;	/* throughput spread over flow times */
	bool		 live;
	uint64_t	 first_ns;	/* 0, 0 when nothing was seen */
	uint64_t	 last_ns;
	uint64_t	 frames;
	uint64_t	 packets;	/* TCP segments */
	uint64_t	 bytes;		/* their frame bytes */
	uint64_t	 conns;
	uint64_t	 bytes_ipv4;
	uint64_t	 bytes_ipv6;
	uint64_t	 bytes_vlan;
	uint64_t	 bytes_other;

	/* Throughput: nbuckets buckets of bucket_ns from bucket0_ns. */
	uint64_t	 bucket0_ns;
	uint64_t	 bucket_ns;
	size_t		 nbuckets;
	uint64_t	 tput[NETVIZ_BUCKETS][2][NETVIZ_SVC_COUNT];
	uint64_t	 svc_bytes[NETVIZ_SVC_COUNT];

	struct netviz_talker top[4][NETVIZ_TOP];  /* NETVIZ_TOP_* below */
	size_t		 ntop[4];
	uint64_t	 top_total[4];

	uint64_t	 size_hist[NETVIZ_HIST];	/* bin 0: 0 bytes; bin k:
							   [2^(k-1), 2^k) */
	uint64_t	 dur_hist[NETVIZ_HIST];		/* same, microseconds */
	struct netviz_conn largest[NETVIZ_LARGEST];	/* biggest first */
	size_t		 nlargest;

	uint64_t	 holes;
	uint64_t	 hole_bytes;
	uint64_t	 overlaps;
	uint64_t	 retrans_bytes;
	bool		 retrans_known;
	uint64_t	 out_of_order;
	uint64_t	 malformed;
	uint64_t	 drops;
};

#define NETVIZ_TOP_SRC		0
#define NETVIZ_TOP_DST		1
#define NETVIZ_TOP_SPORT	2
#define NETVIZ_TOP_DPORT	3

struct netviz_stats;

/* A new, empty accumulator (fixed size, about 1.3 MB); never NULL. */
struct netviz_stats *netviz_stats_new(void);
void		 netviz_stats_free(struct netviz_stats *s);

/* The service class of a connection between ports a and b. */
enum netviz_service netviz_service(uint16_t a, uint16_t b);

/* A short name for a service class ("HTTP", "other"...). */
const char	*netviz_service_name(enum netviz_service svc);

/*
 * One TCP segment of wirelen frame bytes at ts_ns.  Its direction is guessed
 * from the ports (the server has the well-known or, failing that, the lower
 * port), as no connection state is looked up on this path.
 */
void		 netviz_stats_packet(struct netviz_stats *s, uint64_t ts_ns,
		    uint32_t wirelen, uint16_t sport, uint16_t dport);

/*
 * One finished connection.  With spread true (input from a report, no
 * packets), its bytes are also spread evenly over [first_ns, last_ns] in the
 * throughput buckets and counted as packets and bytes.
 */
void		 netviz_stats_conn(struct netviz_stats *s,
		    const struct netviz_conn *c, bool spread);

struct flow_conn;

/*
 * Direction i of connection c was finalized (track's dir_closed); when it is
 * the connection's last, feed the whole connection.  tdelta_ns is added to
 * its times (-S tdelta, two's complement).
 */
void		 netviz_stats_dir_closed(struct netviz_stats *s,
		    const struct flow_conn *c, int i, uint64_t tdelta_ns);

/* Draws the picture of *sum into path (PNG, or PDF for a .pdf name); 0, or
 * -1 with a message in err.  The program supplies it (render/). */
typedef int	(*netviz_draw_fn)(const struct netviz_summary *sum,
		    const char *path, char *err, size_t errlen);

struct decode_stats;

/* Take frames, family shares and malformed frames from decoder stats. */
void		 netviz_stats_decode(struct netviz_stats *s,
		    const struct decode_stats *ds);

/*
 * Summarize and draw into path with draw.  Returns 0, or -1 with a message
 * in err.
 */
int		 netviz_stats_draw(const struct netviz_stats *s,
		    netviz_draw_fn draw, const char *path, char *err,
		    size_t errlen);

/* Run-level counters; the last call wins (frames, family bytes and
 * malformed given as 0 keep what netviz_stats_decode() set). */
void		 netviz_stats_run(struct netviz_stats *s,
		    const struct netviz_run *r);

/* Fill *out (a large struct: allocate it) from the accumulator. */
void		 netviz_stats_summary(const struct netviz_stats *s,
		    struct netviz_summary *out);

/* Bytes the accumulator holds (fixed; for the boundedness test). */
size_t		 netviz_stats_memory(const struct netviz_stats *s);

#endif /* FLOWSCOPE_NETVIZ_STATS_H */
