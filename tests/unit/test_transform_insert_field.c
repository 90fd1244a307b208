/* SPDX-License-Identifier: Apache-2.0 */
/*
 * InsertField$Key / $Value, as Apache's InsertFieldTest: derived schema
 * (basics copied, `!`/`?` optionality, Timestamp logical type), cached
 * per input schema; schemaless maps; tombstones; offset needs a sink
 * record.
 */
#include "kc_transform_test.h"

#define TX_CONFIG                                                              \
    "transforms=ins\n"                                                         \
    "transforms.ins.type=org.apache.kafka.connect.transforms."                 \
    "InsertField$Value\n"                                                      \
    "transforms.ins.topic.field=topic_field!\n"                                \
    "transforms.ins.partition.field=partition_field\n"                         \
    "transforms.ins.timestamp.field=timestamp_field?\n"                        \
    "transforms.ins.static.field=instance_id\n"                                \
    "transforms.ins.static.value=my-instance-id\n"

static void test_with_schema(void **state)
{
    tx_fixture_t *fx = *state;
    kc_schema_t *vs = kc_schema_new(KC_TYPE_STRUCT);
    const kc_schema_t *first = NULL;

    kc_schema_set_name(vs, "name");
    kc_schema_set_version(vs, 1);
    kc_schema_set_doc(vs, "doc");
    assert_int_equal(
        kc_schema_add_field_take(vs, "magic",
                                 kc_schema_ref(TX_OPT(KC_TYPE_INT64)), NULL),
        KC_OK);
    tx_chain(fx, TX_CONFIG);
    for (int round = 0; round < 2; round++) {
        kc_record_t *rec = tx_record(fx, "test");
        const kc_schema_t *s;
        const kc_field_t *f;

        rec->partition = 0;
        rec->timestamp = 789;
        rec->value_schema = vs;
        kc_value_set_struct(fx->arena, &rec->value, vs);
        rec->value.u.st.fields[0] = tx_int(KC_TYPE_INT64, 42);
        tx_apply(fx, rec);
        s = rec->value_schema;

        assert_string_equal(kc_schema_name(s), "name");
        assert_int_equal(kc_schema_version(s), 1);
        assert_string_equal(kc_schema_doc(s), "doc");
        assert_int_equal(kc_schema_field_count(s), 5);
        f = kc_schema_field(s, "magic");
        assert_ptr_equal(f->schema, TX_OPT(KC_TYPE_INT64));
        f = kc_schema_field(s, "topic_field");
        assert_int_equal(kc_schema_type(f->schema), KC_TYPE_STRING);
        assert_false(kc_schema_optional(f->schema));
        f = kc_schema_field(s, "partition_field");
        assert_int_equal(kc_schema_type(f->schema), KC_TYPE_INT32);
        assert_true(kc_schema_optional(f->schema));
        f = kc_schema_field(s, "timestamp_field");
        assert_int_equal(kc_schema_logical(f->schema), KC_LOGICAL_TIMESTAMP);
        assert_true(kc_schema_optional(f->schema));
        f = kc_schema_field(s, "instance_id");
        assert_int_equal(kc_schema_type(f->schema), KC_TYPE_STRING);
        assert_true(kc_schema_optional(f->schema));

        tx_assert_int(tx_field(&rec->value, "magic"), KC_TYPE_INT64, 42);
        tx_assert_str(tx_field(&rec->value, "topic_field"), "test");
        tx_assert_int(tx_field(&rec->value, "partition_field"), KC_TYPE_INT32,
                      0);
        assert_int_equal(tx_field(&rec->value, "timestamp_field")->u.i, 789);
        tx_assert_str(tx_field(&rec->value, "instance_id"), "my-instance-id");
        assert_int_equal(kc_value_validate(s, &rec->value, NULL), KC_OK);
        if (round == 0) {
            first = s;
        } else {
            assert_ptr_equal(s, first);
        }
    }
    kc_schema_unref(vs);
}

static void test_schemaless(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "test");
    static const char *const keys[] = {"magic"};
    kc_value_t vals[] = {tx_int(KC_TYPE_INT64, 42)};

    tx_chain(fx, TX_CONFIG);
    rec->partition = 0;
    rec->timestamp = 789;
    rec->value = tx_map(fx, 1, keys, vals);
    tx_apply(fx, rec);
    assert_null(rec->value_schema);
    assert_int_equal(rec->value.u.map.len, 5);
    tx_assert_int(tx_get(&rec->value, "magic"), KC_TYPE_INT64, 42);
    tx_assert_str(tx_get(&rec->value, "topic_field"), "test");
    tx_assert_int(tx_get(&rec->value, "partition_field"), KC_TYPE_INT32, 0);
    tx_assert_int(tx_get(&rec->value, "timestamp_field"), KC_TYPE_INT64, 789);
    tx_assert_str(tx_get(&rec->value, "instance_id"), "my-instance-id");
}

static void test_schemaless_missing_metadata(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "test");
    static const char *const keys[] = {"magic"};
    kc_value_t vals[] = {tx_int(KC_TYPE_INT64, 42)};

    /* No partition and no timestamp: those fields are not put at all. */
    tx_chain(fx, TX_CONFIG);
    rec->value = tx_map(fx, 1, keys, vals);
    tx_apply(fx, rec);
    assert_int_equal(rec->value.u.map.len, 3);
    assert_null(tx_get(&rec->value, "partition_field"));
    assert_null(tx_get(&rec->value, "timestamp_field"));
}

static void test_tombstone_passes(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "test");
    static const char *const names[] = {"magic"};
    const kc_schema_t *types[] = {TX_PRIM(KC_TYPE_INT64)};
    kc_schema_t *vs = tx_struct_schema(NULL, 1, names, types);

    tx_chain(fx, TX_CONFIG);
    tx_apply(fx, rec);
    assert_int_equal(rec->value.type, KC_TYPE_NULL);
    assert_null(rec->value_schema);
    rec->value_schema = vs;
    tx_apply(fx, rec);
    assert_int_equal(rec->value.type, KC_TYPE_NULL);
    assert_ptr_equal(rec->value_schema, vs);
    kc_schema_unref(vs);
}

static void test_struct_required(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "test");
    kc_error_t err = {0};

    tx_chain(fx, TX_CONFIG);
    rec->value_schema = TX_PRIM(KC_TYPE_INT32);
    rec->value = tx_int(KC_TYPE_INT32, 42);
    tx_apply_error(fx, rec, &err);
    assert_string_equal(err.msg, "Only Struct "
                                 "objects supported for [field insertion], "
                                 "found: java.lang.Integer");
}

static void test_offset_needs_sink_record(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *src = tx_record(fx, "test");
    kc_record_t *sink = tx_record(fx, "test");
    static const char *const keys[] = {"magic"};
    kc_value_t vals[] = {tx_int(KC_TYPE_INT64, 42)};
    kc_error_t err = {0};

    tx_chain(fx, "transforms=ins\n"
                 "transforms.ins.type=InsertField$Key\n"
                 "transforms.ins.offset.field=off\n");
    src->key = tx_map(fx, 1, keys, vals);
    tx_apply_error(fx, src, &err);
    assert_string_equal(err.msg, "Only SinkRecord "
                                 "supported for [field insertion], found: "
                                 "org.apache.kafka.connect.source."
                                 "SourceRecord");
    sink->offset = 1234;
    sink->key = tx_map(fx, 1, keys, vals);
    tx_apply(fx, sink);
    tx_assert_int(tx_get(&sink->key, "off"), KC_TYPE_INT64, 1234);
}

static void test_config_errors(void **state)
{
    tx_fixture_t *fx = *state;
    kc_error_t err = {0};

    tx_chain_error(fx,
                   "transforms=ins\n"
                   "transforms.ins.type=InsertField$Value\n"
                   "transforms.ins.static.field=s\n",
                   &err);
    assert_non_null(strstr(err.msg, "No value specified for static field"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_with_schema, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_schemaless, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_schemaless_missing_metadata,
                                        tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_tombstone_passes, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_struct_required, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_offset_needs_sink_record, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_config_errors, tx_setup,
                                        tx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
