/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HoistField and MaskField, as Apache's HoistFieldTest and MaskFieldTest.
 */
#include "kc_transform_test.h"

static void test_hoist_schemaless(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");

    tx_chain(fx, "transforms=h\n"
                 "transforms.h.type=HoistField$Key\n"
                 "transforms.h.field=magic\n");
    rec->key = tx_int(KC_TYPE_INT32, 42);
    tx_apply(fx, rec);
    assert_null(rec->key_schema);
    assert_int_equal(rec->key.u.map.len, 1);
    tx_assert_int(tx_get(&rec->key, "magic"), KC_TYPE_INT32, 42);
}

static void test_hoist_with_schema(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");
    const kc_field_t *f;

    tx_chain(fx, "transforms=h\n"
                 "transforms.h.type=org.apache.kafka.connect.transforms."
                 "HoistField$Value\n"
                 "transforms.h.field=magic\n");
    rec->value_schema = TX_PRIM(KC_TYPE_INT32);
    rec->value = tx_int(KC_TYPE_INT32, 42);
    tx_apply(fx, rec);
    assert_int_equal(kc_schema_type(rec->value_schema), KC_TYPE_STRUCT);
    assert_int_equal(kc_schema_field_count(rec->value_schema), 1);
    f = kc_schema_field_at(rec->value_schema, 0);
    assert_string_equal(f->name, "magic");
    assert_ptr_equal(f->schema, TX_PRIM(KC_TYPE_INT32));
    tx_assert_int(tx_field(&rec->value, "magic"), KC_TYPE_INT32, 42);
}

static void test_mask_schemaless(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");
    static const char *const keys[] = {"magic", "bool", "str", "keep"};
    kc_value_t vals[] = {tx_int(KC_TYPE_INT64, 42), tx_str("x"),
                         tx_str("hello"), tx_str("kept")};

    kc_value_set_bool(&vals[1], true);
    tx_chain(fx, "transforms=m\n"
                 "transforms.m.type=MaskField$Value\n"
                 "transforms.m.fields=magic,bool,str,absent\n");
    rec->value = tx_map(fx, 4, keys, vals);
    tx_apply(fx, rec);
    tx_assert_int(tx_get(&rec->value, "magic"), KC_TYPE_INT64, 0);
    assert_int_equal(tx_get(&rec->value, "bool")->type, KC_TYPE_BOOLEAN);
    assert_false(tx_get(&rec->value, "bool")->u.b);
    tx_assert_str(tx_get(&rec->value, "str"), "");
    tx_assert_str(tx_get(&rec->value, "keep"), "kept");
    /* Apache puts masked(null) = null for a listed but absent field. */
    assert_non_null(tx_get(&rec->value, "absent"));
    assert_int_equal(tx_get(&rec->value, "absent")->type, KC_TYPE_NULL);
}

static void test_mask_with_schema_and_replacement(void **state)
{
    tx_fixture_t *fx = *state;
    static const char *const names[] = {"i", "s", "d", "keep"};
    const kc_schema_t *types[] = {
        TX_PRIM(KC_TYPE_INT32), TX_PRIM(KC_TYPE_STRING),
        TX_PRIM(KC_TYPE_FLOAT64), TX_PRIM(KC_TYPE_STRING)};
    kc_schema_t *vs = tx_struct_schema(NULL, 4, names, types);
    kc_record_t *rec = tx_record(fx, "t");

    tx_chain(fx, "transforms=m\n"
                 "transforms.m.type=MaskField$Value\n"
                 "transforms.m.fields=i,s,d\n"
                 "transforms.m.replacement=123\n");
    rec->value_schema = vs;
    kc_value_set_struct(fx->arena, &rec->value, vs);
    rec->value.u.st.fields[0] = tx_int(KC_TYPE_INT32, 42);
    rec->value.u.st.fields[1] = tx_str("secret");
    kc_value_set_float(&rec->value.u.st.fields[2], KC_TYPE_FLOAT64, 1.5);
    rec->value.u.st.fields[3] = tx_str("kept");
    tx_apply(fx, rec);
    assert_ptr_equal(rec->value_schema, vs);
    tx_assert_int(tx_field(&rec->value, "i"), KC_TYPE_INT32, 123);
    tx_assert_str(tx_field(&rec->value, "s"), "123");
    assert_true(tx_field(&rec->value, "d")->u.f == 123.0);
    tx_assert_str(tx_field(&rec->value, "keep"), "kept");
    kc_schema_unref(vs);
}

static void test_mask_errors(void **state)
{
    tx_fixture_t *fx = *state;
    static const char *const keys[] = {"b"};
    kc_value_t vals[] = {tx_str("x")};
    kc_record_t *rec = tx_record(fx, "t");
    kc_error_t err = {0};

    kc_value_set_bool(&vals[0], true);
    tx_chain(fx, "transforms=m\n"
                 "transforms.m.type=MaskField$Value\n"
                 "transforms.m.fields=b\n"
                 "transforms.m.replacement=x\n");
    rec->value = tx_map(fx, 1, keys, vals);
    tx_apply_error(fx, rec, &err);
    assert_string_equal(err.msg, "Cannot mask value "
                                 "of type class java.lang.Boolean with custom "
                                 "replacement.");

    vals[0] = tx_int(KC_TYPE_INT32, 5);
    rec->value = tx_map(fx, 1, keys, vals);
    tx_apply_error(fx, rec, &err);
    assert_string_equal(err.msg, "Unable to convert x "
                                 "(class java.lang.String) to a number");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hoist_schemaless, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_hoist_with_schema, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_mask_schemaless, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_mask_with_schema_and_replacement,
                                        tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_mask_errors, tx_setup,
                                        tx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
