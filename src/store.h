/*
 * store.h: the stream store.  Each direction's reassembled bytes live in a
 * file (the output directory, or a private spool directory); memory holds only
 * a bounded staging arena and a bounded set of open descriptors.
 *
 * Writes are staged: store_write() copies the bytes into one shared arena and
 * links them to their stream; store_flush_all() then issues one pwritev() per
 * run of contiguous bytes per stream.  So the per-packet path does a memcpy and
 * no syscall; syscalls scale with active streams per flush, not with packets.
 *
 * Open descriptors are an LRU cache capped at max_fds: a stream whose
 * descriptor was evicted is reopened (O_WRONLY|O_NOFOLLOW) on its next flush.
 * Files are created with O_CREAT|O_EXCL|O_NOFOLLOW, relative to a directory
 * descriptor opened once, so nothing is ever overwritten and a later chroot
 * does not matter.
 */
#ifndef FLOWSCOPE_STORE_H
#define FLOWSCOPE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Per-stream state, embedded in the owner's structure; zero it, then
 * store_stream_init(). */
struct store_stream {
	char			*path;		/* relative to the store dir */
	struct store_stream	*lru_prev;	/* open-descriptor LRU */
	struct store_stream	*lru_next;
	uint64_t		 file_size;	/* bytes in the file + staged */
	uint64_t		 durable;	/* the file is written up to here
						   (below it, pread sees what
						   store_read does) */
	uint64_t		 dropped;	/* bytes lost to write errors */
	uint64_t		 token;		/* the owner's name for it, passed
						   back in lost() */
	uint64_t		 gen;		/* last batch with its job/op */
	uint64_t		 job_gen;	/* batch of its last job */
	uint32_t		 job_idx;	/* that job's index there */
	uint32_t		 njobs_gen;	/* its jobs in that batch */
	size_t			 pend_idx;	/* place on the pending list */
	int32_t			 pend_head;	/* staged records, -1 if none */
	int32_t			 pend_tail;
	int			 fd;		/* -1 when not open */
	bool			 failed;	/* a write error hit this stream */
	bool			 pending;	/* on the store's pending list */
};

struct store_config {
	const char	*dir;		/* created with parents if missing */
	size_t		 max_fds;	/* 0: from RLIMIT_NOFILE */
	size_t		 stage_bytes;	/* 0: default 1 MiB */
	/*
	 * Optional, called in the capture thread: lost() when the writer
	 * failed to write bytes of the stream with this token (a full disk),
	 * settled() when every batch up to gen is written (or failed), so
	 * the owner can report a stream once its fate is known.
	 */
	void		(*lost)(void *arg, uint64_t token, uint64_t bytes);
	void		(*settled)(void *arg, uint64_t gen);
	void		*cb_arg;
};

struct store_stats {
	uint64_t	 files_created;
	uint64_t	 open_fds;
	uint64_t	 max_open_fds;
	uint64_t	 reopens;
	uint64_t	 writes;	/* pwrite/pwritev calls */
	uint64_t	 bytes_written;
	uint64_t	 write_errors;
};

struct store;

/*
 * A new private directory $TMPDIR/NAME-XXXXXX (/tmp without TMPDIR): the
 * spool of the console modes, a fuzzer's scratch.  The caller frees the
 * returned path; NULL with errno set on failure.
 */
char		*store_mkdtemp(const char *name);

/* rm -r path (a spool or a test directory); -1 if something stayed. */
int		 store_remove_tree(const char *path);

/* mkdir -p path (relative to the cwd); -1 with errno set. */
int		 store_mkdir_p(const char *path);

struct store	*store_new(const struct store_config *cfg, char *err,
		    size_t errlen);
void		 store_stream_init(struct store_stream *s);

/*
 * Create the stream's file.  name(ctx, count, buf, len) gives the relative
 * path for a connection count; counts from *count upwards are tried until a
 * name does not exist yet (tcpflow's c1, c2... rule).  On success *count is the
 * count used.  -1 and a message on error.
 */
int		 store_create(struct store *st, struct store_stream *s,
		    int (*name)(void *ctx, uint32_t count, char *buf,
		    size_t len), void *ctx, uint32_t *count, char *err,
		    size_t errlen);

/* Stage len bytes for file offset off.  -1 if the stream has failed. */
int		 store_write(struct store *st, struct store_stream *s,
		    uint64_t off, const uint8_t *p, size_t len);

/* Read back len bytes at off (staged bytes included).  Returns bytes read,
 * short at end of file, -1 on error. */
ssize_t		 store_read(struct store *st, struct store_stream *s,
		    uint64_t off, uint8_t *buf, size_t len);

/*
 * Move the whole file up by shift bytes and zero the first shift bytes, so
 * data that belongs in front can be written there.  Done once per stream when
 * reassembly learns of earlier data (STYLE: no copying over and over).
 */
int		 store_shift_up(struct store *st, struct store_stream *s,
		    uint64_t shift);

/* Move the file down by shift bytes (the first shift bytes go away). */
int		 store_shift_down(struct store *st, struct store_stream *s,
		    uint64_t shift);

/* Cut the file to len bytes if it is longer. */
int		 store_truncate(struct store *st, struct store_stream *s,
		    uint64_t len);

/*
 * The batch that still holds bytes or work of s, 0 if none: the stream's fate
 * (written or lost) is known once settled() has reported this gen.
 */
uint64_t	 store_pending_gen(const struct store *st,
		    const struct store_stream *s);

/* Write out every staged byte.  -1 if some write failed (see
 * store_last_error). */
int		 store_flush_all(struct store *st);

/*
 * Close the stream: its staged bytes, then its mtime and the close of its
 * descriptor, are queued behind the current batch (so they happen at the
 * next handoff or store_flush_all, in order).  The path is kept so a late
 * write can reopen the file.
 */
int		 store_close_stream(struct store *st, struct store_stream *s,
		    uint64_t mtime_ns);

/* Forget the stream entirely (frees the path); flushes first. */
void		 store_release_stream(struct store *st, struct store_stream *s);

/* The directory path as given, and its descriptor. */
const char	*store_dir(const struct store *st);

/* The first write error since the last call, or NULL. */
const char	*store_take_error(struct store *st);

void		 store_get_stats(const struct store *st, struct store_stats *ss);
void		 store_free(struct store *st);

#endif /* FLOWSCOPE_STORE_H */
