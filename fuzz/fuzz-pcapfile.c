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

#include "fuzz-util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned long run;
	struct opts o;
	char in[64], out[4200], dump[4300], err[1024];
	char *argv[16];
	const char *top;
	int argc = 0, fd;

	top = fuzz_topdir("flowscope-fuzz-pcap");
	log_init("fuzz-pcapfile", 0);
	fd = fuzz_memfd("fuzz-pcapfile", data, size);
	snprintf(in, sizeof in, "/proc/self/fd/%d", fd);
	snprintf(out, sizeof out, "%s/%lu", top, run++);
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
