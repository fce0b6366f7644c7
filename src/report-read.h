/*
 * report-read.h: read a report.xml back (written by flowscope or by tcpflow
 * 1.6.1) and pair the two directions of each connection.
 *
 * tcpflow's structure is odd: the <fileobject> elements sit inside a second
 * <configuration>, times are 'startime'/'endtime' ISO 8601 strings, and
 * attributes may hold garbage.  Any <fileobject> anywhere is taken; an
 * attribute that does not parse is ignored (counted in bad_attrs), never an
 * error.  flowscope's own <flowscope conn_id= side= .../> element, when
 * present, pairs the directions exactly; otherwise they are paired by
 * reversed 4-tuple and overlapping times, and the earlier starter is taken
 * as the client.
 *
 * Paths from the report are untrusted: see report_read_stream_path().
 */
#ifndef FLOWSCOPE_REPORT_READ_H
#define FLOWSCOPE_REPORT_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One <fileobject>: one direction of one connection. */
struct report_flow {
	char		*filename;	/* as written, NULL if none */
	uint64_t	 filesize;
	uint64_t	 first_ns;
	uint64_t	 last_ns;
	uint8_t		 af;		/* 4 or 6; 0 if the addresses were bad */
	uint8_t		 src[16];
	uint8_t		 dst[16];
	uint16_t	 sport;
	uint16_t	 dport;
	uint64_t	 packets;
	uint64_t	 len;		/* frame bytes */
	uint64_t	 caplen;
	uint64_t	 out_of_order;
	uint64_t	 violations;
	bool		 has_conn_id;	/* flowscope element seen */
	uint64_t	 conn_id;
	uint32_t	 instance;
	int		 side;		/* 0 client, 1 server, -1 unknown */
	uint64_t	 holes;
	uint64_t	 hole_bytes;
	uint64_t	 overlaps;
	unsigned long	 line;		/* where the fileobject starts */
};

/* A connection: indexes into flows, [0] the client's direction; -1 none. */
struct report_conn {
	long		 dir[2];
};

struct report_data {
	struct report_flow *flows;
	size_t		 nflows;
	struct report_conn *conns;	/* in order of first packet */
	size_t		 nconns;
	char		*program;	/* "TCPFLOW", "flowscope"... or NULL */
	char		*command_line;
	uint64_t	 bad_attrs;	/* attributes that did not parse */
};

/*
 * Read path.  Returns 0 with *out filled; 1 when the XML is malformed or
 * truncated: *out holds every fileobject completed before the error and err
 * says "path:LINE:COLUMN: what"; -1 when the file cannot be read (*out
 * NULL, err says why).
 */
int		 report_read(const char *path, struct report_data **out,
		    char *err, size_t errlen);

void		 report_data_free(struct report_data *rd);

/*
 * The name, relative to the report's directory, under which a flow's stream
 * file is looked for: the filename with any leading directories that
 * (written by the original run) are not below DIR removed, i.e. its last
 * component, or its last components when they are the -F k/m/g subdirectory
 * digits.  The rule, for every later reader of stream files: a name from a
 * report is never used as is; the result here is relative, has no "..",
 * "." or empty component, and the file must then be opened below DIR with
 * openat(O_NOFOLLOW) one component at a time, so a symlink (or a name) in
 * the report can never lead outside DIR.  Returns 0, or -1 when nothing safe
 * is left.
 */
int		 report_read_stream_path(const char *filename, char *out,
		    size_t outlen);

#endif /* FLOWSCOPE_REPORT_READ_H */
