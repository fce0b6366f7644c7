/*
 * test-track.c: connection tracking driven by synthetic segments, with a real
 * store and reassembly in a mkdtemp() directory.  Each scenario records every
 * direction the tracker closes (connection id, instance, direction, close
 * reason, file name and contents) and checks them against the rules of
 * truth/README.md, "Connections": FIN and RST, port reuse and the SYN rules,
 * late packets, keep-alives, idle timeout, the connection cap, late SYNs,
 * sequence wraparound and a sparse stream beyond 4 GiB.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "flow-track.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "seq.h"
#include "store.h"
#include "tap.h"

#define MS		1000000ull
#define SEC		1000000000ull
#define T0		(1600000000ull * SEC)
#define MAXREC		64

struct rec {
	uint64_t	 id;
	uint32_t	 instance;
	int		 dir;
	int		 reason;	/* as batch.c reports it */
	int		 raw_reason;	/* c->close_reason at the call */
	uint16_t	 cport;		/* the client's port (key) */
	char		 path[256];
	uint8_t		 data[256];
	ssize_t		 len;		/* -1: no file */
};

struct scen {
	char		 dir[600];
	struct store	*store;
	struct reasm_ctx rc;
	struct track	*t;
};

static char	 tmpdir[] = "/tmp/test-track.XXXXXX";
static char	 curdir[600];	/* the last scenario's directory */
static struct scen *cur;
static struct rec recs[MAXREC];
static int	 nrecs;
static const uint8_t cli_addr[16] = { 10, 0, 0, 1 };
static const uint8_t srv_addr[16] = { 10, 0, 0, 2 };

static struct flow_conn *dir_conn(struct flow_dir *, int *);
static int	 name_fn(void *, uint32_t, char *, size_t);
static int	 create_cb(void *, struct flow_dir *);
static void	 closed_cb(void *, struct flow_conn *, int);
static void	 scen_begin(struct scen *, const char *,
		    const struct track_config *);
static void	 scen_end(struct scen *);
static void	 seg(uint16_t, int, uint64_t, uint8_t, uint32_t, uint32_t,
		    const char *);
static void	 seg_w(uint16_t, int, uint64_t, uint8_t, uint32_t, uint32_t,
		    const void *, uint32_t, uint16_t, int8_t);
static void	 handshake(uint16_t, uint64_t, uint32_t, uint32_t);
static const struct rec *find(uint16_t, uint32_t, int);
static int	 count_recs(uint16_t);
static bool	 file_is(const char *, const void *, size_t);
static void	 stats(struct track_stats *);
static void	 rec_is(const struct rec *, int, const char *, const char *);
static void	 test_fin(void);
static void	 test_rst(void);
static void	 test_reuse(void);
static void	 test_syn_rules(void);
static void	 test_late_packets(void);
static void	 test_keepalive(void);
static void	 test_timeout(void);
static void	 test_evict(void);
static void	 test_late_syn(void);
static void	 test_wrap(void);
static void	 test_huge(void);

static struct flow_conn *
dir_conn(struct flow_dir *d, int *idx)
{
	*idx = d->side;
	return ((struct flow_conn *)(void *)((char *)(d - d->side) -
	    offsetof(struct flow_conn, dir)));
}

struct name_ctx {
	const struct flow_conn	*c;
	int			 i;
};

/* tcpflow-like: "<src port>-<dst port>" then "c<N>" for later files. */
static int
name_fn(void *arg, uint32_t count, char *buf, size_t len)
{
	const struct name_ctx *nc = arg;
	const struct flow_key *k = &nc->c->key;
	uint16_t sp = nc->i == 0 ? k->pa : k->pb;
	uint16_t dp = nc->i == 0 ? k->pb : k->pa;
	int n;

	if (count == 0)
		n = snprintf(buf, len, "%05u-%05u", sp, dp);
	else
		n = snprintf(buf, len, "%05u-%05uc%u", sp, dp, count);
	return (n < 0 || (size_t)n >= len ? -1 : n);
}

static int
create_cb(void *arg, struct flow_dir *d)
{
	struct name_ctx nc;
	char err[256];

	(void)arg;
	nc.c = dir_conn(d, &nc.i);
	if (store_create(cur->store, &d->ss, name_fn, &nc, &d->count, err,
	    sizeof err) == -1) {
		tap_diag("create: %s", err);
		return (-1);
	}
	return (0);
}

static void
closed_cb(void *arg, struct flow_conn *c, int i)
{
	struct rec *r;
	char path[1200];
	int fd;

	(void)arg;
	if (nrecs == MAXREC)
		return;
	r = &recs[nrecs++];
	memset(r, 0, sizeof *r);
	r->id = c->id;
	r->instance = c->instance;
	r->dir = i;
	r->raw_reason = c->close_reason;
	r->reason = c->close_reason != FLOW_OPEN ? c->close_reason :
	    (c->fin_or_rst ? FLOW_CLOSE_FIN : FLOW_CLOSE_EOF);
	r->cport = c->key.pa;	/* the client is always endpoint a here */
	r->len = -1;
	if (c->dir[i].ss.path == NULL)
		return;
	snprintf(r->path, sizeof r->path, "%s", c->dir[i].ss.path);
	/* The store writes in the background: get the bytes on disk. */
	store_flush_all(cur->store);
	snprintf(path, sizeof path, "%s/%s", cur->dir, r->path);
	if ((fd = open(path, O_RDONLY)) != -1) {
		r->len = read(fd, r->data, sizeof r->data);
		close(fd);
	}
}

static void
scen_begin(struct scen *s, const char *name, const struct track_config *tc)
{
	struct store_config sc;
	struct track_config def;
	char err[256];

	memset(s, 0, sizeof *s);
	snprintf(s->dir, sizeof s->dir, "%s/%s", tmpdir, name);
	snprintf(curdir, sizeof curdir, "%s", s->dir);
	memset(&sc, 0, sizeof sc);
	sc.dir = s->dir;
	sc.max_fds = 16;
	if ((s->store = store_new(&sc, err, sizeof err)) == NULL) {
		printf("Bail out! store_new: %s\n", err);
		exit(1);
	}
	s->rc.store = s->store;
	s->rc.max_bytes = UINT64_MAX;
	s->rc.create = create_cb;
	if (tc == NULL) {
		memset(&def, 0, sizeof def);
		tc = &def;
	}
	s->t = track_new(tc, &s->rc, closed_cb, NULL);
	cur = s;
	nrecs = 0;
}

static void
scen_end(struct scen *s)
{
	track_close_all(s->t);
	track_free(s->t);
	store_free(s->store);
	cur = NULL;
}

/* One segment: from 0 = client (10.0.0.1:cport), 1 = server (:80). */
static void
seg_w(uint16_t cport, int from, uint64_t ts, uint8_t flags, uint32_t seq,
    uint32_t ack, const void *p, uint32_t len, uint16_t win, int8_t wscale)
{
	struct pkt_meta m;

	memset(&m, 0, sizeof m);
	m.ts_ns = ts;
	m.caplen = m.wirelen = 54 + len;
	m.af = FS_AF_INET;
	memcpy(m.src, from == 0 ? cli_addr : srv_addr, 16);
	memcpy(m.dst, from == 0 ? srv_addr : cli_addr, 16);
	m.sport = from == 0 ? cport : 80;
	m.dport = from == 0 ? 80 : cport;
	m.seq = seq;
	m.ack = ack;
	m.flags = flags;
	m.window = win;
	m.wscale = wscale;
	m.payload = p;
	m.paylen = m.seglen = len;
	track_segment(cur->t, &m);
}

static void
seg(uint16_t cport, int from, uint64_t ts, uint8_t flags, uint32_t seq,
    uint32_t ack, const char *s)
{
	seg_w(cport, from, ts, flags, seq, ack, s, s != NULL ?
	    (uint32_t)strlen(s) : 0, 65535, -1);
}

/* Three-way handshake: client ISN ci, server ISN si, at ts. */
static void
handshake(uint16_t cport, uint64_t ts, uint32_t ci, uint32_t si)
{
	seg(cport, 0, ts, TCP_SYN, ci, 0, NULL);
	seg(cport, 1, ts + 1 * MS, TCP_SYN | TCP_ACK, si, ci + 1, NULL);
	seg(cport, 0, ts + 2 * MS, TCP_ACK, ci + 1, si + 1, NULL);
}

static const struct rec *
find(uint16_t cport, uint32_t instance, int dir)
{
	int i;

	for (i = 0; i < nrecs; i++)
		if (recs[i].cport == cport && recs[i].instance == instance &&
		    recs[i].dir == dir)
			return (&recs[i]);
	return (NULL);
}

static int
count_recs(uint16_t cport)
{
	int i, n = 0;

	for (i = 0; i < nrecs; i++)
		if (recs[i].cport == cport)
			n++;
	return (n);
}

static bool
file_is(const char *name, const void *want, size_t len)
{
	char path[1200];
	uint8_t buf[512];
	ssize_t n = -1;
	int fd;

	if (cur != NULL)
		store_flush_all(cur->store);
	snprintf(path, sizeof path, "%s/%s", curdir, name);
	if ((fd = open(path, O_RDONLY)) != -1) {
		n = read(fd, buf, sizeof buf);
		close(fd);
	}
	if (n == (ssize_t)len && memcmp(buf, want, len) == 0)
		return (true);
	tap_diag("%s: %zd bytes, want %zu", name, n, len);
	return (false);
}

static void
stats(struct track_stats *s)
{
	track_get_stats(cur->t, s);
}

/* Is rec r: present, reason, contents. */
static void
rec_is(const struct rec *r, int reason, const char *want, const char *name)
{
	if (!tap_ok(r != NULL, "%s: closed", name)) {
		tap_ok(false, "%s: reason", name);
		tap_ok(false, "%s: contents", name);
		return;
	}
	if (!tap_is_str(track_close_name(r->reason), track_close_name(reason),
	    "reason"))
		tap_diag("%s", name);
	if (want == NULL)
		tap_ok(r->len == -1, "%s: no file", name);
	else if (!tap_ok(r->len == (ssize_t)strlen(want) &&
	    memcmp(r->data, want, strlen(want)) == 0, "%s: contents '%s'",
	    name, want))
		tap_diag("got %zd bytes '%.*s'", r->len,
		    (int)(r->len > 0 ? r->len : 0), r->data);
}

static void
test_fin(void)
{
	struct scen s;
	struct track_stats ts;
	const struct rec *r;
	struct stat sb;
	char path[1200];

	scen_begin(&s, "fin", NULL);
	handshake(40000, T0, 1000, 5000);
	seg(40000, 0, T0 + 3 * MS, TCP_ACK | TCP_PSH, 1001, 5001, "hello");
	seg(40000, 1, T0 + 4 * MS, TCP_ACK | TCP_PSH, 5001, 1006, "world!");
	seg(40000, 0, T0 + 5 * MS, TCP_ACK | TCP_FIN, 1006, 5007, NULL);
	tap_is_int(nrecs, 1, "client FIN closes the client direction");
	seg(40000, 1, T0 + 6 * MS, TCP_ACK | TCP_FIN, 5007, 1007, NULL);
	seg(40000, 0, T0 + 7 * MS, TCP_ACK, 1007, 5008, NULL);
	tap_is_int(nrecs, 2, "both directions closed");
	rec_is(find(40000, 0, 0), FLOW_CLOSE_FIN, "hello", "client dir");
	rec_is(find(40000, 0, 1), FLOW_CLOSE_FIN, "world!", "server dir");
	r = find(40000, 0, 0);
	tap_is_str(r != NULL ? r->path : NULL, "40000-00080", "client file");
	stats(&ts);
	tap_is_int((long long)ts.conns_total, 1, "one connection");
	tap_is_int((long long)ts.conns_open, 0, "none open after FINs");
	store_flush_all(s.store);
	snprintf(path, sizeof path, "%s/40000-00080", s.dir);
	tap_ok(stat(path, &sb) == 0 && (uint64_t)sb.st_mtim.tv_sec * SEC +
	    (uint64_t)sb.st_mtim.tv_nsec == T0,
	    "file mtime is the connection's first packet time");

	/* FIN before the data it follows (reordered): closes only once
	 * every byte up to the FIN is there. */
	handshake(40001, T0 + SEC, 2000, 6000);
	seg(40001, 0, T0 + SEC + 3 * MS, TCP_ACK | TCP_FIN, 2006, 6001, NULL);
	tap_ok(find(40001, 0, 0) == NULL, "FIN ahead of missing data: open");
	seg(40001, 0, T0 + SEC + 4 * MS, TCP_ACK, 2001, 6001, "abcde");
	rec_is(find(40001, 0, 0), FLOW_CLOSE_FIN, "abcde",
	    "closed when the gap before the FIN fills");
	/* A FIN carrying data. */
	handshake(40002, T0 + 2 * SEC, 3000, 7000);
	seg(40002, 0, T0 + 2 * SEC + 3 * MS, TCP_ACK | TCP_FIN | TCP_PSH,
	    3001, 7001, "bye");
	rec_is(find(40002, 0, 0), FLOW_CLOSE_FIN, "bye", "FIN with payload");
	scen_end(&s);
}

static void
test_rst(void)
{
	struct scen s;
	struct track_stats ts;

	scen_begin(&s, "rst", NULL);
	handshake(40000, T0, 1000, 5000);
	seg(40000, 0, T0 + 3 * MS, TCP_ACK, 1001, 5001, "hello");
	seg(40000, 1, T0 + 4 * MS, TCP_ACK, 5001, 1006, "srv");
	seg(40000, 1, T0 + 5 * MS, TCP_RST | TCP_ACK, 5004, 1006, NULL);
	tap_is_int(nrecs, 2, "RST closes both directions");
	rec_is(find(40000, 0, 0), FLOW_CLOSE_RST, "hello", "RST: client dir");
	rec_is(find(40000, 0, 1), FLOW_CLOSE_RST, "srv", "RST: server dir");
	/* Data after the RST: same instance, same file. */
	seg(40000, 0, T0 + 6 * MS, TCP_ACK, 1006, 5004, "more");
	stats(&ts);
	tap_is_int((long long)ts.conns_total, 1, "data after RST: no new "
	    "instance");
	tap_ok(ts.late_packets >= 1, "counted as late (%llu)",
	    (unsigned long long)ts.late_packets);
	tap_ok(file_is("40000-00080", "hellomore", 9),
	    "data after RST appended to the same file");
	/* An ACK without SYN after the RST never starts an instance. */
	seg(40000, 1, T0 + 7 * MS, TCP_ACK, 5004, 1010, NULL);
	seg(40000, 0, T0 + 8 * MS, TCP_ACK | TCP_PSH, 50000, 5004, "far");
	stats(&ts);
	tap_is_int((long long)ts.conns_total, 1, "packets without SYN never "
	    "start an instance");
	scen_end(&s);
	tap_is_int(nrecs, 2, "no further close reports");
}

static void
test_reuse(void)
{
	struct scen s;
	struct track_stats ts;
	const struct rec *r;

	scen_begin(&s, "reuse", NULL);
	handshake(40000, T0, 1000, 5000);
	seg(40000, 0, T0 + 3 * MS, TCP_ACK, 1001, 5001, "first");
	seg(40000, 0, T0 + 4 * MS, TCP_ACK | TCP_FIN, 1006, 5001, NULL);
	seg(40000, 1, T0 + 5 * MS, TCP_ACK | TCP_FIN, 5001, 1007, NULL);
	/* A new SYN, new ISN, after the FINs. */
	seg(40000, 0, T0 + SEC, TCP_SYN, 90000, 0, NULL);
	stats(&ts);
	tap_is_int((long long)ts.conns_total, 2, "new ISN after FIN: new "
	    "instance");
	seg(40000, 0, T0 + SEC + 1 * MS, TCP_SYN, 90000, 0, NULL);
	stats(&ts);
	tap_is_int((long long)ts.conns_total, 2, "retransmitted SYN: same "
	    "instance");
	seg(40000, 1, T0 + SEC + 2 * MS, TCP_SYN | TCP_ACK, 70000, 90001, NULL);
	stats(&ts);
	tap_is_int((long long)ts.conns_total, 2, "SYN/ACK of that SYN: same "
	    "instance");
	seg(40000, 1, T0 + SEC + 3 * MS, TCP_SYN | TCP_ACK, 70000, 90001, NULL);
	stats(&ts);
	tap_is_int((long long)ts.conns_total, 2, "retransmitted SYN/ACK: same");
	seg(40000, 0, T0 + SEC + 4 * MS, TCP_ACK, 90001, 70001, "again");
	seg(40000, 1, T0 + SEC + 5 * MS, TCP_ACK, 70001, 90006, "srv1");
	scen_end(&s);
	r = find(40000, 1, 0);
	rec_is(r, FLOW_CLOSE_EOF, "again", "instance 1 client dir");
	tap_is_str(r != NULL ? r->path : NULL, "40000-00080c1",
	    "instance 1 file is c1");
	r = find(40000, 1, 1);
	tap_is_str(r != NULL ? r->path : NULL, "00080-40000",
	    "server's first file is instance 1's (c0: it wrote none before)");
	rec_is(find(40000, 0, 0), FLOW_CLOSE_FIN, "first", "instance 0");
	tap_ok(file_is("40000-00080", "first", 5), "instance 0 file intact");
}

static void
test_syn_rules(void)
{
	struct scen s;
	struct track_stats ts;

	scen_begin(&s, "syn", NULL);
	handshake(40000, T0, 1000, 5000);
	seg(40000, 0, T0 + 3 * MS, TCP_ACK, 1001, 5001, "abc");
	/* Another ISN inside the window of an open connection: ignored. */
	seg(40000, 0, T0 + 4 * MS, TCP_SYN, 1500, 0, NULL);
	stats(&ts);
	tap_is_int((long long)ts.syn_ignored, 1, "in-window SYN on an open "
	    "connection ignored");
	tap_is_int((long long)ts.conns_total, 1, "no new instance");
	seg(40000, 0, T0 + 5 * MS, TCP_ACK, 1004, 5001, "def");
	/* Retransmitted SYN with the same ISN: same instance. */
	seg(40000, 0, T0 + 6 * MS, TCP_SYN, 1000, 0, NULL);
	stats(&ts);
	tap_is_int((long long)ts.conns_total, 1, "same-ISN SYN: same");
	tap_is_int((long long)ts.syn_ignored, 1, "and not ignored");
	/* An ISN far outside the window, no FIN: new instance. */
	seg(40000, 0, T0 + 7 * MS, TCP_SYN, 1000 + 50000000u, 0, NULL);
	stats(&ts);
	tap_is_int((long long)ts.conns_total, 2, "far-away ISN: new instance "
	    "without FIN");
	rec_is(find(40000, 0, 0), FLOW_CLOSE_REUSE, "abcdef",
	    "old instance closed for reuse");
	/* The server answers the new SYN: same (new) instance. */
	seg(40000, 1, T0 + 8 * MS, TCP_SYN | TCP_ACK, 123, 1000 + 50000001u,
	    NULL);
	stats(&ts);
	tap_is_int((long long)ts.conns_total, 2, "SYN/ACK to the new SYN");
	/* A server SYN/ACK acknowledging the client's data: same. */
	seg(40000, 0, T0 + 9 * MS, TCP_ACK, 1000 + 50000001u, 124, "xy");
	seg(40000, 1, T0 + 10 * MS, TCP_SYN | TCP_ACK, 123, 1000 + 50000003u,
	    NULL);
	stats(&ts);
	tap_is_int((long long)ts.conns_total, 2, "SYN/ACK acking data: same");
	scen_end(&s);
	rec_is(find(40000, 1, 0), FLOW_CLOSE_EOF, "xy", "new instance data");
	tap_is_str(find(40000, 1, 0) != NULL ? find(40000, 1, 0)->path : NULL,
	    "40000-00080c1", "new instance file c1");

	/* The server sent only an RST before its SYN/ACK. */
	scen_begin(&s, "syn2", NULL);
	seg(40001, 0, T0, TCP_SYN, 1000, 0, NULL);
	seg(40001, 1, T0 + 1 * MS, TCP_RST | TCP_ACK, 0, 1001, NULL);
	seg(40001, 1, T0 + 2 * MS, TCP_SYN | TCP_ACK, 5000, 1001, NULL);
	stats(&ts);
	tap_is_int((long long)ts.conns_total, 1, "SYN/ACK acking the SYN after "
	    "an RST: same instance");
	/* A fresh client SYN after the RST: the connection has seen an RST
	 * and the ISN differs. */
	seg(40001, 0, T0 + 3 * MS, TCP_SYN, 1100, 0, NULL);
	stats(&ts);
	tap_is_int((long long)ts.conns_total, 2, "new ISN after RST: new "
	    "instance (even inside the window)");
	scen_end(&s);
}

static void
test_late_packets(void)
{
	struct scen s;
	struct track_stats ts;
	const struct rec *r;

	scen_begin(&s, "late", NULL);
	handshake(40000, T0, 1000, 5000);
	seg(40000, 0, T0 + 3 * MS, TCP_ACK, 1001, 5001, "hello");
	seg(40000, 1, T0 + 4 * MS, TCP_ACK, 5001, 1006, "HI");
	seg(40000, 0, T0 + 5 * MS, TCP_ACK | TCP_FIN, 1006, 5003, NULL);
	seg(40000, 1, T0 + 6 * MS, TCP_ACK | TCP_FIN, 5003, 1007, NULL);
	handshake(40000, T0 + SEC, 900000, 800000);
	seg(40000, 0, T0 + SEC + 3 * MS, TCP_ACK, 900001, 800001, "again");
	stats(&ts);
	tap_is_int((long long)ts.conns_total, 2, "second instance started");
	/* Late retransmissions of the old instance's data. */
	seg(40000, 0, T0 + SEC + 4 * MS, TCP_ACK, 1001, 5003, "hello");
	seg(40000, 0, T0 + SEC + 5 * MS, TCP_ACK, 1001, 5003, "HELLO");
	seg(40000, 1, T0 + SEC + 6 * MS, TCP_ACK, 5001, 1007, "HI");
	stats(&ts);
	tap_is_int((long long)ts.conns_total, 2, "late packets start nothing");
	tap_ok(ts.late_packets >= 3, "late packets counted (%llu)",
	    (unsigned long long)ts.late_packets);
	tap_ok(file_is("40000-00080", "hello", 5),
	    "old client file unchanged (identical and conflicting copies)");
	tap_ok(file_is("00080-40000", "HI", 2), "old server file unchanged");
	/* Bytes at or after a side's FIN are not that instance's (a side
	 * sends nothing after its FIN): the old file stays as it was. */
	seg(40000, 1, T0 + SEC + 7 * MS, TCP_ACK, 5003, 1007, "!");
	tap_ok(file_is("00080-40000", "HI", 2),
	    "bytes after the old side's FIN do not reach its file");
	scen_end(&s);
	r = find(40000, 1, 0);
	rec_is(r, FLOW_CLOSE_EOF, "again", "new instance content");
	tap_is_str(r != NULL ? r->path : NULL, "40000-00080c1",
	    "new instance's file");
	tap_ok(find(40000, 1, 1) == NULL || find(40000, 1, 1)->len == -1,
	    "new instance server dir: no data, no file");
}

static void
test_keepalive(void)
{
	struct scen s;
	struct track_stats ts;

	scen_begin(&s, "ka", NULL);
	handshake(40000, T0, 1000, 5000);
	seg(40000, 0, T0 + 3 * MS, TCP_ACK, 1001, 5001, "hello");
	seg(40000, 0, T0 + 60 * SEC, TCP_ACK, 1005, 5001, "x");
	seg_w(40000, 0, T0 + 120 * SEC, TCP_ACK, 1005, 5001, "", 1, 65535,
	    -1);				/* the usual NUL probe */
	stats(&ts);
	tap_is_int((long long)ts.keepalives, 2, "two keep-alives");
	seg(40000, 0, T0 + 121 * SEC, TCP_ACK, 1006, 5001, "!");
	scen_end(&s);
	rec_is(find(40000, 0, 0), FLOW_CLOSE_EOF, "hello!",
	    "keep-alive bytes ignored");
}

static void
test_timeout(void)
{
	struct scen s;
	struct track_config tc;
	struct track_stats ts;
	int k;

	memset(&tc, 0, sizeof tc);
	tc.tcp_timeout_ns = 10 * SEC;
	scen_begin(&s, "timeout", &tc);
	handshake(40000, T0, 1000, 5000);	/* stays active */
	handshake(40001, T0, 2000, 6000);	/* goes idle */
	seg(40001, 0, T0 + 1 * SEC, TCP_ACK, 2001, 6001, "idle");
	for (k = 1; k <= 10; k++)
		seg(40000, 0, T0 + (uint64_t)k * 3 * SEC, TCP_ACK,
		    1001 + (uint32_t)k - 1, 5001, "a");
	/* 40001 last seen at 1 s; packets reached 30 s. */
	rec_is(find(40001, 0, 0), FLOW_CLOSE_TIMEOUT, "idle",
	    "idle connection timed out");
	tap_ok(find(40000, 0, 0) == NULL, "active connection still open");
	stats(&ts);
	tap_is_int((long long)ts.timeouts, 1, "one timeout");
	tap_is_int((long long)ts.conns_open, 1, "one open");
	/* Exactly at the limit: not yet.  Make 40002 idle from 31 s. */
	handshake(40002, T0 + 31 * SEC, 3000, 7000);
	seg(40000, 0, T0 + 41 * SEC + 2 * MS, TCP_ACK, 1011, 5001, "b");
	tap_ok(find(40002, 0, 0) == NULL && find(40002, 0, 1) == NULL,
	    "idle exactly the timeout: still open");
	seg(40000, 0, T0 + 42 * SEC, TCP_ACK, 1012, 5001, "c");
	stats(&ts);
	tap_is_int((long long)ts.timeouts, 2, "idle past the timeout: closed");
	/*
	 * Data after the timeout starts a new flow, as tcpflow's
	 * tcp_timeout does: the closed file and its report stay as they were.
	 */
	seg(40001, 0, T0 + 43 * SEC, TCP_ACK, 2005, 6001, "more");
	stats(&ts);
	tap_is_int((long long)ts.conns_total, 4, "data after a timeout: a new "
	    "instance");
	tap_ok(file_is("40001-00080", "idle", 4),
	    "data after a timeout leaves the timed-out file alone");
	tap_ok(file_is("40001-00080c1", "more", 4),
	    "data after a timeout goes to the next file (c1)");
	scen_end(&s);
	rec_is(find(40000, 0, 0), FLOW_CLOSE_EOF, "aaaaaaaaaabc",
	    "active connection closed only at the end");
}

static void
test_evict(void)
{
	struct scen s;
	struct track_config tc;
	struct track_stats ts;
	int k;

	memset(&tc, 0, sizeof tc);
	tc.max_conns = 3;
	scen_begin(&s, "evict", &tc);
	for (k = 0; k < 3; k++)
		seg((uint16_t)(41000 + k), 0, T0 + (uint64_t)k * SEC, TCP_ACK,
		    100, 1, "d");
	/* Touch 41000 again: 41001 is now the least recently active. */
	seg(41000, 0, T0 + 3 * SEC, TCP_ACK, 101, 1, "e");
	tap_is_int(nrecs, 0, "3 connections, cap 3: nothing closed");
	seg(41003, 0, T0 + 4 * SEC, TCP_ACK, 100, 1, "f");
	stats(&ts);
	tap_is_int((long long)ts.evicted, 1, "a 4th connection evicts one");
	tap_ok(ts.conns_in_memory <= 3, "at most 3 in memory (%llu)",
	    (unsigned long long)ts.conns_in_memory);
	tap_is_int(count_recs(41001), 1, "the least recently active was "
	    "closed");
	rec_is(find(41001, 0, 0), FLOW_CLOSE_EVICT, "d", "evicted connection");
	tap_is_int(count_recs(41000) + count_recs(41002) + count_recs(41003),
	    0, "the others are still open");
	/* The evicted key comes back: a new record, new file name. */
	seg(41001, 0, T0 + 5 * SEC, TCP_ACK, 101, 1, "g");
	stats(&ts);
	tap_is_int((long long)ts.evicted, 2, "and evicts the next one");
	tap_is_int(count_recs(41002), 1, "41002 was next");
	scen_end(&s);
	tap_ok(file_is("41001-00080", "d", 1), "evicted file kept");
	tap_ok(file_is("41001-00080c1", "g", 1),
	    "the returning key writes c1, never overwrites");
}

/* Closed connections beyond max_closed are freed to a small tombstone. */
static void
test_tombstone(void)
{
	struct scen s;
	struct track_config tc;
	struct track_stats ts;

	memset(&tc, 0, sizeof tc);
	tc.max_closed = 1;
	scen_begin(&s, "tomb", &tc);
	handshake(42000, T0, 1000, 5000);
	seg(42000, 0, T0 + 2 * MS, TCP_ACK, 1001, 5001, "abc");
	seg(42000, 0, T0 + 3 * MS, TCP_ACK | TCP_FIN, 1004, 5001, NULL);
	seg(42000, 1, T0 + 4 * MS, TCP_ACK | TCP_FIN, 5001, 1005, NULL);
	/* A second connection closes: the first is freed. */
	handshake(42001, T0 + 5 * MS, 3000, 7000);
	seg(42001, 0, T0 + 6 * MS, TCP_ACK | TCP_FIN, 3001, 7001, "x");
	seg(42001, 1, T0 + 7 * MS, TCP_ACK | TCP_FIN, 7001, 3003, NULL);
	stats(&ts);
	tap_ok(ts.conns_in_memory - ts.conns_open <= 1,
	    "at most max_closed closed connections in memory (%llu)",
	    (unsigned long long)(ts.conns_in_memory - ts.conns_open));
	/* A late retransmission of the freed one starts nothing. */
	seg(42000, 0, T0 + 8 * MS, TCP_ACK, 1001, 5001, "abc");
	seg(42000, 1, T0 + 9 * MS, TCP_ACK, 5002, 1005, NULL);
	stats(&ts);
	tap_is_int((long long)ts.conns_total, 2, "late packets of a freed "
	    "connection start no instance");
	tap_is_int((long long)ts.late_forgotten, 2, "and are counted");
	/* The next connection on its 4-tuple is instance 1, file c1. */
	handshake(42000, T0 + 10 * MS, 900000, 800000);
	seg(42000, 0, T0 + 11 * MS, TCP_ACK, 900001, 800001, "new");
	stats(&ts);
	tap_is_int((long long)ts.conns_total, 3, "a new SYN after the "
	    "tombstone: a new connection");
	scen_end(&s);
	tap_ok(file_is("42000-00080", "abc", 3), "the freed file untouched");
	tap_ok(file_is("42000-00080c1", "new", 3), "the next one writes c1");
}

static void
test_late_syn(void)
{
	struct scen s;
	struct track_stats ts;

	scen_begin(&s, "latesyn", NULL);
	/* Data first, then the SYN (reordered capture). */
	seg(40000, 0, T0, TCP_ACK, 1005, 5001, "DATA");
	seg(40000, 0, T0 + 1 * MS, TCP_SYN, 1000, 0, NULL);
	stats(&ts);
	tap_is_int((long long)ts.conns_total, 1, "late SYN: same instance");
	seg(40000, 0, T0 + 2 * MS, TCP_ACK, 1009, 5001, "MORE");
	/* Data first, SYN later, data starting right at ISN+1. */
	seg(40001, 0, T0, TCP_ACK, 2001, 6001, "abc");
	seg(40001, 0, T0 + 1 * MS, TCP_SYN, 2000, 0, NULL);
	seg(40001, 0, T0 + 2 * MS, TCP_ACK, 2004, 6001, "def");
	stats(&ts);
	tap_is_int((long long)ts.conns_total, 2, "second late SYN: same");
	scen_end(&s);
	tap_ok(find(40000, 0, 0) != NULL && find(40000, 0, 0)->len == 12,
	    "late SYN conn closed with 12 bytes");
	tap_ok(file_is("40000-00080", "\0\0\0\0DATAMORE", 12),
	    "late SYN: stream starts at ISN+1 (front hole NULs)");
	tap_ok(file_is("40001-00080", "abcdef", 6),
	    "late SYN at the first byte: no hole");
}

static void
test_wrap(void)
{
	struct scen s;

	scen_begin(&s, "wrap", NULL);
	handshake(40000, T0, 0xfffffff0u, 0x7ffffffeu);
	seg(40000, 0, T0 + 3 * MS, TCP_ACK, 0xfffffff1u, 0x7fffffffu,
	    "0123456789abcdef");		/* last byte at 2^32 */
	seg(40000, 0, T0 + 4 * MS, TCP_ACK, 4, 0x7fffffffu, "TAIL");
	seg(40000, 0, T0 + 5 * MS, TCP_ACK, 1, 0x7fffffffu, "XYZ");
	seg(40000, 1, T0 + 6 * MS, TCP_ACK, 0x7fffffffu, 8, "s1");
	seg(40000, 1, T0 + 7 * MS, TCP_ACK, 0x80000001u, 8, "s2");
	seg(40000, 0, T0 + 8 * MS, TCP_ACK | TCP_FIN, 8, 0x80000003u, NULL);
	seg(40000, 1, T0 + 9 * MS, TCP_ACK | TCP_FIN, 0x80000003u, 9, NULL);
	rec_is(find(40000, 0, 0), FLOW_CLOSE_FIN, "0123456789abcdefXYZTAIL",
	    "client stream across 2^32");
	rec_is(find(40000, 0, 1), FLOW_CLOSE_FIN, "s1s2",
	    "server stream across 2^31");
	scen_end(&s);
}

/*
 * A sparse stream beyond 4 GiB: window scaling 14 on both SYNs so the
 * window is ~1 GB, then one byte every 1e9 bytes of sequence space.
 */
static void
test_huge(void)
{
	struct scen s;
	struct stat sb;
	char path[1200];
	uint64_t off, last = 4500000000ull;
	uint32_t isn = 0x12345678u;
	uint8_t b;
	int fd, k, bad = 0;

	scen_begin(&s, "huge", NULL);
	seg_w(40000, 0, T0, TCP_SYN, isn, 0, NULL, 0, 65535, 14);
	seg_w(40000, 1, T0 + 1, TCP_SYN | TCP_ACK, 777, isn + 1, NULL, 0,
	    65535, 14);
	seg_w(40000, 1, T0 + 2, TCP_ACK, 778, isn + 1, NULL, 0, 65535, -1);
	for (k = 0; k <= 4; k++) {
		off = (uint64_t)k * 1000000000ull;
		b = (uint8_t)('A' + k);
		seg_w(40000, 0, T0 + 10 + (uint64_t)k, TCP_ACK,
		    isn + 1 + (uint32_t)off, 778, &b, 1, 65535, -1);
	}
	seg_w(40000, 0, T0 + 20, TCP_ACK, isn + 1 + (uint32_t)last, 778,
	    "END", 3, 65535, -1);
	/* A SYN inside that 1 GB window is still "inside". */
	seg_w(40000, 0, T0 + 21, TCP_SYN, isn + 1 + (uint32_t)last + 500000000u,
	    0, NULL, 0, 65535, 14);
	{
		struct track_stats ts;

		stats(&ts);
		tap_is_int((long long)ts.syn_ignored, 1,
		    "SYN within the scaled window ignored");
		tap_is_int((long long)ts.conns_total, 1, "one instance");
	}
	scen_end(&s);
	snprintf(path, sizeof path, "%s/40000-00080", s.dir);
	tap_ok(stat(path, &sb) == 0 && (uint64_t)sb.st_size == last + 3,
	    "size 4.5 GB + 3 (%lld)", (long long)sb.st_size);
	tap_ok(sb.st_blocks < 1024, "sparse (%lld blocks)",
	    (long long)sb.st_blocks);
	if ((fd = open(path, O_RDONLY)) != -1) {
		for (k = 0; k <= 4; k++) {
			off = (uint64_t)k * 1000000000ull;
			if (pread(fd, &b, 1, (off_t)off) != 1 ||
			    b != 'A' + k)
				bad++;
			if (pread(fd, &b, 1, (off_t)off + 1) != 1 || b != 0)
				bad++;
		}
		{
			char e[4] = "";

			if (pread(fd, e, 3, (off_t)last) != 3 ||
			    memcmp(e, "END", 3) != 0)
				bad++;
		}
		close(fd);
	} else
		bad++;
	tap_is_int(bad, 0, "bytes at 0, 1e9 .. 4e9 and 4.5e9 in place");
	unlink(path);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return (1);
	}
	tap_plan_none();
	test_fin();
	test_rst();
	test_reuse();
	test_syn_rules();
	test_late_packets();
	test_keepalive();
	test_timeout();
	test_evict();
	test_tombstone();
	test_late_syn();
	test_wrap();
	test_huge();
	if (getenv("KEEP_TMP") == NULL)
		store_remove_tree(tmpdir);
	else
		tap_diag("kept %s", tmpdir);
	return (tap_done());
}
