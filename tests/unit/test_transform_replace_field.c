/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ReplaceField$Key / $Value, as Apache's ReplaceFieldTest: include,
 * exclude (wins over include), renames, schemaless and with schema.
 */
#include "kc_transform_test.h"

static void test_schemaless(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");
    static const char *const keys[] = {"dont", "abc", "foo", "etc"};
    kc_value_t vals[] = {tx_str("whatever"), tx_int(KC_TYPE_INT32, 42),
                         tx_str("x"), tx_str("etc")};

    kc_value_set_bool(&vals[2], false);
    tx_chain(fx, "transforms=r\n"
                 "transforms.r.type=ReplaceField$Value\n"
                 "transforms.r.exclude=dont\n"
                 "transforms.r.renames=abc:xyz,foo:bar\n");
    rec->value = tx_map(fx, 4, keys, vals);
    tx_apply(fx, rec);
    assert_int_equal(rec->value.u.map.len, 3);
    tx_assert_int(tx_get(&rec->value, "xyz"), KC_TYPE_INT32, 42);
    assert_int_equal(tx_get(&rec->value, "bar")->type, KC_TYPE_BOOLEAN);
    assert_false(tx_get(&rec->value, "bar")->u.b);
    tx_assert_str(tx_get(&rec->value, "etc"), "etc");
    assert_null(tx_get(&rec->value, "dont"));
    assert_null(tx_get(&rec->value, "abc"));
}

static void test_include_and_exclude(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");
    static const char *const keys[] = {"abc", "foo", "etc"};
    kc_value_t vals[] = {tx_int(KC_TYPE_INT32, 1), tx_int(KC_TYPE_INT32, 2),
                         tx_int(KC_TYPE_INT32, 3)};

    tx_chain(fx, "transforms=r\n"
                 "transforms.r.type=ReplaceField$Key\n"
                 "transforms.r.include=abc,foo\n"
                 "transforms.r.exclude=foo\n");
    rec->key = tx_map(fx, 3, keys, vals);
    tx_apply(fx, rec);
    assert_int_equal(rec->key.u.map.len, 1);
    tx_assert_int(tx_get(&rec->key, "abc"), KC_TYPE_INT32, 1);
}

static void test_with_schema(void **state)
{
    tx_fixture_t *fx = *state;
    static const char *const names[] = {"dont", "abc", "foo", "etc"};
    const kc_schema_t *types[] = {
        TX_PRIM(KC_TYPE_STRING), TX_PRIM(KC_TYPE_INT32),
        TX_PRIM(KC_TYPE_BOOLEAN), TX_PRIM(KC_TYPE_STRING)};
    kc_schema_t *vs = tx_struct_schema("rec", 4, names, types);
    kc_record_t *rec = tx_record(fx, "t");
    const kc_schema_t *s;

    tx_chain(fx, "transforms=r\n"
                 "transforms.r.type=org.apache.kafka.connect.transforms."
                 "ReplaceField$Value\n"
                 "transforms.r.include=abc,foo\n"
                 "transforms.r.renames=abc:xyz,foo:bar\n");
    rec->value_schema = vs;
    kc_value_set_struct(fx->arena, &rec->value, vs);
    rec->value.u.st.fields[0] = tx_str("whatever");
    rec->value.u.st.fields[1] = tx_int(KC_TYPE_INT32, 42);
    kc_value_set_bool(&rec->value.u.st.fields[2], true);
    rec->value.u.st.fields[3] = tx_str("etc");
    tx_apply(fx, rec);
    s = rec->value_schema;
    assert_string_equal(kc_schema_name(s), "rec");
    assert_int_equal(kc_schema_field_count(s), 2);
    assert_string_equal(kc_schema_field_at(s, 0)->name, "xyz");
    assert_int_equal(kc_schema_type(kc_schema_field_at(s, 0)->schema),
                     KC_TYPE_INT32);
    assert_string_equal(kc_schema_field_at(s, 1)->name, "bar");
    tx_assert_int(tx_field(&rec->value, "xyz"), KC_TYPE_INT32, 42);
    assert_true(tx_field(&rec->value, "bar")->u.b);
    assert_int_equal(kc_value_validate(s, &rec->value, NULL), KC_OK);
    kc_schema_unref(vs);
}

static void test_bad_rename(void **state)
{
    tx_fixture_t *fx = *state;
    kc_error_t err = {0};

    tx_chain_error(fx,
                   "transforms=r\n"
                   "transforms.r.type=ReplaceField$Value\n"
                   "transforms.r.renames=a:b,c\n",
                   &err);
    assert_non_null(strstr(err.msg, "\"transforms.r.renames\""));
    assert_non_null(strstr(err.msg, "Invalid rename mapping: c"));
    tx_chain_error(fx,
                   "transforms=r\n"
                   "transforms.r.type=ReplaceField$Value\n"
                   "transforms.r.renames=a:b:c\n",
                   &err);
    assert_non_null(strstr(err.msg, "Invalid rename mapping: a:b:c"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_schemaless, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_include_and_exclude, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_with_schema, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_bad_rename, tx_setup, tx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
