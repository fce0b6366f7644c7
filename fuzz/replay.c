/*
 * replay.c: a plain main() for a fuzz target, so its corpus runs in
 * `make check` without libFuzzer (STYLE.md 33).
 *
 * Every argument is a file or a directory; a directory's regular files are
 * replayed in name order (not recursively).  Each input is read whole and
 * given to LLVMFuzzerTestOneInput() once, then reported as one TAP line
 * "ok N - path".  A crash or sanitizer report kills the process before its
 * line and plan are printed, which the TAP driver reports as an error; an
 * unreadable input is "not ok".  Exit status 0 when every input was ok.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int	replay_file(const char *path);
static int	replay_path(const char *path);

static unsigned	ntests;
static unsigned	nfailed;

/* Read path whole into a malloc'ed buffer of exactly its size. */
static uint8_t *
read_whole(const char *path, size_t *len)
{
	FILE *f;
	uint8_t *buf = NULL, *nb;
	size_t cap = 0, n = 0, got;

	if ((f = fopen(path, "rb")) == NULL)
		return (NULL);
	for (;;) {
		if (n == cap) {
			cap = cap == 0 ? 65536 : cap * 2;
			if ((nb = realloc(buf, cap)) == NULL)
				goto fail;
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	/* Exact size, so a read past the end is a heap overflow. */
	if ((nb = malloc(n > 0 ? n : 1)) == NULL) {
		free(buf);
		return (NULL);
	}
	memcpy(nb, buf, n);
	free(buf);
	*len = n;
	return (nb);
fail:
	free(buf);
	fclose(f);
	return (NULL);
}

static int
replay_file(const char *path)
{
	uint8_t *data;
	size_t len = 0;

	ntests++;
	if ((data = read_whole(path, &len)) == NULL) {
		printf("not ok %u - %s # %s\n", ntests, path, strerror(errno));
		nfailed++;
		return (-1);
	}
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	printf("ok %u - %s\n", ntests, path);
	fflush(stdout);
	return (0);
}

static int
only_visible(const struct dirent *de)
{
	return (de->d_name[0] != '.');
}

static int
replay_path(const char *path)
{
	struct dirent **names;
	struct stat sb;
	char *child;
	size_t len;
	int i, n, rv = 0;

	if (stat(path, &sb) == -1 || !S_ISDIR(sb.st_mode))
		return (replay_file(path));
	if ((n = scandir(path, &names, only_visible, alphasort)) == -1)
		return (replay_file(path));
	for (i = 0; i < n; i++) {
		len = strlen(path) + strlen(names[i]->d_name) + 2;
		if ((child = malloc(len)) == NULL) {
			perror("malloc");
			exit(2);
		}
		snprintf(child, len, "%s/%s", path, names[i]->d_name);
		if (stat(child, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    replay_file(child) == -1)
			rv = -1;
		free(child);
		free(names[i]);
	}
	free(names);
	return (rv);
}

int
main(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return (2);
	}
	for (i = 1; i < argc; i++)
		replay_path(argv[i]);
	printf("1..%u\n", ntests);
	return (nfailed == 0 ? 0 : 1);
}
