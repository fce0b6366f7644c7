/*
 * fuzz-reasm.c: fuzz target for connection tracking and reassembly
 * (flow-track.h, reasm.h, store.h, flow-table.h): a byte-coded sequence of
 * TCP segments on two 4-tuples goes through track_segment(), then
 * track_close_all() and track_free().
 *
 * Input layout:
 *
 *	byte 0		config: bit 0 --overlap=last, bit 1 -b (max_bytes),
 *			bit 2 -m (max_seek), bit 3 idle timeout, bit 4 few
 *			ranges per direction, bit 5 small early-data budget,
 *			bit 6 at most two connections in memory, bit 7 IPv6
 *	byte 1		parameter for the limits above
 *	records		14 bytes each, then the payload:
 *	  flags		bit 0 FIN, 1 SYN, 2 RST, 3 ACK,
 *			bit 4 direction (0: client -> server), bit 5 second
 *			4-tuple, bit 6 seq is absolute (else a signed delta
 *			from where this direction's next byte is expected),
 *			bit 7 the frame was cut: seglen > paylen
 *	  seq		4 bytes big-endian
 *	  ack		4 bytes
 *	  window	2 bytes
 *	  length	1 byte payload length (clamped to the input left)
 *	  wscale	1 byte: 0-14 the SYN's window scale option, else none
 *	  time		1 byte: < 128 adds that many ms, else (t - 127) * 10 s
 *
 * The stream store writes under a directory made once per process; each
 * input gets a fresh subdirectory that is removed afterwards.  Checked: every
 * finished direction's file ends at its last covered byte below -b
 * (without the -b bit, -b is 1 MiB: see FZ_MAX_BYTES), in the store's
 * accounting when it is closed and on disk once the store is freed.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <ftw.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"
#include "flow-track.h"
#include "flow.h"
#include "reasm.h"
#include "store.h"

#include "fuzz-util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REC_LEN		14
#define FZ_MAX_BYTES	(1u << 20)

#define F_ACK		0x08
#define F_DIR		0x10
#define F_TUPLE		0x20
#define F_ABS		0x40
#define F_CUT		0x80

#define FZ_MAX_FILES	64

struct fz_file {
	char		 path[64];
	uint64_t	 size;
};

struct fz {
	struct store	*store;
	struct reasm_ctx rc;
	char		 dir[4200];
	struct fz_file	 files[FZ_MAX_FILES];
	size_t		 nfiles;
};

static int
name_fn(void *ctx, uint32_t count, char *buf, size_t len)
{
	const struct flow_dir *d = ctx;

	return (snprintf(buf, len, "f%llu-%u-c%u",
	    (unsigned long long)d->flow_id, d->side, count));
}

static int
create_fn(void *arg, struct flow_dir *d)
{
	struct fz *z = arg;
	char err[512];

	if (store_create(z->store, &d->ss, name_fn, d, &d->count, err,
	    sizeof err) == -1)
		return (-1);
	return (0);
}

/*
 * A direction was finished: its logical file size must end at its last byte
 * stored below -b (reasm_length() without -b).  The bytes reach the disk later (the store's writer thread), so
 * the file itself is checked in check_files() once the store is freed.
 */
static void
closed_fn(void *arg, struct flow_conn *c, int i)
{
	struct fz *z = arg;
	struct flow_dir *d = &c->dir[i];
	struct fz_file *f;
	const struct reasm_range *r;
	uint64_t holes, hole_bytes, want;
	uint32_t k;

	reasm_holes(d, &holes, &hole_bytes);
	if (hole_bytes > reasm_length(d))
		abort();
	if (d->ss.path == NULL || d->ss.failed)
		return;
	/* The last byte stored below -b ends the file. */
	r = d->rx != NULL ? d->rx : &d->r0;
	want = 0;
	for (k = d->nranges; k > 0; k--) {
		if (r[k - 1].lo < z->rc.max_bytes) {
			want = r[k - 1].hi < z->rc.max_bytes ? r[k - 1].hi :
			    z->rc.max_bytes;
			break;
		}
	}
	if (d->ss.file_size > z->rc.max_bytes)
		abort();	/* -b must hold, also after a rebase */
	/*
	 * Ranges merged over a hole (range_overflow) may end in bytes that
	 * -b dropped; so may ranges moved down below -b when a late SYN cut
	 * the front (counted as a violation): bytes that were beyond -b when
	 * they came were never stored.  Then the file may be shorter, never
	 * longer.
	 */
	if (d->ss.file_size > want || (d->range_overflow == 0 &&
	    !(d->syn_seen && d->violations > 0) && d->ss.file_size != want)) {
		fprintf(stderr, "%s: file_size %llu, want %llu (reasm_length "
		    "%llu, -b %llu)\n", d->ss.path,
		    (unsigned long long)d->ss.file_size,
		    (unsigned long long)want,
		    (unsigned long long)reasm_length(d),
		    (unsigned long long)z->rc.max_bytes);
		abort();
	}
	if (z->nfiles == FZ_MAX_FILES)
		return;
	f = &z->files[z->nfiles++];
	snprintf(f->path, sizeof f->path, "%s", d->ss.path);
	f->size = d->ss.file_size;
}

/* Every finished direction's file exists, with the size it had then when no
 * packet came late. */
static void
check_files(struct fz *z, bool late)
{
	struct stat sb;
	char path[8192];
	size_t i;

	for (i = 0; i < z->nfiles; i++) {
		snprintf(path, sizeof path, "%s/%s", z->dir, z->files[i].path);
		if (stat(path, &sb) == -1) {
			perror(path);
			abort();
		}
		/*
		 * Late packets may add to a finished file, and early bytes
		 * put in front of it move its old bytes up, past -b (1 MiB
		 * here), where they are cut: then only existence counts.
		 */
		if (!late && (uint64_t)sb.st_size != z->files[i].size) {
			fprintf(stderr, "%s: %llu bytes on disk, %llu when it "
			    "was closed\n", path,
			    (unsigned long long)sb.st_size,
			    (unsigned long long)z->files[i].size);
			abort();
		}
	}
}

static uint32_t
be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned long run;
	struct fz z;
	struct store_config sc;
	struct track_config tc;
	struct track *t;
	struct track_stats tst;
	struct pkt_meta m;
	uint32_t next[2][2];
	bool started[2][2], failed;
	uint8_t cfg, par, fl, *pay;
	uint64_t ts = 1700000000ull * 1000000000ull;
	size_t off, n;
	char err[512];
	const char *top;
	int dir, tup;

	if (size < 2)
		return (0);
	top = fuzz_topdir("flowscope-fuzz-reasm");
	cfg = data[0];
	par = data[1];

	memset(&z, 0, sizeof z);
	snprintf(z.dir, sizeof z.dir, "%s/%lu", top, run++);
	memset(&sc, 0, sizeof sc);
	sc.dir = z.dir;
	sc.max_fds = 3;			/* exercise descriptor eviction */
	sc.stage_bytes = 4096;		/* and staging-arena flushes */
	if ((z.store = store_new(&sc, err, sizeof err)) == NULL) {
		fprintf(stderr, "store_new: %s\n", err);
		abort();
	}
	z.rc.store = z.store;
	z.rc.overlap_last = (cfg & 0x01) != 0;
	/*
	 * Without -b a few segments far apart in sequence space make the
	 * early-data move (store_shift_up) copy gigabytes; 1 MiB keeps every
	 * input fast and the disk safe.
	 */
	z.rc.max_bytes = (cfg & 0x02) ? (uint64_t)par * 7 : FZ_MAX_BYTES;
	z.rc.max_ranges = (cfg & 0x10) ? 1 + par % 8 : 0;
	z.rc.pre_budget = (cfg & 0x20) ? 1 + (uint64_t)par * 3 : 0;
	z.rc.create = create_fn;
	z.rc.arg = &z;
	memset(&tc, 0, sizeof tc);
	tc.max_seek = (cfg & 0x04) ? 1 + (uint64_t)par * 37 : 0;
	tc.tcp_timeout_ns = (cfg & 0x08) ? 5000000000ull : 0;
	tc.max_conns = (cfg & 0x40) ? 2 : 0;
	t = track_new(&tc, &z.rc, closed_fn, &z);

	memset(next, 0, sizeof next);
	memset(started, 0, sizeof started);
	off = 2;
	while (size - off >= REC_LEN) {
		const uint8_t *r = data + off;

		fl = r[0];
		dir = (fl & F_DIR) != 0;
		tup = (fl & F_TUPLE) != 0;
		memset(&m, 0, sizeof m);
		if ((fl & F_ABS) || !started[tup][dir])
			m.seq = be32(r + 1);
		else
			m.seq = next[tup][dir] + be32(r + 1);
		m.ack = be32(r + 5);
		m.window = (uint16_t)(r[9] << 8 | r[10]);
		n = r[11];
		m.wscale = r[12] <= 14 ? (int8_t)r[12] : -1;
		ts += r[13] < 128 ? (uint64_t)r[13] * 1000000ull :
		    (uint64_t)(r[13] - 127) * 10000000000ull;
		off += REC_LEN;
		if (n > size - off)
			n = size - off;
		m.flags = fl & (TCP_FIN | TCP_SYN | TCP_RST);
		if (fl & F_ACK)
			m.flags |= TCP_ACK;
		m.ts_ns = ts;
		m.af = (cfg & 0x80) ? FS_AF_INET6 : FS_AF_INET;
		if (m.af == FS_AF_INET6) {
			m.src[0] = m.dst[0] = 0xfe;
			m.src[1] = m.dst[1] = 0x80;
			m.src[15] = 1;
			m.dst[15] = 2;
		} else {
			m.src[0] = m.dst[0] = 10;
			m.src[3] = 1;
			m.dst[3] = 2;
		}
		m.sport = (uint16_t)(40000 + tup);
		m.dport = 80;
		if (dir) {
			uint8_t a[16];
			uint16_t p;

			memcpy(a, m.src, 16);
			memcpy(m.src, m.dst, 16);
			memcpy(m.dst, a, 16);
			p = m.sport;
			m.sport = m.dport;
			m.dport = p;
		}
		/* An exact-size copy: reading past the payload is caught. */
		pay = malloc(n > 0 ? n : 1);
		if (pay == NULL)
			abort();
		if (n > 0)
			memcpy(pay, data + off, n);
		off += n;
		m.payload = pay;
		m.paylen = (uint32_t)n;
		m.seglen = (fl & F_CUT) ? (uint32_t)n * 2 + 1 : (uint32_t)n;
		m.caplen = 54 + m.paylen;
		m.wirelen = 54 + m.seglen;
		track_segment(t, &m);
		free(pay);
		started[tup][dir] = true;
		next[tup][dir] = m.seq + m.seglen +
		    ((m.flags & TCP_SYN) ? 1 : 0) + ((m.flags & TCP_FIN) ? 1 : 0);
	}
	track_close_all(t);
	track_get_stats(t, &tst);
	track_free(t);
	store_flush_all(z.store);
	failed = false;
	while (store_take_error(z.store) != NULL)
		failed = true;
	store_free(z.store);
	if (!failed)
		check_files(&z, tst.late_packets > 0);
	store_remove_tree(z.dir);
	return (0);
}
