/*
 * store.c: the stream store; see store.h.
 *
 * DESIGN
 * The staging arena is one buffer plus an array of records {stream, file
 * offset, arena offset, length, next}.  Each stream links its records in
 * arrival order (pend_head..pend_tail) and sits once on the pending list.
 * A write that continues the stream's last record both in the file and in the
 * arena just grows that record, so an in-order stream costs one record per
 * flush however many packets it had.  A flush walks the pending streams and
 * gathers each run of file-contiguous records into one pwritev().  Records of
 * one stream never overlap in a way that matters: reassembly stages each file
 * byte once, except with --overlap=last, where the later record is written
 * later and so wins, as it should.
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
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmalloc.h"

#define STORE_STAGE_DEFAULT	(4u << 20)
#define STORE_IOV_MAX		64

struct store_rec {
	struct store_stream	*s;
	uint64_t		 off;
	uint32_t		 at;	/* arena offset */
	uint32_t		 len;
	int32_t			 next;
};

struct store {
	char			*dir;
	int			 dirfd;
	size_t			 max_fds;
	uint8_t			*arena;
	size_t			 arena_size;
	size_t			 arena_used;
	struct store_rec	*recs;
	size_t			 nrecs;
	size_t			 recs_cap;
	struct store_stream	**pend;		/* streams with records */
	size_t			 npend;
	size_t			 pend_cap;
	struct store_stream	*lru_head;	/* least recently used */
	struct store_stream	*lru_tail;
	size_t			 nopen;
	struct store_stats	 stats;
	char			 errbuf[512];
	bool			 has_error;
	char			 lastdir[PATH_MAX];	/* last made subdir */
};

static int	store_flush_stream(struct store *, struct store_stream *);

static void
store_set_error(struct store *st, const char *path, int err)
{
	st->stats.write_errors++;
	if (st->has_error)
		return;
	snprintf(st->errbuf, sizeof st->errbuf, "%s%s%s: %s",
	    strcmp(st->dir, ".") == 0 ? "" : st->dir,
	    strcmp(st->dir, ".") == 0 ? "" : "/", path, strerror(err));
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
	st->max_fds = cfg->max_fds != 0 ? cfg->max_fds : default_max_fds();
	st->arena_size = cfg->stage_bytes != 0 ? cfg->stage_bytes :
	    STORE_STAGE_DEFAULT;
	if (st->arena_size > UINT32_MAX)
		st->arena_size = UINT32_MAX;
	st->arena = xmalloc(st->arena_size);
	st->recs_cap = 4096;
	st->recs = xreallocarray(NULL, st->recs_cap, sizeof *st->recs);
	st->pend_cap = 1024;
	st->pend = xreallocarray(NULL, st->pend_cap, sizeof *st->pend);
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

static void
fd_close(struct store *st, struct store_stream *s)
{
	if (s->fd == -1)
		return;
	close(s->fd);
	s->fd = -1;
	lru_unlink(st, s);
	st->nopen--;
}

/* Make room for one more descriptor by closing the least recently used. */
static void
fd_make_room(struct store *st)
{
	struct store_stream *victim;

	while (st->nopen >= st->max_fds && st->lru_head != NULL) {
		victim = st->lru_head;
		if (victim->pending)
			store_flush_stream(st, victim);
		fd_close(st, victim);
	}
}

static void
fd_opened(struct store *st, struct store_stream *s, int fd)
{
	s->fd = fd;
	lru_append(st, s);
	st->nopen++;
	if (st->nopen > st->stats.max_open_fds)
		st->stats.max_open_fds = st->nopen;
}

static int
fd_ensure(struct store *st, struct store_stream *s)
{
	int fd;

	if (s->fd != -1) {
		if (st->lru_tail != s) {
			lru_unlink(st, s);
			lru_append(st, s);
		}
		return (0);
	}
	if (s->path == NULL)
		return (-1);
	fd_make_room(st);
	fd = openat(st->dirfd, s->path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		store_set_error(st, s->path, errno);
		return (-1);
	}
	st->stats.reopens++;
	fd_opened(st, s, fd);
	return (0);
}

int
store_create(struct store *st, struct store_stream *s,
    int (*name)(void *, uint32_t, char *, size_t), void *ctx,
    uint32_t *count, char *err, size_t errlen)
{
	char path[PATH_MAX];
	char *slash;
	uint32_t c;
	int fd, saved;

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
	*count = c;
	free(s->path);
	s->path = xstrdup(path);
	fd_opened(st, s, fd);
	st->stats.files_created++;
	return (0);
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
	st->pend[st->npend++] = s;
	s->pending = true;
}

/* Write directly, bypassing the arena (big segments, flush of one stream). */
static int
write_at(struct store *st, struct store_stream *s, uint64_t off,
    const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = pwrite(s->fd, p, len, (off_t)off);
		st->stats.writes++;
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			store_set_error(st, s->path, n == 0 ? ENOSPC : errno);
			s->failed = true;
			s->dropped += len;
			return (-1);
		}
		st->stats.bytes_written += (uint64_t)n;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return (0);
}

int
store_write(struct store *st, struct store_stream *s, uint64_t off,
    const uint8_t *p, size_t len)
{
	struct store_rec *r;

	if (len == 0)
		return (0);
	if (s->failed) {
		s->dropped += len;
		return (-1);
	}
	if (off + len > s->file_size)
		s->file_size = off + len;
	if (len > st->arena_size / 4) {
		/* Too big to stage: keep order by flushing first. */
		if (store_flush_stream(st, s) == -1 || fd_ensure(st, s) == -1)
			return (-1);
		return (write_at(st, s, off, p, len));
	}
	if (st->arena_used + len > st->arena_size)
		store_flush_all(st);
	if (s->pend_tail != -1) {
		r = &st->recs[s->pend_tail];
		if (r->off + r->len == off && r->at + r->len == st->arena_used &&
		    (uint64_t)r->len + len <= UINT32_MAX) {
			memcpy(st->arena + st->arena_used, p, len);
			st->arena_used += len;
			r->len += (uint32_t)len;
			return (0);
		}
	}
	if (st->nrecs == st->recs_cap) {
		st->recs_cap *= 2;
		st->recs = xreallocarray(st->recs, st->recs_cap,
		    sizeof *st->recs);
	}
	r = &st->recs[st->nrecs];
	r->s = s;
	r->off = off;
	r->at = (uint32_t)st->arena_used;
	r->len = (uint32_t)len;
	r->next = -1;
	memcpy(st->arena + st->arena_used, p, len);
	st->arena_used += len;
	if (s->pend_tail != -1)
		st->recs[s->pend_tail].next = (int32_t)st->nrecs;
	else
		s->pend_head = (int32_t)st->nrecs;
	s->pend_tail = (int32_t)st->nrecs;
	st->nrecs++;
	pend_add(st, s);
	return (0);
}

/* Write a stream's staged records, gathering file-contiguous runs. */
static int
write_records(struct store *st, struct store_stream *s)
{
	struct iovec iov[STORE_IOV_MAX];
	struct store_rec *r;
	int32_t i = s->pend_head;
	uint64_t start, next;
	size_t total;
	ssize_t n;
	int niov, rc = 0;

	if (s->failed) {
		for (; i != -1; i = st->recs[i].next)
			s->dropped += st->recs[i].len;
		goto done;
	}
	if (fd_ensure(st, s) == -1) {
		s->failed = true;
		for (; i != -1; i = st->recs[i].next)
			s->dropped += st->recs[i].len;
		rc = -1;
		goto done;
	}
	while (i != -1) {
		r = &st->recs[i];
		start = next = r->off;
		niov = 0;
		total = 0;
		while (i != -1 && niov < STORE_IOV_MAX &&
		    st->recs[i].off == next) {
			r = &st->recs[i];
			iov[niov].iov_base = st->arena + r->at;
			iov[niov].iov_len = r->len;
			niov++;
			total += r->len;
			next += r->len;
			i = r->next;
		}
		n = pwritev(s->fd, iov, niov, (off_t)start);
		st->stats.writes++;
		if (n >= 0 && (size_t)n < total) {
			/* A short write: finish it piece by piece, from the
			 * first byte not written. */
			size_t done_bytes = (size_t)n;
			uint64_t pos = start + (uint64_t)n;
			int k;

			st->stats.bytes_written += (uint64_t)n;
			for (k = 0; k < niov; k++) {
				size_t l = iov[k].iov_len;

				if (rc == -1) {
					s->dropped += l;	/* not tried */
					continue;
				}
				if (done_bytes >= l) {
					done_bytes -= l;
					continue;
				}
				if (write_at(st, s, pos, (const uint8_t *)
				    iov[k].iov_base + done_bytes,
				    l - done_bytes) == -1)
					rc = -1;
				pos += l - done_bytes;
				done_bytes = 0;
			}
			if (rc == -1) {
				/* The records after this run are lost too. */
				for (; i != -1; i = st->recs[i].next)
					s->dropped += st->recs[i].len;
				break;
			}
			continue;
		}
		if (n < 0) {
			store_set_error(st, s->path, errno);
			s->failed = true;
			s->dropped += total;
			for (; i != -1; i = st->recs[i].next)
				s->dropped += st->recs[i].len;
			rc = -1;
			break;
		}
		st->stats.bytes_written += (uint64_t)n;
	}
done:
	s->pend_head = s->pend_tail = -1;
	return (rc);
}

int
store_flush_all(struct store *st)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < st->npend; i++) {
		if (write_records(st, st->pend[i]) == -1)
			rc = -1;
		st->pend[i]->pending = false;
	}
	st->npend = 0;
	st->nrecs = 0;
	st->arena_used = 0;
	return (rc);
}

/*
 * Flush one stream.  Its records stay in the arena (space is reclaimed at the
 * next full flush); it just leaves the pending list.
 */
static int
store_flush_stream(struct store *st, struct store_stream *s)
{
	size_t i;
	int rc;

	if (!s->pending)
		return (0);
	rc = write_records(st, s);
	for (i = 0; i < st->npend; i++) {
		if (st->pend[i] == s) {
			st->pend[i] = st->pend[--st->npend];
			break;
		}
	}
	s->pending = false;
	return (rc);
}

ssize_t
store_read(struct store *st, struct store_stream *s, uint64_t off,
    uint8_t *buf, size_t len)
{
	ssize_t n;
	size_t got = 0;
	int fd;

	if (s->path == NULL)
		return (-1);
	if (store_flush_stream(st, s) == -1)
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
	return ((ssize_t)got);
}

int
store_shift_up(struct store *st, struct store_stream *s, uint64_t shift)
{
	uint8_t *buf;
	size_t chunk = 1u << 20;
	uint64_t size, pos, n;
	ssize_t r;
	int rfd, rc = 0;

	if (shift == 0 || s->path == NULL)
		return (0);
	if (store_flush_stream(st, s) == -1 || fd_ensure(st, s) == -1)
		return (-1);
	size = s->file_size;
	rfd = openat(st->dirfd, s->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (rfd == -1) {
		store_set_error(st, s->path, errno);
		return (-1);
	}
	buf = xmalloc(chunk);
	/* Copy from the end backwards so nothing is overwritten unread. */
	pos = size;
	while (pos > 0) {
		n = pos > chunk ? chunk : pos;
		pos -= n;
		r = pread(rfd, buf, (size_t)n, (off_t)pos);
		if (r < 0) {
			store_set_error(st, s->path, errno);
			rc = -1;
			break;
		}
		if ((uint64_t)r < n)
			memset(buf + r, 0, (size_t)(n - (uint64_t)r));
		if (write_at(st, s, pos + shift, buf, (size_t)n) == -1) {
			rc = -1;
			break;
		}
	}
	/* The old place of the moved bytes must read back as NULs. */
	if (rc == 0) {
		uint64_t z = size < shift ? size : shift;

		memset(buf, 0, chunk);
		for (pos = 0; pos < z; pos += n) {
			n = z - pos > chunk ? chunk : z - pos;
			if (write_at(st, s, pos, buf, (size_t)n) == -1) {
				rc = -1;
				break;
			}
		}
	}
	free(buf);
	close(rfd);
	if (rc == 0)
		s->file_size = size + shift;
	return (rc);
}

int
store_close_stream(struct store *st, struct store_stream *s,
    uint64_t mtime_ns)
{
	struct timespec ts[2];
	int rc;

	rc = store_flush_stream(st, s);
	if (s->path == NULL)
		return (rc);
	ts[0].tv_sec = ts[1].tv_sec = (time_t)(mtime_ns / 1000000000u);
	ts[0].tv_nsec = ts[1].tv_nsec = (long)(mtime_ns % 1000000000u);
	if (s->fd != -1)
		futimens(s->fd, ts);
	else
		utimensat(st->dirfd, s->path, ts, AT_SYMLINK_NOFOLLOW);
	fd_close(st, s);
	return (rc);
}

void
store_release_stream(struct store *st, struct store_stream *s)
{
	store_flush_stream(st, s);
	fd_close(st, s);
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
	store_flush_all(st);
	while (st->lru_head != NULL)
		fd_close(st, st->lru_head);
	close(st->dirfd);
	free(st->arena);
	free(st->recs);
	free(st->pend);
	free(st->dir);
	free(st);
}
