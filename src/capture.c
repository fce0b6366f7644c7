/*
 * capture.c: where packets come from (see capture.h).
 *
 * Files are read by our own reader (capture-file.c), one after the other as
 * one capture; the next file is opened only when the previous one ends.
 * Live interfaces go through libpcap in non-blocking mode: capture_next()
 * polls the selectable descriptor together with a private wake pipe, so
 * capture_breakloop() (async-signal-safe: an atomic store and a write)
 * interrupts a wait at once.
 *
 * A BPF filter is compiled by libpcap.  For a live capture the kernel
 * applies it.  For files it is compiled per link type on first use (a
 * pcapng file may mix link types) against pcap_open_dead() and run with
 * pcap_offline_filter(); rejected records are counted, not returned.  When
 * the expression does not compile for some link type, all records of that
 * link type are rejected.
 *
 * capture_breakloop() is sticky for files (capture_next() then reports the
 * end of input) and one-shot for live captures (the next capture_next()
 * returns -2, so the caller looks at its own stop request).
 *
 * Link types: records and capture_linktype() carry LINKTYPE_* values (the
 * file-format numbers).  libpcap speaks DLT_* values, which differ for a few
 * types (DLT_RAW is 12 or 14, LINKTYPE_RAW 101); capture_dlt_map converts.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture-file.h"
#include "xmalloc.h"

#define CAPTURE_SNAPLEN		262144
#define CAPTURE_TIMEOUT_MS	10
#define CAPTURE_BUFSIZE		(8 * 1024 * 1024)
#define CAPTURE_DUMP_BUF	(256 * 1024)

/* A filter compiled for one link type (files only). */
struct capture_prog {
	int			 linktype;
	bool			 ok;	/* false: does not compile, reject */
	struct bpf_program	 prog;
};

struct capture {
	bool			 live;
	bool			 follow;	/* --follow: the last file */
	void			(*idle)(void *);	/* while following */
	void			*idle_arg;
	char			*name;		/* interface, or NULL */

	/* files */
	char			**paths;
	size_t			 npaths;
	size_t			 cur;
	struct capture_file	*file;		/* NULL after a failed open */

	/* live */
	pcap_t			*pcap;
	int			 selfd;
	int			 wake[2];
	int			 linktype;
	bool			 nano;		/* timestamps in ns */

	/* filter (files) */
	char			*filter;
	struct capture_prog	*progs;
	size_t			 nprogs;
	size_t			 lastprog;

	atomic_int		 stop;
	int			 done;		/* 0 running, 1 ended, 2 failed */
	char			 msg[512];
	struct capture_stats	 st;
};

struct capture_dump {
	FILE			*fp;
	int			 linktype;
	bool			 is_stdout;
};

/* DLT_* values that differ from their LINKTYPE_* (libpcap pcap-common.c). */
static const struct {
	int	 dlt;
	int	 linktype;
} capture_dlt_map[] = {
	{ DLT_ATM_RFC1483,	100 },
	{ DLT_RAW,		101 },
	{ DLT_SLIP_BSDOS,	102 },
	{ DLT_PPP_BSDOS,	103 },
	{ DLT_C_HDLC,		104 },
	{ DLT_ATM_CLIP,		106 },
	{ DLT_LOOP,		108 },
	{ DLT_ENC,		109 },
	{ DLT_HDLC,		112 },
	{ DLT_PFSYNC,		246 },
	{ DLT_PKTAP,		258 },
};

static int	capture_dlt_to_linktype(int);
static int	capture_linktype_to_dlt(int);
static int	capture_compile(int, const char *, struct bpf_program *, char *,
		    size_t);
static bool	capture_filter_match(struct capture *,
		    const struct capture_record *);
static void	capture_free_progs(struct capture *);
static int	capture_fail(struct capture *, char *, size_t);
static int	capture_next_file(struct capture *, struct capture_record *,
		    int, char *, size_t);
static int	capture_next_live(struct capture *, struct capture_record *,
		    int, char *, size_t);

static int
capture_dlt_to_linktype(int dlt)
{
	size_t	 i;

	for (i = 0; i < sizeof capture_dlt_map / sizeof capture_dlt_map[0];
	    i++)
		if (capture_dlt_map[i].dlt == dlt)
			return (capture_dlt_map[i].linktype);
	return (dlt);
}

static int
capture_linktype_to_dlt(int linktype)
{
	size_t	 i;

	for (i = 0; i < sizeof capture_dlt_map / sizeof capture_dlt_map[0];
	    i++)
		if (capture_dlt_map[i].linktype == linktype)
			return (capture_dlt_map[i].dlt);
	return (linktype);
}

struct capture *
capture_open_files(const char *const *paths, size_t n, char *err,
    size_t errlen)
{
	struct capture	*c;
	size_t		 i;

	if (n == 0) {
		snprintf(err, errlen, "no capture files given");
		return (NULL);
	}
	c = xcalloc(1, sizeof *c);
	c->selfd = -1;
	c->wake[0] = c->wake[1] = -1;
	c->linktype = -1;
	atomic_init(&c->stop, 0);
	c->paths = xreallocarray(NULL, n, sizeof *c->paths);
	for (i = 0; i < n; i++)
		c->paths[i] = xstrdup(paths[i]);
	c->npaths = n;
	c->file = capture_file_open(paths[0], err, errlen);
	if (c->file == NULL) {
		capture_close(c);
		return (NULL);
	}
	capture_file_set_stop(c->file, &c->stop);
	return (c);
}

struct capture *
capture_open_live(const char *iface, bool promisc, int snaplen, char *err,
    size_t errlen)
{
	static char	 c_default_dev[256];
	struct capture	*c;
	char		 ebuf[PCAP_ERRBUF_SIZE];
	const char	*detail;
	pcap_t		*p;
	int		 rc;

	ebuf[0] = '\0';
	if (iface == NULL) {
		/* No -r and no -i: the first device, as tcpdump and tcpflow. */
		pcap_if_t *all = NULL;

		if (pcap_findalldevs(&all, ebuf) == -1 || all == NULL) {
			snprintf(err, errlen, "no capture device found%s%s",
			    ebuf[0] != '\0' ? ": " : "", ebuf);
			if (all != NULL)
				pcap_freealldevs(all);
			return (NULL);
		}
		snprintf(c_default_dev, sizeof c_default_dev, "%s",
		    all->name);
		pcap_freealldevs(all);
		iface = c_default_dev;
	}
	if ((p = pcap_create(iface, ebuf)) == NULL) {
		snprintf(err, errlen, "%s: %s", iface, ebuf);
		return (NULL);
	}
	pcap_set_snaplen(p, snaplen > 0 ? snaplen : CAPTURE_SNAPLEN);
	pcap_set_promisc(p, promisc ? 1 : 0);
	pcap_set_timeout(p, CAPTURE_TIMEOUT_MS);
	pcap_set_buffer_size(p, CAPTURE_BUFSIZE);
	(void)pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	rc = pcap_activate(p);
	if (rc < 0) {
		detail = pcap_geterr(p);
		if (rc == PCAP_ERROR && detail[0] != '\0')
			snprintf(err, errlen, "%s: %s", iface, detail);
		else if (detail[0] != '\0' &&
		    strcmp(detail, pcap_statustostr(rc)) != 0)
			snprintf(err, errlen, "%s: %s (%s)", iface,
			    pcap_statustostr(rc), detail);
		else
			snprintf(err, errlen, "%s: %s", iface,
			    pcap_statustostr(rc));
		pcap_close(p);
		return (NULL);
	}
	/* rc > 0 is a warning (e.g. promiscuous mode not supported). */

	c = xcalloc(1, sizeof *c);
	c->live = true;
	c->name = xstrdup(iface);
	c->pcap = p;
	c->wake[0] = c->wake[1] = -1;
	atomic_init(&c->stop, 0);
	c->linktype = capture_dlt_to_linktype(pcap_datalink(p));
	c->nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	c->selfd = pcap_get_selectable_fd(p);
	if (c->selfd != -1 && pcap_setnonblock(p, 1, ebuf) == -1)
		c->selfd = -1;
	if (pipe2(c->wake, O_NONBLOCK | O_CLOEXEC) == -1) {
		snprintf(err, errlen, "%s: pipe: %s", iface, strerror(errno));
		c->wake[0] = c->wake[1] = -1;
		capture_close(c);
		return (NULL);
	}
	return (c);
}

/* Compile expr for link type linktype; -1 and libpcap's message on error. */
static int
capture_compile(int linktype, const char *expr, struct bpf_program *prog,
    char *err, size_t errlen)
{
	pcap_t	*p;
	int	 rc;

	p = pcap_open_dead(capture_linktype_to_dlt(linktype), CAPTURE_SNAPLEN);
	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return (-1);
	}
	rc = pcap_compile(p, prog, expr, 1, PCAP_NETMASK_UNKNOWN);
	if (rc == -1)
		snprintf(err, errlen, "%s", pcap_geterr(p));
	pcap_close(p);
	return (rc == -1 ? -1 : 0);
}

static void
capture_free_progs(struct capture *c)
{
	size_t	 i;

	for (i = 0; i < c->nprogs; i++)
		if (c->progs[i].ok)
			pcap_freecode(&c->progs[i].prog);
	free(c->progs);
	c->progs = NULL;
	c->nprogs = 0;
	c->lastprog = 0;
}

int
capture_set_filter(struct capture *c, const char *expr, char *err,
    size_t errlen)
{
	struct bpf_program	 prog;
	char			 msg[PCAP_ERRBUF_SIZE + 64];
	int			 lt;

	if (c->live) {
		if (pcap_compile(c->pcap, &prog, expr, 1,
		    PCAP_NETMASK_UNKNOWN) == -1) {
			snprintf(err, errlen, "bad filter expression '%s': %s",
			    expr, pcap_geterr(c->pcap));
			return (-1);
		}
		if (pcap_setfilter(c->pcap, &prog) == -1) {
			snprintf(err, errlen, "%s: cannot set filter: %s",
			    c->name, pcap_geterr(c->pcap));
			pcap_freecode(&prog);
			return (-1);
		}
		pcap_freecode(&prog);
		return (0);
	}

	/* Check the expression now against the first link type we know. */
	lt = c->file != NULL ? capture_file_linktype(c->file) : -1;
	if (lt == -1)
		lt = 1;		/* LINKTYPE_ETHERNET */
	if (capture_compile(lt, expr, &prog, msg, sizeof msg) == -1) {
		snprintf(err, errlen, "bad filter expression '%s': %s", expr,
		    msg);
		return (-1);
	}
	capture_free_progs(c);
	free(c->filter);
	c->filter = xstrdup(expr);
	c->progs = xcalloc(1, sizeof *c->progs);
	c->progs[0].linktype = lt;
	c->progs[0].ok = true;
	c->progs[0].prog = prog;
	c->nprogs = 1;
	return (0);
}

/* Run the file filter on rec, compiling it for a new link type first. */
static bool
capture_filter_match(struct capture *c, const struct capture_record *rec)
{
	struct capture_prog	*cp;
	struct pcap_pkthdr	 h;
	char			 msg[PCAP_ERRBUF_SIZE];
	size_t			 i;

	cp = &c->progs[c->lastprog];
	if (cp->linktype != rec->linktype) {
		for (i = 0; i < c->nprogs; i++)
			if (c->progs[i].linktype == rec->linktype)
				break;
		if (i == c->nprogs) {
			c->progs = xreallocarray(c->progs, c->nprogs + 1,
			    sizeof *c->progs);
			cp = &c->progs[c->nprogs++];
			memset(cp, 0, sizeof *cp);
			cp->linktype = rec->linktype;
			cp->ok = capture_compile(rec->linktype, c->filter,
			    &cp->prog, msg, sizeof msg) == 0;
		}
		c->lastprog = i;
		cp = &c->progs[i];
	}
	if (!cp->ok)
		return (false);
	memset(&h, 0, sizeof h);
	h.ts.tv_sec = (time_t)(rec->ts_ns / 1000000000U);
	h.ts.tv_usec = (suseconds_t)(rec->ts_ns % 1000000000U / 1000U);
	h.caplen = rec->caplen;
	h.len = rec->wirelen;
	return (pcap_offline_filter(&cp->prog, &h, rec->data) != 0);
}

/* Finish with an error: keep the message for later calls. */
static int
capture_fail(struct capture *c, char *err, size_t errlen)
{
	if (errlen > 0)
		snprintf(c->msg, sizeof c->msg, "%s", err);
	c->done = 2;
	return (-1);
}

int
capture_next(struct capture *c, struct capture_record *rec, int timeout_ms,
    char *err, size_t errlen)
{
	if (c->done == 1)
		return (0);
	if (c->done == 2) {
		snprintf(err, errlen, "%s", c->msg);
		return (-1);
	}
	if (c->live)
		return (capture_next_live(c, rec, timeout_ms, err, errlen));
	return (capture_next_file(c, rec, timeout_ms, err, errlen));
}

static int
capture_next_file(struct capture *c, struct capture_record *rec,
    int timeout_ms, char *err, size_t errlen)
{
	int	 r;

	for (;;) {
		if (atomic_load_explicit(&c->stop, memory_order_relaxed)) {
			c->done = 1;
			return (0);
		}
		if (timeout_ms >= 0 &&
		    capture_file_wait(c->file, timeout_ms) == 0)
			return (-2);	/* a quiet pipe */
		r = capture_file_next(c->file, rec, err, errlen);
		if (r == 1) {
			if (c->filter != NULL &&
			    !capture_filter_match(c, rec)) {
				c->st.filtered++;
				continue;
			}
			c->st.records++;
			return (1);
		}
		if (r == -1 && atomic_load(&c->stop)) {
			c->done = 1;		/* a signal cut the read */
			return (0);
		}
		if (r == -1)
			return (capture_fail(c, err, errlen));
		/* End of this file: go on with the next one, if any. */
		if (c->cur + 1 >= c->npaths) {
			c->done = 1;
			return (0);
		}
		capture_file_close(c->file);
		c->cur++;
		c->file = capture_file_open(c->paths[c->cur], err, errlen);
		if (c->file == NULL)
			return (capture_fail(c, err, errlen));
		capture_file_set_stop(c->file, &c->stop);
		capture_file_set_follow(c->file, c->follow &&
		    c->cur + 1 == c->npaths, c->idle, c->idle_arg);
	}
}

static int
capture_next_live(struct capture *c, struct capture_record *rec,
    int timeout_ms, char *err, size_t errlen)
{
	struct pollfd		 pfd[2];
	struct pcap_pkthdr	*h;
	const u_char		*data;
	const struct timeval	*req;
	char			 drain[64];
	bool			 polled = false;
	int			 r, tmo;

	for (;;) {
		if (atomic_exchange(&c->stop, 0)) {
			while (read(c->wake[0], drain, sizeof drain) > 0)
				continue;
			return (-2);
		}
		r = pcap_next_ex(c->pcap, &h, &data);
		if (r == 1) {
			rec->ts_ns = (uint64_t)h->ts.tv_sec * 1000000000U +
			    (uint64_t)h->ts.tv_usec * (c->nano ? 1U : 1000U);
			rec->caplen = h->caplen;
			rec->wirelen = h->len;
			rec->linktype = c->linktype;
			rec->data = data;
			c->st.records++;
			return (1);
		}
		if (r == PCAP_ERROR) {
			snprintf(err, errlen, "%s: %s", c->name,
			    pcap_geterr(c->pcap));
			return (capture_fail(c, err, errlen));
		}
		if (r != 0 || polled || c->selfd == -1)
			return (-2);	/* break, timeout, or nothing yet */
		tmo = timeout_ms;
		req = pcap_get_required_select_timeout(c->pcap);
		if (req != NULL && (tmo < 0 ||
		    tmo > req->tv_sec * 1000 + req->tv_usec / 1000))
			tmo = (int)(req->tv_sec * 1000 + req->tv_usec / 1000);
		pfd[0].fd = c->selfd;
		pfd[0].events = POLLIN;
		pfd[1].fd = c->wake[0];
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, tmo) == -1 && errno != EINTR) {
			snprintf(err, errlen, "%s: poll: %s", c->name,
			    strerror(errno));
			return (capture_fail(c, err, errlen));
		}
		polled = true;
	}
}

int
capture_linktype(const struct capture *c)
{
	if (c->live)
		return (c->linktype);
	if (c->file == NULL)
		return (-1);
	return (capture_file_linktype(c->file));
}

const char *
capture_source_name(const struct capture *c)
{
	if (c->live)
		return (c->name);
	if (c->file != NULL)
		return (capture_file_name(c->file));
	return (c->paths[c->cur]);
}

/* True for an interface, false for files. */
bool
capture_is_live(const struct capture *c)
{
	return (c->live);
}

void
capture_set_follow(struct capture *c, bool on, void (*idle)(void *),
    void *arg)
{
	c->follow = on;
	c->idle = idle;
	c->idle_arg = arg;
	if (!c->live && c->file != NULL)
		capture_file_set_follow(c->file, on && c->cur + 1 == c->npaths,
		    idle, arg);
}

void
capture_breakloop(struct capture *c)
{
	/* Only flags here: this runs in signal handlers, between any two
	 * statements of capture_next (c->file may be changing). */
	atomic_store(&c->stop, 1);
	if (c->live) {
		if (write(c->wake[1], "", 1) == -1) {
			/* A full pipe already wakes the poll. */
		}
		pcap_breakloop(c->pcap);
	}
}

/* Fill *st; live captures ask the kernel (pcap_stats) each time. */
void
capture_get_stats(struct capture *c, struct capture_stats *st)
{
	struct pcap_stat	 ps;

	if (c->live) {
		if (pcap_stats(c->pcap, &ps) == 0) {
			c->st.kernel_recv = ps.ps_recv;
			c->st.kernel_drop = (uint64_t)ps.ps_drop + ps.ps_ifdrop;
		}
	} else if (c->file != NULL) {
		c->st.bytes_read = capture_file_bytes_read(c->file);
		c->st.bytes_total = capture_file_size(c->file);
	}
	*st = c->st;
}

/* Close files or the interface and free everything; c may be NULL. */
void
capture_close(struct capture *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	capture_file_close(c->file);
	if (c->pcap != NULL)
		pcap_close(c->pcap);
	if (c->wake[0] != -1)
		close(c->wake[0]);
	if (c->wake[1] != -1)
		close(c->wake[1]);
	capture_free_progs(c);
	free(c->filter);
	for (i = 0; i < c->npaths; i++)
		free(c->paths[i]);
	free(c->paths);
	free(c->name);
	free(c);
}

/* Store v in native byte order (the pcap magic tells readers which). */
static inline void
capture_put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof v);
}

struct capture_dump *
capture_dump_open(const char *path, int linktype, char *err, size_t errlen)
{
	struct capture_dump	*d;
	uint8_t			 hdr[24];
	uint16_t		 v;

	d = xcalloc(1, sizeof *d);
	d->linktype = linktype;
	if (strcmp(path, "-") == 0) {
		d->fp = stdout;
		d->is_stdout = true;
	} else if ((d->fp = fopen(path, "wbe")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(d);
		return (NULL);
	} else
		setvbuf(d->fp, NULL, _IOFBF, CAPTURE_DUMP_BUF);

	/* pcap file header with the nanosecond magic. */
	capture_put32(hdr, 0xa1b23c4dU);
	v = 2;
	memcpy(hdr + 4, &v, 2);
	v = 4;
	memcpy(hdr + 6, &v, 2);
	capture_put32(hdr + 8, 0);
	capture_put32(hdr + 12, 0);
	capture_put32(hdr + 16, CAPTURE_SNAPLEN);
	capture_put32(hdr + 20, (uint32_t)linktype);
	if (fwrite(hdr, sizeof hdr, 1, d->fp) != 1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		capture_dump_close(d);
		return (NULL);
	}
	return (d);
}

/*
 * Append rec (cut to the dump's snaplen); records of another link type are
 * skipped.  Returns 0, or -1 on a write error (errno set).
 */
int
capture_dump_write(struct capture_dump *d, const struct capture_record *rec)
{
	uint8_t		 hdr[16];
	uint32_t	 caplen;

	if (rec->linktype != d->linktype)
		return (0);
	caplen = rec->caplen > CAPTURE_SNAPLEN ? CAPTURE_SNAPLEN : rec->caplen;
	capture_put32(hdr, (uint32_t)(rec->ts_ns / 1000000000U));
	capture_put32(hdr + 4, (uint32_t)(rec->ts_ns % 1000000000U));
	capture_put32(hdr + 8, caplen);
	capture_put32(hdr + 12, rec->wirelen);
	if (fwrite(hdr, sizeof hdr, 1, d->fp) != 1)
		return (-1);
	if (caplen > 0 && fwrite(rec->data, caplen, 1, d->fp) != 1)
		return (-1);
	return (0);
}

/* Flush and close the dump (standard output is only flushed); d may be NULL. */
int
capture_dump_flush(struct capture_dump *d)
{
	return (fflush(d->fp) == 0 ? 0 : -1);
}

void
capture_dump_close(struct capture_dump *d)
{
	if (d == NULL)
		return;
	if (d->is_stdout)
		fflush(d->fp);
	else
		fclose(d->fp);
	free(d);
}
