/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cast$Key / $Value, as Apache's CastTest: whole-value casts, field casts
 * with a derived schema, Java narrowing and parsing, toString of dates
 * and bytes, and the spec errors.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kc_transform_test.h"

static void cast_chain(tx_fixture_t *fx, const char *side, const char *spec)
{
    char *text = kc_asprintf("transforms=c\n"
                             "transforms.c.type=org.apache.kafka.connect."
                             "transforms.Cast$%s\n"
                             "transforms.c.spec=%s\n",
                             side, spec);

    tx_chain(fx, text);
    kc_free(text);
}

static void test_whole_key_with_schema(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");

    cast_chain(fx, "Key", "int8");
    rec->key_schema = TX_PRIM(KC_TYPE_INT32);
    rec->key = tx_int(KC_TYPE_INT32, 42);
    tx_apply(fx, rec);
    assert_int_equal(kc_schema_type(rec->key_schema), KC_TYPE_INT8);
    tx_assert_int(&rec->key, KC_TYPE_INT8, 42);
}

static void test_whole_value_schemaless(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");

    cast_chain(fx, "Value", "int16");
    rec->value = tx_str("42");
    tx_apply(fx, rec);
    assert_null(rec->value_schema);
    tx_assert_int(&rec->value, KC_TYPE_INT16, 42);

    cast_chain(fx, "Value", "string");
    kc_value_set_float(&rec->value, KC_TYPE_FLOAT64, 1e10);
    tx_apply(fx, rec);
    tx_assert_str(&rec->value, "1.0E10"); /* Double.toString */

    cast_chain(fx, "Value", "boolean");
    rec->value = tx_str("TRUE");
    tx_apply(fx, rec);
    assert_int_equal(rec->value.type, KC_TYPE_BOOLEAN);
    assert_true(rec->value.u.b);
    rec->value = tx_str("yes"); /* Boolean.parseBoolean: not "true" */
    tx_apply(fx, rec);
    assert_false(rec->value.u.b);
}

static void test_narrowing(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");

    cast_chain(fx, "Value", "int8");
    rec->value = tx_int(KC_TYPE_INT32, 300); /* (byte)300 == 44 */
    tx_apply(fx, rec);
    tx_assert_int(&rec->value, KC_TYPE_INT8, 44);

    cast_chain(fx, "Value", "int32");
    kc_value_set_float(&rec->value, KC_TYPE_FLOAT64, 1e10); /* saturates */
    tx_apply(fx, rec);
    tx_assert_int(&rec->value, KC_TYPE_INT32, 2147483647);
    kc_value_set_float(&rec->value, KC_TYPE_FLOAT64, -1.9); /* truncates */
    tx_apply(fx, rec);
    tx_assert_int(&rec->value, KC_TYPE_INT32, -1);
    kc_value_set_bool(&rec->value, true);
    tx_apply(fx, rec);
    tx_assert_int(&rec->value, KC_TYPE_INT32, 1);
}

static void test_out_of_range(void **state)
{
    tx_fixture_t *fx = *state;
    kc_record_t *rec = tx_record(fx, "t");
    kc_error_t err = {0};

    cast_chain(fx, "Value", "int8");
    rec->value = tx_str("999");
    tx_apply_error(fx, rec, &err);
    assert_string_equal(err.msg, "Value (999) was out "
                                 "of range for requested data type");
}

/* Java's \uXXXX escapes (surrogate pairs joined) to UTF-8, in place. */
static void java_unescape(char *s)
{
    char *o = s;

    while (*s != '\0') {
        unsigned long u;
        uint32_t cp;

        if (s[0] != '\\' || s[1] != 'u') {
            *o++ = *s++;
            continue;
        }
        u = strtoul((char[5]){s[2], s[3], s[4], s[5], '\0'}, NULL, 16);
        s += 6;
        cp = (uint32_t)u;
        if (u >= 0xD800 && u < 0xDC00 && s[0] == '\\' && s[1] == 'u') {
            unsigned long lo =
                strtoul((char[5]){s[2], s[3], s[4], s[5], '\0'}, NULL, 16);

            cp = 0x10000 + (((uint32_t)u - 0xD800) << 10) +
                 ((uint32_t)lo - 0xDC00);
            s += 6;
        }
        if (cp < 0x80) {
            *o++ = (char)cp;
        } else if (cp < 0x800) {
            *o++ = (char)(0xC0 | cp >> 6);
            *o++ = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            *o++ = (char)(0xE0 | cp >> 12);
            *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
            *o++ = (char)(0x80 | (cp & 0x3F));
        } else {
            *o++ = (char)(0xF0 | cp >> 18);
            *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
            *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
            *o++ = (char)(0x80 | (cp & 0x3F));
        }
    }
    *o = '\0';
}

/*
 * Integer.parseInt and friends read every decimal digit Character.digit
 * knows (fullwidth, Arabic-Indic, Devanagari, ...), Float.parseFloat only
 * ASCII. Expected: tests/golden/java_digits/cast_golden.tsv, Apache's
 * Cast$Value on each string (GenCastDigits.java).
 */
static void test_non_ascii_digits_parse_as_java(void **state)
{
    tx_fixture_t *fx = *state;
    FILE *fp =
        fopen(KC_SOURCE_DIR "/tests/golden/java_digits/cast_golden.tsv", "r");
    char line[512];
    size_t cases = 0;

    assert_non_null(fp);
    while (fgets(line, sizeof(line), fp) != NULL) {
        char *type;
        char *expected;
        kc_record_t *rec = tx_record(fx, "t");
        kc_error_t err = {0};

        line[strcspn(line, "\n")] = '\0';
        type = strchr(line, '\t');
        assert_non_null(type);
        *type++ = '\0';
        expected = strchr(type, '\t');
        assert_non_null(expected);
        *expected++ = '\0';
        java_unescape(line);
        java_unescape(expected);
        cast_chain(fx, "Value", type);
        rec->value = tx_str(line);
        if (strncmp(expected, "ERR ", 4) == 0) {
            /* Apache's text, unprefixed: the chain records the alias. */
            tx_apply_error(fx, rec, &err);
            assert_string_equal(err.msg, expected + 4);
        } else {
            char *end = NULL;

            tx_apply(fx, rec);
            assert_true(rec->value.type >= KC_TYPE_INT8 &&
                        rec->value.type <= KC_TYPE_INT64);
            assert_int_equal(rec->value.u.i, strtoll(expected, &end, 10));
            assert_true(*end == '\0');
        }
        cases++;
    }
    fclose(fp);
    assert_true(cases > 100);
}

static void test_fields_with_schema(void **state)
{
    tx_fixture_t *fx = *state;
    static const char *const names[] = {
        "int8",    "int16",  "int32", "int64", "float32", "float64",
        "boolean", "string", "ts",    "bytes", "other"};
    kc_schema_t *ts = kc_schema_timestamp_new();
    const kc_schema_t *types[] = {TX_PRIM(KC_TYPE_INT8),
                                  TX_PRIM(KC_TYPE_INT16),
                                  TX_PRIM(KC_TYPE_INT32),
                                  TX_OPT(KC_TYPE_INT64),
                                  TX_PRIM(KC_TYPE_FLOAT32),
                                  TX_PRIM(KC_TYPE_FLOAT64),
                                  TX_PRIM(KC_TYPE_BOOLEAN),
                                  TX_PRIM(KC_TYPE_STRING),
                                  ts,
                                  TX_PRIM(KC_TYPE_BYTES),
                                  TX_PRIM(KC_TYPE_STRING)};
    kc_schema_t *vs = tx_struct_schema("s", 11, names, types);
    kc_record_t *rec = tx_record(fx, "t");
    static const uint8_t raw[] = {1, 2, 3};
    kc_value_t *f;
    const kc_schema_t *s;

    cast_chain(fx, "Value",
               "int8:int16,int16:int32,int32:int64,int64:boolean,"
               "float32:float64,float64:boolean,boolean:int8,string:int32,"
               "ts:string,bytes:string");
    rec->value_schema = vs;
    kc_value_set_struct(fx->arena, &rec->value, vs);
    f = rec->value.u.st.fields;
    f[0] = tx_int(KC_TYPE_INT8, 8);
    f[1] = tx_int(KC_TYPE_INT16, 16);
    f[2] = tx_int(KC_TYPE_INT32, 32);
    f[3] = tx_int(KC_TYPE_INT64, 64);
    kc_value_set_float(&f[4], KC_TYPE_FLOAT32, 32.f);
    kc_value_set_float(&f[5], KC_TYPE_FLOAT64, -64.);
    kc_value_set_bool(&f[6], true);
    f[7] = tx_str("42");
    f[8] = tx_int(KC_TYPE_INT64, 1483425001864LL);
    kc_value_set_bytes(fx->arena, &f[9], raw, sizeof(raw));
    f[10] = tx_str("unchanged");
    tx_apply(fx, rec);
    s = rec->value_schema;

    assert_string_equal(kc_schema_name(s), "s");
    assert_int_equal(kc_schema_type(kc_schema_field(s, "int8")->schema),
                     KC_TYPE_INT16);
    assert_int_equal(kc_schema_type(kc_schema_field(s, "int64")->schema),
                     KC_TYPE_BOOLEAN);
    /* Optionality of a cast field is kept. */
    assert_true(kc_schema_optional(kc_schema_field(s, "int64")->schema));
    assert_false(kc_schema_optional(kc_schema_field(s, "int8")->schema));
    assert_int_equal(kc_schema_type(kc_schema_field(s, "ts")->schema),
                     KC_TYPE_STRING);
    assert_ptr_equal(kc_schema_field(s, "other")->schema,
                     TX_PRIM(KC_TYPE_STRING));

    tx_assert_int(tx_field(&rec->value, "int8"), KC_TYPE_INT16, 8);
    tx_assert_int(tx_field(&rec->value, "int16"), KC_TYPE_INT32, 16);
    tx_assert_int(tx_field(&rec->value, "int32"), KC_TYPE_INT64, 32);
    assert_true(tx_field(&rec->value, "int64")->u.b);
    assert_int_equal(tx_field(&rec->value, "float32")->type, KC_TYPE_FLOAT64);
    assert_true(tx_field(&rec->value, "float32")->u.f == 32.0);
    assert_true(tx_field(&rec->value, "float64")->u.b);
    tx_assert_int(tx_field(&rec->value, "boolean"), KC_TYPE_INT8, 1);
    tx_assert_int(tx_field(&rec->value, "string"), KC_TYPE_INT32, 42);
    tx_assert_str(tx_field(&rec->value, "ts"), "2017-01-03T06:30:01.864Z");
    tx_assert_str(tx_field(&rec->value, "bytes"), "AQID");
    tx_assert_str(tx_field(&rec->value, "other"), "unchanged");
    assert_int_equal(kc_value_validate(s, &rec->value, NULL), KC_OK);
    kc_schema_unref(vs);
    kc_schema_unref(ts);
}

/*
 * Date/Time/Timestamp to string as Java's Cast does it (Values.
 * dateFormatFor): the expected text of every instant is what the JDK and
 * Apache's Values printed, tests/golden/date_format/expected.tsv ("C"
 * lines). Below one day after the epoch, negative instants included, Java
 * prints the time only; old dates are Julian.
 */
static void test_date_to_string_as_java_values(void **state)
{
    tx_fixture_t *fx = *state;
    static const char *const names[] = {"ts"};
    kc_schema_t *ts = kc_schema_timestamp_new();
    const kc_schema_t *types[] = {ts};
    kc_schema_t *vs = tx_struct_schema("s", 1, names, types);
    FILE *fp =
        fopen(KC_SOURCE_DIR "/tests/golden/date_format/expected.tsv", "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int checked = 0;
    int failed = 0;

    assert_non_null(fp);
    cast_chain(fx, "Value", "ts:string");
    while ((n = getline(&line, &cap, fp)) >= 0) {
        kc_record_t *rec;
        char *expected;
        const kc_value_t *out;

        if (n > 0 && line[n - 1] == '\n') {
            line[--n] = '\0';
        }
        if (strncmp(line, "C\t", 2) != 0) {
            continue;
        }
        expected = strchr(line + 2, '\t') + 1;
        rec = tx_record(fx, "t");
        rec->value_schema = vs;
        kc_value_set_struct(fx->arena, &rec->value, vs);
        rec->value.u.st.fields[0] =
            tx_int(KC_TYPE_INT64, strtoll(line + 2, NULL, 10));
        tx_apply(fx, rec);
        out = tx_field(&rec->value, "ts");
        if (out->type != KC_TYPE_STRING || out->u.str.len != strlen(expected) ||
            memcmp(out->u.str.data, expected, out->u.str.len) != 0) {
            print_error("cast of %.*s: Java [%s], kconnect [%.*s]\n",
                        (int)(strchr(line + 2, '\t') - line - 2), line + 2,
                        expected, (int)out->u.str.len, out->u.str.data);
            failed++;
        }
        checked++;
    }
    free(line); /* getline's buffer comes from the C allocator */
    fclose(fp);
    assert_true(checked > 40);
    assert_int_equal(failed, 0);
    kc_schema_unref(vs);
    kc_schema_unref(ts);
}

static void test_cast_from_unsupported(void **state)
{
    tx_fixture_t *fx = *state;
    kc_schema_t *arr = kc_schema_new(KC_TYPE_ARRAY);
    kc_record_t *rec = tx_record(fx, "t");
    kc_error_t err = {0};

    kc_schema_set_items_take(arr, kc_schema_ref(TX_PRIM(KC_TYPE_INT32)));
    cast_chain(fx, "Value", "string");
    rec->value_schema = arr;
    kc_value_set_array(fx->arena, &rec->value, 0);
    tx_apply_error(fx, rec, &err);
    assert_string_equal(err.msg,
                        "Cast transformation does "
                        "not support casting from ARRAY; supported types are "
                        "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, "
                        "BOOLEAN, STRING, BYTES]");
    kc_schema_unref(arr);
}

static void test_spec_errors(void **state)
{
    tx_fixture_t *fx = *state;
    kc_error_t err = {0};

    tx_chain_error(fx,
                   "transforms=c\ntransforms.c.type=Cast$Value\n"
                   "transforms.c.spec=foo:bytes\n",
                   &err);
    assert_non_null(strstr(err.msg, "Cast transformation does not support "
                                    "casting to BYTES; supported types are "
                                    "[INT8, INT16, INT32, INT64, FLOAT32, "
                                    "FLOAT64, BOOLEAN, STRING]"));
    tx_chain_error(fx,
                   "transforms=c\ntransforms.c.type=Cast$Value\n"
                   "transforms.c.spec=foo:nope\n",
                   &err);
    assert_non_null(strstr(err.msg, "Invalid type found in casting spec: "
                                    "nope"));
    tx_chain_error(fx,
                   "transforms=c\ntransforms.c.type=Cast$Value\n"
                   "transforms.c.spec=int8,foo:int16\n",
                   &err);
    assert_non_null(strstr(err.msg, "may only specify a single cast in their "
                                    "spec"));
    tx_chain_error(fx,
                   "transforms=c\ntransforms.c.type=Cast$Value\n"
                   "transforms.c.spec=\n",
                   &err);
    assert_non_null(strstr(err.msg, "Must specify at least one field to "
                                    "cast."));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_whole_key_with_schema, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_whole_value_schemaless, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_narrowing, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_out_of_range, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_non_ascii_digits_parse_as_java,
                                        tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_fields_with_schema, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_date_to_string_as_java_values,
                                        tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_cast_from_unsupported, tx_setup,
                                        tx_teardown),
        cmocka_unit_test_setup_teardown(test_spec_errors, tx_setup,
                                        tx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
