/*
 * pipeline.c: capture -> decode -> track -> reassembly -> sinks, as one
 * object that batch mode runs in the main thread and the UI runs in its
 * capture thread; see pipeline.h.
 *
 * Errors follow one rule: a bad option, input file or output directory stops
 * the run before anything is read, with a one-line message; a fault during the
 * run (a damaged file, a full disk, a signal) stops reading, and then
 * everything reassembled so far is still written, closed and reported.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "pipeline.h"

#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pthread.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "chan.h"
#include "clock.h"
#include "decode.h"
#include "escape.h"
#include "flow-name.h"
#include "flow-row.h"
#include "flow-track.h"
#include "log.h"
#include "netviz-stats.h"
#include "reasm.h"
#include "report.h"
#include "sink-rows.h"
#include "store.h"
#include "xmalloc.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

/*
 * A direction's <fileobject> waits until the writer thread has written (or
 * failed to write) its last bytes, so that a full disk shows in its
 * truncated_bytes.  Entries are keyed by the stream token (flow id + 1).
 */
struct pending_fo {
	struct report_dir	 r;
	char			*filename;	/* r.filename points here */
	uint64_t		 gen;		/* store batch to wait for */
	uint64_t		 token;
};

struct pipeline {
	const struct opts	*o;
	struct capture		*cap;
	struct decoder		*dec;
	struct store		*store;
	struct report		*report;
	struct capture_dump	*dump;
	struct flow_name	*fname;
	struct track		*track;
	struct reasm_ctx	 rc;
	struct netviz_stats	*nv;		/* -e netviz, else NULL */
	char			*spool;		/* private dir, removed */
	uint64_t		 tdelta_ns;	/* signed, as two's complement */
	uint64_t		 reported;	/* fileobjects written */
	struct pending_fo	*pend;		/* fileobjects waiting for their
						   bytes to be written */
	size_t			 npend;
	size_t			 pend_cap;
	bool			 report_failed;
	bool			 write_failed;
	bool			 console_tty;

	/* UI mode */
	bool			 ui;
	struct chan		*rows_ch;	/* to the UI thread */
	struct sink_rows	*rows;
	char			*ui_spool;	/* run log (and streams
						   without -o) */
	int			 runlog_fd;
	uint64_t		 live_bytes;	/* written to live_dump */
	struct capture_dump	*live_dump;	/* live UI: every packet, for
						   saving pcaps */
	char			*live_pcap;
	bool			 spool_names;	/* streams in ui_spool */
	uint64_t		 last_publish;	/* mono ms */
	uint64_t		 wire_bytes;	/* frame lengths read (UI header) */
	pthread_mutex_t		 st_mtx;	/* guards status */
	struct pipeline_status	 status;
	volatile sig_atomic_t	 stop;
};

/* Staged bytes are written out at least this often (wall clock); in UI
 * mode more often, so a live pager follows the stream closely. */
#define PIPELINE_FLUSH_MS	1000
#define PIPELINE_UI_FLUSH_MS	100
#define PIPELINE_PUBLISH_MS	50	/* UI rows and status */
/* Packets kept for saving pcaps during a live capture (the spool). */
#define PIPELINE_LIVE_PCAP_MAX	(2ull << 30)

static netviz_draw_fn pipeline_draw;	/* set by the program (render/) */

void
pipeline_set_netviz_draw(netviz_draw_fn fn)
{
	pipeline_draw = fn;
}

netviz_draw_fn
pipeline_netviz_draw(void)
{
	return (pipeline_draw);
}

/* Fill the template variables of direction i of c. */
static void
name_vars(struct pipeline *b, const struct flow_conn *c, int i,
    struct flow_name_vars *v)
{
	const struct flow_dir *d = &c->dir[i];

	flow_name_vars_key(v, &c->key, i);
	v->has_mac = d->has_mac;
	v->mac_src = d->mac_src;
	v->mac_dst = d->mac_dst;
	v->first_ns = d->first_ns + b->tdelta_ns;
	v->count = d->count;
	v->flow_id = d->flow_id;
	v->session_id = c->id;
}

/* The connection a flow_dir belongs to, and its index there. */
static struct flow_conn *
dir_conn(struct flow_dir *d, int *idx)
{
	*idx = d->side;
	return ((struct flow_conn *)(void *)((char *)(d - d->side) -
	    offsetof(struct flow_conn, dir)));
}

struct name_ctx {
	struct pipeline		*b;
	struct flow_name_vars	 v;
	int			 dir;
};

static int
name_for_count(void *arg, uint32_t count, char *buf, size_t len)
{
	struct name_ctx *nc = arg;

	if (nc->b->spool_names) {
		/* The UI's private spool: one name per direction. */
		flow_row_spool_name(nc->v.session_id, nc->dir, buf, len);
		return (0);
	}
	nc->v.count = count;
	return (flow_name_expand(nc->b->fname, &nc->v, buf, len));
}

/* reasm_ctx.create: the direction's first byte is here; make its file. */
static int
create_file(void *arg, struct flow_dir *d)
{
	struct pipeline *b = arg;
	struct name_ctx nc;
	struct flow_conn *c;
	char err[512];
	int i;

	c = dir_conn(d, &i);
	nc.b = b;
	nc.dir = i;
	name_vars(b, c, i, &nc.v);
	d->ss.token = d->flow_id + 1;
	if (store_create(b->store, &d->ss, name_for_count, &nc, &d->count, err,
	    sizeof err) == -1) {
		if (!b->write_failed)
			log_warnx("%s", err);
		b->write_failed = true;
		return (-1);
	}
	return (0);
}

static const char ansi_blue[] = "\033[0;34m";
static const char ansi_red[] = "\033[0;31m";
static const char ansi_reset[] = "\033[0m";

/* reasm_ctx.print: -c/-C/-D output of newly contiguous bytes. */
static void
print_bytes(void *arg, struct flow_dir *d, const uint8_t *p, size_t len,
    uint64_t off)
{
	struct pipeline *b = arg;
	const struct opts *o = b->o;
	struct flow_name_vars v;
	struct flow_conn *c;
	char name[PATH_MAX];
	int i;

	c = dir_conn(d, &i);
	if (o->max_bytes != UINT64_MAX) {
		if (off >= o->max_bytes)
			return;
		if (len > o->max_bytes - off)
			len = (size_t)(o->max_bytes - off);
	}
	if (o->color)
		fputs(c->client == i ? ansi_blue : ansi_red, stdout);
	if (o->console == CONSOLE_PREFIX || o->hexdump) {
		name_vars(b, c, i, &v);
		if (flow_name_expand(b->fname, &v, name, sizeof name) < 0)
			snprintf(name, sizeof name, "?");
		printf("%s: ", name);
		if (o->hexdump)
			fputc('\n', stdout);
	}
	if (o->hexdump)
		escape_hexdump(stdout, p, len, off);
	else if (o->binary && !b->console_tty)
		fwrite(p, 1, len, stdout);
	else
		escape_console(stdout, p, len);
	if (o->color)
		fputs(ansi_reset, stdout);
	if (!o->no_newline)
		fputc('\n', stdout);
}

static void
report_write(struct pipeline *b, const struct report_dir *r)
{
	char err[512];

	if (b->report == NULL)
		return;		/* the run is being torn down */
	if (report_add(b->report, r, err, sizeof err) == -1) {
		if (!b->report_failed)
			log_warnx("%s", err);
		b->report_failed = true;
	}
	b->reported++;
}

/* track's dir_closed: one <fileobject>, now or once its bytes are out. */
static void
dir_closed(void *arg, struct flow_conn *c, int i)
{
	struct pipeline *b = arg;
	struct flow_dir *d = &c->dir[i];
	struct report_dir r;
	char path[PATH_MAX + 2];
	struct pending_fo *p;
	const char *dir;
	uint64_t gen;

	if (b->nv != NULL)
		netviz_stats_dir_closed(b->nv, c, i, b->tdelta_ns);
	if (b->report == NULL || d->ss.path == NULL)
		return;
	memset(&r, 0, sizeof r);
	dir = store_dir(b->store);
	if (b->o->no_files)
		r.filename = NULL;
	else if (strcmp(dir, ".") == 0)
		r.filename = d->ss.path;
	else {
		snprintf(path, sizeof path, "%s/%s", dir, d->ss.path);
		r.filename = path;
	}
	r.filesize = reasm_length(d);
	r.first_ns = d->first_ns + b->tdelta_ns;
	r.last_ns = d->last_ns + b->tdelta_ns;
	r.has_mac = d->has_mac;
	memcpy(r.mac_src, d->mac_src, 6);
	memcpy(r.mac_dst, d->mac_dst, 6);
	r.af = c->key.af;
	memcpy(r.src, i == 0 ? c->key.a : c->key.b, 16);
	memcpy(r.dst, i == 0 ? c->key.b : c->key.a, 16);
	r.sport = i == 0 ? c->key.pa : c->key.pb;
	r.dport = i == 0 ? c->key.pb : c->key.pa;
	r.has_vlan = c->key.has_vlan;
	r.vlan = c->key.vlan;
	r.packets = d->packets;
	r.out_of_order = d->out_of_order;
	r.violations = d->violations;
	r.len = d->len;
	r.caplen = d->caplen;
	reasm_holes(d, &r.holes, &r.hole_bytes);
	r.overlaps = d->overlaps;
	r.overlap_bytes = d->overlap_bytes;
	r.truncated_bytes = d->truncated_bytes + d->ss.dropped;
	r.conn_id = c->id;
	r.instance = c->instance;
	r.is_client = c->client == i;
	r.close_reason = track_close_name(c->close_reason != FLOW_OPEN ?
	    c->close_reason : (c->fin_or_rst ? FLOW_CLOSE_FIN : FLOW_CLOSE_EOF));
	gen = store_pending_gen(b->store, &d->ss);
	if (gen == 0) {
		report_write(b, &r);
		return;
	}
	if (b->npend == b->pend_cap) {
		b->pend_cap = b->pend_cap == 0 ? 64 : b->pend_cap * 2;
		b->pend = xreallocarray(b->pend, b->pend_cap, sizeof *b->pend);
	}
	p = &b->pend[b->npend++];
	p->r = r;
	p->filename = r.filename != NULL ? xstrdup(r.filename) : NULL;
	p->r.filename = p->filename;
	p->gen = gen;
	p->token = d->ss.token;
}

/* store's lost(): bytes of a stream did not reach the disk. */
static void
bytes_lost(void *arg, uint64_t token, uint64_t bytes)
{
	struct pipeline *b = arg;
	size_t i;

	for (i = b->npend; i > 0; i--) {
		if (b->pend[i - 1].token == token) {
			b->pend[i - 1].r.truncated_bytes += bytes;
			return;
		}
	}
}

/* store's settled(): the fileobjects waiting for batches up to gen go out,
 * in the order their directions closed. */
static void
pipeline_settled(void *arg, uint64_t gen)
{
	struct pipeline *b = arg;
	size_t i, k = 0;

	if (b->rows != NULL)
		sink_rows_settled(b->rows, gen);
	for (i = 0; i < b->npend; i++) {
		if (b->pend[i].gen > gen) {
			b->pend[k++] = b->pend[i];
			continue;
		}
		report_write(b, &b->pend[i].r);
		free(b->pend[i].filename);
	}
	b->npend = k;
}

/* -z and -U, once the input and outputs are open. */
static int
drop_privileges(const struct opts *o, const struct passwd *pw)
{
	if (o->chroot_dir != NULL) {
		if (chroot(o->chroot_dir) == -1 || chdir("/") == -1) {
			log_warn("-z %s", o->chroot_dir);
			return (-1);
		}
	}
	if (pw == NULL)
		return (0);
	if (initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1) {
		log_warn("-U %s: cannot drop privileges", o->user);
		return (-1);
	}
	if (pw->pw_uid != 0 && setuid(0) != -1) {
		log_warnx("-U %s: privileges could be regained", o->user);
		return (-1);
	}
	log_debug("%s: dropped privileges to %s", __func__, o->user);
	return (0);
}

/* What we create for -U USER must be writable by USER afterwards. */
static void
give_to(const struct passwd *pw, const char *path)
{
	if (pw != NULL && path != NULL && chown(path, pw->pw_uid,
	    pw->pw_gid) == -1)
		log_warn("-U %s: chown %s", pw->pw_name, path);
}

static void	 ui_publish(struct pipeline *, bool);

/* --follow, waiting inside a record: write out and show what came so far. */
static void
follow_idle(void *arg)
{
	struct pipeline *b = arg;
	char err[256];

	store_flush_all(b->store);
	if (b->report != NULL)
		report_flush(b->report, err, sizeof err);
	if (b->ui && b->track != NULL)
		ui_publish(b, false);
}

/* Open everything; -1 after printing the one-line reason. */
static int
batch_open(struct pipeline *b)
{
	const struct opts *o = b->o;
	struct store_config sc;
	struct report_info ri;
	char err[1024], rpath[PATH_MAX];
	struct passwd *pw = NULL;
	bool made_dir = false;
	int lt;

	if (o->user != NULL && (pw = getpwnam(o->user)) == NULL) {
		log_warnx("-U %s: no such user", o->user);
		return (-1);
	}
	b->fname = flow_name_new(o->template, err, sizeof err);
	if (b->fname == NULL) {
		log_warnx("-T: %s", err);
		return (-1);
	}
	if (o->nfiles == 0)
		b->cap = capture_open_live(o->iface, o->promisc, 0, err,
		    sizeof err);
	else
		b->cap = capture_open_files((const char *const *)o->files,
		    o->nfiles, err, sizeof err);
	if (b->cap == NULL) {
		log_warnx("%s", err);
		return (-1);
	}
	if (o->follow)
		capture_set_follow(b->cap, true, follow_idle, b);
	lt = capture_linktype(b->cap);
	if (lt >= 0 && !decode_linktype_supported(lt)) {
		log_warnx("%s: unsupported link type %d", capture_source_name(
		    b->cap), lt);
		return (-1);
	}
	if (o->filter != NULL && capture_set_filter(b->cap, o->filter, err,
	    sizeof err) == -1) {
		log_warnx("%s", err);
		return (-1);
	}

	memset(&sc, 0, sizeof sc);
	sc.max_fds = o->max_fds;
	sc.lost = bytes_lost;
	sc.settled = pipeline_settled;
	sc.cb_arg = b;
	if (b->ui) {
		/* The run log, and the streams unless -o DIR names a place. */
		if ((b->ui_spool = store_mkdtemp("flowscope")) == NULL) {
			log_warn("spool directory under $TMPDIR");
			return (-1);
		}
		give_to(pw, b->ui_spool);
		snprintf(rpath, sizeof rpath, "%s/%s", b->ui_spool,
		    FLOW_RUN_LOG);
		b->runlog_fd = open(rpath, O_WRONLY | O_CREAT | O_EXCL |
		    O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (b->runlog_fd == -1) {
			log_warn("%s", rpath);
			return (-1);
		}
		b->spool_names = !o->outdir_set;
		sc.dir = b->spool_names ? b->ui_spool : o->outdir;
		made_dir = !b->spool_names && access(o->outdir, F_OK) == -1;
	} else if (o->console != CONSOLE_NONE || o->no_files) {
		/* Bytes still go through files: a private spool. */
		if ((b->spool = store_mkdtemp("flowscope")) == NULL) {
			log_warn("spool directory under $TMPDIR");
			return (-1);
		}
		sc.dir = b->spool;
		give_to(pw, b->spool);
	} else {
		sc.dir = o->outdir;
		made_dir = access(o->outdir, F_OK) == -1;
	}
	b->store = store_new(&sc, err, sizeof err);
	if (b->store == NULL) {
		log_warnx("%s", err);
		return (-1);
	}
	if (made_dir)
		give_to(pw, o->outdir);

	/*
	 * report.xml: not in console modes unless -X asks for it; in the UI
	 * only next to streams written to -o DIR.
	 */
	if (o->enable_report && (b->ui ? !b->spool_names ||
	    o->report_file != NULL : o->console == CONSOLE_NONE ||
	    o->report_file != NULL)) {
		if (o->report_file != NULL)
			snprintf(rpath, sizeof rpath, "%s", o->report_file);
		else if (strcmp(o->outdir, ".") == 0)
			snprintf(rpath, sizeof rpath, "report.xml");
		else {
			/* With -FX the store does not make -o DIR. */
			if (b->spool != NULL && store_mkdir_p(o->outdir) == -1) {
				log_warn("%s", o->outdir);
				return (-1);
			}
			snprintf(rpath, sizeof rpath, "%s/report.xml",
			    o->outdir);
		}
		memset(&ri, 0, sizeof ri);
		ri.command_line = o->command_line;
		ri.version = PACKAGE_VERSION;
		ri.start_ns = clock_real_ns();
		ri.tdelta = o->tdelta;
		b->report = report_open(rpath, &ri, err, sizeof err);
		if (b->report == NULL) {
			log_warnx("%s", err);
			return (-1);
		}
		give_to(pw, rpath);
	}
	if (o->dump_file != NULL) {
		b->dump = capture_dump_open(o->dump_file, lt >= 0 ? lt : 1, err,
		    sizeof err);
		if (b->dump == NULL) {
			log_warnx("%s", err);
			return (-1);
		}
	}
	if (drop_privileges(o, pw) == -1)
		return (-1);
	return (0);
}

static void
report_finish(struct pipeline *b, bool interrupted)
{
	static const char *names[DR_COUNT + 8];
	uint64_t values[DR_COUNT + 8];
	const struct decode_stats *ds = b->dec != NULL ?
	    decode_get_stats(b->dec) : NULL;
	struct report_summary s;
	struct track_stats ts;
	struct store_stats ss;
	char err[512];
	size_t n = 0;
	int r;

	if (b->report == NULL)
		return;
	/* After a failed open, the track and the decoder do not exist. */
	memset(&ts, 0, sizeof ts);
	memset(&ss, 0, sizeof ss);
	if (b->track != NULL)
		track_get_stats(b->track, &ts);
	if (b->store != NULL)
		store_get_stats(b->store, &ss);
	for (r = 1; ds != NULL && r < DR_COUNT; r++) {
		if (ds->reason[r] == 0)
			continue;
		names[n] = decode_reason_name((enum decode_reason)r);
		values[n++] = ds->reason[r];
	}
#define COUNTER(nm, val) do {						\
	if ((val) != 0) {						\
		names[n] = (nm);					\
		values[n++] = (val);					\
	}								\
} while (0)
	/* Datagrams given up on (timeout or budget): their fragments went. */
	COUNTER("fragment_datagrams_expired", ds != NULL ?
	    ds->frag_timeouts : 0);
	COUNTER("conflicting_overlaps", b->rc.conflicts);
	COUNTER("keepalives_ignored", ts.keepalives);
	COUNTER("syn_ignored", ts.syn_ignored);
	COUNTER("late_packets", ts.late_packets);
	COUNTER("late_packets_dropped", ts.late_forgotten);
	COUNTER("connections_evicted", ts.evicted);
	COUNTER("write_errors", ss.write_errors);
#undef COUNTER
	memset(&s, 0, sizeof s);
	s.total_flows = b->reported;
	s.total_packets = ts.segments;
	s.max_open_flows = ts.conns_max_open;
	s.open_fds_at_end = ss.open_fds;
	s.flow_map_size = ts.conns_in_memory;
	s.counter_names = names;
	s.counter_values = values;
	s.ncounters = n;
	s.interrupted = interrupted;
	if (report_close(b->report, &s, err, sizeof err) == -1) {
		if (!b->report_failed)
			log_warnx("%s", err);
		b->report_failed = true;
	}
	b->report = NULL;
}

/* -e netviz: draw the picture; -1 after printing why it failed. */
static int
batch_netviz(struct pipeline *b)
{
	const struct opts *o = b->o;
	struct netviz_run r;
	struct capture_stats cs;
	char path[PATH_MAX], input[PATH_MAX], err[1024];
	uint64_t t0;

	if (pipeline_draw == NULL)
		return (0);	/* a build without render/ (fuzzers) */
	if (o->netviz_file != NULL)
		snprintf(path, sizeof path, "%s", o->netviz_file);
	else if (strcmp(o->outdir, ".") == 0)
		snprintf(path, sizeof path, "report.png");
	else {
		if (store_mkdir_p(o->outdir) == -1) {
			log_warn("%s", o->outdir);
			return (-1);
		}
		snprintf(path, sizeof path, "%s/report.png", o->outdir);
	}
	memset(&r, 0, sizeof r);
	capture_get_stats(b->cap, &cs);
	if (o->nfiles == 0)
		snprintf(input, sizeof input, "interface %s",
		    capture_source_name(b->cap));
	else if (o->nfiles == 1)
		snprintf(input, sizeof input, "%s", o->files[0]);
	else
		snprintf(input, sizeof input, "%s and %zu more files",
		    o->files[0], o->nfiles - 1);
	r.input = input;
	r.live = o->nfiles == 0;
	r.drops = cs.kernel_drop;
	r.conflicts = b->rc.conflicts;
	netviz_stats_decode(b->nv, decode_get_stats(b->dec));
	netviz_stats_run(b->nv, &r);
	t0 = clock_coarse_ms();
	if (netviz_stats_draw(b->nv, pipeline_draw, path, err, sizeof err) ==
	    -1) {
		log_warnx("%s", err);
		return (-1);
	}
	log_debug("%s: %s drawn in %llu ms", __func__, path,
	    (unsigned long long)(clock_coarse_ms() - t0));
	return (0);
}

/* UI mode: publish rows and the status now and then. */
static void
ui_publish(struct pipeline *b, bool force)
{
	struct pipeline_status *st = &b->status;
	const struct decode_stats *ds = decode_get_stats(b->dec);
	struct capture_stats cs;
	struct track_stats ts;
	struct store_stats ss;
	uint64_t now = clock_coarse_ms();

	if (!force && now - b->last_publish < PIPELINE_PUBLISH_MS)
		return;
	b->last_publish = now;
	if (b->live_dump != NULL)
		capture_dump_flush(b->live_dump);
	sink_rows_publish(b->rows);
	capture_get_stats(b->cap, &cs);
	track_get_stats(b->track, &ts);
	store_get_stats(b->store, &ss);
	pthread_mutex_lock(&b->st_mtx);
	st->packets = cs.records;
	st->wire_bytes = b->wire_bytes;
	st->tcp_segments = ts.segments;
	st->malformed = ds->reason[DR_LINK_TRUNC] + ds->reason[DR_IP_TRUNC] +
	    ds->reason[DR_IP_INVALID] + ds->reason[DR_IP6_EXTHDR_INVALID] +
	    ds->reason[DR_TCP_TRUNC] + ds->reason[DR_TCP_INVALID];
	st->conns_total = ts.conns_total;
	st->conns_open = ts.conns_open;
	st->file_read = cs.bytes_read;
	st->file_total = cs.bytes_total;
	st->kernel_drop = cs.kernel_drop;
	st->write_errors = ss.write_errors;
	pthread_mutex_unlock(&b->st_mtx);
}

static void
status_error(struct pipeline *b, const char *msg)
{
	pthread_mutex_lock(&b->st_mtx);
	if (!b->status.failed) {
		size_t n = strlen(msg);

		/* One line, cut to fit. */
		if (n >= sizeof b->status.error)
			n = sizeof b->status.error - 1;
		memcpy(b->status.error, msg, n);
		b->status.error[n] = '\0';
		b->status.failed = true;
	}
	pthread_mutex_unlock(&b->st_mtx);
}

int
pipeline_run(struct pipeline *b)
{
	struct capture_record rec;
	struct pkt_meta m;
	enum decode_result dr;
	char err[1024];
	const char *werr;
	uint64_t n = 0, last_flush = clock_coarse_ms();
	uint64_t flush_ms = b->ui ? PIPELINE_UI_FLUSH_MS : PIPELINE_FLUSH_MS;
	int rv, timeout = b->ui ? PIPELINE_PUBLISH_MS : 200;

	for (;;) {
		if (b->stop) {
			rv = 0;
			break;
		}
		rv = capture_next(b->cap, &rec, timeout, err, sizeof err);
		if (rv == 0)
			break;
		if (rv == -2 || (++n % 64 == 0 &&
		    clock_coarse_ms() - last_flush >= flush_ms)) {
			/*
			 * Live or piped input: what has arrived reaches the
			 * files within a second (UI: 100 ms), even if
			 * nothing else comes.
			 */
			store_flush_all(b->store);
			if (b->report != NULL)
				report_flush(b->report, err, sizeof err);
			last_flush = clock_coarse_ms();
		}
		if (b->ui && (rv == -2 || n % 64 == 0)) {
			if (b->status.packets == 0 && rv != -2)
				ui_publish(b, true);	/* first screen */
			else
				ui_publish(b, false);
		}
		if (rv == -2)
			continue;
		if (rv < 0) {
			if (b->stop) {
				rv = 0;
				break;
			}
			log_warnx("%s", err);
			if (b->ui)
				status_error(b, err);
			rv = -1;
			break;
		}
		b->wire_bytes += rec.wirelen;
		dr = decode_packet(b->dec, rec.linktype, rec.data, rec.caplen,
		    rec.wirelen, rec.ts_ns, &m, NULL);
		if (dr == DECODE_TCP) {
			if (b->nv != NULL)
				netviz_stats_packet(b->nv, m.ts_ns +
				    b->tdelta_ns, m.wirelen, m.sport, m.dport);
			if (b->rows != NULL) {
				sink_rows_packet(b->rows, &m);
				track_segment(b->track, &m);
				sink_rows_packet(b->rows, NULL);
			} else
				track_segment(b->track, &m);
		}
		if (b->live_dump != NULL) {
			/* Bounded: the spool may be on a tmpfs. */
			b->live_bytes += 16 + (uint64_t)rec.caplen;
			if (b->live_bytes <= PIPELINE_LIVE_PCAP_MAX)
				capture_dump_write(b->live_dump, &rec);
			else if (!b->status.live_pcap_full) {
				pthread_mutex_lock(&b->st_mtx);
				b->status.live_pcap_full = true;
				pthread_mutex_unlock(&b->st_mtx);
			}
		}
		if (b->dump != NULL && (dr == DECODE_NOT_TCP ||
		    dr == DECODE_INVALID || dr == DECODE_TRUNCATED))
			capture_dump_write(b->dump, &rec);
		if ((werr = store_take_error(b->store)) != NULL) {
			/* One line: the report says which flows were cut. */
			if (!b->write_failed) {
				log_warnx("%s", werr);
				if (b->ui)
					status_error(b, werr);
			}
			b->write_failed = true;
		}
	}
	return (rv);
}

struct pipeline *
pipeline_new(const struct opts *o, struct chan *rows)
{
	struct pipeline *b = xcalloc(1, sizeof *b);

	b->o = o;
	b->tdelta_ns = (uint64_t)(o->tdelta * 1000000000ll);
	b->console_tty = isatty(STDOUT_FILENO);
	b->ui = rows != NULL;
	b->rows_ch = rows;
	b->runlog_fd = -1;
	pthread_mutex_init(&b->st_mtx, NULL);
	return (b);
}

int
pipeline_open(struct pipeline *b)
{
	const struct opts *o = b->o;
	struct track_config tc;

	if (batch_open(b) == -1)
		return (-1);
	b->dec = decoder_new(NULL);
	b->rc.store = b->store;
	b->rc.overlap_last = o->overlap_last;
	b->rc.max_bytes = o->console != CONSOLE_NONE && !b->ui ? UINT64_MAX :
	    o->max_bytes;
	b->rc.create = create_file;
	b->rc.print = o->console != CONSOLE_NONE && !b->ui ? print_bytes :
	    NULL;
	b->rc.arg = b;
	memset(&tc, 0, sizeof tc);
	tc.tcp_timeout_ns = o->tcp_timeout * 1000000000ull;
	tc.max_seek = o->max_seek;
	tc.max_conns = o->max_conns;
	tc.tdelta_ns = b->tdelta_ns;
	b->track = track_new(&tc, &b->rc, dir_closed, b);
	if (o->netviz)
		b->nv = netviz_stats_new();
	if (b->ui) {
		struct sink_rows_config rc;
		struct track_watch w;

		memset(&rc, 0, sizeof rc);
		rc.ch = b->rows_ch;
		rc.store = b->store;
		rc.runlog_fd = b->runlog_fd;
		rc.send_paths = !b->spool_names;
		b->rows = sink_rows_new(&rc);
		w.touched = sink_rows_touched;
		w.freeing = sink_rows_freeing;
		w.arg = b->rows;
		track_set_watch(b->track, &w);
		pthread_mutex_lock(&b->st_mtx);
		b->status.live = capture_is_live(b->cap);
		pthread_mutex_unlock(&b->st_mtx);
		if (b->status.live) {
			/* Packets are kept so the UI can save pcaps. */
			char path[PATH_MAX], err[512];
			int lt = capture_linktype(b->cap);

			snprintf(path, sizeof path, "%s/live.pcap",
			    b->ui_spool);
			b->live_dump = capture_dump_open(path, lt >= 0 ? lt :
			    1, err, sizeof err);
			if (b->live_dump != NULL)
				b->live_pcap = xstrdup(path);
			else
				log_warnx("%s", err);
		}
	}
	return (0);
}

void
pipeline_stop(struct pipeline *b)
{
	b->stop = 1;
	if (b->cap != NULL)
		capture_breakloop(b->cap);
}

bool
pipeline_stopped(const struct pipeline *b)
{
	return (b->stop != 0);
}

int
pipeline_finish(struct pipeline *b, bool interrupted)
{
	const char *werr;
	int status = 0;

	if (b->track == NULL)
		return (1);
	track_close_all(b->track);
	store_flush_all(b->store);
	while ((werr = store_take_error(b->store)) != NULL) {
		if (!b->write_failed)
			log_warnx("%s", werr);
		b->write_failed = true;
	}
	report_finish(b, interrupted);
	if (b->nv != NULL && batch_netviz(b) == -1)
		status = 1;
	if (b->write_failed || b->report_failed)
		status = 1;
	if (b->ui) {
		ui_publish(b, true);
		pthread_mutex_lock(&b->st_mtx);
		b->status.done = true;
		pthread_mutex_unlock(&b->st_mtx);
	}
	fflush(stdout);
	return (status);
}

bool
pipeline_rows_drain(struct pipeline *b)
{
	if (b->rows == NULL)
		return (true);
	sink_rows_publish(b->rows);
	return (sink_rows_backlog(b->rows) == 0 &&
	    chan_pending(b->rows_ch) == 0);
}

void
pipeline_get_status(struct pipeline *b, struct pipeline_status *st)
{
	pthread_mutex_lock(&b->st_mtx);
	*st = b->status;
	pthread_mutex_unlock(&b->st_mtx);
}

const char *
pipeline_stream_dir(const struct pipeline *b)
{
	return (b->store != NULL ? store_dir(b->store) : NULL);
}

const char *
pipeline_runlog_path(const struct pipeline *b)
{
	static __thread char path[PATH_MAX];

	if (b->ui_spool == NULL)
		return (NULL);
	snprintf(path, sizeof path, "%s/%s", b->ui_spool, FLOW_RUN_LOG);
	return (path);
}

const char *
pipeline_spool_dir(const struct pipeline *b)
{
	return (b->ui_spool);
}

const char *
pipeline_live_pcap(const struct pipeline *b)
{
	return (b->live_pcap);
}

bool
pipeline_spool_names(const struct pipeline *b)
{
	return (b->spool_names);
}

const char *
pipeline_source(const struct pipeline *b)
{
	return (b->cap != NULL ? capture_source_name(b->cap) : "");
}

void
pipeline_free(struct pipeline *b)
{
	if (b == NULL)
		return;
	if (b->report != NULL)
		report_finish(b, true);
	if (b->track != NULL)
		track_free(b->track);
	sink_rows_free(b->rows);
	store_free(b->store);
	while (b->npend > 0)
		free(b->pend[--b->npend].filename);
	free(b->pend);
	if (b->dump != NULL)
		capture_dump_close(b->dump);
	if (b->live_dump != NULL)
		capture_dump_close(b->live_dump);
	free(b->live_pcap);
	if (b->cap != NULL)
		capture_close(b->cap);
	decoder_free(b->dec);
	netviz_stats_free(b->nv);
	flow_name_free(b->fname);
	if (b->runlog_fd != -1)
		close(b->runlog_fd);
	if (b->spool != NULL) {
		store_remove_tree(b->spool);
		free(b->spool);
	}
	if (b->ui_spool != NULL) {
		store_remove_tree(b->ui_spool);
		free(b->ui_spool);
	}
	pthread_mutex_destroy(&b->st_mtx);
	free(b);
}
