/*
 * netviz-open.h: --open DIR: read DIR/report.xml (flowscope's or tcpflow's)
 * and, with -e netviz, draw its picture from the report alone.
 */
#ifndef FLOWSCOPE_NETVIZ_OPEN_H
#define FLOWSCOPE_NETVIZ_OPEN_H

#include "netviz-stats.h"
#include "opts.h"

/*
 * Run --open for o with draw (NULL: do not draw).  The picture goes to
 * --netviz FILE or DIR/report.png.  Returns the exit status: 0, or 1 after
 * printing why (a malformed report still draws what was readable).
 */
int		 netviz_open_run(const struct opts *o, netviz_draw_fn draw);

#endif /* FLOWSCOPE_NETVIZ_OPEN_H */
