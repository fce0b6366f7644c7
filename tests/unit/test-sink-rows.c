/*
 * test-sink-rows.c: the UI's row sink driven by synthetic TCP segments
 * through a real track, reassembly and store in a temporary spool (files
 * named as in the UI's spool, "<id>.<dir>", plus the run log).  Checks:
 * the row and run records of a request/response connection, avail[] never
 * ahead of what the store has written, hole records of a finished
 * direction, final rows of connections the core frees (each exactly
 * once), a chan that fills up, and file-name items with send_paths.
 *
 * Every row taken is also checked against the disk: the file of each
 * direction must hold at least avail[] bytes when the row arrives, and no
 * row of a connection may follow its final one.
 *
 * Two checks found bugs, fixed since: both directions' hints within one
 * publish interval, and bytes that fill a logged hole after the direction
 * finished (a RESET record, then the direction again).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "sink-rows.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chan.h"
#include "flow-row.h"
#include "flow-track.h"
#include "reasm.h"
#include "store.h"
#include "tap.h"
#include "xmalloc.h"

#define MS		1000000ull
#define SEC		1000000000ull
#define T0		(1600000000ull * SEC)
#define SRV_PORT	80
#define PUMP_MAX	100000	/* publish/take rounds before giving up */

/* What arrived on the chan about one connection id. */
struct seen {
	struct flow_row	 row;		/* the newest row */
	int		 rows;
	int		 lasts;		/* rows with last set */
	int		 after_last;	/* rows that came after a last one */
	int		 files[2];	/* FLOW_ROW_FILE items per dir */
	char		 path[2][FLOW_ROW_PATH];
	int		 avail_no_path[2];	/* avail > 0 before the path */
	int		 hints[2];	/* rows with a hint for dir */
	char		 hint[2][FLOW_ROW_HINT];
	int		 both;		/* rows with both sides' hint */
	char		 merged[FLOW_ROW_HINT];
};

struct harness {
	char		 dir[600];
	struct store	*store;
	struct reasm_ctx rc;
	struct track	*t;
	struct chan	*ch;
	struct sink_rows *s;
	int		 runfd;
	bool		 send_paths;
	struct seen	*seen;
	size_t		 nseen;
	uint64_t	 items;		/* items taken */
	uint64_t	 bad_items;	/* unknown type, id out of range */
	uint64_t	 over_file;	/* avail beyond the file on disk */
	uint64_t	 over_bytes;	/* avail beyond bytes */
};

static char	*tmpdir;
static const uint8_t cli_addr[16] = { 10, 0, 0, 1 };
static const uint8_t srv_addr[16] = { 10, 0, 0, 2 };

static struct flow_conn *dir_conn(struct flow_dir *, int *);
static int	 name_fn(void *, uint32_t, char *, size_t);
static int	 create_cb(void *, struct flow_dir *);
static void	 settled_cb(void *, uint64_t);
static void	 h_begin(struct harness *, const char *, size_t, bool,
		    const struct track_config *, size_t);
static void	 h_end(struct harness *, const char *);
static void	 seg(struct harness *, uint16_t, int, uint64_t, uint8_t,
		    uint32_t, uint32_t, const void *, uint32_t);
static void	 handshake(struct harness *, uint16_t, uint64_t, uint32_t,
		    uint32_t);
static uint64_t	 file_size(struct harness *, uint64_t, int);
static void	 take(struct harness *);
static void	 pump(struct harness *);
static bool	 drain(struct harness *);
static size_t	 read_runs(struct harness *, struct flow_run_rec **);
static void	 fill(uint8_t *, size_t, uint8_t);
static bool	 run_is(const struct flow_run_rec *, size_t, uint64_t, int,
		    int, uint64_t, uint64_t, uint64_t, const char *);
static void	 test_reqresp(void);
static void	 test_hints(void);
static void	 test_durable(void);
static void	 test_holes(void);
static void	 test_late_fill(void);
static void	 test_final_waits(void);
static void	 test_freeing(void);
static void	 test_full_chan(void);
static void	 test_paths(void);

static struct flow_conn *
dir_conn(struct flow_dir *d, int *idx)
{
	*idx = d->side;
	return ((struct flow_conn *)(void *)((char *)(d - d->side) -
	    offsetof(struct flow_conn, dir)));
}

struct name_ctx {
	uint64_t	 id;
	int		 dir;
};

/* The UI spool's names, as pipeline.c's name_for_count gives them. */
static int
name_fn(void *arg, uint32_t count, char *buf, size_t len)
{
	const struct name_ctx *nc = arg;

	(void)count;
	flow_row_spool_name(nc->id, nc->dir, buf, len);
	return (0);
}

static int
create_cb(void *arg, struct flow_dir *d)
{
	struct harness *h = arg;
	struct flow_conn *c;
	struct name_ctx nc;
	char err[256];

	c = dir_conn(d, &nc.dir);
	nc.id = c->id;
	d->ss.token = d->flow_id + 1;
	if (store_create(h->store, &d->ss, name_fn, &nc, &d->count, err,
	    sizeof err) == -1) {
		tap_diag("create: %s", err);
		return (-1);
	}
	return (0);
}

/* The store's settled(), passed on as pipeline_settled() does. */
static void
settled_cb(void *arg, uint64_t gen)
{
	struct harness *h = arg;

	if (h->s != NULL)
		sink_rows_settled(h->s, gen);
}

static void
h_begin(struct harness *h, const char *name, size_t cap, bool send_paths,
    const struct track_config *tc, size_t nseen)
{
	struct sink_rows_config rc;
	struct store_config sc;
	struct track_config def;
	struct track_watch w;
	char err[256], path[700];

	memset(h, 0, sizeof *h);
	snprintf(h->dir, sizeof h->dir, "%s/%s", tmpdir, name);
	memset(&sc, 0, sizeof sc);
	sc.dir = h->dir;
	sc.max_fds = 16;
	sc.settled = settled_cb;
	sc.cb_arg = h;
	if ((h->store = store_new(&sc, err, sizeof err)) == NULL) {
		printf("Bail out! store_new: %s\n", err);
		exit(1);
	}
	snprintf(path, sizeof path, "%s/%s", h->dir, FLOW_RUN_LOG);
	h->runfd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND |
	    O_CLOEXEC, 0600);
	if (h->runfd == -1) {
		printf("Bail out! %s: %s\n", path, strerror(errno));
		exit(1);
	}
	h->rc.store = h->store;
	h->rc.max_bytes = UINT64_MAX;
	h->rc.create = create_cb;
	h->rc.arg = h;
	if (tc == NULL) {
		memset(&def, 0, sizeof def);
		tc = &def;
	}
	h->t = track_new(tc, &h->rc, NULL, NULL);
	if ((h->ch = chan_new(sizeof(union flow_row_item), cap)) == NULL) {
		printf("Bail out! chan_new: %s\n", strerror(errno));
		exit(1);
	}
	memset(&rc, 0, sizeof rc);
	rc.ch = h->ch;
	rc.store = h->store;
	rc.runlog_fd = h->runfd;
	rc.send_paths = send_paths;
	h->send_paths = send_paths;
	h->s = sink_rows_new(&rc);
	w.touched = sink_rows_touched;
	w.freeing = sink_rows_freeing;
	w.arg = h->s;
	track_set_watch(h->t, &w);
	h->nseen = nseen;
	h->seen = xcalloc(nseen, sizeof *h->seen);
}

/* Free the connections, deliver what is left, check the invariants;
 * h->seen stays for the caller's last checks (it frees it). */
static void
h_end(struct harness *h, const char *name)
{
	if (h->t != NULL) {
		track_close_all(h->t);
		track_free(h->t);
		h->t = NULL;
	}
	tap_ok(drain(h), "%s: everything delivered at the end", name);
	if (!tap_ok(h->bad_items == 0, "%s: no unknown items", name))
		tap_diag("%llu bad items", (unsigned long long)h->bad_items);
	if (!tap_ok(h->over_file == 0 && h->over_bytes == 0,
	    "%s: no row claimed bytes its file did not hold", name))
		tap_diag("%llu beyond the file, %llu beyond bytes[]",
		    (unsigned long long)h->over_file,
		    (unsigned long long)h->over_bytes);
	sink_rows_free(h->s);
	h->s = NULL;
	store_free(h->store);
	chan_free(h->ch);
	close(h->runfd);
}

/* One segment: from 0 = client (10.0.0.1:cport), 1 = server (:80). */
static void
seg(struct harness *h, uint16_t cport, int from, uint64_t ts, uint8_t flags,
    uint32_t seq, uint32_t ack, const void *p, uint32_t len)
{
	struct pkt_meta m;

	memset(&m, 0, sizeof m);
	m.ts_ns = ts;
	m.caplen = m.wirelen = 54 + len;
	m.af = FS_AF_INET;
	memcpy(m.src, from == 0 ? cli_addr : srv_addr, 16);
	memcpy(m.dst, from == 0 ? srv_addr : cli_addr, 16);
	m.sport = from == 0 ? cport : SRV_PORT;
	m.dport = from == 0 ? SRV_PORT : cport;
	m.seq = seq;
	m.ack = ack;
	m.flags = flags;
	m.window = 65535;
	m.wscale = -1;
	m.payload = p;
	m.paylen = m.seglen = len;
	/* As pipeline.c: the sink sees the packet for its hints. */
	sink_rows_packet(h->s, &m);
	track_segment(h->t, &m);
	sink_rows_packet(h->s, NULL);
}

/* Three-way handshake: client ISN ci, server ISN si, at ts. */
static void
handshake(struct harness *h, uint16_t cport, uint64_t ts, uint32_t ci,
    uint32_t si)
{
	seg(h, cport, 0, ts, TCP_SYN, ci, 0, NULL, 0);
	seg(h, cport, 1, ts + 1 * MS, TCP_SYN | TCP_ACK, si, ci + 1, NULL, 0);
	seg(h, cport, 0, ts + 2 * MS, TCP_ACK, ci + 1, si + 1, NULL, 0);
}

/* The size of a direction's spool file, 0 if there is none. */
static uint64_t
file_size(struct harness *h, uint64_t id, int dir)
{
	char name[64], path[800];
	struct stat sb;

	flow_row_spool_name(id, dir, name, sizeof name);
	snprintf(path, sizeof path, "%s/%s", h->dir, name);
	if (stat(path, &sb) == -1)
		return (0);
	return ((uint64_t)sb.st_size);
}

/* Take what was published and note it per connection id. */
static void
take(struct harness *h)
{
	const union flow_row_item *it;
	const void *items;
	size_t n, i;
	int d;

	n = chan_take(h->ch, &items);
	it = items;
	for (i = 0; i < n; i++, it++) {
		struct seen *sn;

		h->items++;
		if (it->type == FLOW_ROW_FILE) {
			if (it->file.id >= h->nseen || it->file.dir > 1) {
				h->bad_items++;
				continue;
			}
			sn = &h->seen[it->file.id];
			sn->files[it->file.dir]++;
			memcpy(sn->path[it->file.dir], it->file.path,
			    sizeof sn->path[0]);
			continue;
		}
		if (it->type != FLOW_ROW_UPDATE || it->row.id >= h->nseen) {
			h->bad_items++;
			continue;
		}
		sn = &h->seen[it->row.id];
		if (sn->lasts > 0)
			sn->after_last++;
		if (it->row.last)
			sn->lasts++;
		sn->rows++;
		sn->row = it->row;
		if (it->row.hint_dir == FLOW_ROW_HINT_BOTH) {
			sn->both++;
			memcpy(sn->merged, it->row.hint, sizeof sn->merged);
		}
		if (it->row.hint_dir <= 1 && it->row.hint[0] != '\0') {
			sn->hints[it->row.hint_dir]++;
			memcpy(sn->hint[it->row.hint_dir], it->row.hint,
			    sizeof sn->hint[0]);
		}
		for (d = 0; d < 2; d++) {
			if (it->row.avail[d] > it->row.bytes[d])
				h->over_bytes++;
			if (it->row.avail[d] > 0 &&
			    file_size(h, it->row.id, d) < it->row.avail[d])
				h->over_file++;
			if (h->send_paths && it->row.avail[d] > 0 &&
			    sn->files[d] == 0)
				sn->avail_no_path[d]++;
		}
	}
}

/* One round of the capture thread's publish and the UI's take. */
static void
pump(struct harness *h)
{
	sink_rows_publish(h->s);
	take(h);
}

/* Flush the store and pump until nothing is left; false if it never
 * emptied. */
static bool
drain(struct harness *h)
{
	int i;

	store_flush_all(h->store);
	for (i = 0; i < PUMP_MAX; i++) {
		pump(h);
		if (sink_rows_backlog(h->s) == 0 && chan_pending(h->ch) == 0) {
			take(h);
			return (true);
		}
		if (i % 64 == 63)
			store_flush_all(h->store);
	}
	tap_diag("backlog %zu, pending %zu after %d rounds",
	    sink_rows_backlog(h->s), chan_pending(h->ch), PUMP_MAX);
	return (false);
}

/* The whole run log; the caller frees *out. */
static size_t
read_runs(struct harness *h, struct flow_run_rec **out)
{
	char path[700];
	struct stat sb;
	ssize_t n;
	int fd;

	*out = NULL;
	snprintf(path, sizeof path, "%s/%s", h->dir, FLOW_RUN_LOG);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (0);
	if (fstat(fd, &sb) == -1 || sb.st_size == 0) {
		close(fd);
		return (0);
	}
	*out = xmalloc((size_t)sb.st_size);
	n = pread(fd, *out, (size_t)sb.st_size, 0);
	close(fd);
	if (n != sb.st_size || n % (ssize_t)sizeof **out != 0) {
		tap_diag("run log: %zd bytes of %lld", n,
		    (long long)sb.st_size);
		return (0);
	}
	return ((size_t)n / sizeof **out);
}

/* Recognisable bytes: each direction's file can be checked. */
static void
fill(uint8_t *p, size_t len, uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)('a' + (seed + i) % 26);
}

/* Is record idx (1-based, as prev and last_run count) as expected? */
static bool
run_is(const struct flow_run_rec *r, size_t n, uint64_t idx, int dir,
    int kind, uint64_t off, uint64_t len, uint64_t ts, const char *name)
{
	const struct flow_run_rec *x;

	if (idx == 0 || idx > n) {
		tap_ok(false, "%s: record %llu exists (of %zu)", name,
		    (unsigned long long)idx, n);
		return (false);
	}
	x = &r[idx - 1];
	if (tap_ok(x->dir == dir && x->kind == kind && x->off == off &&
	    x->len == len && (ts == 0 || x->ts_ns == ts), "%s", name))
		return (true);
	tap_diag("got dir %u kind %u off %llu len %llu ts %llu", x->dir,
	    x->kind, (unsigned long long)x->off, (unsigned long long)x->len,
	    (unsigned long long)x->ts_ns);
	tap_diag("want dir %d kind %d off %llu len %llu ts %llu", dir, kind,
	    (unsigned long long)off, (unsigned long long)len,
	    (unsigned long long)ts);
	return (false);
}

/* 1. A request and its response, FIN both ways. */
static void
test_reqresp(void)
{
	static const char get[] = "GET /path HTTP/1.1\r\n"
	    "Host: example.com\r\n";
	static const char ok[] = "HTTP/1.1 200 OK\r\n"
	    "Content-Type: text/plain\r\n";
	struct harness h;
	struct flow_run_rec *runs;
	const struct seen *sn;
	const struct flow_row *r;
	uint8_t req[100], resp[300], more[50], buf[400];
	uint64_t t = T0;
	char path[800], name[64];
	size_t n;
	ssize_t got;
	int fd;

	h_begin(&h, "reqresp", 64, false, NULL, 4);
	fill(req, sizeof req, 0);
	memcpy(req, get, sizeof get - 1);
	memcpy(req + sizeof req - 4, "\r\n\r\n", 4);
	fill(resp, sizeof resp, 7);
	memcpy(resp, ok, sizeof ok - 1);
	fill(more, sizeof more, 13);
	handshake(&h, 40000, t, 1000, 5000);
	seg(&h, 40000, 0, t + 3 * MS, TCP_PSH | TCP_ACK, 1001, 5001, req, 100);
	seg(&h, 40000, 1, t + 4 * MS, TCP_PSH | TCP_ACK, 5001, 1101, resp,
	    300);
	seg(&h, 40000, 0, t + 5 * MS, TCP_PSH | TCP_ACK, 1101, 5301, more, 50);
	seg(&h, 40000, 0, t + 6 * MS, TCP_FIN | TCP_ACK, 1151, 5301, NULL, 0);
	seg(&h, 40000, 1, t + 7 * MS, TCP_FIN | TCP_ACK, 5301, 1152, NULL, 0);
	store_flush_all(h.store);
	pump(&h);

	sn = &h.seen[0];
	r = &sn->row;
	tap_is_int(sn->rows, 1, "reqresp: one row for the connection");
	tap_is_int((long long)h.items, 1, "reqresp: one item in all");
	tap_ok(r->type == FLOW_ROW_UPDATE && r->id == 0 && r->instance == 0 &&
	    !r->last, "reqresp: row type, id 0, instance 0, not last");
	tap_ok(r->key.af == FS_AF_INET && r->key.pa == 40000 &&
	    r->key.pb == SRV_PORT && memcmp(r->key.a, cli_addr, 16) == 0 &&
	    memcmp(r->key.b, srv_addr, 16) == 0 && !r->key.has_vlan,
	    "reqresp: key 10.0.0.1:40000 - 10.0.0.2:80");
	tap_is_int(r->client, 0, "reqresp: client is direction 0");
	tap_ok(r->bytes[0] == 150 && r->bytes[1] == 300,
	    "reqresp: bytes 150/300 (got %llu/%llu)",
	    (unsigned long long)r->bytes[0], (unsigned long long)r->bytes[1]);
	tap_ok(r->avail[0] == 150 && r->avail[1] == 300,
	    "reqresp: flushed, avail == bytes (got %llu/%llu)",
	    (unsigned long long)r->avail[0], (unsigned long long)r->avail[1]);
	tap_ok(r->packets[0] == 5 && r->packets[1] == 3,
	    "reqresp: packets 5/3 (got %llu/%llu)",
	    (unsigned long long)r->packets[0],
	    (unsigned long long)r->packets[1]);
	tap_is_int(r->state, FLOW_ROW_CLOSED, "reqresp: state CLOSED");
	tap_is_int(r->flags, 0, "reqresp: no flags");
	tap_ok(r->first_ns == t && r->last_ns == t + 7 * MS,
	    "reqresp: first_ns and last_ns");
	/* Request and response in one interval: both sides, merged. */
	tap_is_int(r->hint_dir, FLOW_ROW_HINT_BOTH,
	    "reqresp: hints of both sides");
	tap_is_str(r->hint, "HTTP GET example.com/path 200", "reqresp: hint");
	/* The file of each direction holds what was sent. */
	flow_row_spool_name(0, 0, name, sizeof name);
	snprintf(path, sizeof path, "%s/%s", h.dir, name);
	got = -1;
	if ((fd = open(path, O_RDONLY)) != -1) {
		got = pread(fd, buf, sizeof buf, 0);
		close(fd);
	}
	tap_ok(got == 150 && memcmp(buf, req, 100) == 0 &&
	    memcmp(buf + 100, more, 50) == 0, "reqresp: %s holds the "
	    "client's 150 bytes", name);

	n = read_runs(&h, &runs);
	tap_is_int((long long)n, 3, "reqresp: 3 run records");
	tap_is_int((long long)r->last_run, 3, "reqresp: last_run is #3");
	tap_is_int((long long)sink_rows_runs(h.s), 3, "sink_rows_runs");
	if (run_is(runs, n, r->last_run, 0, FLOW_RUN_DATA, 100, 0, t + 5 * MS,
	    "reqresp: newest record: client data at 100") &&
	    run_is(runs, n, runs[r->last_run - 1].prev, 1, FLOW_RUN_DATA, 0, 0,
	    t + 4 * MS, "reqresp: its prev: server data at 0") &&
	    run_is(runs, n, runs[runs[r->last_run - 1].prev - 1].prev, 0,
	    FLOW_RUN_DATA, 0, 0, t + 3 * MS,
	    "reqresp: then: client data at 0"))
		tap_is_int((long long)runs[0].prev, 0,
		    "reqresp: the oldest record ends the chain");
	free(runs);
	tap_is_int((long long)sink_rows_backlog(h.s), 0, "reqresp: no backlog");
	h_end(&h, "reqresp");
	sn = &h.seen[0];
	tap_ok(sn->lasts == 1 && sn->row.last && sn->after_last == 0,
	    "reqresp: one final row when freed");
	tap_ok(sn->row.bytes[0] == 150 && sn->row.avail[1] == 300 &&
	    sn->row.last_run == 3, "reqresp: the final row is complete");
	free(h.seen);
}

/*
 * 1b. Both directions' hints reach the UI (it merges them, "HTTP GET
 * host/path 200"): with a publish between request and response, and with
 * both in one publish interval (a short connection, the usual case).
 */
static void
test_hints(void)
{
	static const char get[] = "GET /a HTTP/1.1\r\nHost: x.org\r\n\r\n";
	static const char ok[] = "HTTP/1.1 200 OK\r\nServer: t\r\n\r\n";
	struct harness h;
	const struct seen *sn;
	uint32_t gl = sizeof get - 1, ol = sizeof ok - 1;

	h_begin(&h, "hints", 64, false, NULL, 4);
	/* Conn 0: a publish after the request. */
	handshake(&h, 41000, T0, 100, 500);
	seg(&h, 41000, 0, T0 + 3 * MS, TCP_PSH | TCP_ACK, 101, 501, get, gl);
	pump(&h);
	seg(&h, 41000, 1, T0 + 4 * MS, TCP_PSH | TCP_ACK, 501, 101 + gl, ok,
	    ol);
	pump(&h);
	sn = &h.seen[0];
	tap_ok(sn->hints[0] == 1 && strcmp(sn->hint[0], "HTTP GET x.org/a") ==
	    0, "hints: client's hint once: '%s'", sn->hint[0]);
	tap_ok(sn->hints[1] == 1 && strcmp(sn->hint[1], "HTTP 200") == 0,
	    "hints: server's hint once: '%s'", sn->hint[1]);

	/* Conn 1: request and response between two publishes. */
	handshake(&h, 41001, T0 + 10 * MS, 100, 500);
	seg(&h, 41001, 0, T0 + 13 * MS, TCP_PSH | TCP_ACK, 101, 501, get, gl);
	seg(&h, 41001, 1, T0 + 14 * MS, TCP_PSH | TCP_ACK, 501, 101 + gl, ok,
	    ol);
	pump(&h);
	seg(&h, 41001, 0, T0 + 15 * MS, TCP_ACK, 101 + gl, 501 + ol, NULL, 0);
	pump(&h);
	sn = &h.seen[1];
	/* Both sides in one interval: one row with the two merged. */
	tap_ok(sn->both == 1 && sn->hints[0] == 0 && sn->hints[1] == 0 &&
	    strcmp(sn->merged, "HTTP GET x.org/a 200") == 0,
	    "hints: one interval: both sides' hints merged once: '%s'",
	    sn->merged);
	h_end(&h, "hints");
	free(h.seen);
}

/* 2. avail[] follows store_stream.durable, never the staged bytes. */
static void
test_durable(void)
{
	struct harness h;
	const struct flow_row *r;
	uint8_t p[300];

	h_begin(&h, "durable", 64, false, NULL, 4);
	fill(p, sizeof p, 3);
	handshake(&h, 40001, T0, 100, 900);
	seg(&h, 40001, 0, T0 + 3 * MS, TCP_ACK, 101, 901, p, 100);
	pump(&h);
	r = &h.seen[0].row;
	tap_ok(h.seen[0].rows == 1 && r->bytes[0] == 100 && r->avail[0] == 0,
	    "durable: staged only: bytes 100, avail 0 (got %llu/%llu)",
	    (unsigned long long)r->bytes[0], (unsigned long long)r->avail[0]);
	tap_is_int((long long)sink_rows_backlog(h.s), 1,
	    "durable: the row stays dirty");
	pump(&h);
	tap_is_int(h.seen[0].rows, 2, "durable: and is sent again");
	tap_is_int((long long)r->avail[0], 0, "durable: still avail 0");

	store_flush_all(h.store);
	pump(&h);
	tap_ok(r->bytes[0] == 100 && r->avail[0] == 100,
	    "durable: flushed: avail 100 (got %llu)",
	    (unsigned long long)r->avail[0]);
	tap_is_int((long long)sink_rows_backlog(h.s), 0,
	    "durable: no longer dirty");
	pump(&h);
	tap_is_int(h.seen[0].rows, 3, "durable: a clean row is not resent");

	/* More on both sides: the old durable prefix is what shows. */
	seg(&h, 40001, 0, T0 + 4 * MS, TCP_ACK, 201, 901, p + 100, 50);
	seg(&h, 40001, 1, T0 + 5 * MS, TCP_ACK, 901, 251, p, 300);
	pump(&h);
	tap_ok(r->bytes[0] == 150 && r->avail[0] == 100 &&
	    r->bytes[1] == 300 && r->avail[1] == 0,
	    "durable: bytes 150/300, avail 100/0 (got %llu/%llu)",
	    (unsigned long long)r->avail[0], (unsigned long long)r->avail[1]);
	tap_ok(sink_rows_backlog(h.s) == 1, "durable: dirty again");
	store_flush_all(h.store);
	pump(&h);
	tap_ok(r->avail[0] == 150 && r->avail[1] == 300 &&
	    sink_rows_backlog(h.s) == 0,
	    "durable: flushed: avail 150/300 (got %llu/%llu)",
	    (unsigned long long)r->avail[0], (unsigned long long)r->avail[1]);
	h_end(&h, "durable");
	free(h.seen);
}

/* 3. A hole that is never filled, logged when the direction finishes. */
static void
test_holes(void)
{
	struct harness h;
	struct flow_run_rec *runs;
	const struct flow_row *r;
	uint8_t p[100];
	uint64_t last;
	size_t n;

	h_begin(&h, "holes", 64, false, NULL, 4);
	fill(p, sizeof p, 5);
	handshake(&h, 40002, T0, 1000, 7000);
	seg(&h, 40002, 0, T0 + 3 * MS, TCP_ACK, 1001, 7001, p, 100);
	seg(&h, 40002, 0, T0 + 4 * MS, TCP_ACK, 1201, 7001, p, 100);
	seg(&h, 40002, 0, T0 + 5 * MS, TCP_FIN | TCP_ACK, 1301, 7001, NULL, 0);
	store_flush_all(h.store);
	pump(&h);
	r = &h.seen[0].row;
	tap_ok(r->bytes[0] == 300 && r->avail[0] == 100,
	    "holes: open: bytes 300, avail the 100 before the hole "
	    "(got %llu/%llu)", (unsigned long long)r->bytes[0],
	    (unsigned long long)r->avail[0]);
	tap_ok(!(r->flags & FLOW_ROW_HOLES), "holes: no HOLES flag while open");
	tap_is_int(r->state, FLOW_ROW_OPEN, "holes: state OPEN");
	n = read_runs(&h, &runs);
	tap_is_int((long long)n, 1, "holes: one record before the end");
	free(runs);

	track_close_all(h.t);
	store_flush_all(h.store);
	pump(&h);
	r = &h.seen[0].row;
	tap_ok(r->flags & FLOW_ROW_HOLES, "holes: HOLES flag once finished");
	tap_ok(r->bytes[0] == 300 && r->avail[0] == 300,
	    "holes: finished: avail 300 (got %llu)",
	    (unsigned long long)r->avail[0]);
	tap_is_int(r->state, FLOW_ROW_CLOSED, "holes: state CLOSED (FIN seen)");
	n = read_runs(&h, &runs);
	tap_is_int((long long)n, 3, "holes: 3 run records");
	last = r->last_run;
	if (run_is(runs, n, last, 0, FLOW_RUN_DATA, 200, 0, 0,
	    "holes: newest: data at 200") &&
	    run_is(runs, n, runs[last - 1].prev, 0, FLOW_RUN_HOLE, 100, 100, 0,
	    "holes: its prev: hole [100,200)") &&
	    run_is(runs, n, runs[runs[last - 1].prev - 1].prev, 0,
	    FLOW_RUN_DATA, 0, 0, T0 + 3 * MS, "holes: then: data at 0"))
		tap_is_int((long long)runs[0].prev, 0, "holes: chain ends");
	free(runs);
	h_end(&h, "holes");
	n = read_runs(&h, &runs);
	tap_is_int((long long)n, 3, "holes: no more records when freed");
	free(runs);
	free(h.seen);
}

/*
 * 3b. A hole of a direction finished by a RST, filled by a late
 * retransmission: the row no longer says HOLES, and the run log should
 * not keep saying [100,200) never arrived.
 */
static void
test_late_fill(void)
{
	struct harness h;
	struct flow_run_rec *runs;
	const struct flow_row *r;
	uint8_t p[100];
	uint64_t k, hole_at = 0, data_after = 0;
	size_t n;

	h_begin(&h, "late", 64, false, NULL, 4);
	fill(p, sizeof p, 6);
	handshake(&h, 40003, T0, 1000, 7000);
	seg(&h, 40003, 0, T0 + 3 * MS, TCP_ACK, 1001, 7001, p, 100);
	seg(&h, 40003, 0, T0 + 4 * MS, TCP_ACK, 1201, 7001, p, 100);
	seg(&h, 40003, 1, T0 + 5 * MS, TCP_RST, 7001, 0, NULL, 0);
	store_flush_all(h.store);
	pump(&h);
	r = &h.seen[0].row;
	tap_ok(r->state == FLOW_ROW_RESET && (r->flags & FLOW_ROW_HOLES),
	    "late: RST: state RESET, HOLES");
	seg(&h, 40003, 0, T0 + 6 * MS, TCP_ACK, 1101, 7001, p, 100);
	store_flush_all(h.store);
	pump(&h);
	tap_ok(!(r->flags & FLOW_ROW_HOLES) && r->avail[0] == 300,
	    "late: filled: no HOLES, avail 300");
	/* Walk the chain from the newest record: is a DATA record at or
	 * below 100 newer than the HOLE? */
	n = read_runs(&h, &runs);
	for (k = r->last_run; k != 0 && k <= n; k = runs[k - 1].prev) {
		if (runs[k - 1].kind == FLOW_RUN_HOLE && hole_at == 0)
			hole_at = k;
		if (runs[k - 1].kind == FLOW_RUN_DATA && hole_at == 0 &&
		    runs[k - 1].off <= 100)
			data_after = k;
	}
	free(runs);
	tap_ok(hole_at != 0, "late: the HOLE record was logged at the RST");
	/* A RESET record, then the direction again: the late bytes are a
	 * DATA record newer than the HOLE. */
	tap_ok(data_after != 0,
	    "late: a DATA record newer than the HOLE covers the late bytes");
	h_end(&h, "late");
	free(h.seen);
}

/* 4a. A freed connection's final row waits for the batch with its bytes. */
static void
test_final_waits(void)
{
	struct harness h;
	struct track_config tc;
	const struct seen *sn;
	uint8_t q[60];
	uint64_t t;
	uint16_t cp;
	int i;

	memset(&tc, 0, sizeof tc);
	tc.max_closed = 1;
	h_begin(&h, "waits", 64, false, &tc, 4);
	fill(q, sizeof q, 4);
	for (i = 0; i < 2; i++) {
		cp = (uint16_t)(42000 + i);
		t = T0 + i * 10 * MS;
		handshake(&h, cp, t, 100, 500);
		seg(&h, cp, 0, t + 3 * MS, TCP_ACK, 101, 501, q, 60);
		seg(&h, cp, 0, t + 4 * MS, TCP_FIN | TCP_ACK, 161, 501, NULL,
		    0);
		seg(&h, cp, 1, t + 5 * MS, TCP_FIN | TCP_ACK, 501, 162, NULL,
		    0);
	}
	/* Conn 0 is freed now (one closed one is kept); nothing written. */
	pump(&h);
	sn = &h.seen[0];
	tap_is_int(sn->lasts, 0, "waits: no final row before its bytes are "
	    "written");
	tap_ok(sink_rows_backlog(h.s) >= 1, "waits: it is in the backlog");
	store_flush_all(h.store);
	pump(&h);
	tap_ok(sn->lasts == 1 && sn->row.last && sn->row.avail[0] == 60 &&
	    sn->row.bytes[0] == 60, "waits: written: final row, avail 60");
	tap_ok(file_size(&h, 0, 0) == 60, "waits: the file holds them");
	h_end(&h, "waits");
	free(h.seen);
}

/* 4. Many short connections: the track frees the old ones. */
static void
test_freeing(void)
{
	enum { N = 3000, KEPT = 1024 };
	struct harness h;
	uint8_t q[10], a[20];
	uint64_t t;
	struct flow_run_rec *runs;
	size_t lasts = 0, bad = 0, twice = 0, none = 0, after = 0, i, n;
	size_t bad_chain;
	uint16_t cp;

	h_begin(&h, "freeing", 64, false, NULL, N);
	fill(q, sizeof q, 1);
	fill(a, sizeof a, 2);
	for (i = 0; i < N; i++) {
		cp = (uint16_t)(10000 + i);
		t = T0 + i * 10 * MS;
		handshake(&h, cp, t, 100, 500);
		seg(&h, cp, 0, t + 3 * MS, TCP_ACK, 101, 501, q, sizeof q);
		seg(&h, cp, 1, t + 4 * MS, TCP_ACK, 501, 111, a, sizeof a);
		seg(&h, cp, 0, t + 5 * MS, TCP_FIN | TCP_ACK, 111, 521, NULL,
		    0);
		seg(&h, cp, 1, t + 6 * MS, TCP_FIN | TCP_ACK, 521, 112, NULL,
		    0);
		if (i % 50 == 49)
			pump(&h);
		if (i % 500 == 499)
			store_flush_all(h.store);
	}
	tap_ok(drain(&h), "freeing: drained while the track keeps %d", KEPT);
	for (i = 0; i < N; i++)
		if (h.seen[i].lasts > 0)
			lasts++;
	tap_is_int((long long)lasts, N - KEPT,
	    "freeing: final rows of the freed ones");
	h_end(&h, "freeing");
	for (i = 0; i < N; i++) {
		const struct seen *sn = &h.seen[i];

		if (sn->lasts == 0)
			none++;
		else if (sn->lasts > 1)
			twice++;
		if (sn->after_last > 0)
			after++;
		if (sn->lasts > 0 && (sn->row.bytes[0] != 10 ||
		    sn->row.bytes[1] != 20 || sn->row.avail[0] != 10 ||
		    sn->row.avail[1] != 20 ||
		    sn->row.state != FLOW_ROW_CLOSED ||
		    sn->row.key.pa != 10000 + i))
			bad++;
	}
	/* Each final row's chain: server data at 0, then client data at 0
	 * (the log was written in many pieces on the way). */
	n = read_runs(&h, &runs);
	for (i = 0, bad_chain = 0; i < N; i++) {
		uint64_t k = h.seen[i].row.last_run;

		if (k == 0 || k > n || runs[k - 1].dir != 1 ||
		    runs[k - 1].off != 0 || runs[k - 1].kind != FLOW_RUN_DATA ||
		    (k = runs[k - 1].prev) == 0 || k > n ||
		    runs[k - 1].dir != 0 || runs[k - 1].off != 0 ||
		    runs[k - 1].kind != FLOW_RUN_DATA || runs[k - 1].prev != 0)
			bad_chain++;
	}
	free(runs);
	tap_is_int((long long)n, 2 * N, "freeing: two run records each");
	tap_is_int((long long)bad_chain, 0, "freeing: every chain is right");
	tap_is_int((long long)none, 0, "freeing: no connection lost");
	tap_is_int((long long)twice, 0, "freeing: none final twice");
	tap_is_int((long long)after, 0, "freeing: no row after a final one");
	tap_is_int((long long)bad, 0, "freeing: final rows complete");
	free(h.seen);
}

/* 5. 100 changed connections, a chan of 8 items per batch. */
static void
test_full_chan(void)
{
	enum { N = 100, CAP = 8 };
	struct harness h;
	uint8_t q[10];
	size_t i, missing = 0, rounds = 0;
	uint16_t cp;

	h_begin(&h, "full", CAP, false, NULL, N);
	fill(q, sizeof q, 9);
	for (i = 0; i < N; i++) {
		cp = (uint16_t)(20000 + i);
		handshake(&h, cp, T0 + i * MS, 100, 500);
		seg(&h, cp, 0, T0 + i * MS + 3 * MS, TCP_ACK, 101, 501, q,
		    sizeof q);
	}
	store_flush_all(h.store);
	tap_ok(sink_rows_publish(h.s), "full: the first batch goes out");
	tap_is_int((long long)sink_rows_backlog(h.s), N - CAP,
	    "full: the rest stay dirty");
	tap_ok(chan_refused(h.ch) > 0, "full: the chan refused some");
	/* Nobody took it: the next publish keeps its items. */
	tap_ok(!sink_rows_publish(h.s), "full: mailbox full: not published");
	tap_is_int((long long)chan_pending(h.ch), CAP,
	    "full: the next batch waits, full");
	tap_is_int((long long)sink_rows_backlog(h.s), N - 2 * CAP,
	    "full: backlog down by what it holds");
	tap_ok(!sink_rows_publish(h.s) &&
	    sink_rows_backlog(h.s) == N - 2 * CAP,
	    "full: again: nothing lost, nothing added");
	while ((sink_rows_backlog(h.s) > 0 || chan_pending(h.ch) > 0) &&
	    rounds++ < 10 * N) {
		take(&h);
		sink_rows_publish(h.s);
	}
	take(&h);
	for (i = 0; i < N; i++)
		if (h.seen[i].rows != 1 || h.seen[i].row.avail[0] != 10)
			missing++;
	tap_is_int((long long)missing, 0,
	    "full: one complete row per connection");
	tap_ok(rounds <= N / CAP + 2, "full: in %zu rounds", rounds);
	h_end(&h, "full");
	for (i = 0, missing = 0; i < N; i++)
		if (h.seen[i].lasts != 1)
			missing++;
	tap_is_int((long long)missing, 0, "full: every final row once");
	free(h.seen);
}

/* 6. send_paths: each direction's path once, before it is read. */
static void
test_paths(void)
{
	enum { N = 40 };
	struct harness h;
	struct track_config tc;
	uint8_t q[30];
	char want[64];
	size_t i, bad = 0, early = 0;
	uint16_t cp;
	int d;
	bool srv;

	memset(&tc, 0, sizeof tc);
	tc.max_closed = 2;		/* closed ones are freed soon */
	h_begin(&h, "paths", 5, true, &tc, N);
	fill(q, sizeof q, 11);
	for (i = 0; i < N; i++) {
		cp = (uint16_t)(30000 + i);
		srv = i % 3 != 1;	/* every third: the server is mute */
		handshake(&h, cp, T0 + i * MS, 100, 500);
		seg(&h, cp, 0, T0 + i * MS + 3 * MS, TCP_ACK, 101, 501, q, 10);
		if (srv)
			seg(&h, cp, 1, T0 + i * MS + 4 * MS, TCP_ACK, 501, 111,
			    q, 20);
		if (i % 4 == 0)
			pump(&h);	/* now and then, before more data */
		seg(&h, cp, 0, T0 + i * MS + 5 * MS, TCP_ACK, 111,
		    srv ? 521 : 501, q + 10, 20);
		if (i % 2 == 0) {
			/* Half close at once: freed two connections later. */
			seg(&h, cp, 0, T0 + i * MS + 6 * MS,
			    TCP_FIN | TCP_ACK, 131, srv ? 521 : 501, NULL, 0);
			seg(&h, cp, 1, T0 + i * MS + 7 * MS,
			    TCP_FIN | TCP_ACK, srv ? 521 : 501, 132, NULL, 0);
		}
		if (i % 10 == 9)
			store_flush_all(h.store);
	}
	h_end(&h, "paths");
	for (i = 0; i < N; i++) {
		const struct seen *sn = &h.seen[i];

		srv = i % 3 != 1;
		for (d = 0; d < 2; d++) {
			flow_row_spool_name(i, d, want, sizeof want);
			if (d == 1 && !srv) {
				if (sn->files[d] != 0)
					bad++;
				continue;
			}
			if (sn->files[d] != 1 ||
			    strcmp(sn->path[d], want) != 0) {
				if (bad++ == 0)
					tap_diag("conn %zu dir %d: %d items, "
					    "path '%s'", i, d, sn->files[d],
					    sn->path[d]);
			}
			if (sn->avail_no_path[d] > 0)
				early++;
		}
	}
	tap_is_int((long long)bad, 0,
	    "paths: one FLOW_ROW_FILE per direction with data, right path");
	tap_is_int((long long)early, 0,
	    "paths: no row shows readable bytes before the path");
	for (i = 0, bad = 0; i < N; i++)
		if (h.seen[i].lasts != 1)
			bad++;
	tap_is_int((long long)bad, 0, "paths: every final row once");
	free(h.seen);
}

int
main(void)
{
	if ((tmpdir = store_mkdtemp("test-sink-rows")) == NULL) {
		printf("Bail out! store_mkdtemp: %s\n", strerror(errno));
		return (1);
	}
	tap_plan_none();
	test_reqresp();
	test_hints();
	test_durable();
	test_holes();
	test_late_fill();
	test_final_waits();
	test_freeing();
	test_full_chan();
	test_paths();
	if (getenv("KEEP_TMP") == NULL)
		store_remove_tree(tmpdir);
	else
		tap_diag("kept %s", tmpdir);
	free(tmpdir);
	return (tap_done());
}
