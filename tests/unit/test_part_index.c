/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The source runner's partition index: thousands of source partitions
 * (one JDBC task reading thousands of tables), each lookup a constant
 * amount of work.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kc_internal.h"

#include "runtime/kc_part_index.h"

#define NTABLES 5000

/* Confluent's table partition {"protocol":"1","table":"db.t<i>"}. */
static void table_partition(kc_arena_t *a, kc_value_t *v, int i)
{
    char name[32];

    snprintf(name, sizeof(name), "db.t%d", i);
    kc_value_set_map(a, v, 2);
    kc_value_set_string(a, &v->u.map.keys[0], "protocol", 8);
    kc_value_set_string(a, &v->u.map.values[0], "1", 1);
    kc_value_set_string(a, &v->u.map.keys[1], "table", 5);
    kc_value_set_string(a, &v->u.map.values[1], name, strlen(name));
}

static void test_thousands_of_partitions_cost_constant_probes(void **state)
{
    kc_part_index_t *ix = kc_part_index_new();
    kc_arena_t *a = kc_arena_new(0);
    uint64_t lookups = 0;

    (void)state;
    /* Each record a different table than the one before, in rounds of
     * different orders: the worst case for a "same as last" shortcut. */
    for (int round = 0; round < 4; round++) {
        for (int k = 0; k < NTABLES; k++) {
            int i = round % 2 == 0 ? k : NTABLES - 1 - k;
            kc_value_t v;
            bool is_new = false;
            json_t *json = NULL;
            size_t idx;

            kc_arena_reset(a);
            table_partition(a, &v, (i * 7919 + round) % NTABLES);
            idx = kc_part_index_find(ix, &v, &is_new, &json);
            lookups++;
            /* 7919 is prime to NTABLES: every round visits every table. */
            assert_true(is_new == (round == 0));
            assert_true(idx < NTABLES);
            if (is_new) {
                char expect[64];
                char *got = json_dumps(json, JSON_COMPACT | JSON_SORT_KEYS);

                snprintf(expect, sizeof(expect),
                         "{\"protocol\":\"1\",\"table\":\"db.t%d\"}",
                         (i * 7919 + round) % NTABLES);
                assert_string_equal(got, expect);
                free(got); /* allocated by jansson */
                json_decref(json);
            }
        }
    }
    assert_int_equal(kc_part_index_count(ix), NTABLES);
    /* A linear scan would compare ~NTABLES/2 keys per lookup. */
    assert_true(kc_part_index_probes(ix) <= 2 * lookups);
    kc_arena_destroy(a);
    kc_part_index_destroy(ix);
}

static void test_same_table_finds_same_index_every_time(void **state)
{
    kc_part_index_t *ix = kc_part_index_new();
    kc_arena_t *a = kc_arena_new(0);
    size_t first[NTABLES];

    (void)state;
    for (int i = 0; i < NTABLES; i++) {
        kc_value_t v;
        bool is_new;
        json_t *json = NULL;

        table_partition(a, &v, i);
        first[i] = kc_part_index_find(ix, &v, &is_new, &json);
        assert_true(is_new);
        assert_int_equal(first[i], (size_t)i);
        json_decref(json);
    }
    for (int i = NTABLES - 1; i >= 0; i--) {
        kc_value_t v;
        bool is_new;
        json_t *json = NULL;

        table_partition(a, &v, i);
        assert_int_equal(kc_part_index_find(ix, &v, &is_new, &json), first[i]);
        assert_false(is_new);
        assert_null(json);
    }
    kc_arena_destroy(a);
    kc_part_index_destroy(ix);
}

/* Identity is the offsets file's: the sorted-key JSON form. */
static void test_partitions_equal_as_json_are_one(void **state)
{
    kc_part_index_t *ix = kc_part_index_new();
    kc_arena_t *a = kc_arena_new(0);
    kc_value_t v32, v64, ab, ba, nul;
    bool is_new;
    json_t *json = NULL;
    size_t i32, iab;

    (void)state;
    kc_value_set_int(&v32, KC_TYPE_INT32, 42);
    kc_value_set_int(&v64, KC_TYPE_INT64, 42);
    i32 = kc_part_index_find(ix, &v32, &is_new, &json);
    assert_true(is_new);
    json_decref(json);
    json = NULL;
    assert_int_equal(kc_part_index_find(ix, &v64, &is_new, &json), i32);
    assert_false(is_new);
    assert_int_equal(kc_part_index_find(ix, &v64, &is_new, &json), i32);

    kc_value_set_map(a, &ab, 2);
    kc_value_set_string(a, &ab.u.map.keys[0], "a", 1);
    kc_value_set_int(&ab.u.map.values[0], KC_TYPE_INT32, 1);
    kc_value_set_string(a, &ab.u.map.keys[1], "b", 1);
    kc_value_set_int(&ab.u.map.values[1], KC_TYPE_INT32, 2);
    kc_value_set_map(a, &ba, 2);
    kc_value_set_string(a, &ba.u.map.keys[0], "b", 1);
    kc_value_set_int(&ba.u.map.values[0], KC_TYPE_INT32, 2);
    kc_value_set_string(a, &ba.u.map.keys[1], "a", 1);
    kc_value_set_int(&ba.u.map.values[1], KC_TYPE_INT32, 1);
    iab = kc_part_index_find(ix, &ab, &is_new, &json);
    assert_true(is_new);
    assert_int_not_equal(iab, i32);
    json_decref(json);
    json = NULL;
    assert_int_equal(kc_part_index_find(ix, &ba, &is_new, &json), iab);
    assert_false(is_new);

    kc_value_set_null(&nul);
    assert_int_equal(kc_part_index_find(ix, &nul, &is_new, &json), 2);
    assert_true(is_new);
    assert_null(json);
    assert_int_equal(kc_part_index_find(ix, &nul, &is_new, &json), 2);
    assert_false(is_new);
    assert_int_equal(kc_part_index_count(ix), 3);
    kc_arena_destroy(a);
    kc_part_index_destroy(ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thousands_of_partitions_cost_constant_probes),
        cmocka_unit_test(test_same_table_finds_same_index_every_time),
        cmocka_unit_test(test_partitions_equal_as_json_are_one),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
