/*
 * flow-hint.h: the flow list's "service hint", a short text telling what a
 * TCP connection carries ("HTTP GET example.com/ 200", "TLS1.3 h2
 * example.com", "SSH-2.0-OpenSSH_9.2p1"), guessed once per direction from
 * its first payload bytes, in the capture thread.
 *
 * Every hint is NUL-terminated, at most FLOW_HINT_LEN - 1 characters, and
 * made of printable ASCII only (escape_is_print): it can be drawn as is and
 * can never be a terminal control sequence.  A hint that only comes from a
 * well-known port number is a guess and looks like "port 3306 mysql?"
 * (flow_hint_is_guess); every other hint starts with a protocol tag
 * ("HTTP", "TLS", "SSH-2.0-...", "SMTP", "DNS", ...).
 *
 * No function here allocates, and each one looks at a bounded window of
 * the payload, so it is cheap enough to run per new connection.
 */
#ifndef FLOWSCOPE_FLOW_HINT_H
#define FLOWSCOPE_FLOW_HINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FLOW_HINT_LEN	40	/* buffer size incl. NUL (ui-row.h ROW_HINT_LEN) */

/*
 * Hint from the first payload (p, len) of one direction: from_client says
 * whether the connection's opener sent it, sport and dport are that
 * direction's ports.  Writes a NUL-terminated printable string of at most
 * min(outlen, FLOW_HINT_LEN) - 1 characters to out and returns its length;
 * when nothing is recognised it falls back to a port guess, and returns 0
 * (out "") when the port is not a known one either.  p may be NULL when
 * len is 0 (a port guess only); nothing is written when outlen is 0.
 */
size_t		 flow_hint(const uint8_t *p, size_t len, bool from_client,
		    uint16_t sport, uint16_t dport, char *out, size_t outlen);

/*
 * Merge the client's and the server's hints (either may be NULL or "") into
 * out, with the same limits as flow_hint; out may be the same buffer as
 * client or server.  Returns the length written.  The rules:
 *   - a real hint beats a port guess; with two real hints the client's wins,
 *   - except that the server's facts are added when they say more:
 *	"HTTP GET example.com/" + "HTTP 200"	-> "HTTP GET example.com/ 200"
 *	"TLS h2 example.com" + "TLS1.3"		-> "TLS1.3 h2 example.com"
 *	"DNS A example.com" + "DNS NXDOMAIN ..."	-> "DNS A example.com NXDOMAIN"
 *	"SMTP EHLO x" + "220 some banner"	-> "SMTP some banner"
 *   - and a server that speaks first names its service better than the
 *     client's first words, so its banner wins: SSH, SMTP, FTP, POP3, IMAP,
 *     NNTP, MySQL, VNC.
 * The client's path is shortened to make room for what is added.
 */
size_t		 flow_hint_merge(const char *client, const char *server,
		    char *out, size_t outlen);

/* True if hint is only a guess from a port number ("port 22 ssh?"). */
bool		 flow_hint_is_guess(const char *hint);

#endif /* FLOWSCOPE_FLOW_HINT_H */
