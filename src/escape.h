/*
 * escape.h: the one place untrusted bytes are made safe for a terminal or an
 * XML document.  Character classes are locale-independent (tcpdump's
 * netdissect-ctype.h): only ASCII 0x20-0x7e counts as printable.
 */
#ifndef FLOWSCOPE_ESCAPE_H
#define FLOWSCOPE_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

static inline bool
escape_is_print(uint8_t c)
{
	return (c >= 0x20 && c <= 0x7e);
}

/*
 * tcpflow console style: each byte that is not printable and not \n or \r
 * becomes '.'; writes to out.  Returns -1 on a write error.
 */
int		 escape_console(FILE *out, const uint8_t *p, size_t len);

/*
 * Hex dump in tcpflow's -D layout: "0000: 4745 5420 ...  GET /..", 32 bytes per
 * line, offsets counted from base.
 */
int		 escape_hexdump(FILE *out, const uint8_t *p, size_t len,
		    uint64_t base);

/* XML text/attribute escaping (&<>'" and non-printable as &#xNN; where XML
 * allows it; bytes XML 1.0 forbids become '?'). */
int		 escape_xml(FILE *out, const char *s);

#endif /* FLOWSCOPE_ESCAPE_H */
