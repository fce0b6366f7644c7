/*
 * ui-conn.c: a connection as a pager document; see ui-conn.h.
 *
 * Runs come from the run log: the row names its newest record, each record
 * its predecessor, so the chain is read backwards with one pread per record
 * and only records newer than the last ones seen are read on an update.
 * A data run reaches to the next record of its direction (or to what is
 * readable); hole records give their length.  Pager directions are 0 for
 * the client's bytes and 1 for the server's; the core's are by address
 * order, so they are mapped through the row's client index.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ui-conn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

#include "flow-row.h"
#include "ui-filter.h"
#include "ui-http.h"
#include "xmalloc.h"

#define CONN_MAX_RUNS	(1u << 20)	/* beyond: shown untimed */

struct conn_rec {			/* a run record, pager direction */
	uint64_t	 off;
	uint64_t	 len;		/* holes */
	uint64_t	 ts_ns;
	uint8_t		 pdir;
	uint8_t		 kind;
};

struct http_view {
	int		 fd[2];		/* decoded copies, pager direction */
	uint64_t	 len[2];
	struct ui_run	*runs;
	size_t		 nruns;
};

struct ui_conn {
	struct ui_conn_env env;
	struct ui_row	 row;
	struct ui_pager_source src;
	int		 fd[2];		/* stream files, pager direction */
	int		 open_errno[2];
	struct conn_rec	*recs;		/* oldest first */
	size_t		 nrecs;
	size_t		 recs_cap;
	uint64_t	 last_run;	/* newest record read + 1 */
	bool		 untimed;	/* no (usable) run log */
	struct ui_run	*runs;
	size_t		 nruns;
	size_t		 runs_cap;
	struct http_view *http;		/* NULL: raw view */
	char		 title[160];
	char		 label[2][80];
};

/* Core direction of pager direction pdir. */
static int
core_dir(const struct ui_conn *c, int pdir)
{
	return (pdir == 0 ? c->row.client : c->row.client ^ 1);
}

/*
 * Open a stream file beneath the stream directory: never through a symlink
 * or out of it (--open reads names from a report.xml someone else wrote).
 */
int
ui_conn_open_file(int dirfd, const char *path)
{
#ifdef SYS_openat2
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof how);
	how.flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
	    RESOLVE_NO_MAGICLINKS;
	fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
	if (fd >= 0 || errno != ENOSYS)
		return ((int)fd);
#endif
	if (path[0] == '/' || strstr(path, "..") != NULL) {
		errno = EPERM;
		return (-1);
	}
	return (openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
}

static void
open_files(struct ui_conn *c, const char *path0, const char *path1)
{
	char name[64];
	const char *p;
	int pdir, d;

	for (pdir = 0; pdir < 2; pdir++) {
		d = core_dir(c, pdir);
		c->fd[pdir] = -1;
		if (c->env.spool_names) {
			flow_row_spool_name(c->row.id, d, name, sizeof name);
			p = name;
		} else
			p = d == 0 ? path0 : path1;
		if (p == NULL || c->row.bytes[d] == 0)
			continue;
		c->fd[pdir] = ui_conn_open_file(c->env.dirfd, p);
		if (c->fd[pdir] == -1)
			c->open_errno[pdir] = errno;
	}
}

/* Read records newer than the ones we have (chain from row.last_run). */
static void
read_runs(struct ui_conn *c)
{
	struct flow_run_rec rec;
	struct conn_rec *fresh = NULL;
	size_t nfresh = 0, cap = 0;
	uint64_t at = c->row.last_run;

	if (c->untimed || c->env.runlog_fd == -1) {
		c->untimed = true;
		return;
	}
	while (at != 0 && at != c->last_run) {
		if (pread(c->env.runlog_fd, &rec, sizeof rec,
		    (off_t)((at - 1) * sizeof rec)) != (ssize_t)sizeof rec ||
		    rec.prev >= at || rec.dir > 1 ||
		    c->nrecs + nfresh >= CONN_MAX_RUNS) {
			/* Unreadable or absurd: fall back to untimed. */
			c->untimed = true;
			free(fresh);
			return;
		}
		if (nfresh == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			fresh = xreallocarray(fresh, cap, sizeof *fresh);
		}
		fresh[nfresh].off = rec.off;
		fresh[nfresh].len = rec.len;
		fresh[nfresh].ts_ns = rec.ts_ns;
		fresh[nfresh].pdir = rec.dir == c->row.client ? 0 : 1;
		fresh[nfresh].kind = rec.kind;
		nfresh++;
		at = rec.prev;
	}
	c->last_run = c->row.last_run;
	if (c->nrecs + nfresh > c->recs_cap) {
		c->recs_cap = c->nrecs + nfresh + 64;
		c->recs = xreallocarray(c->recs, c->recs_cap, sizeof *c->recs);
	}
	while (nfresh > 0)		/* read newest first: reverse */
		c->recs[c->nrecs++] = fresh[--nfresh];
	free(fresh);
}

static void
run_push(struct ui_conn *c, int pdir, int kind, uint64_t off, uint64_t len,
    uint64_t ts)
{
	struct ui_run *r;

	if (len == 0)
		return;
	if (c->nruns == c->runs_cap) {
		c->runs_cap = c->runs_cap == 0 ? 64 : c->runs_cap * 2;
		c->runs = xreallocarray(c->runs, c->runs_cap, sizeof *c->runs);
	}
	r = &c->runs[c->nruns++];
	r->off = off;
	r->len = len;
	r->ts_ns = ts;
	r->dir = (uint8_t)pdir;
	r->kind = (uint8_t)kind;
}

/* Turn the records into runs clipped to what is readable. */
static void
build_runs(struct ui_conn *c)
{
	uint64_t avail[2], end;
	size_t i, j, reset[2];
	int pdir;

	c->nruns = 0;
	for (pdir = 0; pdir < 2; pdir++)
		avail[pdir] = c->fd[pdir] == -1 ? 0 :
		    c->row.avail[core_dir(c, pdir)];
	if (c->untimed || c->nrecs == 0) {
		run_push(c, 0, RUN_DATA, 0, avail[0], c->row.first_ns);
		run_push(c, 1, RUN_DATA, 0, avail[1], 0);
		return;
	}
	/* A RESET supersedes the earlier records of its direction. */
	reset[0] = reset[1] = 0;
	for (i = 0; i < c->nrecs; i++) {
		if (c->recs[i].kind == FLOW_RUN_RESET)
			reset[c->recs[i].pdir] = i + 1;
	}
	for (i = 0; i < c->nrecs; i++) {
		const struct conn_rec *r = &c->recs[i];

		pdir = r->pdir;
		if (i < reset[pdir] || r->kind == FLOW_RUN_RESET ||
		    r->off >= avail[pdir])
			continue;
		if (r->kind == FLOW_RUN_HOLE) {
			end = r->off + r->len;
			run_push(c, pdir, RUN_HOLE, r->off, (end > avail[pdir] ?
			    avail[pdir] : end) - r->off, r->ts_ns);
			continue;
		}
		end = avail[pdir];
		for (j = i + 1; j < c->nrecs; j++) {
			if (c->recs[j].pdir == pdir) {
				if (c->recs[j].off < end)
					end = c->recs[j].off;
				break;
			}
		}
		if (end > r->off)
			run_push(c, pdir, RUN_DATA, r->off, end - r->off,
			    r->ts_ns);
	}
}

static void
http_free(struct http_view *h)
{
	int i;

	if (h == NULL)
		return;
	for (i = 0; i < 2; i++) {
		if (h->fd[i] != -1)
			close(h->fd[i]);
	}
	free(h->runs);
	free(h);
}

static int
conn_snapshot(void *arg, struct ui_doc *doc, char *err, size_t errlen)
{
	struct ui_conn *c = arg;
	int pdir;

	memset(doc, 0, sizeof *doc);
	doc->live = c->row.state == ROW_SYN || c->row.state == ROW_OPEN;
	doc->title = c->title;
	doc->label[0] = c->label[0];
	doc->label[1] = c->label[1];
	if (c->http != NULL) {
		doc->runs = c->http->runs;
		doc->nruns = c->http->nruns;
		doc->len[0] = c->http->len[0];
		doc->len[1] = c->http->len[1];
		doc->timed = true;
		return (0);
	}
	doc->runs = c->runs;
	doc->nruns = c->nruns;
	doc->timed = !c->untimed;
	for (pdir = 0; pdir < 2; pdir++) {
		doc->len[pdir] = c->fd[pdir] == -1 ? 0 :
		    c->row.avail[core_dir(c, pdir)];
		if (c->open_errno[pdir] != 0 && err != NULL) {
			snprintf(err, errlen, "%s stream: %s", pdir == 0 ?
			    "client" : "server", strerror(c->open_errno[pdir]));
			return (-1);
		}
	}
	return (0);
}

static ssize_t
conn_read(void *arg, int pdir, uint64_t off, uint8_t *buf, size_t len)
{
	struct ui_conn *c = arg;
	uint64_t avail;
	int fd;
	ssize_t n;

	if (pdir < 0 || pdir > 1)
		return (-1);
	if (c->http != NULL) {
		fd = c->http->fd[pdir];
		avail = c->http->len[pdir];
	} else {
		fd = c->fd[pdir];
		avail = fd == -1 ? 0 : c->row.avail[core_dir(c, pdir)];
	}
	if (fd == -1 || off >= avail)
		return (0);
	if (len > avail - off)
		len = (size_t)(avail - off);
	do
		n = pread(fd, buf, len, (off_t)off);
	while (n == -1 && errno == EINTR);
	return (n);
}

struct raw_reader {
	struct ui_conn	*c;
	int		 pdir;
	uint64_t	 base;		/* leading bytes skipped */
};

static ssize_t
raw_read(void *arg, uint64_t off, uint8_t *buf, size_t len)
{
	struct raw_reader *rr = arg;
	struct http_view *save = rr->c->http;
	ssize_t n;

	rr->c->http = NULL;
	n = conn_read(rr->c, rr->pdir, rr->base + off, buf, len);
	rr->c->http = save;
	return (n);
}

/*
 * The send time of raw offset off of pdir, from the raw runs.  Messages
 * come in offset order, so a cursor per direction (*at, *ts) resumes where
 * the last call stopped: one pass over the runs for the whole view.
 */
static uint64_t
raw_time(const struct ui_conn *c, int pdir, uint64_t off, size_t *at,
    uint64_t *ts)
{
	for (; *at < c->nruns; (*at)++) {
		const struct ui_run *r = &c->runs[*at];

		if (r->dir != pdir)
			continue;
		if (r->off > off)
			break;
		*ts = r->ts_ns;
	}
	return (*ts);
}

/*
 * Where HTTP starts in a direction: 0, or a few bytes in when a stream
 * picked up without its SYN begins with a keep-alive byte or padding.
 */
static uint64_t
http_lead(struct ui_conn *c, int pdir)
{
	uint8_t b[24];
	ssize_t n;
	size_t k, i;

	n = conn_read(c, pdir, 0, b, sizeof b);
	for (k = 0; n > 0 && k <= 8 && k < (size_t)n; k++) {
		/* A method or "HTTP/": capitals up to a space or a slash. */
		for (i = k; i < (size_t)n && b[i] >= 'A' && b[i] <= 'Z'; i++)
			continue;
		if (i > k + 2 && i < (size_t)n && (b[i] == ' ' || b[i] == '/'))
			return (k);
	}
	return (0);
}

/* An empty unlinked file in the spool for a decoded direction. */
static int
spool_file(const char *spool)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof path, "%s/http-XXXXXX", spool);
	if ((fd = mkstemp(path)) == -1)
		return (-1);
	unlink(path);
	return (fd);
}

static int
http_build(struct ui_conn *c, char *err, size_t errlen)
{
	struct http_view *h;
	struct ui_http_msg *msgs[2] = { NULL, NULL };
	size_t nmsgs[2] = { 0, 0 }, nmeth = 0, i[2] = { 0, 0 };
	const char **meth = NULL;
	struct raw_reader rr;
	uint64_t covered[2] = { 0, 0 }, lead[2] = { 0, 0 }, tts[2] = { 0, 0 };
	size_t tat[2] = { 0, 0 };
	int pdir, rv = -1;

	if (c->env.spool == NULL) {
		snprintf(err, errlen, "HTTP view: no spool directory");
		return (-1);
	}
	h = xcalloc(1, sizeof *h);
	h->fd[0] = h->fd[1] = -1;
	for (pdir = 0; pdir < 2; pdir++) {
		if ((h->fd[pdir] = spool_file(c->env.spool)) == -1) {
			snprintf(err, errlen, "HTTP view: %s: %s",
			    c->env.spool, strerror(errno));
			goto out;
		}
		rr.c = c;
		rr.pdir = pdir;
		rr.base = lead[pdir] = http_lead(c, pdir);
		if (pdir == 1)
			meth = ui_http_methods(msgs[0], nmsgs[0], &nmeth);
		if (ui_http_decode(raw_read, &rr, c->fd[pdir] == -1 ? 0 :
		    c->row.avail[core_dir(c, pdir)] - rr.base, h->fd[pdir],
		    meth, nmeth,
		    &msgs[pdir], &nmsgs[pdir], err, errlen) == -1 &&
		    (pdir == 0 || nmsgs[0] == 0)) {
			/* The client side must be HTTP; an empty server side
			 * (no answer yet) is fine. */
			if (pdir == 0 || c->row.avail[core_dir(c, 1)] > 0)
				goto out;
		}
		h->len[pdir] = (uint64_t)lseek(h->fd[pdir], 0, SEEK_END);
	}
	/* Requests and responses in turn, each run in its sender's order. */
	while (i[0] < nmsgs[0] || i[1] < nmsgs[1]) {
		for (pdir = 0; pdir < 2; pdir++) {
			struct ui_http_msg *m;

			if (i[pdir] >= nmsgs[pdir])
				continue;
			m = &msgs[pdir][i[pdir]++];
			if (h->nruns % 64 == 0)
				h->runs = xreallocarray(h->runs, h->nruns + 64,
				    sizeof *h->runs);
			h->runs[h->nruns].dir = (uint8_t)pdir;
			h->runs[h->nruns].kind = RUN_DATA;
			h->runs[h->nruns].off = m->out_off;
			h->runs[h->nruns].len = m->out_len;
			h->runs[h->nruns].ts_ns = raw_time(c, pdir, m->raw_off +
			    lead[pdir], &tat[pdir], &tts[pdir]);
			covered[pdir] = m->out_off + m->out_len;
			h->nruns++;
		}
	}
	for (pdir = 0; pdir < 2; pdir++) {
		/* Whatever follows the last message (a stopped decode). */
		if (covered[pdir] < h->len[pdir]) {
			if (h->nruns % 64 == 0)
				h->runs = xreallocarray(h->runs, h->nruns + 64,
				    sizeof *h->runs);
			h->runs[h->nruns].dir = (uint8_t)pdir;
			h->runs[h->nruns].kind = RUN_DATA;
			h->runs[h->nruns].off = covered[pdir];
			h->runs[h->nruns].len = h->len[pdir] - covered[pdir];
			h->runs[h->nruns].ts_ns = 0;
			h->nruns++;
		}
	}
	c->http = h;
	h = NULL;
	rv = 0;
out:
	free(meth);
	free(msgs[0]);
	free(msgs[1]);
	http_free(h);
	return (rv);
}

static int
conn_http(void *arg, bool on, char *err, size_t errlen)
{
	struct ui_conn *c = arg;

	http_free(c->http);
	c->http = NULL;
	if (!on)
		return (0);
	return (http_build(c, err, errlen));
}

struct ui_conn *
ui_conn_new(const struct ui_conn_env *env, const struct ui_row *r,
    const char *path0, const char *path1)
{
	struct ui_conn *c = xcalloc(1, sizeof *c);
	char ep[2][72];

	c->env = *env;
	c->row = *r;
	open_files(c, path0, path1);
	ui_filter_endpoint(r, 0, ep[0], sizeof ep[0]);
	ui_filter_endpoint(r, 1, ep[1], sizeof ep[1]);
	snprintf(c->title, sizeof c->title, "%s -> %s", ep[0], ep[1]);
	snprintf(c->label[0], sizeof c->label[0], "client %s", ep[0]);
	snprintf(c->label[1], sizeof c->label[1], "server %s", ep[1]);
	read_runs(c);
	build_runs(c);
	c->src.snapshot = conn_snapshot;
	c->src.read = conn_read;
	c->src.http = conn_http;
	c->src.arg = c;
	return (c);
}

void
ui_conn_update(struct ui_conn *c, const struct ui_row *r)
{
	int pdir;

	c->row = *r;
	for (pdir = 0; pdir < 2; pdir++) {
		/* A direction whose file appeared since the pager opened. */
		if (c->fd[pdir] == -1 && c->env.spool_names &&
		    r->bytes[core_dir(c, pdir)] > 0) {
			char name[64];

			flow_row_spool_name(r->id, core_dir(c, pdir), name,
			    sizeof name);
			c->fd[pdir] = openat(c->env.dirfd, name, O_RDONLY |
			    O_NOFOLLOW | O_CLOEXEC);
		}
	}
	read_runs(c);
	build_runs(c);
}

const struct ui_pager_source *
ui_conn_source(struct ui_conn *c)
{
	return (&c->src);
}

const char *
ui_conn_title(const struct ui_conn *c)
{
	return (c->title);
}

uint64_t
ui_conn_id(const struct ui_conn *c)
{
	return (c->row.id);
}

void
ui_conn_free(struct ui_conn *c)
{
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < 2; i++) {
		if (c->fd[i] != -1)
			close(c->fd[i]);
	}
	http_free(c->http);
	free(c->recs);
	free(c->runs);
	free(c);
}
