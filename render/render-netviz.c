/*
 * render-netviz.c: the one-page netviz picture; see render-netviz.h.
 *
 * Layout is fixed in pixels of a 1600 x 2000 page; every section draws in
 * its band and every piece of text is measured (cairo_text_extents) and
 * ellipsized to the room it has, so nothing overlaps or leaves the page
 * whatever the numbers and names.  Text from the input (file names) is
 * reduced to printable ASCII before it reaches cairo, which wants UTF-8.
 * Fonts: "DejaVu Sans" through cairo's toy API (fontconfig picks the file).
 * Colours: the Okabe-Ito palette (distinguishable with the common colour
 * vision deficiencies, and in greyscale by lightness for neighbours).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "render-netviz.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "render-axis.h"

#define W	RENDER_NETVIZ_W
#define H	RENDER_NETVIZ_H
#define MARGIN	48.0
#define FONT	"DejaVu Sans"

#define ELLIPSIS	"\xe2\x80\xa6"	/* U+2026, UTF-8 */

struct rgb {
	double	 r, g, b;
};

/* Okabe-Ito, one per enum netviz_service. */
static const struct rgb svc_colour[NETVIZ_SVC_COUNT] = {
	[NETVIZ_SVC_HTTP] = { 0.000, 0.447, 0.698 },	/* blue */
	[NETVIZ_SVC_HTTPS] = { 0.835, 0.369, 0.000 },	/* vermillion */
	[NETVIZ_SVC_SSH] = { 0.000, 0.620, 0.451 },	/* bluish green */
	[NETVIZ_SVC_SMTP] = { 0.800, 0.475, 0.655 },	/* reddish purple */
	[NETVIZ_SVC_DNS] = { 0.941, 0.894, 0.259 },	/* yellow */
	[NETVIZ_SVC_FTP] = { 0.337, 0.706, 0.914 },	/* sky blue */
	[NETVIZ_SVC_MAIL] = { 0.902, 0.624, 0.000 },	/* orange */
	[NETVIZ_SVC_OTHER] = { 0.600, 0.600, 0.600 },	/* grey */
};
static const struct rgb c_text = { 0.12, 0.12, 0.12 };
static const struct rgb c_muted = { 0.40, 0.40, 0.40 };
static const struct rgb c_grid = { 0.86, 0.86, 0.86 };
static const struct rgb c_axis = { 0.30, 0.30, 0.30 };
static const struct rgb c_bar = { 0.000, 0.447, 0.698 };
static const struct rgb c_alert = { 0.835, 0.369, 0.000 };
static const struct rgb c_good = { 0.000, 0.620, 0.451 };
static const struct rgb c_band = { 0.965, 0.965, 0.965 };

enum align {
	AL_LEFT,
	AL_RIGHT,
	AL_CENTER
};

/* --- text ----------------------------------------------------------------- */

static void
colour(cairo_t *cr, const struct rgb *c)
{
	cairo_set_source_rgb(cr, c->r, c->g, c->b);
}

static void
font(cairo_t *cr, double size, bool bold)
{
	cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
	    bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

static double
text_w(cairo_t *cr, const char *s)
{
	cairo_text_extents_t te;

	cairo_text_extents(cr, s, &te);
	return (te.x_advance);
}

/* Printable ASCII only (input names may hold any bytes). */
static void
sanitize(char *dst, size_t len, const char *src)
{
	size_t i;

	for (i = 0; src[i] != '\0' && i + 1 < len; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? src[i] : '?';
	dst[i] = '\0';
}

/*
 * Fit s (UTF-8; printable ASCII when middle) into maxw: as is, or cut with an ellipsis at the
 * end (middle: keep both ends, for addresses and paths).
 */
static void
fit(cairo_t *cr, const char *s, double maxw, bool middle, char *out,
    size_t len)
{
	size_t n = strlen(s), keep, lo, hi;
	char tmp[1024];

	snprintf(out, len, "%s", s);
	if (maxw <= 0) {
		out[0] = '\0';
		return;
	}
	if (text_w(cr, out) <= maxw)
		return;
	/* Binary search for the most characters kept. */
	lo = 0;
	hi = n;
	while (lo < hi) {
		keep = (lo + hi + 1) / 2;
		if (middle)
			snprintf(tmp, sizeof tmp, "%.*s" ELLIPSIS "%s",
			    (int)(keep - keep / 2), s, s + n - keep / 2);
		else
			snprintf(tmp, sizeof tmp, "%.*s" ELLIPSIS, (int)keep, s);
		if (text_w(cr, tmp) <= maxw)
			lo = keep;
		else
			hi = keep - 1;
	}
	/* Never cut inside a UTF-8 sequence (middle: ASCII callers only). */
	while (lo > 0 && !middle && lo < n && ((unsigned char)s[lo] & 0xc0) ==
	    0x80)
		lo--;
	if (lo == 0 && text_w(cr, ELLIPSIS) > maxw)
		out[0] = '\0';
	else if (middle)
		snprintf(out, len, "%.*s" ELLIPSIS "%s", (int)(lo - lo / 2), s,
		    s + n - lo / 2);
	else
		snprintf(out, len, "%.*s" ELLIPSIS, (int)lo, s);
}

/* Draw s with its baseline at y, aligned at x, within maxw; the width. */
static double
text(cairo_t *cr, double x, double y, const char *s, enum align al,
    double maxw, bool middle)
{
	char buf[1024];
	double w;

	fit(cr, s, maxw, middle, buf, sizeof buf);
	w = text_w(cr, buf);
	if (al == AL_RIGHT)
		x -= w;
	else if (al == AL_CENTER)
		x -= w / 2;
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, buf);
	return (w);
}

static void
rect(cairo_t *cr, double x, double y, double w, double h,
    const struct rgb *c)
{
	colour(cr, c);
	cairo_rectangle(cr, x, y, w, h);
	cairo_fill(cr);
}

static void
line(cairo_t *cr, double x0, double y0, double x1, double y1, double lw,
    const struct rgb *c)
{
	colour(cr, c);
	cairo_set_line_width(cr, lw);
	cairo_move_to(cr, x0, y0);
	cairo_line_to(cr, x1, y1);
	cairo_stroke(cr);
}

static void
section_title(cairo_t *cr, double y, const char *t)
{
	font(cr, 22, true);
	colour(cr, &c_text);
	text(cr, MARGIN, y, t, AL_LEFT, W - 2 * MARGIN, false);
	line(cr, MARGIN, y + 8, W - MARGIN, y + 8, 1, &c_grid);
}

/* --- formatting ------------------------------------------------------------ */

static void
fmt_addr(char *buf, size_t len, uint8_t af, const uint8_t *a)
{
	char tmp[INET6_ADDRSTRLEN];

	if (inet_ntop(af == 6 ? AF_INET6 : AF_INET, a, tmp, sizeof tmp) ==
	    NULL)
		snprintf(tmp, sizeof tmp, "?");
	snprintf(buf, len, "%s", tmp);
}

static void
fmt_endpoint(char *buf, size_t len, uint8_t af, const uint8_t *a,
    uint16_t port)
{
	char tmp[INET6_ADDRSTRLEN];

	fmt_addr(tmp, sizeof tmp, af, a);
	if (af == 6)
		snprintf(buf, len, "[%s]:%u", tmp, port);
	else
		snprintf(buf, len, "%s:%u", tmp, port);
}

/* "2011-11-03 14:15:57.123 UTC" */
static void
fmt_clock(char *buf, size_t len, uint64_t ns, bool date)
{
	time_t t = (time_t)(ns / 1000000000u);
	struct tm tm;
	char d[64];

	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "?");
		return;
	}
	strftime(d, sizeof d, date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03u", d, (unsigned)(ns % 1000000000u /
	    1000000u));
}

static double
pct(uint64_t part, uint64_t whole)
{
	return (whole == 0 ? 0 : 100.0 * (double)part / (double)whole);
}

static void
fmt_pct(char *buf, size_t len, uint64_t part, uint64_t whole)
{
	double p = pct(part, whole);

	if (part == 0)
		snprintf(buf, len, "0%%");
	else if (p < 0.1)
		snprintf(buf, len, "<0.1%%");
	else if (p < 10)
		snprintf(buf, len, "%.1f%%", p);
	else
		snprintf(buf, len, "%.0f%%", p);
}

/* --- header ------------------------------------------------------------- */

/* One "label / value" pair; returns the width used. */
static double
stat_box(cairo_t *cr, double x, double y, double maxw, const char *label,
    const char *value)
{
	double w1, w2;

	font(cr, 14, false);
	colour(cr, &c_muted);
	w1 = text(cr, x, y, label, AL_LEFT, maxw, false);
	font(cr, 24, true);
	colour(cr, &c_text);
	w2 = text(cr, x, y + 30, value, AL_LEFT, maxw, false);
	return (w1 > w2 ? w1 : w2);
}

static void
draw_header(cairo_t *cr, const struct netviz_summary *s)
{
	char a[512], b[128], c[128], v[1024];
	uint64_t fam[3], tot;
	const char *fam_name[3] = { "IPv4", "IPv6", "other" };
	static const struct rgb fam_col[3] = {
		{ 0.000, 0.447, 0.698 }, { 0.902, 0.624, 0.000 },
		{ 0.600, 0.600, 0.600 }
	};
	double x, y, bw, w, colw;
	int i;

	font(cr, 30, true);
	colour(cr, &c_text);
	text(cr, MARGIN, 52, "flowscope traffic summary", AL_LEFT,
	    W - 2 * MARGIN, false);

	font(cr, 16, false);
	sanitize(a, sizeof a, s->input[0] != '\0' ? s->input : "(unknown)");
	snprintf(v, sizeof v, "Input: %s%s", a, s->from_report ?
	    "  (from report.xml: throughput approximated from flow times)" :
	    "");
	colour(cr, &c_text);
	text(cr, MARGIN, 84, v, AL_LEFT, W - 2 * MARGIN, true);
	if (s->conns == 0 && s->packets == 0)
		snprintf(v, sizeof v, "Time: no TCP traffic");
	else {
		fmt_clock(a, sizeof a, s->first_ns, true);
		fmt_clock(b, sizeof b, s->last_ns,
		    s->last_ns / 86400000000000ull !=
		    s->first_ns / 86400000000000ull);
		render_fmt_dur(c, sizeof c, s->last_ns - s->first_ns);
		snprintf(v, sizeof v, "Time: %s - %s UTC  (%s)", a, b, c);
	}
	text(cr, MARGIN, 108, v, AL_LEFT, W - 2 * MARGIN, false);

	/* Four numbers, then the family shares. */
	colw = 230;
	x = MARGIN;
	y = 140;
	render_fmt_count(a, sizeof a, s->frames);
	render_fmt_count(b, sizeof b, s->packets);
	snprintf(v, sizeof v, "Frames (TCP: %s)", b);
	stat_box(cr, x, y, colw - 12, v, a);
	render_fmt_bytes(a, sizeof a, (double)s->bytes, NULL);
	stat_box(cr, x + colw, y, colw - 12, "TCP bytes (frames)", a);
	render_fmt_count(a, sizeof a, s->conns);
	stat_box(cr, x + 2 * colw, y, colw - 12, "Connections", a);

	/* Family share bar. */
	fam[0] = s->bytes_ipv4;
	fam[1] = s->bytes_ipv6;
	fam[2] = s->bytes_other;
	tot = fam[0] + fam[1] + fam[2];
	x = MARGIN + 3 * colw;
	bw = W - MARGIN - x;
	font(cr, 14, false);
	colour(cr, &c_muted);
	render_fmt_bytes(a, sizeof a, (double)tot, NULL);
	fmt_pct(b, sizeof b, s->bytes_vlan, tot);
	snprintf(v, sizeof v, "All frame bytes by family: %s  (VLAN-tagged: %s)",
	    a, b);
	text(cr, x, y, v, AL_LEFT, bw, false);
	rect(cr, x, y + 10, bw, 14, &c_band);
	w = 0;
	for (i = 0; i < 3 && tot > 0; i++) {
		double fw = bw * (double)fam[i] / (double)tot;

		rect(cr, x + w, y + 10, fw, 14, &fam_col[i]);
		w += fw;
	}
	/* Legend with percentages. */
	w = 0;
	for (i = 0; i < 3; i++) {
		fmt_pct(b, sizeof b, fam[i], tot);
		snprintf(v, sizeof v, "%s %s", fam_name[i], b);
		rect(cr, x + w, y + 32, 12, 12, &fam_col[i]);
		colour(cr, &c_text);
		w += 18 + text(cr, x + w + 18, y + 44, v, AL_LEFT,
		    bw / 3 - 24, false) + 24;
	}
}

/* --- throughput ----------------------------------------------------------- */

struct tgrid {
	size_t		 i0;		/* first bucket shown */
	size_t		 g;		/* buckets per column */
	size_t		 ncols;
	uint64_t	 t0;		/* time of column 0 */
	uint64_t	 colw_ns;
};

#define MAXCOLS	400

static void
tgrid_make(const struct netviz_summary *s, struct tgrid *tg)
{
	size_t i1, n;

	memset(tg, 0, sizeof *tg);
	if (s->nbuckets == 0 || s->bucket_ns == 0) {
		tg->g = 1;
		tg->ncols = 1;
		tg->colw_ns = 1000000000u;
		tg->t0 = s->first_ns;
		return;
	}
	tg->i0 = s->first_ns > s->bucket0_ns ? (size_t)((s->first_ns -
	    s->bucket0_ns) / s->bucket_ns) : 0;
	i1 = s->last_ns > s->bucket0_ns ? (size_t)((s->last_ns -
	    s->bucket0_ns) / s->bucket_ns) : 0;
	if (i1 >= s->nbuckets)
		i1 = s->nbuckets - 1;
	if (tg->i0 > i1)
		tg->i0 = i1;
	n = i1 - tg->i0 + 1;
	tg->g = (n + MAXCOLS - 1) / MAXCOLS;
	tg->ncols = (n + tg->g - 1) / tg->g;
	tg->colw_ns = tg->g * s->bucket_ns;
	tg->t0 = s->bucket0_ns + tg->i0 * s->bucket_ns;
}

static void
tgrid_col(const struct netviz_summary *s, const struct tgrid *tg, size_t col,
    int dir, uint64_t *out)
{
	size_t b, e, i;
	int v;

	memset(out, 0, NETVIZ_SVC_COUNT * sizeof *out);
	b = tg->i0 + col * tg->g;
	e = b + tg->g;
	if (e > s->nbuckets)
		e = s->nbuckets;
	for (i = b; i < e; i++)
		for (v = 0; v < NETVIZ_SVC_COUNT; v++)
			out[v] += s->tput[i][dir][v];
}

static void
draw_panel(cairo_t *cr, const struct netviz_summary *s,
    const struct tgrid *tg, int dir, double px, double py, double pw,
    double ph, const char *title)
{
	uint64_t col[NETVIZ_SVC_COUNT], total = 0, cum = 0, step_t, t;
	double maxrate = 0, rate, step, top, y, x, cw, secs, h0;
	char a[64], b[256];
	size_t c;
	int v, k;

	secs = (double)tg->colw_ns / 1e9;
	for (c = 0; c < tg->ncols; c++) {
		uint64_t sum = 0;

		tgrid_col(s, tg, c, dir, col);
		for (v = 0; v < NETVIZ_SVC_COUNT; v++)
			sum += col[v];
		total += sum;
		rate = (double)sum / secs;
		if (rate > maxrate)
			maxrate = rate;
	}
	step = render_axis_step(maxrate, 4);
	top = maxrate > 0 ? ceil(maxrate / step) * step : step;
	if (top < maxrate)
		top = maxrate;

	/* Title and direction total. */
	font(cr, 16, true);
	colour(cr, &c_text);
	render_fmt_bytes(a, sizeof a, (double)total, NULL);
	snprintf(b, sizeof b, "%s  -  %s", title, a);
	text(cr, px, py - 10, b, AL_LEFT, pw, false);

	/* Grid and left axis (rate). */
	font(cr, 13, false);
	for (k = 0; k * step <= top * 1.0001; k++) {
		y = py + ph - ph * (k * step) / top;
		line(cr, px, y, px + pw, y, 1, &c_grid);
		colour(cr, &c_axis);
		render_fmt_bytes(a, sizeof a, k * step, "/s");
		text(cr, px - 8, y + 4, a, AL_RIGHT, px - MARGIN - 8, false);
	}
	/* Time grid. */
	step_t = render_axis_time_step(tg->ncols * tg->colw_ns, 8);
	for (t = 0; ; t += step_t) {
		uint64_t at = s->first_ns + t;

		if (at < tg->t0)
			continue;
		x = px + pw * (double)(at - tg->t0) / (double)(tg->ncols *
		    tg->colw_ns);
		if (x > px + pw + 0.5)
			break;
		line(cr, x, py, x, py + ph, 1, &c_grid);
		if (t > UINT64_MAX - step_t)
			break;
	}

	/* Stacked columns. */
	cw = pw / (double)tg->ncols;
	for (c = 0; c < tg->ncols; c++) {
		tgrid_col(s, tg, c, dir, col);
		h0 = 0;
		for (v = 0; v < NETVIZ_SVC_COUNT; v++) {
			double hh;

			if (col[v] == 0)
				continue;
			hh = ph * ((double)col[v] / secs) / top;
			if (hh < 0.6)
				hh = 0.6;	/* a packet stays visible */
			rect(cr, px + c * cw, py + ph - h0 - hh,
			    cw + (cw > 2 ? 0.3 : 0), hh, &svc_colour[v]);
			h0 += hh;
		}
	}

	/* Cumulative share (right axis). */
	if (total > 0) {
		colour(cr, &c_text);
		cairo_set_line_width(cr, 2);
		cairo_move_to(cr, px, py + ph);
		for (c = 0; c < tg->ncols; c++) {
			uint64_t sum = 0;

			tgrid_col(s, tg, c, dir, col);
			for (v = 0; v < NETVIZ_SVC_COUNT; v++)
				sum += col[v];
			cum += sum;
			cairo_line_to(cr, px + (c + 1) * cw, py + ph -
			    ph * (double)cum / (double)total);
		}
		cairo_stroke(cr);
	} else {
		font(cr, 16, false);
		colour(cr, &c_muted);
		text(cr, px + pw / 2, py + ph / 2, "no bytes in this direction",
		    AL_CENTER, pw, false);
	}
	font(cr, 13, false);
	colour(cr, &c_axis);
	for (k = 0; k <= 4; k++) {
		y = py + ph - ph * k / 4.0;
		line(cr, px + pw, y, px + pw + 5, y, 1, &c_axis);
		snprintf(a, sizeof a, "%d%%", k * 25);
		text(cr, px + pw + 8, y + 4, a, AL_LEFT, W - MARGIN - px - pw -
		    8, false);
	}
	/* Frame. */
	colour(cr, &c_axis);
	cairo_set_line_width(cr, 1);
	cairo_rectangle(cr, px + 0.5, py + 0.5, pw - 1, ph - 1);
	cairo_stroke(cr);
}

static void
draw_time_axis(cairo_t *cr, const struct netviz_summary *s,
    const struct tgrid *tg, double px, double y, double pw)
{
	uint64_t span = tg->ncols * tg->colw_ns, step_t, t;
	double x, last_right = -1e9, w;
	char a[64], b[160];

	step_t = render_axis_time_step(span, 8);
	font(cr, 13, false);
	for (t = 0; ; t += step_t) {
		uint64_t at = s->first_ns + t;

		if (at < tg->t0)
			continue;
		x = px + pw * (double)(at - tg->t0) / (double)span;
		if (x > px + pw + 0.5)
			break;
		line(cr, x, y, x, y + 5, 1, &c_axis);
		render_fmt_time(a, sizeof a, t, step_t);
		w = text_w(cr, a);
		if (x - w / 2 > last_right + 8 && x + w / 2 <= W - 4) {
			colour(cr, &c_axis);
			text(cr, x, y + 20, a, AL_CENTER, 200, false);
			last_right = x + w / 2;
		}
		if (t > UINT64_MAX - step_t)
			break;
	}
	render_fmt_dur(a, sizeof a, tg->colw_ns);
	snprintf(b, sizeof b, "time since the first packet (one column = %s)",
	    a);
	colour(cr, &c_muted);
	text(cr, px + pw / 2, y + 42, b, AL_CENTER, pw, false);
}

static void
draw_throughput(cairo_t *cr, const struct netviz_summary *s)
{
	struct tgrid tg;
	double px = 150, pw = W - MARGIN - 60 - px, x, w;
	char a[96], b[32];
	int v;

	section_title(cr, 228, "Throughput over time");
	/* Legend: services present, with their share of bytes. */
	font(cr, 14, false);
	x = W - MARGIN;
	for (v = NETVIZ_SVC_COUNT - 1; v >= 0; v--) {
		if (s->svc_bytes[v] == 0)
			continue;
		fmt_pct(b, sizeof b, s->svc_bytes[v], s->bytes);
		snprintf(a, sizeof a, "%s %s", netviz_service_name(
		    (enum netviz_service)v), b);
		w = text_w(cr, a);
		if (x - w - 18 < 330)
			break;	/* the title's room */
		colour(cr, &c_text);
		text(cr, x - w, 228, a, AL_LEFT, w + 1, false);
		rect(cr, x - w - 18, 217, 12, 12, &svc_colour[v]);
		x -= w + 34;
	}
	tgrid_make(s, &tg);
	draw_panel(cr, s, &tg, NETVIZ_C2S, px, 275, pw, 255,
	    "Client to server (stacked by service; line: cumulative share)");
	draw_panel(cr, s, &tg, NETVIZ_S2C, px, 575, pw, 255,
	    "Server to client");
	draw_time_axis(cr, s, &tg, px, 830, pw);
}

/* --- top talkers ---------------------------------------------------------- */

static void
draw_talkers(cairo_t *cr, const struct netviz_summary *s)
{
	static const char *const titles[4] = {
		"Source addresses", "Destination addresses", "Source ports",
		"Destination ports"
	};
	const double gap = 28, colw = (W - 2 * MARGIN - 3 * gap) / 4;
	const struct netviz_talker *t;
	const struct rgb *bc;
	char lab[256], val[160], a[64], b[32];
	double x, y, vw, bw;
	size_t i;
	int k;

	section_title(cr, 945, "Top talkers (frame bytes sent or received)");
	for (k = 0; k < 4; k++) {
		x = MARGIN + k * (colw + gap);
		font(cr, 16, true);
		colour(cr, &c_text);
		text(cr, x, 985, titles[k], AL_LEFT, colw, false);
		if (s->ntop[k] == 0) {
			font(cr, 14, false);
			colour(cr, &c_muted);
			text(cr, x, 1015, "none", AL_LEFT, colw, false);
		}
		for (i = 0; i < s->ntop[k]; i++) {
			t = &s->top[k][i];
			y = 1012 + 33 * (double)i;
			if (k < 2) {
				fmt_addr(a, sizeof a, t->af, t->addr);
				snprintf(lab, sizeof lab, "%zu. %s", i + 1, a);
				bc = &c_bar;
			} else {
				enum netviz_service sv = netviz_service(t->port,
				    0);

				if (sv == NETVIZ_SVC_OTHER)
					snprintf(lab, sizeof lab, "%zu. %u",
					    i + 1, t->port);
				else
					snprintf(lab, sizeof lab, "%zu. %u (%s)",
					    i + 1, t->port,
					    netviz_service_name(sv));
				bc = &svc_colour[sv];
			}
			render_fmt_bytes(a, sizeof a, (double)t->bytes, NULL);
			fmt_pct(b, sizeof b, t->bytes, s->top_total[k]);
			snprintf(val, sizeof val, "%s%s  %s",
			    t->error != 0 ? "~" : "", a, b);
			font(cr, 14, false);
			colour(cr, &c_text);
			vw = text(cr, x + colw, y, val, AL_RIGHT, colw / 2,
			    false);
			text(cr, x, y, lab, AL_LEFT, colw - vw - 10, true);
			rect(cr, x, y + 6, colw, 9, &c_band);
			bw = s->top[k][0].bytes == 0 ? 0 : colw *
			    (double)t->bytes / (double)s->top[k][0].bytes;
			if (bw < 1)
				bw = 1;
			rect(cr, x, y + 6, bw, 9, bc);
		}
	}
	font(cr, 13, false);
	colour(cr, &c_muted);
	text(cr, MARGIN, 1338, "Percentages are of all frame bytes in that "
	    "role; ~ marks an address whose count is an upper bound "
	    "(bounded top-talker table).", AL_LEFT, W - 2 * MARGIN, false);
}

/* --- connections -------------------------------------------------------- */

/* "2.1 ms", "8 ms", "33 ms", "524 ms". */
static void
sig2(char *buf, size_t len, double v, const char *unit)
{
	if (v < 9.95 && fabs(v - floor(v + 0.5)) > 0.05)
		snprintf(buf, len, "%.1f %s", v, unit);
	else
		snprintf(buf, len, "%.0f %s", v, unit);
}

static void
hist_label(char *buf, size_t len, unsigned bin, bool dur)
{
	static const char *const bu[] = { "B", "KiB", "MiB", "GiB", "TiB",
	    "PiB", "EiB" };
	uint64_t lo = bin == 0 ? 0 : 1ull << (bin - 1);
	double v;

	if (dur) {
		/* Powers of two of a microsecond, to two digits. */
		v = (double)lo * 1000;
		if (lo == 0)
			snprintf(buf, len, "0");
		else if (v < 1e6)
			sig2(buf, len, v / 1e3, "\xc2\xb5s");
		else if (v < 1e9)
			sig2(buf, len, v / 1e6, "ms");
		else if (v < 60e9)
			sig2(buf, len, v / 1e9, "s");
		else if (v < 3600e9)
			sig2(buf, len, v / 60e9, "min");
		else if (v < 86400e9)
			sig2(buf, len, v / 3600e9, "h");
		else
			sig2(buf, len, v / 86400e9, "d");
		return;
	}
	/* Sizes are powers of two: binary units keep them exact. */
	if (bin == 0) {
		snprintf(buf, len, "0");
		return;
	}
	snprintf(buf, len, "%llu %s", (unsigned long long)(1ull <<
	    ((bin - 1) % 10)), bu[(bin - 1) / 10]);
}

static void
draw_hist(cairo_t *cr, const uint64_t *hist, bool dur, double x0, double y0,
    double w, double h, const char *title)
{
	unsigned lo = NETVIZ_HIST, hi = 0, b, nb;
	uint64_t max = 0;
	double step, top, px = x0 + 70, pw = w - 70, bw, y, last = -1e9, lw;
	char a[64];
	int k;

	for (b = 0; b < NETVIZ_HIST; b++)
		if (hist[b] != 0) {
			if (lo == NETVIZ_HIST)
				lo = b;
			hi = b;
			if (hist[b] > max)
				max = hist[b];
		}
	font(cr, 16, true);
	colour(cr, &c_text);
	text(cr, x0, y0, title, AL_LEFT, w, false);
	y0 += 14;
	h -= 14 + 40;
	if (lo == NETVIZ_HIST) {
		font(cr, 14, false);
		colour(cr, &c_muted);
		text(cr, px + pw / 2, y0 + h / 2, "no connections", AL_CENTER,
		    pw, false);
		return;
	}
	/* At least 12 bins, so one connection is not one huge bar. */
	while (hi - lo + 1 < 12) {
		if (lo > 0)
			lo--;
		if (hi - lo + 1 < 12 && hi < NETVIZ_HIST - 1)
			hi++;
	}
	nb = hi - lo + 1;
	step = render_axis_step((double)max, 4);
	if (step < 1)
		step = 1;
	top = ceil((double)max / step) * step;
	font(cr, 13, false);
	for (k = 0; k * step <= top * 1.0001; k++) {
		y = y0 + h - h * k * step / top;
		line(cr, px, y, px + pw, y, 1, &c_grid);
		render_fmt_count(a, sizeof a, (uint64_t)(k * step));
		colour(cr, &c_axis);
		text(cr, px - 8, y + 4, a, AL_RIGHT, px - x0 - 8, false);
	}
	bw = pw / nb;
	for (b = lo; b <= hi; b++) {
		double bh = h * (double)hist[b] / top;

		if (hist[b] != 0 && bh < 1)
			bh = 1;
		rect(cr, px + (b - lo) * bw + 1, y0 + h - bh, bw - 2, bh,
		    &c_bar);
		hist_label(a, sizeof a, b, dur);
		lw = text_w(cr, a);
		if (px + (b - lo) * bw - lw / 2 > last + 10 &&
		    px + (b - lo) * bw + lw / 2 < x0 + w) {
			colour(cr, &c_axis);
			line(cr, px + (b - lo) * bw, y0 + h, px + (b - lo) * bw,
			    y0 + h + 5, 1, &c_axis);
			text(cr, px + (b - lo) * bw, y0 + h + 20, a, AL_CENTER,
			    lw + 1, false);
			last = px + (b - lo) * bw + lw / 2;
		}
	}
	line(cr, px, y0 + h, px + pw, y0 + h, 1, &c_axis);
	colour(cr, &c_muted);
	text(cr, px + pw / 2, y0 + h + 38, dur ?
	    "duration, first to last packet (each bar: from its value to twice it)" :
	    "bytes, both directions (each bar: from its value to twice it)",
	    AL_CENTER, pw, false);
}

static void
draw_largest(cairo_t *cr, const struct netviz_summary *s, double x0,
    double y0, double w)
{
	static const char *const head[] = { "#", "client", "server",
	    "service", "to server", "to client", "duration" };
	static const double frac[] = { 0.04, 0.27, 0.27, 0.11, 0.11, 0.11,
	    0.09 };
	double cx[8], y;
	char a[128];
	size_t i;
	int k;

	font(cr, 16, true);
	colour(cr, &c_text);
	text(cr, x0, y0, "Largest connections", AL_LEFT, w, false);
	cx[0] = x0;
	for (k = 0; k < 7; k++)
		cx[k + 1] = cx[k] + frac[k] * w;
	font(cr, 13, true);
	colour(cr, &c_muted);
	y = y0 + 26;
	for (k = 0; k < 7; k++) {
		if (k >= 4)
			text(cr, cx[k + 1] - 6, y, head[k], AL_RIGHT,
			    cx[k + 1] - cx[k] - 6, false);
		else
			text(cr, cx[k], y, head[k], AL_LEFT, cx[k + 1] - cx[k] -
			    6, false);
	}
	line(cr, x0, y + 6, x0 + w, y + 6, 1, &c_grid);
	font(cr, 13, false);
	if (s->nlargest == 0) {
		colour(cr, &c_muted);
		text(cr, x0, y + 26, "none", AL_LEFT, w, false);
	}
	for (i = 0; i < s->nlargest; i++) {
		const struct netviz_conn *c = &s->largest[i];
		enum netviz_service sv = netviz_service(c->cport, c->sport);

		y = y0 + 48 + 20.5 * (double)i;
		if (i % 2 == 1)
			rect(cr, x0, y - 14, w, 20, &c_band);
		colour(cr, &c_text);
		snprintf(a, sizeof a, "%zu", i + 1);
		text(cr, cx[0], y, a, AL_LEFT, cx[1] - cx[0] - 4, false);
		fmt_endpoint(a, sizeof a, c->af, c->cli, c->cport);
		text(cr, cx[1], y, a, AL_LEFT, cx[2] - cx[1] - 8, true);
		fmt_endpoint(a, sizeof a, c->af, c->srv, c->sport);
		text(cr, cx[2], y, a, AL_LEFT, cx[3] - cx[2] - 8, true);
		rect(cr, cx[3], y - 10, 10, 10, &svc_colour[sv]);
		colour(cr, &c_text);
		text(cr, cx[3] + 14, y, netviz_service_name(sv), AL_LEFT,
		    cx[4] - cx[3] - 20, false);
		render_fmt_bytes(a, sizeof a, (double)c->bytes[0], NULL);
		text(cr, cx[5] - 6, y, a, AL_RIGHT, cx[5] - cx[4] - 6, false);
		render_fmt_bytes(a, sizeof a, (double)c->bytes[1], NULL);
		text(cr, cx[6] - 6, y, a, AL_RIGHT, cx[6] - cx[5] - 6, false);
		render_fmt_dur(a, sizeof a, c->last_ns > c->first_ns ?
		    c->last_ns - c->first_ns : 0);
		text(cr, cx[7] - 6, y, a, AL_RIGHT, cx[7] - cx[6] - 6, false);
	}
}

static void
draw_conns(cairo_t *cr, const struct netviz_summary *s)
{
	double lw = 700;

	section_title(cr, 1385, "Connections");
	draw_hist(cr, s->size_hist, false, MARGIN, 1425, lw, 205,
	    "Connection sizes");
	draw_hist(cr, s->dur_hist, true, MARGIN, 1656, lw, 179,
	    "Connection durations");
	draw_largest(cr, s, MARGIN + lw + 40, 1425, W - 2 * MARGIN - lw - 40);
}

/* --- health --------------------------------------------------------------- */

static void
health_cell(cairo_t *cr, double x, double w, const char *value, bool bad,
    const char *label, const char *note)
{
	font(cr, 24, true);
	colour(cr, strcmp(value, "n/a") == 0 ? &c_muted : bad ? &c_alert :
	    &c_good);
	text(cr, x, 1912, value, AL_LEFT, w - 12, false);
	font(cr, 14, false);
	colour(cr, &c_text);
	text(cr, x, 1936, label, AL_LEFT, w - 12, false);
	colour(cr, &c_muted);
	text(cr, x, 1956, note, AL_LEFT, w - 12, false);
}

static void
draw_health(cairo_t *cr, const struct netviz_summary *s)
{
	const double cw = (W - 2 * MARGIN) / 6;
	char v[64], n[128], a[64];

	section_title(cr, 1875, "Health");
	render_fmt_count(v, sizeof v, s->holes);
	render_fmt_bytes(a, sizeof a, (double)s->hole_bytes, NULL);
	snprintf(n, sizeof n, "%s missing (NUL-filled)", a);
	health_cell(cr, MARGIN, cw, v, s->holes != 0, "holes in streams", n);

	if (s->retrans_known) {
		render_fmt_bytes(v, sizeof v, (double)s->retrans_bytes, NULL);
		snprintf(n, sizeof n, "payload sent more than once");
	} else {
		snprintf(v, sizeof v, "n/a");
		snprintf(n, sizeof n, "not in the report");
	}
	health_cell(cr, MARGIN + cw, cw, v, s->retrans_bytes != 0,
	    "retransmitted", n);

	render_fmt_count(v, sizeof v, s->overlaps);
	health_cell(cr, MARGIN + 2 * cw, cw, v, s->overlaps != 0,
	    "conflicting overlaps", "retransmitted bytes that differed");
	render_fmt_count(v, sizeof v, s->out_of_order);
	health_cell(cr, MARGIN + 3 * cw, cw, v, s->out_of_order != 0,
	    "out-of-order segments", "arrived before earlier data");
	render_fmt_count(v, sizeof v, s->malformed);
	health_cell(cr, MARGIN + 4 * cw, cw, v, s->malformed != 0,
	    "malformed frames", "truncated or invalid, skipped");
	if (s->live) {
		render_fmt_count(v, sizeof v, s->drops);
		snprintf(n, sizeof n, "packets the kernel dropped");
	} else {
		snprintf(v, sizeof v, "n/a");
		snprintf(n, sizeof n, "reading a file");
	}
	health_cell(cr, MARGIN + 5 * cw, cw, v, s->drops != 0, "kernel drops",
	    n);
}

/* --- page ----------------------------------------------------------------- */

static void
draw_page(cairo_t *cr, const struct netviz_summary *s)
{
	cairo_font_options_t *fo;

	/* Same pixels everywhere: no hinting, grey antialiasing. */
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	cairo_set_font_options(cr, fo);
	cairo_font_options_destroy(fo);

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	draw_header(cr, s);
	draw_throughput(cr, s);
	draw_talkers(cr, s);
	draw_conns(cr, s);
	draw_health(cr, s);
}

static bool
is_pdf(const char *path)
{
	size_t n = strlen(path);

	return (n >= 4 && strcasecmp(path + n - 4, ".pdf") == 0);
}

void
render_netviz_cleanup(void)
{
	cairo_debug_reset_static_data();
	FcFini();
}

int
render_netviz_write(const struct netviz_summary *s, const char *path,
    char *err, size_t errlen)
{
	cairo_surface_t *sf;
	cairo_status_t st;
	cairo_t *cr;

	if (is_pdf(path))
		sf = cairo_pdf_surface_create(path, RENDER_NETVIZ_PDF_W,
		    RENDER_NETVIZ_PDF_H);
	else
		sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
	if ((st = cairo_surface_status(sf)) != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "%s: %s", path,
		    cairo_status_to_string(st));
		cairo_surface_destroy(sf);
		return (-1);
	}
	cr = cairo_create(sf);
	if (is_pdf(path))
		cairo_scale(cr, RENDER_NETVIZ_PDF_W / W, RENDER_NETVIZ_PDF_H / H);
	draw_page(cr, s);
	st = cairo_status(cr);
	cairo_destroy(cr);
	if (st == CAIRO_STATUS_SUCCESS && !is_pdf(path))
		st = cairo_surface_write_to_png(sf, path);
	cairo_surface_finish(sf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(sf);
	cairo_surface_destroy(sf);
	if (st != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "%s: %s", path, st ==
		    CAIRO_STATUS_WRITE_ERROR ? strerror(errno) :
		    cairo_status_to_string(st));
		return (-1);
	}
	return (0);
}
