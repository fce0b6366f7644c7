/*
 * fuzz-util.h: what several fuzz harnesses need the same way: a scratch
 * directory made once per process and removed at exit, and the input as a
 * file (a memfd) for code that reads paths.
 */
#ifndef FLOWSCOPE_FUZZ_UTIL_H
#define FLOWSCOPE_FUZZ_UTIL_H

#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store.h"

static char	*fuzz_topdir_path;

static void
fuzz_topdir_cleanup(void)
{
	if (fuzz_topdir_path != NULL)
		store_remove_tree(fuzz_topdir_path);
	free(fuzz_topdir_path);
	fuzz_topdir_path = NULL;
}

/* $TMPDIR/NAME-XXXXXX, made on first use, removed at exit. */
static inline const char *
fuzz_topdir(const char *name)
{
	if (fuzz_topdir_path == NULL) {
		if ((fuzz_topdir_path = store_mkdtemp(name)) == NULL) {
			perror(name);
			abort();
		}
		atexit(fuzz_topdir_cleanup);
	}
	return (fuzz_topdir_path);
}

/* The input in a memfd (read it as /proc/self/fd/N); the caller closes. */
static inline int
fuzz_memfd(const char *name, const uint8_t *data, size_t size)
{
	ssize_t w;
	int fd;

	if ((fd = memfd_create(name, 0)) == -1) {
		perror("memfd_create");
		abort();
	}
	for (; size > 0; data += w, size -= (size_t)w) {
		if ((w = write(fd, data, size)) <= 0) {
			perror("write");
			abort();
		}
	}
	return (fd);
}

#endif /* FLOWSCOPE_FUZZ_UTIL_H */
