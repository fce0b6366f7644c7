/*
 * pipeline.h: the whole job as one object: capture -> decode -> flow
 * tracking -> reassembly -> sinks (flow files, report.xml, console, -w dump,
 * netviz statistics, and in UI mode the row sink).
 *
 * Batch mode (batch.c) runs it in the main thread.  The UI runs
 * pipeline_run() in its capture thread: the pipeline then also feeds
 * sink-rows (rows through a chan, see flow-row.h), writes staged bytes out
 * every 100 ms so the pager sees a live stream soon, and publishes a small
 * status record (counters for the header line) under a mutex.
 * pipeline_stop() is safe from any thread and from a signal handler.
 */
#ifndef FLOWSCOPE_PIPELINE_H
#define FLOWSCOPE_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "chan.h"
#include "netviz-stats.h"
#include "opts.h"

/* What the UI's header shows; copied out with pipeline_get_status(). */
struct pipeline_status {
	uint64_t	 packets;	/* records read */
	uint64_t	 wire_bytes;	/* their original lengths */
	uint64_t	 tcp_segments;
	uint64_t	 malformed;	/* invalid or truncated frames */
	uint64_t	 conns_total;
	uint64_t	 conns_open;
	uint64_t	 file_read;	/* input bytes consumed */
	uint64_t	 file_total;	/* 0 if unknown (live, pipe) */
	uint64_t	 kernel_drop;	/* live */
	uint64_t	 write_errors;
	bool		 live;
	bool		 done;		/* input ended or stopped */
	bool		 failed;	/* an input or output error (error[]) */
	bool		 live_pcap_full;	/* packets no longer kept (2 GiB) */
	char		 error[256];	/* the first error, one line */
};

struct pipeline;

/* The function that draws -e netviz pictures; the program sets it (the core
 * library does not link render/).  Without it -e netviz draws nothing. */
void		 pipeline_set_netviz_draw(netviz_draw_fn fn);
netviz_draw_fn	 pipeline_netviz_draw(void);

/*
 * A pipeline for o.  rows != NULL makes it a UI pipeline that sends row
 * items (union flow_row_item) there.  Nothing is opened yet.
 */
struct pipeline	*pipeline_new(const struct opts *o, struct chan *rows);

/* Open the input and the outputs; -1 after printing a one-line reason. */
int		 pipeline_open(struct pipeline *p);

/* Read until the end of input or pipeline_stop(); 0, or -1 on an input
 * error (printed).  The UI calls it in its capture thread. */
int		 pipeline_run(struct pipeline *p);

/* Ask pipeline_run() to return soon. */
void		 pipeline_stop(struct pipeline *p);

/* True if pipeline_stop() was called. */
bool		 pipeline_stopped(const struct pipeline *p);

/* Close every connection, write everything out, finish report.xml and
 * the netviz picture.  Returns the exit status (0 or 1). */
int		 pipeline_finish(struct pipeline *p, bool interrupted);

/* UI mode, after pipeline_finish(): offer the rows the UI has not had yet;
 * true when every row went out.  The capture thread calls it until then
 * (the UI takes a batch at a time). */
bool		 pipeline_rows_drain(struct pipeline *p);

/* A copy of the status, from any thread. */
void		 pipeline_get_status(struct pipeline *p,
		    struct pipeline_status *st);

/* Where stream files are (the -o directory or the private spool), and the
 * run log's path (UI mode; NULL without one). */
const char	*pipeline_stream_dir(const struct pipeline *p);
const char	*pipeline_runlog_path(const struct pipeline *p);

/* The private spool directory (UI mode), and the pcap of every packet kept
 * there during a live capture (NULL: none). */
const char	*pipeline_spool_dir(const struct pipeline *p);
const char	*pipeline_live_pcap(const struct pipeline *p);

/* True when stream files have spool names (flow_row_spool_name). */
bool		 pipeline_spool_names(const struct pipeline *p);

/* The input (file name or interface). */
const char	*pipeline_source(const struct pipeline *p);

/* Free everything; removes the private spool. */
void		 pipeline_free(struct pipeline *p);

#endif /* FLOWSCOPE_PIPELINE_H */
