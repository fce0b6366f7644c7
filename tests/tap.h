/*
 * tap.h: a tiny Test Anything Protocol emitter for the C unit tests.
 *
 * Header only, all functions static, state in one file-scope struct, so a
 * test program is a single .c file that includes this.  Output goes to
 * stdout and is read by automake's tap-driver.sh:
 *
 *	tap_plan(3);            or   tap_plan_none();
 *	tap_ok(x == 1, "x is %d", x);
 *	tap_is_int(got, 42, "answer");
 *	tap_is_str(s, "abc", "name");
 *	return (tap_done());    exit status 0 only if every test passed
 *
 * With tap_plan_none() the "1..N" line is printed by tap_done() at the end.
 * Diagnostics are "# " lines on stdout, which the driver copies to the log.
 */
#ifndef FLOWSCOPE_TAP_H
#define FLOWSCOPE_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static struct {
	int	 planned;	/* tests planned; -1: plan printed at the end */
	int	 run;
	int	 failed;
} tap_state;

/* Unused helpers must not trip -Wunused-function in a test. */
#define TAP_FN	static __attribute__((unused))

TAP_FN void	tap_plan(int);
TAP_FN void	tap_plan_none(void);
TAP_FN bool	tap_ok(bool, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
TAP_FN bool	tap_is_int(long long, long long, const char *);
TAP_FN bool	tap_is_str(const char *, const char *, const char *);
TAP_FN void	tap_skip(const char *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
TAP_FN void	tap_diag(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
TAP_FN int	tap_done(void);
TAP_FN void	tap_print_name(const char *);
TAP_FN bool	tap_vok(bool, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

/* Print the plan "1..n" before the first test. */
TAP_FN void
tap_plan(int n)
{
	tap_state.planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

/* Defer the plan: tap_done() prints "1..N" with the number of tests run. */
TAP_FN void
tap_plan_none(void)
{
	tap_state.planned = -1;
}

/* Print a comment line ("# ..."); embedded newlines start new comments. */
TAP_FN void
tap_diag(const char *fmt, ...)
{
	char	 buf[4096];
	char	*line, *nl;
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (line = buf; line != NULL; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		if (nl == NULL && *line == '\0' && line != buf)
			break;		/* text ended with a newline */
		printf("# %s\n", line);
	}
	fflush(stdout);
}

/* Print the description, keeping it on one line and away from '#'. */
TAP_FN void
tap_print_name(const char *name)
{
	const char	*p;

	for (p = name; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r')
			putchar(' ');
		else if (*p == '#')
			putchar('_');
		else
			putchar(*p);
	}
}

TAP_FN bool
tap_vok(bool cond, const char *fmt, va_list ap)
{
	char	 name[1024];

	vsnprintf(name, sizeof name, fmt, ap);
	tap_state.run++;
	if (!cond)
		tap_state.failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_state.run);
	tap_print_name(name);
	putchar('\n');
	fflush(stdout);
	return (cond);
}

/* Record one test; returns cond so callers can add diagnostics on failure. */
TAP_FN bool
tap_ok(bool cond, const char *fmt, ...)
{
	va_list	 ap;
	bool	 r;

	va_start(ap, fmt);
	r = tap_vok(cond, fmt, ap);
	va_end(ap);
	return (r);
}

/* Compare two integers; on mismatch print both as diagnostics. */
TAP_FN bool
tap_is_int(long long got, long long want, const char *name)
{
	if (tap_ok(got == want, "%s", name))
		return (true);
	tap_diag("     got: %lld", got);
	tap_diag("expected: %lld", want);
	return (false);
}

/* Compare two strings (NULL equals only NULL); on mismatch print both. */
TAP_FN bool
tap_is_str(const char *got, const char *want, const char *name)
{
	bool	 same;

	if (got == NULL || want == NULL)
		same = got == want;
	else
		same = strcmp(got, want) == 0;
	if (tap_ok(same, "%s", name))
		return (true);
	tap_diag("     got: %s%s%s", got ? "'" : "", got ? got : "(null)",
	    got ? "'" : "");
	tap_diag("expected: %s%s%s", want ? "'" : "", want ? want : "(null)",
	    want ? "'" : "");
	return (false);
}

/* Record one skipped test, with the reason why and a description. */
TAP_FN void
tap_skip(const char *why, const char *fmt, ...)
{
	char	 name[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof name, fmt, ap);
	va_end(ap);
	tap_state.run++;
	printf("ok %d - ", tap_state.run);
	tap_print_name(name);
	printf(" # SKIP ");
	tap_print_name(why);
	putchar('\n');
	fflush(stdout);
}

/* Finish: print a deferred plan; returns 0 if all tests passed, else 1. */
TAP_FN int
tap_done(void)
{
	if (tap_state.planned == -1)
		printf("1..%d\n", tap_state.run);
	else if (tap_state.planned != tap_state.run)
		tap_diag("planned %d tests but ran %d", tap_state.planned,
		    tap_state.run);
	fflush(stdout);
	if (tap_state.failed > 0) {
		tap_diag("failed %d of %d tests", tap_state.failed,
		    tap_state.run);
		return (1);
	}
	return (tap_state.planned == -1 || tap_state.planned == tap_state.run ?
	    0 : 1);
}

#undef TAP_FN

#endif /* FLOWSCOPE_TAP_H */
