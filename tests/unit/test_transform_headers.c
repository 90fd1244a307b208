/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DropHeaders, InsertHeader (Values.parseString typing of the literal)
 * and SetSchemaMetadata, as Apache's DropHeadersTest, InsertHeaderTest and
 * SetSchemaMetadataTest.
 */
#include "kc_transform_test.h"

static void test_drop_headers(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");
    kc_value_t v = tx_str("v");

    kc_record_add_header(fx->arena, rec, "a", NULL, &v);
    kc_record_add_header(fx->arena, rec, "b", NULL, &v);
    kc_record_add_header(fx->arena, rec, "a", NULL, &v);
    kc_record_add_header(fx->arena, rec, "c", NULL, &v);
    tx_chain(fx, "transforms=d\n"
                 "transforms.d.type=org.apache.kafka.connect.transforms."
                 "DropHeaders\n"
                 "transforms.d.headers=a,c\n");
    tx_apply(fx, rec);
    assert_int_equal(rec->header_count, 1);
    assert_string_equal(rec->headers[0].key, "b");
}

static void test_insert_header(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");
    kc_value_t v = tx_str("v");

    kc_record_add_header(fx->arena, rec, "existing", NULL, &v);
    tx_chain(fx, "transforms=i,j\n"
                 "transforms.i.type=InsertHeader\n"
                 "transforms.i.header=inserted\n"
                 "transforms.i.value.literal=inserted-value\n"
                 "transforms.j.type=InsertHeader\n"
                 "transforms.j.header=num\n"
                 "transforms.j.value.literal=42\n");
    tx_apply(fx, rec);
    assert_int_equal(rec->header_count, 3);
    assert_string_equal(rec->headers[0].key, "existing");
    assert_string_equal(rec->headers[1].key, "inserted");
    assert_int_equal(kc_schema_type(rec->headers[1].schema), KC_TYPE_STRING);
    tx_assert_str(&rec->headers[1].value, "inserted-value");
    assert_string_equal(rec->headers[2].key, "num");
    /* Values.parseString("42") is a byte. */
    assert_int_equal(kc_schema_type(rec->headers[2].schema), KC_TYPE_INT8);
    tx_assert_int(&rec->headers[2].value, KC_TYPE_INT8, 42);
}

static void test_insert_header_config(void **state)
{
    tx_fixture_t *fx = *state;
    kc_error_t err = {0};

    tx_chain_error(fx,
                   "transforms=i\n"
                   "transforms.i.type=InsertHeader\n"
                   "transforms.i.header=h\n",
                   &err);
    assert_non_null(strstr(err.msg, "transforms.i.value.literal"));
}

static void test_set_schema_metadata(void **state)
{
    tx_fixture_t *fx = *state;
    static const char *const names[] = {"f"};
    const kc_schema_t *types[] = {TX_PRIM(KC_TYPE_INT32)};
    kc_schema_t *vs = tx_struct_schema("old", 1, names, types);
    kc_record_t *rec = tx_record(fx, "t");

    tx_chain(fx, "transforms=s\n"
                 "transforms.s.type=SetSchemaMetadata$Value\n"
                 "transforms.s.schema.name=foo\n"
                 "transforms.s.schema.version=42\n");
    rec->value_schema = vs;
    kc_value_set_struct(fx->arena, &rec->value, vs);
    rec->value.u.st.fields[0] = tx_int(KC_TYPE_INT32, 7);
    tx_apply(fx, rec);
    assert_string_equal(kc_schema_name(rec->value_schema), "foo");
    assert_int_equal(kc_schema_version(rec->value_schema), 42);
    assert_ptr_equal(rec->value.u.st.schema, rec->value_schema);
    tx_assert_int(tx_field(&rec->value, "f"), KC_TYPE_INT32, 7);
    /* The input schema is unchanged. */
    assert_string_equal(kc_schema_name(vs), "old");
    kc_schema_unref(vs);
}

static void test_set_schema_metadata_errors(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");
    kc_error_t err = {0};

    tx_chain_error(fx,
                   "transforms=s\n"
                   "transforms.s.type=SetSchemaMetadata$Key\n",
                   &err);
    assert_non_null(strstr(err.msg, "Neither schema name nor version "
                                    "configured"));
    tx_chain(fx, "transforms=s\n"
                 "transforms.s.type=SetSchemaMetadata$Value\n"
                 "transforms.s.schema.name=foo\n");
    rec->value = tx_str("x");
    tx_apply_error(fx, rec, &err);
    assert_string_equal(err.msg, "Schema required for "
                                 "[updating schema metadata]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_drop_headers, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_insert_header, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_insert_header_config, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_set_schema_metadata, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_set_schema_metadata_errors,
                                        tx_setup, tx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
