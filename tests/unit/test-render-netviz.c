/*
 * test-render-netviz.c: the netviz picture has the documented size, decodes
 * (cairo's PNG reader), has ink in every section and none in the page
 * margins (no text runs off the page), is the same pixels for the same
 * statistics, and a .pdf name gives a PDF; for no traffic, one connection
 * and 100k connections with long IPv6 addresses.
 *
 * With "--check FILE" it checks a PNG written by the program instead (used
 * by tests/netviz/run.sh) and prints TAP for it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "render-netviz.h"

#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netviz-stats.h"
#include "tap.h"

static const struct {
	const char	*name;
	int		 y0, y1;
} bands[] = {
	{ "header", RENDER_NETVIZ_HEADER_Y0, RENDER_NETVIZ_HEADER_Y1 },
	{ "throughput", RENDER_NETVIZ_TPUT_Y0, RENDER_NETVIZ_TPUT_Y1 },
	{ "top talkers", RENDER_NETVIZ_TALKERS_Y0, RENDER_NETVIZ_TALKERS_Y1 },
	{ "connections", RENDER_NETVIZ_CONNS_Y0, RENDER_NETVIZ_CONNS_Y1 },
	{ "health", RENDER_NETVIZ_HEALTH_Y0, RENDER_NETVIZ_HEALTH_Y1 },
};

/* Pixels in the rectangle that are not the white background. */
static long
ink(cairo_surface_t *s, int x0, int y0, int x1, int y1)
{
	unsigned char *d = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s), x, y;
	long n = 0;

	for (y = y0; y < y1; y++)
		for (x = x0; x < x1; x++) {
			uint32_t p;

			memcpy(&p, d + (size_t)y * (size_t)stride +
			    (size_t)x * 4, 4);
			if ((p & 0xffffff) != 0xffffff)
				n++;
		}
	return (n);
}

/* Checks on one PNG file; tag names the case. */
static void
check_png(const char *path, const char *tag, bool need_ink)
{
	cairo_surface_t *s;
	size_t i;

	s = cairo_image_surface_create_from_png(path);
	if (!tap_ok(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS,
	    "%s: PNG decodes", tag)) {
		cairo_surface_destroy(s);
		return;
	}
	cairo_surface_flush(s);
	tap_ok(cairo_image_surface_get_width(s) == RENDER_NETVIZ_W &&
	    cairo_image_surface_get_height(s) == RENDER_NETVIZ_H,
	    "%s: %dx%d", tag, cairo_image_surface_get_width(s),
	    cairo_image_surface_get_height(s));
	for (i = 0; i < sizeof bands / sizeof bands[0]; i++) {
		long n = ink(s, 0, bands[i].y0, RENDER_NETVIZ_W, bands[i].y1);

		tap_ok(n > (need_ink ? 2000 : 200), "%s: %s not blank "
		    "(%ld pixels)", tag, bands[i].name, n);
	}
	tap_is_int(ink(s, 0, 0, 12, RENDER_NETVIZ_H) +
	    ink(s, RENDER_NETVIZ_W - 12, 0, RENDER_NETVIZ_W, RENDER_NETVIZ_H) +
	    ink(s, 0, RENDER_NETVIZ_H - 8, RENDER_NETVIZ_W, RENDER_NETVIZ_H),
	    0, "nothing drawn in the page margins");
	cairo_surface_destroy(s);
}

static void
conn(struct netviz_stats *st, uint64_t i, uint64_t t, bool v6)
{
	struct netviz_conn c;
	size_t k;

	memset(&c, 0, sizeof c);
	c.af = v6 ? 6 : 4;
	for (k = 0; k < (v6 ? 16u : 4u); k++) {
		c.cli[k] = (uint8_t)(0xfe - k * 7 + (k == 15 ? i : 0));
		c.srv[k] = (uint8_t)(0x2a + k * 13 + (k == 14 ? i % 97 : 0));
	}
	if (!v6) {
		c.cli[0] = 10;
		c.cli[3] = (uint8_t)i;
		c.srv[0] = 192;
		c.srv[3] = (uint8_t)(i % 7);
	}
	c.cport = (uint16_t)(40000 + i % 20000);
	c.sport = (uint16_t[]){ 80, 443, 22, 25, 12345, 993 }[i % 6];
	c.first_ns = t;
	c.last_ns = t + 1000000ull * (i % 5000 + 1);
	c.bytes[0] = 400 + i % 3000;
	c.bytes[1] = (i % 1000 == 0) ? 50000000ull + i : 3000 + (i * 7919) %
	    200000;
	c.payload[0] = c.bytes[0] / 2;
	c.payload[1] = c.bytes[1] / 2;
	c.packets[0] = c.packets[1] = 5;
	c.seg_bytes = c.payload[0] + c.payload[1] + (i % 10 == 0 ? 1460 : 0);
	c.holes = i % 500 == 0;
	c.hole_bytes = c.holes * 1000;
	netviz_stats_conn(st, &c, false);
	netviz_stats_packet(st, t, (uint32_t)c.bytes[0], c.cport, c.sport);
	netviz_stats_packet(st, c.last_ns, (uint32_t)(c.bytes[1] & 0x7fffffff),
	    c.sport, c.cport);
}

static struct netviz_stats *
make(int n, bool v6)
{
	struct netviz_stats *st = netviz_stats_new();
	struct netviz_run r;
	int i;

	for (i = 0; i < n; i++)
		conn(st, (uint64_t)i, 1300000000000000000ull + (uint64_t)i *
		    37000000ull, v6 && i % 2 == 0);
	memset(&r, 0, sizeof r);
	r.input = "/a/rather/long/path/to/a/capture/file/with/a/name/that/"
	    "goes/on/and/on/and/on/until/it/cannot/fit/on/one/line/of/the/"
	    "page/even/at/1600/pixels/wide/because/people/do/that/\x01\xff"
	    "/capture-2011-11-03.pcapng.gz";
	r.frames = (uint64_t)n * 2 + 7;
	r.bytes_ipv4 = 1000000;
	r.bytes_ipv6 = v6 ? 900000 : 0;
	r.bytes_vlan = 20000;
	r.bytes_other = 3000;
	r.malformed = 3;
	netviz_stats_run(st, &r);
	return (st);
}

static bool
same_pixels(const char *a, const char *b)
{
	cairo_surface_t *sa = cairo_image_surface_create_from_png(a);
	cairo_surface_t *sb = cairo_image_surface_create_from_png(b);
	bool same = false;

	if (cairo_surface_status(sa) == CAIRO_STATUS_SUCCESS &&
	    cairo_surface_status(sb) == CAIRO_STATUS_SUCCESS &&
	    cairo_image_surface_get_stride(sa) ==
	    cairo_image_surface_get_stride(sb) &&
	    cairo_image_surface_get_height(sa) ==
	    cairo_image_surface_get_height(sb))
		same = memcmp(cairo_image_surface_get_data(sa),
		    cairo_image_surface_get_data(sb),
		    (size_t)cairo_image_surface_get_stride(sa) *
		    (size_t)cairo_image_surface_get_height(sa)) == 0;
	cairo_surface_destroy(sa);
	cairo_surface_destroy(sb);
	return (same);
}

int
main(int argc, char **argv)
{
	static const int sizes[] = { 0, 1, 100000 };
	char dir[] = "/tmp/test-render-netviz-XXXXXX";
	char p1[128], p2[128], tag[64], err[512];
	char head[8];
	struct netviz_stats *st;
	FILE *f;
	size_t i;

	tap_plan_none();
	if (argc == 3 && strcmp(argv[1], "--check") == 0) {
		check_png(argv[2], argv[2], false);
		render_netviz_cleanup();
		return (tap_done());
	}
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		return (99);
	}
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		st = make(sizes[i], sizes[i] > 1);
		snprintf(tag, sizeof tag, "%d connections", sizes[i]);
		snprintf(p1, sizeof p1, "%s/a%zu.png", dir, i);
		snprintf(p2, sizeof p2, "%s/b%zu.png", dir, i);
		tap_is_int(netviz_stats_draw(st, render_netviz_write, p1, err,
		    sizeof err), 0, "draw");
		check_png(p1, tag, sizes[i] > 0);
		netviz_stats_draw(st, render_netviz_write, p2, err, sizeof err);
		tap_ok(same_pixels(p1, p2), "%s: same statistics, same pixels",
		    tag);
		if (getenv("KEEP_PNG") != NULL)
			tap_diag("kept %s", p1);
		else
			unlink(p1);
		unlink(p2);
		netviz_stats_free(st);
	}

	st = make(50, true);
	snprintf(p1, sizeof p1, "%s/x.pdf", dir);
	tap_is_int(netviz_stats_draw(st, render_netviz_write, p1, err,
	    sizeof err), 0, "draw a PDF");
	memset(head, 0, sizeof head);
	if ((f = fopen(p1, "rb")) != NULL) {
		if (fread(head, 1, 5, f) != 5)
			head[0] = '\0';
		fclose(f);
	}
	tap_is_str(head, "%PDF-", "a .pdf name gives a PDF");
	unlink(p1);
	snprintf(p1, sizeof p1, "%s/no/such/dir/x.png", dir);
	tap_is_int(netviz_stats_draw(st, render_netviz_write, p1, err,
	    sizeof err), -1, "unwritable path fails");
	tap_ok(strstr(err, p1) != NULL, "the message names the file: %s",
	    err);
	netviz_stats_free(st);
	rmdir(dir);
	render_netviz_cleanup();
	return (tap_done());
}
