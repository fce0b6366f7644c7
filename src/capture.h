/*
 * capture.h: where packets come from.  One struct capture reads either a
 * sequence of capture files (pcap in both byte orders and both time
 * resolutions, pcapng with any number of interfaces and link types per
 * file, either of them gzip-compressed; "-" is standard input) or a live
 * interface through libpcap.  An optional BPF filter applies to both.
 *
 * Records are borrowed: a capture_record's data is valid until the next
 * capture_next() call (STYLE.md 19).
 */
#ifndef FLOWSCOPE_CAPTURE_H
#define FLOWSCOPE_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct capture_record {
	uint64_t	 ts_ns;		/* ns since the epoch */
	uint32_t	 caplen;
	uint32_t	 wirelen;
	int		 linktype;	/* LINKTYPE_* of this record's interface */
	const uint8_t	*data;
};

struct capture_stats {
	uint64_t	 records;	/* records returned */
	uint64_t	 filtered;	/* records rejected by the BPF filter */
	uint64_t	 bytes_read;	/* input bytes consumed (compressed) */
	uint64_t	 bytes_total;	/* size of the current file, 0 if unknown */
	uint64_t	 kernel_recv;	/* live: pcap_stats ps_recv */
	uint64_t	 kernel_drop;	/* live: ps_drop + ps_ifdrop */
};

struct capture;

/*
 * Open the capture files paths[0..n-1], read in order as one capture.  Only
 * the first file is opened now; a later one that fails is reported by
 * capture_next().  Returns NULL and a one-line message naming the file in
 * err on failure.
 */
struct capture	*capture_open_files(const char *const *paths, size_t n,
		    char *err, size_t errlen);

/*
 * Open interface iface for live capture ("any" too), promiscuous unless
 * promisc is false, with snaplen bytes per packet (0: 262144).
 */
struct capture	*capture_open_live(const char *iface, bool promisc,
		    int snaplen, char *err, size_t errlen);

/*
 * Compile and install a BPF filter expression.  For files it is compiled per
 * link type on first use and applied with pcap_offline_filter.  Returns -1 and
 * a message in err for a bad expression.
 */
int		 capture_set_filter(struct capture *c, const char *expr,
		    char *err, size_t errlen);

/*
 * Next record: 1 and *rec filled; 0 at the end of all input; -1 on an error
 * (damaged or truncated file, unreadable next file, interface gone), with a
 * one-line message naming the file in err.  After -1 the capture is finished.
 * -2 means "no packet within timeout_ms" (a live capture, or a pipe that is
 * quiet), so the caller can check for stop requests and flush; a live
 * capture never returns 0.  A negative timeout_ms waits as long as needed.
 */
int		 capture_next(struct capture *c, struct capture_record *rec,
		    int timeout_ms, char *err, size_t errlen);

/* Link type of the first interface, or -1 if not known yet. */
int		 capture_linktype(const struct capture *c);

/* Name of the file being read (or the interface). */
const char	*capture_source_name(const struct capture *c);

bool		 capture_is_live(const struct capture *c);

/* Interrupt a blocked capture_next() from a signal handler or thread. */
/* Files: at the end of the last one, wait for more (--follow); idle(arg)
 * is called every 50 ms while a record is waited for. */
void		 capture_set_follow(struct capture *c, bool on,
		    void (*idle)(void *), void *arg);

void		 capture_breakloop(struct capture *c);

void		 capture_get_stats(struct capture *c, struct capture_stats *st);

/*
 * A pcap writer for -w: records with their own link type.  Returns NULL and a
 * message on failure.
 */
struct capture_dump;
struct capture_dump *capture_dump_open(const char *path, int linktype,
		    char *err, size_t errlen);
int		 capture_dump_write(struct capture_dump *d,
		    const struct capture_record *rec);
/* Push buffered records to the file (a reader may be waiting). */
int		 capture_dump_flush(struct capture_dump *d);
void		 capture_dump_close(struct capture_dump *d);

void		 capture_close(struct capture *c);

#endif /* FLOWSCOPE_CAPTURE_H */
