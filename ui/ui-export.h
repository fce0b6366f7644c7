/*
 * ui-export.h: the netviz picture of what the flow list shows (the `e`
 * key): the marked connections, or those the filter shows, drawn from the
 * rows alone (src/netviz-stats.h spreads each connection's bytes over its
 * first-to-last times, as for a report).  Curses-free.
 */
#ifndef FLOWSCOPE_UI_EXPORT_H
#define FLOWSCOPE_UI_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netviz-stats.h"
#include "ui-model.h"

/* What the picture's header says about the run. */
struct ui_export_run {
	const char	*source;	/* file, interface or directory */
	const char	*outdir;	/* -o DIR, NULL: the current directory */
	bool		 live;
	uint64_t	 drops;
	uint64_t	 malformed;
};

/*
 * Draw the picture into a new PNG (DIR/netviz.png, or
 * ./flowscope-netviz-YYYYmmdd-HHMMSS.png; -1, -2... rather than
 * overwrite).  0 with "Picture of N connections: PATH" in msg, or -1 with
 * the reason.
 */
int		 ui_export_netviz(const struct ui_model *m,
		    const struct ui_export_run *run, netviz_draw_fn draw,
		    char *msg, size_t msglen);

#endif /* FLOWSCOPE_UI_EXPORT_H */
