/*
 * report.h: report.xml, the DFXML run report tcpflow users know, written
 * incrementally: the header when the run starts, one <fileobject> per
 * direction as its flow closes (whole fileobjects reach the file within
 * 100 ms, or at report_flush(), so after SIGKILL the file is a readable
 * prefix), and the trailer at the end of the run.
 *
 * Structure and attribute names follow tcpflow 1.6.1 (see
 * ../shared/research/tcpflow-1.6.1.md section 4), fixing its faults: the real
 * command line is recorded, MACs appear only for Ethernet input, and each
 * fileobject also says how many holes and conflicting overlaps its direction
 * had and which connection (id, instance) and side it belongs to.
 */
#ifndef FLOWSCOPE_REPORT_H
#define FLOWSCOPE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One direction of one connection, as written in a <fileobject>. */
struct report_dir {
	const char	*filename;	/* NULL: no file (-FX) */
	uint64_t	 filesize;	/* logical length, holes included */
	uint64_t	 first_ns;	/* first and last packet times */
	uint64_t	 last_ns;
	bool		 has_mac;
	uint8_t		 mac_src[6];
	uint8_t		 mac_dst[6];
	uint8_t		 af;		/* FS_AF_INET or FS_AF_INET6 */
	uint8_t		 src[16];
	uint8_t		 dst[16];
	uint16_t	 sport;
	uint16_t	 dport;
	bool		 has_vlan;
	uint16_t	 vlan;
	uint64_t	 packets;
	uint64_t	 out_of_order;	/* segments that arrived before earlier data */
	uint64_t	 violations;	/* protocol violations (data below ISN...) */
	uint64_t	 len;		/* sum of original frame lengths */
	uint64_t	 caplen;	/* sum of captured frame lengths */
	uint64_t	 holes;		/* NUL-filled holes inside the stream */
	uint64_t	 hole_bytes;
	uint64_t	 overlaps;	/* overlaps whose bytes differed */
	uint64_t	 overlap_bytes;
	uint64_t	 truncated_bytes; /* bytes not written: -b, disk full */
	uint64_t	 conn_id;	/* same for both directions */
	uint32_t	 instance;	/* port-reuse instance, 0 first */
	bool		 is_client;	/* direction from the connection's opener */
	const char	*close_reason;	/* "fin", "rst", "timeout", "eof"... */
};

/* Run-level facts for the header. */
struct report_info {
	const char	*command_line;	/* the real one, joined with spaces */
	const char	*version;
	uint64_t	 start_ns;	/* wall clock at start */
	int64_t		 tdelta;	/* -S tdelta, seconds */
};

/* Run-level totals for the trailer. */
struct report_summary {
	uint64_t	 total_flows;	/* directions written as fileobjects */
	uint64_t	 total_packets;	/* packets attributed to flows */
	uint64_t	 max_open_flows;
	uint64_t	 open_fds_at_end;
	uint64_t	 flow_map_size;
	/* malformed/dropped counters: name/value pairs, may be 0 of them */
	const char *const *counter_names;
	const uint64_t	*counter_values;
	size_t		 ncounters;
	bool		 interrupted;	/* stopped by a signal */
};

struct report;

/*
 * Create path (truncating it) and write the header.  Returns NULL and a
 * one-line message naming the file in err on failure.
 */
struct report	*report_open(const char *path, const struct report_info *info,
		    char *err, size_t errlen);

/* Append one fileobject (written out within 100 ms).  -1 on a write error
 * (message in err). */
int		 report_add(struct report *r, const struct report_dir *d,
		    char *err, size_t errlen);

/* Write out what report_add() buffered.  -1 on a write error. */
int		 report_flush(struct report *r, char *err, size_t errlen);

/*
 * Write the trailer (summary, counters, rusage) and close.  Safe to call once
 * on the way out of a signal-stopped run.  -1 on a write error.
 */
int		 report_close(struct report *r, const struct report_summary *s,
		    char *err, size_t errlen);

#endif /* FLOWSCOPE_REPORT_H */
