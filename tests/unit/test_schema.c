/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for src/data/kc_schema.c: schemas, logical types, refcounts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "kc_internal.h"

#include <pthread.h>

static void test_primitive_singletons(void **state)
{
    const kc_schema_t *a = kc_schema_primitive(KC_TYPE_INT32, false);
    const kc_schema_t *b = kc_schema_primitive(KC_TYPE_INT32, false);
    const kc_schema_t *o = kc_schema_primitive(KC_TYPE_INT32, true);

    (void)state;
    assert_ptr_equal(a, b);
    assert_ptr_not_equal(a, o);
    assert_int_equal(kc_schema_type(a), KC_TYPE_INT32);
    assert_false(kc_schema_optional(a));
    assert_true(kc_schema_optional(o));
    assert_null(kc_schema_name(a));
    assert_null(kc_schema_default(a));
    /* ref/unref on a singleton never frees it. */
    for (int i = 0; i < 5; i++) {
        kc_schema_unref(kc_schema_ref(a));
        kc_schema_unref(a);
    }
    assert_int_equal(kc_schema_type(a), KC_TYPE_INT32);
    assert_null(kc_schema_primitive(KC_TYPE_STRUCT, false));
    assert_null(kc_schema_primitive(KC_TYPE_NULL, false));
}

static void test_type_names(void **state)
{
    (void)state;
    assert_string_equal(kc_type_name(KC_TYPE_INT8), "INT8");
    assert_string_equal(kc_type_name(KC_TYPE_FLOAT64), "FLOAT64");
    assert_string_equal(kc_type_name(KC_TYPE_STRUCT), "STRUCT");
    assert_string_equal(kc_type_name(KC_TYPE_NULL), "NULL");
    assert_true(kc_type_is_primitive(KC_TYPE_BYTES));
    assert_true(kc_type_is_primitive(KC_TYPE_INT8));
    assert_false(kc_type_is_primitive(KC_TYPE_ARRAY));
    assert_false(kc_type_is_primitive(KC_TYPE_NULL));
}

static void test_metadata_setters(void **state)
{
    kc_schema_t *s = kc_schema_new(KC_TYPE_STRING);
    const char *k;
    const char *v;

    (void)state;
    assert_false(kc_schema_has_version(s));
    kc_schema_set_optional(s, true);
    kc_schema_set_name(s, "com.example.Name");
    kc_schema_set_version(s, 7);
    kc_schema_set_doc(s, "a doc");
    kc_schema_set_param(s, "z", "1");
    kc_schema_set_param(s, "a", "2");
    kc_schema_set_param(s, "z", "3"); /* replaces in place */
    assert_true(kc_schema_optional(s));
    assert_string_equal(kc_schema_name(s), "com.example.Name");
    assert_true(kc_schema_has_version(s));
    assert_int_equal(kc_schema_version(s), 7);
    assert_string_equal(kc_schema_doc(s), "a doc");
    assert_int_equal(kc_schema_param_count(s), 2);
    kc_schema_param_at(s, 0, &k, &v);
    assert_string_equal(k, "z");
    assert_string_equal(v, "3");
    kc_schema_param_at(s, 1, &k, &v);
    assert_string_equal(k, "a");
    assert_string_equal(v, "2");
    assert_string_equal(kc_schema_param(s, "a"), "2");
    assert_null(kc_schema_param(s, "missing"));
    assert_int_equal(kc_schema_logical(s), KC_LOGICAL_NONE);
    kc_schema_unref(s);
}

static void test_logical_types(void **state)
{
    kc_schema_t *d = kc_schema_decimal_new(-3);
    kc_schema_t *date = kc_schema_date_new();
    kc_schema_t *time = kc_schema_time_new();
    kc_schema_t *ts = kc_schema_timestamp_new();
    kc_schema_t *fake = kc_schema_new(KC_TYPE_STRING);

    (void)state;
    assert_int_equal(kc_schema_type(d), KC_TYPE_BYTES);
    assert_string_equal(kc_schema_name(d),
                        "org.apache.kafka.connect.data.Decimal");
    assert_string_equal(kc_schema_param(d, "scale"), "-3");
    assert_int_equal(kc_schema_decimal_scale(d), -3);
    assert_int_equal(kc_schema_version(d), 1);
    assert_int_equal(kc_schema_logical(d), KC_LOGICAL_DECIMAL);
    assert_int_equal(kc_schema_type(date), KC_TYPE_INT32);
    assert_int_equal(kc_schema_logical(date), KC_LOGICAL_DATE);
    assert_int_equal(kc_schema_type(time), KC_TYPE_INT32);
    assert_int_equal(kc_schema_logical(time), KC_LOGICAL_TIME);
    assert_int_equal(kc_schema_type(ts), KC_TYPE_INT64);
    assert_int_equal(kc_schema_logical(ts), KC_LOGICAL_TIMESTAMP);
    /* The name alone on the wrong base type is not a logical type. */
    kc_schema_set_name(fake, KC_LOGICAL_DATE_NAME);
    assert_int_equal(kc_schema_logical(fake), KC_LOGICAL_NONE);
    kc_schema_unref(d);
    kc_schema_unref(date);
    kc_schema_unref(time);
    kc_schema_unref(ts);
    kc_schema_unref(fake);
}

static kc_schema_t *person_schema(const char *doc)
{
    kc_schema_t *s = kc_schema_new(KC_TYPE_STRUCT);
    kc_schema_t *tags = kc_schema_new(KC_TYPE_ARRAY);
    kc_schema_t *attrs = kc_schema_new(KC_TYPE_MAP);

    kc_schema_set_items_take(
        tags, kc_schema_ref(kc_schema_primitive(KC_TYPE_STRING, false)));
    kc_schema_set_map_take(
        attrs, kc_schema_ref(kc_schema_primitive(KC_TYPE_STRING, false)),
        kc_schema_ref(kc_schema_primitive(KC_TYPE_INT64, true)));
    assert_int_equal(
        kc_schema_add_field_take(
            s, "id", kc_schema_ref(kc_schema_primitive(KC_TYPE_INT64, false)),
            NULL),
        KC_OK);
    assert_int_equal(kc_schema_add_field_take(s, "tags", tags, NULL), KC_OK);
    assert_int_equal(kc_schema_add_field_take(s, "attrs", attrs, NULL), KC_OK);
    kc_schema_set_name(s, "Person");
    if (doc != NULL) {
        kc_schema_set_doc(s, doc);
    }
    return s;
}

static void test_struct_fields(void **state)
{
    kc_schema_t *s = person_schema(NULL);
    kc_schema_t *dup = kc_schema_ref(kc_schema_primitive(KC_TYPE_INT8, false));
    kc_error_t err;
    const kc_field_t *f;

    (void)state;
    assert_int_equal(kc_schema_field_count(s), 3);
    f = kc_schema_field(s, "tags");
    assert_non_null(f);
    assert_string_equal(f->name, "tags");
    assert_int_equal(f->index, 1);
    assert_int_equal(kc_schema_type(f->schema), KC_TYPE_ARRAY);
    assert_int_equal(kc_schema_type(kc_schema_items(f->schema)),
                     KC_TYPE_STRING);
    f = kc_schema_field_at(s, 2);
    assert_int_equal(kc_schema_type(kc_schema_key(f->schema)), KC_TYPE_STRING);
    assert_true(kc_schema_optional(kc_schema_value(f->schema)));
    assert_null(kc_schema_field(s, "nope"));
    assert_null(kc_schema_field_at(s, 3));
    /* A duplicate name is refused and the caller keeps its reference. */
    assert_int_equal(kc_schema_add_field_take(s, "id", dup, &err),
                     KC_ERR_CONFLICT);
    assert_non_null(strstr(err.msg, "\"id\""));
    kc_schema_unref(dup);
    assert_int_equal(kc_schema_field_count(s), 3);
    kc_schema_unref(s);
}

static void test_equals_is_deep(void **state)
{
    kc_schema_t *a = person_schema(NULL);
    kc_schema_t *b = person_schema(NULL);
    kc_schema_t *c = person_schema("different doc");
    kc_schema_t *d1 = kc_schema_decimal_new(2);
    kc_schema_t *d2 = kc_schema_decimal_new(3);

    (void)state;
    assert_true(kc_schema_equals(a, b));
    assert_true(kc_schema_equals(a, a));
    assert_false(kc_schema_equals(a, c));
    assert_false(kc_schema_equals(a, NULL));
    assert_false(kc_schema_equals(d1, d2));
    assert_false(kc_schema_equals(kc_schema_primitive(KC_TYPE_INT32, false),
                                  kc_schema_primitive(KC_TYPE_INT32, true)));
    kc_schema_unref(a);
    kc_schema_unref(b);
    kc_schema_unref(c);
    kc_schema_unref(d1);
    kc_schema_unref(d2);
}

static void test_default_is_validated_and_copied(void **state)
{
    kc_schema_t *s = kc_schema_new(KC_TYPE_STRING);
    kc_schema_t *t = kc_schema_new(KC_TYPE_STRING);
    kc_arena_t *arena = kc_arena_new(0);
    kc_value_t v;
    kc_error_t err;

    (void)state;
    kc_value_set_int(&v, KC_TYPE_INT32, 5);
    assert_int_equal(kc_schema_set_default(s, &v, &err), KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "expected STRING, got INT32"));
    assert_null(kc_schema_default(s));
    kc_value_set_string(arena, &v, "dflt", 4);
    assert_int_equal(kc_schema_set_default(s, &v, &err), KC_OK);
    /* The default is the schema's own copy: the arena may go. */
    kc_arena_destroy(arena);
    assert_int_equal(kc_schema_default(s)->type, KC_TYPE_STRING);
    assert_int_equal(kc_schema_default(s)->u.str.len, 4);
    assert_memory_equal(kc_schema_default(s)->u.str.data, "dflt", 4);
    /* Defaults take part in equality. */
    assert_false(kc_schema_equals(s, t));
    kc_schema_unref(s);
    kc_schema_unref(t);
}

static void *ref_unref_worker(void *arg)
{
    const kc_schema_t *s = arg;

    for (int i = 0; i < 100000; i++) {
        kc_schema_unref(kc_schema_ref(s));
    }
    return NULL;
}

static void test_refcount_across_threads(void **state)
{
    kc_schema_t *s = person_schema(NULL);
    pthread_t th[4];

    (void)state;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_create(&th[i], NULL, ref_unref_worker, s), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
    }
    /* Still alive with exactly the one reference we hold. */
    assert_int_equal(kc_schema_field_count(s), 3);
    kc_schema_unref(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_primitive_singletons),
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_metadata_setters),
        cmocka_unit_test(test_logical_types),
        cmocka_unit_test(test_struct_fields),
        cmocka_unit_test(test_equals_is_deep),
        cmocka_unit_test(test_default_is_validated_and_copied),
        cmocka_unit_test(test_refcount_across_threads),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
