/*
 * fuzz-reportxml.c: fuzz target for the report.xml reader (report-read.h),
 * as `flowscope --open DIR` uses it on a report from anywhere.
 *
 * The input is the report: its bytes go into a memfd read back as
 * /proc/self/fd/N, so no file is written.  Whatever report_read returns must
 * be consistent: every flow belongs to exactly one connection, and every
 * connection index is in range.  Each filename, and the input itself up to
 * its first NUL, goes through report_read_stream_path into buffers of
 * several sizes: a result must be relative, fit its buffer and have no
 * "..", "." or empty component.  The text fields also go through
 * escape_xml, as they would when written again.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/mman.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "report-read.h"

#include "fuzz-util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE	*devnull;

/* A safe relative path: no leading '/', no "", "." or ".." component. */
static void
check_safe(const char *s)
{
	const char *p, *e;
	size_t n;

	if (s[0] == '/' || s[0] == '\0')
		abort();
	for (p = s;; p = e + 1) {
		e = strchr(p, '/');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			abort();
		if (e == NULL)
			break;
	}
}

static void
check_stream_path(const char *name)
{
	static const size_t sizes[] = { 0, 1, 2, 8, 64, 4096 };
	char *out;
	size_t i, n;
	int r;

	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		n = sizes[i];
		if ((out = malloc(n > 0 ? n : 1)) == NULL)
			abort();
		r = report_read_stream_path(name, out, n);
		if (r == 0) {
			if (memchr(out, '\0', n) == NULL)
				abort();
			check_safe(out);
			/* It is a tail of the name. */
			if (strlen(out) > strlen(name) || strcmp(name +
			    strlen(name) - strlen(out), out) != 0)
				abort();
		} else if (r != -1)
			abort();
		free(out);
	}
}

static void
check_data(const struct report_data *rd)
{
	const struct report_conn *c;
	unsigned char *seen;
	size_t i, k;
	long d;

	if (rd->nconns > rd->nflows)
		abort();
	if ((seen = calloc(rd->nflows > 0 ? rd->nflows : 1, 1)) == NULL)
		abort();
	for (i = 0; i < rd->nconns; i++) {
		c = &rd->conns[i];
		if (c->dir[0] < 0 && c->dir[1] < 0)
			abort();
		for (k = 0; k < 2; k++) {
			d = c->dir[k];
			if (d < -1 || d >= (long)rd->nflows)
				abort();
			if (d >= 0 && seen[d]++ != 0)
				abort();
		}
	}
	for (i = 0; i < rd->nflows; i++) {
		if (seen[i] != 1)
			abort();
		if (rd->flows[i].af != 0 && rd->flows[i].af != 4 &&
		    rd->flows[i].af != 6)
			abort();
		if (rd->flows[i].side < -1 || rd->flows[i].side > 1)
			abort();
		if (rd->flows[i].filename != NULL) {
			check_stream_path(rd->flows[i].filename);
			escape_xml(devnull, rd->flows[i].filename);
		}
	}
	free(seen);
	if (rd->program != NULL)
		escape_xml(devnull, rd->program);
	if (rd->command_line != NULL)
		escape_xml(devnull, rd->command_line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report_data *rd;
	char path[64], err[512], *name;
	const uint8_t *nul;
	size_t n;
	int fd, r;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();

	nul = memchr(data, '\0', size);
	n = nul != NULL ? (size_t)(nul - data) : size;
	if ((name = malloc(n + 1)) == NULL)
		abort();
	if (n > 0)
		memcpy(name, data, n);
	name[n] = '\0';
	check_stream_path(name);
	free(name);

	fd = fuzz_memfd("fuzz-reportxml", data, size);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	err[0] = '\0';
	r = report_read(path, &rd, err, sizeof err);
	close(fd);
	if (r == -1 || (r != 0 && r != 1) || rd == NULL)
		abort();
	if (r == 1 && (err[0] == '\0' || memchr(err, '\0', sizeof err) ==
	    NULL))
		abort();
	check_data(rd);
	report_data_free(rd);
	return (0);
}
