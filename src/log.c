/*
 * log.c: diagnostics and fatal errors; see log.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *log_progname = "flowscope";
static int log_level;
static void (*log_hook)(void);

void
log_init(const char *progname, int verbose)
{
	if (progname != NULL)
		log_progname = progname;
	log_level = verbose;
}

void
log_set_emergency_hook(void (*hook)(void))
{
	log_hook = hook;
}

bool
log_verbose(void)
{
	return (log_level > 0);
}

/* While curses owns the terminal, messages go to the UI instead. */
static void (*log_redirect)(const char *msg);

void
log_set_redirect(void (*fn)(const char *msg))
{
	log_redirect = fn;
}

static void
log_vprint(const char *fmt, va_list ap, const char *suffix)
{
	char msg[1024];
	size_t n;

	if (log_redirect != NULL) {
		vsnprintf(msg, sizeof msg, fmt, ap);
		n = strlen(msg);
		if (suffix != NULL && n < sizeof msg)
			snprintf(msg + n, sizeof msg - n, ": %s", suffix);
		log_redirect(msg);
		return;
	}
	fprintf(stderr, "%s: ", log_progname);
	vfprintf(stderr, fmt, ap);
	if (suffix != NULL)
		fprintf(stderr, ": %s", suffix);
	fputc('\n', stderr);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprint(fmt, ap, NULL);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_vprint(fmt, ap, strerror(saved));
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_level == 0)
		return;
	va_start(ap, fmt);
	log_vprint(fmt, ap, NULL);
	va_end(ap);
}

static void
run_hook(void)
{
	void (*hook)(void) = log_hook;

	/* Once only, even if the hook itself fails fatally. */
	log_hook = NULL;
	if (hook != NULL)
		hook();
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	run_hook();
	va_start(ap, fmt);
	log_vprint(fmt, ap, strerror(saved));
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	run_hook();
	va_start(ap, fmt);
	log_vprint(fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
