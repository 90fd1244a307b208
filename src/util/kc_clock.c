/* SPDX-License-Identifier: Apache-2.0 */
/* The monotonic and wall clocks, sleeps and timed condition waits. */
#include "kc_internal.h"

#include "util/kc_clock.h"

#include <errno.h>

static int64_t kc_clock_ms(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t kc_clock_now_ms(void)
{
    return kc_clock_ms(CLOCK_MONOTONIC);
}

int64_t kc_clock_wall_ms(void)
{
    return kc_clock_ms(CLOCK_REALTIME);
}

static struct timespec kc_clock_ts_of_ms(int64_t ms)
{
    struct timespec ts;

    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    return ts;
}

struct timespec kc_clock_deadline_ts(int64_t ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    if (ms > 0) {
        ts.tv_sec += (time_t)(ms / 1000);
        ts.tv_nsec += (long)(ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
    }
    return ts;
}

void kc_clock_sleep_ms(int64_t ms)
{
    struct timespec until;

    if (ms <= 0) {
        return;
    }
    /* An absolute deadline: a signal that interrupts the sleep does not
     * make the rest of it start over, nor end it early. */
    until = kc_clock_deadline_ts(ms);
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) ==
           EINTR) {
    }
}

void kc_clock_cond_init(pthread_cond_t *cond)
{
    pthread_condattr_t attr;

    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
}

int kc_clock_cond_wait_until(pthread_cond_t *cond, pthread_mutex_t *lock,
                             int64_t deadline_ms)
{
    struct timespec ts;

    if (deadline_ms < 0) {
        return pthread_cond_wait(cond, lock);
    }
    if (kc_clock_now_ms() >= deadline_ms) {
        return ETIMEDOUT;
    }
    ts = kc_clock_ts_of_ms(deadline_ms);
    return pthread_cond_timedwait(cond, lock, &ts);
}
