/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Timers of one thread: a binary min-heap ordered by deadline (monotonic
 * milliseconds, kc_clock_now_ms) and then by the order they were added,
 * so timers due at the same time run in the order they were added. The
 * owning thread asks for the next deadline, sleeps until then (or until
 * an op arrives on its kc_opq) and runs what is due, as Fluent Bit's
 * scheduler and librdkafka's rd_kafka_timers_t do.
 *
 * @locality the owning thread only: no lock. Callbacks may add and cancel
 * timers (their own too).
 */
#ifndef KC_UTIL_KC_TIMERS_H
#define KC_UTIL_KC_TIMERS_H

#include <kconnect/common.h>

typedef struct kc_timers kc_timers_t;

/** @brief A timer callback; @p opaque as given to kc_timers_add. */
typedef void (*kc_timer_fn)(kc_timers_t *timers, void *opaque);

kc_timers_t *kc_timers_new(void);
/** @brief Frees the timers without running them; NULL is a no-op. */
void kc_timers_destroy(kc_timers_t *timers);

/**
 * @brief Run @p fn at @p deadline_ms (kc_clock_now_ms time), then every
 * @p interval_ms after it if @p interval_ms > 0 (the next deadline counts
 * from the one just due, so a late run does not shift the period; runs
 * missed by more than one period are skipped, not caught up).
 * @returns the timer's id (never 0), for kc_timers_cancel.
 */
uint64_t kc_timers_add(kc_timers_t *timers, int64_t deadline_ms,
                       int64_t interval_ms, kc_timer_fn fn, void *opaque);

/** @brief Remove timer @p id. @returns false if it is not pending. */
bool kc_timers_cancel(kc_timers_t *timers, uint64_t id);

/** @brief The earliest deadline, or -1 when no timer is pending. */
int64_t kc_timers_next(const kc_timers_t *timers);

/** @brief How many timers are pending. */
size_t kc_timers_count(const kc_timers_t *timers);

/**
 * @brief Run every timer due at @p now_ms, earliest first.
 * @returns how many callbacks ran.
 */
int kc_timers_run(kc_timers_t *timers, int64_t now_ms);

#endif /* KC_UTIL_KC_TIMERS_H */
