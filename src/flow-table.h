/*
 * flow-table.h: the connection hash table, keyed by struct flow_key, holding
 * the newest instance of each key (older ones hang off it).  The table grows
 * by doubling and rehashes incrementally, a few buckets per operation, so the
 * capture path never stalls on a rehash (STYLE.md 20).
 */
#ifndef FLOWSCOPE_FLOW_TABLE_H
#define FLOWSCOPE_FLOW_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "flow.h"

struct flow_table;

struct flow_table *flow_table_new(void);
/* Frees the table only; the caller frees the connections first. */
void		 flow_table_free(struct flow_table *t);

/* The newest instance for key, or NULL. */
struct flow_conn *flow_table_lookup(struct flow_table *t,
		    const struct flow_key *key);
/* Insert c (its key must not be present). */
void		 flow_table_insert(struct flow_table *t, struct flow_conn *c);
/* Put c in the place of old (same key): a new instance. */
void		 flow_table_replace(struct flow_table *t, struct flow_conn *old,
		    struct flow_conn *c);
/* Remove c (a newest instance) from the table. */
void		 flow_table_remove(struct flow_table *t, struct flow_conn *c);
size_t		 flow_table_count(const struct flow_table *t);

/* Call fn on every newest instance; fn may not modify the table. */
void		 flow_table_foreach(struct flow_table *t,
		    void (*fn)(struct flow_conn *, void *), void *arg);

/* Canonical key and the direction (0: src is a) of a packet's endpoints. */
int		 flow_key_make(struct flow_key *k, uint8_t af, const uint8_t *src,
		    uint16_t sport, const uint8_t *dst, uint16_t dport,
		    bool has_vlan, uint16_t vlan);
uint64_t	 flow_key_hash(const struct flow_key *k);

#endif /* FLOWSCOPE_FLOW_TABLE_H */
