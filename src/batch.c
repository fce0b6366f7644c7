/*
 * batch.c: the headless run (tcpflow's job): the pipeline in the main
 * thread, from the first packet to the last, then the report.
 *
 * Errors follow one rule: a bad option, input file or output directory stops
 * the run before anything is read, with a one-line message; a fault during the
 * run (a damaged file, a full disk, a signal) stops reading, and then
 * everything reassembled so far is still written, closed and reported.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "batch.h"

#include <signal.h>
#include <string.h>

#include "pipeline.h"

static struct pipeline *volatile batch_pipe;
static volatile sig_atomic_t batch_signalled;

/* Signals only set flags (pipeline_stop is async-signal-safe). */
static void
on_signal(int sig)
{
	(void)sig;
	batch_signalled = 1;
	if (batch_pipe != NULL)
		pipeline_stop(batch_pipe);
}

static void
set_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int
batch_run(const struct opts *o)
{
	struct pipeline *p;
	int status = 0;

	set_signals();
	p = pipeline_new(o, NULL);
	batch_pipe = p;
	if (batch_signalled)
		pipeline_stop(p);
	if (pipeline_open(p) == -1) {
		/* What opened gets closed (a report.xml is still finished). */
		status = 1;
	} else {
		if (pipeline_run(p) == -1)
			status = 1;
		if (pipeline_finish(p, pipeline_stopped(p)) != 0)
			status = 1;
	}
	batch_pipe = NULL;
	pipeline_free(p);
	return (status);
}
