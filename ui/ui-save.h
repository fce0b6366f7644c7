/*
 * ui-save.h: the UI's "save" action.  Copies marked connections out of the
 * stream directory (the private spool or -o DIR) into a directory the user
 * names, as batch mode would have written them: one file per direction
 * with tcpflow's name, a report.xml, and on request one transcript per
 * connection (both directions in send order) and a pcap of the
 * connections' packets re-read from the capture files.
 *
 * Nothing in the destination is ever overwritten: every file is created
 * with O_EXCL relative to the destination's descriptor, names that exist
 * take tcpflow's c1, c2... suffix (report-1.xml, connections-1.pcap).
 *
 * No curses: the caller shows the one-line result.  Runs in the UI thread
 * and blocks for as long as the copy takes.
 */
#ifndef FLOWSCOPE_UI_SAVE_H
#define FLOWSCOPE_UI_SAVE_H

#include <stdbool.h>
#include <stddef.h>

#include "ui-row.h"

/* One connection to save. */
struct ui_save_conn {
	struct ui_row	 row;
	const char	*path[2];	/* per core direction, relative to
					   src_dirfd; unused (NULL) with
					   spool_names */
};

struct ui_save_req {
	const char	*dir;		/* destination, created with parents */
	int		 src_dirfd;	/* the stream directory */
	bool		 spool_names;	/* stream files are "<id>.<dir>" */
	int		 runlog_fd;	/* run log for transcripts, -1: none */
	const struct ui_save_conn *conns;
	size_t		 n;
	bool		 transcript;	/* one NAME.transcript.txt per conn */
	bool		 pcap;		/* connections.pcap */
	const char *const *pcap_sources; /* capture files to re-read */
	size_t		 npcap_sources;
	const char	*template;	/* tcpflow -T names, NULL: default */
	const char	*command_line;	/* for report.xml */
};

/*
 * Save req->conns into req->dir.  Returns 0 with a one-line summary in msg
 * ("saved 3 connections (7 files, 1.2 MB) to DIR"), or -1 with a one-line
 * error naming the file ("DIR/x: No space left on device"); the first
 * error stops the save, what was written stays, and the message says so.
 */
int		 ui_save(const struct ui_save_req *req, char *msg,
		    size_t msglen);

#endif /* FLOWSCOPE_UI_SAVE_H */
