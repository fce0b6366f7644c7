/*
 * chan.c: batch hand-off between two threads; see chan.h for the design.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "chan.h"

#include <sys/eventfd.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmalloc.h"

struct chan_buf {
	uint8_t		*items;
	size_t		 n;
};

struct chan {
	size_t		 item_size;
	size_t		 cap;
	struct chan_buf	 b[3];
	struct chan_buf	*prod;		/* producer's, filling */
	struct chan_buf	*mail;		/* published, or NULL: empty */
	struct chan_buf	*spare;		/* free for the next swap */
	struct chan_buf	*cons;		/* consumer's, being read */
	pthread_mutex_t	 mtx;
	int		 wake_rd;
	int		 wake_wr;	/* == wake_rd for an eventfd */
	uint64_t	 refused;
};

struct chan *
chan_new(size_t item_size, size_t cap)
{
	struct chan *ch;
	int fd, p[2], i;

	if (item_size == 0 || cap == 0) {
		errno = EINVAL;
		return (NULL);
	}
	if ((fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) != -1)
		p[0] = p[1] = fd;
	else if (pipe2(p, O_NONBLOCK | O_CLOEXEC) == -1)
		return (NULL);
	ch = xcalloc(1, sizeof *ch);
	ch->item_size = item_size;
	ch->cap = cap;
	for (i = 0; i < 3; i++)
		ch->b[i].items = xreallocarray(NULL, cap, item_size);
	ch->prod = &ch->b[0];
	ch->spare = &ch->b[1];
	ch->cons = &ch->b[2];
	ch->mail = NULL;
	ch->wake_rd = p[0];
	ch->wake_wr = p[1];
	pthread_mutex_init(&ch->mtx, NULL);
	return (ch);
}

int
chan_wake_fd(const struct chan *ch)
{
	return (ch->wake_rd);
}

void *
chan_reserve(struct chan *ch)
{
	struct chan_buf *b = ch->prod;

	if (b->n == ch->cap) {
		ch->refused++;
		return (NULL);
	}
	return (b->items + ch->item_size * b->n++);
}

bool
chan_publish(struct chan *ch)
{
	uint64_t one = 1;
	bool sent = false;

	if (ch->prod->n == 0)
		return (false);
	pthread_mutex_lock(&ch->mtx);
	if (ch->mail == NULL) {
		ch->mail = ch->prod;
		ch->prod = ch->spare;
		ch->spare = NULL;
		sent = true;
	}
	pthread_mutex_unlock(&ch->mtx);
	if (!sent)
		return (false);
	ch->prod->n = 0;
	if (write(ch->wake_wr, &one, ch->wake_rd == ch->wake_wr ? 8 : 1) ==
	    -1) {
		/* EAGAIN: a full pipe already wakes the consumer. */
	}
	return (true);
}

size_t
chan_pending(const struct chan *ch)
{
	return (ch->prod->n);
}

size_t
chan_take(struct chan *ch, const void **items)
{
	uint8_t drain[64];
	struct chan_buf *got;

	while (read(ch->wake_rd, drain, ch->wake_rd == ch->wake_wr ? 8 :
	    sizeof drain) > 0)
		;
	pthread_mutex_lock(&ch->mtx);
	got = ch->mail;
	if (got != NULL) {
		/* The buffer read last time becomes the producer's spare. */
		ch->spare = ch->cons;
		ch->cons = got;
		ch->mail = NULL;
	}
	pthread_mutex_unlock(&ch->mtx);
	if (got == NULL) {
		*items = NULL;
		return (0);
	}
	*items = got->items;
	return (got->n);
}

uint64_t
chan_refused(const struct chan *ch)
{
	return (ch->refused);
}

void
chan_free(struct chan *ch)
{
	int i;

	if (ch == NULL)
		return;
	for (i = 0; i < 3; i++)
		free(ch->b[i].items);
	close(ch->wake_rd);
	if (ch->wake_wr != ch->wake_rd)
		close(ch->wake_wr);
	pthread_mutex_destroy(&ch->mtx);
	free(ch);
}
