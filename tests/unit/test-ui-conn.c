/*
 * test-ui-conn.c: a connection as a pager document (ui/ui-conn.c): runs
 * from a hand-made run log, clipped to what is readable, holes, a RESET
 * that supersedes a direction's earlier records, bytes read back, and a
 * file name that leaves the directory refused.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow-row.h"
#include "store.h"
#include "tap.h"
#include "ui-conn.h"

static char *spool;
static int dirfd_, logfd;
static uint64_t nrecs;

static void
put_file(const char *name, size_t len, int byte)
{
	char path[512];
	FILE *f;
	size_t i;

	snprintf(path, sizeof path, "%s/%s", spool, name);
	f = fopen(path, "w");
	for (i = 0; i < len; i++)
		fputc(byte + (int)(i % 7), f);
	fclose(f);
}

/* Append a record chained to prev; returns its number (index + 1). */
static uint64_t
rec(uint64_t prev, int d, int kind, uint64_t off, uint64_t len)
{
	struct flow_run_rec r;

	memset(&r, 0, sizeof r);
	r.prev = prev;
	r.dir = (uint8_t)d;
	r.kind = (uint8_t)kind;
	r.off = off;
	r.len = len;
	r.ts_ns = 1000000000ull * (nrecs + 1);
	if (pwrite(logfd, &r, sizeof r, (off_t)(nrecs * sizeof r)) !=
	    (ssize_t)sizeof r)
		abort();
	return (++nrecs);
}

static struct ui_row
row(uint64_t id, uint64_t a0, uint64_t a1, uint64_t last)
{
	struct ui_row r;

	memset(&r, 0, sizeof r);
	r.id = id;
	r.key.af = 4;
	r.key.pa = 40000;
	r.key.pb = 80;
	r.client = 0;
	r.bytes[0] = r.avail[0] = a0;
	r.bytes[1] = r.avail[1] = a1;
	r.last_run = last;
	r.state = ROW_CLOSED;
	r.path[0] = r.path[1] = UINT32_MAX;
	return (r);
}

static bool
run_is(const struct ui_doc *d, size_t i, int dir, int kind, uint64_t off,
    uint64_t len)
{
	const struct ui_run *r;

	if (i >= d->nruns)
		return (false);
	r = &d->runs[i];
	return (r->dir == dir && r->kind == kind && r->off == off &&
	    r->len == len);
}

int
main(void)
{
	struct ui_conn_env env;
	struct ui_conn *c;
	struct ui_doc doc;
	struct ui_row r;
	char err[256], path[512];
	uint8_t buf[64];
	uint64_t last;

	tap_plan_none();
	spool = store_mkdtemp("test-ui-conn");
	if (spool == NULL)
		return (99);
	dirfd_ = open(spool, O_RDONLY | O_DIRECTORY);
	snprintf(path, sizeof path, "%s/%s", spool, FLOW_RUN_LOG);
	logfd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	memset(&env, 0, sizeof env);
	env.dirfd = dirfd_;
	env.runlog_fd = logfd;
	env.spool = spool;
	env.spool_names = true;

	/* Conn 7: client 0-99, server 0-149, client 100-299 with a hole. */
	put_file("7.0", 300, 'a');
	put_file("7.1", 150, 'A');
	last = rec(0, 0, FLOW_RUN_DATA, 0, 0);
	last = rec(last, 1, FLOW_RUN_DATA, 0, 0);
	last = rec(last, 0, FLOW_RUN_DATA, 100, 0);
	last = rec(last, 0, FLOW_RUN_HOLE, 150, 50);
	last = rec(last, 0, FLOW_RUN_DATA, 200, 0);
	r = row(7, 300, 150, last);
	c = ui_conn_new(&env, &r, NULL, NULL);
	tap_ok(ui_conn_source(c)->snapshot(ui_conn_source(c)->arg, &doc, err,
	    sizeof err) == 0, "snapshot");
	tap_is_int((long long)doc.nruns, 5, "five runs");
	tap_ok(run_is(&doc, 0, 0, RUN_DATA, 0, 100) &&
	    run_is(&doc, 1, 1, RUN_DATA, 0, 150) &&
	    run_is(&doc, 2, 0, RUN_DATA, 100, 50) &&
	    run_is(&doc, 3, 0, RUN_HOLE, 150, 50) &&
	    run_is(&doc, 4, 0, RUN_DATA, 200, 100),
	    "runs in send order, each to the next of its direction, the hole");
	tap_ok(doc.timed && doc.len[0] == 300 && doc.len[1] == 150,
	    "timed, lengths");
	tap_ok(ui_conn_source(c)->read(ui_conn_source(c)->arg, 1, 140, buf,
	    sizeof buf) == 10 && buf[0] == 'A' + 140 % 7,
	    "read is clipped to what is readable");

	/* Less readable than logged: runs are clipped. */
	r.avail[0] = 120;
	ui_conn_update(c, &r);
	ui_conn_source(c)->snapshot(ui_conn_source(c)->arg, &doc, err,
	    sizeof err);
	tap_ok(doc.nruns == 3 && run_is(&doc, 2, 0, RUN_DATA, 100, 20),
	    "a partly written direction: runs clipped to avail");

	/* Late bytes filled the hole: RESET, then the direction again. */
	last = rec(last, 0, FLOW_RUN_RESET, 0, 0);
	last = rec(last, 0, FLOW_RUN_DATA, 0, 0);
	r.avail[0] = 300;
	r.last_run = last;
	ui_conn_update(c, &r);
	ui_conn_source(c)->snapshot(ui_conn_source(c)->arg, &doc, err,
	    sizeof err);
	tap_ok(doc.nruns == 2 && run_is(&doc, 0, 1, RUN_DATA, 0, 150) &&
	    run_is(&doc, 1, 0, RUN_DATA, 0, 300),
	    "RESET: the client's earlier runs and the hole are gone, its "
	    "bytes are one run");
	ui_conn_free(c);

	/* No run log: the directions one after the other. */
	env.runlog_fd = -1;
	r = row(7, 300, 150, 0);
	c = ui_conn_new(&env, &r, NULL, NULL);
	ui_conn_source(c)->snapshot(ui_conn_source(c)->arg, &doc, err,
	    sizeof err);
	tap_ok(!doc.timed && doc.nruns == 2 &&
	    run_is(&doc, 0, 0, RUN_DATA, 0, 300) &&
	    run_is(&doc, 1, 1, RUN_DATA, 0, 150), "untimed: client, server");
	ui_conn_free(c);

	/* A name out of the directory or through a symlink is refused. */
	tap_ok(ui_conn_open_file(dirfd_, "../etc/passwd") == -1,
	    "'../' refused");
	snprintf(path, sizeof path, "%s/link", spool);
	tap_ok(symlink("/etc/passwd", path) == 0 &&
	    ui_conn_open_file(dirfd_, "link") == -1,
	    "a symlink is not followed");
	close(logfd);
	close(dirfd_);
	store_remove_tree(spool);
	free(spool);
	return (tap_done());
}
