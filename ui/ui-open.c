/*
 * ui-open.c: a directory written by flowscope or tcpflow as UI rows; see
 * ui-open.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ui-open.h"

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow-hint.h"
#include "flow-row.h"
#include "flow-table.h"
#include "log.h"
#include "report-read.h"
#include "ui-conn.h"
#include "xmalloc.h"

/* Service hints from the files' first bytes, up to this many connections
 * (two small reads each). */
#define OPEN_HINT_MAX	200000

/* The hint of row r from the first bytes of its files (their names are
 * in the model already). */
static void
open_hint(const struct ui_model *m, int dirfd, struct flow_row *r)
{
	char h[2][FLOW_ROW_HINT];
	uint8_t buf[2048];
	const char *path;
	ssize_t got;
	int d, fd;

	for (d = 0; d < 2; d++) {
		h[d][0] = '\0';
		path = ui_model_path(m, (uint32_t)r->id, d);
		if (path == NULL || (fd = ui_conn_open_file(dirfd, path)) == -1)
			continue;
		got = pread(fd, buf, sizeof buf, 0);
		close(fd);
		if (got <= 0)
			continue;
		flow_hint(buf, (size_t)got, d == r->client, d == 0 ?
		    r->key.pa : r->key.pb, d == 0 ? r->key.pb : r->key.pa,
		    h[d], sizeof h[d]);
	}
	flow_hint_merge(h[r->client], h[r->client ^ 1], r->hint,
	    sizeof r->hint);
	if (r->hint[0] != '\0')
		r->hint_dir = FLOW_ROW_HINT_BOTH;
}

/* The file item of direction core of connection id, into the model. */
static void
open_file_item(struct ui_model *m, uint64_t id, int core, const char *name)
{
	union flow_row_item it;

	memset(&it, 0, sizeof it);
	it.file.type = FLOW_ROW_FILE;
	it.file.id = id;
	it.file.dir = (uint8_t)core;
	snprintf(it.file.path, sizeof it.file.path, "%s", name);
	ui_model_apply(m, &it, 1);
}

int
ui_open_load(struct ui_model *m, const char *dir, int *dirfd, size_t *nconns,
    char *err, size_t errlen)
{
	struct report_data *rd = NULL;
	union flow_row_item *items;
	char path[PATH_MAX], rerr[1024], rel[FLOW_ROW_PATH];
	size_t i, n = 0;
	int d;

	err[0] = '\0';
	*nconns = 0;
	snprintf(path, sizeof path, "%s/report.xml", dir);
	if (report_read(path, &rd, rerr, sizeof rerr) == -1) {
		if (rd == NULL) {
			log_warnx("%s", rerr);
			return (-1);
		}
		snprintf(err, errlen, "%s", rerr);
	}
	*dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*dirfd == -1) {
		log_warn("%s", dir);
		report_data_free(rd);
		return (-1);
	}
	items = xreallocarray(NULL, rd->nconns + 1, sizeof *items);
	for (i = 0; i < rd->nconns; i++) {
		const struct report_conn *rc = &rd->conns[i];
		const struct report_flow *cf = rc->dir[0] >= 0 ?
		    &rd->flows[rc->dir[0]] : &rd->flows[rc->dir[1]];
		struct flow_row *r = &items[n].row;
		struct flow_key k;
		int cdir;

		if (cf->af != 4 && cf->af != 6)
			continue;
		memset(&items[n], 0, sizeof items[n]);
		/* cf is the client's flow unless only the server's exists. */
		cdir = flow_key_make(&k, cf->af, cf->src, cf->sport, cf->dst,
		    cf->dport, false, 0);
		if (rc->dir[0] < 0)
			cdir ^= 1;
		r->type = FLOW_ROW_UPDATE;
		r->id = i;
		r->key = k;
		r->client = (uint8_t)cdir;
		r->state = FLOW_ROW_CLOSED;
		r->hint_dir = 0xff;
		r->first_ns = UINT64_MAX;
		for (d = 0; d < 2; d++) {
			const struct report_flow *f;
			int core = d == 0 ? cdir : cdir ^ 1;

			if (rc->dir[d] < 0)
				continue;
			f = &rd->flows[rc->dir[d]];
			r->bytes[core] = f->filesize;
			r->avail[core] = f->filesize;
			r->packets[core] = f->packets;
			if (f->first_ns < r->first_ns)
				r->first_ns = f->first_ns;
			if (f->last_ns > r->last_ns)
				r->last_ns = f->last_ns;
			if (f->holes > 0)
				r->flags |= FLOW_ROW_HOLES;
			if (f->filename != NULL && report_read_stream_path(
			    f->filename, rel, sizeof rel) == 0)
				open_file_item(m, i, core, rel);
		}
		if (r->first_ns == UINT64_MAX)
			r->first_ns = 0;
		if (rd->nconns <= OPEN_HINT_MAX)
			open_hint(m, *dirfd, r);
		n++;
	}
	ui_model_apply(m, items, n);
	free(items);
	report_data_free(rd);
	*nconns = n;
	return (0);
}
