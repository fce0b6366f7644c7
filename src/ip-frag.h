/*
 * ip-frag.h: IPv4 and IPv6 fragment reassembly for the decoder.
 *
 * Datagrams are keyed by (family, outer VLAN, source, destination, protocol
 * for IPv4, identification).  Everything is bounded: the bytes held by all
 * pending datagrams, their number, and their age in packet time.  A datagram
 * that cannot complete is dropped and counted, never kept for ever.
 *
 * A completed datagram is handed back as a pointer into a buffer owned by
 * the reassembler; it stays valid until the next ip_frag_* call.
 */
#ifndef FLOWSCOPE_IP_FRAG_H
#define FLOWSCOPE_IP_FRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest reassembled payload (bytes after the fragmented IP header). */
#define IP_FRAG_MAX_PAYLOAD	65535

struct ip_frag_key {
	uint8_t		 af;		/* FS_AF_INET or FS_AF_INET6 */
	uint8_t		 proto;		/* IPv4 protocol; 0 for IPv6 */
	uint32_t	 vlan;		/* outer VID, or 0x10000 when untagged */
	uint32_t	 id;		/* identification */
	uint8_t		 src[16];
	uint8_t		 dst[16];
};

struct ip_frag_stats {
	uint64_t	 held;		/* fragments stored */
	uint64_t	 reassembled;	/* datagrams completed */
	uint64_t	 dropped;	/* fragments refused (size, overlap...) */
	uint64_t	 timeouts;	/* incomplete datagrams timed out */
	uint64_t	 evictions;	/* incomplete datagrams evicted (budget) */
	size_t		 bytes;		/* memory held now */
	unsigned	 pending;	/* datagrams pending now */
};

enum ip_frag_result {
	IP_FRAG_HELD,		/* stored, datagram still incomplete */
	IP_FRAG_DONE,		/* datagram complete: see *out, *outlen */
	IP_FRAG_DROPPED		/* fragment refused and counted */
};

struct ip_frag;

/*
 * A new reassembler holding at most max_bytes (0: 8 MiB) in at most
 * max_pending datagrams (0: 4096), each timing out after timeout_ns of
 * packet time (0: 30 s).  Never returns NULL.
 */
struct ip_frag	*ip_frag_new(size_t max_bytes, unsigned max_pending,
		    uint64_t timeout_ns);

/* Free the reassembler and everything it holds. */
void		 ip_frag_free(struct ip_frag *f);

/*
 * Add one fragment: len bytes of data at byte offset off of the datagram's
 * payload, more set when more fragments follow (MF / M flag); nexthdr is the
 * protocol of the payload, remembered from the fragment at offset 0.  On
 * IP_FRAG_DONE, *out, *outlen and *nexthdr describe the whole payload,
 * valid until the next ip_frag_* call.  data may point into a previous
 * result.
 */
enum ip_frag_result ip_frag_add(struct ip_frag *f,
		    const struct ip_frag_key *key, size_t off, bool more,
		    const uint8_t *data, size_t len, uint8_t *nexthdr,
		    uint64_t now_ns, const uint8_t **out, size_t *outlen);

/* Drop datagrams older than the timeout at packet time now_ns. */
void		 ip_frag_expire(struct ip_frag *f, uint64_t now_ns);

/* Counters; the pointer stays valid for the reassembler's life. */
const struct ip_frag_stats *ip_frag_get_stats(const struct ip_frag *f);

#endif /* FLOWSCOPE_IP_FRAG_H */
