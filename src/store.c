/*
 * store.c: the stream store; see store.h.
 *
 * DESIGN
 * Staging.  A batch is one arena plus an array of records {stream, file
 * offset, arena offset, length, next}.  Each stream links its records in
 * arrival order (pend_head..pend_tail) and sits once on the pending list.  A
 * write that continues the stream's last record both in the file and in the
 * arena just grows that record, so an in-order stream costs one record per
 * batch however many packets it had.
 *
 * The writer thread.  There are two batches.  The capture thread fills one;
 * when it is full (or someone needs the bytes on disk) the capture thread
 * turns each pending stream's records into a job {fd, first record}, waits
 * until the writer has finished the previous batch, and hands this one over.
 * The writer gathers each run of file-contiguous records of a job into one
 * pwritev(), then runs the batch's ops (futimens + close of streams closed
 * while the batch filled).  So parsing and writing overlap, and the lock is
 * taken once per batch, never per packet.
 *
 * Ownership.  Only the capture thread touches streams, the LRU and the
 * descriptor count.  The writer sees only the batch handed to it: jobs carry
 * descriptors, which the capture thread never closes while a batch that uses
 * them is in flight (a stream's `gen` names the last batch holding its jobs).
 * Write errors travel back in the job and are applied to the stream when the
 * capture thread takes the batch back; a stream is never freed while one of
 * its jobs is unreclaimed (store_release_stream waits).
 *
 * Descriptors: open streams plus descriptors queued for closing never exceed
 * max_fds.  When no descriptor can be freed without the writer, the capture
 * thread syncs (hands over and waits), which runs the queued closes.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "store.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmalloc.h"

#ifndef STORE_STAGE_DEFAULT
#define STORE_STAGE_DEFAULT	(1u << 20)
#endif
#define STORE_IOV_MAX		64

struct store_rec {
	struct store_stream	*s;
	uint64_t		 off;
	uint32_t		 at;	/* arena offset */
	uint32_t		 len;
	int32_t			 next;
};

/* One stream's records in a handed-over batch. */
struct store_job {
	struct store_stream	*s;
	uint64_t		 token;		/* s->token, kept if s goes */
	int			 fd;
	int32_t			 head;
	int			 err;		/* errno of a failed write */
	uint64_t		 lost;		/* bytes not written */
	uint64_t		 size;		/* s->file_size when handed over */
};

/* Work after the writes: set the mtime, close the descriptor. */
struct store_op {
	int			 fd;		/* -1: by path */
	char			*path;		/* owned, only when fd == -1 */
	uint64_t		 mtime_ns;
	bool			 close;
};

struct store_batch {
	uint64_t		 gen;
	uint8_t			*arena;
	size_t			 used;
	struct store_rec	*recs;
	size_t			 nrecs;
	size_t			 recs_cap;
	struct store_job	*jobs;
	size_t			 njobs;
	size_t			 jobs_cap;
	struct store_op		*ops;
	size_t			 nops;
	size_t			 ops_cap;
	size_t			 nclosing;	/* descriptors the ops close */
	uint64_t		 writes;	/* filled in by the writer */
	uint64_t		 bytes;
};

struct store {
	char			*dir;
	int			 dirfd;
	void			(*lost)(void *, uint64_t, uint64_t);
	void			(*settled)(void *, uint64_t);
	void			*cb_arg;
	size_t			 max_fds;
	size_t			 arena_size;
	struct store_batch	 b[2];
	struct store_batch	*cur;		/* being filled */
	struct store_batch	*busy;		/* handed over, not reclaimed */
	uint64_t		 next_gen;
	struct store_stream	**pend;		/* streams with records in cur */
	size_t			 npend;
	size_t			 pend_cap;
	struct store_stream	*lru_head;	/* least recently used */
	struct store_stream	*lru_tail;
	size_t			 nopen;
	size_t			 closing;	/* queued in ops, still open */
	struct store_stats	 stats;
	char			 errbuf[512];
	bool			 has_error;
	char			 lastdir[PATH_MAX];	/* last made subdir */

	pthread_t		 thread;
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cond;
	struct store_batch	*work;		/* for the writer; NULL: idle */
	bool			 quit;
	bool			 threaded;
};

static void	*writer_main(void *);
static void	 store_sync(struct store *);
static void	 job_settle(struct store *, struct store_job *);

static void
set_error(struct store *st, const char *path, int err)
{
	st->stats.write_errors++;
	if (st->has_error)
		return;
	snprintf(st->errbuf, sizeof st->errbuf, "%s%s%s: %s",
	    strcmp(st->dir, ".") == 0 ? "" : st->dir,
	    strcmp(st->dir, ".") == 0 ? "" : "/", path != NULL ? path : "?",
	    strerror(err));
	st->has_error = true;
}

const char *
store_take_error(struct store *st)
{
	if (!st->has_error)
		return (NULL);
	st->has_error = false;
	return (st->errbuf);
}

/* mkdir -p relative to dirfd (or the cwd when dirfd is AT_FDCWD). */
static int
mkdir_parents(int dirfd, const char *path)
{
	char buf[PATH_MAX];
	char *p;
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof buf)
		return (len == 0 ? 0 : -1);
	memcpy(buf, path, len + 1);
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdirat(dirfd, buf, 0755) == -1 && errno != EEXIST)
			return (-1);
		*p = '/';
	}
	if (mkdirat(dirfd, buf, 0755) == -1 && errno != EEXIST)
		return (-1);
	return (0);
}

static size_t
default_max_fds(void)
{
	struct rlimit rl;
	size_t n = 1000;

	/* Leave room for the input, report, -w dump, stdio and libraries. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		n = rl.rlim_cur > 64 ? (size_t)rl.rlim_cur - 32 :
		    (rl.rlim_cur > 12 ? (size_t)rl.rlim_cur - 10 : 1);
	return (n);
}

static void
batch_init(struct store_batch *b, size_t arena_size)
{
	memset(b, 0, sizeof *b);
	b->arena = xmalloc(arena_size);
	b->recs_cap = 4096;
	b->recs = xreallocarray(NULL, b->recs_cap, sizeof *b->recs);
	b->jobs_cap = 256;
	b->jobs = xreallocarray(NULL, b->jobs_cap, sizeof *b->jobs);
	b->ops_cap = 64;
	b->ops = xreallocarray(NULL, b->ops_cap, sizeof *b->ops);
}

static void
batch_free(struct store_batch *b)
{
	free(b->arena);
	free(b->recs);
	free(b->jobs);
	free(b->ops);
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

int
store_remove_tree(const char *path)
{
	return (nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS));
}

char *
store_mkdtemp(const char *name)
{
	char buf[PATH_MAX];
	const char *tmp = getenv("TMPDIR");

	if (snprintf(buf, sizeof buf, "%s/%s-XXXXXX", tmp != NULL &&
	    *tmp != '\0' ? tmp : "/tmp", name) >= (int)sizeof buf) {
		errno = ENAMETOOLONG;
		return (NULL);
	}
	if (mkdtemp(buf) == NULL)
		return (NULL);
	return (xstrdup(buf));
}

int
store_mkdir_p(const char *path)
{
	return (mkdir_parents(AT_FDCWD, path));
}

struct store *
store_new(const struct store_config *cfg, char *err, size_t errlen)
{
	struct store *st;
	const char *dir = cfg->dir != NULL && *cfg->dir != '\0' ? cfg->dir :
	    ".";
	int fd;

	if (mkdir_parents(AT_FDCWD, dir) == -1) {
		snprintf(err, errlen, "%s: cannot create directory: %s", dir,
		    strerror(errno));
		return (NULL);
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return (NULL);
	}
	st = xcalloc(1, sizeof *st);
	st->dir = xstrdup(dir);
	st->dirfd = fd;
	st->lost = cfg->lost;
	st->settled = cfg->settled;
	st->cb_arg = cfg->cb_arg;
	st->max_fds = cfg->max_fds != 0 ? cfg->max_fds : default_max_fds();
	st->arena_size = cfg->stage_bytes != 0 ? cfg->stage_bytes :
	    STORE_STAGE_DEFAULT;
	if (st->arena_size > UINT32_MAX)
		st->arena_size = UINT32_MAX;
	batch_init(&st->b[0], st->arena_size);
	batch_init(&st->b[1], st->arena_size);
	st->cur = &st->b[0];
	st->cur->gen = st->next_gen = 1;
	st->pend_cap = 1024;
	st->pend = xreallocarray(NULL, st->pend_cap, sizeof *st->pend);
	pthread_mutex_init(&st->mtx, NULL);
	pthread_cond_init(&st->cond, NULL);
	/* Without a writer thread everything still works, synchronously. */
	st->threaded = pthread_create(&st->thread, NULL, writer_main, st) == 0;
	return (st);
}

void
store_stream_init(struct store_stream *s)
{
	memset(s, 0, sizeof *s);
	s->fd = -1;
	s->pend_head = s->pend_tail = -1;
}

const char *
store_dir(const struct store *st)
{
	return (st->dir);
}

static void
lru_unlink(struct store *st, struct store_stream *s)
{
	if (s->lru_prev != NULL)
		s->lru_prev->lru_next = s->lru_next;
	else
		st->lru_head = s->lru_next;
	if (s->lru_next != NULL)
		s->lru_next->lru_prev = s->lru_prev;
	else
		st->lru_tail = s->lru_prev;
	s->lru_prev = s->lru_next = NULL;
}

static void
lru_append(struct store *st, struct store_stream *s)
{
	s->lru_prev = st->lru_tail;
	s->lru_next = NULL;
	if (st->lru_tail != NULL)
		st->lru_tail->lru_next = s;
	else
		st->lru_head = s;
	st->lru_tail = s;
}

/*
 * Are some of s's bytes or its descriptor still with a batch: staged in cur,
 * in a job or op of cur, or in the busy batch?  Then its descriptor may not
 * be closed, its file not read back, and s not freed, before a sync.
 */
static inline bool
in_flight(const struct store *st, const struct store_stream *s)
{
	return (s->pending || (s->gen != 0 && (s->gen == st->cur->gen ||
	    (st->busy != NULL && s->gen == st->busy->gen))));
}

/* Write all of iov at off, resuming short writes; 0 or an errno. */
static int
pwritev_all(int fd, struct iovec *iov, int niov, uint64_t off,
    uint64_t *written, uint64_t *calls)
{
	ssize_t n;
	size_t left = 0;
	int k;

	for (k = 0; k < niov; k++)
		left += iov[k].iov_len;
	while (left > 0) {
		while (niov > 0 && iov->iov_len == 0) {
			iov++;
			niov--;
		}
		n = pwritev(fd, iov, niov > IOV_MAX ? IOV_MAX : niov,
		    (off_t)off);
		(*calls)++;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return (errno);
		if (n == 0)
			return (ENOSPC);
		*written += (uint64_t)n;
		off += (uint64_t)n;
		left -= (size_t)n;
		/* Step over what was written. */
		while (n > 0 && niov > 0) {
			if ((size_t)n >= iov->iov_len) {
				n -= (ssize_t)iov->iov_len;
				iov->iov_len = 0;
				iov++;
				niov--;
			} else {
				iov->iov_base = (char *)iov->iov_base + n;
				iov->iov_len -= (size_t)n;
				n = 0;
			}
		}
	}
	return (0);
}

/*
 * Write one job's records: runs of file-contiguous records in one pwritev
 * each.  Runs in the writer thread (or the capture thread when synchronous);
 * touches only the batch.
 */
static void
job_run(struct store_batch *b, struct store_job *j)
{
	struct iovec iov[STORE_IOV_MAX];
	struct store_rec *r;
	int32_t i = j->head;
	uint64_t start, next;
	int niov, e;

	while (i != -1) {
		r = &b->recs[i];
		start = next = r->off;
		niov = 0;
		while (i != -1 && niov < STORE_IOV_MAX &&
		    b->recs[i].off == next) {
			r = &b->recs[i];
			iov[niov].iov_base = b->arena + r->at;
			iov[niov].iov_len = r->len;
			niov++;
			next += r->len;
			i = r->next;
		}
		if (j->err != 0) {
			j->lost += next - start;
			continue;
		}
		e = pwritev_all(j->fd, iov, niov, start, &b->bytes,
		    &b->writes);
		if (e != 0) {
			int k;

			j->err = e;
			for (k = 0; k < niov; k++)
				j->lost += iov[k].iov_len;
		}
	}
}

static void
op_run(int dirfd, struct store_op *op)
{
	struct timespec ts[2];

	ts[0].tv_sec = ts[1].tv_sec = (time_t)(op->mtime_ns / 1000000000u);
	ts[0].tv_nsec = ts[1].tv_nsec = (long)(op->mtime_ns % 1000000000u);
	if (op->fd != -1) {
		futimens(op->fd, ts);
		if (op->close)
			close(op->fd);
	} else
		utimensat(dirfd, op->path, ts, AT_SYMLINK_NOFOLLOW);
}

static void
batch_run(int dirfd, struct store_batch *b)
{
	size_t i;

	for (i = 0; i < b->njobs; i++)
		job_run(b, &b->jobs[i]);
	for (i = 0; i < b->nops; i++)
		op_run(dirfd, &b->ops[i]);
}

static void *
writer_main(void *arg)
{
	struct store *st = arg;
	struct store_batch *b;

	pthread_mutex_lock(&st->mtx);
	for (;;) {
		while (st->work == NULL && !st->quit)
			pthread_cond_wait(&st->cond, &st->mtx);
		if (st->work == NULL)
			break;
		b = st->work;
		pthread_mutex_unlock(&st->mtx);
		batch_run(st->dirfd, b);
		pthread_mutex_lock(&st->mtx);
		st->work = NULL;
		pthread_cond_broadcast(&st->cond);
	}
	pthread_mutex_unlock(&st->mtx);
	return (NULL);
}

/* Wait for the writer to finish the busy batch, then take it back. */
static void
reclaim(struct store *st)
{
	struct store_batch *b = st->busy;
	size_t i;

	if (b == NULL)
		return;
	if (st->threaded) {
		pthread_mutex_lock(&st->mtx);
		while (st->work != NULL)
			pthread_cond_wait(&st->cond, &st->mtx);
		pthread_mutex_unlock(&st->mtx);
	}
	for (i = 0; i < b->njobs; i++)
		job_settle(st, &b->jobs[i]);
	for (i = 0; i < b->nops; i++)
		free(b->ops[i].path);
	st->stats.writes += b->writes;
	st->stats.bytes_written += b->bytes;
	st->closing -= b->nclosing;
	b->used = b->nrecs = b->njobs = b->nops = b->nclosing = 0;
	b->writes = b->bytes = 0;
	st->busy = NULL;
	if (st->settled != NULL)
		st->settled(st->cb_arg, b->gen);
}

static struct store_job *
job_add(struct store_batch *b, struct store_stream *s)
{
	struct store_job *j;

	if (b->njobs == b->jobs_cap) {
		b->jobs_cap *= 2;
		b->jobs = xreallocarray(b->jobs, b->jobs_cap, sizeof *b->jobs);
	}
	if (s->job_gen != b->gen)
		s->njobs_gen = 0;
	s->njobs_gen++;
	s->job_gen = b->gen;
	s->job_idx = (uint32_t)b->njobs;
	j = &b->jobs[b->njobs++];
	j->s = s;
	j->token = s->token;
	j->fd = s->fd;
	j->head = s->pend_head;
	j->err = 0;
	j->lost = 0;
	j->size = s->file_size;
	s->gen = b->gen;
	return (j);
}

static void
op_add(struct store *st, int fd, const char *path, uint64_t mtime_ns,
    bool do_close)
{
	struct store_batch *b = st->cur;
	struct store_op *op;

	if (b->nops == b->ops_cap) {
		b->ops_cap *= 2;
		b->ops = xreallocarray(b->ops, b->ops_cap, sizeof *b->ops);
	}
	op = &b->ops[b->nops++];
	op->fd = fd;
	op->path = fd == -1 ? xstrdup(path) : NULL;
	op->mtime_ns = mtime_ns;
	op->close = do_close;
	if (do_close) {
		b->nclosing++;
		st->closing++;
	}
}

/* Take s off the pending list (its records now belong to a job). */
static void
pend_remove(struct store *st, struct store_stream *s)
{
	size_t i = s->pend_idx;

	if (!s->pending)
		return;
	st->pend[i] = st->pend[--st->npend];
	st->pend[i]->pend_idx = i;
	s->pending = false;
	s->pend_head = s->pend_tail = -1;
}

static void
pend_add(struct store *st, struct store_stream *s)
{
	if (s->pending)
		return;
	if (st->npend == st->pend_cap) {
		st->pend_cap *= 2;
		st->pend = xreallocarray(st->pend, st->pend_cap,
		    sizeof *st->pend);
	}
	s->pend_idx = st->npend;
	st->pend[st->npend++] = s;
	s->pending = true;
}

static void
fd_close_now(struct store *st, struct store_stream *s)
{
	if (s->fd == -1)
		return;
	close(s->fd);
	s->fd = -1;
	lru_unlink(st, s);
	st->nopen--;
}

/*
 * Make room for one more descriptor: close the least recently used one that
 * neither has records waiting in cur nor is used by the busy batch.  -1 when
 * none can be closed without the writer.
 */
static int
fd_try_room(struct store *st)
{
	struct store_stream *v;

	while (st->nopen + st->closing >= st->max_fds) {
		for (v = st->lru_head; v != NULL; v = v->lru_next)
			if (!in_flight(st, v))
				break;
		if (v == NULL)
			return (-1);
		fd_close_now(st, v);
	}
	return (0);
}

static void
fd_make_room(struct store *st)
{
	if (fd_try_room(st) == 0)
		return;
	/* Queued closes and busy descriptors are freed by a sync. */
	store_sync(st);
	fd_try_room(st);
}

static void
fd_opened(struct store *st, struct store_stream *s, int fd)
{
	s->fd = fd;
	lru_append(st, s);
	st->nopen++;
	if (st->nopen + st->closing > st->stats.max_open_fds)
		st->stats.max_open_fds = st->nopen + st->closing;
}

static void
fd_touch(struct store *st, struct store_stream *s)
{
	if (st->lru_tail != s) {
		lru_unlink(st, s);
		lru_append(st, s);
	}
}

/* Open s's file again (its descriptor was evicted); -1 on error. */
static int
fd_reopen(struct store *st, struct store_stream *s)
{
	int fd;

	fd = openat(st->dirfd, s->path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		set_error(st, s->path, errno);
		return (-1);
	}
	st->stats.reopens++;
	fd_opened(st, s, fd);
	return (0);
}

/* Drop s's records in cur as lost (its file cannot be written). */
static void
drop_pending(struct store *st, struct store_stream *s)
{
	uint64_t lost = 0;
	int32_t i;

	for (i = s->pend_head; i != -1; i = st->cur->recs[i].next)
		lost += st->cur->recs[i].len;
	s->dropped += lost;
	s->failed = true;
	if (st->lost != NULL)
		st->lost(st->cb_arg, s->token, lost);
	pend_remove(st, s);
}

/* Apply a finished job's error to its stream. */
static void
job_settle(struct store *st, struct store_job *j)
{
	if (j->err == 0) {
		if (j->s != NULL && j->size > j->s->durable)
			j->s->durable = j->size;
		return;
	}
	if (st->lost != NULL)
		st->lost(st->cb_arg, j->token, j->lost);
	if (j->s == NULL) {
		set_error(st, NULL, j->err);	/* its stream is gone */
		return;
	}
	j->s->failed = true;
	j->s->dropped += j->lost;
	set_error(st, j->s->path, j->err);
}

/* Run cur's jobs and ops so far in this thread (out of descriptors). */
static void
run_cur_inline(struct store *st)
{
	struct store_batch *b = st->cur;
	size_t i;

	for (i = 0; i < b->njobs; i++) {
		job_run(b, &b->jobs[i]);
		job_settle(st, &b->jobs[i]);
		if (b->jobs[i].s != NULL)
			b->jobs[i].s->gen = 0;
	}
	for (i = 0; i < b->nops; i++) {
		op_run(st->dirfd, &b->ops[i]);
		free(b->ops[i].path);
	}
	st->stats.writes += b->writes;
	st->stats.bytes_written += b->bytes;
	st->closing -= b->nclosing;
	b->njobs = b->nops = b->nclosing = 0;
	b->writes = b->bytes = 0;
}

/* Write s's staged records now, in this thread; s keeps its descriptor. */
static void
write_inline(struct store *st, struct store_stream *s)
{
	struct store_job j;

	j.s = s;
	j.token = s->token;
	j.fd = s->fd;
	j.head = s->pend_head;
	j.err = 0;
	j.lost = 0;
	j.size = s->file_size;
	job_run(st->cur, &j);
	job_settle(st, &j);
	st->stats.writes += st->cur->writes;
	st->stats.bytes_written += st->cur->bytes;
	st->cur->writes = st->cur->bytes = 0;
	pend_remove(st, s);
}

/*
 * A descriptor for pending stream s during a handoff, when every open one
 * is pinned: finish the busy batch, then cur's jobs so far, then write another
 * pending stream by itself and close its descriptor.  -1 if still none.
 */
static int
handoff_room(struct store *st, struct store_stream *s)
{
	struct store_stream *v;

	if (fd_try_room(st) == 0)
		return (0);
	reclaim(st);
	if (fd_try_room(st) == 0)
		return (0);
	run_cur_inline(st);
	if (fd_try_room(st) == 0)
		return (0);
	for (v = st->lru_head; v != NULL; v = v->lru_next)
		if (v != s && v->pending)
			break;
	if (v == NULL)
		return (-1);
	write_inline(st, v);
	fd_close_now(st, v);
	return (fd_try_room(st));
}

/*
 * Turn every pending stream into a job and hand cur to the writer.  Called
 * when cur is full and by store_sync().
 */
static void
handoff(struct store *st)
{
	struct store_batch *b = st->cur;
	struct store_stream *s;

	while (st->npend > 0) {
		s = st->pend[st->npend - 1];
		if (s->fd == -1) {
			if (handoff_room(st, s) == -1 ||
			    fd_reopen(st, s) == -1) {
				drop_pending(st, s);
				continue;
			}
		} else
			fd_touch(st, s);
		job_add(b, s);
		pend_remove(st, s);
	}
	if (b->njobs == 0 && b->nops == 0) {
		b->used = b->nrecs = 0;
		return;
	}
	reclaim(st);
	st->busy = b;
	st->cur = b == &st->b[0] ? &st->b[1] : &st->b[0];
	st->cur->gen = ++st->next_gen;
	if (st->threaded) {
		pthread_mutex_lock(&st->mtx);
		st->work = b;
		pthread_cond_signal(&st->cond);
		pthread_mutex_unlock(&st->mtx);
	} else
		batch_run(st->dirfd, b);
}

/* Everything staged so far is on disk (or failed) when this returns. */
static void
store_sync(struct store *st)
{
	handoff(st);
	reclaim(st);
}

int
store_create(struct store *st, struct store_stream *s,
    int (*name)(void *, uint32_t, char *, size_t), void *ctx,
    uint32_t *count, char *err, size_t errlen)
{
	char path[PATH_MAX];
	char *slash;
	uint32_t c;
	int fd = -1, saved;

	fd_make_room(st);
	for (c = *count; c < UINT32_MAX; c++) {
		if (name(ctx, c, path, sizeof path) < 0) {
			snprintf(err, errlen, "file name too long");
			return (-1);
		}
		if ((slash = strrchr(path, '/')) != NULL) {
			/* The template makes subdirectories. */
			*slash = '\0';
			if (strcmp(path, st->lastdir) != 0) {
				if (mkdir_parents(st->dirfd, path) == -1) {
					snprintf(err, errlen, "%s/%s: %s",
					    st->dir, path, strerror(errno));
					return (-1);
				}
				snprintf(st->lastdir, sizeof st->lastdir, "%s",
				    path);
			}
			*slash = '/';
		}
		fd = openat(st->dirfd, path, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd != -1)
			break;
		if (errno != EEXIST) {
			saved = errno;
			snprintf(err, errlen, "%s/%s: %s", st->dir, path,
			    strerror(saved));
			return (-1);
		}
		/* A name that cannot vary with the count would loop forever. */
		if (c > *count + 100000) {
			snprintf(err, errlen, "%s/%s: no free file name",
			    st->dir, path);
			return (-1);
		}
	}
	if (fd == -1) {
		snprintf(err, errlen, "%s: no free file name", st->dir);
		return (-1);
	}
	*count = c;
	free(s->path);
	s->path = xstrdup(path);
	fd_opened(st, s, fd);
	st->stats.files_created++;
	return (0);
}

/* Write len bytes at off straight away (too big to stage). */
static int
write_direct(struct store *st, struct store_stream *s, uint64_t off,
    const uint8_t *p, size_t len)
{
	struct iovec iov;
	int e;

	store_sync(st);
	if (s->failed) {
		s->dropped += len;
		return (-1);
	}
	if (s->fd == -1) {
		fd_make_room(st);
		if (fd_reopen(st, s) == -1) {
			s->failed = true;
			s->dropped += len;
			return (-1);
		}
	}
	iov.iov_base = (void *)(uintptr_t)p;
	iov.iov_len = len;
	e = pwritev_all(s->fd, &iov, 1, off, &st->stats.bytes_written,
	    &st->stats.writes);
	if (e != 0) {
		set_error(st, s->path, e);
		s->failed = true;
		s->dropped += iov.iov_len;
		return (-1);
	}
	return (0);
}

int
store_write(struct store *st, struct store_stream *s, uint64_t off,
    const uint8_t *p, size_t len)
{
	struct store_batch *b;
	struct store_rec *r;

	if (len == 0)
		return (0);
	if (s->failed) {
		s->dropped += len;
		return (-1);
	}
	if (off + len > s->file_size)
		s->file_size = off + len;
	if (len > st->arena_size / 4)
		return (write_direct(st, s, off, p, len));
	if (st->cur->used + len > st->arena_size)
		handoff(st);
	b = st->cur;
	if (s->pend_tail != -1) {
		r = &b->recs[s->pend_tail];
		if (r->off + r->len == off && r->at + r->len == b->used &&
		    (uint64_t)r->len + len <= UINT32_MAX) {
			memcpy(b->arena + b->used, p, len);
			b->used += len;
			r->len += (uint32_t)len;
			return (0);
		}
	}
	if (b->nrecs == b->recs_cap) {
		b->recs_cap *= 2;
		b->recs = xreallocarray(b->recs, b->recs_cap, sizeof *b->recs);
	}
	r = &b->recs[b->nrecs];
	r->s = s;
	r->off = off;
	r->at = (uint32_t)b->used;
	r->len = (uint32_t)len;
	r->next = -1;
	memcpy(b->arena + b->used, p, len);
	b->used += len;
	if (s->pend_tail != -1)
		b->recs[s->pend_tail].next = (int32_t)b->nrecs;
	else
		s->pend_head = (int32_t)b->nrecs;
	s->pend_tail = (int32_t)b->nrecs;
	b->nrecs++;
	pend_add(st, s);
	return (0);
}

int
store_flush_all(struct store *st)
{
	uint64_t before = st->stats.write_errors;

	store_sync(st);
	return (st->stats.write_errors != before ? -1 : 0);
}

/*
 * Lay the bytes of a record chain that fall in [off, off + len) over buf;
 * *end grows to the furthest byte covered.
 */
static void
overlay(const struct store_batch *b, int32_t head, uint64_t off, uint8_t *buf,
    size_t len, size_t *end)
{
	const struct store_rec *r;
	uint64_t lo, hi;
	int32_t i;

	for (i = head; i != -1; i = r->next) {
		r = &b->recs[i];
		lo = r->off > off ? r->off : off;
		hi = r->off + r->len < off + len ? r->off + r->len : off + len;
		if (lo >= hi)
			continue;
		memcpy(buf + (lo - off), b->arena + r->at + (lo - r->off),
		    (size_t)(hi - lo));
		if (hi - off > *end)
			*end = (size_t)(hi - off);
	}
}

static void
overlay_jobs(const struct store_batch *b, const struct store_stream *s,
    uint64_t off, uint8_t *buf, size_t len, size_t *end)
{
	size_t i;

	for (i = 0; i < b->njobs; i++)
		if (b->jobs[i].s == s)
			overlay(b, b->jobs[i].head, off, buf, len, end);
}

/*
 * Read back without waiting for the writer: the file's bytes, then those of
 * the batch being written, then those still staged, each newer layer over
 * the older (the writer only ever reads the arenas).
 */
uint64_t
store_pending_gen(const struct store *st, const struct store_stream *s)
{
	if (s->pending)
		return (st->cur->gen);
	if (s->gen != 0 && (s->gen == st->cur->gen || (st->busy != NULL &&
	    s->gen == st->busy->gen)))
		return (s->gen);
	return (0);
}

ssize_t
store_read(struct store *st, struct store_stream *s, uint64_t off,
    uint8_t *buf, size_t len)
{
	ssize_t n;
	size_t got = 0, end;
	int fd;

	if (s->path == NULL)
		return (-1);
	fd = openat(st->dirfd, s->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return (-1);
	while (got < len) {
		n = pread(fd, buf + got, len - got, (off_t)(off + got));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!in_flight(st, s))
		return ((ssize_t)got);
	/* Past the end of the file so far: a hole until staged bytes. */
	memset(buf + got, 0, len - got);
	end = got;
	if (st->busy != NULL && s->gen == st->busy->gen)
		overlay_jobs(st->busy, s, off, buf, len, &end);
	if (s->gen == st->cur->gen)
		overlay_jobs(st->cur, s, off, buf, len, &end);
	if (s->pending)
		overlay(st->cur, s->pend_head, off, buf, len, &end);
	return ((ssize_t)end);
}

/* A run of data in a (sparse) file. */
struct store_extent {
	uint64_t	 lo;
	uint64_t	 hi;
};

/*
 * The data extents of fd below size (SEEK_DATA/SEEK_HOLE), so that moving a
 * sparse file costs its data, not its holes.  Where the file system cannot
 * tell, the whole file is one extent.
 */
static struct store_extent *
list_extents(int fd, uint64_t size, size_t *n)
{
	struct store_extent *e = NULL;
	size_t cap = 0;
	off_t d, h;
	uint64_t pos = 0;

	*n = 0;
	while (pos < size) {
		d = lseek(fd, (off_t)pos, SEEK_DATA);
		if (d == -1 && errno == ENXIO)
			break;
		if (d == -1) {
			/* No SEEK_DATA here: treat everything as data. */
			free(e);
			e = xmalloc(sizeof *e);
			e->lo = 0;
			e->hi = size;
			*n = 1;
			return (e);
		}
		h = lseek(fd, d, SEEK_HOLE);
		if (h == -1 || (uint64_t)h > size)
			h = (off_t)size;
		if ((uint64_t)d >= size)
			break;
		if (*n == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			e = xreallocarray(e, cap, sizeof *e);
		}
		e[*n].lo = (uint64_t)d;
		e[*n].hi = (uint64_t)h;
		(*n)++;
		pos = (uint64_t)h;
	}
	return (e);
}

/* Copy [src, src+len) to dst, in the direction that never reads a byte
 * already overwritten.  0 or an errno. */
static int
copy_range(struct store *st, int rfd, int wfd, uint64_t src, uint64_t dst,
    uint64_t len, uint8_t *buf, size_t chunk)
{
	struct iovec iov;
	uint64_t done = 0, n, at;
	ssize_t r;
	int e;

	while (done < len) {
		n = len - done > chunk ? chunk : len - done;
		/* Moving up: copy from the end; moving down: from the front. */
		at = dst > src ? len - done - n : done;
		r = pread(rfd, buf, (size_t)n, (off_t)(src + at));
		if (r < 0)
			return (errno);
		if ((uint64_t)r < n)
			memset(buf + r, 0, (size_t)(n - (uint64_t)r));
		iov.iov_base = buf;
		iov.iov_len = (size_t)n;
		e = pwritev_all(wfd, &iov, 1, dst + at, &st->stats.bytes_written,
		    &st->stats.writes);
		if (e != 0)
			return (e);
		done += n;
	}
	return (0);
}

/* Make [lo, hi) read back as NULs: punch a hole, or write zeros. */
static int
zero_range(struct store *st, int wfd, uint64_t lo, uint64_t hi, uint8_t *buf,
    size_t chunk)
{
	struct iovec iov;
	uint64_t n;
	int e;

	if (lo >= hi)
		return (0);
	if (fallocate(wfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
	    (off_t)lo, (off_t)(hi - lo)) == 0)
		return (0);
	memset(buf, 0, chunk);
	for (; lo < hi; lo += n) {
		n = hi - lo > chunk ? chunk : hi - lo;
		iov.iov_base = buf;
		iov.iov_len = (size_t)n;
		e = pwritev_all(wfd, &iov, 1, lo, &st->stats.bytes_written,
		    &st->stats.writes);
		if (e != 0)
			return (e);
	}
	return (0);
}

/*
 * Move the file's contents by delta bytes (up: a gap of NULs appears in
 * front; down: the first -delta bytes go), copying data extents only, then
 * clear what the old extents leave behind.  Rare: reassembly learns of data
 * in front of a file's first byte, or of a late SYN.
 */
static int
store_move(struct store *st, struct store_stream *s, uint64_t shift, bool up)
{
	struct store_extent *ex;
	uint8_t *buf;
	size_t chunk = 1u << 20, n, i, k;
	uint64_t size, lo, hi, nlo, nhi, cut = up ? 0 : shift;
	int rfd, e = 0;

	if (shift == 0 || s->path == NULL)
		return (0);
	store_sync(st);
	if (s->failed)
		return (-1);
	if (s->fd == -1) {
		fd_make_room(st);
		if (fd_reopen(st, s) == -1)
			return (-1);
	}
	size = s->file_size;
	s->durable = 0;		/* readers wait until the move is done */
	rfd = openat(st->dirfd, s->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (rfd == -1) {
		set_error(st, s->path, errno);
		return (-1);
	}
	buf = xmalloc(chunk);
	ex = list_extents(rfd, size, &n);
	/* Up: the highest extent first; down: the lowest first. */
	for (k = 0; k < n && e == 0; k++) {
		i = up ? n - 1 - k : k;
		lo = ex[i].lo > cut ? ex[i].lo : cut;
		if (lo >= ex[i].hi)
			continue;
		e = copy_range(st, rfd, s->fd, lo, up ? lo + shift : lo - shift,
		    ex[i].hi - lo, buf, chunk);
	}
	/* Old data that no moved extent covered now must read as NULs. */
	for (i = 0; i < n && e == 0; i++) {
		lo = ex[i].lo;
		hi = ex[i].hi;
		for (k = 0; k < n && lo < hi && e == 0; k++) {
			nlo = up ? ex[k].lo + shift : (ex[k].lo > cut ?
			    ex[k].lo - cut : 0);
			nhi = up ? ex[k].hi + shift : (ex[k].hi > cut ?
			    ex[k].hi - cut : 0);
			if (nhi <= lo || nlo >= hi)
				continue;
			if (nlo > lo)
				e = zero_range(st, s->fd, lo, nlo, buf, chunk);
			lo = nhi;
		}
		if (e == 0 && lo < hi)
			e = zero_range(st, s->fd, lo, hi, buf, chunk);
	}
	free(ex);
	free(buf);
	close(rfd);
	size = up ? size + shift : (size > shift ? size - shift : 0);
	if (e == 0 && !up && ftruncate(s->fd, (off_t)size) == -1)
		e = errno;
	if (e != 0) {
		set_error(st, s->path, e);
		s->failed = true;
		return (-1);
	}
	s->file_size = size;
	s->durable = size;
	return (0);
}

int
store_shift_up(struct store *st, struct store_stream *s, uint64_t shift)
{
	return (store_move(st, s, shift, true));
}

int
store_shift_down(struct store *st, struct store_stream *s, uint64_t shift)
{
	return (store_move(st, s, shift, false));
}

int
store_truncate(struct store *st, struct store_stream *s, uint64_t len)
{
	if (s->path == NULL || s->file_size <= len)
		return (0);
	store_sync(st);
	if (s->fd == -1) {
		fd_make_room(st);
		if (fd_reopen(st, s) == -1)
			return (-1);
	}
	if (ftruncate(s->fd, (off_t)len) == -1) {
		set_error(st, s->path, errno);
		return (-1);
	}
	s->file_size = len;
	if (s->durable > len)
		s->durable = len;
	return (0);
}

int
store_close_stream(struct store *st, struct store_stream *s,
    uint64_t mtime_ns)
{
	if (s->path == NULL)
		return (0);
	if (s->pending) {
		/* Its records go out in this batch, before the close. */
		if (s->fd == -1) {
			fd_make_room(st);
			if (!s->pending || fd_reopen(st, s) == -1) {
				if (s->pending)
					drop_pending(st, s);
				goto by_path;
			}
		}
		job_add(st->cur, s);
		pend_remove(st, s);
	}
	if (s->fd != -1) {
		op_add(st, s->fd, NULL, mtime_ns, true);
		s->gen = st->cur->gen;
		lru_unlink(st, s);
		st->nopen--;
		s->fd = -1;
		return (s->failed ? -1 : 0);
	}
by_path:
	op_add(st, -1, s->path, mtime_ns, false);
	return (s->failed ? -1 : 0);
}

void
store_release_stream(struct store *st, struct store_stream *s)
{
	struct store_batch *b = NULL;

	if (st->busy != NULL && s->job_gen == st->busy->gen)
		b = st->busy;
	else if (s->job_gen == st->cur->gen)
		b = st->cur;
	if (s->pending || (s->fd != -1 && in_flight(st, s)) ||
	    (b != NULL && s->njobs_gen > 1))
		store_sync(st);		/* rare: let the writer finish */
	else if (b != NULL && s->job_idx < b->njobs &&
	    b->jobs[s->job_idx].s == s)
		/*
		 * Its one job stays (fd and records belong to the batch);
		 * only the way back to s for error reports goes, so freeing
		 * s needs no wait for the writer.
		 */
		b->jobs[s->job_idx].s = NULL;
	if (s->fd != -1)
		fd_close_now(st, s);
	free(s->path);
	s->path = NULL;
}

void
store_get_stats(const struct store *st, struct store_stats *ss)
{
	*ss = st->stats;
	ss->open_fds = st->nopen;
}

void
store_free(struct store *st)
{
	if (st == NULL)
		return;
	store_sync(st);
	if (st->threaded) {
		pthread_mutex_lock(&st->mtx);
		st->quit = true;
		pthread_cond_signal(&st->cond);
		pthread_mutex_unlock(&st->mtx);
		pthread_join(st->thread, NULL);
	}
	while (st->lru_head != NULL)
		fd_close_now(st, st->lru_head);
	close(st->dirfd);
	batch_free(&st->b[0]);
	batch_free(&st->b[1]);
	free(st->pend);
	free(st->dir);
	pthread_mutex_destroy(&st->mtx);
	pthread_cond_destroy(&st->cond);
	free(st);
}
