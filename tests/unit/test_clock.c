/* SPDX-License-Identifier: Apache-2.0 */
/* The one clock module (src/util/kc_clock.h). No upper bounds on time:
 * a loaded machine may always be late, never early. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include <cmocka.h>

#include <kconnect/kconnect.h>

#include "util/kc_clock.h"

static void test_clock_now_never_goes_back(void **state)
{
    int64_t prev = kc_clock_now_ms();

    (void)state;
    for (int i = 0; i < 100000; i++) {
        int64_t now = kc_clock_now_ms();

        assert_true(now >= prev);
        prev = now;
    }
}

static int64_t realtime_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Bounds from clock_gettime, not time(): glibc's time() reads the coarse
 * clock, which may still show the previous second.
 */
static void test_clock_wall_is_epoch_ms(void **state)
{
    int64_t before = realtime_ms();
    int64_t wall = kc_clock_wall_ms();
    int64_t after = realtime_ms();

    (void)state;
    assert_true(wall >= before && wall <= after);
}

static void test_clock_sleep_lasts_at_least(void **state)
{
    int64_t t0 = kc_clock_now_ms();

    (void)state;
    kc_clock_sleep_ms(30);
    assert_true(kc_clock_now_ms() - t0 >= 30);
    kc_clock_sleep_ms(0);
    kc_clock_sleep_ms(-5);
}

static void test_clock_cond_wait_times_out_at_deadline(void **state)
{
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cond;
    int64_t deadline = kc_clock_now_ms() + 40;
    int rc = 0;

    (void)state;
    kc_clock_cond_init(&cond);
    pthread_mutex_lock(&lock);
    /* Spurious wake-ups return 0: loop as callers do. */
    while (rc == 0) {
        rc = kc_clock_cond_wait_until(&cond, &lock, deadline);
    }
    pthread_mutex_unlock(&lock);
    assert_int_equal(rc, ETIMEDOUT);
    assert_true(kc_clock_now_ms() >= deadline);
    /* A deadline already past does not wait. */
    pthread_mutex_lock(&lock);
    assert_int_equal(kc_clock_cond_wait_until(&cond, &lock, deadline - 1000),
                     ETIMEDOUT);
    pthread_mutex_unlock(&lock);
    pthread_cond_destroy(&cond);
}

typedef struct waiter {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool flag;
} waiter_t;

static void *signal_later(void *arg)
{
    waiter_t *w = arg;

    kc_clock_sleep_ms(20);
    pthread_mutex_lock(&w->lock);
    w->flag = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

static void test_clock_cond_wait_returns_on_signal(void **state)
{
    waiter_t w = {.lock = PTHREAD_MUTEX_INITIALIZER};
    pthread_t th;
    int rc = 0;

    (void)state;
    kc_clock_cond_init(&w.cond);
    pthread_mutex_lock(&w.lock);
    assert_int_equal(pthread_create(&th, NULL, signal_later, &w), 0);
    /* A far deadline and no deadline at all: both end on the signal. */
    while (!w.flag && rc == 0) {
        rc = kc_clock_cond_wait_until(&w.cond, &w.lock,
                                      kc_clock_now_ms() + 600000);
    }
    assert_int_equal(rc, 0);
    assert_true(w.flag);
    w.flag = false;
    pthread_mutex_unlock(&w.lock);
    pthread_join(th, NULL);

    pthread_mutex_lock(&w.lock);
    assert_int_equal(pthread_create(&th, NULL, signal_later, &w), 0);
    while (!w.flag) {
        assert_int_equal(kc_clock_cond_wait_until(&w.cond, &w.lock, -1), 0);
    }
    pthread_mutex_unlock(&w.lock);
    pthread_join(th, NULL);
    pthread_cond_destroy(&w.cond);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clock_now_never_goes_back),
        cmocka_unit_test(test_clock_wall_is_epoch_ms),
        cmocka_unit_test(test_clock_sleep_lasts_at_least),
        cmocka_unit_test(test_clock_cond_wait_times_out_at_deadline),
        cmocka_unit_test(test_clock_cond_wait_returns_on_signal),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
