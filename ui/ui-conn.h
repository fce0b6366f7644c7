/*
 * ui-conn.h: one connection as a pager document (struct ui_pager_source):
 * its runs from the run log, its bytes by pread from the two stream files,
 * and the HTTP view (both directions decoded by ui-http.c into files in
 * the spool).  UI thread only.
 */
#ifndef FLOWSCOPE_UI_CONN_H
#define FLOWSCOPE_UI_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "ui-pager.h"
#include "ui-row.h"

struct ui_conn_env {
	int		 dirfd;		/* the stream directory */
	int		 runlog_fd;	/* -1: none (untimed) */
	const char	*spool;		/* for HTTP view files, NULL: none */
	bool		 spool_names;	/* files named "<id>.<dir>" */
};

struct ui_conn;

/* A document for row r; path[d] are its file names when not spool names
 * (NULL: none).  Never fails: files that cannot be opened read as empty
 * and the error is shown. */
struct ui_conn	*ui_conn_new(const struct ui_conn_env *env,
		    const struct ui_row *r, const char *path0,
		    const char *path1);

/* The row changed: take its new lengths and runs. */
void		 ui_conn_update(struct ui_conn *c, const struct ui_row *r);

/* The source the pager reads (valid while c lives). */
const struct ui_pager_source *ui_conn_source(struct ui_conn *c);

/* Open path (relative) for reading beneath dirfd: never through a symlink
 * or out of the directory.  -1 with errno set. */
int		 ui_conn_open_file(int dirfd, const char *path);

/* "client addr:port -> server addr:port" (valid while c lives). */
const char	*ui_conn_title(const struct ui_conn *c);

/* The connection's id. */
uint64_t	 ui_conn_id(const struct ui_conn *c);

void		 ui_conn_free(struct ui_conn *c);

#endif /* FLOWSCOPE_UI_CONN_H */
