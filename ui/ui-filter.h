/*
 * ui-filter.h: the flow list's filter language, compiled once per edit and
 * matched against every row (struct ui_row), a million rows per keystroke.
 *
 * Terms are separated by spaces and must all match.  `A or B` matches if
 * either side does (`or` binds tighter than the implicit "and", so
 * `port 80 or port 443 10.0.1` is (port 80 or port 443) and "10.0.1").
 * `not TERM` or `!TERM` negates one term.  There are no parentheses.
 *
 *	host ADDR[/PREFIX]	either endpoint in ADDR (IPv4 or IPv6)
 *	port N			either port is N
 *	src host|port ...	the client's endpoint only (the opener)
 *	dst host|port ...	the server's endpoint only
 *	vlan N			802.1Q id N (0-4095)
 *	state S[,S...]		syn open closed reset timeout ended, plus
 *				"open" = syn or open (not finished yet),
 *				"done" = closed, reset, timeout or ended
 *	bytes OP N		both directions; OP is > < >= <= =
 *	cbytes / sbytes OP N	client->server / server->client bytes
 *	packets OP N		both directions
 *				N may end in k, M, G or T (1024-based)
 *	"any text" / other	case-insensitive substring of the row's text
 *				"CLIENT:PORT SERVER:PORT HINT"; IPv6 addresses
 *				as inet_ntop writes them, "[addr]:port" also
 *				matches
 *
 * `and` is accepted and ignored.  Keywords are case-insensitive; quote a
 * keyword ("port") to search for it as text.
 */
#ifndef FLOWSCOPE_UI_FILTER_H
#define FLOWSCOPE_UI_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "ui-row.h"

struct ui_filter;

/*
 * Compile text into a filter the caller frees with ui_filter_free.  Empty
 * (or all-space) text matches every row.  On a bad term returns NULL with a
 * message naming the term in err (e.g. "port: 99999 is not a port").
 */
struct ui_filter *ui_filter_compile(const char *text, char *err,
		    size_t errlen);

/* True if row r passes filter f; a NULL filter matches every row. */
bool		 ui_filter_match(const struct ui_filter *f,
		    const struct ui_row *r);

/*
 * True when every row that nf matches is sure to be matched by of, so the
 * caller may re-filter only the rows of currently matches.  Conservative:
 * false means "re-filter everything", not "it widened".  NULL = match all.
 */
bool		 ui_filter_narrows(const struct ui_filter *of,
		    const struct ui_filter *nf);

/* True if f matches every row (compiled from empty text, or NULL). */
bool		 ui_filter_is_empty(const struct ui_filter *f);

/* Free a filter from ui_filter_compile; NULL is allowed. */
void		 ui_filter_free(struct ui_filter *f);

/*
 * Write the row's client endpoint ("10.0.0.1:443", "[2001:db8::1]:443")
 * into buf, NUL-terminated and truncated to len; returns the length it
 * needed.  The same fast formatter the filter uses, for the list's columns.
 */
size_t		 ui_filter_endpoint(const struct ui_row *r, int server,
		    char *buf, size_t len);

#endif /* FLOWSCOPE_UI_FILTER_H */
