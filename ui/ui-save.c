/*
 * ui-save.c: save marked connections into a directory; see ui-save.h.
 *
 * Order of work: the destination is created and opened once (every later
 * file is created relative to that descriptor with O_EXCL|O_NOFOLLOW, so
 * nothing is overwritten and a rename of the path does not matter); the
 * report's name is reserved first so an unwritable directory fails before
 * anything is copied; then per connection its direction files (the first
 * avail bytes of each stream file, by copy_file_range) and its transcript;
 * then the pcap; the report is closed last, also after an error, so it
 * lists exactly the files that were written.
 *
 * The pcap re-reads the capture files.  A packet is kept when its decoded
 * key is one of the connections' and its time lies in that connection's
 * [first_ns, last_ns] (port reuse puts several instances on one key).  For
 * up to SAVE_BPF_MAX connections a BPF filter drops the bulk of unrelated
 * traffic before decoding.  It must never drop a packet the decoder would
 * match, and "host A and port P" only sees plain untagged IP: a VLAN tag
 * shifts every offset (libpcap's "vlan" keyword shifts them for the rest
 * of the expression, across "or" too), and a tunnel hides the inner
 * addresses.  So the filter only rejects frames that are plain TCP (not
 * fragments) of other 4-tuples; everything else goes to the decoder:
 *	not tcp or <IPv4 fragment> or <IPv6 fragment> or (host A and host B
 *	and tcp port P and tcp port Q) or ...
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ui-save.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "decode.h"
#include "flow-name.h"
#include "flow-row.h"
#include "flow-table.h"
#include "report.h"
#include "store.h"
#include "ui-conn.h"
#include "ui-filter.h"
#include "ui-pager.h"
#include "xmalloc.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

#define SAVE_MAX_COUNT	100000		/* names tried per file */
#define SAVE_BUF	(256 * 1024)
#define SAVE_CHUNK	(1u << 30)	/* per copy_file_range call */
#define SAVE_BPF_MAX	50		/* more connections: decode only */
#define SAVE_MAX_DUMPS	8		/* link types in one save */
#define SAVE_DUMP_SNAPLEN 262144	/* capture.c cuts records to this */

struct save {
	const struct ui_save_req *req;
	struct flow_name *fn;
	const char	*dir;		/* for messages */
	int		 dirfd;
	struct report	*rep;
	uint64_t	 nfiles;	/* files written, report included */
	uint64_t	 nbytes;
	uint64_t	 nflows;	/* fileobjects in the report */
	uint64_t	 npackets;	/* their packets */
	uint64_t	 pcap_packets;
	uint64_t	 pcap_skipped;	/* of a link type beyond the dumps */
	char		 pcap_name[64];
	char		 rep_name[64];
	char		 partial[PATH_MAX];	/* a file left incomplete */
	char		 err[PATH_MAX + 256];
	uint8_t		*buf;		/* copies and transcript output */
	size_t		 buflen;	/* transcript output pending */
};

/* How one file is named for a given count. */
struct namer {
	const struct flow_name *fn;	/* NULL: base[-N]ext */
	struct flow_name_vars v;
	const char	*suffix;	/* after a flow name */
	const char	*base;
	const char	*ext;
};

struct save_match {
	struct flow_key	 key;
	uint64_t	 first_ns;
	uint64_t	 last_ns;
};

struct save_dump {
	int		 linktype;
	struct capture_dump *d;
	char		 name[64];
	uint64_t	 expect;	/* bytes the file must have */
};

static void	save_fail(struct save *, const char *, int);
static int	save_mkdirs(int, const char *);
static int	save_create(struct save *, const struct namer *, uint32_t,
		    uint32_t *, char *, size_t);
static int	save_conn(struct save *, const struct ui_save_conn *);
static int	save_pcap(struct save *);

/* "DIR/name: strerror(e)" as the error. */
static void
save_fail(struct save *s, const char *name, int e)
{
	snprintf(s->err, sizeof s->err, "%s/%s: %s", s->dir, name,
	    strerror(e));
}

static void
human_size(uint64_t n, char *buf, size_t len)
{
	static const char *const unit[] = { "KB", "MB", "GB", "TB", "PB" };
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		snprintf(buf, len, "%llu byte%s", (unsigned long long)n,
		    n == 1 ? "" : "s");
		return;
	}
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, unit[u]);
}

/* mkdir -p of the directories above name, relative to dirfd. */
static int
save_mkdirs(int dirfd, const char *name)
{
	char buf[PATH_MAX];
	char *p;
	size_t len = strlen(name);

	if (len >= sizeof buf) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	memcpy(buf, name, len + 1);
	for (p = buf; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (buf[0] != '\0' && mkdirat(dirfd, buf, 0755) == -1 &&
		    errno != EEXIST)
			return (-1);
		*p = '/';
	}
	return (0);
}

/* A name that stays below the destination: relative, no "..". */
static bool
name_safe(const char *name)
{
	const char *p = name;
	size_t n;

	if (*name == '\0' || *name == '/')
		return (false);
	while (*p != '\0') {
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return (false);
		p += n;
		if (*p == '/')
			p++;
	}
	return (true);
}

static int
namer_name(const struct namer *nm, uint32_t count, char *buf, size_t len)
{
	struct flow_name_vars v;
	size_t n;
	int rv;

	if (nm->fn == NULL) {
		if (count == 0)
			rv = snprintf(buf, len, "%s%s", nm->base, nm->ext);
		else
			rv = snprintf(buf, len, "%s-%u%s", nm->base,
			    (unsigned)count, nm->ext);
		return (rv < 0 || (size_t)rv >= len ? -1 : rv);
	}
	v = nm->v;
	v.count = count;
	if ((rv = flow_name_expand(nm->fn, &v, buf, len)) < 0)
		return (-1);
	n = (size_t)rv;
	if (nm->suffix != NULL) {
		if (strlen(nm->suffix) >= len - n)
			return (-1);
		memcpy(buf + n, nm->suffix, strlen(nm->suffix) + 1);
		n += strlen(nm->suffix);
	}
	return ((int)n);
}

/*
 * Create a new file named by nm for the first count from `from` up whose
 * name is free (tcpflow's c1, c2... rule, as store_create()).  Returns the
 * descriptor with the name in name and the count in *used, or -1 with the
 * error set.
 */
static int
save_create(struct save *s, const struct namer *nm, uint32_t from,
    uint32_t *used, char *name, size_t namelen)
{
	uint32_t c;
	int fd;

	for (c = from;; c++) {
		if (namer_name(nm, c, name, namelen) < 0) {
			snprintf(s->err, sizeof s->err, "%s: file name too long",
			    s->dir);
			return (-1);
		}
		if (!name_safe(name)) {
			snprintf(s->err, sizeof s->err, "%s: file name \"%s\" "
			    "leaves the directory", s->dir, name);
			return (-1);
		}
		if (strchr(name, '/') != NULL && save_mkdirs(s->dirfd,
		    name) == -1) {
			save_fail(s, name, errno);
			return (-1);
		}
		fd = openat(s->dirfd, name, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd != -1) {
			*used = c;
			return (fd);
		}
		if (errno != EEXIST) {
			save_fail(s, name, errno);
			return (-1);
		}
		if ((nm->fn != NULL && !flow_name_has_count(nm->fn)) ||
		    c - from >= SAVE_MAX_COUNT || c == UINT32_MAX) {
			snprintf(s->err, sizeof s->err, "%s/%s: no free file "
			    "name", s->dir, name);
			return (-1);
		}
	}
}

/* Template variables of core direction d of row r. */
static void
fill_vars(const struct ui_row *r, int d, struct flow_name_vars *v)
{
	flow_name_vars_key(v, &r->key, d);
	v->first_ns = r->first_ns;
	/* The core's per-direction flow index is not in the row: take one
	 * that is unique per direction. */
	v->flow_id = r->id * 2 + (uint64_t)d;
	v->session_id = r->id;
}

static const char *
close_name(const struct ui_row *r)
{
	switch (r->state) {
	case ROW_CLOSED:
		return ("fin");
	case ROW_RESET:
		return ("rst");
	case ROW_TIMEOUT:
		return ("timeout");
	case ROW_ENDED:
		return ("eof");
	default:
		return ("open");
	}
}

static ssize_t
write_all(int fd, const uint8_t *p, size_t len, off_t off)
{
	ssize_t n;
	size_t done = 0;

	while (done < len) {
		n = pwrite(fd, p + done, len - done, off + (off_t)done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return (-1);
		}
		done += (size_t)n;
	}
	return ((ssize_t)done);
}

/*
 * Copy the first len bytes of in to out: copy_file_range (in-kernel, keeps
 * reflinks), read/write where the kernel or file system cannot.  0, or -1
 * with the error set (naming src when it is the source that failed).
 */
static int
copy_stream(struct save *s, int in, int out, uint64_t len, const char *src,
    const char *dst)
{
	off64_t inoff = 0, outoff = 0;
	bool kernel = true;
	ssize_t n;
	size_t want;

	while ((uint64_t)inoff < len) {
		want = len - (uint64_t)inoff > SAVE_CHUNK ? SAVE_CHUNK :
		    (size_t)(len - (uint64_t)inoff);
		if (kernel) {
			n = copy_file_range(in, &inoff, out, &outoff, want, 0);
			if (n > 0)
				continue;
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1 && (errno == EXDEV || errno == ENOSYS ||
			    errno == EINVAL || errno == EOPNOTSUPP ||
			    errno == EBADF || errno == EPERM ||
			    errno == ETXTBSY)) {
				kernel = false;
				continue;
			}
			if (n == -1) {
				save_fail(s, dst, errno);
				return (-1);
			}
		} else {
			if (want > SAVE_BUF)
				want = SAVE_BUF;
			n = pread(in, s->buf, want, inoff);
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1) {
				snprintf(s->err, sizeof s->err, "stream file "
				    "%s: %s", src, strerror(errno));
				return (-1);
			}
			if (n > 0) {
				if (write_all(out, s->buf, (size_t)n,
				    outoff) == -1) {
					save_fail(s, dst, errno);
					return (-1);
				}
				inoff += n;
				outoff += n;
				continue;
			}
		}
		/* n == 0: the stream file is shorter than it should be. */
		snprintf(s->err, sizeof s->err, "stream file %s: ends after "
		    "%llu of %llu bytes", src, (unsigned long long)inoff,
		    (unsigned long long)len);
		return (-1);
	}
	return (0);
}

/* Close fd after a successful write; -1 with the error set. */
static int
close_checked(struct save *s, int fd, const char *name)
{
	if (close(fd) == -1 && errno != EINTR) {
		save_fail(s, name, errno);
		return (-1);
	}
	return (0);
}

/* Write core direction d of sc: file, mtime, fileobject.  *used is its
 * count (UINT32_MAX: nothing written). */
static int
save_dir(struct save *s, const struct ui_save_conn *sc, int d,
    const struct ui_doc *doc, uint32_t *used)
{
	const struct ui_row *r = &sc->row;
	struct timespec ts[2];
	struct report_dir rd;
	struct namer nm;
	char name[PATH_MAX], spool[64], rpath[PATH_MAX * 2];
	const char *src;
	size_t i;
	int in, out;

	*used = UINT32_MAX;
	if (r->avail[d] == 0)
		return (0);
	if (s->req->spool_names) {
		flow_row_spool_name(r->id, d, spool, sizeof spool);
		src = spool;
	} else
		src = sc->path[d];
	if (src == NULL) {
		snprintf(s->err, sizeof s->err, "connection %llu: no stream "
		    "file for its %s side", (unsigned long long)r->id,
		    d == r->client ? "client" : "server");
		return (-1);
	}
	in = openat(s->req->src_dirfd, src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in == -1) {
		snprintf(s->err, sizeof s->err, "stream file %s: %s", src,
		    strerror(errno));
		return (-1);
	}
	memset(&nm, 0, sizeof nm);
	nm.fn = s->fn;
	fill_vars(r, d, &nm.v);
	if ((out = save_create(s, &nm, 0, used, name, sizeof name)) == -1) {
		close(in);
		return (-1);
	}
	if (copy_stream(s, in, out, r->avail[d], src, name) == -1) {
		snprintf(s->partial, sizeof s->partial, "%s", name);
		close(in);
		close(out);
		return (-1);
	}
	close(in);
	if (r->first_ns != 0) {
		/* As tcpflow: the file's times are the first packet's. */
		ts[0].tv_sec = ts[1].tv_sec = (time_t)(r->first_ns /
		    1000000000u);
		ts[0].tv_nsec = ts[1].tv_nsec = (long)(r->first_ns %
		    1000000000u);
		(void)futimens(out, ts);
	}
	if (close_checked(s, out, name) == -1) {
		snprintf(s->partial, sizeof s->partial, "%s", name);
		return (-1);
	}
	s->nfiles++;
	s->nbytes += r->avail[d];

	memset(&rd, 0, sizeof rd);
	if (strcmp(s->dir, ".") == 0)
		rd.filename = name;
	else {
		snprintf(rpath, sizeof rpath, "%s/%s", s->dir, name);
		rd.filename = rpath;
	}
	rd.filesize = r->avail[d];
	rd.first_ns = r->first_ns;
	rd.last_ns = r->last_ns;
	rd.af = r->key.af;
	memcpy(rd.src, d == 0 ? r->key.a : r->key.b, 16);
	memcpy(rd.dst, d == 0 ? r->key.b : r->key.a, 16);
	rd.sport = d == 0 ? r->key.pa : r->key.pb;
	rd.dport = d == 0 ? r->key.pb : r->key.pa;
	rd.has_vlan = r->key.has_vlan;
	rd.vlan = r->key.vlan;
	rd.packets = r->packets[d];
	for (i = 0; doc != NULL && i < doc->nruns; i++) {
		const struct ui_run *run = &doc->runs[i];

		if (run->kind == RUN_HOLE && (run->dir == 0 ? r->client :
		    r->client ^ 1) == d) {
			rd.holes++;
			rd.hole_bytes += run->len;
		}
	}
	if (r->bytes[d] > r->avail[d])
		rd.truncated_bytes = r->bytes[d] - r->avail[d];
	rd.conn_id = r->id;
	rd.instance = r->instance;
	rd.is_client = d == r->client;
	rd.close_reason = close_name(r);
	s->nflows++;
	s->npackets += r->packets[d];
	if (report_add(s->rep, &rd, s->err, sizeof s->err) == -1)
		return (-1);
	return (0);
}

/* Transcript output: buffered in s->buf, written with the error kept. */
struct tout {
	struct save	*s;
	int		 fd;
	const char	*name;
	off_t		 off;
	bool		 nl;		/* at the start of a line */
	bool		 failed;
};

static void
tout_flush(struct tout *t)
{
	if (t->failed || t->s->buflen == 0)
		return;
	if (write_all(t->fd, t->s->buf, t->s->buflen, t->off) == -1) {
		save_fail(t->s, t->name, errno);
		t->failed = true;
	} else
		t->off += (off_t)t->s->buflen;
	t->s->buflen = 0;
}

static void
tout_put(struct tout *t, const void *p, size_t len)
{
	const uint8_t *q = p;
	size_t n;

	if (len == 0)
		return;
	t->nl = q[len - 1] == '\n';
	while (len > 0 && !t->failed) {
		if (t->s->buflen == SAVE_BUF)
			tout_flush(t);
		n = SAVE_BUF - t->s->buflen;
		if (n > len)
			n = len;
		memcpy(t->s->buf + t->s->buflen, q, n);
		t->s->buflen += n;
		q += n;
		len -= n;
	}
}

static void
tout_printf(struct tout *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
tout_printf(struct tout *t, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	tout_put(t, line, (size_t)n < sizeof line ? (size_t)n :
	    sizeof line - 1);
}

/* "  2026-11-26 12:00:01.123456" (local time), "" when unknown. */
static void
fmt_time(uint64_t ns, char *buf, size_t len)
{
	struct tm tm;
	time_t t = (time_t)(ns / 1000000000u);
	char d[32];

	if (ns == 0 || localtime_r(&t, &tm) == NULL ||
	    strftime(d, sizeof d, "%Y-%m-%d %H:%M:%S", &tm) == 0) {
		if (len > 0)
			*buf = '\0';
		return;
	}
	snprintf(buf, len, "  %s.%06u", d,
	    (unsigned)(ns % 1000000000u / 1000u));
}

/* Both directions interleaved in send order, one header per run. */
static int
save_transcript(struct save *s, const struct ui_save_conn *sc,
    struct ui_conn *uc, const struct ui_doc *doc, uint32_t from)
{
	const struct ui_pager_source *src = ui_conn_source(uc);
	const struct ui_row *r = &sc->row;
	struct namer nm;
	struct tout t;
	char name[PATH_MAX], ep[2][80], when[48];
	uint64_t off, end;
	uint32_t used;
	size_t i, want;
	ssize_t n;
	int last = -1;

	memset(&nm, 0, sizeof nm);
	nm.fn = s->fn;
	nm.suffix = ".transcript.txt";
	fill_vars(r, r->client, &nm.v);
	memset(&t, 0, sizeof t);
	t.s = s;
	t.name = name;
	t.nl = true;
	if ((t.fd = save_create(s, &nm, from, &used, name, sizeof name)) == -1)
		return (-1);
	ui_filter_endpoint(r, 0, ep[0], sizeof ep[0]);
	ui_filter_endpoint(r, 1, ep[1], sizeof ep[1]);
	s->buflen = 0;
	for (i = 0; i < doc->nruns && !t.failed; i++) {
		const struct ui_run *run = &doc->runs[i];
		int dir = run->dir != 0;

		if (run->kind == RUN_DATA || dir != last) {
			fmt_time(run->ts_ns, when, sizeof when);
			if (!t.nl)
				tout_put(&t, "\n", 1);
			tout_printf(&t, "==== %s %s -> %s %s%s", dir == 0 ?
			    "client" : "server", ep[dir], dir == 0 ? "server" :
			    "client", ep[dir ^ 1], when);
			if (run->kind == RUN_DATA)
				tout_printf(&t, "  %llu byte%s",
				    (unsigned long long)run->len,
				    run->len == 1 ? "" : "s");
			tout_printf(&t, " ====\n");
			last = dir;
		}
		if (run->kind == RUN_HOLE) {
			if (!t.nl)
				tout_put(&t, "\n", 1);
			tout_printf(&t, "[%llu bytes missing]\n",
			    (unsigned long long)run->len);
			continue;
		}
		end = run->off + run->len;
		for (off = run->off; off < end && !t.failed; off += (size_t)n) {
			/* Read straight into the output buffer. */
			if (s->buflen == SAVE_BUF)
				tout_flush(&t);
			if (t.failed)
				break;
			want = SAVE_BUF - s->buflen;
			if (want > end - off)
				want = (size_t)(end - off);
			n = src->read(src->arg, dir, off, s->buf + s->buflen,
			    want);
			if (n <= 0) {
				if (!t.nl)
					tout_put(&t, "\n", 1);
				tout_printf(&t, "[%llu bytes unreadable]\n",
				    (unsigned long long)(end - off));
				break;
			}
			t.nl = s->buf[s->buflen + (size_t)n - 1] == '\n';
			s->buflen += (size_t)n;
		}
	}
	if (!t.nl)
		tout_put(&t, "\n", 1);
	tout_flush(&t);
	if (t.failed) {
		snprintf(s->partial, sizeof s->partial, "%s", name);
		close(t.fd);
		return (-1);
	}
	if (close_checked(s, t.fd, name) == -1) {
		snprintf(s->partial, sizeof s->partial, "%s", name);
		return (-1);
	}
	s->nfiles++;
	s->nbytes += (uint64_t)t.off;
	return (0);
}

static int
save_conn(struct save *s, const struct ui_save_conn *sc)
{
	struct ui_conn_env env;
	struct ui_conn *uc;
	const struct ui_pager_source *src;
	struct ui_doc doc;
	char e[256];
	uint32_t used[2];
	int d, rv = -1;

	memset(&env, 0, sizeof env);
	env.dirfd = s->req->src_dirfd;
	env.runlog_fd = s->req->runlog_fd;
	env.spool = NULL;
	env.spool_names = s->req->spool_names;
	uc = ui_conn_new(&env, &sc->row, sc->path[0], sc->path[1]);
	src = ui_conn_source(uc);
	/*
	 * Its runs give the holes for the report and the transcript.  The
	 * runs are there even when snapshot() complains about a stream it
	 * could not open (they leave that direction out); save_dir()
	 * reports such a stream when it has bytes to copy.
	 */
	memset(&doc, 0, sizeof doc);
	(void)src->snapshot(src->arg, &doc, e, sizeof e);
	for (d = 0; d < 2; d++) {
		/* Client first, as tcpflow usually creates them. */
		int cd = d == 0 ? sc->row.client : sc->row.client ^ 1;

		if (save_dir(s, sc, cd, &doc, &used[cd]) == -1)
			goto out;
	}
	if (s->req->transcript) {
		if (save_transcript(s, sc, uc, &doc, used[sc->row.client] !=
		    UINT32_MAX ? used[sc->row.client] : (used[sc->row.client ^
		    1] != UINT32_MAX ? used[sc->row.client ^ 1] : 0)) == -1)
			goto out;
	}
	rv = 0;
out:
	ui_conn_free(uc);
	return (rv);
}

static int
match_cmp(const void *a, const void *b)
{
	const struct save_match *x = a, *y = b;
	int c = memcmp(&x->key, &y->key, sizeof x->key);

	if (c != 0)
		return (c);
	return (x->first_ns < y->first_ns ? -1 : x->first_ns > y->first_ns);
}

/* Is the decoded packet m in one of the connections (sorted m[0..n))? */
static bool
match_packet(const struct save_match *ms, size_t n, const struct pkt_meta *m)
{
	struct flow_key k;
	size_t lo = 0, hi = n, mid;

	flow_key_make(&k, m->af, m->src, m->sport, m->dst, m->dport,
	    m->has_vlan, m->vlan);
	while (lo < hi) {		/* first entry with key >= k */
		mid = lo + (hi - lo) / 2;
		if (memcmp(&ms[mid].key, &k, sizeof k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && memcmp(&ms[lo].key, &k, sizeof k) == 0; lo++) {
		if (m->ts_ns >= ms[lo].first_ns && m->ts_ns <= ms[lo].last_ns)
			return (true);
	}
	return (false);
}

/* The BPF pre-filter described at the top; NULL when not worth it. */
static char *
build_bpf(const struct ui_save_req *req)
{
	char *expr, *next, a[64], b[64];
	size_t i;

	if (req->n == 0 || req->n > SAVE_BPF_MAX)
		return (NULL);
	expr = xstrdup("not tcp or (ip and ip[6:2] & 0x1fff != 0) or "
	    "(ip6 and ip6[6] == 44)");
	for (i = 0; i < req->n; i++) {
		const struct flow_key *k = &req->conns[i].row.key;

		if (k->af != FS_AF_INET && k->af != FS_AF_INET6) {
			free(expr);
			return (NULL);
		}
		flow_addr_text(k->af, k->a, a);
		flow_addr_text(k->af, k->b, b);
		xasprintf(&next, "%s or (host %s and host %s and tcp port %u "
		    "and tcp port %u)", expr, a, b, (unsigned)k->pa,
		    (unsigned)k->pb);
		free(expr);
		expr = next;
	}
	return (expr);
}

/* The dump for a link type, opened on first use. */
static struct save_dump *
get_dump(struct save *s, struct save_dump *dumps, size_t *ndumps, int lt)
{
	struct save_dump *sd;
	struct namer nm;
	char base[48], path[PATH_MAX * 2], e[PATH_MAX + 128];
	const char *ltname;
	uint32_t used;
	size_t i;
	int fd;

	for (i = 0; i < *ndumps; i++) {
		if (dumps[i].linktype == lt)
			return (&dumps[i]);
	}
	if (*ndumps == SAVE_MAX_DUMPS)
		return (NULL);
	sd = &dumps[*ndumps];
	memset(sd, 0, sizeof *sd);
	sd->linktype = lt;
	memset(&nm, 0, sizeof nm);
	if (*ndumps == 0)
		snprintf(base, sizeof base, "connections");
	else {
		/* A pcap holds one link type: one more file per type. */
		ltname = decode_linktype_name(lt);
		if (ltname != NULL)
			snprintf(base, sizeof base, "connections.%s", ltname);
		else
			snprintf(base, sizeof base, "connections.linktype%d",
			    lt);
	}
	nm.base = base;
	nm.ext = ".pcap";
	if ((fd = save_create(s, &nm, 0, &used, sd->name, sizeof sd->name)) ==
	    -1)
		return (NULL);
	close(fd);		/* reserved; capture_dump_open() reopens it */
	snprintf(path, sizeof path, "%s/%s", s->dir, sd->name);
	if ((sd->d = capture_dump_open(path, lt, e, sizeof e)) == NULL) {
		snprintf(s->err, sizeof s->err, "%s", e);
		return (NULL);
	}
	sd->expect = 24;
	(*ndumps)++;
	if (*ndumps == 1)
		snprintf(s->pcap_name, sizeof s->pcap_name, "%s", sd->name);
	return (sd);
}

/* Close the dumps; the writer cannot report a failed final flush, so the
 * size of each file is checked. */
static int
close_dumps(struct save *s, struct save_dump *dumps, size_t ndumps, bool ok)
{
	struct stat st;
	size_t i;

	for (i = 0; i < ndumps; i++) {
		capture_dump_close(dumps[i].d);
		if (!ok)
			continue;
		if (fstatat(s->dirfd, dumps[i].name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1) {
			save_fail(s, dumps[i].name, errno);
			ok = false;
		} else if ((uint64_t)st.st_size < dumps[i].expect) {
			snprintf(s->err, sizeof s->err, "%s/%s: write error "
			    "(file short by %llu bytes)", s->dir, dumps[i].name,
			    (unsigned long long)(dumps[i].expect -
			    (uint64_t)st.st_size));
			snprintf(s->partial, sizeof s->partial, "%s",
			    dumps[i].name);
			ok = false;
		} else {
			s->nfiles++;
			s->nbytes += (uint64_t)st.st_size;
		}
	}
	return (ok ? 0 : -1);
}

static int
save_pcap(struct save *s)
{
	const struct ui_save_req *req = s->req;
	struct save_dump dumps[SAVE_MAX_DUMPS], *sd;
	struct save_match *ms;
	struct capture *cap;
	struct capture_record rec;
	struct decoder *dec;
	struct pkt_meta m;
	char e[PATH_MAX + 256], *bpf;
	size_t i, nd = 0;
	int rv, lt;
	bool ok = false;

	ms = xreallocarray(NULL, req->n, sizeof *ms);
	for (i = 0; i < req->n; i++) {
		const struct ui_row *r = &req->conns[i].row;

		/* Rebuilt so padding and unused address bytes are zero, as
		 * in the decoded packets' keys. */
		flow_key_make(&ms[i].key, r->key.af, r->key.a, r->key.pa,
		    r->key.b, r->key.pb, r->key.has_vlan, r->key.vlan);
		ms[i].first_ns = r->first_ns;
		ms[i].last_ns = r->last_ns;
	}
	qsort(ms, req->n, sizeof *ms, match_cmp);
	if ((cap = capture_open_files(req->pcap_sources, req->npcap_sources,
	    e, sizeof e)) == NULL) {
		snprintf(s->err, sizeof s->err, "%s", e);
		free(ms);
		return (-1);
	}
	if ((bpf = build_bpf(req)) != NULL) {
		/* A filter that does not compile only costs speed. */
		(void)capture_set_filter(cap, bpf, e, sizeof e);
		free(bpf);
	}
	dec = decoder_new(NULL);
	for (;;) {
		rv = capture_next(cap, &rec, -1, e, sizeof e);
		if (rv == -2)
			continue;
		if (rv == 0)
			break;
		if (rv == -1) {
			snprintf(s->err, sizeof s->err, "%s", e);
			goto out;
		}
		if (decode_packet(dec, rec.linktype, rec.data, rec.caplen,
		    rec.wirelen, rec.ts_ns, &m, NULL) != DECODE_TCP ||
		    !match_packet(ms, req->n, &m))
			continue;
		if ((sd = get_dump(s, dumps, &nd, rec.linktype)) == NULL) {
			if (nd < SAVE_MAX_DUMPS)
				goto out;	/* an error */
			s->pcap_skipped++;
			continue;
		}
		if (capture_dump_write(sd->d, &rec) == -1) {
			save_fail(s, sd->name, errno);
			snprintf(s->partial, sizeof s->partial, "%s", sd->name);
			goto out;
		}
		sd->expect += 16 + (rec.caplen > SAVE_DUMP_SNAPLEN ?
		    SAVE_DUMP_SNAPLEN : rec.caplen);
		s->pcap_packets++;
	}
	if (nd == 0) {
		/* No packet matched: an empty file still says so. */
		lt = capture_linktype(cap);
		if (get_dump(s, dumps, &nd, lt == -1 ? 1 : lt) == NULL)
			goto out;
	}
	ok = true;
out:
	decoder_free(dec);
	capture_close(cap);
	free(ms);
	return (close_dumps(s, dumps, nd, ok));
}

/* A template that leads out of the directory fails before any file is
 * made (names of the first connection; all are built alike). */
static int
check_names(struct save *s)
{
	struct namer nm;
	char name[PATH_MAX];
	int d;

	memset(&nm, 0, sizeof nm);
	nm.fn = s->fn;
	for (d = 0; d < 2; d++) {
		fill_vars(&s->req->conns[0].row, d, &nm.v);
		if (namer_name(&nm, 0, name, sizeof name) < 0) {
			snprintf(s->err, sizeof s->err, "%s: file name too "
			    "long", s->dir);
			return (-1);
		}
		if (!name_safe(name)) {
			snprintf(s->err, sizeof s->err, "%s: file name \"%s\" "
			    "leaves the directory", s->dir, name);
			return (-1);
		}
	}
	return (0);
}

/* Reserve the report's name and open it. */
static int
open_report(struct save *s)
{
	struct report_info ri;
	struct timespec now;
	struct namer nm;
	char path[PATH_MAX * 2], e[PATH_MAX + 256];
	uint32_t used;
	int fd;

	memset(&nm, 0, sizeof nm);
	nm.base = "report";
	nm.ext = ".xml";
	if ((fd = save_create(s, &nm, 0, &used, s->rep_name,
	    sizeof s->rep_name)) == -1)
		return (-1);
	close(fd);		/* reserved; report_open() reopens it */
	snprintf(path, sizeof path, "%s/%s", s->dir, s->rep_name);
	memset(&ri, 0, sizeof ri);
	ri.command_line = s->req->command_line;
	ri.version = PACKAGE_VERSION;
	clock_gettime(CLOCK_REALTIME, &now);
	ri.start_ns = (uint64_t)now.tv_sec * 1000000000u +
	    (uint64_t)now.tv_nsec;
	if ((s->rep = report_open(path, &ri, e, sizeof e)) == NULL) {
		snprintf(s->err, sizeof s->err, "%s", e);
		return (-1);
	}
	return (0);
}

static int
close_report(struct save *s, bool ok)
{
	struct report_summary sum;
	struct stat st;
	char e[PATH_MAX + 256];

	if (s->rep == NULL)
		return (ok ? 0 : -1);
	memset(&sum, 0, sizeof sum);
	sum.total_flows = s->nflows;
	sum.total_packets = s->npackets;
	sum.interrupted = !ok;
	if (report_close(s->rep, &sum, e, sizeof e) == -1) {
		if (ok) {
			snprintf(s->err, sizeof s->err, "%s", e);
			snprintf(s->partial, sizeof s->partial, "%s",
			    s->rep_name);
		}
		s->rep = NULL;
		return (-1);
	}
	s->rep = NULL;
	if (ok) {
		s->nfiles++;
		if (fstatat(s->dirfd, s->rep_name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0)
			s->nbytes += (uint64_t)st.st_size;
	}
	return (ok ? 0 : -1);
}

int
ui_save(const struct ui_save_req *req, char *msg, size_t msglen)
{
	struct save *s;
	char size[32], extra[160];
	size_t i;
	int rv = -1;

	s = xcalloc(1, sizeof *s);
	s->req = req;
	s->dirfd = -1;
	s->dir = req->dir;
	if (req->dir == NULL || *req->dir == '\0') {
		snprintf(s->err, sizeof s->err, "no directory given");
		goto done;
	}
	if (req->n == 0) {
		snprintf(s->err, sizeof s->err, "no connections to save");
		goto done;
	}
	if (req->pcap && req->npcap_sources == 0) {
		snprintf(s->err, sizeof s->err, "no capture file to take the "
		    "packets from (live capture)");
		goto done;
	}
	if ((s->fn = flow_name_new(req->template != NULL ? req->template :
	    FLOW_NAME_DEFAULT_TEMPLATE, s->err, sizeof s->err)) == NULL)
		goto done;
	if (store_mkdir_p(req->dir) == -1) {
		snprintf(s->err, sizeof s->err, "%s: cannot create directory: "
		    "%s", req->dir, strerror(errno));
		goto done;
	}
	if ((s->dirfd = open(req->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1) {
		snprintf(s->err, sizeof s->err, "%s: %s", req->dir,
		    strerror(errno));
		goto done;
	}
	s->buf = xmalloc(SAVE_BUF);
	if (check_names(s) == -1 || open_report(s) == -1)
		goto done;
	for (i = 0; i < req->n; i++) {
		if (save_conn(s, &req->conns[i]) == -1)
			goto done;
	}
	if (req->pcap && save_pcap(s) == -1)
		goto done;
	rv = 0;
done:
	if (close_report(s, rv == 0) == -1)
		rv = -1;
	human_size(s->nbytes, size, sizeof size);
	if (rv == 0) {
		extra[0] = '\0';
		if (req->pcap)
			snprintf(extra, sizeof extra, "; %llu packets in %s%s",
			    (unsigned long long)s->pcap_packets, s->pcap_name,
			    s->pcap_skipped > 0 ? ", some of other link types "
			    "left out" : "");
		snprintf(msg, msglen, "saved %zu connection%s (%llu files, "
		    "%s%s) to %s", req->n, req->n == 1 ? "" : "s",
		    (unsigned long long)s->nfiles, size, extra, req->dir);
	} else if (s->partial[0] != '\0')
		snprintf(msg, msglen, "%s (%s left incomplete; %llu files "
		    "saved before it)", s->err, s->partial,
		    (unsigned long long)s->nfiles);
	else if (s->nfiles > 0)
		snprintf(msg, msglen, "%s (%llu files saved before)", s->err,
		    (unsigned long long)s->nfiles);
	else
		snprintf(msg, msglen, "%s", s->err);
	if (s->dirfd != -1)
		close(s->dirfd);
	flow_name_free(s->fn);
	free(s->buf);
	free(s);
	return (rv);
}
