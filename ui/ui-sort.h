/*
 * ui-sort.h: the flow list's columns and the order of its rows.
 *
 * The list is an array of row numbers (uint32_t indexes into the model's
 * struct ui_row array) sorted by one column.  Every column is a total
 * order: its value, then the connection id, ascending.  `descending`
 * reverses the value only, so rows with equal values keep the same
 * (id) order in both directions.  Strings (the hint) compare
 * case-insensitively (ASCII); addresses by family (IPv4 first), then
 * address bytes, then port.
 */
#ifndef FLOWSCOPE_UI_SORT_H
#define FLOWSCOPE_UI_SORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui-row.h"

enum ui_col {
	COL_ID,
	COL_STATE,
	COL_CLIENT,		/* client address, then port */
	COL_SERVER,
	COL_HINT,
	COL_CBYTES,		/* client -> server */
	COL_SBYTES,
	COL_BYTES,		/* both ways */
	COL_PACKETS,		/* both ways */
	COL_START,		/* first_ns */
	COL_DURATION,		/* last_ns - first_ns */
	COL_RATE,
	COL_LAST,		/* last_ns: most recently active */
	COL_NCOLS
};

/* Short column title ("Client", "Bytes"...), static; "?" if out of range. */
const char	*ui_col_name(enum ui_col c);

/*
 * Sort the n row numbers in idx by column c of rows (ties by id, see
 * above).  scratch must hold n entries; its contents are clobbered.  Also
 * allocates 16 bytes per row of key space for the call (28 more per row
 * when ids and values are too wide to share a key; the distinct hints for
 * COL_HINT), freed on return.
 */
void		 ui_sort(const struct ui_row *rows, uint32_t *idx, size_t n,
		    enum ui_col c, bool descending, uint32_t *scratch);

/*
 * Where row belongs in idx (n entries, sorted by ui_sort with the same c
 * and descending): the index of the first entry that does not sort before
 * it, so its own index if it is already there, else where to insert it.
 * O(log n).
 */
size_t		 ui_sort_insert_pos(const struct ui_row *rows,
		    const uint32_t *idx, size_t n, uint32_t row,
		    enum ui_col c, bool descending);

/*
 * Compare rows a and b in column c's order (<0, 0, >0); 0 only when a and
 * b have the same id.
 */
int		 ui_sort_cmp(const struct ui_row *a, const struct ui_row *b,
		    enum ui_col c, bool descending);

#endif /* FLOWSCOPE_UI_SORT_H */
