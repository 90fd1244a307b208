/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TimestampConverter$Key / $Value, as Apache's TimestampConverterTest:
 * 86401000 ms is 1970-01-02T00:00:01Z (day 1 plus one second).
 */
#include "kc_transform_test.h"

#define TS_FMT "yyyy-MM-dd HH:mm:ss.SSS"

static void ts_chain(tx_fixture_t *fx, const char *extra)
{
    char *text = kc_asprintf("transforms=ts\n"
                             "transforms.ts.type=org.apache.kafka.connect."
                             "transforms.TimestampConverter$Value\n"
                             "transforms.ts.format=" TS_FMT "\n%s",
                             extra);

    tx_chain(fx, text);
    kc_free(text);
}

static void test_schemaless(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");

    ts_chain(fx, "transforms.ts.target.type=string\n");
    rec->value = tx_int(KC_TYPE_INT64, 86401000);
    tx_apply(fx, rec);
    tx_assert_str(&rec->value, "1970-01-02 00:00:01.000");

    ts_chain(fx, "transforms.ts.target.type=unix\n"
                 "transforms.ts.unix.precision=seconds\n");
    tx_apply(fx, rec);
    tx_assert_int(&rec->value, KC_TYPE_INT64, 86401);

    /* Lenient parsing: month 13 is January of the next year. */
    ts_chain(fx, "transforms.ts.target.type=unix\n");
    rec->value = tx_str("1970-13-01 00:00:00.000");
    tx_apply(fx, rec);
    tx_assert_int(&rec->value, KC_TYPE_INT64, 31536000000LL);
}

static void test_schemaless_field(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");
    static const char *const keys[] = {"ts", "other"};
    kc_value_t vals[] = {tx_str("1970-01-02 00:00:01.000"), tx_str("o")};

    ts_chain(fx, "transforms.ts.target.type=unix\n"
                 "transforms.ts.unix.precision=microseconds\n"
                 "transforms.ts.field=ts\n");
    rec->value = tx_map(fx, 2, keys, vals);
    tx_apply(fx, rec);
    tx_assert_int(tx_get(&rec->value, "ts"), KC_TYPE_INT64, 86401000000LL);
    tx_assert_str(tx_get(&rec->value, "other"), "o");
}

static void test_with_schema_whole(void **state)
{
    tx_fixture_t *fx = *state;
    kc_schema_t *ts = kc_schema_timestamp_new();
    kc_record_t *rec = tx_record(fx, "t");

    ts_chain(fx, "transforms.ts.target.type=Date\n");
    rec->value_schema = ts;
    rec->value = tx_int(KC_TYPE_INT64, 86401000);
    tx_apply(fx, rec);
    assert_int_equal(kc_schema_logical(rec->value_schema), KC_LOGICAL_DATE);
    tx_assert_int(&rec->value, KC_TYPE_INT32, 1);

    ts_chain(fx, "transforms.ts.target.type=Time\n");
    rec->value_schema = ts;
    rec->value = tx_int(KC_TYPE_INT64, 86401000);
    tx_apply(fx, rec);
    assert_int_equal(kc_schema_logical(rec->value_schema), KC_LOGICAL_TIME);
    tx_assert_int(&rec->value, KC_TYPE_INT32, 1000);

    /* Time in (1000 ms after midnight), Timestamp out: epoch + 1 s. */
    ts_chain(fx, "transforms.ts.target.type=Timestamp\n");
    tx_apply(fx, rec);
    tx_assert_int(&rec->value, KC_TYPE_INT64, 1000);
    kc_schema_unref(ts);
}

static void test_with_schema_field(void **state)
{
    tx_fixture_t *fx = *state;
    kc_schema_t *ts = kc_schema_timestamp_new();
    static const char *const names[] = {"ts", "other"};
    const kc_schema_t *types[2];
    kc_schema_t *vs;
    kc_record_t *rec = tx_record(fx, "t");
    const kc_field_t *f;

    types[0] = ts;
    types[1] = TX_PRIM(KC_TYPE_STRING);
    vs = tx_struct_schema("v", 2, names, types);
    ts_chain(fx, "transforms.ts.target.type=string\n"
                 "transforms.ts.field=ts\n");
    rec->value_schema = vs;
    kc_value_set_struct(fx->arena, &rec->value, vs);
    rec->value.u.st.fields[0] = tx_int(KC_TYPE_INT64, 86401000);
    rec->value.u.st.fields[1] = tx_str("o");
    tx_apply(fx, rec);
    f = kc_schema_field(rec->value_schema, "ts");
    assert_int_equal(kc_schema_type(f->schema), KC_TYPE_STRING);
    assert_string_equal(kc_schema_name(rec->value_schema), "v");
    tx_assert_str(tx_field(&rec->value, "ts"), "1970-01-02 00:00:01.000");
    tx_assert_str(tx_field(&rec->value, "other"), "o");
    kc_schema_unref(vs);
    kc_schema_unref(ts);
}

static void test_zones(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");

    tx_chain(fx, "transforms=ts\n"
                 "transforms.ts.type=TimestampConverter$Value\n"
                 "transforms.ts.format=yyyy-MM-dd'T'HH:mm:ss.SSSZ\n"
                 "transforms.ts.target.type=string\n");
    rec->value = tx_int(KC_TYPE_INT64, 86401000);
    tx_apply(fx, rec);
    tx_assert_str(&rec->value, "1970-01-02T00:00:01.000+0000");

    /* Parsing honours the offset: 01:00:01+0100 is 00:00:01 UTC. */
    tx_chain(fx, "transforms=ts\n"
                 "transforms.ts.type=TimestampConverter$Value\n"
                 "transforms.ts.format=yyyy-MM-dd'T'HH:mm:ss.SSSXXX\n"
                 "transforms.ts.target.type=unix\n");
    rec->value = tx_str("1970-01-02T01:00:01.000+01:00");
    tx_apply(fx, rec);
    tx_assert_int(&rec->value, KC_TYPE_INT64, 86401000);
    rec->value = tx_str("1970-01-02T00:00:01.000Z");
    tx_apply(fx, rec);
    tx_assert_int(&rec->value, KC_TYPE_INT64, 86401000);
}

static void test_errors(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");
    kc_error_t err = {0};

    tx_chain_error(fx,
                   "transforms=ts\n"
                   "transforms.ts.type=TimestampConverter$Value\n"
                   "transforms.ts.target.type=string\n",
                   &err);
    assert_non_null(strstr(err.msg, "TimestampConverter requires format "
                                    "option to be specified when using "
                                    "string timestamps"));
    tx_chain_error(fx,
                   "transforms=ts\n"
                   "transforms.ts.type=TimestampConverter$Value\n"
                   "transforms.ts.target.type=date\n",
                   &err);
    assert_non_null(strstr(err.msg, "transforms.ts.target.type"));

    ts_chain(fx, "transforms.ts.target.type=unix\n");
    rec->value = tx_str("nope");
    tx_apply_error(fx, rec, &err);
    assert_string_equal(err.msg, "Could not parse "
                                 "timestamp: value (nope) does not match "
                                 "pattern (" TS_FMT ")");
    rec->value = tx_int(KC_TYPE_INT32, 5);
    tx_apply_error(fx, rec, &err);
    assert_string_equal(err.msg, "TimestampConverter "
                                 "does not support class java.lang.Integer "
                                 "objects as timestamps");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_schemaless, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_schemaless_field, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_with_schema_whole, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_with_schema_field, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_zones, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_errors, tx_setup, tx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
