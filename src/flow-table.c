/*
 * flow-table.c: connection hash table; see flow-table.h.
 *
 * DESIGN
 * Chained hashing over two bucket arrays, as redis's dict: while t[1] is
 * being filled, every operation first moves a few buckets of t[0] over, and
 * lookups search both.  Chains link through flow_conn.hnext, so the table
 * allocates nothing per connection.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "flow-table.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define FT_INITIAL	1024
#define FT_REHASH_STEP	4

struct ft_array {
	struct flow_conn **b;
	size_t		 size;		/* power of two, 0 if unused */
	size_t		 used;
};

struct flow_table {
	struct ft_array	 t[2];
	size_t		 rehash_idx;	/* next t[0] bucket to move; valid if
					   t[1].size != 0 */
	uint64_t	 seed;
};

struct flow_table *
flow_table_new(void)
{
	struct flow_table *t = xcalloc(1, sizeof *t);

	t->t[0].size = FT_INITIAL;
	t->t[0].b = xcalloc(FT_INITIAL, sizeof *t->t[0].b);
	/* A per-run seed keeps crafted captures from forcing long chains. */
	t->seed = (uint64_t)(uintptr_t)t ^ 0x9e3779b97f4a7c15ull;
	return (t);
}

void
flow_table_free(struct flow_table *t)
{
	if (t == NULL)
		return;
	free(t->t[0].b);
	free(t->t[1].b);
	free(t);
}

static inline uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return (x);
}

uint64_t
flow_key_hash(const struct flow_key *k)
{
	uint64_t h, w;
	size_t i, n = k->af == 6 ? 16 : 4;

	h = ((uint64_t)k->pa << 32) ^ ((uint64_t)k->pb << 16) ^ k->vlan ^
	    ((uint64_t)k->has_vlan << 63) ^ ((uint64_t)k->af << 56);
	for (i = 0; i < n; i += 4) {
		memcpy(&w, k->a + i, 4);
		h = mix64(h ^ (w & 0xffffffffu));
		memcpy(&w, k->b + i, 4);
		h = mix64(h ^ ((w & 0xffffffffu) << 17));
	}
	return (mix64(h));
}

static inline bool
key_eq(const struct flow_key *x, const struct flow_key *y)
{
	return (x->af == y->af && x->pa == y->pa && x->pb == y->pb &&
	    x->has_vlan == y->has_vlan && x->vlan == y->vlan &&
	    memcmp(x->a, y->a, 16) == 0 && memcmp(x->b, y->b, 16) == 0);
}

int
flow_key_make(struct flow_key *k, uint8_t af, const uint8_t *src,
    uint16_t sport, const uint8_t *dst, uint16_t dport, bool has_vlan,
    uint16_t vlan)
{
	int c;

	memset(k, 0, sizeof *k);
	k->af = af;
	k->has_vlan = has_vlan;
	k->vlan = has_vlan ? vlan : 0;
	c = memcmp(src, dst, 16);
	if (c < 0 || (c == 0 && sport <= dport)) {
		memcpy(k->a, src, 16);
		memcpy(k->b, dst, 16);
		k->pa = sport;
		k->pb = dport;
		return (0);
	}
	memcpy(k->a, dst, 16);
	memcpy(k->b, src, 16);
	k->pa = dport;
	k->pb = sport;
	return (1);
}

static inline bool
rehashing(const struct flow_table *t)
{
	return (t->t[1].size != 0);
}

static void
rehash_step(struct flow_table *t, size_t steps)
{
	struct flow_conn *c, *next;
	size_t idx;

	while (steps-- > 0 && rehashing(t)) {
		while (t->rehash_idx < t->t[0].size &&
		    t->t[0].b[t->rehash_idx] == NULL)
			t->rehash_idx++;
		if (t->rehash_idx == t->t[0].size) {
			free(t->t[0].b);
			t->t[0] = t->t[1];
			memset(&t->t[1], 0, sizeof t->t[1]);
			t->rehash_idx = 0;
			return;
		}
		for (c = t->t[0].b[t->rehash_idx]; c != NULL; c = next) {
			next = c->hnext;
			idx = flow_key_hash(&c->key) & (t->t[1].size - 1);
			c->hnext = t->t[1].b[idx];
			t->t[1].b[idx] = c;
			t->t[0].used--;
			t->t[1].used++;
		}
		t->t[0].b[t->rehash_idx++] = NULL;
	}
}

struct flow_conn *
flow_table_lookup(struct flow_table *t, const struct flow_key *key)
{
	struct flow_conn *c;
	uint64_t h = flow_key_hash(key);
	int i;

	if (rehashing(t))
		rehash_step(t, FT_REHASH_STEP);
	for (i = 0; i < 2; i++) {
		if (t->t[i].size == 0)
			continue;
		for (c = t->t[i].b[h & (t->t[i].size - 1)]; c != NULL;
		    c = c->hnext)
			if (key_eq(&c->key, key))
				return (c);
	}
	return (NULL);
}

void
flow_table_insert(struct flow_table *t, struct flow_conn *c)
{
	struct ft_array *a;
	size_t idx;

	if (rehashing(t))
		rehash_step(t, FT_REHASH_STEP);
	else if (t->t[0].used >= t->t[0].size) {
		t->t[1].size = t->t[0].size * 2;
		t->t[1].b = xcalloc(t->t[1].size, sizeof *t->t[1].b);
		t->t[1].used = 0;
		t->rehash_idx = 0;
	}
	a = rehashing(t) ? &t->t[1] : &t->t[0];
	idx = flow_key_hash(&c->key) & (a->size - 1);
	c->hnext = a->b[idx];
	a->b[idx] = c;
	a->used++;
}

/*
 * The link that points at c in its chain, and the array holding it; NULL if
 * c is not in the table.
 */
static struct flow_conn **
find_link(struct flow_table *t, const struct flow_conn *c,
    struct ft_array **in)
{
	struct flow_conn **pp;
	uint64_t h = flow_key_hash(&c->key);
	int i;

	for (i = 0; i < 2; i++) {
		if (t->t[i].size == 0)
			continue;
		for (pp = &t->t[i].b[h & (t->t[i].size - 1)]; *pp != NULL;
		    pp = &(*pp)->hnext) {
			if (*pp == c) {
				*in = &t->t[i];
				return (pp);
			}
		}
	}
	return (NULL);
}

void
flow_table_replace(struct flow_table *t, struct flow_conn *old,
    struct flow_conn *c)
{
	struct flow_conn **pp;
	struct ft_array *a;

	if ((pp = find_link(t, old, &a)) == NULL)
		return;
	c->hnext = old->hnext;
	old->hnext = NULL;
	*pp = c;
}

void
flow_table_remove(struct flow_table *t, struct flow_conn *c)
{
	struct flow_conn **pp;
	struct ft_array *a;

	if ((pp = find_link(t, c, &a)) == NULL)
		return;
	*pp = c->hnext;
	c->hnext = NULL;
	a->used--;
}

size_t
flow_table_count(const struct flow_table *t)
{
	return (t->t[0].used + t->t[1].used);
}

void
flow_table_foreach(struct flow_table *t,
    void (*fn)(struct flow_conn *, void *), void *arg)
{
	struct flow_conn *c, *next;
	size_t j;
	int i;

	for (i = 0; i < 2; i++) {
		for (j = 0; j < t->t[i].size; j++) {
			for (c = t->t[i].b[j]; c != NULL; c = next) {
				next = c->hnext;
				fn(c, arg);
			}
		}
	}
}
