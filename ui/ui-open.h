/*
 * ui-open.h: `flowscope --open DIR` in the UI: the connections of
 * DIR/report.xml (flowscope's or tcpflow 1.6.1's) as rows of the model,
 * their files read from DIR.  File names come through
 * report_read_stream_path() (relative, no "..") and are opened beneath DIR
 * without following symlinks (ui_conn_open_file).  Curses-free.
 */
#ifndef FLOWSCOPE_UI_OPEN_H
#define FLOWSCOPE_UI_OPEN_H

#include <stddef.h>

#include "ui-model.h"

/*
 * Load DIR/report.xml into m (service hints read from each file's first
 * bytes, up to OPEN_HINT_MAX connections); *dirfd gets DIR opened and
 * *nconns the connections.  0, with err[0] != '\0' (line:column) when the
 * report was malformed or cut and only what came before is loaded; -1
 * after printing why nothing could be loaded.
 */
int		 ui_open_load(struct ui_model *m, const char *dir, int *dirfd,
		    size_t *nconns, char *err, size_t errlen);

#endif /* FLOWSCOPE_UI_OPEN_H */
