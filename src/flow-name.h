/*
 * flow-name.h: tcpflow's file naming.  A template (default
 * "%A.%a-%B.%b%V%v%C%c") is checked once, edited by -F letters, and expanded
 * per direction.  See ../shared/research/tcpflow-1.6.1.md section 2.
 *
 * Every code of tcpflow 1.6.1 is supported: %A %a %B %b %E %e %V %v %T %t %c
 * %C %# %N %K %M %G %S %%.  Two deliberate differences: %v is the 12-bit VLAN
 * id (tcpflow prints the whole TCI with its priority bits), and %V/%v appear
 * for any outermost tag, not only TPID 0x8100.  %E/%e expand to nothing when
 * the direction has no MAC (tcpflow prints garbage there).  Codes are parsed,
 * not searched for: "%%c" is a literal "%c" and does not stop "%C%c" being
 * appended, and a trailing lone '%' is an error.
 *
 * Bytes that come from the wire never reach a file name: every expansion is
 * built from numbers and addresses formatted here.
 */
#ifndef FLOWSCOPE_FLOW_NAME_H
#define FLOWSCOPE_FLOW_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"

#define FLOW_NAME_DEFAULT_TEMPLATE "%A.%a-%B.%b%V%v%C%c"

/* What a template can refer to, for one direction. */
struct flow_name_vars {
	uint8_t		 af;		/* FS_AF_INET or FS_AF_INET6 */
	const uint8_t	*src;		/* 4 or 16 bytes */
	const uint8_t	*dst;
	uint16_t	 sport;
	uint16_t	 dport;
	bool		 has_vlan;
	uint16_t	 vlan;		/* 12-bit VID */
	bool		 has_mac;
	const uint8_t	*mac_src;	/* 6 bytes, may be NULL if !has_mac */
	const uint8_t	*mac_dst;
	uint64_t	 first_ns;	/* first packet time (with tdelta) */
	uint32_t	 count;		/* connection count: 0, then c1, c2... */
	uint64_t	 flow_id;	/* %N %K %M %G: 0-based per direction */
	uint64_t	 session_id;	/* %S */
};

struct flow_name;

/*
 * Check template and return a compiled form; a template without %c gets
 * "%C%c" appended, as tcpflow does.  NULL and a one-line message naming the
 * bad code on error.
 */
struct flow_name *flow_name_new(const char *tmpl, char *err, size_t errlen);

/*
 * Apply one -F letter to a template string in place order (k m g t T prepend;
 * X and M and c are flags handled by the caller).  Returns a newly allocated
 * template, or NULL for an unknown letter.
 */
char		*flow_name_apply_F(const char *tmpl, char letter);

/*
 * Expand for one direction into buf (size len).  Returns the length written,
 * or -1 if it does not fit.  The result may contain '/' (subdirectories).
 */
int		 flow_name_expand(const struct flow_name *fn,
		    const struct flow_name_vars *v, char *buf, size_t len);

/* Zero v, then fill its endpoints from direction dir of key k (dir 0 is
 * endpoint a -> b): the part every caller shares. */
void		 flow_name_vars_key(struct flow_name_vars *v,
		    const struct flow_key *k, int dir);

/* True if the template can produce distinct names for different counts. */
bool		 flow_name_has_count(const struct flow_name *fn);

void		 flow_name_free(struct flow_name *fn);

/* Address text as in file names: IPv4 zero-padded "010.000.000.001", IPv6
 * RFC 5952.  buf must hold 46 bytes. */
void		 flow_name_addr(uint8_t af, const uint8_t *a, char *buf);

/* Address text for humans and report.xml: "10.0.0.1", RFC 5952 IPv6.
 * buf must hold 46 bytes. */
void		 flow_addr_text(uint8_t af, const uint8_t *a, char *buf);

/*
 * The same text into p without a NUL, returning its length (at most 45;
 * an IPv4 address may write one byte past its 15).  No printf: the flow
 * list formats a million rows per keystroke with it.
 */
size_t		 flow_addr_fmt(uint8_t af, const uint8_t *a, char *p);

#endif /* FLOWSCOPE_FLOW_NAME_H */
