/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one clock module. Every sleep, timeout, deadline and backoff uses
 * the monotonic clock (kc_clock_now_ms), which a wall-clock step (NTP,
 * an operator's `date -s`) cannot shorten or stretch. The wall clock
 * (kc_clock_wall_ms) is only for times that are shown or stored: record
 * timestamps, status and log times.
 */
#ifndef KC_UTIL_KC_CLOCK_H
#define KC_UTIL_KC_CLOCK_H

#include <kconnect/common.h>

#include <pthread.h>
#include <time.h>

/** @brief Milliseconds on the monotonic clock (arbitrary origin). */
int64_t kc_clock_now_ms(void);

/** @brief Milliseconds since the Unix epoch on the wall clock. */
int64_t kc_clock_wall_ms(void);

/** @brief Sleep @p ms on the monotonic clock (signals do not cut it). */
void kc_clock_sleep_ms(int64_t ms);

/** @brief The monotonic time @p ms from now, as a timespec. */
struct timespec kc_clock_deadline_ts(int64_t ms);

/**
 * @brief Initialise @p cond to measure timed waits on the monotonic clock,
 * so kc_clock_cond_wait_until() can be used on it.
 */
void kc_clock_cond_init(pthread_cond_t *cond);

/**
 * @brief Wait on @p cond (initialised by kc_clock_cond_init, @p lock held)
 * until it is signalled or kc_clock_now_ms() reaches @p deadline_ms; a
 * negative @p deadline_ms waits without a bound. Spurious wake-ups return
 * too, as with pthread_cond_wait: callers loop on their predicate.
 * @returns 0, or ETIMEDOUT once the deadline has passed.
 */
int kc_clock_cond_wait_until(pthread_cond_t *cond, pthread_mutex_t *lock,
                             int64_t deadline_ms);

#endif /* KC_UTIL_KC_CLOCK_H */
