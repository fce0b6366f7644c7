/*
 * render-netviz.h: the one-page netviz picture, drawn with cairo from a
 * struct netviz_summary (statistics only: render/ never sees packets, pcap
 * or the flow table).
 *
 * The page is RENDER_NETVIZ_W x RENDER_NETVIZ_H pixels (PNG, RGB); a path
 * ending in ".pdf" gets the same drawing on one PDF page of
 * RENDER_NETVIZ_PDF_W x RENDER_NETVIZ_PDF_H points.  Sections, top to
 * bottom: header, throughput over time (client->server and server->client
 * panels, stacked by service, cumulative line), top talkers, connections
 * (size and duration histograms, largest connections), health.
 * The same summary always gives the same pixels (no clock, no locale).
 */
#ifndef FLOWSCOPE_RENDER_NETVIZ_H
#define FLOWSCOPE_RENDER_NETVIZ_H

#include <stddef.h>

#include "netviz-stats.h"

#define RENDER_NETVIZ_W		1600
#define RENDER_NETVIZ_H		2000
#define RENDER_NETVIZ_PDF_W	612.0	/* points: 8.5 in wide */
#define RENDER_NETVIZ_PDF_H	765.0

/* Section bands (y from, y to) in pixels, for tests and readers. */
#define RENDER_NETVIZ_HEADER_Y0		0
#define RENDER_NETVIZ_HEADER_Y1		190
#define RENDER_NETVIZ_TPUT_Y0		200
#define RENDER_NETVIZ_TPUT_Y1		905
#define RENDER_NETVIZ_TALKERS_Y0	915
#define RENDER_NETVIZ_TALKERS_Y1	1345
#define RENDER_NETVIZ_CONNS_Y0		1355
#define RENDER_NETVIZ_CONNS_Y1		1835
#define RENDER_NETVIZ_HEALTH_Y0		1845
#define RENDER_NETVIZ_HEALTH_Y1		1990

/*
 * Draw *sum into path: PNG, or PDF when the name ends in ".pdf".  Returns 0,
 * or -1 with a one-line message naming the file in err.  Matches
 * netviz_draw_fn.
 */
int		 render_netviz_write(const struct netviz_summary *sum,
		    const char *path, char *err, size_t errlen);

/*
 * Free cairo's font and surface caches (at exit, so leak checkers see only
 * real leaks).  No drawing may be in progress or follow.
 */
void		 render_netviz_cleanup(void);

#endif /* FLOWSCOPE_RENDER_NETVIZ_H */
