/*
 * netviz-open.c: --open DIR; see netviz-open.h.
 *
 * Each paired connection feeds the statistics once, with its bytes spread
 * over its directions' first-to-last times (a report has no packet times),
 * so the throughput panel is an approximation and says so.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "netviz-open.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "report-read.h"

static void
feed(struct netviz_stats *s, const struct report_data *rd,
    struct netviz_run *r)
{
	const struct report_flow *f;
	struct netviz_conn c;
	size_t i;
	int d;

	for (i = 0; i < rd->nconns; i++) {
		memset(&c, 0, sizeof c);
		for (d = 0; d < 2; d++) {
			if (rd->conns[i].dir[d] < 0)
				continue;
			f = &rd->flows[rd->conns[i].dir[d]];
			if (c.af == 0) {
				/* Endpoints from the first direction seen. */
				c.af = f->af;
				memcpy(d == 0 ? c.cli : c.srv, f->src, 16);
				memcpy(d == 0 ? c.srv : c.cli, f->dst, 16);
				c.cport = d == 0 ? f->sport : f->dport;
				c.sport = d == 0 ? f->dport : f->sport;
			}
			if (c.first_ns == 0 || f->first_ns < c.first_ns)
				c.first_ns = f->first_ns;
			if (f->last_ns > c.last_ns)
				c.last_ns = f->last_ns;
			c.bytes[d] = f->len;
			c.payload[d] = f->filesize;
			c.packets[d] = f->packets;
			c.holes += f->holes;
			c.hole_bytes += f->hole_bytes;
			c.overlaps += f->overlaps;
			c.out_of_order += f->out_of_order;
		}
		if (c.af == 0)
			c.af = 4;
		if (c.af == 6)
			r->bytes_ipv6 += c.bytes[0] + c.bytes[1];
		else
			r->bytes_ipv4 += c.bytes[0] + c.bytes[1];
		netviz_stats_conn(s, &c, true);
	}
}

int
netviz_open_run(const struct opts *o, netviz_draw_fn draw)
{
	struct report_data *rd;
	struct netviz_stats *s;
	struct netviz_run r;
	char path[PATH_MAX], rpath[PATH_MAX], err[PATH_MAX + 256];
	int rv, status = 0;

	snprintf(rpath, sizeof rpath, "%s/report.xml", o->open_dir);
	rv = report_read(rpath, &rd, err, sizeof err);
	if (rv == -1) {
		log_warnx("%s", err);
		return (1);
	}
	if (rv == 1) {
		log_warnx("%s (using the %zu fileobjects before it)", err,
		    rd->nflows);
		status = 1;
	}
	log_debug("%s: %zu fileobjects, %zu connections, %llu bad attributes",
	    __func__, rd->nflows, rd->nconns,
	    (unsigned long long)rd->bad_attrs);
	if (o->netviz && draw != NULL) {
		s = netviz_stats_new();
		memset(&r, 0, sizeof r);
		feed(s, rd, &r);
		r.input = rpath;
		netviz_stats_run(s, &r);
		if (o->netviz_file != NULL)
			snprintf(path, sizeof path, "%s", o->netviz_file);
		else
			snprintf(path, sizeof path, "%s/report.png",
			    o->open_dir);
		if (netviz_stats_draw(s, draw, path, err, sizeof err) == -1) {
			log_warnx("%s", err);
			status = 1;
		}
		netviz_stats_free(s);
	}
	report_data_free(rd);
	return (status);
}
