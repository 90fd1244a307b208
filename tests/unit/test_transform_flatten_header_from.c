/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Flatten and HeaderFrom, as Apache's FlattenTest and HeaderFromTest.
 */
#include "kc_transform_test.h"

static void test_flatten_schemaless(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");
    static const char *const leaf_keys[] = {"int8", "string"};
    kc_value_t leaf_vals[] = {tx_int(KC_TYPE_INT8, 8), tx_str("s")};
    static const char *const mid_keys[] = {"B"};
    kc_value_t mid_vals[1];
    static const char *const top_keys[] = {"A", "top"};
    kc_value_t top_vals[2];

    mid_vals[0] = tx_map(fx, 2, leaf_keys, leaf_vals);
    top_vals[0] = tx_map(fx, 1, mid_keys, mid_vals);
    top_vals[1] = tx_int(KC_TYPE_INT64, 1);
    tx_chain(fx, "transforms=f\n"
                 "transforms.f.type=Flatten$Value\n"
                 "transforms.f.delimiter=#\n");
    rec->value = tx_map(fx, 2, top_keys, top_vals);
    tx_apply(fx, rec);
    assert_int_equal(rec->value.u.map.len, 3);
    tx_assert_int(tx_get(&rec->value, "A#B#int8"), KC_TYPE_INT8, 8);
    tx_assert_str(tx_get(&rec->value, "A#B#string"), "s");
    tx_assert_int(tx_get(&rec->value, "top"), KC_TYPE_INT64, 1);
}

static void test_flatten_with_schema(void **state)
{
    tx_fixture_t *fx = *state;
    static const char *const leaf_names[] = {"int8", "string"};
    const kc_schema_t *leaf_types[] = {TX_PRIM(KC_TYPE_INT8),
                                       TX_PRIM(KC_TYPE_STRING)};
    kc_schema_t *leaf = tx_struct_schema(NULL, 2, leaf_names, leaf_types);
    kc_schema_t *opt_leaf = tx_struct_schema(NULL, 2, leaf_names, leaf_types);
    kc_schema_t *top;
    kc_record_t *rec = tx_record(fx, "t");
    const kc_schema_t *s;
    kc_value_t *a;

    kc_schema_set_optional(opt_leaf, true);
    {
        static const char *const names[] = {"A", "O", "top"};
        const kc_schema_t *types[] = {leaf, opt_leaf, TX_PRIM(KC_TYPE_INT64)};

        top = tx_struct_schema("top", 3, names, types);
    }
    tx_chain(fx, "transforms=f\n"
                 "transforms.f.type=org.apache.kafka.connect.transforms."
                 "Flatten$Value\n");
    rec->value_schema = top;
    kc_value_set_struct(fx->arena, &rec->value, top);
    a = &rec->value.u.st.fields[0];
    kc_value_set_struct(fx->arena, a, leaf);
    a->u.st.fields[0] = tx_int(KC_TYPE_INT8, 8);
    a->u.st.fields[1] = tx_str("s");
    /* "O" (optional struct) stays null. */
    rec->value.u.st.fields[2] = tx_int(KC_TYPE_INT64, 1);
    tx_apply(fx, rec);
    s = rec->value_schema;
    assert_string_equal(kc_schema_name(s), "top");
    assert_int_equal(kc_schema_field_count(s), 5);
    assert_string_equal(kc_schema_field_at(s, 0)->name, "A.int8");
    assert_string_equal(kc_schema_field_at(s, 1)->name, "A.string");
    assert_string_equal(kc_schema_field_at(s, 2)->name, "O.int8");
    assert_string_equal(kc_schema_field_at(s, 4)->name, "top");
    /* Fields under an optional parent become optional. */
    assert_false(kc_schema_optional(kc_schema_field(s, "A.int8")->schema));
    assert_true(kc_schema_optional(kc_schema_field(s, "O.int8")->schema));
    tx_assert_int(tx_field(&rec->value, "A.int8"), KC_TYPE_INT8, 8);
    tx_assert_str(tx_field(&rec->value, "A.string"), "s");
    assert_int_equal(tx_field(&rec->value, "O.string")->type, KC_TYPE_NULL);
    tx_assert_int(tx_field(&rec->value, "top"), KC_TYPE_INT64, 1);
    assert_int_equal(kc_value_validate(s, &rec->value, NULL), KC_OK);
    kc_schema_unref(top);
    kc_schema_unref(leaf);
    kc_schema_unref(opt_leaf);
}

static void test_flatten_map_in_struct(void **state)
{
    tx_fixture_t *fx = *state;
    kc_schema_t *map = kc_schema_new(KC_TYPE_MAP);
    static const char *const names[] = {"m"};
    const kc_schema_t *types[1];
    kc_schema_t *top;
    kc_record_t *rec = tx_record(fx, "t");
    kc_error_t err = {0};

    kc_schema_set_map_take(map, kc_schema_ref(TX_PRIM(KC_TYPE_STRING)),
                           kc_schema_ref(TX_PRIM(KC_TYPE_STRING)));
    types[0] = map;
    top = tx_struct_schema(NULL, 1, names, types);
    tx_chain(fx, "transforms=f\n"
                 "transforms.f.type=Flatten$Value\n");
    rec->value_schema = top;
    kc_value_set_struct(fx->arena, &rec->value, top);
    tx_apply_error(fx, rec, &err);
    assert_string_equal(err.msg, "Flatten "
                                 "transformation does not support MAP for "
                                 "record with schemas (for field m).");
    kc_schema_unref(top);
    kc_schema_unref(map);
}

static void test_header_from_schemaless(void **state)
{
    tx_fixture_t *fx = *state;
    static const char *const keys[] = {"field1", "field2"};
    kc_value_t vals[] = {tx_str("f1"), tx_str("f2")};
    kc_record_t *rec = tx_record(fx, "t");

    tx_chain(fx, "transforms=h\n"
                 "transforms.h.type=HeaderFrom$Value\n"
                 "transforms.h.fields=field1\n"
                 "transforms.h.headers=h1\n"
                 "transforms.h.operation=move\n");
    rec->value = tx_map(fx, 2, keys, vals);
    tx_apply(fx, rec);
    assert_int_equal(rec->value.u.map.len, 1);
    tx_assert_str(tx_get(&rec->value, "field2"), "f2");
    assert_int_equal(rec->header_count, 1);
    assert_string_equal(rec->headers[0].key, "h1");
    assert_null(rec->headers[0].schema);
    tx_assert_str(&rec->headers[0].value, "f1");
}

static void test_header_from_with_schema(void **state)
{
    tx_fixture_t *fx = *state;
    static const char *const names[] = {"field1", "field2"};
    const kc_schema_t *types[] = {TX_PRIM(KC_TYPE_STRING),
                                  TX_PRIM(KC_TYPE_INT32)};
    kc_schema_t *vs = tx_struct_schema(NULL, 2, names, types);
    kc_record_t *copy = tx_record(fx, "t");
    kc_record_t *move = tx_record(fx, "t");

    tx_chain(fx, "transforms=h\n"
                 "transforms.h.type=HeaderFrom$Key\n"
                 "transforms.h.fields=field1,field2\n"
                 "transforms.h.headers=h1,h2\n"
                 "transforms.h.operation=copy\n");
    copy->key_schema = vs;
    kc_value_set_struct(fx->arena, &copy->key, vs);
    copy->key.u.st.fields[0] = tx_str("f1");
    copy->key.u.st.fields[1] = tx_int(KC_TYPE_INT32, 2);
    tx_apply(fx, copy);
    assert_ptr_equal(copy->key_schema, vs);
    assert_int_equal(copy->header_count, 2);
    assert_ptr_equal(copy->headers[1].schema, TX_PRIM(KC_TYPE_INT32));
    tx_assert_int(&copy->headers[1].value, KC_TYPE_INT32, 2);

    tx_chain(fx, "transforms=h\n"
                 "transforms.h.type=HeaderFrom$Key\n"
                 "transforms.h.fields=field1\n"
                 "transforms.h.headers=h1\n"
                 "transforms.h.operation=move\n");
    move->key_schema = vs;
    kc_value_set_struct(fx->arena, &move->key, vs);
    move->key.u.st.fields[0] = tx_str("f1");
    move->key.u.st.fields[1] = tx_int(KC_TYPE_INT32, 2);
    tx_apply(fx, move);
    assert_int_equal(kc_schema_field_count(move->key_schema), 1);
    tx_assert_int(tx_field(&move->key, "field2"), KC_TYPE_INT32, 2);
    tx_assert_str(&move->headers[0].value, "f1");
    kc_schema_unref(vs);
}

static void test_header_from_config(void **state)
{
    tx_fixture_t *fx = *state;
    kc_error_t err = {0};

    tx_chain_error(fx,
                   "transforms=h\n"
                   "transforms.h.type=HeaderFrom$Value\n"
                   "transforms.h.fields=a,b\n"
                   "transforms.h.headers=h1\n"
                   "transforms.h.operation=copy\n",
                   &err);
    assert_non_null(strstr(err.msg, "'fields' config must have the same "
                                    "number of elements as 'headers' "
                                    "config."));
    tx_chain_error(fx,
                   "transforms=h\n"
                   "transforms.h.type=HeaderFrom$Value\n"
                   "transforms.h.fields=a\n"
                   "transforms.h.headers=h1\n"
                   "transforms.h.operation=steal\n",
                   &err);
    assert_non_null(strstr(err.msg, "transforms.h.operation"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_flatten_schemaless, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_flatten_with_schema, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_flatten_map_in_struct, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_header_from_schemaless, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_header_from_with_schema, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_header_from_config, tx_setup,
                                        tx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
