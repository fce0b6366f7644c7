/*
 * decode.c: the decoder's entry point, statistics and reason names.
 *
 * decode_packet() sets up a struct dctx for one frame, lets the link layer
 * dispatcher (decode-link.c) walk down through tunnels (decode-tunnel.c) to
 * IP and TCP (decode-ip.c), then counts the outcome.  The only memory the
 * per-packet path allocates is a fragment datagram buffer (ip-frag.c).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "decode.h"

#include <stdlib.h>
#include <string.h>

#include "decode-int.h"
#include "ip-frag.h"
#include "xmalloc.h"

#define DECODE_DEF_DEPTH	64
#define DECODE_FRAG_PENDING	4096

struct decoder *
decoder_new(const struct decode_limits *limits)
{
	struct decoder *d;

	d = xcalloc(1, sizeof(*d));
	if (limits != NULL)
		d->limits = *limits;
	if (d->limits.max_depth == 0)
		d->limits.max_depth = DECODE_DEF_DEPTH;
	d->frag = ip_frag_new(d->limits.frag_max_bytes, DECODE_FRAG_PENDING,
	    d->limits.frag_timeout_ns);
	return (d);
}

void
decoder_free(struct decoder *d)
{
	if (d == NULL)
		return;
	ip_frag_free(d->frag);
	free(d);
}

enum decode_result
decode_packet(struct decoder *d, int linktype, const uint8_t *data,
    size_t caplen, size_t wirelen, uint64_t ts_ns, struct pkt_meta *m,
    enum decode_reason *reason)
{
	struct dctx ctx;
	struct cursor c;
	enum decode_result r;
	const struct ip_frag_stats *fs;

	memset(m, 0, sizeof(*m));
	m->ts_ns = ts_ns;
	m->caplen = (uint32_t)caplen;
	m->wirelen = (uint32_t)wirelen;
	m->wscale = -1;

	memset(&ctx, 0, sizeof(ctx));
	ctx.d = d;
	ctx.m = m;
	ctx.ts_ns = ts_ns;
	ctx.reason = DR_OK;

	/* Release the last reassembled datagram and age out old ones. */
	ip_frag_expire(d->frag, ts_ns);

	if (data == NULL)
		caplen = 0;
	ctx.frame = data != NULL ? data : (const uint8_t *)"";
	ctx.caplen = caplen;
	ctx.wirelen = wirelen;
	c = cur_make(ctx.frame, caplen);
	r = decode_link_dispatch(&ctx, linktype, &c);
	if (r == DECODE_TCP)
		ctx.reason = DR_OK;
	else if (ctx.reason == DR_OK)	/* defensive: never uncounted */
		ctx.reason = DR_LINK_UNSUPPORTED;

	d->stats.packets++;
	if (r == DECODE_TCP)
		d->stats.tcp++;
	d->stats.reason[ctx.reason]++;
	if (ctx.af == FS_AF_INET)
		d->stats.bytes_ipv4 += wirelen;
	else if (ctx.af == FS_AF_INET6)
		d->stats.bytes_ipv6 += wirelen;
	else
		d->stats.bytes_other += wirelen;
	if (m->has_vlan)
		d->stats.bytes_vlan += wirelen;
	fs = ip_frag_get_stats(d->frag);
	d->stats.frag_timeouts = fs->timeouts + fs->evictions;
	if (reason != NULL)
		*reason = ctx.reason;
	return (r);
}

const struct decode_stats *
decode_get_stats(const struct decoder *d)
{
	return (&d->stats);
}

const char *
decode_reason_name(enum decode_reason r)
{
	static const char *const names[DR_COUNT] = {
		[DR_OK] = "ok",
		[DR_LINK_TRUNC] = "link header truncated",
		[DR_LINK_UNSUPPORTED] = "link type or protocol not decoded",
		[DR_LINK_ENCRYPTED] = "802.11 protected frame",
		[DR_ENCAP_DEPTH] = "too many nested encapsulations",
		[DR_IP_TRUNC] = "IP header truncated",
		[DR_IP_INVALID] = "IP header invalid",
		[DR_IP_NOT_TCP] = "IP, not TCP",
		[DR_IP_FRAG_HELD] = "IP fragment held",
		[DR_IP_FRAG_DROPPED] = "IP fragment dropped",
		[DR_IP6_EXTHDR_INVALID] = "IPv6 extension header invalid",
		[DR_TCP_TRUNC] = "TCP header truncated",
		[DR_TCP_INVALID] = "TCP header invalid",
	};

	if ((unsigned)r >= DR_COUNT || names[r] == NULL)
		return ("unknown");
	return (names[r]);
}
