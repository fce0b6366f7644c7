/*
 * ui-main.h: the interactive UI.  The main thread owns curses; a capture
 * thread runs the pipeline (src/pipeline.h).
 */
#ifndef FLOWSCOPE_UI_MAIN_H
#define FLOWSCOPE_UI_MAIN_H

#include <stdbool.h>

#include "opts.h"

/* True when o asks for the UI: --tui, or no batch option and a terminal
 * to draw on. */
bool		 ui_wanted(const struct opts *o);

/* Run the UI until the user quits; returns the exit status. */
int		 ui_run(const struct opts *o);

#endif /* FLOWSCOPE_UI_MAIN_H */
