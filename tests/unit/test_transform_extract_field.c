/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ExtractField$Key / $Value, as Apache's ExtractFieldTest: schemaless,
 * with schema, nulls, unknown fields, and V2 nested paths.
 */
#include "kc_transform_test.h"

static void test_schemaless(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");
    static const char *const keys[] = {"magic"};
    kc_value_t vals[] = {tx_int(KC_TYPE_INT32, 42)};

    tx_chain(fx, "transforms=x\n"
                 "transforms.x.type=org.apache.kafka.connect.transforms."
                 "ExtractField$Key\n"
                 "transforms.x.field=magic\n");
    rec->key = tx_map(fx, 1, keys, vals);
    tx_apply(fx, rec);
    assert_null(rec->key_schema);
    tx_assert_int(&rec->key, KC_TYPE_INT32, 42);
}

static void test_schemaless_null_and_missing(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");
    static const char *const keys[] = {"other"};
    kc_value_t vals[] = {tx_int(KC_TYPE_INT32, 42)};

    tx_chain(fx, "transforms=x\n"
                 "transforms.x.type=ExtractField$Value\n"
                 "transforms.x.field=magic\n");
    tx_apply(fx, rec); /* a null value passes as null */
    assert_int_equal(rec->value.type, KC_TYPE_NULL);
    rec->value = tx_map(fx, 1, keys, vals);
    tx_apply(fx, rec); /* an absent field extracts null */
    assert_int_equal(rec->value.type, KC_TYPE_NULL);
}

static void test_with_schema(void **state)
{
    tx_fixture_t *fx = *state;
    static const char *const names[] = {"magic"};
    const kc_schema_t *types[] = {TX_PRIM(KC_TYPE_INT32)};
    kc_schema_t *ks = tx_struct_schema(NULL, 1, names, types);
    kc_record_t *rec = tx_record(fx, "t");
    kc_record_t *nul = tx_record(fx, "t");

    tx_chain(fx, "transforms=x\n"
                 "transforms.x.type=ExtractField$Key\n"
                 "transforms.x.field=magic\n");
    rec->key_schema = ks;
    kc_value_set_struct(fx->arena, &rec->key, ks);
    rec->key.u.st.fields[0] = tx_int(KC_TYPE_INT32, 42);
    tx_apply(fx, rec);
    assert_int_equal(kc_schema_type(rec->key_schema), KC_TYPE_INT32);
    tx_assert_int(&rec->key, KC_TYPE_INT32, 42);

    /* A null struct gives null with the field's schema. */
    nul->key_schema = ks;
    tx_apply(fx, nul);
    assert_int_equal(kc_schema_type(nul->key_schema), KC_TYPE_INT32);
    assert_int_equal(nul->key.type, KC_TYPE_NULL);
    kc_schema_unref(ks);
}

static void test_unknown_field_with_schema(void **state)
{
    tx_fixture_t *fx = *state;
    static const char *const names[] = {"magic"};
    const kc_schema_t *types[] = {TX_PRIM(KC_TYPE_INT32)};
    kc_schema_t *ks = tx_struct_schema(NULL, 1, names, types);
    kc_record_t *rec = tx_record(fx, "t");
    kc_error_t err = {0};

    tx_chain(fx, "transforms=x\n"
                 "transforms.x.type=ExtractField$Key\n"
                 "transforms.x.field=nonexistent\n");
    rec->key_schema = ks;
    kc_value_set_struct(fx->arena, &rec->key, ks);
    tx_apply_error(fx, rec, &err);
    assert_string_equal(err.msg, "Unknown field: nonexistent");
    kc_schema_unref(ks);
}

static void test_not_a_struct(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");
    kc_error_t err = {0};

    tx_chain(fx, "transforms=x\n"
                 "transforms.x.type=ExtractField$Value\n"
                 "transforms.x.field=f\n");
    rec->value_schema = TX_PRIM(KC_TYPE_INT32);
    rec->value = tx_int(KC_TYPE_INT32, 1);
    tx_apply_error(fx, rec, &err);
    assert_string_equal(err.msg, "Only Struct objects "
                                 "supported for [field extraction], found: "
                                 "java.lang.Integer");
}

static void test_nested_v2(void **state)
{
    tx_fixture_t *fx = *state;
    static const char *const inner_names[] = {"foo"};
    const kc_schema_t *inner_types[] = {TX_PRIM(KC_TYPE_INT32)};
    kc_schema_t *inner = tx_struct_schema(NULL, 1, inner_names, inner_types);
    static const char *const outer_names[] = {"magic.dot"};
    const kc_schema_t *outer_types[] = {inner};
    kc_schema_t *outer = tx_struct_schema(NULL, 1, outer_names, outer_types);
    kc_record_t *rec = tx_record(fx, "t");
    kc_value_t *in;

    tx_chain(fx, "transforms=x\n"
                 "transforms.x.type=ExtractField$Value\n"
                 "transforms.x.field.syntax.version=v2\n"
                 "transforms.x.field=`magic.dot`.foo\n");
    rec->value_schema = outer;
    kc_value_set_struct(fx->arena, &rec->value, outer);
    in = &rec->value.u.st.fields[0];
    kc_value_set_struct(fx->arena, in, inner);
    in->u.st.fields[0] = tx_int(KC_TYPE_INT32, 42);
    tx_apply(fx, rec);
    assert_ptr_equal(rec->value_schema, TX_PRIM(KC_TYPE_INT32));
    tx_assert_int(&rec->value, KC_TYPE_INT32, 42);
    kc_schema_unref(outer);
    kc_schema_unref(inner);
}

static void test_bad_syntax_version(void **state)
{
    tx_fixture_t *fx = *state;
    kc_error_t err = {0};

    tx_chain_error(fx,
                   "transforms=x\n"
                   "transforms.x.type=ExtractField$Value\n"
                   "transforms.x.field=a\n"
                   "transforms.x.field.syntax.version=V3\n",
                   &err);
    assert_non_null(strstr(err.msg, "transforms.x.field.syntax.version"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_schemaless, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_schemaless_null_and_missing,
                                        tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_with_schema, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_field_with_schema,
                                        tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_not_a_struct, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_nested_v2, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_bad_syntax_version, tx_setup,
                                        tx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
