/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ValueToKey, as Apache's ValueToKeyTest: schemaless and Struct values,
 * derived key schema (cached), missing field, replace.null.with.default.
 */
#include "kc_transform_test.h"

static void test_schemaless(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");
    static const char *const keys[] = {"a", "b", "c"};
    kc_value_t vals[] = {tx_int(KC_TYPE_INT32, 1), tx_int(KC_TYPE_INT32, 2),
                         tx_int(KC_TYPE_INT32, 3)};

    tx_chain(fx, "transforms=v\n"
                 "transforms.v.type=ValueToKey\n"
                 "transforms.v.fields=a,b\n");
    rec->value = tx_map(fx, 3, keys, vals);
    tx_apply(fx, rec);
    assert_null(rec->key_schema);
    assert_int_equal(rec->key.u.map.len, 2);
    tx_assert_int(tx_get(&rec->key, "a"), KC_TYPE_INT32, 1);
    tx_assert_int(tx_get(&rec->key, "b"), KC_TYPE_INT32, 2);
    assert_null(tx_get(&rec->key, "c"));
    /* The value is untouched. */
    assert_int_equal(rec->value.u.map.len, 3);
}

static void test_with_schema(void **state)
{
    tx_fixture_t *fx = *state;
    static const char *const names[] = {"a", "b", "c"};
    const kc_schema_t *types[] = {
        TX_PRIM(KC_TYPE_INT32), TX_PRIM(KC_TYPE_INT32), TX_PRIM(KC_TYPE_INT32)};
    kc_schema_t *vs = tx_struct_schema(NULL, 3, names, types);
    const kc_schema_t *first_key_schema = NULL;

    tx_chain(fx, "transforms=v\n"
                 "transforms.v.type=org.apache.kafka.connect.transforms."
                 "ValueToKey\n"
                 "transforms.v.fields=a,b\n");
    for (int round = 0; round < 2; round++) {
        kc_record_t *rec = tx_record(fx, "t");
        const kc_field_t *f;

        rec->value_schema = vs;
        kc_value_set_struct(fx->arena, &rec->value, vs);
        rec->value.u.st.fields[0] = tx_int(KC_TYPE_INT32, 1);
        rec->value.u.st.fields[1] = tx_int(KC_TYPE_INT32, 2);
        rec->value.u.st.fields[2] = tx_int(KC_TYPE_INT32, 3);
        tx_apply(fx, rec);

        assert_non_null(rec->key_schema);
        assert_int_equal(kc_schema_type(rec->key_schema), KC_TYPE_STRUCT);
        assert_int_equal(kc_schema_field_count(rec->key_schema), 2);
        f = kc_schema_field_at(rec->key_schema, 0);
        assert_string_equal(f->name, "a");
        assert_int_equal(kc_schema_type(f->schema), KC_TYPE_INT32);
        assert_false(kc_schema_optional(f->schema));
        assert_string_equal(kc_schema_field_at(rec->key_schema, 1)->name, "b");
        tx_assert_int(tx_field(&rec->key, "a"), KC_TYPE_INT32, 1);
        tx_assert_int(tx_field(&rec->key, "b"), KC_TYPE_INT32, 2);
        assert_ptr_equal(rec->value_schema, vs);
        /* The second record of the same shape reuses the derived schema. */
        if (round == 0) {
            first_key_schema = rec->key_schema;
        } else {
            assert_ptr_equal(rec->key_schema, first_key_schema);
        }
    }
    kc_transform_chain_destroy(fx->chain);
    fx->chain = NULL;
    kc_schema_unref(vs);
}

static void test_missing_field(void **state)
{
    tx_fixture_t *fx = *state;
    static const char *const names[] = {"a"};
    const kc_schema_t *types[] = {TX_PRIM(KC_TYPE_INT32)};
    kc_schema_t *vs = tx_struct_schema(NULL, 1, names, types);
    kc_record_t *rec = tx_record(fx, "t");
    kc_error_t err = {0};

    tx_chain(fx, "transforms=v\n"
                 "transforms.v.type=ValueToKey\n"
                 "transforms.v.fields=not_exist\n");
    rec->value_schema = vs;
    kc_value_set_struct(fx->arena, &rec->value, vs);
    tx_apply_error(fx, rec, &err);
    assert_string_equal(err.msg, "Field does not exist: "
                                 "not_exist");
    kc_schema_unref(vs);
}

static void test_replace_null_with_default(void **state)
{
    tx_fixture_t *fx = *state;
    kc_schema_t *with_def = kc_schema_new(KC_TYPE_INT32);
    kc_value_t def = tx_int(KC_TYPE_INT32, 9);
    kc_schema_t *vs = kc_schema_new(KC_TYPE_STRUCT);

    kc_schema_set_optional(with_def, true);
    assert_int_equal(kc_schema_set_default(with_def, &def, NULL), KC_OK);
    assert_int_equal(kc_schema_add_field_take(vs, "a", with_def, NULL), KC_OK);

    /* Default on: a null field reads as its default (Struct.get). */
    tx_chain(fx, "transforms=v\n"
                 "transforms.v.type=ValueToKey\n"
                 "transforms.v.fields=a\n");
    {
        kc_record_t *rec = tx_record(fx, "t");

        rec->value_schema = vs;
        kc_value_set_struct(fx->arena, &rec->value, vs);
        tx_apply(fx, rec);
        tx_assert_int(tx_field(&rec->key, "a"), KC_TYPE_INT32, 9);
    }
    tx_chain(fx, "transforms=v\n"
                 "transforms.v.type=ValueToKey\n"
                 "transforms.v.fields=a\n"
                 "transforms.v.replace.null.with.default=false\n");
    {
        kc_record_t *rec = tx_record(fx, "t");

        rec->value_schema = vs;
        kc_value_set_struct(fx->arena, &rec->value, vs);
        tx_apply(fx, rec);
        assert_int_equal(tx_field(&rec->key, "a")->type, KC_TYPE_NULL);
    }
    kc_schema_unref(vs);
}

static void test_config(void **state)
{
    tx_fixture_t *fx = *state;
    kc_error_t err = {0};

    tx_chain_error(fx,
                   "transforms=v\n"
                   "transforms.v.type=ValueToKey\n"
                   "transforms.v.fields=\n",
                   &err);
    /* Apache renders the parsed list as "[]"; the config module as "". */
    assert_non_null(strstr(err.msg, "\"transforms.v.fields\": Invalid value "));
    assert_non_null(strstr(err.msg, "for configuration transforms.v.fields: "
                                    "Empty list"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_schemaless, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_with_schema, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_missing_field, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_replace_null_with_default,
                                        tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_config, tx_setup, tx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
