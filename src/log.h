/*
 * log.h: diagnostics and fatal errors.
 *
 * log_warnx() prints "flowscope: message" on stderr (never while curses owns
 * the terminal: the UI redirects it to its status line or a log file).
 * log_debug() prints only with -v.  fatal()/fatalx() run the registered
 * emergency hook (terminal restore, report trailer) once, then exit 1
 * (STYLE.md 12-13).
 */
#ifndef FLOWSCOPE_LOG_H
#define FLOWSCOPE_LOG_H

#include <stdbool.h>

void	 log_init(const char *progname, int verbose);
void	 log_set_emergency_hook(void (*hook)(void));
/* Send warnings to fn (any thread) instead of stderr; NULL: stderr. */
void	 log_set_redirect(void (*fn)(const char *msg));
void	 log_warnx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	 log_warn(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	 log_debug(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
bool	 log_verbose(void);
void	 fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	 fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif /* FLOWSCOPE_LOG_H */
