/*
 * batch.h: the headless run: capture -> decode -> flow tracking ->
 * reassembly -> sinks (flow files, report.xml, console, -w dump), until the
 * end of input or a stop signal.
 */
#ifndef FLOWSCOPE_BATCH_H
#define FLOWSCOPE_BATCH_H

#include "opts.h"

/* Run the whole job; returns the process exit status (0 or 1). */
int		 batch_run(const struct opts *o);

#endif /* FLOWSCOPE_BATCH_H */
