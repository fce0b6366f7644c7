/*
 * render-axis.h: round axis steps and human-readable numbers for the
 * pictures: byte sizes and rates (B, KB, MB, GB, TB: powers of 1000), counts
 * with thousands separators, times (us, ms, s, min, h, d; the micro sign in
 * UTF-8, as cairo wants).  Pure functions, no cairo, no locale.
 */
#ifndef FLOWSCOPE_RENDER_AXIS_H
#define FLOWSCOPE_RENDER_AXIS_H

#include <stddef.h>
#include <stdint.h>

/* A round step (1, 2, 2.5 or 5 times a power of ten) so that about n steps
 * cover max; 1 for max <= 0. */
double		 render_axis_step(double max, int n);

/* A round time step in ns (1-2-5 us..s, then 10 s, 15 s, 30 s, 1, 2, 5, 10,
 * 15, 30 min, 1, 2, 3, 6, 12 h, 1, 2, 7 d...) so that about n cover span. */
uint64_t	 render_axis_time_step(uint64_t span_ns, int n);

/* "0", "500 ms", "2 min": offset t_ns in the unit of step_ns. */
void		 render_fmt_time(char *buf, size_t len, uint64_t t_ns,
		    uint64_t step_ns);

/* A duration with 3 significant digits: "850 us", "1.25 s", "3.5 h". */
void		 render_fmt_dur(char *buf, size_t len, uint64_t ns);

/* "512 B", "1.23 KB", "45.6 MB"; suffix (such as "/s") appended. */
void		 render_fmt_bytes(char *buf, size_t len, double v,
		    const char *suffix);

/* "1,234,567". */
void		 render_fmt_count(char *buf, size_t len, uint64_t v);

#endif /* FLOWSCOPE_RENDER_AXIS_H */
