/*
 * test-ui-sort.c: ui_sort against qsort with a comparator written here
 * from the documented order (value, then id ascending; descending reverses
 * the value only), for every column, both directions, on rows full of
 * ties, mixed IPv4/IPv6 and case variants; the wide-key fallback; and
 * ui_sort_insert_pos.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ui-sort.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "tap.h"

static uint64_t	 seed = 0x2545f4914f6cdd1dULL;
static const struct ui_row *ref_rows;
static enum ui_col ref_col;
static bool	 ref_desc;

static uint64_t
rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (seed);
}

/* Reference value order of column c: <0, 0, >0. */
static int
ref_value(const struct ui_row *a, const struct ui_row *b, enum ui_col c)
{
	const uint8_t	*x, *y;
	uint8_t		 xa[16], ya[16];
	uint64_t	 u, v;
	unsigned int	 px, py;
	int		 ca, cb, r, i;
	bool		 srv;

	ca = a->client & 1;
	cb = b->client & 1;
	switch (c) {
	case COL_ID:
		u = a->id, v = b->id;
		break;
	case COL_STATE:
		u = a->state, v = b->state;
		break;
	case COL_CLIENT:
	case COL_SERVER:
		srv = c == COL_SERVER;
		if ((a->key.af == FS_AF_INET6) != (b->key.af == FS_AF_INET6))
			return (a->key.af == FS_AF_INET6 ? 1 : -1);
		x = (ca ^ srv) == 0 ? a->key.a : a->key.b;
		y = (cb ^ srv) == 0 ? b->key.a : b->key.b;
		px = (ca ^ srv) == 0 ? a->key.pa : a->key.pb;
		py = (cb ^ srv) == 0 ? b->key.pa : b->key.pb;
		memset(xa, 0, sizeof xa);
		memset(ya, 0, sizeof ya);
		memcpy(xa, x, a->key.af == FS_AF_INET6 ? 16 : 4);
		memcpy(ya, y, b->key.af == FS_AF_INET6 ? 16 : 4);
		if ((r = memcmp(xa, ya, 16)) != 0)
			return (r);
		u = px, v = py;
		break;
	case COL_HINT:
		for (i = 0; i < ROW_HINT_LEN; i++) {
			px = (unsigned char)a->hint[i];
			py = (unsigned char)b->hint[i];
			px = px >= 'A' && px <= 'Z' ? px + 32 : px;
			py = py >= 'A' && py <= 'Z' ? py + 32 : py;
			if (px != py)
				return (px < py ? -1 : 1);
			if (px == 0)
				break;
		}
		return (0);
	case COL_CBYTES:
		u = a->bytes[ca], v = b->bytes[cb];
		break;
	case COL_SBYTES:
		u = a->bytes[ca ^ 1], v = b->bytes[cb ^ 1];
		break;
	case COL_BYTES:
		u = a->bytes[0] + a->bytes[1];
		u = u < a->bytes[0] ? UINT64_MAX : u;
		v = b->bytes[0] + b->bytes[1];
		v = v < b->bytes[0] ? UINT64_MAX : v;
		break;
	case COL_PACKETS:
		u = (uint64_t)a->packets[0] + a->packets[1];
		v = (uint64_t)b->packets[0] + b->packets[1];
		break;
	case COL_START:
		u = a->first_ns, v = b->first_ns;
		break;
	case COL_DURATION:
		u = a->last_ns >= a->first_ns ? a->last_ns - a->first_ns : 0;
		v = b->last_ns >= b->first_ns ? b->last_ns - b->first_ns : 0;
		break;
	case COL_RATE:
		u = a->rate, v = b->rate;
		break;
	case COL_LAST:
		u = a->last_ns, v = b->last_ns;
		break;
	default:
		abort();
	}
	return (u < v ? -1 : u > v);
}

static int
ref_cmp(const void *x, const void *y)
{
	const struct ui_row *a, *b;
	int		 r;

	a = &ref_rows[*(const uint32_t *)x];
	b = &ref_rows[*(const uint32_t *)y];
	r = ref_value(a, b, ref_col);
	if (ref_desc)
		r = -r;
	if (r == 0)
		r = a->id < b->id ? -1 : a->id > b->id;
	return (r);
}

/*
 * Random rows with many ties.  wide: ids and times spread over 64 bits, so
 * (value, id) no longer fits one key.
 */
static void
make_rows(struct ui_row *rows, size_t n, bool wide)
{
	static const char *const hints[] = { "", "GET a", "get a", "GET b",
	    "TLS www.example.com", "tls WWW.EXAMPLE.COM", "SSH-2.0",
	    "\xc3\xa9t\xc3\xa9", "~", "TLS www.example.co",
	    "0123456789012345678901234567890123456789" };
	struct ui_row	*r;
	size_t		 i, j;

	memset(rows, 0, n * sizeof *rows);
	for (i = 0; i < n; i++) {
		r = &rows[i];
		/* Unique ids, not in row order. */
		r->id = wide ? (rnd() | 1) ^ (uint64_t)i << 1 :
		    (uint64_t)((i * 7919) % n) + 100;
		r->key.af = rnd() % 4 == 0 ? FS_AF_INET6 : FS_AF_INET;
		for (j = 0; j < 16; j++) {
			r->key.a[j] = (uint8_t)(rnd() % 3);
			r->key.b[j] = (uint8_t)(rnd() % 2 ? 0 : rnd());
		}
		if (r->key.af == FS_AF_INET) {
			/* Garbage past the IPv4 address must not count. */
			r->key.a[9] = (uint8_t)rnd();
		}
		r->key.pa = (uint16_t)(rnd() % 3);
		r->key.pb = (uint16_t)(rnd() % 2 ? 80 : rnd());
		r->client = (uint8_t)(rnd() % 2);
		r->state = (uint8_t)(rnd() % ROW_NSTATES);
		r->bytes[0] = rnd() % 3 == 0 ? rnd() : rnd() % 5;
		r->bytes[1] = rnd() % 5 == 0 ? UINT64_MAX - rnd() % 3 :
		    rnd() % 5;
		r->packets[0] = (uint32_t)(rnd() % 2 ? rnd() : rnd() % 3);
		r->packets[1] = (uint32_t)rnd();
		r->first_ns = wide ? rnd() : 1000 + rnd() % 10;
		r->last_ns = rnd() % 4 == 0 ? r->first_ns - 1 :
		    r->first_ns + rnd() % 10;
		r->rate = (uint32_t)(rnd() % 4);
		snprintf(r->hint, sizeof r->hint, "%s",
		    hints[rnd() % (sizeof hints / sizeof hints[0])]);
		if (rnd() % 50 == 0)	/* not NUL-terminated */
			memset(r->hint, 'x', sizeof r->hint);
	}
}

/* Sort every column both ways and compare with qsort + ref_cmp. */
static void
check_all(const struct ui_row *rows, size_t n, const char *what,
    bool idorder)
{
	uint32_t	*idx, *want, *scratch;
	size_t		 i, j, bad, pos;
	int		 c, d;

	idx = calloc(n + 1, sizeof *idx);
	want = calloc(n + 1, sizeof *want);
	scratch = calloc(n + 1, sizeof *scratch);
	if (idx == NULL || want == NULL || scratch == NULL)
		abort();
	for (c = 0; c < COL_NCOLS; c++) {
		for (d = 0; d < 2; d++) {
			for (i = 0; i < n; i++)
				want[i] = (uint32_t)i;
			if (idorder) {
				ref_rows = rows;
				ref_col = COL_ID;
				ref_desc = false;
				qsort(want, n, sizeof *want, ref_cmp);
				memcpy(idx, want, n * sizeof *idx);
			} else {
				/* A shuffled start. */
				for (i = n; i > 1; i--) {
					j = rnd() % i;
					pos = want[i - 1];
					want[i - 1] = want[j];
					want[j] = (uint32_t)pos;
				}
				memcpy(idx, want, n * sizeof *idx);
			}
			ref_rows = rows;
			ref_col = (enum ui_col)c;
			ref_desc = d;
			qsort(want, n, sizeof *want, ref_cmp);
			ui_sort(rows, idx, n, (enum ui_col)c, d, scratch);
			bad = n;
			for (i = 0; i < n && bad == n; i++) {
				if (idx[i] != want[i])
					bad = i;
			}
			if (!tap_ok(bad == n, "%s: %s %s", what,
			    ui_col_name((enum ui_col)c), d ? "desc" : "asc"))
				tap_diag("first difference at %zu of %zu",
				    bad, n);

			/* insert_pos: each row where it is; comparator
			 * agrees with the reference. */
			bad = 0;
			for (i = 0; i < n; i += 1 + n / 200) {
				pos = ui_sort_insert_pos(rows, idx, n, idx[i],
				    (enum ui_col)c, d);
				if (pos != i)
					bad++;
				j = rnd() % n;
				if ((ui_sort_cmp(&rows[idx[i]], &rows[idx[j]],
				    (enum ui_col)c, d) < 0) != (i < j) &&
				    i != j)
					bad++;
			}
			tap_is_int((long long)bad, 0, "insert_pos and cmp "
			    "agree with the order");
		}
	}
	free(idx);
	free(want);
	free(scratch);
}

static void
test_small(void)
{
	struct ui_row	 rows[6];
	uint32_t	 idx[6], scratch[6];
	size_t		 i, pos;
	int		 c;
	bool		 ok;

	memset(rows, 0, sizeof rows);
	for (i = 0; i < 6; i++) {
		rows[i].id = 10 - i;		/* 10, 9, ... 5 */
		rows[i].key.af = FS_AF_INET;
		rows[i].bytes[0] = i % 2;	/* ties: 0, 1, 0, 1, 0, 1 */
		idx[i] = (uint32_t)i;
	}
	ui_sort(rows, idx, 6, COL_CBYTES, false, scratch);
	/* Zeros (ids 10, 8, 6) by id, then ones (9, 7, 5). */
	tap_ok(idx[0] == 4 && idx[1] == 2 && idx[2] == 0 && idx[3] == 5 &&
	    idx[4] == 3 && idx[5] == 1, "ascending: ties by id");
	ui_sort(rows, idx, 6, COL_CBYTES, true, scratch);
	tap_ok(idx[0] == 5 && idx[1] == 3 && idx[2] == 1 && idx[3] == 4 &&
	    idx[4] == 2 && idx[5] == 0, "descending: ties still by id");

	/* A changed row: where it goes now. */
	rows[2].bytes[0] = 1;		/* id 8 joins the ones */
	pos = ui_sort_insert_pos(rows, idx, 6, 2, COL_CBYTES, true);
	tap_is_int((long long)pos, 2, "insert_pos for a changed row");
	pos = ui_sort_insert_pos(rows, idx, 0, 2, COL_CBYTES, true);
	tap_is_int((long long)pos, 0, "insert_pos in an empty list");

	ui_sort(rows, idx, 0, COL_ID, false, scratch);
	ui_sort(rows, idx, 1, COL_ID, false, scratch);
	tap_ok(true, "n = 0 and n = 1 are no-ops");

	ok = true;
	for (c = 0; c < COL_NCOLS; c++) {
		if (ui_col_name((enum ui_col)c) == NULL ||
		    strcmp(ui_col_name((enum ui_col)c), "?") == 0)
			ok = false;
	}
	tap_ok(ok, "every column has a name");
	tap_is_str(ui_col_name(COL_NCOLS), "?", "out of range is ?");
	tap_is_str(ui_col_name(COL_BYTES), "Bytes", "COL_BYTES is Bytes");
}

int
main(void)
{
	struct ui_row	*rows;
	size_t		 n;

	tap_plan_none();
	test_small();
	n = 3000;
	if ((rows = calloc(n, sizeof *rows)) == NULL)
		abort();
	make_rows(rows, n, false);
	check_all(rows, n, "dense ids, shuffled", false);
	check_all(rows, n, "dense ids, in id order", true);
	make_rows(rows, n, true);
	check_all(rows, n, "wide ids and times", false);
	free(rows);
	return (tap_done());
}
