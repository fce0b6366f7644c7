/*
 * fuzz-hint.c: fuzz target for the flow list's service hint (flow-hint.h):
 * every protocol recogniser and the merge of two hints.
 *
 * Input layout:
 *
 *	byte 0		selector: bit 0 from_client, bits 1-4 index the port
 *			table below, bit 5 gives a short output buffer,
 *			bit 6 splits the rest into a client and a server part
 *			that are hinted and merged
 *	byte 1		with bit 6: where to split (a fraction of the rest)
 *	bytes 1.. (2..)	the payload
 *
 * Each payload is a private heap copy of exactly its size, so a read past
 * it is caught by ASan.  Every hint is checked for what the header
 * promises (length returned, limit, printable ASCII only); a breach aborts.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow-hint.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Ports that steer the recognisers, and two that steer nothing. */
static const uint16_t ports[] = {
	80, 443, 22, 25, 21, 110, 143, 53, 3306, 5432, 6379, 1080, 3389,
	6667, 40000, 0
};
#define NPORTS	(sizeof(ports) / sizeof(ports[0]))

#define SEL_CLIENT	0x01
#define SEL_SHORT	0x20
#define SEL_SPLIT	0x40

static void
check(const char *h, size_t n, size_t outlen)
{
	size_t	 i, lim;

	lim = outlen < FLOW_HINT_LEN ? outlen : FLOW_HINT_LEN;
	if (strlen(h) != n || n + 1 > lim)
		abort();
	for (i = 0; i < n; i++)
		if (h[i] < 0x20 || h[i] > 0x7e)
			abort();
}

static size_t
hint_copy(const uint8_t *p, size_t len, bool fc, uint16_t port, char *out,
    size_t outlen)
{
	uint8_t	*copy;
	size_t	 n;

	copy = malloc(len > 0 ? len : 1);
	if (copy == NULL)
		abort();
	if (len > 0)
		memcpy(copy, p, len);
	/* The service port is dport from the client, sport from the server. */
	n = flow_hint(copy, len, fc, fc ? 51000 : port, fc ? port : 51000,
	    out, outlen);
	check(out, n, outlen);
	(void)flow_hint_is_guess(out);
	free(copy);
	return (n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 a[FLOW_HINT_LEN + 16], b[FLOW_HINT_LEN], m[FLOW_HINT_LEN];
	size_t		 outlen, split, n;
	uint16_t	 port;
	uint8_t		 sel;

	if (size < 1)
		return (0);
	sel = data[0];
	port = ports[(sel >> 1) % NPORTS];
	outlen = (sel & SEL_SHORT) ? 1 + size % 12 : sizeof(a);
	if (!(sel & SEL_SPLIT)) {
		(void)hint_copy(data + 1, size - 1, sel & SEL_CLIENT, port, a,
		    outlen);
		return (0);
	}
	if (size < 2)
		return (0);
	split = (size - 2) * data[1] / 255;
	(void)hint_copy(data + 2, split, true, port, a, sizeof(b));
	(void)hint_copy(data + 2 + split, size - 2 - split, false, port, b,
	    sizeof(b));
	n = flow_hint_merge(a, b, m, outlen);
	check(m, n, outlen);
	/* In place, as the capture thread would update a row's hint. */
	n = flow_hint_merge(a, b, a, sizeof(b));
	check(a, n, sizeof(b));
	/* Raw payload bytes as the hint strings: merge must sanitise. */
	memcpy(a, data + 2, size - 2 < sizeof(a) - 1 ? size - 2 : sizeof(a) - 1);
	a[size - 2 < sizeof(a) - 1 ? size - 2 : sizeof(a) - 1] = '\0';
	n = flow_hint_merge(b, a, m, sizeof(m));
	check(m, n, sizeof(m));
	return (0);
}
