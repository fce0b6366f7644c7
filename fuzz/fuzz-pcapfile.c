/*
 * fuzz-pcapfile.c: fuzz target for the whole batch pipeline: the input is a
 * capture file (pcap, pcapng, possibly gzip-compressed) read through
 * capture.h, decoded, tracked, reassembled and written with report.xml,
 * exactly as `flowscope -r FILE -o DIR` does.
 *
 * The bytes go into a memfd read back as /proc/self/fd/N, so no file is
 * written for the input itself.  The input's size picks one of four option
 * sets, so the limits (-b, -m, -S) and -w get exercised too without changing
 * the file format.  The output directory is made once per process; each
 * input writes into a fresh subdirectory that is removed afterwards.
 * batch_run() prints its warnings on stderr; that is expected.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/mman.h>
#include <sys/stat.h>

#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "log.h"
#include "opts.h"
#include "store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char	topdir[4096];

static void
cleanup_top(void)
{
	if (topdir[0] != '\0')
		store_remove_tree(topdir);
}

static void
init_top(void)
{
	const char *tmp;

	if (topdir[0] != '\0')
		return;
	tmp = getenv("TMPDIR");
	snprintf(topdir, sizeof topdir, "%s/flowscope-fuzz-pcap-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(topdir) == NULL) {
		perror(topdir);
		abort();
	}
	atexit(cleanup_top);
	log_init("fuzz-pcapfile", 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned long run;
	struct opts o;
	char in[64], out[4200], dump[4300], err[1024];
	char *argv[16];
	const uint8_t *p;
	size_t left;
	ssize_t w;
	int argc = 0, fd;

	init_top();
	if ((fd = memfd_create("fuzz-pcapfile", 0)) == -1) {
		perror("memfd_create");
		abort();
	}
	for (p = data, left = size; left > 0; p += w, left -= (size_t)w) {
		if ((w = write(fd, p, left)) <= 0) {
			perror("write");
			abort();
		}
	}
	snprintf(in, sizeof in, "/proc/self/fd/%d", fd);
	snprintf(out, sizeof out, "%s/%lu", topdir, run++);
	snprintf(dump, sizeof dump, "%s/nontcp.pcap", out);

	argv[argc++] = (char *)"flowscope";
	/*
	 * Always a -b: without one, early data far below a file's first byte
	 * makes store_shift_up() copy up to gigabytes (see fuzz/known/).
	 */
	if (size % 4 != 2) {
		argv[argc++] = (char *)"-b";
		argv[argc++] = (char *)"1048576";
	}
	switch (size % 4) {
	case 1:
		argv[argc++] = (char *)"--overlap=last";
		argv[argc++] = (char *)"-w";
		argv[argc++] = dump;
		break;
	case 2:
		argv[argc++] = (char *)"-b";
		argv[argc++] = (char *)"100";
		argv[argc++] = (char *)"-m";
		argv[argc++] = (char *)"1000";
		break;
	case 3:
		argv[argc++] = (char *)"-S";
		argv[argc++] = (char *)"tcp_timeout=1";
		argv[argc++] = (char *)"-S";
		argv[argc++] = (char *)"max_connections=2";
		argv[argc++] = (char *)"-Fk";
		break;
	default:
		break;
	}
	argv[argc++] = (char *)"-r";
	argv[argc++] = in;
	argv[argc++] = (char *)"-o";
	argv[argc++] = out;
	argv[argc] = NULL;

	/* -w needs its directory before batch_run() opens the output. */
	if (size % 4 == 1 && mkdir(out, 0700) == -1) {
		perror(out);
		abort();
	}
	if (opts_parse(&o, argc, argv, err, sizeof err) != 0) {
		fprintf(stderr, "opts_parse: %s\n", err);
		abort();
	}
	(void)batch_run(&o);
	opts_free(&o);
	close(fd);
	store_remove_tree(out);
	return (0);
}
