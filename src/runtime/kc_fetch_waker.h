/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keeps a busy consumer's fetcher from idling on librdkafka < 2.1.
 *
 * Before 2.1, librdkafka stops fetching a partition once the consumer queue
 * holds queued.min.messages (or queued.max.messages.kbytes) and looks again
 * only when that broker's thread next wakes: on I/O, on a request to send,
 * or after up to a second. A consumer that keeps up with the broker for a
 * while then waits up to a second with an empty queue, so a sink task moved
 * a third to a half of what the same consumer moved once woken (see
 * bench/results). Any request to the partition leader wakes its thread, so
 * while the task is consuming, a thread of ours sends one ListOffsets per
 * leader (rd_kafka_offsets_for_times) every period. 2.1 and later have
 * fetch.queue.backoff.ms instead; kc_fetch_waker_needed() tells which.
 */
#ifndef KC_RUNTIME_KC_FETCH_WAKER_H
#define KC_RUNTIME_KC_FETCH_WAKER_H

#include <stdbool.h>

#include <librdkafka/rdkafka.h>

typedef struct kc_fetch_waker kc_fetch_waker_t;

/* How often a busy consumer's leaders are woken. */
#define KC_FETCH_WAKER_PERIOD_MS 20

/**
 * @brief Whether this librdkafka lacks fetch.queue.backoff.ms, so a busy
 * consumer needs a waker.
 */
bool kc_fetch_waker_needed(void);

/**
 * @brief Start a waker thread for @p rk (borrowed: it must outlive the
 * waker). Returns NULL if the thread cannot start; the consumer then works
 * as before, only slower.
 */
kc_fetch_waker_t *kc_fetch_waker_new(rd_kafka_t *rk, int period_ms);

/** @brief Note that the consumer just received records. Lock-free. */
void kc_fetch_waker_poke(kc_fetch_waker_t *w);

/** @brief Number of wake-ups sent so far (for tests). */
long kc_fetch_waker_count(const kc_fetch_waker_t *w);

/** @brief Stop and join the thread, then free @p w. NULL is a no-op. */
void kc_fetch_waker_destroy(kc_fetch_waker_t *w);

#endif
