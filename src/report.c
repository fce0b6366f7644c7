/*
 * report.c: write report.xml (DFXML) in tcpflow 1.6.1's layout.
 *
 * The file is written in three steps: report_open writes and flushes the
 * header, report_add appends one complete <fileobject> and flushes it, and
 * report_close writes the trailer.  So after any step the file on disk ends
 * on an element boundary: a reader that appends "</configuration></dfxml>"
 * to a killed run's file gets a well-formed document.
 *
 * tcpflow's structure is kept, odd parts included (an empty <configuration>
 * followed by a second one that holds the fileobjects), so tools that read
 * tcpflow reports keep working; our own facts go in a separate <flowscope/>
 * element after <tcpflow/> inside each fileobject.
 *
 * Every write is checked.  The first failure is latched with its errno; the
 * call that sees it returns -1 with "<path>: <strerror>" in err, and every
 * later call fails the same way.  Untrusted or user text (command line,
 * file names, close reasons, counter names) goes through escape_xml.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "report.h"

#include <sys/resource.h>
#include <sys/utsname.h>

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decode.h"
#include "clock.h"
#include "escape.h"
#include "flow-name.h"

#define REPORT_BUFSIZE	(64 * 1024)

/* Address family numbers written as tcpflow writes them on Linux. */
#define REPORT_FAMILY_INET	2
#define REPORT_FAMILY_INET6	10

struct report {
	FILE		*f;
	char		*path;
	char		*buf;		/* stdio buffer, freed after fclose */
	uint64_t	 start_ns;
	uint64_t	 flushed_ms;	/* monotonic time of the last flush */
	int		 err;		/* first errno seen, 0 if none */
};

/* Fileobjects are written out at least this often (see report_add). */
#define REPORT_FLUSH_MS	100

static void	rp_fail(struct report *);
static void	rp_printf(struct report *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	rp_esc(struct report *, const char *);
static void	rp_elem(struct report *, const char *, const char *,
		    const char *);
static void	rp_time(struct report *, uint64_t, bool);
static void	rp_mac(struct report *, const char *, const uint8_t *);
static int	rp_check(struct report *, bool, char *, size_t);

static void
rp_fail(struct report *r)
{
	if (r->err == 0)
		r->err = errno != 0 ? errno : EIO;
}

static void
rp_printf(struct report *r, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (r->err != 0)
		return;
	errno = 0;
	va_start(ap, fmt);
	n = vfprintf(r->f, fmt, ap);
	va_end(ap);
	if (n < 0)
		rp_fail(r);
}

/* Escaped text. */
static void
rp_esc(struct report *r, const char *s)
{
	if (r->err != 0)
		return;
	errno = 0;
	if (escape_xml(r->f, s) == -1)
		rp_fail(r);
}

/* "<indent><name>text</name>\n" with text escaped. */
static void
rp_elem(struct report *r, const char *indent, const char *name,
    const char *text)
{
	rp_printf(r, "%s<%s>", indent, name);
	rp_esc(r, text);
	rp_printf(r, "</%s>\n", name);
}

/*
 * ISO 8601 UTC time, tcpflow style: "2023-11-14T22:13:20Z", with
 * ".uuuuuu" microseconds before the Z only if frac and they are non-zero.
 */
static void
rp_time(struct report *r, uint64_t ns, bool frac)
{
	struct tm	 tm;
	time_t		 t;
	char		 b[64];
	unsigned	 us;

	t = (time_t)(ns / 1000000000ULL);
	us = (unsigned)(ns % 1000000000ULL / 1000);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		snprintf(b, sizeof(b), "1970-01-01T00:00:00");
	if (frac && us != 0)
		rp_printf(r, "%s.%06uZ", b, us);
	else
		rp_printf(r, "%sZ", b);
}

static void
rp_mac(struct report *r, const char *name, const uint8_t *m)
{
	rp_printf(r, " %s='%02x:%02x:%02x:%02x:%02x:%02x'", name,
	    m[0], m[1], m[2], m[3], m[4], m[5]);
}

/*
 * Flush (if flush) and turn a latched error into -1 and a message.
 */
static int
rp_check(struct report *r, bool flush, char *err, size_t errlen)
{
	if (r->err == 0 && flush) {
		errno = 0;
		if (fflush(r->f) == EOF)
			rp_fail(r);
	}
	if (r->err == 0 && ferror(r->f)) {
		r->err = EIO;
	}
	if (r->err != 0) {
		snprintf(err, errlen, "%s: %s", r->path, strerror(r->err));
		return (-1);
	}
	return (0);
}

/* Create path, write and flush the header; NULL and a message on failure. */
struct report *
report_open(const char *path, const struct report_info *info, char *err,
    size_t errlen)
{
	struct report	*r;
	struct utsname	 u;
	struct passwd	 pw, *pwp;
	char		 pwbuf[1024];
	uid_t		 uid;

	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->path = strdup(path)) == NULL ||
	    (r->buf = malloc(REPORT_BUFSIZE)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		goto fail;
	}
	if ((r->f = fopen(path, "we")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (setvbuf(r->f, r->buf, _IOFBF, REPORT_BUFSIZE) != 0) {
		/* stdio keeps its own buffer; ours is simply unused */
		free(r->buf);
		r->buf = NULL;
	}
	r->start_ns = info->start_ns;

	rp_printf(r, "<?xml version='1.0' encoding='UTF-8'?>\n"
	    "<dfxml xmloutputversion='1.0'>\n"
	    "  <metadata \n"
	    "  xmlns='http://afflib.org/tcpflow/' \n"
	    "  xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance' \n"
	    "  xmlns:dc='http://purl.org/dc/elements/1.1/'>\n"
	    "    <dc:type>Feature Extraction</dc:type>\n"
	    "  </metadata>\n"
	    "  <creator version='1.0'>\n"
	    "    <program>flowscope</program>\n");
	rp_elem(r, "    ", "version",
	    info->version != NULL ? info->version : "");
	rp_printf(r, "    <build_environment>\n");
#ifdef __VERSION__
	rp_elem(r, "      ", "compiler", __VERSION__);
#endif
	rp_printf(r, "    </build_environment>\n"
	    "    <execution_environment>\n");
	if (uname(&u) == 0) {
		rp_elem(r, "      ", "os_sysname", u.sysname);
		rp_elem(r, "      ", "os_release", u.release);
		rp_elem(r, "      ", "os_version", u.version);
		rp_elem(r, "      ", "host", u.nodename);
		rp_elem(r, "      ", "arch", u.machine);
	}
	rp_elem(r, "      ", "command_line",
	    info->command_line != NULL ? info->command_line : "");
	uid = getuid();
	rp_printf(r, "      <uid>%lu</uid>\n", (unsigned long)uid);
	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &pwp) == 0 &&
	    pwp != NULL)
		rp_elem(r, "      ", "username", pw.pw_name);
	rp_printf(r, "      <start_time>");
	rp_time(r, info->start_ns, false);
	rp_printf(r, "</start_time>\n"
	    "    </execution_environment>\n"
	    "  </creator>\n"
	    "  <configuration>\n"
	    "  </configuration>\n"
	    "  <tdelta>%lld</tdelta>\n"
	    "  <configuration>\n", (long long)info->tdelta);
	if (rp_check(r, true, err, errlen) == -1) {
		fclose(r->f);
		goto fail;
	}
	return (r);

fail:
	if (r != NULL) {
		free(r->buf);
		free(r->path);
		free(r);
	}
	return (NULL);
}

/* Append one fileobject and flush it; -1 and a message on a write error. */
int
report_add(struct report *r, const struct report_dir *d, char *err,
    size_t errlen)
{
	char	 a[64];
	uint64_t now;

	rp_printf(r, "    <fileobject>\n");
	if (d->filename != NULL)
		rp_elem(r, "      ", "filename", d->filename);
	rp_printf(r, "      <filesize>%llu</filesize>\n",
	    (unsigned long long)d->filesize);

	/* tcpflow's attributes, in tcpflow's order */
	rp_printf(r, "      <tcpflow startime='");
	rp_time(r, d->first_ns, true);
	rp_printf(r, "' endtime='");
	rp_time(r, d->last_ns, true);
	rp_printf(r, "'");
	if (d->has_mac) {
		rp_mac(r, "mac_daddr", d->mac_dst);
		rp_mac(r, "mac_saddr", d->mac_src);
	}
	rp_printf(r, " family='%d'", d->af == FS_AF_INET6 ?
	    REPORT_FAMILY_INET6 : REPORT_FAMILY_INET);
	flow_addr_text(d->af, d->src, a);
	rp_printf(r, " src_ipn='%s'", a);
	flow_addr_text(d->af, d->dst, a);
	rp_printf(r, " dst_ipn='%s'", a);
	rp_printf(r, " srcport='%u' dstport='%u' packets='%llu'",
	    (unsigned)d->sport, (unsigned)d->dport,
	    (unsigned long long)d->packets);
	if (d->out_of_order != 0)
		rp_printf(r, " out_of_order_count='%llu'",
		    (unsigned long long)d->out_of_order);
	if (d->violations != 0)
		rp_printf(r, " violations='%llu'",
		    (unsigned long long)d->violations);
	rp_printf(r, " len='%llu'", (unsigned long long)d->len);
	if (d->caplen != d->len)
		rp_printf(r, " caplen='%llu'", (unsigned long long)d->caplen);
	rp_printf(r, " />\n");

	/* our additions */
	rp_printf(r, "      <flowscope conn_id='%llu' instance='%lu' "
	    "side='%s'", (unsigned long long)d->conn_id,
	    (unsigned long)d->instance, d->is_client ? "client" : "server");
	if (d->has_vlan)
		rp_printf(r, " vlan='%u'", (unsigned)d->vlan);
	rp_printf(r, " holes='%llu' hole_bytes='%llu' overlaps='%llu' "
	    "overlap_bytes='%llu'", (unsigned long long)d->holes,
	    (unsigned long long)d->hole_bytes,
	    (unsigned long long)d->overlaps,
	    (unsigned long long)d->overlap_bytes);
	if (d->truncated_bytes != 0)
		rp_printf(r, " truncated_bytes='%llu'",
		    (unsigned long long)d->truncated_bytes);
	if (d->close_reason != NULL) {
		rp_printf(r, " close='");
		rp_esc(r, d->close_reason);
		rp_printf(r, "'");
	}
	rp_printf(r, " />\n"
	    "    </fileobject>\n");
	/*
	 * Whole fileobjects reach the file at most REPORT_FLUSH_MS apart (and
	 * on report_flush), not one write per flow: 400,000 short connections
	 * made that write() a quarter of the run.
	 */
	now = clock_coarse_ms();
	if (now - r->flushed_ms < REPORT_FLUSH_MS)
		return (rp_check(r, false, err, errlen));
	r->flushed_ms = now;
	return (rp_check(r, true, err, errlen));
}

int
report_flush(struct report *r, char *err, size_t errlen)
{
	r->flushed_ms = clock_coarse_ms();
	return (rp_check(r, true, err, errlen));
}

/* Write the trailer, close and free r (always); -1 on a write error. */
int
report_close(struct report *r, const struct report_summary *s, char *err,
    size_t errlen)
{
	struct rusage	 ru;
	uint64_t	 clk, now;
	size_t		 i;
	int		 rv;

	rp_printf(r, "  </configuration>\n");
	if (s->ncounters == 0 && !s->interrupted)
		rp_printf(r, "  <summary />\n");
	else {
		rp_printf(r, "  <summary>\n");
		for (i = 0; i < s->ncounters; i++) {
			rp_printf(r, "    <counter name='");
			rp_esc(r, s->counter_names[i]);
			rp_printf(r, "'>%llu</counter>\n",
			    (unsigned long long)s->counter_values[i]);
		}
		if (s->interrupted)
			rp_printf(r, "    <interrupted />\n");
		rp_printf(r, "  </summary>\n");
	}
	rp_printf(r, "  <open_fds_at_end>%llu</open_fds_at_end>\n"
	    "  <max_open_flows>%llu</max_open_flows>\n"
	    "  <total_flows>%llu</total_flows>\n"
	    "  <flow_map_size>%llu</flow_map_size>\n"
	    "  <total_packets>%llu</total_packets>\n",
	    (unsigned long long)s->open_fds_at_end,
	    (unsigned long long)s->max_open_flows,
	    (unsigned long long)s->total_flows,
	    (unsigned long long)s->flow_map_size,
	    (unsigned long long)s->total_packets);
	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		now = clock_real_ns();
		clk = now > r->start_ns ? now - r->start_ns : 0;
		rp_printf(r, "  <rusage>\n"
		    "    <utime>%lld.%06ld</utime>\n"
		    "    <stime>%lld.%06ld</stime>\n"
		    "    <maxrss>%ld</maxrss>\n"
		    "    <minflt>%ld</minflt>\n"
		    "    <majflt>%ld</majflt>\n"
		    "    <nswap>%ld</nswap>\n"
		    "    <inblock>%ld</inblock>\n"
		    "    <oublock>%ld</oublock>\n"
		    "    <clocktime>%llu.%06llu</clocktime>\n"
		    "  </rusage>\n",
		    (long long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec,
		    (long long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec,
		    ru.ru_maxrss, ru.ru_minflt, ru.ru_majflt, ru.ru_nswap,
		    ru.ru_inblock, ru.ru_oublock,
		    (unsigned long long)(clk / 1000000000ULL),
		    (unsigned long long)(clk % 1000000000ULL / 1000));
	}
	rp_printf(r, "</dfxml>\n");
	rv = rp_check(r, true, err, errlen);
	errno = 0;
	if (fclose(r->f) == EOF && rv == 0) {
		snprintf(err, errlen, "%s: %s", r->path,
		    strerror(errno != 0 ? errno : EIO));
		rv = -1;
	}
	free(r->buf);
	free(r->path);
	free(r);
	return (rv);
}
