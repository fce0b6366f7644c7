/*
 * report-read.c: report.xml back into flows and connections; see
 * report-read.h.
 *
 * expat is fed 64 KiB at a time; element text is kept only for the few
 * elements we use and is capped (REPORT_TEXT_MAX), so a hostile report
 * costs memory in proportion to its fileobjects, not its text.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "report-read.h"

#include <arpa/inet.h>

#include <errno.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xmalloc.h"

#define REPORT_TEXT_MAX	4096

enum rr_text {
	RT_NONE = 0,
	RT_FILENAME,
	RT_FILESIZE,
	RT_PROGRAM,
	RT_COMMAND_LINE
};

struct rr {
	XML_Parser	 p;
	struct report_data *rd;
	size_t		 cap;
	bool		 in_fo;		/* inside a <fileobject> */
	struct report_flow cur;
	enum rr_text	 text;
	char		 buf[REPORT_TEXT_MAX];
	size_t		 buflen;
};

static bool
parse_u64(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long x;

	if (*s == '\0' || *s == '-' || *s == ' ')
		return (false);
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return (false);
	*v = x;
	return (true);
}

/* '2011-11-03T14:15:57.761327Z' (fraction optional) -> ns since epoch. */
static bool
parse_time(const char *s, uint64_t *ns)
{
	struct tm tm;
	const char *p;
	uint64_t frac = 0, scale = 1000000000u;
	time_t t;

	memset(&tm, 0, sizeof tm);
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (p == NULL)
		return (false);
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*p - '0') * scale;
			}
	}
	if (*p == 'Z')
		p++;
	if (*p != '\0')
		return (false);
	t = timegm(&tm);
	if (t < 0)
		return (false);
	*ns = (uint64_t)t * 1000000000u + frac;
	return (true);
}

static bool
parse_addr(const char *s, uint8_t *af, uint8_t *a)
{
	memset(a, 0, 16);
	if (inet_pton(AF_INET, s, a) == 1) {
		*af = 4;
		return (true);
	}
	if (inet_pton(AF_INET6, s, a) == 1) {
		*af = 6;
		return (true);
	}
	return (false);
}

static void
tcpflow_attrs(struct rr *r, const XML_Char **at)
{
	struct report_flow *f = &r->cur;
	uint64_t v;
	uint8_t af1 = 0, af2 = 0;
	bool ok;
	size_t i;

	for (i = 0; at[i] != NULL && at[i + 1] != NULL; i += 2) {
		const char *k = at[i], *s = at[i + 1];

		ok = true;
		if (strcmp(k, "startime") == 0)
			ok = parse_time(s, &f->first_ns);
		else if (strcmp(k, "endtime") == 0)
			ok = parse_time(s, &f->last_ns);
		else if (strcmp(k, "src_ipn") == 0)
			ok = parse_addr(s, &af1, f->src);
		else if (strcmp(k, "dst_ipn") == 0)
			ok = parse_addr(s, &af2, f->dst);
		else if (strcmp(k, "srcport") == 0 || strcmp(k, "dstport") ==
		    0) {
			ok = parse_u64(s, &v) && v <= 65535;
			if (ok && k[0] == 's')
				f->sport = (uint16_t)v;
			else if (ok)
				f->dport = (uint16_t)v;
		} else if (strcmp(k, "packets") == 0)
			ok = parse_u64(s, &f->packets);
		else if (strcmp(k, "len") == 0)
			ok = parse_u64(s, &f->len);
		else if (strcmp(k, "caplen") == 0)
			ok = parse_u64(s, &f->caplen);
		else if (strcmp(k, "out_of_order_count") == 0)
			ok = parse_u64(s, &f->out_of_order);
		else if (strcmp(k, "violations") == 0)
			ok = parse_u64(s, &f->violations);
		if (!ok)
			r->rd->bad_attrs++;
	}
	if (af1 != 0 && af1 == af2)
		f->af = af1;
	else if (af1 != 0 || af2 != 0)
		r->rd->bad_attrs++;
}

static void
flowscope_attrs(struct rr *r, const XML_Char **at)
{
	struct report_flow *f = &r->cur;
	uint64_t v;
	bool ok;
	size_t i;

	for (i = 0; at[i] != NULL && at[i + 1] != NULL; i += 2) {
		const char *k = at[i], *s = at[i + 1];

		ok = true;
		if (strcmp(k, "conn_id") == 0)
			ok = f->has_conn_id = parse_u64(s, &f->conn_id);
		else if (strcmp(k, "instance") == 0) {
			ok = parse_u64(s, &v) && v <= UINT32_MAX;
			if (ok)
				f->instance = (uint32_t)v;
		} else if (strcmp(k, "side") == 0) {
			if (strcmp(s, "client") == 0)
				f->side = 0;
			else if (strcmp(s, "server") == 0)
				f->side = 1;
			else
				ok = false;
		} else if (strcmp(k, "holes") == 0)
			ok = parse_u64(s, &f->holes);
		else if (strcmp(k, "hole_bytes") == 0)
			ok = parse_u64(s, &f->hole_bytes);
		else if (strcmp(k, "overlaps") == 0)
			ok = parse_u64(s, &f->overlaps);
		if (!ok)
			r->rd->bad_attrs++;
	}
}

static void XMLCALL
on_start(void *arg, const XML_Char *name, const XML_Char **at)
{
	struct rr *r = arg;

	r->text = RT_NONE;
	r->buflen = 0;
	if (strcmp(name, "fileobject") == 0) {
		/* A nested one starts afresh: drop the unfinished outer one. */
		free(r->cur.filename);
		memset(&r->cur, 0, sizeof r->cur);
		r->cur.side = -1;
		r->cur.line = XML_GetCurrentLineNumber(r->p);
		r->in_fo = true;
	} else if (r->in_fo && strcmp(name, "filename") == 0)
		r->text = RT_FILENAME;
	else if (r->in_fo && strcmp(name, "filesize") == 0)
		r->text = RT_FILESIZE;
	else if (r->in_fo && strcmp(name, "tcpflow") == 0)
		tcpflow_attrs(r, at);
	else if (r->in_fo && strcmp(name, "flowscope") == 0)
		flowscope_attrs(r, at);
	else if (!r->in_fo && strcmp(name, "program") == 0)
		r->text = RT_PROGRAM;
	else if (!r->in_fo && strcmp(name, "command_line") == 0)
		r->text = RT_COMMAND_LINE;
}

static void XMLCALL
on_text(void *arg, const XML_Char *s, int len)
{
	struct rr *r = arg;
	size_t n;

	if (r->text == RT_NONE || len <= 0)
		return;
	n = (size_t)len;
	if (n > sizeof r->buf - 1 - r->buflen)
		n = sizeof r->buf - 1 - r->buflen;
	memcpy(r->buf + r->buflen, s, n);
	r->buflen += n;
}

static void XMLCALL
on_end(void *arg, const XML_Char *name)
{
	struct rr *r = arg;
	struct report_data *rd = r->rd;

	r->buf[r->buflen] = '\0';
	switch (r->text) {
	case RT_FILENAME:
		free(r->cur.filename);
		r->cur.filename = xstrdup(r->buf);
		break;
	case RT_FILESIZE:
		if (!parse_u64(r->buf, &r->cur.filesize))
			rd->bad_attrs++;
		break;
	case RT_PROGRAM:
		if (rd->program == NULL)
			rd->program = xstrdup(r->buf);
		break;
	case RT_COMMAND_LINE:
		if (rd->command_line == NULL)
			rd->command_line = xstrdup(r->buf);
		break;
	case RT_NONE:
		break;
	}
	r->text = RT_NONE;
	r->buflen = 0;
	if (r->in_fo && strcmp(name, "fileobject") == 0) {
		if (rd->nflows == r->cap) {
			r->cap = r->cap == 0 ? 64 : r->cap * 2;
			rd->flows = xreallocarray(rd->flows, r->cap,
			    sizeof *rd->flows);
		}
		rd->flows[rd->nflows++] = r->cur;
		memset(&r->cur, 0, sizeof r->cur);
		r->in_fo = false;
	}
}

/* --- pairing -------------------------------------------------------------- */

static const struct report_flow *sort_flows;

/* The endpoint order that both directions share. */
static int
canon_cmp(const struct report_flow *f, bool *swap)
{
	int c = memcmp(f->src, f->dst, 16);

	if (c == 0)
		c = (int)f->sport - (int)f->dport;
	*swap = c > 0;
	return (c);
}

static int
key_cmp(const struct report_flow *a, const struct report_flow *b)
{
	const uint8_t *a1, *a2, *b1, *b2;
	uint16_t ap1, ap2, bp1, bp2;
	bool sa, sb;
	int c;

	if (a->has_conn_id != b->has_conn_id)
		return (a->has_conn_id ? -1 : 1);
	if (a->has_conn_id) {
		if (a->conn_id != b->conn_id)
			return (a->conn_id < b->conn_id ? -1 : 1);
		if (a->instance != b->instance)
			return (a->instance < b->instance ? -1 : 1);
		return (0);
	}
	if (a->af != b->af)
		return ((int)a->af - (int)b->af);
	canon_cmp(a, &sa);
	canon_cmp(b, &sb);
	a1 = sa ? a->dst : a->src;
	a2 = sa ? a->src : a->dst;
	ap1 = sa ? a->dport : a->sport;
	ap2 = sa ? a->sport : a->dport;
	b1 = sb ? b->dst : b->src;
	b2 = sb ? b->src : b->dst;
	bp1 = sb ? b->dport : b->sport;
	bp2 = sb ? b->sport : b->dport;
	if ((c = memcmp(a1, b1, 16)) != 0 || (c = memcmp(a2, b2, 16)) != 0)
		return (c);
	if (ap1 != bp1)
		return ((int)ap1 - (int)bp1);
	return ((int)ap2 - (int)bp2);
}

static int
idx_cmp(const void *x, const void *y)
{
	const struct report_flow *a = &sort_flows[*(const long *)x];
	const struct report_flow *b = &sort_flows[*(const long *)y];
	int c = key_cmp(a, b);

	if (c != 0)
		return (c);
	if (a->first_ns != b->first_ns)
		return (a->first_ns < b->first_ns ? -1 : 1);
	return (*(const long *)x < *(const long *)y ? -1 : 1);
}

static int
conn_cmp(const void *x, const void *y)
{
	const struct report_conn *a = x, *b = y;
	long ia = a->dir[0] >= 0 ? a->dir[0] : a->dir[1];
	long ib = b->dir[0] >= 0 ? b->dir[0] : b->dir[1];
	uint64_t ta = sort_flows[ia].first_ns, tb = sort_flows[ib].first_ns;

	if (a->dir[0] >= 0 && a->dir[1] >= 0 &&
	    sort_flows[a->dir[1]].first_ns < ta)
		ta = sort_flows[a->dir[1]].first_ns;
	if (b->dir[0] >= 0 && b->dir[1] >= 0 &&
	    sort_flows[b->dir[1]].first_ns < tb)
		tb = sort_flows[b->dir[1]].first_ns;
	if (ta != tb)
		return (ta < tb ? -1 : 1);
	return (ia < ib ? -1 : ia > ib);
}

/* Reversed directions of one 4-tuple whose times overlap (1 s slack). */
static bool
partners(const struct report_flow *a, const struct report_flow *b)
{
	const uint64_t slack = 1000000000u;

	if (a->has_conn_id)
		return (b->has_conn_id && a->side != b->side);
	if (memcmp(a->src, b->dst, 16) != 0 || a->sport != b->dport ||
	    a->dport != b->sport)
		return (false);
	return (a->first_ns <= b->last_ns + slack &&
	    b->first_ns <= a->last_ns + slack);
}

static void
pair_flows(struct report_data *rd)
{
	struct report_flow *fl = rd->flows;
	long *idx, *grp;
	bool *used;
	size_t i, j, k, g, n = rd->nflows;
	struct report_conn *c;
	long a, b;

	rd->conns = xreallocarray(NULL, n > 0 ? n : 1, sizeof *rd->conns);
	idx = xreallocarray(NULL, n > 0 ? n : 1, sizeof *idx);
	used = xcalloc(n > 0 ? n : 1, sizeof *used);
	for (i = 0; i < n; i++)
		idx[i] = (long)i;
	sort_flows = fl;
	qsort(idx, n, sizeof *idx, idx_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && key_cmp(&fl[idx[i]], &fl[idx[j]]) ==
		    0; j++)
			;
		grp = idx + i;
		g = j - i;
		/* Greedy in order of first packet: the earlier one opens. */
		for (k = 0; k < g; k++) {
			size_t m;

			a = grp[k];
			if (used[a])
				continue;
			used[a] = true;
			c = &rd->conns[rd->nconns++];
			c->dir[0] = a;
			c->dir[1] = -1;
			for (m = k + 1; m < g; m++) {
				b = grp[m];
				if (!used[b] && partners(&fl[a], &fl[b])) {
					used[b] = true;
					c->dir[1] = b;
					break;
				}
			}
			/* flowscope says which side is the client. */
			if (fl[a].side == 1 || (c->dir[1] >= 0 &&
			    fl[c->dir[1]].side == 0)) {
				c->dir[0] = c->dir[1];
				c->dir[1] = a;
			}
		}
	}
	qsort(rd->conns, rd->nconns, sizeof *rd->conns, conn_cmp);
	sort_flows = NULL;
	free(idx);
	free(used);
}

/* --- entry points ------------------------------------------------------- */

int
report_read(const char *path, struct report_data **out, char *err,
    size_t errlen)
{
	struct rr r;
	FILE *fp;
	char *chunk;
	size_t n;
	int rv = 0, done;

	*out = NULL;
	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	memset(&r, 0, sizeof r);
	r.rd = xcalloc(1, sizeof *r.rd);
	r.p = XML_ParserCreate(NULL);
	if (r.p == NULL) {
		snprintf(err, errlen, "%s: cannot create an XML parser", path);
		fclose(fp);
		free(r.rd);
		return (-1);
	}
	XML_SetUserData(r.p, &r);
	XML_SetElementHandler(r.p, on_start, on_end);
	XML_SetCharacterDataHandler(r.p, on_text);
	chunk = xmalloc(65536);
	do {
		n = fread(chunk, 1, 65536, fp);
		if (ferror(fp)) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			rv = 1;
			break;
		}
		done = n < 65536;
		if (XML_Parse(r.p, chunk, (int)n, done) == XML_STATUS_ERROR) {
			snprintf(err, errlen, "%s:%lu:%lu: %s", path,
			    (unsigned long)XML_GetCurrentLineNumber(r.p),
			    (unsigned long)XML_GetCurrentColumnNumber(r.p) + 1,
			    XML_ErrorString(XML_GetErrorCode(r.p)));
			rv = 1;
			break;
		}
	} while (!done);
	free(chunk);
	free(r.cur.filename);	/* an unfinished fileobject */
	XML_ParserFree(r.p);
	fclose(fp);
	pair_flows(r.rd);
	*out = r.rd;
	return (rv);
}

void
report_data_free(struct report_data *rd)
{
	size_t i;

	if (rd == NULL)
		return;
	for (i = 0; i < rd->nflows; i++)
		free(rd->flows[i].filename);
	free(rd->flows);
	free(rd->conns);
	free(rd->program);
	free(rd->command_line);
	free(rd);
}

/* A component made by -F k/m/g: digits only ("000", "012-013"...). */
static bool
bin_component(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return (false);
	return (n > 0);
}

int
report_read_stream_path(const char *filename, char *out, size_t outlen)
{
	const char *end = filename + strlen(filename), *start, *p;

	/* The last component, then back over -F bin directories. */
	start = end;
	while (start > filename && start[-1] != '/')
		start--;
	if (start == end || strcmp(start, "..") == 0 || strcmp(start, ".") ==
	    0)
		return (-1);
	while (start > filename + 1) {
		p = start - 1;		/* the '/' */
		while (p > filename && p[-1] != '/')
			p--;
		if (!bin_component(p, (size_t)(start - 1 - p)))
			break;
		start = p;
	}
	if ((size_t)(end - start) >= outlen)
		return (-1);
	memcpy(out, start, (size_t)(end - start));
	out[end - start] = '\0';
	return (0);
}
