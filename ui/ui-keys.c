/*
 * ui-keys.c: lookup in a screen's key table; see ui-keys.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ui-keys.h"

int
ui_keys_find(const struct ui_key *t, size_t n, int key)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (t[i].key == key)
			return (t[i].action);
	}
	return (-1);
}
