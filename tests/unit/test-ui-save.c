/*
 * test-ui-save.c: the UI's save action (ui-save.c) on a spool built by
 * hand: tcpflow file names and exact bytes, mtimes, report.xml read back,
 * transcripts in send order, a second save that never overwrites, errors
 * (missing stream, unwritable directory, a write that fails half way), and
 * the pcap of chosen connections re-read from a committed capture.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ui-save.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "decode.h"
#include "flow-row.h"
#include "flow-table.h"
#include "report-read.h"
#include "store.h"
#include "tap.h"

#define T0	1764158401123456000ULL	/* 2025-11-26 12:00:01.123456 UTC */
#define MS	1000000ULL

static char	*tmp;			/* test directory */
static int	 spoolfd;
static int	 runfd;

static const char c_req1[] = "GET /a HTTP/1.1\r\n\r\n";
static const char c_req2[] = "GET /b HTTP/1.1\r\n\r\n";
static const char s_head[] = "HTTP/1.1 200 OK\r\n";
static const char s_tail[] = "tail";

/* Conn 7: 10.0.0.2:34567 (b, the client) -> 10.0.0.1:80 (a). */
#define NAME7_0	"010.000.000.001.00080-010.000.000.002.34567"
#define NAME7_1	"010.000.000.002.34567-010.000.000.001.00080"
/* Conn 9: 192.168.1.1:1025 (a, client) -> 192.168.1.200:443, VLAN 5. */
#define NAME9_0	"192.168.001.001.01025-192.168.001.200.00443--5"

static void
put_file(int dirfd, const char *name, const void *p, size_t len)
{
	int fd;

	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd == -1 || write(fd, p, len) != (ssize_t)len) {
		perror(name);
		exit(99);
	}
	close(fd);
}

/* The whole file dir/name into a malloc'd NUL-terminated buffer; NULL if
 * it cannot be read. */
static char *
get_file(const char *dir, const char *name, size_t *lenp)
{
	char path[1024], *buf;
	struct stat st;
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY)) == -1)
		return (NULL);
	if (fstat(fd, &st) == -1 || (buf = malloc((size_t)st.st_size + 1)) ==
	    NULL) {
		close(fd);
		return (NULL);
	}
	if (read(fd, buf, (size_t)st.st_size) != st.st_size) {
		close(fd);
		free(buf);
		return (NULL);
	}
	close(fd);
	buf[st.st_size] = '\0';
	if (lenp != NULL)
		*lenp = (size_t)st.st_size;
	return (buf);
}

static bool
file_is(const char *dir, const char *name, const void *want, size_t len)
{
	size_t n;
	char *got = get_file(dir, name, &n);
	bool ok = got != NULL && n == len && memcmp(got, want, len) == 0;

	if (!ok)
		tap_diag("%s/%s: %s, %zu bytes", dir, name, got == NULL ?
		    "missing" : "differs", got == NULL ? 0 : n);
	free(got);
	return (ok);
}

static bool
exists(const char *dir, const char *name)
{
	char path[1024];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return (lstat(path, &st) == 0);
}

static void
rec(uint64_t prev, uint8_t dir, uint8_t kind, uint64_t off, uint64_t len,
    uint64_t ts)
{
	struct flow_run_rec r;

	memset(&r, 0, sizeof r);
	r.prev = prev;
	r.dir = dir;
	r.kind = kind;
	r.off = off;
	r.len = len;
	r.ts_ns = ts;
	if (write(runfd, &r, sizeof r) != (ssize_t)sizeof r)
		exit(99);
}

static void
addr4(uint8_t *a, int x, int y, int z, int w)
{
	memset(a, 0, 16);
	a[0] = (uint8_t)x;
	a[1] = (uint8_t)y;
	a[2] = (uint8_t)z;
	a[3] = (uint8_t)w;
}

/* The spool: conns 7 and 9 as the capture thread would have left them. */
static void
make_spool(struct ui_save_conn *c7, struct ui_save_conn *c9)
{
	char path[1024], s0[64], c1[64];
	size_t n;

	snprintf(path, sizeof path, "%s/spool", tmp);
	if (store_mkdir_p(path) == -1 ||
	    (spoolfd = open(path, O_RDONLY | O_DIRECTORY)) == -1)
		exit(99);

	/* Server side: header, a 4-byte hole (zeros), tail. */
	n = 0;
	memcpy(s0 + n, s_head, strlen(s_head));
	n += strlen(s_head);
	memset(s0 + n, 0, 4);
	n += 4;
	memcpy(s0 + n, s_tail, strlen(s_tail));
	n += strlen(s_tail);
	put_file(spoolfd, "7.0", s0, n);
	snprintf(c1, sizeof c1, "%s%s", c_req1, c_req2);
	put_file(spoolfd, "7.1", c1, strlen(c1));
	put_file(spoolfd, "9.0", "0123456789", 10);

	runfd = openat(spoolfd, FLOW_RUN_LOG, O_RDWR | O_CREAT | O_TRUNC,
	    0600);
	if (runfd == -1)
		exit(99);
	rec(0, 1, FLOW_RUN_DATA, 0, 0, T0 + 1 * MS);
	rec(1, 0, FLOW_RUN_DATA, 0, 0, T0 + 2 * MS);
	rec(2, 0, FLOW_RUN_HOLE, strlen(s_head), 4, T0 + 2 * MS);
	rec(3, 0, FLOW_RUN_DATA, strlen(s_head) + 4, 0, T0 + 3 * MS);
	rec(4, 1, FLOW_RUN_DATA, strlen(c_req1), 0, T0 + 4 * MS);

	memset(c7, 0, sizeof *c7);
	c7->row.key.af = FS_AF_INET;
	addr4(c7->row.key.a, 10, 0, 0, 1);
	addr4(c7->row.key.b, 10, 0, 0, 2);
	c7->row.key.pa = 80;
	c7->row.key.pb = 34567;
	c7->row.id = 7;
	c7->row.client = 1;
	c7->row.bytes[0] = c7->row.avail[0] = n;
	c7->row.bytes[1] = c7->row.avail[1] = strlen(c1);
	c7->row.packets[0] = 3;
	c7->row.packets[1] = 4;
	c7->row.first_ns = T0;
	c7->row.last_ns = T0 + 5 * MS;
	c7->row.last_run = 5;
	c7->row.state = ROW_CLOSED;

	memset(c9, 0, sizeof *c9);
	c9->row.key.af = FS_AF_INET;
	c9->row.key.has_vlan = true;
	c9->row.key.vlan = 5;
	addr4(c9->row.key.a, 192, 168, 1, 1);
	addr4(c9->row.key.b, 192, 168, 1, 200);
	c9->row.key.pa = 1025;
	c9->row.key.pb = 443;
	c9->row.id = 9;
	c9->row.client = 0;
	c9->row.bytes[0] = c9->row.avail[0] = 10;
	c9->row.packets[0] = 1;
	c9->row.packets[1] = 1;
	c9->row.first_ns = T0 + 7 * MS;
	c9->row.last_ns = T0 + 8 * MS;
	c9->row.state = ROW_OPEN;
}

static void
base_req(struct ui_save_req *req, const char *dir,
    const struct ui_save_conn *conns, size_t n)
{
	memset(req, 0, sizeof *req);
	req->dir = dir;
	req->src_dirfd = spoolfd;
	req->spool_names = true;
	req->runlog_fd = runfd;
	req->conns = conns;
	req->n = n;
	req->command_line = "flowscope --tui -r x.pcap";
}

static const char transcript7[] =
    "==== client 10.0.0.2:34567 -> server 10.0.0.1:80  "
    "2025-11-26 12:00:01.124456  19 bytes ====\n"
    "GET /a HTTP/1.1\r\n\r\n"
    "==== server 10.0.0.1:80 -> client 10.0.0.2:34567  "
    "2025-11-26 12:00:01.125456  17 bytes ====\n"
    "HTTP/1.1 200 OK\r\n"
    "[4 bytes missing]\n"
    "==== server 10.0.0.1:80 -> client 10.0.0.2:34567  "
    "2025-11-26 12:00:01.126456  4 bytes ====\n"
    "tail\n"
    "==== client 10.0.0.2:34567 -> server 10.0.0.1:80  "
    "2025-11-26 12:00:01.127456  19 bytes ====\n"
    "GET /b HTTP/1.1\r\n\r\n";

static const char transcript9[] =
    "==== client 192.168.1.1:1025 -> server 192.168.1.200:443  "
    "2025-11-26 12:00:01.130456  10 bytes ====\n"
    "0123456789\n";

static void
test_save(const struct ui_save_conn *conns)
{
	struct ui_save_req req;
	struct report_data *rd = NULL;
	struct stat st;
	char dir[512], msg[512], err[512], path[1024], srv[64];
	size_t i;
	int rv, sides = 0;

	snprintf(dir, sizeof dir, "%s/out/sub", tmp);
	base_req(&req, dir, conns, 2);
	req.transcript = true;
	rv = ui_save(&req, msg, sizeof msg);
	tap_ok(rv == 0 && strncmp(msg, "saved 2 connections (6 files, ", 30) ==
	    0 && strstr(msg, dir) != NULL, "save: %s", msg);

	memcpy(srv, s_head, strlen(s_head));
	memset(srv + strlen(s_head), 0, 4);
	memcpy(srv + strlen(s_head) + 4, s_tail, 4);
	tap_ok(file_is(dir, NAME7_0, srv, strlen(s_head) + 8),
	    "server side of 7: tcpflow name, exact bytes (hole as zeros)");
	snprintf(path, sizeof path, "%s%s", c_req1, c_req2);
	tap_ok(file_is(dir, NAME7_1, path, strlen(path)),
	    "client side of 7: tcpflow name, exact bytes");
	tap_ok(file_is(dir, NAME9_0, "0123456789", 10),
	    "conn 9: VLAN name, exact bytes");
	tap_ok(!exists(dir, "192.168.001.200.00443-192.168.001.001.01025--5"),
	    "no file for a direction without bytes");
	snprintf(path, sizeof path, "%s/%s", dir, NAME7_1);
	tap_ok(stat(path, &st) == 0 && (uint64_t)st.st_mtim.tv_sec *
	    1000000000u + (uint64_t)st.st_mtim.tv_nsec == T0,
	    "mtime is the first packet's time");

	tap_ok(file_is(dir, NAME7_1 ".transcript.txt", transcript7,
	    strlen(transcript7)), "transcript of 7: runs in send order, "
	    "headers, hole line");
	tap_ok(file_is(dir, NAME9_0 ".transcript.txt", transcript9,
	    strlen(transcript9)), "transcript of 9 (no run log records)");

	snprintf(path, sizeof path, "%s/report.xml", dir);
	rv = report_read(path, &rd, err, sizeof err);
	tap_ok(rv == 0 && rd != NULL && rd->nflows == 3 && rd->nconns == 2,
	    "report.xml parses: 3 fileobjects, 2 connections (%s)",
	    rv == 0 ? "ok" : err);
	for (i = 0; rv == 0 && i < rd->nflows; i++) {
		const struct report_flow *f = &rd->flows[i];

		if (f->conn_id == 7 && f->sport == 34567 && f->side == 0 &&
		    f->filesize == strlen(c_req1) * 2 && f->packets == 4 &&
		    strstr(f->filename, NAME7_1) != NULL)
			sides |= 1;
		if (f->conn_id == 7 && f->sport == 80 && f->side == 1 &&
		    f->holes == 1 && f->hole_bytes == 4 &&
		    strstr(f->filename, NAME7_0) != NULL)
			sides |= 2;
		if (f->conn_id == 9 && f->side == 0 && f->filesize == 10)
			sides |= 4;
	}
	tap_ok(sides == 7, "report: names, sides, sizes, holes (%d)", sides);
	tap_ok(rd != NULL && rd->command_line != NULL &&
	    strcmp(rd->command_line, "flowscope --tui -r x.pcap") == 0,
	    "report: command line");
	report_data_free(rd);

	/* Again into the same directory: new names, nothing overwritten. */
	put_file(AT_FDCWD, path, "mine", 4);	/* report.xml */
	rv = ui_save(&req, msg, sizeof msg);
	tap_ok(rv == 0, "second save: %s", msg);
	tap_ok(file_is(dir, NAME7_0 "c1", srv, strlen(s_head) + 8) &&
	    exists(dir, NAME7_1 "c1") && exists(dir, NAME9_0 "c1") &&
	    exists(dir, NAME7_1 "c1.transcript.txt") &&
	    exists(dir, NAME9_0 "c1.transcript.txt"),
	    "second save: c1 names");
	tap_ok(file_is(dir, "report.xml", "mine", 4) &&
	    exists(dir, "report-1.xml") && file_is(dir, NAME7_0, srv,
	    strlen(s_head) + 8) && file_is(dir, NAME7_1 ".transcript.txt",
	    transcript7, strlen(transcript7)),
	    "second save: report-1.xml, first files untouched");
	snprintf(path, sizeof path, "%s/report-1.xml", dir);
	rd = NULL;
	rv = report_read(path, &rd, err, sizeof err);
	tap_ok(rv == 0 && rd->nflows == 3 && rd->flows[0].filename != NULL &&
	    strstr(rd->flows[0].filename, "c1") != NULL,
	    "report-1.xml lists the c1 files");
	report_data_free(rd);

	/* A third time: c2. */
	rv = ui_save(&req, msg, sizeof msg);
	tap_ok(rv == 0 && exists(dir, NAME7_0 "c2") &&
	    exists(dir, "report-2.xml"), "third save: c2, report-2.xml");
}

static void
test_errors(const struct ui_save_conn *conns)
{
	struct ui_save_req req;
	struct ui_save_conn bad[2];
	struct rlimit old, rl;
	static char big[20000];
	char dir[512], msg[512];
	int rv;

	/* A stream file that is not there. */
	bad[0] = conns[1];
	bad[1] = conns[0];
	bad[1].row.id = 11;
	bad[1].row.last_run = 0;
	snprintf(dir, sizeof dir, "%s/missing", tmp);
	base_req(&req, dir, bad, 2);
	rv = ui_save(&req, msg, sizeof msg);
	tap_ok(rv == -1 && strstr(msg, "11.1: No such file or directory") !=
	    NULL && strstr(msg, "1 files saved before") != NULL,
	    "missing stream: -1, %s", msg);
	tap_ok(exists(dir, NAME9_0) && exists(dir, "report.xml"),
	    "what was saved before the error stays");

	/* A directory that cannot be created. */
	snprintf(dir, sizeof dir, "%s/plain", tmp);
	put_file(AT_FDCWD, dir, "x", 1);
	snprintf(dir, sizeof dir, "%s/plain/sub", tmp);
	base_req(&req, dir, conns, 2);
	rv = ui_save(&req, msg, sizeof msg);
	tap_ok(rv == -1 && strstr(msg, "plain/sub: cannot create directory: "
	    "Not a directory") != NULL, "unwritable dir: -1, %s", msg);

	/* A write that fails half way (as a full disk would): a 20000-byte
	 * stream, files limited to 8192 bytes (the report stays below). */
	memset(big, 'x', sizeof big);
	put_file(spoolfd, "13.1", big, sizeof big);
	bad[0] = conns[0];
	bad[0].row.id = 13;
	bad[0].row.avail[1] = bad[0].row.bytes[1] = sizeof big;
	bad[0].row.avail[0] = bad[0].row.bytes[0] = 0;
	bad[0].row.last_run = 0;
	snprintf(dir, sizeof dir, "%s/small", tmp);
	base_req(&req, dir, bad, 1);
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	rl = old;
	rl.rlim_cur = 8192;
	setrlimit(RLIMIT_FSIZE, &rl);
	rv = ui_save(&req, msg, sizeof msg);
	setrlimit(RLIMIT_FSIZE, &old);
	tap_ok(rv == -1 && strstr(msg, NAME7_1 ": File too large") != NULL &&
	    strstr(msg, "left incomplete") != NULL,
	    "write error: -1, names the partial file: %s", msg);
	tap_ok(exists(dir, NAME7_1) && exists(dir, "report.xml"),
	    "the partial file and the report are left");

	/* Nothing to save, a live capture's pcap. */
	base_req(&req, dir, conns, 0);
	tap_ok(ui_save(&req, msg, sizeof msg) == -1, "no connections: %s",
	    msg);
	base_req(&req, dir, conns, 1);
	req.pcap = true;
	tap_ok(ui_save(&req, msg, sizeof msg) == -1 && strstr(msg,
	    "capture file") != NULL, "pcap without capture files: %s", msg);
	/* A template that would leave the directory. */
	base_req(&req, dir, conns, 1);
	req.template = "../%A.%a-%B.%b";
	snprintf(dir, sizeof dir, "%s/tmpl", tmp);
	req.dir = dir;
	tap_ok(ui_save(&req, msg, sizeof msg) == -1 && strstr(msg,
	    "leaves the directory") != NULL && !exists(dir, "report.xml"),
	    "template with ..: nothing written: %s", msg);
}

struct pconn {
	struct flow_key	 key;
	uint64_t	 first_ns;
	uint64_t	 last_ns;
	uint64_t	 ts[256];
	size_t		 n;
	int		 client;
};

/* The TCP connections of a capture, by key (no port reuse in it). */
static size_t
scan(const char *path, struct pconn *pc, size_t max)
{
	struct capture *cap;
	struct capture_record r;
	struct decoder *dec;
	struct pkt_meta m;
	struct flow_key k;
	char err[512];
	size_t n = 0, i;
	int d;

	if ((cap = capture_open_files(&path, 1, err, sizeof err)) == NULL) {
		tap_diag("%s", err);
		return (0);
	}
	dec = decoder_new(NULL);
	while (capture_next(cap, &r, -1, err, sizeof err) == 1) {
		if (decode_packet(dec, r.linktype, r.data, r.caplen,
		    r.wirelen, r.ts_ns, &m, NULL) != DECODE_TCP)
			continue;
		d = flow_key_make(&k, m.af, m.src, m.sport, m.dst, m.dport,
		    m.has_vlan, m.vlan);
		for (i = 0; i < n; i++) {
			if (memcmp(&pc[i].key, &k, sizeof k) == 0)
				break;
		}
		if (i == n) {
			if (n == max)
				continue;
			memset(&pc[n], 0, sizeof pc[n]);
			pc[n].key = k;
			pc[n].first_ns = m.ts_ns;
			pc[n].client = d;
			n++;
		}
		pc[i].last_ns = m.ts_ns;
		if (pc[i].n < 256)
			pc[i].ts[pc[i].n++] = m.ts_ns;
	}
	decoder_free(dec);
	capture_close(cap);
	return (n);
}

/* Packets in dir/name; *other counts those not of key k. */
static long
count_packets(const char *dir, const char *name, const struct flow_key *k,
    long *other)
{
	struct capture *cap;
	struct capture_record r;
	struct decoder *dec;
	struct pkt_meta m;
	struct flow_key mk;
	char path[1024], err[512];
	const char *p = path;
	long n = 0;
	int rv;

	*other = 0;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((cap = capture_open_files(&p, 1, err, sizeof err)) == NULL) {
		tap_diag("%s", err);
		return (-1);
	}
	dec = decoder_new(NULL);
	while ((rv = capture_next(cap, &r, -1, err, sizeof err)) == 1) {
		n++;
		if (decode_packet(dec, r.linktype, r.data, r.caplen,
		    r.wirelen, r.ts_ns, &m, NULL) != DECODE_TCP) {
			(*other)++;
			continue;
		}
		flow_key_make(&mk, m.af, m.src, m.sport, m.dst, m.dport,
		    m.has_vlan, m.vlan);
		if (memcmp(&mk, k, sizeof mk) != 0)
			(*other)++;
	}
	if (rv == -1) {
		tap_diag("%s", err);
		n = -1;
	}
	decoder_free(dec);
	capture_close(cap);
	return (n);
}

static void
test_pcap(void)
{
	static struct pconn pc[16];
	struct ui_save_conn sc[51];
	struct ui_save_req req;
	const char *src;
	char cappath[1024], dir[512], msg[512];
	const char *srcs[1];
	uint64_t mid;
	size_t n, i;
	long got, other, want;

	if ((src = getenv("FLOWSCOPE_SRCDIR")) == NULL &&
	    (src = getenv("srcdir")) == NULL)
		src = ".";
	snprintf(cappath, sizeof cappath,
	    "%s/tests/corpus/captures/http_three_streams.pcap", src);
	n = scan(cappath, pc, 16);
	if (!tap_ok(n == 3, "test capture has 3 connections (%zu)", n)) {
		tap_skip("no capture", "pcap tests");
		return;
	}
	srcs[0] = cappath;

	/* One connection, with the BPF pre-filter. */
	memset(sc, 0, sizeof sc);
	sc[0].row.key = pc[1].key;
	sc[0].row.id = 100;
	sc[0].row.client = (uint8_t)pc[1].client;
	sc[0].row.first_ns = pc[1].first_ns;
	sc[0].row.last_ns = pc[1].last_ns;
	snprintf(dir, sizeof dir, "%s/pcap", tmp);
	base_req(&req, dir, sc, 1);
	req.pcap = true;
	req.pcap_sources = srcs;
	req.npcap_sources = 1;
	tap_ok(ui_save(&req, msg, sizeof msg) == 0 && strstr(msg,
	    "connections.pcap") != NULL, "pcap save: %s", msg);
	got = count_packets(dir, "connections.pcap", &pc[1].key, &other);
	tap_ok(got == (long)pc[1].n && other == 0,
	    "connections.pcap holds exactly its %zu packets (%ld, %ld other)",
	    pc[1].n, got, other);

	/* The first half of its time only (as a port-reuse instance would
	 * be), with 50 more connections: decode only, no BPF. */
	mid = pc[1].ts[pc[1].n / 2];
	for (want = 0, i = 0; i < pc[1].n; i++)
		want += pc[1].ts[i] <= mid;
	sc[0].row.last_ns = mid;
	for (i = 1; i < 51; i++) {
		sc[i].row.key = pc[1].key;
		sc[i].row.key.pb = (uint16_t)(60000 + i);
		sc[i].row.id = 100 + i;
		sc[i].row.first_ns = pc[1].first_ns;
		sc[i].row.last_ns = pc[1].last_ns;
	}
	base_req(&req, dir, sc, 51);
	req.pcap = true;
	req.pcap_sources = srcs;
	req.npcap_sources = 1;
	tap_ok(ui_save(&req, msg, sizeof msg) == 0 && strstr(msg,
	    "connections-1.pcap") != NULL, "51 connections, decode only: %s",
	    msg);
	got = count_packets(dir, "connections-1.pcap", &pc[1].key, &other);
	tap_ok(got == want && other == 0 && want < (long)pc[1].n,
	    "time window respected: %ld of %zu packets (want %ld)", got,
	    pc[1].n, want);

	/* The same window through the BPF path gives the same packets. */
	base_req(&req, dir, sc, 1);
	req.pcap = true;
	req.pcap_sources = srcs;
	req.npcap_sources = 1;
	tap_ok(ui_save(&req, msg, sizeof msg) == 0, "BPF path: %s", msg);
	got = count_packets(dir, "connections-2.pcap", &pc[1].key, &other);
	tap_ok(got == want && other == 0, "BPF path: same %ld packets", got);

	/* A capture file that is gone. */
	srcs[0] = "/nonexistent/x.pcap";
	tap_ok(ui_save(&req, msg, sizeof msg) == -1 && strstr(msg,
	    "/nonexistent/x.pcap") != NULL, "missing capture: %s", msg);
}

int
main(void)
{
	struct ui_save_conn conns[2];

	setenv("TZ", "UTC", 1);
	tzset();
	tap_plan_none();
	if ((tmp = store_mkdtemp("test-ui-save")) == NULL) {
		perror("store_mkdtemp");
		return (99);
	}
	make_spool(&conns[0], &conns[1]);
	test_save(conns);
	test_errors(conns);
	test_pcap();
	close(runfd);
	close(spoolfd);
	if (getenv("KEEP") == NULL)
		store_remove_tree(tmp);
	else
		tap_diag("kept %s", tmp);
	free(tmp);
	return (tap_done());
}
