/*
 * ui-export.c: the netviz picture of the listed connections; see
 * ui-export.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ui-export.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decode.h"

/* Frame bytes are not kept per row: payload plus a typical header. */
#define EXPORT_HDR_BYTES	54u

/* A name for a new file: base + suffix, or base-1 + suffix... */
static void
fresh_name(char *buf, size_t len, const char *base, const char *suffix)
{
	int i;

	snprintf(buf, len, "%s%s", base, suffix);
	for (i = 1; access(buf, F_OK) == 0 && i < 1000; i++)
		snprintf(buf, len, "%s-%d%s", base, i, suffix);
}

/* Row r as the accumulator's finished connection. */
static void
row_conn(const struct ui_row *r, struct netviz_conn *c)
{
	int cd = r->client, sd = r->client ^ 1;

	memset(c, 0, sizeof *c);
	c->af = r->key.af;
	memcpy(c->cli, cd == 0 ? r->key.a : r->key.b, 16);
	memcpy(c->srv, cd == 0 ? r->key.b : r->key.a, 16);
	c->cport = cd == 0 ? r->key.pa : r->key.pb;
	c->sport = cd == 0 ? r->key.pb : r->key.pa;
	c->first_ns = r->first_ns;
	c->last_ns = r->last_ns;
	c->payload[NETVIZ_C2S] = r->bytes[cd];
	c->payload[NETVIZ_S2C] = r->bytes[sd];
	c->packets[NETVIZ_C2S] = r->packets[cd];
	c->packets[NETVIZ_S2C] = r->packets[sd];
	c->bytes[NETVIZ_C2S] = r->bytes[cd] + (uint64_t)EXPORT_HDR_BYTES *
	    r->packets[cd];
	c->bytes[NETVIZ_S2C] = r->bytes[sd] + (uint64_t)EXPORT_HDR_BYTES *
	    r->packets[sd];
	c->holes = (r->flags & ROW_HOLES) ? 1 : 0;
}

int
ui_export_netviz(const struct ui_model *m, const struct ui_export_run *er,
    netviz_draw_fn draw, char *msg, size_t msglen)
{
	struct netviz_stats *nv;
	struct netviz_run run;
	struct netviz_conn c;
	char base[PATH_MAX], path[PATH_MAX + 16], input[512], err[512];
	time_t now = time(NULL);
	struct tm tm;
	size_t i, n = 0;
	int rv = 0;

	if (draw == NULL) {
		snprintf(msg, msglen, "This build draws no pictures");
		return (-1);
	}
	nv = netviz_stats_new();
	memset(&run, 0, sizeof run);
	for (i = 0; i < (m->nmarked > 0 ? m->nrows : m->nview); i++) {
		uint32_t id = m->nmarked > 0 ? (uint32_t)i : m->view[i];
		const struct ui_row *r = &m->rows[id];

		if (r->born_tick == 0 || (m->nmarked > 0 &&
		    !ui_model_marked(m, id)))
			continue;
		row_conn(r, &c);
		if (c.af == FS_AF_INET6)
			run.bytes_ipv6 += c.bytes[0] + c.bytes[1];
		else
			run.bytes_ipv4 += c.bytes[0] + c.bytes[1];
		netviz_stats_conn(nv, &c, true);
		n++;
	}
	snprintf(input, sizeof input, "%s (%zu connections%s%s%s)",
	    er->source, n, m->nmarked > 0 ? ", marked" : "",
	    m->nmarked == 0 && m->filter_text[0] != '\0' ? ", filter: " : "",
	    m->nmarked == 0 ? m->filter_text : "");
	run.input = input;
	run.live = er->live;
	run.drops = er->drops;
	run.malformed = er->malformed;
	netviz_stats_run(nv, &run);
	localtime_r(&now, &tm);
	if (er->outdir != NULL)
		snprintf(base, sizeof base, "%s/netviz", er->outdir);
	else
		strftime(base, sizeof base, "./flowscope-netviz-%Y%m%d-%H%M%S",
		    &tm);
	fresh_name(path, sizeof path, base, ".png");
	if (netviz_stats_draw(nv, draw, path, err, sizeof err) == -1) {
		snprintf(msg, msglen, "Picture failed: %s", err);
		rv = -1;
	} else
		snprintf(msg, msglen, "Picture of %zu connections: %s", n,
		    path);
	netviz_stats_free(nv);
	return (rv);
}
