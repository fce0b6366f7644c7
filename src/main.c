/*
 * main.c: flowscope's entry point: parse options, run the job.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>

#include "batch.h"
#include "pipeline.h"
#include "log.h"
#include "netviz-open.h"
#include "opts.h"
#include "render-netviz.h"
#include "ui-main.h"

int
main(int argc, char **argv)
{
	struct opts o;
	char err[1024];
	int rv;

	log_init("flowscope", 0);
	rv = opts_parse(&o, argc, argv, err, sizeof err);
	if (rv == 1) {
		opts_free(&o);
		return (0);
	}
	if (rv == -1) {
		log_warnx("%s", err);
		opts_free(&o);
		return (1);
	}
	log_init("flowscope", o.verbose);
	pipeline_set_netviz_draw(render_netviz_write);
	if (o.open_dir != NULL && o.netviz)
		rv = netviz_open_run(&o, render_netviz_write);
	else if (ui_wanted(&o))
		rv = ui_run(&o);
	else if (o.open_dir != NULL) {
		log_warnx("--open %s: browsing needs a terminal (or -e netviz "
		    "to draw it)", o.open_dir);
		rv = 1;
	}
	else
		rv = batch_run(&o);
	render_netviz_cleanup();
	opts_free(&o);
	return (rv);
}
