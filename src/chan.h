/*
 * chan.h: the hand-off between the capture thread and the UI thread.
 *
 * DESIGN
 * One producer and one consumer exchange batches of fixed-size items
 * through three buffers that rotate: the producer fills its own, and
 * chan_publish() swaps it into the mailbox under a mutex held only for the
 * swap (never while copying), then makes the wake descriptor readable (an
 * eventfd, or a non-blocking pipe where there is none) so the consumer's
 * poll() returns.  chan_take() swaps the mailbox out for the consumer's
 * finished buffer.  Publishing never blocks: if the consumer has not taken
 * the last batch yet, the producer keeps adding to its own (a batch is
 * bounded by cap items; beyond that chan_reserve() refuses and counts, and
 * the producer keeps whatever state it needs to send later, e.g. dirty
 * flags).  Memory ordering comes from the mutex: everything the producer
 * wrote into a batch before publishing it is visible to the consumer after
 * taking it (STYLE.md 27-28; redis bio.c).
 */
#ifndef FLOWSCOPE_CHAN_H
#define FLOWSCOPE_CHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct chan;

/* A channel of items of item_size bytes, at most cap per batch.  NULL and
 * errno set if the wake descriptor cannot be made. */
struct chan	*chan_new(size_t item_size, size_t cap);

/* The descriptor the consumer polls for POLLIN. */
int		 chan_wake_fd(const struct chan *ch);

/* Producer: room for one more item in its batch, or NULL when the batch is
 * full (counted in chan_refused()). */
void		*chan_reserve(struct chan *ch);

/* Producer: offer the batch.  True if it went to the mailbox (and the
 * consumer was woken); false if the mailbox was still full or the batch
 * empty: the items stay and go with a later publish. */
bool		 chan_publish(struct chan *ch);

/* Producer: items in its batch not published yet. */
size_t		 chan_pending(const struct chan *ch);

/* Consumer: take the published batch.  Returns the number of items and
 * sets *items; they stay valid until the next chan_take().  Drains the wake
 * descriptor.  0 when nothing was published. */
size_t		 chan_take(struct chan *ch, const void **items);

/* Items chan_reserve() refused because a batch was full. */
uint64_t	 chan_refused(const struct chan *ch);

void		 chan_free(struct chan *ch);

#endif /* FLOWSCOPE_CHAN_H */
