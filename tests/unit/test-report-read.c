/*
 * test-report-read.c: report.xml read back: tcpflow 1.6.1's (committed test
 * data, tests/netviz/tcpflow-http_browse/report.xml) pairs into its six
 * connections with the right bytes and clients; flowscope's (written here
 * with report.h) pairs by conn_id and side; garbage attributes are skipped
 * and counted; a truncated report gives "path:LINE:COLUMN: ..." and the
 * fileobjects before the cut; stream paths never leave the directory.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "report-read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"
#include "report.h"
#include "tap.h"

static char tmpdir[] = "/tmp/test-report-read-XXXXXX";

static void
test_tcpflow(const char *path)
{
	struct report_data *rd;
	char err[1024];
	uint64_t len = 0;
	size_t i, good = 0;
	int rv;

	rv = report_read(path, &rd, err, sizeof err);
	if (!tap_is_int(rv, 0, "tcpflow report reads")) {
		tap_diag("%s", err);
		report_data_free(rd);
		return;
	}
	tap_is_int((long long)rd->nflows, 12, "12 fileobjects");
	tap_is_int((long long)rd->nconns, 6, "6 connections");
	tap_is_str(rd->program, "TCPFLOW", "program");
	for (i = 0; i < rd->nconns; i++) {
		const struct report_conn *c = &rd->conns[i];

		if (c->dir[0] < 0 || c->dir[1] < 0)
			continue;
		len += rd->flows[c->dir[0]].len + rd->flows[c->dir[1]].len;
		if (rd->flows[c->dir[0]].dport == 80 &&
		    rd->flows[c->dir[1]].sport == 80 &&
		    rd->flows[c->dir[0]].sport == rd->flows[c->dir[1]].dport &&
		    rd->flows[c->dir[0]].af == 4 &&
		    rd->flows[c->dir[0]].first_ns != 0)
			good++;
	}
	tap_is_int((long long)good, 6, "each pairs client->80 with 80->client");
	tap_is_int((long long)len, 17949, "frame bytes (len) add up");
	tap_ok(rd->nconns > 0 && rd->flows[rd->conns[0].dir[0]].first_ns ==
	    1320329757458867000ull, "startime parsed to ns (%llu)",
	    rd->nconns > 0 ? (unsigned long long)rd->flows[
	    rd->conns[0].dir[0]].first_ns : 0ull);
	report_data_free(rd);
}

static void
test_truncated(const char *path)
{
	struct report_data *rd;
	char err[1024], cut[256], *buf;
	FILE *f;
	long n;
	int rv;

	f = fopen(path, "rb");
	if (f == NULL) {
		tap_ok(false, "open %s", path);
		return;
	}
	buf = malloc(1 << 20);
	n = (long)fread(buf, 1, 1 << 20, f);
	fclose(f);
	snprintf(cut, sizeof cut, "%s/cut.xml", tmpdir);
	f = fopen(cut, "wb");
	fwrite(buf, 1, (size_t)(n * 6 / 10), f);
	fclose(f);
	free(buf);
	rv = report_read(cut, &rd, err, sizeof err);
	tap_is_int(rv, 1, "truncated report: malformed");
	tap_ok(strncmp(err, cut, strlen(cut)) == 0 && strchr(err +
	    strlen(cut) + 1, ':') != NULL && err[strlen(cut)] == ':',
	    "error names path:line:column: %s", err);
	tap_ok(rd != NULL && rd->nflows > 0 && rd->nflows < 12,
	    "what was before the cut is returned (%zu fileobjects)",
	    rd != NULL ? rd->nflows : 0);
	report_data_free(rd);
	unlink(cut);
}

static void
test_garbage(void)
{
	static const char xml[] =
	    "<?xml version='1.0'?>\n<dfxml><configuration/><configuration>\n"
	    "<fileobject><filename>a</filename><filesize>zz</filesize>\n"
	    "<tcpflow startime='yesterday' endtime='2011-11-03T14:16:12Z' "
	    "family='2' src_ipn='10.0.0.1' dst_ipn='300.1.1.1' srcport='-5' "
	    "dstport='80' packets='1e3' len='100'/></fileobject>\n"
	    "<fileobject><tcpflow src_ipn='::1' dst_ipn='::2' srcport='1' "
	    "dstport='2' len='7'/></fileobject>\n"
	    "</configuration></dfxml>\n";
	struct report_data *rd;
	char path[256], err[512];
	FILE *f;
	int rv;

	snprintf(path, sizeof path, "%s/garbage.xml", tmpdir);
	f = fopen(path, "w");
	fputs(xml, f);
	fclose(f);
	rv = report_read(path, &rd, err, sizeof err);
	tap_is_int(rv, 0, "garbage attributes are not an error");
	tap_is_int((long long)rd->nflows, 2, "both fileobjects kept");
	tap_ok(rd->bad_attrs >= 5, "bad attributes counted (%llu)",
	    (unsigned long long)rd->bad_attrs);
	tap_is_int(rd->flows[0].len, 100, "good attributes still read");
	tap_is_int(rd->flows[1].af, 6, "IPv6 addresses");
	report_data_free(rd);
	unlink(path);
}

static void
test_flowscope(void)
{
	struct report_info ri;
	struct report_summary sum;
	struct report_dir d;
	struct report *r;
	struct report_data *rd;
	char path[256], err[512];
	int i, ok = 0;

	snprintf(path, sizeof path, "%s/report.xml", tmpdir);
	memset(&ri, 0, sizeof ri);
	ri.command_line = "flowscope -r x";
	ri.version = "0";
	r = report_open(path, &ri, err, sizeof err);
	if (r == NULL) {
		tap_ok(false, "report_open: %s", err);
		return;
	}
	/* Two connections on the same 4-tuple (port reuse), out of order. */
	for (i = 0; i < 4; i++) {
		bool client = i == 1 || i == 2;

		memset(&d, 0, sizeof d);
		d.filename = "x";
		d.af = FS_AF_INET;
		d.src[0] = client ? 10 : 192;
		d.dst[0] = client ? 192 : 10;
		d.sport = client ? 5555 : 80;
		d.dport = client ? 80 : 5555;
		d.conn_id = (uint64_t)(i < 2 ? 7 : 9);
		d.is_client = client;
		d.first_ns = (d.conn_id == 7 ? 1 : 100) * 1000000000ull;
		d.last_ns = d.first_ns + 5000000000ull;
		d.len = 1000u * (unsigned)(i + 1);
		d.packets = 3;
		d.close_reason = "fin";
		report_add(r, &d, err, sizeof err);
	}
	memset(&sum, 0, sizeof sum);
	report_close(r, &sum, err, sizeof err);
	tap_is_int(report_read(path, &rd, err, sizeof err), 0,
	    "flowscope report reads");
	tap_is_int((long long)rd->nconns, 2, "paired by conn_id: 2 connections");
	for (i = 0; i < (int)rd->nconns; i++) {
		const struct report_conn *c = &rd->conns[i];

		if (c->dir[0] >= 0 && c->dir[1] >= 0 &&
		    rd->flows[c->dir[0]].side == 0 &&
		    rd->flows[c->dir[0]].sport == 5555 &&
		    rd->flows[c->dir[0]].conn_id ==
		    rd->flows[c->dir[1]].conn_id)
			ok++;
	}
	tap_is_int(ok, 2, "client direction first, same conn_id");
	tap_ok(rd->nconns == 2 && rd->flows[rd->conns[0].dir[0]].len == 2000 &&
	    rd->flows[rd->conns[0].dir[1]].len == 1000,
	    "first connection's bytes");
	report_data_free(rd);
	unlink(path);
}

static void
test_paths(void)
{
	char out[256];

	tap_ok(report_read_stream_path("/tmp/x/../../etc/passwd", out,
	    sizeof out) == 0 && strcmp(out, "passwd") == 0,
	    "absolute and .. dropped: %s", out);
	tap_ok(report_read_stream_path("out/000/012/a-b", out, sizeof out) ==
	    0 && strcmp(out, "000/012/a-b") == 0, "-F bins kept: %s", out);
	tap_is_int(report_read_stream_path("..", out, sizeof out), -1, "..");
	tap_is_int(report_read_stream_path("a/", out, sizeof out), -1,
	    "empty last component");
	tap_is_int(report_read_stream_path("", out, sizeof out), -1, "empty");
}

int
main(void)
{
	const char *src = getenv("FLOWSCOPE_SRCDIR");
	char path[1024];

	tap_plan_none();
	if (mkdtemp(tmpdir) == NULL) {
		perror(tmpdir);
		return (99);
	}
	snprintf(path, sizeof path, "%s/tests/netviz/tcpflow-http_browse/"
	    "report.xml", src != NULL ? src : ".");
	test_tcpflow(path);
	test_truncated(path);
	test_garbage();
	test_flowscope();
	test_paths();
	rmdir(tmpdir);
	return (tap_done());
}
