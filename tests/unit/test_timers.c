/* SPDX-License-Identifier: Apache-2.0 */
/* The timer heap (src/util/kc_timers.h), driven with made-up times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <kconnect/kconnect.h>

#include "util/kc_timers.h"

/* What ran, in order. */
static int g_ran[64];
static int g_nran;

static void record(kc_timers_t *timers, void *opaque)
{
    (void)timers;
    g_ran[g_nran++] = (int)(intptr_t)opaque;
}

static void test_timers_run_in_deadline_order(void **state)
{
    kc_timers_t *ts = kc_timers_new();
    /* A scrambled set of deadlines; the heap must sort them. */
    static const int deadlines[] = {50, 10, 90, 30, 70, 20, 80, 40, 60, 100};

    (void)state;
    g_nran = 0;
    assert_int_equal(kc_timers_next(ts), -1);
    for (size_t i = 0; i < sizeof(deadlines) / sizeof(deadlines[0]); i++) {
        kc_timers_add(ts, deadlines[i], 0, record,
                      (void *)(intptr_t)deadlines[i]);
    }
    assert_int_equal(kc_timers_next(ts), 10);
    assert_int_equal(kc_timers_run(ts, 5), 0);
    assert_int_equal(kc_timers_run(ts, 45), 4);
    assert_int_equal(kc_timers_next(ts), 50);
    assert_int_equal(kc_timers_run(ts, 1000), 6);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(g_ran[i], (i + 1) * 10);
    }
    assert_int_equal(kc_timers_count(ts), 0);
    assert_int_equal(kc_timers_next(ts), -1);
    kc_timers_destroy(ts);
    kc_timers_destroy(NULL);
}

static void test_timers_equal_deadlines_run_in_added_order(void **state)
{
    kc_timers_t *ts = kc_timers_new();

    (void)state;
    g_nran = 0;
    for (int i = 0; i < 20; i++) {
        /* Interleave an earlier timer so the heap moves things around. */
        kc_timers_add(ts, i % 2 == 0 ? 100 : 50, 0, record,
                      (void *)(intptr_t)i);
    }
    assert_int_equal(kc_timers_run(ts, 100), 20);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(g_ran[i], 2 * i + 1);
        assert_int_equal(g_ran[10 + i], 2 * i);
    }
    kc_timers_destroy(ts);
}

static void test_timers_cancel(void **state)
{
    kc_timers_t *ts = kc_timers_new();
    uint64_t ids[8];

    (void)state;
    g_nran = 0;
    for (int i = 0; i < 8; i++) {
        ids[i] = kc_timers_add(ts, 10 * (i + 1), 0, record,
                               (void *)(intptr_t)(i + 1));
        assert_true(ids[i] != 0);
    }
    assert_true(kc_timers_cancel(ts, ids[0])); /* the root */
    assert_true(kc_timers_cancel(ts, ids[4])); /* the middle */
    assert_true(kc_timers_cancel(ts, ids[7])); /* the last */
    assert_false(kc_timers_cancel(ts, ids[4]));
    assert_false(kc_timers_cancel(ts, 12345));
    assert_int_equal(kc_timers_next(ts), 20);
    assert_int_equal(kc_timers_run(ts, 1000), 5);
    assert_int_equal(g_ran[0], 2);
    assert_int_equal(g_ran[1], 3);
    assert_int_equal(g_ran[2], 4);
    assert_int_equal(g_ran[3], 6);
    assert_int_equal(g_ran[4], 7);
    /* A timer that already ran cannot be cancelled. */
    assert_false(kc_timers_cancel(ts, ids[1]));
    kc_timers_destroy(ts);
}

static uint64_t g_self;
static int g_periodic;

static void periodic(kc_timers_t *timers, void *opaque)
{
    (void)opaque;
    if (++g_periodic == 3) {
        assert_true(kc_timers_cancel(timers, g_self));
    }
}

static void test_timers_periodic_rearms_until_cancelled(void **state)
{
    kc_timers_t *ts = kc_timers_new();

    (void)state;
    g_periodic = 0;
    g_self = kc_timers_add(ts, 100, 10, periodic, NULL);
    assert_int_equal(kc_timers_run(ts, 100), 1);
    /* The next deadline counts from the one that was due. */
    assert_int_equal(kc_timers_next(ts), 110);
    /* Far behind: one run, and the period restarts from now. */
    assert_int_equal(kc_timers_run(ts, 500), 1);
    assert_int_equal(kc_timers_next(ts), 510);
    assert_int_equal(kc_timers_run(ts, 510), 1); /* cancels itself */
    assert_int_equal(kc_timers_count(ts), 0);
    assert_int_equal(kc_timers_run(ts, 10000), 0);
    assert_int_equal(g_periodic, 3);
    kc_timers_destroy(ts);
}

static void add_one_due_now(kc_timers_t *timers, void *opaque)
{
    record(timers, opaque);
    kc_timers_add(timers, 0, 0, record, (void *)(intptr_t)99);
}

static void test_timers_added_by_a_callback_wait_for_next_run(void **state)
{
    kc_timers_t *ts = kc_timers_new();

    (void)state;
    g_nran = 0;
    kc_timers_add(ts, 10, 0, add_one_due_now, (void *)(intptr_t)1);
    assert_int_equal(kc_timers_run(ts, 10), 1);
    assert_int_equal(kc_timers_next(ts), 0);
    assert_int_equal(kc_timers_run(ts, 10), 1);
    assert_int_equal(g_ran[1], 99);
    kc_timers_destroy(ts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timers_run_in_deadline_order),
        cmocka_unit_test(test_timers_equal_deadlines_run_in_added_order),
        cmocka_unit_test(test_timers_cancel),
        cmocka_unit_test(test_timers_periodic_rearms_until_cancelled),
        cmocka_unit_test(test_timers_added_by_a_callback_wait_for_next_run),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
