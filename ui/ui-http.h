/*
 * ui-http.h: the decoder behind the pager's HTTP view.  Turns one direction
 * of a TCP connection (its reassembled bytes, read through a pread-like
 * callback) into a readable copy in a spool file: HTTP/1.x header sections
 * as they were sent, message bodies de-chunked and decompressed (gzip,
 * deflate) under a one-line "[body: ...]" marker.
 *
 * Memory stays a few 64 KiB buffers whatever the input; decoded bodies are
 * capped (UI_HTTP_BODY_MAX etc.) against decompression bombs; anything the
 * decoder cannot frame is copied raw after a "[HTTP decoding stopped at
 * offset N: reason]" line.  No curses, no pcap: pure C and zlib.
 */
#ifndef FLOWSCOPE_UI_HTTP_H
#define FLOWSCOPE_UI_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Hard caps; override with -D at build time. */
#ifndef UI_HTTP_MAX_MSGS
#define UI_HTTP_MAX_MSGS	(1u << 20)	/* messages per direction */
#endif
#ifndef UI_HTTP_BODY_MAX
#define UI_HTTP_BODY_MAX	(64ull << 20)	/* decoded bytes per body */
#endif
#ifndef UI_HTTP_BODY_RATIO
#define UI_HTTP_BODY_RATIO	100		/* ... and at most this x raw */
#endif
#ifndef UI_HTTP_BODY_FLOOR
#define UI_HTTP_BODY_FLOOR	(1ull << 20)	/* ... but always this much */
#endif

/* Body framing of one message (RFC 9112 section 6.3). */
enum ui_http_framing {
	UI_HTTP_NOBODY = 0,	/* HEAD, 1xx, 204, 304, request w/o length */
	UI_HTTP_LENGTH,		/* Content-Length */
	UI_HTTP_CHUNKED,	/* Transfer-Encoding: ..., chunked */
	UI_HTTP_CLOSE,		/* response read until the end of the stream */
	UI_HTTP_TUNNEL		/* 101, 2xx to CONNECT: the rest is not HTTP */
};

/* Flags in ui_http_msg.flags. */
#define UI_HTTP_F_INCOMPLETE	0x01	/* the stream ends inside it */
#define UI_HTTP_F_TRUNCATED	0x02	/* decoded body hit the size cap */
#define UI_HTTP_F_CORRUPT	0x04	/* decompression failed part-way */
#define UI_HTTP_F_UNDECODED	0x08	/* coding not supported (br, zstd...) */

/* One decoded message; offsets are absolute (raw stream, output file). */
struct ui_http_msg {
	uint64_t	 raw_off, raw_len;	/* the message in the input */
	uint64_t	 out_off, out_len;	/* its decoded form in out_fd */
	uint64_t	 body_out_off;		/* decoded body in out_fd ... */
	uint64_t	 body_out_len;		/* ... (0: none; no added \n) */
	uint64_t	 body_raw_len;		/* body bytes on the wire */
	int		 is_request;
	int		 status;		/* response status, or 0 */
	int		 framing;		/* enum ui_http_framing */
	int		 flags;			/* UI_HTTP_F_* */
	char		 method[16];		/* request method, "" in
						   responses (cut, NUL-ended) */
	char		 coding[40];		/* codings applied, "" none
						   (comma-separated, maybe cut
						   with "...") */
};

/* Reads up to len bytes at off into buf; returns the count (short only at
 * the end), 0 at the end, -1 on error. */
typedef ssize_t	(*ui_http_read_fn)(void *arg, uint64_t off, uint8_t *buf,
		    size_t len);

/*
 * Decode one direction of raw_len bytes, appending the readable form to
 * out_fd (seekable; written with pwrite from its current end).  For a
 * response direction, request_methods[0..nmethods) are the client's request
 * methods in order (NULL: unknown, assumed GET), so replies to HEAD have no
 * body.  On success returns 0 and a malloc'ed list the caller frees in
 * *msgs, *nmsgs (list may be NULL when empty).  Returns -1 with a message in
 * err on an I/O error, or "not HTTP" when the direction does not start with
 * an HTTP/1.x request or status line (nothing is written then).
 */
int	 ui_http_decode(ui_http_read_fn read, void *arg, uint64_t raw_len,
	    int out_fd, const char *const *request_methods, size_t nmethods,
	    struct ui_http_msg **msgs, size_t *nmsgs, char *err,
	    size_t errlen);

/*
 * The request methods of a client direction's decode, for the server
 * direction's call: a malloc'ed array (caller frees the array only) of
 * pointers into msgs, one per request, count in *nmethods.
 */
const char **ui_http_methods(const struct ui_http_msg *msgs, size_t nmsgs,
	    size_t *nmethods);

#endif /* FLOWSCOPE_UI_HTTP_H */
