/*
 * capture-file.h: our own reader for pcap and pcapng capture files.
 *
 * libpcap refuses pcapng files whose interfaces differ in link type or
 * snaplen, so files are read here instead.  Input goes through zlib, which
 * reads plain and gzip-compressed files alike ("-" is standard input).
 * Records are borrowed: a record's data lives in the reader's buffer and is
 * valid until the next capture_file_next() call.  Every length in the file is
 * checked before use; a damaged file ends with -1 and a one-line message
 * naming the file, never with a crash or a giant allocation.
 */
#ifndef FLOWSCOPE_CAPTURE_FILE_H
#define FLOWSCOPE_CAPTURE_FILE_H

#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>

#include "capture.h"

/* Largest captured length of one record; bigger ones are an error. */
#define CAPTURE_FILE_MAX_RECORD	(16U * 1024 * 1024)

struct capture_file;

/*
 * Open path ("-" for standard input) and read its file header.  Returns NULL
 * and a message naming the file in err on failure.
 */
struct capture_file	*capture_file_open(const char *path, char *err,
			    size_t errlen);

/*
 * Same for an already open descriptor, which the reader takes over (closed by
 * capture_file_close, or here on failure); name is used in messages.
 */
struct capture_file	*capture_file_open_fd(int fd, const char *name,
			    char *err, size_t errlen);

/*
 * Next record: 1 and *rec filled (data borrowed until the next call), 0 at the
 * end of the file, -1 on a damaged or truncated file with a message in err.
 * After 0 or -1 every further call returns the same.
 */
int			 capture_file_next(struct capture_file *f,
			    struct capture_record *rec, char *err,
			    size_t errlen);

/* LINKTYPE_* of the file's first interface, or -1 if not seen yet. */
int			 capture_file_linktype(const struct capture_file *f);

/* The name given at open ("stdin" for "-"). */
const char		*capture_file_name(const struct capture_file *f);

/* Input bytes consumed so far (compressed bytes for a gzip file). */
uint64_t		 capture_file_bytes_read(struct capture_file *f);

/* Size of the file on disk, 0 when unknown (a pipe). */
uint64_t		 capture_file_size(const struct capture_file *f);

/*
 * For a pipe: wait up to timeout_ms for input when nothing is buffered.  0
 * when none came (the caller can do housekeeping), 1 otherwise (always 1 for
 * a regular file).
 */
int			 capture_file_wait(struct capture_file *f, int timeout_ms);

/*
 * A flag that, once set (from a signal handler, say), makes a read
 * interrupted by a signal end instead of being retried.  It must outlive f.
 */
/* At the end of a regular file, wait for more instead of ending (a file
 * another program is still writing); stops when the stop flag is set.
 * idle(arg), if set, is called every 50 ms while a record is waited for. */
void			 capture_file_set_follow(struct capture_file *f,
			    bool on, void (*idle)(void *), void *arg);
void			 capture_file_set_stop(struct capture_file *f,
			    const atomic_int *stop);

/* Close the file and free the reader; f may be NULL. */
void			 capture_file_close(struct capture_file *f);

#endif /* FLOWSCOPE_CAPTURE_FILE_H */
