/*
 * fuzz-decode.c: fuzz target for the frame decoder (decode.h): link layers,
 * tunnels, IPv4/IPv6 with extension headers, IP fragment reassembly and the
 * TCP header.
 *
 * Input layout:
 *
 *	byte 0		selector: bits 0-4 index the link type table below,
 *			bit 5 makes wirelen larger than caplen,
 *			bit 6 splits the rest into several frames,
 *			bit 7 uses tight fragment limits (budget, timeout)
 *	bytes 1..	one frame, or with bit 6 a sequence of records
 *			[2-byte big-endian length][frame bytes]
 *
 * One decoder lives for the whole input, so fragments of one record meet
 * those of the next; it is freed at the end so leaks show.  Every payload
 * byte a DECODE_TCP result points at is read, so a payload pointer outside
 * the frame or the reassembly buffer is caught by ASan.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every link type decode_linktype_supported() accepts, plus two it does not. */
static const int linktypes[] = {
	1,	/* EN10MB */
	0,	/* NULL */
	108,	/* LOOP */
	101,	/* RAW */
	12,	/* RAW (DLT 12) */
	14,	/* RAW (DLT 14) */
	228,	/* IPV4 */
	229,	/* IPV6 */
	113,	/* LINUX_SLL */
	276,	/* LINUX_SLL2 */
	9,	/* PPP */
	50,	/* PPP_HDLC */
	51,	/* PPP_ETHER */
	6,	/* IEEE802 */
	105,	/* IEEE802_11 */
	127,	/* IEEE802_11_RADIO */
	192,	/* PPI */
	239,	/* NFLOG */
	147,	/* USER0: unsupported */
	-1	/* nonsense */
};
#define NLINKTYPES	(sizeof linktypes / sizeof linktypes[0])

#define SEL_WIRELEN	0x20
#define SEL_MULTI	0x40
#define SEL_TIGHT	0x80

static volatile uint32_t sink;

static void
decode_one(struct decoder *d, int lt, const uint8_t *p, size_t len,
    bool longer, uint64_t ts)
{
	struct pkt_meta m;
	enum decode_reason why;
	enum decode_result r;
	uint32_t sum = 0;
	uint8_t *copy;
	size_t i;

	/*
	 * A private heap copy of exactly len bytes: any read past the frame
	 * is then a heap overflow, even in the middle of a multi-frame input.
	 */
	copy = malloc(len > 0 ? len : 1);
	if (copy == NULL)
		abort();
	if (len > 0)
		memcpy(copy, p, len);
	why = DR_OK;
	r = decode_packet(d, lt, copy, len, longer ? len + 1 + len % 1500 : len,
	    ts, &m, &why);
	if (r == DECODE_TCP) {
		if (m.paylen > 0 && m.payload == NULL)
			abort();
		if (m.paylen > m.seglen)
			abort();
		if (m.af != FS_AF_INET && m.af != FS_AF_INET6)
			abort();
		for (i = 0; i < m.paylen; i++)
			sum += m.payload[i];
	} else if (why >= DR_COUNT)
		abort();
	(void)decode_reason_name(why);
	sink += sum;
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decode_limits lim;
	struct decoder *d;
	const struct decode_stats *st;
	uint64_t ts = 1000000000ull;
	size_t off, n;
	uint8_t sel;
	int lt;

	if (size < 1)
		return (0);
	sel = data[0];
	lt = linktypes[(sel & 0x1f) % NLINKTYPES];
	memset(&lim, 0, sizeof lim);
	if (sel & SEL_TIGHT) {
		lim.frag_max_bytes = 3000;
		lim.frag_timeout_ns = 1000;
		lim.max_depth = 4;
	}
	d = decoder_new(&lim);
	(void)decode_linktype_supported(lt);
	(void)decode_linktype_name(lt);
	if (!(sel & SEL_MULTI)) {
		decode_one(d, lt, data + 1, size - 1, sel & SEL_WIRELEN, ts);
		/* The same frame again: a duplicate fragment, a retransmit. */
		decode_one(d, lt, data + 1, size - 1, false, ts + 1);
	} else {
		off = 1;
		while (size - off >= 2) {
			n = (size_t)data[off] << 8 | data[off + 1];
			off += 2;
			if (n > size - off)
				n = size - off;
			decode_one(d, lt, data + off, n, sel & SEL_WIRELEN, ts);
			off += n;
			ts += 500;
		}
	}
	st = decode_get_stats(d);
	if (st->tcp > st->packets)
		abort();
	decoder_free(d);
	return (0);
}
