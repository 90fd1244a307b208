/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sleeps and timed waits do not follow the wall clock: this binary
 * replaces clock_gettime() so that CLOCK_REALTIME reads an hour behind
 * or ahead (an NTP step, `date -s`), and checks that every sleep still
 * lasts what it was asked for, by the monotonic clock. Before the clock
 * module, a task's sleep took its deadline from the wall clock: with the
 * wall clock stepped back it returned at once (busy retry loops), stepped
 * forward it slept an hour.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <kconnect/kconnect.h>

#include "runtime/kc_task.h"
#include "util/kc_clock.h"

static volatile time_t g_wall_offset_s;

/* Overrides libc's for the whole test binary (kconnect_core included). */
int clock_gettime(clockid_t id, struct timespec *ts)
{
    int rc = (int)syscall(SYS_clock_gettime, id, ts);

    if (rc == 0 && id == CLOCK_REALTIME) {
        ts->tv_sec += g_wall_offset_s;
    }
    return rc;
}

static int64_t mono_ms(void)
{
    struct timespec ts;

    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void check_sleeps(time_t offset_s)
{
    kc_task_t task = {0};
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cond;
    int64_t t0;

    g_wall_offset_s = offset_s;
    pthread_mutex_init(&task.lock, NULL);
    /* As the worker makes a task's condition variable. */
    kc_clock_cond_init(&task.cond);
    atomic_init(&task.stopping, false);
    kc_clock_cond_init(&cond);

    t0 = mono_ms();
    kc_task_sleep(&task, 60);
    assert_true(mono_ms() - t0 >= 60);

    t0 = mono_ms();
    kc_clock_sleep_ms(60);
    assert_true(mono_ms() - t0 >= 60);

    t0 = mono_ms();
    pthread_mutex_lock(&lock);
    while (kc_clock_cond_wait_until(&cond, &lock, kc_clock_now_ms() + 60) !=
           ETIMEDOUT) {
    }
    pthread_mutex_unlock(&lock);
    assert_true(mono_ms() - t0 >= 60);

    g_wall_offset_s = 0;
    pthread_cond_destroy(&cond);
    pthread_cond_destroy(&task.cond);
    pthread_mutex_destroy(&task.lock);
}

static void test_sleeps_ignore_wall_clock_stepped_back(void **state)
{
    (void)state;
    check_sleeps(-3600);
}

static void test_sleeps_ignore_wall_clock_stepped_forward(void **state)
{
    (void)state;
    /* Before: an hour's sleep; ctest's timeout would end it. */
    check_sleeps(3600);
}

static void test_wall_clock_follows_the_step(void **state)
{
    int64_t before;

    (void)state;
    before = kc_clock_wall_ms();
    g_wall_offset_s = 3600;
    assert_true(kc_clock_wall_ms() - before >= 3600 * 1000);
    g_wall_offset_s = 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sleeps_ignore_wall_clock_stepped_back),
        cmocka_unit_test(test_sleeps_ignore_wall_clock_stepped_forward),
        cmocka_unit_test(test_wall_clock_follows_the_step),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
