/*
 * render-axis.c: axis steps and number formats; see render-axis.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "render-axis.h"

#include <math.h>
#include <stdio.h>

#define NS_US	1000ull
#define NS_MS	1000000ull
#define NS_S	1000000000ull
#define NS_MIN	(60ull * NS_S)
#define NS_H	(60ull * NS_MIN)
#define NS_D	(24ull * NS_H)

double
render_axis_step(double max, int n)
{
	double raw, mag, f;

	if (!(max > 0) || n < 1)
		return (1);
	raw = max / n;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	if (f <= 1)
		f = 1;
	else if (f <= 2)
		f = 2;
	else if (f <= 2.5)
		f = 2.5;
	else if (f <= 5)
		f = 5;
	else
		f = 10;
	return (f * mag);
}

uint64_t
render_axis_time_step(uint64_t span_ns, int n)
{
	static const uint64_t steps[] = {
		1, 2, 5, 10, 20, 50, 100, 200, 500,
		NS_US, 2 * NS_US, 5 * NS_US, 10 * NS_US, 20 * NS_US,
		50 * NS_US, 100 * NS_US, 200 * NS_US, 500 * NS_US,
		NS_MS, 2 * NS_MS, 5 * NS_MS, 10 * NS_MS, 20 * NS_MS,
		50 * NS_MS, 100 * NS_MS, 200 * NS_MS, 500 * NS_MS,
		NS_S, 2 * NS_S, 5 * NS_S, 10 * NS_S, 15 * NS_S, 30 * NS_S,
		NS_MIN, 2 * NS_MIN, 5 * NS_MIN, 10 * NS_MIN, 15 * NS_MIN,
		30 * NS_MIN, NS_H, 2 * NS_H, 3 * NS_H, 6 * NS_H, 12 * NS_H,
		NS_D, 2 * NS_D, 7 * NS_D, 14 * NS_D, 28 * NS_D, 91 * NS_D,
		182 * NS_D, 364 * NS_D
	};
	uint64_t want;
	size_t i;

	if (n < 1)
		n = 1;
	want = span_ns / (uint64_t)n;
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if (steps[i] >= want)
			return (steps[i]);
	/* Beyond a year: whole multiples of 364 days. */
	return ((want / (364 * NS_D) + 1) * 364 * NS_D);
}

static void
unit_of(uint64_t ns, uint64_t *u, const char **name)
{
	if (ns < NS_US) {
		*u = 1;
		*name = "ns";
	} else if (ns < NS_MS) {
		*u = NS_US;
		*name = "\xc2\xb5s";	/* micro sign, UTF-8 */
	} else if (ns < NS_S) {
		*u = NS_MS;
		*name = "ms";
	} else if (ns < NS_MIN) {
		*u = NS_S;
		*name = "s";
	} else if (ns < NS_H) {
		*u = NS_MIN;
		*name = "min";
	} else if (ns < NS_D) {
		*u = NS_H;
		*name = "h";
	} else {
		*u = NS_D;
		*name = "d";
	}
}

void
render_fmt_time(char *buf, size_t len, uint64_t t_ns, uint64_t step_ns)
{
	const char *name;
	uint64_t u;

	if (t_ns == 0) {
		snprintf(buf, len, "0");
		return;
	}
	unit_of(step_ns, &u, &name);
	if (t_ns % u == 0)
		snprintf(buf, len, "%llu %s", (unsigned long long)(t_ns / u),
		    name);
	else
		snprintf(buf, len, "%.1f %s", (double)t_ns / (double)u, name);
}

/* v with 3 significant digits (at most 1 decimal above 100). */
static void
fmt_sig(char *buf, size_t len, double v, const char *unit)
{
	if (v < 10)
		snprintf(buf, len, "%.2f %s", v, unit);
	else if (v < 100)
		snprintf(buf, len, "%.1f %s", v, unit);
	else
		snprintf(buf, len, "%.0f %s", v, unit);
}

void
render_fmt_dur(char *buf, size_t len, uint64_t ns)
{
	const char *name;
	uint64_t u;

	if (ns == 0) {
		snprintf(buf, len, "0 s");
		return;
	}
	unit_of(ns, &u, &name);
	if (ns % u == 0)
		snprintf(buf, len, "%llu %s", (unsigned long long)(ns / u),
		    name);
	else
		fmt_sig(buf, len, (double)ns / (double)u, name);
}

void
render_fmt_bytes(char *buf, size_t len, double v, const char *suffix)
{
	static const char *const units[] = { "KB", "MB", "GB", "TB", "PB",
	    "EB" };
	char tmp[64];
	size_t i = 0;

	if (suffix == NULL)
		suffix = "";
	if (v < 1000) {
		if (v == floor(v))
			snprintf(buf, len, "%.0f B%s", v, suffix);
		else
			snprintf(buf, len, "%.1f B%s", v, suffix);
		return;
	}
	v /= 1000;
	while (v >= 999.5 && i + 1 < sizeof units / sizeof units[0]) {
		v /= 1000;
		i++;
	}
	fmt_sig(tmp, sizeof tmp, v, units[i]);
	snprintf(buf, len, "%s%s", tmp, suffix);
}

void
render_fmt_count(char *buf, size_t len, uint64_t v)
{
	char d[32], out[48];
	int n, i, o = 0;

	n = snprintf(d, sizeof d, "%llu", (unsigned long long)v);
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = d[i];
	}
	out[o] = '\0';
	snprintf(buf, len, "%s", out);
}
