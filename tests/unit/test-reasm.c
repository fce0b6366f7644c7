/*
 * test-reasm.c: one direction's reassembly into a real stream store in a
 * mkdtemp() directory, checked by reading the file back: in order, out of
 * order, holes (NULs, a trailing hole not written), overlaps (first or last
 * copy wins, identical copies are no conflict), bytes below ISN+1, data in
 * front of the first segment when no SYN was seen (with and without the
 * early-data budget forcing an early rebase), -b, the hole and completeness
 * queries, the range cap, the console callback, and random delivery orders
 * against a byte model (truth/README.md, "Stream contents of one direction").
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "reasm.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "seq.h"
#include "store.h"
#include "tap.h"

static char	 tmpdir[] = "/tmp/test-reasm.XXXXXX";
static char	 storedir[600];
static struct store *store;
static uint32_t	 file_no;
static uint8_t	 printed[1 << 16];
static size_t	 nprinted;
static int	 print_bad_off;

static int	 name_fn(void *, uint32_t, char *, size_t);
static int	 create_cb(void *, struct flow_dir *);
static void	 print_cb(void *, struct flow_dir *, const uint8_t *, size_t,
		    uint64_t);
static void	 ctx_init(struct reasm_ctx *);
static void	 dir_prep(struct flow_dir *, bool, uint32_t);
static void	 dir_done(struct flow_dir *);
static void	 data(struct reasm_ctx *, struct flow_dir *, uint32_t,
		    const char *);
static ssize_t	 contents(struct reasm_ctx *, struct flow_dir *, uint8_t *,
		    size_t);
static bool	 is_bytes(struct reasm_ctx *, struct flow_dir *,
		    const void *, size_t, const char *);
static bool	 is_str(struct reasm_ctx *, struct flow_dir *, const char *,
		    const char *);
static void	 test_basic(void);
static void	 test_overlap(void);
static void	 test_below_isn(void);
static void	 test_no_syn(void);
static void	 test_budget(void);
static void	 test_max_bytes(void);
static void	 test_queries(void);
static void	 test_max_ranges(void);
static void	 test_print(void);
static void	 test_random(bool, bool);

static int
name_fn(void *ctx, uint32_t count, char *buf, size_t len)
{
	int n = snprintf(buf, len, "f%u-%u", *(uint32_t *)ctx, count);

	return (n < 0 || (size_t)n >= len ? -1 : n);
}

static int
create_cb(void *arg, struct flow_dir *d)
{
	char err[256];
	uint32_t no = file_no++;

	(void)arg;
	if (store_create(store, &d->ss, name_fn, &no, &d->count, err,
	    sizeof err) == -1) {
		tap_diag("create: %s", err);
		return (-1);
	}
	return (0);
}

/* Collect printed bytes; every call must continue where the last ended. */
static void
print_cb(void *arg, struct flow_dir *d, const uint8_t *p, size_t len,
    uint64_t off)
{
	(void)arg;
	(void)d;
	if (off != nprinted)
		print_bad_off++;
	if (nprinted + len <= sizeof printed) {
		memcpy(printed + nprinted, p, len);
		nprinted += len;
	}
}

static void
ctx_init(struct reasm_ctx *rc)
{
	memset(rc, 0, sizeof *rc);
	rc->store = store;
	rc->max_bytes = UINT64_MAX;
	rc->create = create_cb;
}

/* Prepare a direction as flow-track does; with syn, ISN isn was seen. */
static void
dir_prep(struct flow_dir *d, bool syn, uint32_t isn)
{
	memset(d, 0, sizeof *d);
	store_stream_init(&d->ss);
	d->wscale = -1;
	if (syn) {
		d->syn_seen = true;
		d->isn = isn;
		d->base = seq_unwrap_first(isn) + 1;
	}
}

static void
dir_done(struct flow_dir *d)
{
	store_release_stream(store, &d->ss);
	reasm_dir_free(d);
}

/* Payload s at 32-bit sequence number seq (unwrapped near the origin). */
static void
data(struct reasm_ctx *rc, struct flow_dir *d, uint32_t seq, const char *s)
{
	reasm_data(rc, d, seq_unwrap_first(seq), (const uint8_t *)s,
	    (uint32_t)strlen(s));
}

/* Finish the direction and read its whole file. */
static ssize_t
contents(struct reasm_ctx *rc, struct flow_dir *d, uint8_t *buf, size_t len)
{
	char path[1200];
	ssize_t n, got = 0;
	int fd;

	reasm_finish(rc, d);
	store_flush_all(store);
	if (d->ss.path == NULL)
		return (-1);
	snprintf(path, sizeof path, "%s/%s", storedir, d->ss.path);
	if ((fd = open(path, O_RDONLY)) == -1)
		return (-1);
	while ((size_t)got < len && (n = read(fd, buf + got,
	    len - (size_t)got)) > 0)
		got += n;
	close(fd);
	return (got);
}

static bool
is_bytes(struct reasm_ctx *rc, struct flow_dir *d, const void *want,
    size_t len, const char *name)
{
	uint8_t buf[4096];
	ssize_t n = contents(rc, d, buf, sizeof buf);
	size_t i;

	if (tap_ok(n == (ssize_t)len && memcmp(buf, want, len) == 0, "%s",
	    name))
		return (true);
	tap_diag("got %zd bytes, want %zu", n, len);
	if (n > 0) {
		char show[200];

		for (i = 0; i < (size_t)n && i < sizeof show - 1; i++)
			show[i] = buf[i] == 0 ? '.' : (char)buf[i];
		show[i] = '\0';
		tap_diag("got '%s' (NUL as '.')", show);
	}
	return (false);
}

static bool
is_str(struct reasm_ctx *rc, struct flow_dir *d, const char *want,
    const char *name)
{
	return (is_bytes(rc, d, want, strlen(want), name));
}

static void
test_basic(void)
{
	struct reasm_ctx rc;
	struct flow_dir d;
	uint64_t hc, hb;

	ctx_init(&rc);
	dir_prep(&d, true, 1000);
	data(&rc, &d, 1001, "Hello");
	data(&rc, &d, 1006, ", world");
	tap_is_int((long long)reasm_length(&d), 12, "in order: length 12");
	is_str(&rc, &d, "Hello, world", "in order");
	tap_is_int((long long)d.out_of_order, 0, "in order: no out-of-order");
	dir_done(&d);

	dir_prep(&d, true, 0);
	data(&rc, &d, 9, "CCCC");
	data(&rc, &d, 1, "AAAA");
	data(&rc, &d, 5, "BBBB");
	is_str(&rc, &d, "AAAABBBBCCCC", "out of order CCCC@9 AAAA@1 BBBB@5");
	tap_ok(d.out_of_order >= 2, "out_of_order counted (%llu)",
	    (unsigned long long)d.out_of_order);
	reasm_holes(&d, &hc, &hb);
	tap_ok(hc == 0 && hb == 0, "no holes left");
	dir_done(&d);

	dir_prep(&d, true, 0);
	data(&rc, &d, 1, "AAAA");
	data(&rc, &d, 9, "CCCC");
	is_bytes(&rc, &d, "AAAA\0\0\0\0CCCC", 12, "hole NUL-filled");
	reasm_holes(&d, &hc, &hb);
	tap_ok(hc == 1 && hb == 4, "one hole of 4 bytes (%llu, %llu)",
	    (unsigned long long)hc, (unsigned long long)hb);
	dir_done(&d);

	/* Data starting after ISN+1: a front hole. */
	dir_prep(&d, true, 0);
	data(&rc, &d, 5, "BBBB");
	is_bytes(&rc, &d, "\0\0\0\0BBBB", 8, "front hole after ISN+1 NULs");
	reasm_holes(&d, &hc, &hb);
	tap_ok(hc == 1 && hb == 4, "front hole counted");
	dir_done(&d);

	/* A trailing hole is never written. */
	dir_prep(&d, true, 0);
	data(&rc, &d, 1, "AAAA");
	tap_is_int((long long)reasm_length(&d), 4, "trailing hole: length 4");
	is_str(&rc, &d, "AAAA", "trailing hole not written");
	reasm_holes(&d, &hc, &hb);
	tap_ok(hc == 0, "a trailing hole is no hole");
	dir_done(&d);

	/* Zero-length data creates nothing. */
	dir_prep(&d, true, 0);
	reasm_data(&rc, &d, seq_unwrap_first(1), (const uint8_t *)"", 0);
	tap_ok(d.ss.path == NULL && reasm_length(&d) == 0,
	    "empty payload: no file");
	dir_done(&d);
}

static void
test_overlap(void)
{
	struct reasm_ctx rc;
	struct flow_dir d;

	ctx_init(&rc);
	dir_prep(&d, true, 0);
	data(&rc, &d, 1, "AAAAAAAA");
	data(&rc, &d, 3, "XX");
	is_str(&rc, &d, "AAAAAAAA", "overlap: first copy wins");
	tap_is_int((long long)d.overlaps, 1, "overlaps = 1");
	tap_is_int((long long)d.overlap_bytes, 2, "overlap_bytes = 2");
	tap_ok(rc.conflicts == 1 && rc.conflict_bytes == 2, "run totals");
	dir_done(&d);

	rc.overlap_last = true;
	dir_prep(&d, true, 0);
	data(&rc, &d, 1, "AAAAAAAA");
	data(&rc, &d, 3, "XX");
	is_str(&rc, &d, "AAXXAAAA", "overlap_last: last copy wins");
	tap_is_int((long long)d.overlaps, 1, "overlap_last: overlaps = 1");
	dir_done(&d);

	/* Overlap across covered and new bytes, and across a hole. */
	rc.overlap_last = false;
	dir_prep(&d, true, 0);
	data(&rc, &d, 1, "AAAA");
	data(&rc, &d, 9, "CCCC");
	data(&rc, &d, 3, "xxYYYYzzQQ");	/* 3..12: 2 A, 4 new, 4 C */
	is_str(&rc, &d, "AAAAYYYYCCCC", "straddling overlap fills the hole only");
	tap_is_int((long long)d.overlap_bytes, 6, "6 conflicting bytes");
	tap_is_int((long long)d.overlaps, 2, "two conflicting pieces");
	dir_done(&d);

	rc.overlap_last = true;
	dir_prep(&d, true, 0);
	data(&rc, &d, 1, "AAAA");
	data(&rc, &d, 9, "CCCC");
	data(&rc, &d, 3, "xxYYYYzzQQ");
	is_str(&rc, &d, "AAxxYYYYzzQQ", "straddling overlap, last wins");
	dir_done(&d);

	rc.overlap_last = false;
	dir_prep(&d, true, 0);
	data(&rc, &d, 1, "AAAABBBB");
	data(&rc, &d, 1, "AAAABBBB");
	data(&rc, &d, 3, "AABB");
	data(&rc, &d, 5, "BBBBCC");
	is_str(&rc, &d, "AAAABBBBCC", "identical retransmissions");
	tap_is_int((long long)d.overlaps, 0, "identical copies: overlaps 0");
	tap_is_int((long long)d.overlap_bytes, 0, "identical: overlap_bytes 0");
	dir_done(&d);

	/* A retransmission with NULs where the file has a hole's NULs. */
	dir_prep(&d, true, 0);
	data(&rc, &d, 1, "AB");
	reasm_data(&rc, &d, seq_unwrap_first(1), (const uint8_t *)"AB\0\0", 4);
	is_bytes(&rc, &d, "AB\0\0", 4, "NUL payload extends the stream");
	tap_is_int((long long)d.overlaps, 0, "no conflict");
	dir_done(&d);
}

static void
test_below_isn(void)
{
	struct reasm_ctx rc;
	struct flow_dir d;

	ctx_init(&rc);
	dir_prep(&d, true, 1000);
	data(&rc, &d, 999, "ZZABCD");		/* 999, 1000 below ISN+1 */
	tap_is_int((long long)d.violations, 1, "data below ISN+1 counted");
	data(&rc, &d, 990, "QQQ");		/* all below */
	tap_is_int((long long)d.violations, 2, "all-below segment counted");
	data(&rc, &d, 1005, "EF");
	is_str(&rc, &d, "ABCDEF", "bytes below ISN+1 dropped");
	dir_done(&d);

	/* ISN near 2^32: stream data crosses the wrap. */
	dir_prep(&d, true, 0xfffffffdu);
	data(&rc, &d, 0xfffffffeu, "ab");
	tap_is_int((long long)reasm_length(&d), 2, "before the wrap: 2");
	reasm_data(&rc, &d, seq_unwrap(d.base, 0), (const uint8_t *)"cd", 2);
	reasm_data(&rc, &d, seq_unwrap(d.base, 2), (const uint8_t *)"ef", 2);
	tap_is_int((long long)reasm_length(&d), 6, "after the wrap: 6");
	is_str(&rc, &d, "abcdef", "data across 2^32 (unwrapped by caller)");
	dir_done(&d);

	/* Without unwrapping, seq 0 is far below ISN+1: dropped. */
	dir_prep(&d, true, 0xfffffffdu);
	data(&rc, &d, 0xfffffffeu, "ab");
	data(&rc, &d, 0, "cd");
	tap_is_int((long long)d.violations, 1, "seq 0 not unwrapped: below "
	    "ISN+1");
	is_str(&rc, &d, "ab", "and not written");
	dir_done(&d);
}

static void
test_no_syn(void)
{
	struct reasm_ctx rc;
	struct flow_dir d;
	uint64_t hc, hb;

	ctx_init(&rc);
	dir_prep(&d, false, 0);
	data(&rc, &d, 2005, "BBBB");
	data(&rc, &d, 2001, "AAAA");
	data(&rc, &d, 2009, "CCCC");
	tap_ok(!reasm_complete_to(&d, seq_unwrap_first(2005)),
	    "early data pending: not complete");
	is_str(&rc, &d, "AAAABBBBCCCC", "no SYN: earlier data goes in front");
	tap_ok(d.base == seq_unwrap_first(2001), "base is the lowest seq");
	tap_ok(reasm_complete_to(&d, seq_unwrap_first(2013)),
	    "complete after finish");
	dir_done(&d);

	/* A gap between the early data and the first segment. */
	dir_prep(&d, false, 0);
	data(&rc, &d, 2005, "BBBB");
	data(&rc, &d, 2009, "CCCC");
	data(&rc, &d, 2001, "A");
	is_bytes(&rc, &d, "A\0\0\0BBBBCCCC", 12,
	    "gap between early data and the rest reads back as NULs");
	reasm_holes(&d, &hc, &hb);
	tap_ok(hc == 1 && hb == 3, "one 3-byte hole (%llu, %llu)",
	    (unsigned long long)hc, (unsigned long long)hb);
	dir_done(&d);

	/* Shift bigger than the file, several early pieces, one straddling
	 * the old start. */
	dir_prep(&d, false, 0);
	data(&rc, &d, 2010, "XY");
	data(&rc, &d, 2001, "AB");
	data(&rc, &d, 2004, "CD");
	data(&rc, &d, 2008, "EFXQ");	/* EF early; XY overlaps, Q new */
	is_bytes(&rc, &d, "AB\0CD\0\0EFXY", 11,
	    "several early pieces, one straddling the first byte");
	tap_is_int((long long)d.overlaps, 1, "the straddler's 'XQ' vs 'XY' "
	    "conflicts");
	dir_done(&d);

	/* Early pieces overlapping each other: first copy wins. */
	dir_prep(&d, false, 0);
	data(&rc, &d, 2009, "I");
	data(&rc, &d, 2003, "CDE");
	data(&rc, &d, 2001, "abcdefgh");
	is_str(&rc, &d, "abCDEfghI", "overlapping early pieces: first wins");
	tap_is_int((long long)d.overlap_bytes, 3, "3 conflicting early bytes");
	dir_done(&d);

	rc.overlap_last = true;
	dir_prep(&d, false, 0);
	data(&rc, &d, 2009, "I");
	data(&rc, &d, 2003, "CDE");
	data(&rc, &d, 2001, "abcdefgh");
	is_str(&rc, &d, "abcdefghI", "overlapping early pieces: last wins");
	dir_done(&d);
	rc.overlap_last = false;

	/* A late SYN (base below the file's start) puts a front hole in. */
	dir_prep(&d, false, 0);
	data(&rc, &d, 3005, "DATA");
	d.syn_seen = true;
	d.isn = 3000;
	d.base = seq_unwrap_first(3001);
	tap_ok(!reasm_complete_to(&d, seq_unwrap_first(3005)),
	    "late SYN: bytes 3001..3004 missing");
	is_bytes(&rc, &d, "\0\0\0\0DATA", 8, "late SYN: stream starts at ISN+1");
	dir_done(&d);

	/* A late SYN whose ISN+1 lies inside the data already written: the
	 * bytes below ISN+1 are not stream data. */
	dir_prep(&d, false, 0);
	data(&rc, &d, 3005, "DATA");
	d.syn_seen = true;
	d.isn = 3006;
	d.base = seq_unwrap_first(3007);
	data(&rc, &d, 3009, "!");
	is_str(&rc, &d, "TA!", "late SYN above the first data byte: stream "
	    "starts at ISN+1");
	dir_done(&d);
}

static void
test_budget(void)
{
	struct reasm_ctx rc;
	struct flow_dir d;

	ctx_init(&rc);
	rc.pre_budget = 8;
	dir_prep(&d, false, 0);
	data(&rc, &d, 2013, "DDDD");
	data(&rc, &d, 2009, "CCCC");
	data(&rc, &d, 2005, "BBBB");
	tap_is_int(d.npre, 2, "8 early bytes held (budget 8)");
	data(&rc, &d, 2001, "AAAA");
	tap_is_int(d.npre, 0, "over budget: rebased at once");
	tap_is_int((long long)d.pre_bytes, 0, "no early bytes held");
	tap_ok(d.file_base == seq_unwrap_first(2001), "file starts at 2001");
	tap_is_int((long long)rc.pre_total, 0, "run-wide early total back to 0");
	data(&rc, &d, 1999, "ZZ");		/* early again */
	data(&rc, &d, 2017, "EE");
	is_str(&rc, &d, "ZZAAAABBBBCCCCDDDDEE",
	    "early rebase then more early data");
	dir_done(&d);

	/* A segment that crosses the start when the budget trips. */
	dir_prep(&d, false, 0);
	data(&rc, &d, 2010, "KLMN");
	data(&rc, &d, 2001, "abcdefghiJKL");	/* 9 early > 8, 3 overlap */
	is_str(&rc, &d, "abcdefghiKLMN", "budget trips on a straddling "
	    "segment");
	tap_is_int((long long)d.overlap_bytes, 3, "JKL vs KLM conflict");
	dir_done(&d);

	/* The run-wide budget. */
	ctx_init(&rc);
	rc.pre_total_budget = 6;
	{
		struct flow_dir e;

		dir_prep(&d, false, 0);
		dir_prep(&e, false, 0);
		data(&rc, &d, 100, "x");
		data(&rc, &e, 100, "y");
		data(&rc, &d, 96, "abcd");
		tap_is_int(d.npre, 1, "d holds 4 early bytes");
		data(&rc, &e, 96, "ABCD");	/* total 8 > 6 */
		tap_is_int(e.npre, 0, "run-wide budget trips on e");
		tap_is_int((long long)rc.pre_total, 4, "d's 4 bytes remain");
		is_str(&rc, &d, "abcdx", "d right");
		is_str(&rc, &e, "ABCDy", "e right");
		tap_is_int((long long)rc.pre_total, 0, "total 0 after finish");
		dir_done(&d);
		dir_done(&e);
	}
}

static void
test_max_bytes(void)
{
	struct reasm_ctx rc;
	struct flow_dir d;

	ctx_init(&rc);
	rc.max_bytes = 6;
	dir_prep(&d, true, 0);
	data(&rc, &d, 1, "AAAA");
	data(&rc, &d, 5, "BBBB");
	data(&rc, &d, 9, "CC");
	is_str(&rc, &d, "AAAABB", "-b 6: file capped at 6 bytes");
	tap_is_int((long long)d.truncated_bytes, 4, "truncated_bytes = 4");
	tap_is_int((long long)reasm_length(&d), 10, "logical length still 10");
	dir_done(&d);

	/* Out of order beyond the cap, then inside it. */
	dir_prep(&d, true, 0);
	data(&rc, &d, 20, "ZZZ");
	tap_ok(d.ss.path != NULL && d.ss.file_size == 0,
	    "data only beyond the cap: an empty file (as tcpflow -b)");
	data(&rc, &d, 3, "cc");
	is_bytes(&rc, &d, "\0\0cc", 4, "-b with out-of-order data");
	tap_is_int((long long)d.truncated_bytes, 3, "3 truncated");
	dir_done(&d);

	/* No SYN: the cap counts from the final stream start. */
	dir_prep(&d, false, 0);
	data(&rc, &d, 2005, "BBBBCCCC");
	data(&rc, &d, 2001, "AAAA");
	is_str(&rc, &d, "AAAABB", "-b 6 with early data in front: first 6 "
	    "stream bytes");
	dir_done(&d);
}

static void
test_queries(void)
{
	struct reasm_ctx rc;
	struct flow_dir d;
	uint64_t hc, hb, o = seq_unwrap_first(0);

	ctx_init(&rc);
	dir_prep(&d, true, 0);
	tap_ok(reasm_complete_to(&d, o + 1), "nothing yet: complete to ISN+1");
	tap_ok(!reasm_complete_to(&d, o + 2), "nothing yet: not complete to "
	    "ISN+2 (a FIN there waits for the byte)");
	data(&rc, &d, 1, "aaaa");		/* 1..4 */
	data(&rc, &d, 11, "bb");		/* 11..12 */
	data(&rc, &d, 21, "c");			/* 21 */
	data(&rc, &d, 31, "dd");		/* 31..32 */
	reasm_holes(&d, &hc, &hb);
	tap_ok(hc == 3 && hb == 6 + 8 + 9, "3 holes of 23 bytes (%llu %llu)",
	    (unsigned long long)hc, (unsigned long long)hb);
	tap_ok(reasm_complete_to(&d, o + 5), "complete to 5");
	tap_ok(!reasm_complete_to(&d, o + 6), "not complete to 6");
	data(&rc, &d, 5, "xxxxxx");		/* 5..10 fills hole 1 */
	tap_ok(reasm_complete_to(&d, o + 13), "complete to 13 after fill");
	tap_ok(!reasm_complete_to(&d, o + 14), "not to 14");
	reasm_holes(&d, &hc, &hb);
	tap_ok(hc == 2 && hb == 8 + 9, "2 holes left");
	tap_is_int((long long)reasm_length(&d), 32, "length 32");
	dir_done(&d);

	/* Front hole: not complete even to the first data byte. */
	dir_prep(&d, true, 0);
	data(&rc, &d, 3, "zz");
	tap_ok(reasm_complete_to(&d, o + 1), "complete to ISN+1 (0 bytes)");
	tap_ok(!reasm_complete_to(&d, o + 2), "front hole: not complete to 2");
	dir_done(&d);
}

static void
test_max_ranges(void)
{
	struct reasm_ctx rc;
	struct flow_dir d;
	uint8_t want[256];
	uint32_t k;

	ctx_init(&rc);
	rc.max_ranges = 4;
	dir_prep(&d, true, 0);
	memset(want, 0, sizeof want);
	/* 1-byte pieces 2 apart, in reverse: many holes. */
	for (k = 100; k > 0; k--) {
		uint8_t b = (uint8_t)('A' + k % 26);

		reasm_data(&rc, &d, seq_unwrap_first(0) + 1 + 2 * k, &b, 1);
		want[2 * k] = b;
	}
	tap_ok(d.nranges <= 4, "ranges capped at 4 (%u)", d.nranges);
	tap_ok(d.range_overflow > 0, "range_overflow counted (%llu)",
	    (unsigned long long)d.range_overflow);
	is_bytes(&rc, &d, want, 201, "bytes still written under the cap");
	dir_done(&d);

	/* Random pieces: never a crash, every range sorted and disjoint. */
	dir_prep(&d, true, 0);
	{
		uint32_t rnd = 7, i;
		bool sorted = true;
		const struct reasm_range *r;

		for (k = 0; k < 2000; k++) {
			uint8_t buf[16];

			rnd = rnd * 1664525u + 1013904223u;
			memset(buf, 'a' + (int)(rnd >> 28), sizeof buf);
			reasm_data(&rc, &d, seq_unwrap_first(0) + 1 +
			    (rnd >> 8) % 5000, buf, 1 + (rnd >> 4) % 16);
		}
		r = d.rx != NULL ? d.rx : &d.r0;
		for (i = 0; i < d.nranges; i++)
			if (r[i].lo >= r[i].hi || (i > 0 &&
			    r[i].lo <= r[i - 1].hi))
				sorted = false;
		tap_ok(d.nranges <= 4 && sorted, "2000 random pieces: %u "
		    "sorted disjoint ranges", d.nranges);
	}
	dir_done(&d);
}

static void
test_print(void)
{
	struct reasm_ctx rc;
	struct flow_dir d;
	uint8_t stream[3000];
	uint32_t rnd = 99, k;
	int pass;

	for (k = 0; k < sizeof stream; k++)
		stream[k] = (uint8_t)('a' + k % 23);
	for (pass = 0; pass < 2; pass++) {
		ctx_init(&rc);
		rc.print = print_cb;
		rc.overlap_last = pass == 1;
		dir_prep(&d, true, 5000);
		nprinted = 0;
		print_bad_off = 0;
		/* Segments of 1..100 bytes in random order, some twice, and
		 * some retransmitted with different bytes. */
		for (k = 0; k < 400; k++) {
			uint32_t off, len;
			uint8_t alt[100];

			rnd = rnd * 1664525u + 1013904223u;
			off = (rnd >> 8) % (sizeof stream);
			len = 1 + (rnd >> 20) % 100;
			if (off + len > sizeof stream)
				len = (uint32_t)sizeof stream - off;
			if (k % 7 == 3) {
				memset(alt, '#', len);
				/* Only over bytes already seen: first wins,
				 * so alt must never reach the console. */
				if (reasm_complete_to(&d, seq_unwrap_first(
				    5001 + off + len)))
					reasm_data(&rc, &d, seq_unwrap_first(
					    5001 + off), alt, len);
				continue;
			}
			reasm_data(&rc, &d, seq_unwrap_first(5001 + off),
			    stream + off, len);
		}
		/* Then everything in order, so the stream is complete. */
		for (k = 0; k < sizeof stream; k += 50)
			reasm_data(&rc, &d, seq_unwrap_first(5001 + k),
			    stream + k, 50);
		tap_is_int((long long)nprinted, sizeof stream,
		    pass == 0 ? "print: every byte once" :
		    "print (overlap_last): every byte once");
		tap_ok(nprinted == sizeof stream && memcmp(printed, stream,
		    sizeof stream) == 0, "print: bytes in stream order");
		tap_is_int(print_bad_off, 0, "print: offsets continuous");
		tap_is_int((long long)d.printed, sizeof stream,
		    "d->printed = stream length");
		dir_done(&d);
	}
}

/*
 * Random delivery against a byte model: a stream of STREAM bytes at a random
 * ISN (crossing 2^32 sometimes), delivered as random segments, some twice,
 * some with other bytes (the first or last copy must win), in random order;
 * with a SYN or without one (the lowest delivered byte starts the file).
 */
#define STREAM	5000

static void
test_random(bool syn, bool last)
{
	static uint8_t truth[STREAM], model[STREAM], buf[STREAM + 16];
	static bool have[STREAM];
	struct reasm_ctx rc;
	struct flow_dir d;
	uint32_t rnd = syn ? 4242 : 1717, isn;
	int iter, bad = 0, k;

	for (iter = 0; iter < 40; iter++) {
		size_t lo = STREAM, hi = 0, i;
		ssize_t n;

		ctx_init(&rc);
		rc.overlap_last = last;
		rc.pre_budget = 1 + iter * 37 % 600;
		rnd = rnd * 1664525u + 1013904223u;
		isn = iter % 3 == 0 ? 0xffffffffu - (rnd >> 20) : rnd;
		dir_prep(&d, syn, isn);
		memset(have, 0, sizeof have);
		memset(model, 0, sizeof model);
		for (i = 0; i < STREAM; i++)
			truth[i] = (uint8_t)(rnd >> (i % 24)) | 1;
		for (k = 0; k < 120; k++) {
			uint8_t seg[300];
			uint32_t off, len;
			uint64_t s;

			rnd = rnd * 1664525u + 1013904223u;
			off = (rnd >> 6) % (STREAM - 1);
			len = 1 + (rnd >> 22) % 300;
			if (off + len > STREAM)
				len = STREAM - off;
			memcpy(seg, truth + off, len);
			if ((rnd & 7) == 5)
				memset(seg, 0xee, len);	/* a different copy */
			for (i = off; i < off + len; i++) {
				if (!have[i] || last)
					model[i] = seg[i - off];
				have[i] = true;
			}
			if (off < lo)
				lo = off;
			if (off + len > hi)
				hi = off + len;
			/* seq of byte 0 is isn + 1; unwrap as the tracker
			 * does, relative to the first number seen. */
			s = seq_unwrap_first(isn) + 1 + off;
			reasm_data(&rc, &d, s, seg, len);
		}
		n = contents(&rc, &d, buf, sizeof buf);
		if (syn)
			lo = 0;
		if (n != (ssize_t)(hi - lo) || memcmp(buf, model + lo,
		    hi - lo) != 0) {
			if (bad++ == 0) {
				tap_diag("iteration %d: got %zd bytes, want %zu",
				    iter, n, hi - lo);
				for (i = 0; n > 0 && i < (size_t)n &&
				    i < hi - lo; i++)
					if (buf[i] != model[lo + i]) {
						tap_diag("first difference at "
						    "%zu", i);
						break;
					}
			}
		}
		if (rc.pre_total != 0)
			bad++;
		dir_done(&d);
	}
	tap_is_int(bad, 0, syn ? (last ? "random order with SYN, last wins" :
	    "random order with SYN, first wins") : (last ?
	    "random order without SYN, last wins" :
	    "random order without SYN, first wins"));
}

int
main(void)
{
	struct store_config cfg;
	char err[256];

	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return (1);
	}
	snprintf(storedir, sizeof storedir, "%s/out", tmpdir);
	memset(&cfg, 0, sizeof cfg);
	cfg.dir = storedir;
	cfg.max_fds = 8;
	cfg.stage_bytes = 8192;
	if ((store = store_new(&cfg, err, sizeof err)) == NULL) {
		printf("Bail out! store_new: %s\n", err);
		return (1);
	}
	tap_plan_none();
	test_basic();
	test_overlap();
	test_below_isn();
	test_no_syn();
	test_budget();
	test_max_bytes();
	test_queries();
	test_max_ranges();
	test_print();
	test_random(true, false);
	test_random(true, true);
	test_random(false, false);
	test_random(false, true);
	store_free(store);
	if (getenv("KEEP_TMP") == NULL)
		store_remove_tree(tmpdir);
	else
		tap_diag("kept %s", tmpdir);
	return (tap_done());
}
