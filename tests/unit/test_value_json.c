/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for src/data/kc_value_json.c: schemaless values <-> jansson. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "kc_internal.h"

#include <math.h>

#include "data/kc_value_json.h"

static char *dump(const kc_value_t *v)
{
    json_t *j = kc_value_to_json(v);
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);

    json_decref(j);
    return s;
}

static void test_to_json(void **state)
{
    kc_arena_t *arena = kc_arena_new(0);
    kc_value_t v;
    char *s;

    (void)state;
    kc_value_set_map(arena, &v, 4);
    kc_value_set_string(arena, &v.u.map.keys[0], "filename", 8);
    kc_value_set_string(arena, &v.u.map.values[0], "/tmp/a", 6);
    kc_value_set_string(arena, &v.u.map.keys[1], "position", 8);
    kc_value_set_int(&v.u.map.values[1], KC_TYPE_INT64, 1234567890123LL);
    kc_value_set_string(arena, &v.u.map.keys[2], "nan", 3);
    kc_value_set_float(&v.u.map.values[2], KC_TYPE_FLOAT64, NAN);
    kc_value_set_string(arena, &v.u.map.keys[3], "b", 1);
    kc_value_set_bytes(arena, &v.u.map.values[3], (const uint8_t *)"hi", 2);
    s = dump(&v);
    assert_string_equal(s, "{\"filename\":\"/tmp/a\",\"position\":"
                           "1234567890123,\"nan\":\"NaN\",\"b\":\"aGk=\"}");
    free(s); /* jansson's allocation */
    /* Non-string keys: an array of pairs, as JsonConverter writes them. */
    kc_value_set_map(arena, &v, 1);
    kc_value_set_int(&v.u.map.keys[0], KC_TYPE_INT32, 1);
    kc_value_set_bool(&v.u.map.values[0], true);
    s = dump(&v);
    assert_string_equal(s, "[[1,true]]");
    free(s);
    kc_arena_destroy(arena);
}

static void test_from_json_round_trip(void **state)
{
    kc_arena_t *arena = kc_arena_new(0);
    json_error_t jerr;
    json_t *j = json_loads("{\"p\":{\"q\":[1,2.5,\"s\",null,false]},"
                           "\"o\":9}",
                           0, &jerr);
    kc_value_t v;
    const kc_value_t *p;
    json_t *back;

    (void)state;
    assert_non_null(j);
    assert_int_equal(kc_value_from_json(arena, j, &v), KC_OK);
    assert_int_equal(v.type, KC_TYPE_MAP);
    assert_int_equal(v.u.map.len, 2);
    assert_string_equal(v.u.map.keys[0].u.str.data, "p");
    assert_int_equal(kc_value_map_get(&v, "o")->type, KC_TYPE_INT64);
    p = kc_value_map_get(kc_value_map_get(&v, "p"), "q");
    assert_int_equal(p->type, KC_TYPE_ARRAY);
    assert_int_equal(p->u.array.items[0].type, KC_TYPE_INT64);
    assert_int_equal(p->u.array.items[1].type, KC_TYPE_FLOAT64);
    assert_true(p->u.array.items[1].u.f == 2.5);
    assert_int_equal(p->u.array.items[2].type, KC_TYPE_STRING);
    assert_int_equal(p->u.array.items[3].type, KC_TYPE_NULL);
    assert_int_equal(p->u.array.items[4].type, KC_TYPE_BOOLEAN);
    back = kc_value_to_json(&v);
    assert_true(json_equal(j, back));
    json_decref(back);
    json_decref(j);
    kc_arena_destroy(arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_to_json),
        cmocka_unit_test(test_from_json_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
