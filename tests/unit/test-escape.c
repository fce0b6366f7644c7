/*
 * test-escape.c: escape_console, escape_hexdump and escape_xml.
 *
 * The console and hex-dump expectations are real tcpflow 1.6.1 output
 * ("tcpflow -c" and "tcpflow -D -c") for a crafted capture whose payloads
 * are the arrays below; each packet's text is what tcpflow printed between
 * the "name: " header and the trailing blank line.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "escape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

static const uint8_t p1[] = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
static const char p1_hex[] =
    "0000: 4745 5420 2f61 2048 5454 502f 312e 310d 0a48 6f73 743a 2078 "
    "0d0a 0d0a  GET /a HTTP/1.1..Host: x....\n";

static const char p2_hex[] =
    "0000: 0001 0203 0405 0607 0809 0a0b 0c0d 0e0f 1011 1213 1415 1617 "
    "1819 1a1b 1c1d 1e1f  ................................\n"
    "0020: 2021 2223 2425 2627 2829 2a2b 2c2d 2e2f 3031 3233 3435 3637 "
    "3839 3a3b 3c3d 3e3f   !\"#$%&'()*+,-./0123456789:;<=>?\n"
    "0040: 4041 4243 4445 4647 4849 4a4b 4c1b 5b33 316d 7f9b c3a9      "
    "                     @ABCDEFGHIJKL.[31m....\n";
static const char p2_con[] =
    "..........\n..\r.................."
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKL.[31m....";

static const uint8_t p3[] = "data-after-acks";
static const char p3_hex[] =
    "0000: 6461 7461 2d61 6674 6572 2d61 636b 73 data-after-acks\n";

static char	*capture(int, const uint8_t *, size_t, uint64_t);
static char	*xml(const char *);

/* Run one escaper (0 console, 1 hexdump) into a string the caller frees. */
static char *
capture(int which, const uint8_t *p, size_t len, uint64_t base)
{
	char	*s;
	size_t	 n;
	FILE	*f;
	int	 rv;

	s = NULL;
	n = 0;
	if ((f = open_memstream(&s, &n)) == NULL)
		abort();
	if (which == 0)
		rv = escape_console(f, p, len);
	else
		rv = escape_hexdump(f, p, len, base);
	fclose(f);
	if (rv != 0) {
		free(s);
		return (NULL);
	}
	return (s);
}

static char *
xml(const char *in)
{
	char	*s;
	size_t	 n;
	FILE	*f;
	int	 rv;

	s = NULL;
	n = 0;
	if ((f = open_memstream(&s, &n)) == NULL)
		abort();
	rv = escape_xml(f, in);
	fclose(f);
	if (rv != 0) {
		free(s);
		return (NULL);
	}
	return (s);
}

int
main(void)
{
	uint8_t		 p2[86], big[70];
	const uint8_t	 ctl[] = { 'a', 0x1b, '[', '2', 'J', 0x00, 0x7f,
			    0x9b, '1', 'm', 0xc3, 0xa9, '\r', '\n', '\t',
			    0x07, 0x08, 0xff };
	char		*s;
	size_t		 i;
	FILE		*full;

	tap_plan_none();

	for (i = 0; i < 77; i++)
		p2[i] = (uint8_t)i;
	memcpy(p2 + 77, "\x1b[31m\x7f\x9b\xc3\xa9", 9);

	/* console (tcpflow -c) */
	s = capture(0, p2, sizeof(p2), 0);
	tap_is_str(s, p2_con, "console: matches tcpflow -c output");
	free(s);
	s = capture(0, ctl, sizeof(ctl), 0);
	tap_is_str(s, "a.[2J...1m..\r\n....",
	    "console: ESC NUL DEL CSI UTF-8 BEL BS 0xff become '.'");
	tap_ok(s != NULL && strchr(s, 0x1b) == NULL, "console: no ESC");
	free(s);
	s = capture(0, p1, sizeof(p1) - 1, 0);
	tap_is_str(s, (const char *)p1, "console: printable and CRLF kept");
	free(s);
	s = capture(0, p1, 0, 0);
	tap_is_str(s, "", "console: empty input");
	free(s);

	/* hex dump (tcpflow -D) */
	s = capture(1, p1, sizeof(p1) - 1, 0);
	tap_is_str(s, p1_hex, "hexdump: one even line as tcpflow -D");
	free(s);
	s = capture(1, p2, sizeof(p2), 0);
	tap_is_str(s, p2_hex, "hexdump: three lines, padded odd tail");
	free(s);
	s = capture(1, p3, sizeof(p3) - 1, 0);
	tap_is_str(s, p3_hex, "hexdump: one odd line");
	free(s);
	s = capture(1, p1, 0, 0);
	tap_is_str(s, "", "hexdump: empty input writes nothing");
	free(s);
	memset(big, 'A', sizeof(big));
	s = capture(1, big, sizeof(big), 0xffe0);
	if (!tap_ok(s != NULL && strncmp(s, "ffe0: 4141", 10) == 0 &&
	    strstr(s, "\n10000: 4141") != NULL &&
	    strstr(s, "\n10020: 4141 4141 4141  ") != NULL,
	    "hexdump: offsets from base widen past 0xffff") && s != NULL)
		tap_diag("%s", s);
	free(s);
	s = capture(1, ctl, sizeof(ctl), 0);
	tap_ok(s != NULL && strchr(s, 0x1b) == NULL &&
	    strchr(s, (char)0x9b) == NULL, "hexdump: no raw control bytes");
	free(s);

	/* XML */
	s = xml("a&b<c>d'e\"f");
	tap_is_str(s, "a&amp;b&lt;c&gt;d&apos;e&quot;f", "xml: markup");
	free(s);
	s = xml("t\tn\nr\r");
	tap_is_str(s, "t&#x9;n&#xA;r&#xD;", "xml: tab newline cr as refs");
	free(s);
	s = xml("\x1b[2J\x01\x1f");
	tap_is_str(s, "?[2J??", "xml: forbidden C0 controls become ?");
	free(s);
	s = xml("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	tap_is_str(s, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	    "xml: valid UTF-8 passes");
	free(s);
	s = xml("\x7f\xc2\x9b");
	tap_is_str(s, "&#x7F;&#x9B;", "xml: DEL and C1 CSI as refs");
	free(s);
	s = xml("a\x9b" "b\xff\xc3(\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80z");
	tap_is_str(s, "a?b?" "?(?????????z",
	    "xml: invalid UTF-8 (lone, truncated, overlong, surrogate, "
	    ">U+10FFFF) becomes ?");
	free(s);
	s = xml("\xef\xbf\xbe\xef\xbf\xbf\xef\xbf\xbd");
	tap_is_str(s, "??\xef\xbf\xbd", "xml: U+FFFE U+FFFF refused, U+FFFD kept");
	free(s);
	s = xml("");
	tap_is_str(s, "", "xml: empty");
	free(s);

	/* write errors are reported */
	if ((full = fopen("/dev/full", "w")) != NULL) {
		setvbuf(full, NULL, _IONBF, 0);
		tap_is_int(escape_console(full, p1, sizeof(p1) - 1), -1,
		    "console: write error is -1");
		clearerr(full);
		tap_is_int(escape_hexdump(full, p1, sizeof(p1) - 1, 0), -1,
		    "hexdump: write error is -1");
		clearerr(full);
		tap_is_int(escape_xml(full, "abc&"), -1,
		    "xml: write error is -1");
		fclose(full);
	} else
		tap_skip("no /dev/full", "write errors");

	return (tap_done());
}
