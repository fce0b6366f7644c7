/*
 * test-chan.c: the capture/UI hand-off (src/chan.c): batches arrive whole,
 * in order, nothing twice; publishing never blocks; a full batch refuses and
 * counts; two threads under stress (run it under TSan too).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <poll.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chan.h"
#include "tap.h"

#define STRESS_N	200000u

static void
test_single(void)
{
	struct chan *ch = chan_new(sizeof(uint32_t), 4);
	struct pollfd pfd;
	const void *items;
	const uint32_t *v;
	uint32_t *slot;
	size_t n;
	int i;

	tap_ok(ch != NULL, "chan_new");
	tap_is_int((long long)chan_take(ch, &items), 0, "nothing published");
	tap_ok(!chan_publish(ch), "an empty batch is not published");
	for (i = 0; i < 4; i++) {
		slot = chan_reserve(ch);
		*slot = (uint32_t)i;
	}
	tap_ok(chan_reserve(ch) == NULL, "a full batch refuses");
	tap_is_int((long long)chan_refused(ch), 1, "and counts it");
	pfd.fd = chan_wake_fd(ch);
	pfd.events = POLLIN;
	tap_is_int(poll(&pfd, 1, 0), 0, "no wake before publish");
	tap_ok(chan_publish(ch), "published");
	tap_is_int(poll(&pfd, 1, 0), 1, "wake descriptor readable");
	/* The consumer is slow: the producer goes on, publish says no. */
	slot = chan_reserve(ch);
	*slot = 99;
	tap_ok(!chan_publish(ch), "mailbox full: publish keeps the batch");
	n = chan_take(ch, &items);
	v = items;
	tap_ok(n == 4 && v[0] == 0 && v[3] == 3, "batch 1 whole (%zu)", n);
	tap_is_int(poll(&pfd, 1, 0), 0, "take drains the wake descriptor");
	tap_ok(chan_publish(ch), "the kept batch goes now");
	n = chan_take(ch, &items);
	v = items;
	tap_ok(n == 1 && v[0] == 99, "batch 2 is the item kept back");
	tap_is_int((long long)chan_take(ch, &items), 0, "nothing more");
	chan_free(ch);
}

struct stress {
	struct chan	*ch;
	uint64_t	 sent;
};

static void *
producer(void *arg)
{
	struct stress *s = arg;
	uint32_t next = 0, *slot;
	bool pending = false;

	/* A full batch waits for the consumer; the producer never blocks. */
	while (next < STRESS_N || pending) {
		while (next < STRESS_N &&
		    (slot = chan_reserve(s->ch)) != NULL) {
			*slot = next++;
			pending = true;
		}
		if (pending && chan_publish(s->ch))
			pending = false;
	}
	s->sent = next;
	return (NULL);
}

static void
test_stress(void)
{
	struct stress s;
	struct pollfd pfd;
	pthread_t t;
	const void *items;
	const uint32_t *v;
	uint32_t expect = 0;
	size_t n, i, batches = 0;
	int bad = 0;

	s.ch = chan_new(sizeof(uint32_t), 1000);
	s.sent = 0;
	pthread_create(&t, NULL, producer, &s);
	pfd.fd = chan_wake_fd(s.ch);
	pfd.events = POLLIN;
	while (expect < STRESS_N) {
		poll(&pfd, 1, 100);
		n = chan_take(s.ch, &items);
		v = items;
		for (i = 0; i < n; i++)
			if (v[i] != expect++)
				bad++;
		batches += n > 0;
	}
	pthread_join(t, NULL);
	tap_ok(bad == 0 && expect == STRESS_N, "%u items across threads, in "
	    "order, none twice (%zu batches, %d wrong)", STRESS_N, batches, bad);
	tap_is_int((long long)s.sent, STRESS_N, "the producer sent them all");
	chan_free(s.ch);
}

int
main(void)
{
	tap_plan_none();
	test_single();
	test_stress();
	return (tap_done());
}
