/*
 * test-store.c: the stream store against a model in memory.  Files are made
 * in a mkdtemp() directory: the c1/c2 next-free-name rule, O_EXCL never
 * touching an existing file, subdirectories from '/' in names; staged writes
 * in order, out of order, with holes (NULs, sparse), bigger than a quarter of
 * the arena, many streams interleaved under a tiny descriptor cap; reading
 * staged bytes back; shifting a file up; mtimes on close; and a write error
 * (RLIMIT_FSIZE, SIGXFSZ ignored) that must be reported, counted and survived.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "store.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

static char	 tmpdir[] = "/tmp/test-store.XXXXXX";

static void	 rm_rf(const char *);
static int	 name_cn(void *, uint32_t, char *, size_t);
static struct store *mkstore(const char *, size_t, size_t);
static int	 mkstream(struct store *, struct store_stream *, const char *);
static ssize_t	 read_file(const char *, uint8_t *, size_t);
static bool	 file_is(const char *, const uint8_t *, size_t);
static void	 fill(uint8_t *, size_t, uint32_t);
static void	 test_names(void);
static void	 test_staging(void);
static void	 test_big_and_sparse(void);
static void	 test_many_streams(void);
static void	 test_random_model(void);
static void	 test_read_shift(void);
static void	 test_close_mtime(void);
static void	 test_write_error(void);

static void
rm_rf(const char *path)
{
	store_remove_tree(path);
}

/* "<base>" for count 0, "<base>c<N>" after (tcpflow's rule). */
static int
name_cn(void *ctx, uint32_t count, char *buf, size_t len)
{
	int n;

	if (count == 0)
		n = snprintf(buf, len, "%s", (const char *)ctx);
	else
		n = snprintf(buf, len, "%sc%u", (const char *)ctx, count);
	return (n < 0 || (size_t)n >= len ? -1 : n);
}

static struct store *
mkstore(const char *sub, size_t max_fds, size_t stage)
{
	struct store_config cfg;
	char dir[512], err[256];
	struct store *st;

	snprintf(dir, sizeof dir, "%s/%s", tmpdir, sub);
	memset(&cfg, 0, sizeof cfg);
	cfg.dir = dir;
	cfg.max_fds = max_fds;
	cfg.stage_bytes = stage;
	st = store_new(&cfg, err, sizeof err);
	if (st == NULL) {
		printf("Bail out! store_new %s: %s\n", dir, err);
		exit(1);
	}
	return (st);
}

/* Init and create a stream named base (count 0 upwards). */
static int
mkstream(struct store *st, struct store_stream *s, const char *base)
{
	char err[256];
	uint32_t count = 0;

	store_stream_init(s);
	if (store_create(st, s, name_cn, (void *)(uintptr_t)base, &count, err,
	    sizeof err) == -1) {
		tap_diag("store_create %s: %s", base, err);
		return (-1);
	}
	return ((int)count);
}

static ssize_t
read_file(const char *path, uint8_t *buf, size_t len)
{
	ssize_t n, got = 0;
	int fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return (-1);
	while ((size_t)got < len && (n = read(fd, buf + got, len -
	    (size_t)got)) > 0)
		got += n;
	close(fd);
	return (got);
}

/* The file holds exactly want[0..len). */
static bool
file_is(const char *path, const uint8_t *want, size_t len)
{
	uint8_t *buf = malloc(len + 16);
	ssize_t n;
	bool ok;
	size_t i;

	n = read_file(path, buf, len + 16);
	ok = n == (ssize_t)len && memcmp(buf, want, len) == 0;
	if (!ok) {
		tap_diag("%s: read %zd bytes, want %zu", path, n, len);
		for (i = 0; n > 0 && i < len && i < (size_t)n; i++) {
			if (buf[i] != want[i]) {
				tap_diag("first difference at %zu: %02x, want "
				    "%02x", i, buf[i], want[i]);
				break;
			}
		}
	}
	free(buf);
	return (ok);
}

/* Deterministic non-zero pattern. */
static void
fill(uint8_t *p, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)((seed >> 16) | 1);
	}
}

static void
test_names(void)
{
	struct store *st = mkstore("names", 0, 0);
	struct store_stream s1, s2, s3, s4;
	char path[600];
	int fd, c;

	/* A pre-existing file must never be overwritten. */
	snprintf(path, sizeof path, "%s/names/conn", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd == -1 || write(fd, "KEEP", 4) != 4)
		printf("Bail out! cannot make %s\n", path);
	close(fd);

	c = mkstream(st, &s1, "conn");
	tap_is_int(c, 1, "existing 'conn': next free count is 1");
	tap_is_str(s1.path, "connc1", "path is connc1");
	c = mkstream(st, &s2, "conn");
	tap_is_int(c, 2, "second stream on the same name: count 2");
	tap_is_str(s2.path, "connc2", "path is connc2");
	c = mkstream(st, &s3, "fresh");
	tap_is_int(c, 0, "fresh name: count 0");
	tap_is_str(s3.path, "fresh", "path is fresh");

	store_write(st, &s1, 0, (const uint8_t *)"NEW1", 4);
	store_write(st, &s2, 0, (const uint8_t *)"NEW2", 4);
	tap_is_int(store_flush_all(st), 0, "flush ok");
	tap_ok(file_is(path, (const uint8_t *)"KEEP", 4),
	    "pre-existing file untouched");
	snprintf(path, sizeof path, "%s/names/connc1", tmpdir);
	tap_ok(file_is(path, (const uint8_t *)"NEW1", 4), "connc1 content");
	snprintf(path, sizeof path, "%s/names/connc2", tmpdir);
	tap_ok(file_is(path, (const uint8_t *)"NEW2", 4), "connc2 content");

	/* Subdirectories from '/' in the name, several levels. */
	c = mkstream(st, &s4, "sub/dir/deep");
	tap_is_int(c, 0, "nested name created");
	store_write(st, &s4, 0, (const uint8_t *)"deep", 4);
	store_close_stream(st, &s4, 0);
	store_flush_all(st);	/* closes are queued behind the writes */
	snprintf(path, sizeof path, "%s/names/sub/dir/deep", tmpdir);
	tap_ok(file_is(path, (const uint8_t *)"deep", 4),
	    "file in created subdirectory");
	/* Same directory again (cached), and then a different one. */
	store_release_stream(st, &s4);
	c = mkstream(st, &s4, "sub/dir/deep");
	tap_is_int(c, 1, "same nested name again: c1");
	store_release_stream(st, &s4);
	c = mkstream(st, &s4, "sub/other/x");
	tap_is_int(c, 0, "sibling subdirectory created");
	snprintf(path, sizeof path, "%s/names/sub/other/x", tmpdir);
	tap_ok(access(path, F_OK) == 0, "sub/other/x exists");

	store_release_stream(st, &s1);
	store_release_stream(st, &s2);
	store_release_stream(st, &s3);
	store_release_stream(st, &s4);
	store_free(st);
}

static void
test_staging(void)
{
	struct store *st = mkstore("stage", 0, 4096);
	struct store_stream a, b, c;
	uint8_t want[64];
	char path[600];

	mkstream(st, &a, "inorder");
	mkstream(st, &b, "ooo");
	mkstream(st, &c, "holes");

	/* In order, in small pieces. */
	store_write(st, &a, 0, (const uint8_t *)"Hello", 5);
	store_write(st, &a, 5, (const uint8_t *)", ", 2);
	store_write(st, &a, 7, (const uint8_t *)"world", 5);
	/* Out of order: CCCC@8, AAAA@0, BBBB@4. */
	store_write(st, &b, 8, (const uint8_t *)"CCCC", 4);
	store_write(st, &b, 0, (const uint8_t *)"AAAA", 4);
	store_write(st, &b, 4, (const uint8_t *)"BBBB", 4);
	/* Holes: XY@3, Z@10 -> NUL NUL NUL X Y NUL x5 Z. */
	store_write(st, &c, 10, (const uint8_t *)"Z", 1);
	store_write(st, &c, 3, (const uint8_t *)"XY", 2);
	tap_ok(a.file_size == 12 && b.file_size == 12 && c.file_size == 11,
	    "file_size tracks staged ends (%llu %llu %llu)",
	    (unsigned long long)a.file_size, (unsigned long long)b.file_size,
	    (unsigned long long)c.file_size);
	tap_is_int(store_flush_all(st), 0, "flush ok");

	snprintf(path, sizeof path, "%s/stage/inorder", tmpdir);
	tap_ok(file_is(path, (const uint8_t *)"Hello, world", 12),
	    "in-order pieces");
	snprintf(path, sizeof path, "%s/stage/ooo", tmpdir);
	tap_ok(file_is(path, (const uint8_t *)"AAAABBBBCCCC", 12),
	    "out-of-order pieces");
	memset(want, 0, sizeof want);
	memcpy(want + 3, "XY", 2);
	want[10] = 'Z';
	snprintf(path, sizeof path, "%s/stage/holes", tmpdir);
	tap_ok(file_is(path, want, 11), "holes read back as NULs");

	/* After a flush, writes continue (the arena was reset). */
	store_write(st, &a, 12, (const uint8_t *)"!", 1);
	store_flush_all(st);
	snprintf(path, sizeof path, "%s/stage/inorder", tmpdir);
	tap_ok(file_is(path, (const uint8_t *)"Hello, world!", 13),
	    "append after flush");

	store_release_stream(st, &a);
	store_release_stream(st, &b);
	store_release_stream(st, &c);
	store_free(st);
}

static void
test_big_and_sparse(void)
{
	struct store *st = mkstore("big", 0, 4096);
	struct store_stream s, sp;
	struct store_stats ss;
	uint8_t *want;
	char path[600];
	struct stat sb;
	size_t n = 10000;

	want = calloc(1, n);
	mkstream(st, &s, "big");
	/* Staged small bytes, then a write > arena/4 that must land after
	 * them (and after a staged overlapping byte: order kept). */
	fill(want, n, 7);
	store_write(st, &s, 0, want, 100);
	store_write(st, &s, 5000, (const uint8_t *)"?", 1);	/* overwritten */
	store_write(st, &s, 100, want + 100, n - 100);		/* big */
	store_write(st, &s, n, (const uint8_t *)"END", 3);
	store_flush_all(st);
	want = realloc(want, n + 3);
	memcpy(want + n, "END", 3);
	snprintf(path, sizeof path, "%s/big/big", tmpdir);
	tap_ok(file_is(path, want, n + 3),
	    "write bigger than arena/4 keeps order with staged bytes");
	store_get_stats(st, &ss);
	tap_ok(ss.bytes_written >= n + 3, "bytes_written counted (%llu)",
	    (unsigned long long)ss.bytes_written);

	/* Sparse: 1 byte at 0 and at 256 MiB. */
	mkstream(st, &sp, "sparse");
	store_write(st, &sp, 0, (const uint8_t *)"a", 1);
	store_write(st, &sp, 256u << 20, (const uint8_t *)"b", 1);
	store_close_stream(st, &sp, 0);
	store_flush_all(st);
	snprintf(path, sizeof path, "%s/big/sparse", tmpdir);
	tap_ok(stat(path, &sb) == 0 && sb.st_size == (256 << 20) + 1,
	    "sparse file size 256 MiB + 1");
	tap_ok(sb.st_blocks * 512 < (1 << 20),
	    "sparse file allocates little (%lld blocks)",
	    (long long)sb.st_blocks);
	{
		uint8_t buf[3];
		int fd = open(path, O_RDONLY);

		tap_ok(fd != -1 && pread(fd, buf, 3, (128 << 20) - 1) == 3 &&
		    buf[0] == 0 && buf[1] == 0 && buf[2] == 0,
		    "middle of sparse file is NULs");
		tap_ok(pread(fd, buf, 1, 256 << 20) == 1 && buf[0] == 'b',
		    "last byte of sparse file");
		close(fd);
	}
	store_release_stream(st, &s);
	store_release_stream(st, &sp);
	store_free(st);
	free(want);
}

#define NSTREAMS	50
#define NROUNDS		40

static void
test_many_streams(void)
{
	struct store *st = mkstore("many", 3, 1024);
	struct store_stream *s = calloc(NSTREAMS, sizeof *s);
	uint8_t *model = calloc(NSTREAMS, NROUNDS * 7);
	struct store_stats ss;
	char name[32], path[600];
	int i, r, bad = 0, created = 0;

	for (i = 0; i < NSTREAMS; i++) {
		snprintf(name, sizeof name, "s%02d", i);
		if (mkstream(st, &s[i], name) == 0)
			created++;
	}
	tap_is_int(created, NSTREAMS, "50 streams created with max_fds 3");
	store_get_stats(st, &ss);
	tap_ok(ss.open_fds <= 3, "open fds <= 3 after creating (%llu)",
	    (unsigned long long)ss.open_fds);
	/* Round-robin: each round, every stream gets 7 bytes. */
	for (r = 0; r < NROUNDS; r++) {
		for (i = 0; i < NSTREAMS; i++) {
			uint8_t *p = model + (size_t)i * NROUNDS * 7 + r * 7;

			fill(p, 7, (uint32_t)(i * 1000 + r));
			store_write(st, &s[i], (uint64_t)r * 7, p, 7);
		}
		/* Now and then, read one back mid-way (staged bytes). */
		if (r == NROUNDS / 2) {
			uint8_t buf[NROUNDS * 7];
			ssize_t n = store_read(st, &s[17], 0, buf,
			    sizeof buf);

			tap_ok(n == (r + 1) * 7 && memcmp(buf, model +
			    17 * NROUNDS * 7, (size_t)n) == 0,
			    "store_read mid-way sees every byte so far (%zd)",
			    n);
		}
	}
	tap_is_int(store_flush_all(st), 0, "flush of 50 streams ok");
	for (i = 0; i < NSTREAMS; i++) {
		snprintf(path, sizeof path, "%s/many/s%02d", tmpdir, i);
		if (!file_is(path, model + (size_t)i * NROUNDS * 7,
		    NROUNDS * 7))
			bad++;
	}
	tap_is_int(bad, 0, "all 50 round-robin files correct");
	store_get_stats(st, &ss);
	tap_ok(ss.max_open_fds <= 3, "max_open_fds <= 3 (%llu)",
	    (unsigned long long)ss.max_open_fds);
	tap_ok(ss.reopens > 0, "descriptors were reopened (%llu)",
	    (unsigned long long)ss.reopens);
	tap_is_int((long long)ss.files_created, NSTREAMS, "files_created");
	tap_is_int((long long)ss.write_errors, 0, "no write errors");
	for (i = 0; i < NSTREAMS; i++)
		store_release_stream(st, &s[i]);
	store_get_stats(st, &ss);
	tap_is_int((long long)ss.open_fds, 0, "released: no descriptor open");
	store_free(st);
	free(s);
	free(model);
}

#define RM_STREAMS	12
#define RM_SIZE		6000

/* Random overlapping writes to many streams; the last write wins. */
static void
test_random_model(void)
{
	struct store *st = mkstore("random", 4, 2048);
	struct store_stream s[RM_STREAMS];
	static uint8_t model[RM_STREAMS][RM_SIZE];
	static uint8_t chunk[1200];
	uint64_t size[RM_STREAMS];
	uint32_t rnd = 12345;
	char name[32], path[600];
	int i, k, bad = 0;

	memset(model, 0, sizeof model);
	for (i = 0; i < RM_STREAMS; i++) {
		snprintf(name, sizeof name, "r%02d", i);
		mkstream(st, &s[i], name);
		size[i] = 0;
	}
	for (k = 0; k < 3000; k++) {
		uint32_t off, len;

		rnd = rnd * 1664525u + 1013904223u;
		i = (int)((rnd >> 8) % RM_STREAMS);
		rnd = rnd * 1664525u + 1013904223u;
		/* Mostly small, sometimes > arena/4 (512). */
		len = (rnd >> 8) % 10 == 0 ? 600 + (rnd >> 12) % 600 :
		    1 + (rnd >> 12) % 40;
		rnd = rnd * 1664525u + 1013904223u;
		off = (rnd >> 8) % (RM_SIZE - len);
		fill(chunk, len, rnd);
		memcpy(model[i] + off, chunk, len);
		if (off + len > size[i])
			size[i] = off + len;
		store_write(st, &s[i], off, chunk, len);
		if (k % 500 == 499) {
			/* A stream read in between must match the model. */
			uint8_t buf[RM_SIZE];

			if (store_read(st, &s[i], 0, buf, RM_SIZE) !=
			    (ssize_t)size[i] || memcmp(buf, model[i],
			    size[i]) != 0)
				bad++;
		}
	}
	tap_is_int(bad, 0, "store_read matches the model mid-way");
	store_flush_all(st);
	bad = 0;
	for (i = 0; i < RM_STREAMS; i++) {
		snprintf(path, sizeof path, "%s/random/r%02d", tmpdir, i);
		if (!file_is(path, model[i], size[i]))
			bad++;
		if (s[i].file_size != size[i])
			bad++;
	}
	tap_is_int(bad, 0, "3000 random overlapping writes: last write wins "
	    "in every file");
	for (i = 0; i < RM_STREAMS; i++)
		store_release_stream(st, &s[i]);
	store_free(st);
}

static void
test_read_shift(void)
{
	struct store *st = mkstore("shift", 0, 1 << 16);
	struct store_stream s, t, u;
	uint8_t buf[32], *big, *want;
	char path[600];
	size_t bign = (3u << 20) + 12345;

	mkstream(st, &s, "s");
	store_write(st, &s, 0, (const uint8_t *)"ABCD", 4);
	tap_is_int(store_read(st, &s, 0, buf, sizeof buf), 4,
	    "store_read sees staged bytes");
	tap_ok(memcmp(buf, "ABCD", 4) == 0, "staged bytes' content");
	tap_is_int(store_read(st, &s, 2, buf, 1), 1, "read 1 at 2");
	tap_ok(buf[0] == 'C', "byte at 2 is C");
	store_write(st, &s, 4, (const uint8_t *)"EF", 2);	/* staged */
	tap_is_int(store_shift_up(st, &s, 3), 0, "shift up by 3");
	tap_is_int((long long)s.file_size, 9, "file_size grew by 3");
	snprintf(path, sizeof path, "%s/shift/s", tmpdir);
	tap_ok(file_is(path, (const uint8_t *)"\0\0\0ABCDEF", 9),
	    "shift moves content (staged included) and zeroes the front");
	store_write(st, &s, 0, (const uint8_t *)"xyz", 3);
	store_flush_all(st);
	tap_ok(file_is(path, (const uint8_t *)"xyzABCDEF", 9),
	    "front can be written after the shift");

	/* Shift larger than the file. */
	mkstream(st, &t, "t");
	store_write(st, &t, 0, (const uint8_t *)"AB", 2);
	tap_is_int(store_shift_up(st, &t, 5), 0, "shift 5 of a 2-byte file");
	snprintf(path, sizeof path, "%s/shift/t", tmpdir);
	tap_ok(file_is(path, (const uint8_t *)"\0\0\0\0\0AB", 7),
	    "shift bigger than the file");

	/* Several chunks (> 1 MiB), odd shift. */
	big = malloc(bign);
	want = calloc(1, bign + 777);
	fill(big, bign, 99);
	memcpy(want + 777, big, bign);
	mkstream(st, &u, "u");
	store_write(st, &u, 0, big, bign);
	tap_is_int(store_shift_up(st, &u, 777), 0, "shift a 3 MiB file");
	snprintf(path, sizeof path, "%s/shift/u", tmpdir);
	tap_ok(file_is(path, want, bign + 777), "3 MiB file shifted by 777");
	tap_is_int(store_read(st, &u, 0, buf, 4), 4, "read the new front");
	tap_ok(memcmp(buf, "\0\0\0\0", 4) == 0, "front is NULs");
	free(big);
	free(want);
	store_release_stream(st, &s);
	store_release_stream(st, &t);
	store_release_stream(st, &u);
	store_free(st);
}

static void
test_close_mtime(void)
{
	struct store *st = mkstore("mtime", 2, 0);
	struct store_stream s, o1, o2;
	struct store_stats ss;
	uint64_t ns = 1500000000ull * 1000000000ull + 123456789ull;
	struct stat sb;
	char path[600];

	mkstream(st, &s, "m");
	store_write(st, &s, 0, (const uint8_t *)"data", 4);
	tap_is_int(store_close_stream(st, &s, ns), 0, "close ok");
	tap_is_int(store_flush_all(st), 0, "sync after close");
	snprintf(path, sizeof path, "%s/mtime/m", tmpdir);
	tap_ok(stat(path, &sb) == 0 && sb.st_mtim.tv_sec == 1500000000 &&
	    sb.st_mtim.tv_nsec == 123456789, "mtime set on close (%lld.%09ld)",
	    (long long)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec);
	tap_ok(file_is(path, (const uint8_t *)"data", 4),
	    "staged bytes flushed on close");
	store_get_stats(st, &ss);
	tap_is_int((long long)ss.open_fds, 0, "descriptor closed");
	/* A late write reopens the file and appends. */
	store_write(st, &s, 4, (const uint8_t *)"late", 4);
	store_flush_all(st);
	tap_ok(file_is(path, (const uint8_t *)"datalate", 8),
	    "late write after close reopens the file");
	/* Close again while the descriptor was evicted: utimensat path. */
	store_write(st, &s, 8, (const uint8_t *)"!", 1);
	mkstream(st, &o1, "o1");
	mkstream(st, &o2, "o2");	/* takes the 2 descriptors */
	tap_is_int(store_close_stream(st, &s, ns + 1000000000ull), 0,
	    "close of a stream without a descriptor ok");
	store_flush_all(st);
	tap_ok(stat(path, &sb) == 0 && sb.st_mtim.tv_sec == 1500000001,
	    "mtime set on close without a descriptor");
	tap_ok(file_is(path, (const uint8_t *)"datalate!", 9),
	    "evicted stream's staged byte written");
	store_release_stream(st, &s);
	store_release_stream(st, &o1);
	store_release_stream(st, &o2);
	store_free(st);
}

static void
test_write_error(void)
{
	struct store *st = mkstore("err", 0, 1 << 16);
	struct store_stream s, big, m, o;
	struct store_stats ss;
	struct rlimit old, rl;
	uint8_t data[8000];
	const char *msg;
	char path[600];
	int rc;

	signal(SIGXFSZ, SIG_IGN);
	mkstream(st, &s, "full");
	mkstream(st, &big, "bigw");
	fill(data, sizeof data, 3);
	getrlimit(RLIMIT_FSIZE, &old);
	rl = old;
	rl.rlim_cur = 10000;
	if (setrlimit(RLIMIT_FSIZE, &rl) == -1) {
		tap_skip("setrlimit failed", "write errors");
		return;
	}
	/* 8000 bytes fit; then 4000 at 8000 (2000 fit) and 100 at 20000. */
	store_write(st, &s, 0, data, 8000);
	rc = store_flush_all(st);
	tap_is_int(rc, 0, "first 8000 bytes written");
	store_write(st, &s, 8000, data, 4000);
	store_write(st, &s, 20000, data, 100);
	rc = store_flush_all(st);
	tap_is_int(rc, -1, "flush past RLIMIT_FSIZE fails");
	msg = store_take_error(st);
	tap_ok(msg != NULL && strstr(msg, "err/full") != NULL,
	    "error names the path (%s)", msg != NULL ? msg : "(null)");
	tap_ok(msg != NULL && strstr(msg, strerror(EFBIG)) != NULL,
	    "error says why");
	tap_ok(store_take_error(st) == NULL, "error taken once");
	tap_ok(s.failed, "stream marked failed");
	tap_is_int((long long)s.dropped, 2000 + 100,
	    "dropped = bytes not written (2000 of the run + 100 after it)");
	/* Later writes are refused and counted. */
	tap_is_int(store_write(st, &s, 12000, data, 50), -1,
	    "write to a failed stream refused");
	tap_is_int((long long)s.dropped, 2100 + 50, "refused bytes dropped");
	/* A big direct write beyond the limit (write_at path). */
	store_write(st, &big, 0, data, 10);
	rc = store_write(st, &big, 11000, data, sizeof data);	/* > arena/4? */
	store_flush_all(st);
	store_get_stats(st, &ss);
	tap_ok(ss.write_errors >= 2, "write_errors counted (%llu)",
	    (unsigned long long)ss.write_errors);
	tap_ok(big.dropped == sizeof data, "staged write beyond limit dropped "
	    "(%llu)", (unsigned long long)big.dropped);
	msg = store_take_error(st);
	tap_ok(msg != NULL && strstr(msg, "err/bigw") != NULL,
	    "second error names the other path (%s)",
	    msg != NULL ? msg : "(null)");
	/* A short pwritev over several records of one run. */
	mkstream(st, &m, "multi");
	mkstream(st, &o, "other");
	store_write(st, &m, 0, data, 8000);
	store_write(st, &m, 8000, data, 1500);
	store_flush_all(st);
	store_write(st, &m, 9500, data, 200);
	store_write(st, &o, 0, data, 1);
	store_write(st, &m, 9700, data + 200, 800);
	store_write(st, &o, 1, data + 1, 1);
	store_write(st, &m, 10500, data + 1000, 500);
	tap_is_int(store_flush_all(st), -1, "multi-record run hits the limit");
	tap_is_int((long long)m.dropped, 500 + 500,
	    "dropped: rest of the cut record and the untried one");
	tap_ok(!o.failed && o.dropped == 0, "the other stream is unharmed");
	store_take_error(st);
	setrlimit(RLIMIT_FSIZE, &old);
	snprintf(path, sizeof path, "%s/err/multi", tmpdir);
	{
		uint8_t want[10000];

		memcpy(want, data, 8000);
		memcpy(want + 8000, data, 1500);
		memcpy(want + 9500, data, 500);
		tap_ok(file_is(path, want, sizeof want),
		    "multi-record short write finished in place");
	}
	snprintf(path, sizeof path, "%s/err/other", tmpdir);
	tap_ok(file_is(path, data, 2), "other stream written");
	store_release_stream(st, &m);
	store_release_stream(st, &o);
	snprintf(path, sizeof path, "%s/err/full", tmpdir);
	{
		struct stat sb;

		uint8_t want[10000];

		tap_ok(stat(path, &sb) == 0 && sb.st_size == 10000,
		    "file holds what fit (%lld)", (long long)sb.st_size);
		memcpy(want, data, 8000);
		memcpy(want + 8000, data, 2000);
		tap_ok(file_is(path, want, sizeof want),
		    "a short write is finished at the right offset");
	}
	store_release_stream(st, &s);
	store_release_stream(st, &big);
	store_free(st);
	(void)rc;
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return (1);
	}
	tap_plan_none();
	test_names();
	test_staging();
	test_big_and_sparse();
	test_many_streams();
	test_random_model();
	test_read_shift();
	test_close_mtime();
	test_write_error();
	if (getenv("KEEP_TMP") == NULL)
		rm_rf(tmpdir);
	else
		tap_diag("kept %s", tmpdir);
	return (tap_done());
}
