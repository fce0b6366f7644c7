/*
 * fuzz-template.c: fuzz target for the -T file-name template (flow-name.h)
 * and the escapers (escape.h).
 *
 * Input layout:
 *
 *	bytes 0..	the template, up to the first NUL (the whole input
 *			when there is none)
 *	after the NUL	the variables, in this order; missing bytes are 0:
 *			flags (1): bit 0 IPv6, bit 1 has_vlan, bit 2 has_mac,
 *			bit 3 MAC pointers NULL, bits 4-7 pick the -F letters
 *			applied; then src (16), dst (16), sport (2), dport
 *			(2), vlan (2), mac_src (6), mac_dst (6), first_ns
 *			(8), count (4), flow_id (8), session_id (8), and one
 *			more byte for three -F letters in a row
 *
 * flow_name_new must accept or reject the template without crashing (a
 * rejection leaves a NUL-terminated message, even in a tiny buffer); every
 * -F letter is applied and the result compiled; each compiled template is
 * expanded into exact-size heap buffers from 0 bytes up to one that always
 * fits, checking that a result is NUL-terminated at its length and a
 * failure (-1) leaves a NUL-terminated prefix of the full name.
 *
 * The whole input also goes through escape_console and escape_hexdump
 * (output must hold no control byte but \n and \r, nothing at or above
 * 0x7f) and the template through escape_xml, whose output must parse as
 * both element text and an attribute value.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <expat.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "escape.h"
#include "flow-name.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FL_INET6	0x01
#define FL_VLAN		0x02
#define FL_MAC		0x04
#define FL_NULLMAC	0x08

/* Longest text a single code can produce (an IPv6 address: 45). */
#define CODE_MAX	64

/* Reads variable bytes; past the end of the input it yields zeros. */
struct take {
	const uint8_t	*p;
	size_t		 left;
};

static void
take(struct take *t, uint8_t *out, size_t n)
{
	size_t k = n < t->left ? n : t->left;

	memset(out, 0, n);
	if (k > 0)
		memcpy(out, t->p, k);
	t->p += k;
	t->left -= k;
}

static uint64_t
take_uint(struct take *t, size_t n)
{
	uint8_t b[8];
	uint64_t v = 0;
	size_t i;

	take(t, b, n);
	for (i = 0; i < n; i++)
		v = v << 8 | b[i];
	return (v);
}

/* A stream in memory; abort() if it cannot be had. */
static FILE *
mem_open(char **buf, size_t *len)
{
	FILE *f;

	*buf = NULL;
	*len = 0;
	if ((f = open_memstream(buf, len)) == NULL)
		abort();
	return (f);
}

static void
check_terminal_safe(const char *s, size_t n, bool spaces_only)
{
	size_t i;
	uint8_t c;

	for (i = 0; i < n; i++) {
		c = (uint8_t)s[i];
		if (c >= 0x7f)
			abort();
		if (c < 0x20 && c != '\n' && (spaces_only || c != '\r'))
			abort();
	}
}

static void
check_escapers(const uint8_t *data, size_t size, const char *tmpl)
{
	static const char *const wrap[][2] = {
		{ "<r>", "</r>" },
		{ "<r a=\"", "\"/>" },
		{ "<r a='", "'/>" },
	};
	XML_Parser xp;
	FILE *f;
	char *buf;
	size_t len, i;

	f = mem_open(&buf, &len);
	if (escape_console(f, data, size) != 0 || fclose(f) != 0)
		abort();
	if (len != size)
		abort();
	check_terminal_safe(buf, len, false);
	free(buf);

	f = mem_open(&buf, &len);
	if (escape_hexdump(f, data, size, size * 0x10001u) != 0 ||
	    fclose(f) != 0)
		abort();
	check_terminal_safe(buf, len, true);
	free(buf);

	f = mem_open(&buf, &len);
	if (escape_xml(f, tmpl) != 0 || fclose(f) != 0)
		abort();
	if (memchr(buf, '<', len) != NULL || memchr(buf, '>', len) != NULL ||
	    memchr(buf, '"', len) != NULL || memchr(buf, '\'', len) != NULL)
		abort();
	/* It must be well-formed XML in text and in either kind of quotes. */
	for (i = 0; i < sizeof wrap / sizeof wrap[0]; i++) {
		if ((xp = XML_ParserCreate("UTF-8")) == NULL)
			abort();
		if (XML_Parse(xp, wrap[i][0], (int)strlen(wrap[i][0]), 0) !=
		    XML_STATUS_OK ||
		    XML_Parse(xp, buf, (int)len, 0) != XML_STATUS_OK ||
		    XML_Parse(xp, wrap[i][1], (int)strlen(wrap[i][1]), 1) !=
		    XML_STATUS_OK) {
			fprintf(stderr, "escape_xml output does not parse: "
			    "%s\n", XML_ErrorString(XML_GetErrorCode(xp)));
			abort();
		}
		XML_ParserFree(xp);
	}
	free(buf);
}

/* Expand fn into buffers of many sizes and check every result. */
static void
check_expand(const char *tmpl, const struct flow_name *fn,
    const struct flow_name_vars *v)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 7, 8, 15, 16, 17, 31,
	    46, 64, 100, 255, 256, 1024, 4096 };
	char *full, *b;
	size_t big, i, n;
	int len, r;

	big = (strlen(tmpl) + 5) * CODE_MAX + 1;
	if ((full = malloc(big)) == NULL)
		abort();
	len = flow_name_expand(fn, v, full, big);
	if (len < 0 || (size_t)len >= big || strlen(full) != (size_t)len)
		abort();
	/* No code but %T writes ':'; with only literal text it is exact. */
	if (strchr(tmpl, '%') == NULL && v->count == 0 &&
	    strcmp(full, tmpl) != 0)
		abort();
	for (i = 0; i <= sizeof sizes / sizeof sizes[0]; i++) {
		/* Last round: exactly the size needed, then one too few. */
		n = i < sizeof sizes / sizeof sizes[0] ? sizes[i] :
		    (size_t)len + 1;
		if ((b = malloc(n > 0 ? n : 1)) == NULL)
			abort();
		r = flow_name_expand(fn, v, b, n);
		if (n > (size_t)len) {
			if (r != len || memcmp(b, full, (size_t)len + 1) != 0)
				abort();
		} else {
			if (r != -1)
				abort();
			if (n > 0 && (memchr(b, '\0', n) == NULL ||
			    strncmp(b, full, strlen(b)) != 0))
				abort();
		}
		free(b);
		if (i == sizeof sizes / sizeof sizes[0] && len > 0) {
			if ((b = malloc((size_t)len)) == NULL)
				abort();
			if (flow_name_expand(fn, v, b, (size_t)len) != -1 ||
			    memchr(b, '\0', (size_t)len) == NULL)
				abort();
			free(b);
		}
	}
	free(full);
}

/* Compile tmpl; expand it when it is accepted. */
static void
check_template(const char *tmpl, const struct flow_name_vars *v)
{
	struct flow_name *fn;
	char err[256], tiny[5];

	memset(err, 'x', sizeof err);
	fn = flow_name_new(tmpl, err, sizeof err);
	if (fn == NULL) {
		if (memchr(err, '\0', sizeof err) == NULL || err[0] == '\0')
			abort();
		memset(tiny, 'x', sizeof tiny);
		if (flow_name_new(tmpl, tiny, sizeof tiny) != NULL ||
		    memchr(tiny, '\0', sizeof tiny) == NULL)
			abort();
		return;
	}
	if (!flow_name_has_count(fn))
		abort();
	check_expand(tmpl, fn, v);
	flow_name_free(fn);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char letters[] = "kmgtTXMcz%";
	struct flow_name_vars v;
	struct take t;
	const uint8_t *nul;
	uint8_t src[16], dst[16], msrc[6], mdst[6], flags, more;
	char *tmpl, *edited, *again;
	size_t tlen, i;

	nul = memchr(data, '\0', size);
	tlen = nul != NULL ? (size_t)(nul - data) : size;
	if ((tmpl = malloc(tlen + 1)) == NULL)
		abort();
	if (tlen > 0)
		memcpy(tmpl, data, tlen);
	tmpl[tlen] = '\0';
	t.p = nul != NULL ? nul + 1 : data + size;
	t.left = nul != NULL ? size - tlen - 1 : 0;

	take(&t, &flags, 1);
	memset(&v, 0, sizeof v);
	v.af = flags & FL_INET6 ? FS_AF_INET6 : FS_AF_INET;
	take(&t, src, sizeof src);
	take(&t, dst, sizeof dst);
	v.src = src;
	v.dst = dst;
	v.sport = (uint16_t)take_uint(&t, 2);
	v.dport = (uint16_t)take_uint(&t, 2);
	v.has_vlan = (flags & FL_VLAN) != 0;
	v.vlan = (uint16_t)take_uint(&t, 2);
	v.has_mac = (flags & FL_MAC) != 0;
	take(&t, msrc, sizeof msrc);
	take(&t, mdst, sizeof mdst);
	v.mac_src = flags & FL_NULLMAC ? NULL : msrc;
	v.mac_dst = flags & FL_NULLMAC ? NULL : mdst;
	v.first_ns = take_uint(&t, 8);
	v.count = (uint32_t)take_uint(&t, 4);
	v.flow_id = take_uint(&t, 8);
	v.session_id = take_uint(&t, 8);
	take(&t, &more, 1);

	check_escapers(data, size, tmpl);
	check_template(tmpl, &v);

	/* Every -F letter once; only k m g t T edit the template. */
	for (i = 0; letters[i] != '\0'; i++) {
		edited = flow_name_apply_F(tmpl, letters[i]);
		if ((edited != NULL) != (strchr("kmgtT", letters[i]) != NULL))
			abort();
		if (edited == NULL)
			continue;
		if (strcmp(edited + strlen(edited) - tlen, tmpl) != 0)
			abort();
		if (i == (size_t)(flags >> 4) % 5)
			check_template(edited, &v);
		free(edited);
	}
	/* Three letters in a row, as "-F kmT" would apply them. */
	edited = NULL;
	for (i = 0; i < 3; i++) {
		again = flow_name_apply_F(edited != NULL ? edited : tmpl,
		    "kmgtT"[(more >> (2 * i)) % 5]);
		if (again == NULL)
			abort();
		free(edited);
		edited = again;
	}
	check_template(edited, &v);
	free(edited);
	free(tmpl);
	return (0);
}
