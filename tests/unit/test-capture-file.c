/*
 * test-capture-file.c: the pcap/pcapng reader (capture-file.c) and the
 * capture API on files (capture.c).
 *
 * Small captures are built in memory by the helpers below, written to a
 * temporary directory (plain or gzip) and read back.  The real captures in
 * the shared corpus ($FLOWSCOPE_SHARED, default ../shared next to the
 * source tree) are checked against the record counts tshark reports; those
 * checks are skipped when the corpus is absent.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "capture-file.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "capture.h"
#include "tap.h"

struct buf {
	uint8_t	*p;
	size_t	 len;
	size_t	 cap;
	bool	 be;
};

static char	 tmpdir[64];
static int	 nfiles;

static void	 put(struct buf *, const void *, size_t);
static void	 put8(struct buf *, uint8_t);
static void	 put16(struct buf *, uint16_t);
static void	 put32(struct buf *, uint32_t);
static void	 pad4(struct buf *);
static char	*write_file(const struct buf *, size_t, bool);
static void	 pcap_hdr(struct buf *, uint32_t, bool, uint32_t);
static void	 pcap_rec(struct buf *, uint32_t, uint32_t, const uint8_t *,
		    uint32_t, uint32_t);
static size_t	 ng_begin(struct buf *, uint32_t);
static void	 ng_end(struct buf *, size_t);
static void	 ng_shb(struct buf *, bool);
static void	 ng_idb(struct buf *, uint16_t, uint32_t, int, bool,
		    int64_t);
static void	 ng_epb(struct buf *, uint32_t, uint64_t, const uint8_t *,
		    uint32_t, uint32_t);
static void	 ng_spb(struct buf *, uint32_t, const uint8_t *, uint32_t);
static void	 ng_pb(struct buf *, uint16_t, uint64_t, const uint8_t *,
		    uint32_t);
static void	 ng_unknown(struct buf *, uint32_t, size_t);
static size_t	 tcp_frame(uint8_t *, uint16_t, uint16_t);
static int	 read_all(const char *, struct capture_record *, size_t,
		    size_t *, char *, size_t);
static void	 test_pcap(void);
static void	 test_gzip_stdin(void);
static void	 test_pcapng(void);
static void	 test_damaged(void);
static void	 test_capture_api(void);
static void	 test_dump(void);
static void	 test_corpus(void);

static uint8_t	 pkt[3][64];
static uint8_t	 recdata[16][64];

static void
put(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		if ((b->p = realloc(b->p, b->cap)) == NULL)
			abort();
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
put8(struct buf *b, uint8_t v)
{
	put(b, &v, 1);
}

static void
put16(struct buf *b, uint16_t v)
{
	uint8_t	 x[2];

	if (b->be) {
		x[0] = (uint8_t)(v >> 8);
		x[1] = (uint8_t)v;
	} else {
		x[0] = (uint8_t)v;
		x[1] = (uint8_t)(v >> 8);
	}
	put(b, x, 2);
}

static void
put32(struct buf *b, uint32_t v)
{
	uint8_t	 x[4];
	int	 i;

	for (i = 0; i < 4; i++)
		x[b->be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
	put(b, x, 4);
}

static void
pad4(struct buf *b)
{
	while (b->len % 4 != 0)
		put8(b, 0);
}

/* Write the first len bytes of b to a new temporary file (gzip if asked). */
static char *
write_file(const struct buf *b, size_t len, bool gz)
{
	char	*path;
	FILE	*fp;
	gzFile	 z;

	if (asprintf(&path, "%s/f%d%s", tmpdir, nfiles++,
	    gz ? ".pcap.gz" : ".cap") == -1)
		abort();
	if (gz) {
		if ((z = gzopen(path, "wb")) == NULL)
			abort();
		if (len > 0 && gzwrite(z, b->p, (unsigned int)len) !=
		    (int)len)
			abort();
		gzclose(z);
	} else {
		if ((fp = fopen(path, "wb")) == NULL)
			abort();
		if (len > 0 && fwrite(b->p, len, 1, fp) != 1)
			abort();
		fclose(fp);
	}
	return (path);
}

static void
pcap_hdr(struct buf *b, uint32_t magic, bool be, uint32_t linktype)
{
	b->be = be;
	put32(b, magic);
	put16(b, 2);
	put16(b, 4);
	put32(b, 0);
	put32(b, 0);
	put32(b, 65535);
	put32(b, linktype);
}

static void
pcap_rec(struct buf *b, uint32_t sec, uint32_t frac, const uint8_t *data,
    uint32_t caplen, uint32_t wirelen)
{
	put32(b, sec);
	put32(b, frac);
	put32(b, caplen);
	put32(b, wirelen);
	put(b, data, caplen);
}

/* Start a pcapng block; ng_end() pads it and patches both lengths. */
static size_t
ng_begin(struct buf *b, uint32_t type)
{
	size_t	 start = b->len;

	put32(b, type);
	put32(b, 0);
	return (start);
}

static void
ng_end(struct buf *b, size_t start)
{
	struct buf	 t;
	uint32_t	 len;

	pad4(b);
	len = (uint32_t)(b->len - start + 4);
	put32(b, len);
	t.p = b->p + start + 4;
	t.len = 0;
	t.cap = 4;
	t.be = b->be;
	put32(&t, len);
}

static void
ng_shb(struct buf *b, bool be)
{
	size_t	 s;

	b->be = be;
	s = ng_begin(b, 0x0a0d0d0a);
	put32(b, 0x1a2b3c4d);
	put16(b, 1);
	put16(b, 0);
	put32(b, 0xffffffff);
	put32(b, 0xffffffff);
	ng_end(b, s);
}

/* IDB; tsresol < 0: no option; tsoffset 0: no option. */
static void
ng_idb(struct buf *b, uint16_t linktype, uint32_t snaplen, int tsresol,
    bool comment, int64_t tsoffset)
{
	size_t	 s;

	s = ng_begin(b, 1);
	put16(b, linktype);
	put16(b, 0);
	put32(b, snaplen);
	if (comment) {
		put16(b, 1);		/* opt_comment, 5 bytes + padding */
		put16(b, 5);
		put(b, "hello", 5);
		pad4(b);
	}
	if (tsresol >= 0) {
		put16(b, 9);
		put16(b, 1);
		put8(b, (uint8_t)tsresol);
		pad4(b);
	}
	if (tsoffset != 0) {
		put16(b, 14);
		put16(b, 8);
		if (b->be) {
			put32(b, (uint32_t)((uint64_t)tsoffset >> 32));
			put32(b, (uint32_t)tsoffset);
		} else {
			put32(b, (uint32_t)tsoffset);
			put32(b, (uint32_t)((uint64_t)tsoffset >> 32));
		}
	}
	put16(b, 0);
	put16(b, 0);
	ng_end(b, s);
}

static void
ng_epb(struct buf *b, uint32_t ifid, uint64_t ts, const uint8_t *data,
    uint32_t caplen, uint32_t wirelen)
{
	size_t	 s;

	s = ng_begin(b, 6);
	put32(b, ifid);
	put32(b, (uint32_t)(ts >> 32));
	put32(b, (uint32_t)ts);
	put32(b, caplen);
	put32(b, wirelen);
	put(b, data, caplen);
	ng_end(b, s);
}

static void
ng_spb(struct buf *b, uint32_t wirelen, const uint8_t *data, uint32_t len)
{
	size_t	 s;

	s = ng_begin(b, 3);
	put32(b, wirelen);
	put(b, data, len);
	ng_end(b, s);
}

static void
ng_pb(struct buf *b, uint16_t ifid, uint64_t ts, const uint8_t *data,
    uint32_t len)
{
	size_t	 s;

	s = ng_begin(b, 2);
	put16(b, ifid);
	put16(b, 0);
	put32(b, (uint32_t)(ts >> 32));
	put32(b, (uint32_t)ts);
	put32(b, len);
	put32(b, len);
	put(b, data, len);
	ng_end(b, s);
}

static void
ng_unknown(struct buf *b, uint32_t type, size_t bodylen)
{
	size_t	 s, i;

	s = ng_begin(b, type);
	for (i = 0; i < bodylen; i++)
		put8(b, (uint8_t)i);
	ng_end(b, s);
}

/* Ethernet + IPv4 + TCP (no payload), 54 bytes. */
static size_t
tcp_frame(uint8_t *p, uint16_t sport, uint16_t dport)
{
	static const uint8_t tmpl[54] = {
		2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00,
		0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0,
		10, 0, 0, 1, 10, 0, 0, 2,
		0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x10, 0x10, 0,
		0, 0, 0, 0
	};

	memcpy(p, tmpl, sizeof tmpl);
	p[34] = (uint8_t)(sport >> 8);
	p[35] = (uint8_t)sport;
	p[36] = (uint8_t)(dport >> 8);
	p[37] = (uint8_t)dport;
	return (sizeof tmpl);
}

/*
 * Read path with capture_file into recs (data not kept); returns the last
 * capture_file_next result and the count in *n.
 */
static int
read_all(const char *path, struct capture_record *recs, size_t max,
    size_t *n, char *err, size_t errlen)
{
	struct capture_file	*f;
	struct capture_record	 r;
	int			 rc;

	*n = 0;
	err[0] = '\0';
	if ((f = capture_file_open(path, err, errlen)) == NULL)
		return (-3);
	while ((rc = capture_file_next(f, &r, err, errlen)) == 1) {
		if (*n < max && *n < 16) {
			/* Data is borrowed: keep a copy of its start. */
			memcpy(recdata[*n], r.data, r.caplen < 64 ? r.caplen :
			    64);
			recs[*n] = r;
			recs[*n].data = recdata[*n];
		}
		(*n)++;
	}
	capture_file_close(f);
	return (rc);
}

static void
test_pcap(void)
{
	static const struct {
		uint32_t	 magic;
		bool		 be;
		bool		 ns;
		const char	*name;
	} v[] = {
		{ 0xa1b2c3d4, false, false, "us LE" },
		{ 0xa1b2c3d4, true, false, "us BE" },
		{ 0xa1b23c4d, false, true, "ns LE" },
		{ 0xa1b23c4d, true, true, "ns BE" },
	};
	struct capture_file	*f;
	struct capture_record	 r;
	struct buf		 b;
	char			 err[256], *path;
	size_t			 i;
	int			 rc, n;
	bool			 good;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		memset(&b, 0, sizeof b);
		/* FCS bits in the upper link-type bits must be ignored. */
		pcap_hdr(&b, v[i].magic, v[i].be, 0x14000000U | 1);
		pcap_rec(&b, 1700000000, 123456, pkt[0], 54, 60);
		pcap_rec(&b, 1700000001, 999999, pkt[1], 54, 54);
		pcap_rec(&b, 1700000002, 0, pkt[2], 0, 1500);
		path = write_file(&b, b.len, false);
		f = capture_file_open(path, err, sizeof err);
		if (!tap_ok(f != NULL, "pcap %s: opens", v[i].name)) {
			tap_diag("%s", err);
			free(path);
			free(b.p);
			continue;
		}
		tap_is_int(capture_file_linktype(f), 1, "pcap linktype");
		n = 0;
		good = true;
		while ((rc = capture_file_next(f, &r, err, sizeof err)) == 1) {
			n++;
			if (n == 1)
				good = good && r.ts_ns == 1700000000ULL *
				    1000000000ULL + (v[i].ns ? 123456 :
				    123456000) && r.caplen == 54 &&
				    r.wirelen == 60 && r.linktype == 1 &&
				    memcmp(r.data, pkt[0], 54) == 0;
			if (n == 2)
				good = good && r.caplen == 54 &&
				    memcmp(r.data, pkt[1], 54) == 0;
			if (n == 3)
				good = good && r.caplen == 0 &&
				    r.wirelen == 1500;
		}
		tap_ok(rc == 0 && n == 3 && good,
		    "pcap %s: 3 records with ts, lengths, data", v[i].name);
		tap_is_int(capture_file_next(f, &r, err, sizeof err), 0,
		    "end is sticky");
		tap_is_int((long long)capture_file_bytes_read(f),
		    (long long)b.len, "bytes read at end = file size");
		tap_is_int((long long)capture_file_size(f), (long long)b.len,
		    "file size");
		capture_file_close(f);
		free(path);
		free(b.p);
	}
}

static void
test_gzip_stdin(void)
{
	struct capture_record	 recs[4];
	struct capture_file	*f;
	struct capture_record	 r;
	struct buf		 b;
	char			 err[256], *path;
	size_t			 n;
	int			 rc, fd, saved;

	memset(&b, 0, sizeof b);
	pcap_hdr(&b, 0xa1b2c3d4, true, 1);
	pcap_rec(&b, 100, 5, pkt[0], 54, 54);
	pcap_rec(&b, 101, 6, pkt[1], 54, 54);
	path = write_file(&b, b.len, true);
	rc = read_all(path, recs, 4, &n, err, sizeof err);
	tap_ok(rc == 0 && n == 2 && recs[1].ts_ns == 101000006000ULL,
	    "gzip pcap: 2 records");

	/* The same file through standard input ("-"). */
	saved = dup(STDIN_FILENO);
	fd = open(path, O_RDONLY);
	dup2(fd, STDIN_FILENO);
	close(fd);
	f = capture_file_open("-", err, sizeof err);
	dup2(saved, STDIN_FILENO);
	close(saved);
	tap_ok(f != NULL, "stdin opens");
	if (f != NULL) {
		tap_is_str(capture_file_name(f), "stdin", "stdin name");
		n = 0;
		while ((rc = capture_file_next(f, &r, err, sizeof err)) == 1)
			n++;
		tap_ok(rc == 0 && n == 2, "stdin: 2 records");
		capture_file_close(f);
	}
	free(path);
	free(b.p);

	/* A gzip file cut in the middle. */
	memset(&b, 0, sizeof b);
	pcap_hdr(&b, 0xa1b2c3d4, false, 1);
	for (n = 0; n < 2000; n++)
		pcap_rec(&b, (uint32_t)n, 0, pkt[n % 3], 54, 54);
	path = write_file(&b, b.len, true);
	{
		struct stat	 st;

		stat(path, &st);
		if (truncate(path, st.st_size / 2) == -1)
			abort();
	}
	rc = read_all(path, recs, 4, &n, err, sizeof err);
	tap_ok(rc == -1 && n > 0 && n < 2000 && strstr(err, "truncated"),
	    "cut gzip file: %zu records then truncated (%s)", n, err);
	free(path);
	free(b.p);
}

static void
test_pcapng(void)
{
	struct capture_record	 recs[16];
	struct buf		 b;
	char			 err[256], *path;
	size_t			 n;
	int			 rc;

	/* Two interfaces of different link types, unknown blocks between. */
	memset(&b, 0, sizeof b);
	ng_shb(&b, false);
	ng_unknown(&b, 0x00000bad, 37);
	ng_idb(&b, 1, 0, -1, true, 0);			/* Ethernet, us */
	ng_idb(&b, 101, 128, 9, false, 0);		/* RAW, ns */
	ng_epb(&b, 0, 1700000000123456ULL, pkt[0], 54, 54);
	ng_unknown(&b, 5, 20);				/* ISB */
	ng_epb(&b, 1, 1700000000123456789ULL, pkt[1] + 14, 40, 40);
	ng_unknown(&b, 0x40000bad, 0);
	ng_pb(&b, 0, 1700000001000000ULL, pkt[2], 54);
	path = write_file(&b, b.len, false);
	rc = read_all(path, recs, 16, &n, err, sizeof err);
	tap_ok(rc == 0 && n == 3, "pcapng 2 ifaces: 3 records (%s)", err);
	if (n == 3) {
		tap_ok(recs[0].linktype == 1 && recs[0].ts_ns ==
		    1700000000123456000ULL && recs[0].caplen == 54,
		    "EPB on iface 0: Ethernet, us resolution");
		tap_ok(recs[1].linktype == 101 && recs[1].ts_ns ==
		    1700000000123456789ULL && recs[1].caplen == 40,
		    "EPB on iface 1: RAW, if_tsresol 10^-9");
		tap_ok(recs[2].linktype == 1 && recs[2].ts_ns ==
		    1700000001000000000ULL, "obsolete PB");
	} else {
		tap_ok(false, "EPB on iface 0");
		tap_ok(false, "EPB on iface 1");
		tap_ok(false, "obsolete PB");
	}
	free(path);
	free(b.p);

	/* 2^-16 resolution with if_tsoffset, then a second BE section + SPB. */
	memset(&b, 0, sizeof b);
	ng_shb(&b, false);
	ng_idb(&b, 1, 0, 0x80 | 16, false, 1000000000);
	ng_epb(&b, 0, (700000000ULL << 16) | 0x8000, pkt[0], 54, 54);
	ng_shb(&b, true);
	ng_idb(&b, 113, 10, 9, false, 0);		/* SLL, snaplen 10 */
	ng_epb(&b, 0, 42, pkt[1], 54, 54);
	ng_spb(&b, 54, pkt[2], 54);
	path = write_file(&b, b.len, false);
	rc = read_all(path, recs, 16, &n, err, sizeof err);
	tap_ok(rc == 0 && n == 3, "pcapng two sections: 3 records (%s)", err);
	if (n == 3) {
		tap_ok(recs[0].ts_ns == 1700000000500000000ULL,
		    "if_tsresol 2^-16 plus if_tsoffset");
		tap_ok(recs[1].linktype == 113 && recs[1].ts_ns == 42,
		    "second section (big-endian) has its own interfaces");
		tap_ok(recs[2].linktype == 113 && recs[2].caplen == 10 &&
		    recs[2].wirelen == 54 && memcmp(recs[2].data, pkt[2],
		    10) == 0, "SPB: caplen cut to snaplen, wirelen kept");
	} else {
		tap_ok(false, "if_tsresol 2^-16");
		tap_ok(false, "second section");
		tap_ok(false, "SPB");
	}
	free(path);
	free(b.p);

	/* The second section drops the first one's interfaces. */
	memset(&b, 0, sizeof b);
	ng_shb(&b, false);
	ng_idb(&b, 1, 0, -1, false, 0);
	ng_idb(&b, 1, 0, -1, false, 0);
	ng_shb(&b, false);
	ng_idb(&b, 1, 0, -1, false, 0);
	ng_epb(&b, 0, 1, pkt[0], 54, 54);
	ng_epb(&b, 1, 1, pkt[0], 54, 54);
	path = write_file(&b, b.len, false);
	rc = read_all(path, recs, 16, &n, err, sizeof err);
	tap_ok(rc == -1 && n == 1 && strstr(err, "unknown interface 1"),
	    "unknown interface id is an error (%s)", err);
	free(path);
	free(b.p);

	/* A pcapng file with no packets at all. */
	memset(&b, 0, sizeof b);
	ng_shb(&b, true);
	ng_idb(&b, 1, 0, -1, false, 0);
	path = write_file(&b, b.len, false);
	rc = read_all(path, recs, 16, &n, err, sizeof err);
	tap_ok(rc == 0 && n == 0, "pcapng without packets: clean end");
	free(path);
	free(b.p);
}

static void
test_damaged(void)
{
	struct capture_record	 recs[4];
	struct buf		 b, g;
	char			 err[256], *path;
	size_t			 n, cut;
	uint8_t			 blen;
	int			 rc;

	/* pcap cut inside the third record's data, then inside a header. */
	memset(&b, 0, sizeof b);
	pcap_hdr(&b, 0xa1b2c3d4, false, 1);
	pcap_rec(&b, 1, 0, pkt[0], 54, 54);
	pcap_rec(&b, 2, 0, pkt[1], 54, 54);
	pcap_rec(&b, 3, 0, pkt[2], 54, 54);
	path = write_file(&b, b.len - 10, false);
	rc = read_all(path, recs, 4, &n, err, sizeof err);
	tap_ok(rc == -1 && n == 2 && strstr(err, "truncated") &&
	    strstr(err, "record 3") && strstr(err, path),
	    "pcap cut in record 3: 2 records, then '%s'", err);
	free(path);
	path = write_file(&b, 24 + 70 + 8, false);
	rc = read_all(path, recs, 4, &n, err, sizeof err);
	tap_ok(rc == -1 && n == 1 && strstr(err, "truncated"),
	    "pcap cut in a record header");
	free(path);
	path = write_file(&b, 20, false);
	rc = read_all(path, recs, 4, &n, err, sizeof err);
	tap_ok(rc == -3 && strstr(err, "truncated"),
	    "pcap cut in the file header fails to open");
	free(path);
	free(b.p);

	/* Huge caplen: an error, not a giant allocation. */
	memset(&g, 0, sizeof g);
	pcap_hdr(&g, 0xa1b2c3d4, false, 1);
	pcap_rec(&g, 1, 0, pkt[0], 54, 54);
	put32(&g, 2);
	put32(&g, 0);
	put32(&g, 0x7fffffff);
	put32(&g, 0x7fffffff);
	path = write_file(&g, g.len, false);
	rc = read_all(path, recs, 4, &n, err, sizeof err);
	tap_ok(rc == -1 && n == 1 && strstr(err, "too large") &&
	    strstr(err, "record 2"), "huge caplen: '%s'", err);
	free(path);
	free(g.p);

	/* Bad magic, empty file, missing file. */
	memset(&g, 0, sizeof g);
	g.be = true;
	put32(&g, 0x12345678);
	put32(&g, 0);
	path = write_file(&g, g.len, false);
	rc = read_all(path, recs, 4, &n, err, sizeof err);
	tap_ok(rc == -3 && strstr(err, "not a pcap or pcapng file (magic "
	    "0x12345678)") && strstr(err, path), "bad magic: '%s'", err);
	free(path);
	path = write_file(&g, 0, false);
	rc = read_all(path, recs, 4, &n, err, sizeof err);
	tap_ok(rc == -3 && strstr(err, "empty"), "empty file: '%s'", err);
	free(path);
	free(g.p);
	rc = read_all("/nonexistent/nosuch.pcap", recs, 4, &n, err,
	    sizeof err);
	tap_is_str(err, "/nonexistent/nosuch.pcap: No such file or directory",
	    "missing file message");

	/* pcapng: bad block lengths of several kinds. */
	memset(&b, 0, sizeof b);
	ng_shb(&b, false);
	ng_idb(&b, 1, 0, -1, false, 0);
	ng_epb(&b, 0, 1, pkt[0], 54, 54);
	cut = b.len;
	ng_epb(&b, 0, 2, pkt[1], 54, 54);
	blen = (uint8_t)(b.len - cut);
	/* Length not a multiple of 4. */
	b.p[cut + 4] = 13;
	b.p[cut + 5] = b.p[cut + 6] = b.p[cut + 7] = 0;
	path = write_file(&b, b.len, false);
	rc = read_all(path, recs, 4, &n, err, sizeof err);
	tap_ok(rc == -1 && n == 1 && strstr(err, "corrupt"),
	    "block length 13: '%s'", err);
	free(path);
	/* Length below the minimum. */
	b.p[cut + 4] = 8;
	path = write_file(&b, b.len, false);
	rc = read_all(path, recs, 4, &n, err, sizeof err);
	tap_ok(rc == -1 && n == 1 && strstr(err, "corrupt"),
	    "block length 8");
	free(path);
	/* Leading and trailing lengths differ. */
	b.p[cut + 4] = blen - 4;
	path = write_file(&b, b.len, false);
	rc = read_all(path, recs, 4, &n, err, sizeof err);
	tap_ok(rc == -1 && n == 1 && strstr(err, "corrupt"),
	    "length mismatch: '%s'", err);
	free(path);
	/* Huge block length: too large, no allocation. */
	b.p[cut + 4] = 0xf0;
	b.p[cut + 5] = b.p[cut + 6] = b.p[cut + 7] = 0xff;
	path = write_file(&b, b.len, false);
	rc = read_all(path, recs, 4, &n, err, sizeof err);
	tap_ok(rc == -1 && n == 1 && strstr(err, "too large"),
	    "huge EPB length: '%s'", err);
	free(path);
	/* The same on an unknown block: skipped until the input ends. */
	b.p[cut] = 0x77;
	path = write_file(&b, b.len, false);
	rc = read_all(path, recs, 4, &n, err, sizeof err);
	tap_ok(rc == -1 && n == 1 && strstr(err, "truncated"),
	    "huge unknown block: '%s'", err);
	free(path);
	/* EPB whose caplen exceeds its block. */
	b.p[cut] = 6;
	b.p[cut + 4] = blen;
	b.p[cut + 5] = b.p[cut + 6] = b.p[cut + 7] = 0;
	b.p[cut + 20] = 200;
	path = write_file(&b, b.len, false);
	rc = read_all(path, recs, 4, &n, err, sizeof err);
	tap_ok(rc == -1 && n == 1 && strstr(err, "corrupt"),
	    "EPB caplen beyond block: '%s'", err);
	free(path);
	/* Truncated pcapng. */
	b.p[cut + 20] = 54;
	path = write_file(&b, b.len - 7, false);
	rc = read_all(path, recs, 4, &n, err, sizeof err);
	tap_ok(rc == -1 && n == 1 && strstr(err, "truncated"),
	    "pcapng cut in the last block: '%s'", err);
	free(path);
	/* Bad byte-order magic in the section header. */
	b.p[8] = 0x99;
	path = write_file(&b, b.len, false);
	rc = read_all(path, recs, 4, &n, err, sizeof err);
	tap_ok(rc == -3 && strstr(err, "corrupt"),
	    "bad byte-order magic: '%s'", err);
	free(path);
	free(b.p);
}

static void
test_capture_api(void)
{
	struct capture		*c;
	struct capture_record	 r;
	struct capture_stats	 st;
	struct buf		 b[3];
	char			 err[256], *path[4];
	const char		*paths[4];
	uint8_t			 frame[64];
	size_t			 i, len;
	int			 rc, n, order;

	/* Three files read in order as one capture. */
	for (i = 0; i < 3; i++) {
		memset(&b[i], 0, sizeof b[i]);
		if (i == 1) {
			ng_shb(&b[i], true);
			ng_idb(&b[i], 1, 0, 9, false, 0);
			ng_epb(&b[i], 0, 1000000000ULL * 20 + 1, pkt[0], 54,
			    54);
			ng_epb(&b[i], 0, 1000000000ULL * 21 + 1, pkt[0], 54,
			    54);
		} else {
			pcap_hdr(&b[i], 0xa1b2c3d4, i == 2, 1);
			pcap_rec(&b[i], (uint32_t)(10 * i + 10), 0, pkt[0],
			    54, 54);
			pcap_rec(&b[i], (uint32_t)(10 * i + 11), 0, pkt[0],
			    54, 54);
		}
		path[i] = write_file(&b[i], b[i].len, i == 2);
		paths[i] = path[i];
	}
	c = capture_open_files(paths, 3, err, sizeof err);
	tap_ok(c != NULL && !capture_is_live(c) && capture_linktype(c) == 1,
	    "capture_open_files");
	if (c == NULL)
		return;
	n = 0;
	order = 1;
	while ((rc = capture_next(c, &r, 0, err, sizeof err)) == 1) {
		if (r.ts_ns / 1000000000ULL != (uint64_t)(10 + 10 * (n / 2) +
		    n % 2))
			order = 0;
		n++;
	}
	tap_ok(rc == 0 && n == 6 && order, "3 files: 6 records in order");
	capture_get_stats(c, &st);
	tap_ok(st.records == 6 && st.filtered == 0 && st.bytes_total > 0 &&
	    st.bytes_read == st.bytes_total, "stats after 3 files");
	tap_is_str(capture_source_name(c), path[2], "source is the last file");
	capture_close(c);

	/* A later file that cannot be opened. */
	paths[1] = "/nonexistent/second.pcap";
	c = capture_open_files(paths, 3, err, sizeof err);
	n = 0;
	while ((rc = capture_next(c, &r, 0, err, sizeof err)) == 1)
		n++;
	tap_ok(rc == -1 && n == 2 && strstr(err, "second.pcap"),
	    "unreadable second file: '%s'", err);
	tap_ok(capture_next(c, &r, 0, err, sizeof err) == -1,
	    "error is sticky");
	capture_close(c);
	c = capture_open_files(paths + 1, 1, err, sizeof err);
	tap_ok(c == NULL && strstr(err, "second.pcap: No such file"),
	    "unreadable first file fails to open");

	/* BPF filter: ports 80, 22, 80, 443 and a RAW record. */
	free(b[0].p);
	memset(&b[0], 0, sizeof b[0]);
	ng_shb(&b[0], false);
	ng_idb(&b[0], 1, 0, -1, false, 0);
	ng_idb(&b[0], 101, 0, -1, false, 0);
	len = tcp_frame(frame, 1234, 80);
	ng_epb(&b[0], 0, 1, frame, (uint32_t)len, (uint32_t)len);
	len = tcp_frame(frame, 1234, 22);
	ng_epb(&b[0], 0, 2, frame, (uint32_t)len, (uint32_t)len);
	len = tcp_frame(frame, 80, 5555);
	ng_epb(&b[0], 0, 3, frame, (uint32_t)len, (uint32_t)len);
	ng_epb(&b[0], 1, 4, frame + 14, (uint32_t)len - 14,
	    (uint32_t)len - 14);
	len = tcp_frame(frame, 1234, 443);
	ng_epb(&b[0], 0, 5, frame, (uint32_t)len, (uint32_t)len);
	path[3] = write_file(&b[0], b[0].len, false);
	paths[0] = path[3];
	c = capture_open_files(paths, 1, err, sizeof err);
	tap_ok(capture_set_filter(c, "tcp and (", err, sizeof err) == -1 &&
	    strncmp(err, "bad filter expression 'tcp and (': ", 35) == 0,
	    "bad filter: '%s'", err);
	tap_ok(capture_set_filter(c, "tcp port 80", err, sizeof err) == 0,
	    "filter 'tcp port 80' compiles");
	n = 0;
	order = 0;
	while ((rc = capture_next(c, &r, 0, err, sizeof err)) == 1) {
		order = order * 10 + (int)(r.ts_ns / 1000);
		n++;
	}
	capture_get_stats(c, &st);
	tap_ok(rc == 0 && n == 3 && order == 134 && st.filtered == 2 &&
	    st.records == 3, "filter keeps 3 of 5 across link types "
	    "(got %d: %d, filtered %llu)", n, order,
	    (unsigned long long)st.filtered);
	capture_close(c);

	/* breakloop ends a file capture. */
	c = capture_open_files(paths, 1, err, sizeof err);
	capture_breakloop(c);
	tap_is_int(capture_next(c, &r, 0, err, sizeof err), 0,
	    "breakloop stops a file capture");
	capture_close(c);

	for (i = 0; i < 4; i++) {
		free(path[i]);
		if (i < 3)
			free(b[i].p);
	}
}

static void
test_dump(void)
{
	struct capture_record	 recs[4], r;
	struct capture_dump	*d;
	char			 err[256], *path;
	size_t			 n;
	int			 rc, ok;

	if (asprintf(&path, "%s/dump%d.pcap", tmpdir, nfiles++) == -1)
		abort();
	d = capture_dump_open(path, 1, err, sizeof err);
	tap_ok(d != NULL, "dump opens");
	if (d == NULL)
		return;
	r.ts_ns = 1700000000123456789ULL;
	r.caplen = 54;
	r.wirelen = 60;
	r.linktype = 1;
	r.data = pkt[0];
	ok = capture_dump_write(d, &r) == 0;
	r.linktype = 101;
	ok = ok && capture_dump_write(d, &r) == 0;
	r.linktype = 1;
	r.ts_ns++;
	r.data = pkt[1];
	ok = ok && capture_dump_write(d, &r) == 0;
	capture_dump_close(d);
	tap_ok(ok, "dump writes");
	rc = read_all(path, recs, 4, &n, err, sizeof err);
	tap_ok(rc == 0 && n == 2 && recs[0].ts_ns == 1700000000123456789ULL &&
	    recs[1].ts_ns == 1700000000123456790ULL && recs[0].wirelen == 60 &&
	    recs[0].linktype == 1, "dump reads back: ns timestamps, other "
	    "link type skipped");
	unlink(path);
	free(path);
	d = capture_dump_open("/nonexistent/x.pcap", 1, err, sizeof err);
	tap_ok(d == NULL && strstr(err, "/nonexistent/x.pcap: "),
	    "dump open failure: '%s'", err);
}

static void
test_corpus(void)
{
	/* Expected counts and first timestamps from tshark -r. */
	static const struct {
		const char	*file;
		size_t		 count;
		uint64_t	 ts0;
	} t[] = {
		{ "bigendian_smb.cap", 9, 1073392738144777000ULL },
		{ "nano_bigendian.pcap", 10, 1766361926167647291ULL },
		{ "malformed_ipv4.pcap", 2, 1350802591754299000ULL },
		{ "http_google.pcapng", 12, 1265678319618072000ULL },
	};
	struct capture_record	 recs[1];
	struct stat		 st;
	const char		*dir, *src;
	char			 buf[1024], err[256], path[1200];
	size_t			 i, n;
	int			 rc;

	/* The corpus copied into the tree: tests/corpus/captures. */
	if ((src = getenv("FLOWSCOPE_SRCDIR")) == NULL &&
	    (src = getenv("srcdir")) == NULL)
		src = ".";
	snprintf(buf, sizeof buf, "%s/tests/corpus", src);
	dir = buf;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		snprintf(path, sizeof path, "%s/captures/%s", dir, t[i].file);
		if (stat(path, &st) == -1) {
			tap_skip("shared corpus not found", "%s", t[i].file);
			continue;
		}
		rc = read_all(path, recs, 1, &n, err, sizeof err);
		if (!tap_ok(rc == 0 && n == t[i].count && recs[0].ts_ns ==
		    t[i].ts0 && recs[0].linktype == 1, "%s: %zu records",
		    t[i].file, t[i].count))
			tap_diag("rc %d, %zu records, ts %llu: %s", rc, n,
			    (unsigned long long)recs[0].ts_ns, err);
	}
}

int
main(void)
{
	size_t	 i;

	tap_plan_none();
	snprintf(tmpdir, sizeof tmpdir, "/tmp/test-capture-file.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return (1);
	}
	for (i = 0; i < 3; i++)
		tcp_frame(pkt[i], (uint16_t)(1000 + i), 80);
	test_pcap();
	test_gzip_stdin();
	test_pcapng();
	test_damaged();
	test_capture_api();
	test_dump();
	test_corpus();

	for (i = 0; i < (size_t)nfiles; i++) {
		char	 p[128];

		snprintf(p, sizeof p, "%s/f%zu.cap", tmpdir, i);
		unlink(p);
		snprintf(p, sizeof p, "%s/f%zu.pcap.gz", tmpdir, i);
		unlink(p);
	}
	rmdir(tmpdir);
	return (tap_done());
}
