/*
 * test-report.c: report.xml is well-formed (parsed back with expat), has
 * tcpflow's structure and attributes, is a parseable prefix after every
 * report_add (as after a SIGKILL), and reports write errors (/dev/full,
 * RLIMIT_FSIZE) as -1 with a message naming the file.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "report.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <expat.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"
#include "tap.h"

#define MAXOBJ	8

/* What the parser saw. */
struct seen {
	int	 depth;
	int	 fileobjects;
	int	 nconfig;		/* <configuration> elements */
	int	 fo_in_config;		/* fileobjects inside a configuration */
	bool	 in_config;
	bool	 has_filename[MAXOBJ];
	char	 tcpflow[MAXOBJ][1024];	/* attributes as "k=v k=v" */
	char	 flowscope[MAXOBJ][1024];
	char	*text;			/* text of the current element */
	size_t	 textlen;
	char	 command_line[256];
	char	 filename[MAXOBJ][256];
	char	 counters[256];
	bool	 interrupted;
	bool	 has_rusage;
	char	 total_flows[256];
	char	 tdelta[256];
};

static void	 append(char *, size_t, const char *);
static void	 attrs_text(char *, size_t, const XML_Char **);
static void	 on_start(void *, const XML_Char *, const XML_Char **);
static void	 on_end(void *, const XML_Char *);
static void	 on_text(void *, const XML_Char *, int);
static bool	 parse(const char *, size_t, struct seen *);
static char	*slurp(const char *, size_t *);

/* Append src to the string in dst (size len), cutting it if needed. */
static void
append(char *dst, size_t len, const char *src)
{
	size_t	 used, n;

	used = strlen(dst);
	n = strlen(src);
	if (n > len - used - 1)
		n = len - used - 1;
	memcpy(dst + used, src, n);
	dst[used + n] = '\0';
}

static void
attrs_text(char *buf, size_t len, const XML_Char **a)
{
	size_t	 n;
	int	 i;

	buf[0] = '\0';
	n = 0;
	for (i = 0; a[i] != NULL; i += 2)
		n += (size_t)snprintf(buf + n, len - n, "%s%s=%s",
		    i == 0 ? "" : " ", a[i], a[i + 1]);
}

static void
on_start(void *u, const XML_Char *name, const XML_Char **a)
{
	struct seen	*s = u;
	int		 k;

	s->depth++;
	s->textlen = 0;
	k = s->fileobjects - 1;
	if (strcmp(name, "configuration") == 0) {
		s->nconfig++;
		s->in_config = true;
	} else if (strcmp(name, "fileobject") == 0) {
		s->fileobjects++;
		if (s->in_config)
			s->fo_in_config++;
	} else if (strcmp(name, "filename") == 0 && k >= 0 && k < MAXOBJ)
		s->has_filename[k] = true;
	else if (strcmp(name, "tcpflow") == 0 && k >= 0 && k < MAXOBJ)
		attrs_text(s->tcpflow[k], sizeof(s->tcpflow[k]), a);
	else if (strcmp(name, "flowscope") == 0 && k >= 0 && k < MAXOBJ)
		attrs_text(s->flowscope[k], sizeof(s->flowscope[k]), a);
	else if (strcmp(name, "counter") == 0) {
		attrs_text(s->counters + strlen(s->counters),
		    sizeof(s->counters) - strlen(s->counters), a);
		append(s->counters, sizeof(s->counters), ":");
	} else if (strcmp(name, "interrupted") == 0)
		s->interrupted = true;
	else if (strcmp(name, "rusage") == 0)
		s->has_rusage = true;
}

static void
on_end(void *u, const XML_Char *name)
{
	struct seen	*s = u;
	char		 t[256];
	size_t		 n;
	int		 k;

	s->depth--;
	n = s->textlen < sizeof(t) - 1 ? s->textlen : sizeof(t) - 1;
	memcpy(t, s->text != NULL ? s->text : "", n);
	t[n] = '\0';
	k = s->fileobjects - 1;
	if (strcmp(name, "configuration") == 0)
		s->in_config = false;
	else if (strcmp(name, "command_line") == 0)
		strcpy(s->command_line, t);
	else if (strcmp(name, "filename") == 0 && k >= 0 && k < MAXOBJ)
		strcpy(s->filename[k], t);
	else if (strcmp(name, "counter") == 0)
		append(s->counters, sizeof(s->counters), t);
	else if (strcmp(name, "total_flows") == 0)
		snprintf(s->total_flows, sizeof(s->total_flows), "%s", t);
	else if (strcmp(name, "tdelta") == 0)
		snprintf(s->tdelta, sizeof(s->tdelta), "%s", t);
	s->textlen = 0;
}

static void
on_text(void *u, const XML_Char *txt, int len)
{
	struct seen	*s = u;

	s->text = realloc(s->text, s->textlen + (size_t)len + 1);
	if (s->text == NULL)
		abort();
	memcpy(s->text + s->textlen, txt, (size_t)len);
	s->textlen += (size_t)len;
}

/* Parse a whole document; false (with a diagnostic) if not well-formed. */
static bool
parse(const char *doc, size_t len, struct seen *s)
{
	XML_Parser	 p;
	bool		 ok;

	memset(s, 0, sizeof(*s));
	p = XML_ParserCreate(NULL);
	XML_SetUserData(p, s);
	XML_SetElementHandler(p, on_start, on_end);
	XML_SetCharacterDataHandler(p, on_text);
	ok = XML_Parse(p, doc, (int)len, 1) == XML_STATUS_OK;
	if (!ok)
		tap_diag("expat: %s at line %lu",
		    XML_ErrorString(XML_GetErrorCode(p)),
		    (unsigned long)XML_GetCurrentLineNumber(p));
	XML_ParserFree(p);
	free(s->text);
	s->text = NULL;
	return (ok);
}

/* Read a file, leaving room to append a closing tail. */
static char *
slurp(const char *path, size_t *lenp)
{
	FILE	*f;
	char	*buf;
	size_t	 n, cap;

	if ((f = fopen(path, "r")) == NULL)
		return (NULL);
	cap = 1 << 20;
	if ((buf = malloc(cap)) == NULL)
		abort();
	n = fread(buf, 1, cap - 256, f);
	fclose(f);
	buf[n] = '\0';
	*lenp = n;
	return (buf);
}

static const char tail[] = "  </configuration>\n</dfxml>\n";
static const char prolog[] = "<?xml version='1.0' encoding='UTF-8'?>\n"
    "<dfxml xmloutputversion='1.0'>\n  <metadata \n";

int
main(void)
{
	static const char *const names[] = { "ip_bad_checksum",
	    "tcp_trunc&<x>" };
	static const uint64_t values[] = { 3, 0 };
	struct report_info	 info;
	struct report_summary	 sum;
	struct report_dir	 d[3];
	struct report		*r;
	struct seen		 s;
	struct rlimit		 rl, old;
	struct stat		 st;
	char			 dir[] = "/tmp/test-report.XXXXXX";
	char			 path[256], err[512], err2[512], err3[512];
	char			*doc;
	size_t			 len;
	int			 i, n, rv, rv2, rv3;

	tap_plan_none();
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return (1);
	}
	snprintf(path, sizeof(path), "%s/report.xml", dir);

	memset(&info, 0, sizeof(info));
	info.command_line = "flowscope -r a&b.pcap -T 'x<%c>' \"q\" \x1b[2J";
	info.version = "0.1";
	info.start_ns = 1700000000ULL * 1000000000ULL;
	info.tdelta = -3600;

	memset(d, 0, sizeof(d));
	/* IPv4 with MACs, whole-second start, 5 ms end */
	d[0].filename = "out/010.000.000.001.01234-010.000.000.002.00080";
	d[0].filesize = 47;
	d[0].first_ns = 1700000000ULL * 1000000000ULL;
	d[0].last_ns = d[0].first_ns + 5000000;
	d[0].has_mac = true;
	memcpy(d[0].mac_src, "\x02\x00\x00\x00\x00\x01", 6);
	memcpy(d[0].mac_dst, "\x02\x00\x00\x00\x00\xab", 6);
	d[0].af = FS_AF_INET;
	memcpy(d[0].src, "\x0a\x00\x00\x01", 4);
	memcpy(d[0].dst, "\x0a\x00\x00\x02", 4);
	d[0].sport = 1234;
	d[0].dport = 80;
	d[0].packets = 4;
	d[0].len = 263;
	d[0].caplen = 263;
	d[0].conn_id = 1;
	d[0].is_client = true;
	d[0].close_reason = "fin";
	/* IPv6 without MACs, counters set, snaplen-cut */
	d[1].filename = "out/2001:db8::2.00443-2001:db8::1.40000c1";
	d[1].filesize = 1000;
	d[1].first_ns = 1700000000ULL * 1000000000ULL + 8000000;
	d[1].last_ns = d[1].first_ns + 123456789;
	d[1].af = FS_AF_INET6;
	memcpy(d[1].src, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
	memcpy(d[1].dst, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	d[1].sport = 443;
	d[1].dport = 40000;
	d[1].packets = 9;
	d[1].out_of_order = 1;
	d[1].violations = 2;
	d[1].len = 416;
	d[1].caplen = 356;
	d[1].holes = 1;
	d[1].hole_bytes = 100;
	d[1].overlaps = 2;
	d[1].overlap_bytes = 7;
	d[1].conn_id = 2;
	d[1].instance = 1;
	d[1].close_reason = "rst";
	/* VLAN, no file (-FX), sub-microsecond times */
	d[2].filename = NULL;
	d[2].first_ns = 1700000000ULL * 1000000000ULL + 999;
	d[2].last_ns = 1700000001ULL * 1000000000ULL + 1000;
	d[2].af = FS_AF_INET;
	memcpy(d[2].src, "\xc0\xa8\x01\x0a", 4);
	memcpy(d[2].dst, "\xc0\xa8\x01\x14", 4);
	d[2].sport = 5555;
	d[2].dport = 25;
	d[2].has_vlan = true;
	d[2].vlan = 10;
	d[2].packets = 1;
	d[2].len = 60;
	d[2].caplen = 60;
	d[2].truncated_bytes = 5;
	d[2].conn_id = 3;
	d[2].is_client = true;

	r = report_open(path, &info, err, sizeof(err));
	if (!tap_ok(r != NULL, "report_open"))
		tap_diag("%s", err);
	if (r == NULL)
		return (tap_done());

	/* the header alone, closed by hand, is well-formed */
	doc = slurp(path, &len);
	tap_ok(doc != NULL && len > 0, "header flushed by report_open");
	if (doc != NULL) {
		memcpy(doc + len, tail, sizeof(tail));
		tap_ok(parse(doc, len + sizeof(tail) - 1, &s) &&
		    s.fileobjects == 0, "header + tail parses");
		free(doc);
	}

	for (i = 0; i < 3; i++) {
		rv = report_add(r, &d[i], err, sizeof(err));
		if (rv == 0)
			rv = report_flush(r, err, sizeof(err));
		if (!tap_is_int(rv, 0, "report_add + report_flush"))
			tap_diag("%s", err);
		/* as if killed now: the file ends on a whole fileobject */
		doc = slurp(path, &len);
		if (doc == NULL) {
			tap_ok(false, "read back");
			continue;
		}
		tap_ok(len > 18 &&
		    strcmp(doc + len - 18, "    </fileobject>\n") == 0,
		    "after add %d the file ends with </fileobject>", i + 1);
		memcpy(doc + len, tail, sizeof(tail));
		n = parse(doc, len + sizeof(tail) - 1, &s) ? s.fileobjects : -1;
		tap_ok(n == i + 1, "prefix after add %d + tail parses, "
		    "%d fileobjects", i + 1, n);
		free(doc);
	}

	memset(&sum, 0, sizeof(sum));
	sum.total_flows = 3;
	sum.total_packets = 14;
	sum.max_open_flows = 2;
	sum.counter_names = names;
	sum.counter_values = values;
	sum.ncounters = 2;
	sum.interrupted = true;
	rv = report_close(r, &sum, err, sizeof(err));
	if (!tap_is_int(rv, 0, "report_close"))
		tap_diag("%s", err);

	doc = slurp(path, &len);
	tap_ok(doc != NULL && parse(doc, len, &s), "complete report parses");
	tap_ok(doc != NULL && strncmp(doc, prolog, strlen(prolog)) == 0,
	    "prolog as tcpflow");
	tap_ok(doc != NULL && strstr(doc, "<program>flowscope</program>") &&
	    strstr(doc, "<version>0.1</version>") &&
	    strstr(doc, "<start_time>2023-11-14T22:13:20Z</start_time>") &&
	    strstr(doc, "<os_sysname>") && strstr(doc, "<uid>"),
	    "creator block");
	tap_is_int(s.fileobjects, 3, "three fileobjects");
	tap_is_int(s.nconfig, 2, "two configuration elements");
	tap_is_int(s.fo_in_config, 3, "fileobjects inside configuration");
	tap_is_str(s.tdelta, "-3600", "tdelta");
	tap_is_str(s.command_line,
	    "flowscope -r a&b.pcap -T 'x<%c>' \"q\" ?[2J",
	    "command line round-trips, ESC made safe");
	tap_is_str(s.filename[0], d[0].filename, "filename 1");
	tap_is_str(s.filename[1], d[1].filename, "filename 2 (IPv6)");
	tap_ok(s.has_filename[0] && s.has_filename[1] && !s.has_filename[2],
	    "no <filename> for a NULL filename");
	tap_is_str(s.tcpflow[0], "startime=2023-11-14T22:13:20Z "
	    "endtime=2023-11-14T22:13:20.005000Z "
	    "mac_daddr=02:00:00:00:00:ab mac_saddr=02:00:00:00:00:01 "
	    "family=2 src_ipn=10.0.0.1 dst_ipn=10.0.0.2 srcport=1234 "
	    "dstport=80 packets=4 len=263", "tcpflow attributes, IPv4 + MAC");
	tap_is_str(s.tcpflow[1], "startime=2023-11-14T22:13:20.008000Z "
	    "endtime=2023-11-14T22:13:20.131456Z "
	    "family=10 src_ipn=2001:db8::2 dst_ipn=2001:db8::1 srcport=443 "
	    "dstport=40000 packets=9 out_of_order_count=1 violations=2 "
	    "len=416 caplen=356", "tcpflow attributes, IPv6, counters");
	tap_is_str(s.tcpflow[2], "startime=2023-11-14T22:13:20Z "
	    "endtime=2023-11-14T22:13:21.000001Z "
	    "family=2 src_ipn=192.168.1.10 dst_ipn=192.168.1.20 srcport=5555 "
	    "dstport=25 packets=1 len=60", "tcpflow attributes, sub-us time");
	tap_is_str(s.flowscope[0], "conn_id=1 instance=0 side=client "
	    "holes=0 hole_bytes=0 overlaps=0 overlap_bytes=0 close=fin",
	    "flowscope attributes 1");
	tap_is_str(s.flowscope[1], "conn_id=2 instance=1 side=server "
	    "holes=1 hole_bytes=100 overlaps=2 overlap_bytes=7 close=rst",
	    "flowscope attributes 2");
	tap_is_str(s.flowscope[2], "conn_id=3 instance=0 side=client "
	    "vlan=10 holes=0 hole_bytes=0 overlaps=0 overlap_bytes=0 "
	    "truncated_bytes=5", "flowscope attributes 3 (VLAN, no close)");
	tap_ok(doc != NULL && strstr(doc, "<filesize>0</filesize>") != NULL,
	    "filesize written without a filename");
	tap_is_str(s.counters, "name=ip_bad_checksum:3name=tcp_trunc&<x>:0",
	    "summary counters, names escaped");
	tap_ok(s.interrupted, "interrupted flag");
	tap_ok(s.has_rusage, "rusage");
	tap_is_str(s.total_flows, "3", "total_flows");
	tap_ok(doc != NULL && strstr(doc, "<flow_map_size>0</flow_map_size>")
	    && strstr(doc, "<max_open_flows>2</max_open_flows>") &&
	    strstr(doc, "<total_packets>14</total_packets>") &&
	    strstr(doc, "<open_fds_at_end>0</open_fds_at_end>") &&
	    strstr(doc, "<clocktime>"), "trailer totals");
	tap_ok(doc != NULL && len > 9 &&
	    strcmp(doc + len - 9, "</dfxml>\n") == 0, "ends with </dfxml>");
	free(doc);

	/* an empty run: <summary /> as tcpflow writes it */
	r = report_open(path, &info, err, sizeof(err));
	memset(&sum, 0, sizeof(sum));
	rv = r == NULL ? -2 : report_close(r, &sum, err, sizeof(err));
	doc = slurp(path, &len);
	tap_ok(rv == 0 && doc != NULL && parse(doc, len, &s) &&
	    s.fileobjects == 0 && strstr(doc, "<summary />") != NULL,
	    "empty run parses, <summary />");
	free(doc);

	/* disk full at open: the header cannot be flushed */
	err[0] = '\0';
	r = report_open("/dev/full", &info, err, sizeof(err));
	tap_ok(r == NULL && strcmp(err, "/dev/full: No space left on device")
	    == 0, "/dev/full: report_open fails: %s", err);
	/* a path that cannot be created */
	r = report_open("/nonexistent-dir/report.xml", &info, err,
	    sizeof(err));
	tap_ok(r == NULL && strstr(err, "/nonexistent-dir/report.xml: ") ==
	    err, "missing directory: %s", err);

	/* a write error in report_add (file size limit), then close */
	signal(SIGXFSZ, SIG_IGN);
	r = report_open(path, &info, err, sizeof(err));
	if (r != NULL && stat(path, &st) == 0 &&
	    getrlimit(RLIMIT_FSIZE, &old) == 0) {
		rl = old;
		rl.rlim_cur = (rlim_t)st.st_size + 700;
		setrlimit(RLIMIT_FSIZE, &rl);
		/* stdout may be a file too: restore the limit before TAP */
		rv = 0;
		for (i = 0; i < 10 && rv == 0; i++) {
			rv = report_add(r, &d[i % 3], err, sizeof(err));
			if (rv == 0)
				rv = report_flush(r, err, sizeof(err));
		}
		rv2 = report_add(r, &d[0], err2, sizeof(err2));
		memset(&sum, 0, sizeof(sum));
		rv3 = report_close(r, &sum, err3, sizeof(err3));
		setrlimit(RLIMIT_FSIZE, &old);
		tap_ok(rv == -1 && strstr(err, path) == err &&
		    strstr(err, "File too large") != NULL,
		    "report_add/report_flush write error: %s", rv == -1 ? err : "none");
		tap_is_int(rv2, -1, "later report_add fails too");
		tap_ok(rv3 == -1 && strstr(err3, path) == err3,
		    "report_close after error: %s", err3);
	} else
		tap_skip("setup failed", "report_add write error");

	/* a write error in report_close only */
	r = report_open(path, &info, err, sizeof(err));
	rv = r == NULL ? -2 : report_add(r, &d[0], err, sizeof(err));
	if (rv == 0 && stat(path, &st) == 0 &&
	    getrlimit(RLIMIT_FSIZE, &old) == 0) {
		rl = old;
		rl.rlim_cur = (rlim_t)st.st_size + 10;
		setrlimit(RLIMIT_FSIZE, &rl);
		rv = report_close(r, &sum, err, sizeof(err));
		setrlimit(RLIMIT_FSIZE, &old);
		tap_ok(rv == -1 && strstr(err, path) == err &&
		    strstr(err, "File too large") != NULL,
		    "report_close write error: %s", err);
	} else
		tap_skip("setup failed", "report_close write error");

	unlink(path);
	rmdir(dir);
	return (tap_done());
}
