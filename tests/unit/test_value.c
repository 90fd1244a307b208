/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/data: values (kc_value.c), validation paths, decimals
 * (kc_decimal.c), records and batches (kc_record.c), base64 and Java's
 * number text (kc_base64.c, kc_java_number.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "kc_internal.h"

#include <math.h>

#include "data/kc_base64.h"
#include "data/kc_decimal.h"
#include "data/kc_java_number.h"

/*
 * A copy keeps what the flags say about the Java object: a Decimal's own
 * scale (1.5 read for a scale-2 schema stays 1.5, and equals only 1.5)
 * and a LinkedHashMap's order.
 */
static void test_copy_keeps_decimal_scale_and_linked_map(void **state)
{
    kc_arena_t *arena = kc_arena_new(0);
    kc_value_t d;
    kc_value_t m;
    kc_value_t copy;
    static const uint8_t fifteen = 15;

    (void)state;
    kc_value_set_bytes(arena, &d, &fifteen, 1);
    kc_value_set_decimal_scale(&d, 1, 2);
    kc_value_copy(arena, &copy, &d);
    assert_true(copy.flags & KC_VALUE_F_SCALE);
    assert_int_equal(copy.u.bytes.scale, 1);
    assert_true(kc_value_equals(&d, &copy));
    /* 1.5 is not 0.15 (the same bytes at the schema's scale). */
    kc_value_set_bytes(arena, &copy, &fifteen, 1);
    assert_false(kc_value_equals(&d, &copy));

    kc_value_set_map(arena, &m, 1);
    kc_value_set_string(arena, &m.u.map.keys[0], "k", 1);
    m.flags |= KC_VALUE_F_LINKED;
    kc_value_copy(arena, &copy, &m);
    assert_true(copy.flags & KC_VALUE_F_LINKED);
    kc_arena_destroy(arena);
}

static void test_scalars_and_strings(void **state)
{
    kc_arena_t *arena = kc_arena_new(0);
    kc_value_t *v = kc_value_new(arena);
    char src[] = "hello";

    (void)state;
    assert_int_equal(v->type, KC_TYPE_NULL);
    kc_value_set_int(v, KC_TYPE_INT16, -7);
    assert_int_equal(v->type, KC_TYPE_INT16);
    assert_int_equal(v->u.i, -7);
    /* FLOAT32 values are kept at float precision. */
    kc_value_set_float(v, KC_TYPE_FLOAT32, 0.1);
    assert_true(v->u.f == (double)0.1f);
    kc_value_set_string(arena, v, src, 5);
    src[0] = 'j';
    assert_int_equal(v->u.str.len, 5);
    assert_string_equal(v->u.str.data, "hello"); /* copied, NUL-ended */
    kc_value_set_string_ref(v, src, 5);
    assert_ptr_equal(v->u.str.data, src);
    kc_value_set_bytes(arena, v, (const uint8_t *)"\0\1", 2);
    assert_int_equal(v->type, KC_TYPE_BYTES);
    assert_int_equal(v->u.bytes.len, 2);
    assert_int_equal(v->u.bytes.data[1], 1);
    kc_value_set_null(v);
    assert_int_equal(v->type, KC_TYPE_NULL);
    kc_arena_destroy(arena);
}

static kc_schema_t *address_person(kc_schema_t **address_out)
{
    kc_schema_t *address = kc_schema_new(KC_TYPE_STRUCT);
    kc_schema_t *person = kc_schema_new(KC_TYPE_STRUCT);
    kc_schema_t *tags = kc_schema_new(KC_TYPE_ARRAY);

    kc_schema_add_field_take(
        address, "zip",
        kc_schema_ref(kc_schema_primitive(KC_TYPE_INT32, false)), NULL);
    kc_schema_set_items_take(
        tags, kc_schema_ref(kc_schema_primitive(KC_TYPE_STRING, false)));
    kc_schema_add_field_take(
        person, "name",
        kc_schema_ref(kc_schema_primitive(KC_TYPE_STRING, true)), NULL);
    kc_schema_add_field_take(person, "address", address, NULL);
    kc_schema_add_field_take(person, "tags", tags, NULL);
    *address_out = address;
    return person;
}

static void test_struct_map_access_copy_equals(void **state)
{
    kc_arena_t *arena = kc_arena_new(0);
    kc_arena_t *arena2 = kc_arena_new(0);
    kc_schema_t *address;
    kc_schema_t *person = address_person(&address);
    kc_value_t v;
    kc_value_t copy;
    kc_value_t m;

    (void)state;
    kc_value_set_struct(arena, &v, person);
    kc_value_set_string(arena, kc_value_struct_get(&v, "name"), "Ann", 3);
    kc_value_set_struct(arena, kc_value_struct_get(&v, "address"), address);
    kc_value_set_int(
        kc_value_struct_get(kc_value_struct_get(&v, "address"), "zip"),
        KC_TYPE_INT32, 12345);
    kc_value_set_array(arena, kc_value_struct_get(&v, "tags"), 2);
    kc_value_set_string(arena, &v.u.st.fields[2].u.array.items[0], "a", 1);
    kc_value_set_string(arena, &v.u.st.fields[2].u.array.items[1], "b", 1);
    assert_null(kc_value_struct_get(&v, "nope"));
    assert_int_equal(v.u.st.fields[1].u.st.fields[0].u.i, 12345);

    kc_value_copy(arena2, &copy, &v);
    assert_true(kc_value_equals(&v, &copy));
    /* Deep: changing the original leaves the copy alone. */
    v.u.st.fields[1].u.st.fields[0].u.i = 1;
    assert_false(kc_value_equals(&v, &copy));
    assert_int_equal(copy.u.st.fields[1].u.st.fields[0].u.i, 12345);
    kc_arena_destroy(arena);
    assert_string_equal(copy.u.st.fields[2].u.array.items[1].u.str.data, "b");

    kc_value_set_map(arena2, &m, 2);
    kc_value_set_string(arena2, &m.u.map.keys[0], "k1", 2);
    kc_value_set_int(&m.u.map.values[0], KC_TYPE_INT64, 1);
    kc_value_set_int(&m.u.map.keys[1], KC_TYPE_INT32, 2);
    assert_int_equal(kc_value_map_get(&m, "k1")->u.i, 1);
    assert_null(kc_value_map_get(&m, "k"));
    assert_null(kc_value_map_get(&copy, "k1")); /* not a map */
    kc_schema_unref(person);
    kc_arena_destroy(arena2);
}

static void test_equals_floats(void **state)
{
    kc_value_t a;
    kc_value_t b;

    (void)state;
    kc_value_set_float(&a, KC_TYPE_FLOAT64, NAN);
    kc_value_set_float(&b, KC_TYPE_FLOAT64, NAN);
    assert_true(kc_value_equals(&a, &b));
    kc_value_set_float(&b, KC_TYPE_FLOAT64, 1.0);
    assert_false(kc_value_equals(&a, &b));
    kc_value_set_float(&a, KC_TYPE_FLOAT32, 1.0);
    assert_false(kc_value_equals(&a, &b)); /* type differs */
    kc_value_set_int(&a, KC_TYPE_INT32, 1);
    kc_value_set_int(&b, KC_TYPE_INT64, 1);
    assert_false(kc_value_equals(&a, &b));
}

static void test_validate_names_the_path(void **state)
{
    kc_arena_t *arena = kc_arena_new(0);
    kc_schema_t *address;
    kc_schema_t *person = address_person(&address);
    kc_schema_t *other = kc_schema_new(KC_TYPE_STRUCT);
    kc_value_t v;
    kc_error_t err;

    (void)state;
    kc_value_set_struct(arena, &v, person);
    kc_value_set_struct(arena, &v.u.st.fields[1], address);
    kc_value_set_string(arena, &v.u.st.fields[1].u.st.fields[0], "x", 1);
    kc_value_set_array(arena, &v.u.st.fields[2], 0);
    assert_int_equal(kc_value_validate(person, &v, &err), KC_ERR_INVALID);
    assert_string_equal(err.msg,
                        "field \"address.zip\": expected INT32, got STRING");

    kc_value_set_int(&v.u.st.fields[1].u.st.fields[0], KC_TYPE_INT32, 1);
    kc_value_set_array(arena, &v.u.st.fields[2], 2);
    kc_value_set_string(arena, &v.u.st.fields[2].u.array.items[0], "a", 1);
    assert_int_equal(kc_value_validate(person, &v, &err), KC_ERR_INVALID);
    assert_string_equal(err.msg,
                        "field \"tags[1]\": null used for required field of "
                        "type STRING");

    kc_value_set_string(arena, &v.u.st.fields[2].u.array.items[1], "b", 1);
    assert_int_equal(kc_value_validate(person, &v, &err), KC_OK);
    /* The optional "name" was null all along. */
    assert_int_equal(v.u.st.fields[0].type, KC_TYPE_NULL);

    kc_value_set_int(&v.u.st.fields[1].u.st.fields[0], KC_TYPE_INT32,
                     (int64_t)INT32_MAX + 1);
    assert_int_equal(kc_value_validate(person, &v, &err), KC_ERR_INVALID);
    assert_string_equal(err.msg,
                        "field \"address.zip\": INT32 value out of range");

    /* A struct of another schema is refused. */
    kc_value_set_struct(arena, &v.u.st.fields[1], other);
    assert_int_equal(kc_value_validate(person, &v, &err), KC_ERR_INVALID);
    assert_string_equal(err.msg,
                        "field \"address\": struct schemas do not match");

    /* Top level: no path; schemaless accepts anything. */
    kc_value_set_bool(&v, true);
    assert_int_equal(kc_value_validate(person, &v, &err), KC_ERR_INVALID);
    assert_string_equal(err.msg, "expected STRUCT, got BOOLEAN");
    assert_int_equal(kc_value_validate(NULL, &v, &err), KC_OK);
    kc_schema_unref(person);
    kc_schema_unref(other);
    kc_arena_destroy(arena);
}

static void test_validate_map_paths(void **state)
{
    kc_arena_t *arena = kc_arena_new(0);
    kc_schema_t *map = kc_schema_new(KC_TYPE_MAP);
    kc_value_t v;
    kc_error_t err;

    (void)state;
    kc_schema_set_map_take(
        map, kc_schema_ref(kc_schema_primitive(KC_TYPE_STRING, false)),
        kc_schema_ref(kc_schema_primitive(KC_TYPE_INT8, false)));
    kc_value_set_map(arena, &v, 1);
    kc_value_set_string(arena, &v.u.map.keys[0], "k", 1);
    kc_value_set_int(&v.u.map.values[0], KC_TYPE_INT8, 200);
    assert_int_equal(kc_value_validate(map, &v, &err), KC_ERR_INVALID);
    assert_string_equal(err.msg, "field \"value[0]\": INT8 value out of range");
    kc_value_set_int(&v.u.map.keys[0], KC_TYPE_INT8, 1);
    assert_int_equal(kc_value_validate(map, &v, &err), KC_ERR_INVALID);
    assert_string_equal(err.msg, "field \"key[0]\": expected STRING, got INT8");
    kc_schema_unref(map);
    kc_arena_destroy(arena);
}

static void check_decimal_text(const uint8_t *b, size_t n, int32_t scale,
                               const char *plain, const char *java)
{
    kc_buf_t out;

    kc_buf_init(&out, 0);
    assert_int_equal(kc_decimal_to_string(b, n, scale, &out), KC_OK);
    assert_string_equal(kc_buf_cstr(&out), plain);
    kc_buf_reset(&out);
    assert_int_equal(kc_decimal_to_java_string(b, n, scale, &out), KC_OK);
    assert_string_equal(kc_buf_cstr(&out), java);
    kc_buf_release(&out);
}

static void test_decimal_to_text(void **state)
{
    static const uint8_t v102345[] = {0x01, 0x8F, 0xC9};
    static const uint8_t vm12345[] = {0xCF, 0xC7};
    static const uint8_t v12[] = {0x0C};
    static const uint8_t v0[] = {0x00};
    static const uint8_t v42[] = {0x2A};
    static const uint8_t vm1[] = {0xFF};
    static const uint8_t vbig[] = {0x00, 0xAB, 0x54, 0xA9, 0x8C,
                                   0xEB, 0x1F, 0x0A, 0xD2};

    (void)state;
    check_decimal_text(v102345, 3, 4, "10.2345", "10.2345");
    check_decimal_text(vm12345, 2, 2, "-123.45", "-123.45");
    check_decimal_text(v12, 1, 10, "0.0000000012", "1.2E-9");
    check_decimal_text(v0, 1, 7, "0.0000000", "0E-7");
    check_decimal_text(v42, 1, -3, "42000", "4.2E+4");
    check_decimal_text(vm1, 1, 0, "-1", "-1");
    check_decimal_text(vbig, 9, 0, "12345678901234567890",
                       "12345678901234567890");
    check_decimal_text(vbig, 9, 5, "123456789012345.67890",
                       "123456789012345.67890");
}

static void check_decimal_parse(const char *text, int32_t scale,
                                const uint8_t *want, size_t want_len)
{
    kc_arena_t *arena = kc_arena_new(0);
    const uint8_t *b;
    size_t n;
    kc_error_t err;

    assert_int_equal(
        kc_decimal_from_string(arena, text, strlen(text), scale, &b, &n, &err),
        KC_OK);
    assert_int_equal(n, want_len);
    assert_memory_equal(b, want, want_len);
    kc_arena_destroy(arena);
}

static void test_decimal_from_text(void **state)
{
    static const uint8_t vm12345[] = {0xCF, 0xC7};
    static const uint8_t v150[] = {0x00, 0x96};
    static const uint8_t v0[] = {0x00};
    static const uint8_t vm128[] = {0x80};
    static const uint8_t v128[] = {0x00, 0x80};
    static const uint8_t vbig[] = {0x00, 0xAB, 0x54, 0xA9, 0x8C,
                                   0xEB, 0x1F, 0x0A, 0xD2};
    kc_arena_t *arena = kc_arena_new(0);
    const uint8_t *b;
    size_t n;
    kc_error_t err;

    (void)state;
    check_decimal_parse("-123.45", 2, vm12345, 2);
    check_decimal_parse("-123.4500", 2, vm12345, 2);
    check_decimal_parse("1.5e2", 0, v150, 2);
    check_decimal_parse("15E+1", 0, v150, 2);
    check_decimal_parse("1.50", 2, v150, 2);
    check_decimal_parse("0", 3, v0, 1);
    check_decimal_parse("-0.000", 3, v0, 1);
    check_decimal_parse("-128", 0, vm128, 1);
    check_decimal_parse("128", 0, v128, 2);
    check_decimal_parse("12345678901234567890", 0, vbig, 9);
    check_decimal_parse("1234567890123456789E1", 0, vbig, 9);
    /* Exponent and scale far apart from zero but cancelling out: what the
     * writer makes of a Decimal with a scale near INT32_MAX (found by
     * fuzz_json_converter). */
    check_decimal_parse("1.50E-523876820", 523876822, v150, 2);
    check_decimal_parse("15E+2147483647", -2147483646, v150, 2);
    /* Zero with a huge exponent is zero; the magnitude buffer was sized by
     * the exponent, a terabyte (found by fuzz_json_converter). */
    check_decimal_parse("-0e0000000000000200000000001868835992", 10, v0, 1);
    check_decimal_parse("0.000E+99999999999999999", 2147483647, v0, 1);
    {
        /* Texts and magnitudes longer than the parser's stack buffers:
         * 10^129 and its negation (BigInteger.toByteArray bytes). */
        static const uint8_t p129[] = {
            0x17, 0x15, 0x1b, 0x37, 0x7c, 0x24, 0x7e, 0x02, 0xf7, 0x01, 0x60,
            0x08, 0xe8, 0x8b, 0xa8, 0x30, 0x98, 0x58, 0x46, 0x1f, 0x9b, 0x39,
            0x62, 0x90, 0xe9, 0xd6, 0x96, 0xd4, 0x39, 0xe2, 0x26, 0xbb, 0xfa,
            0x5b, 0xd1, 0xd4, 0x6c, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
        static const uint8_t m129[] = {
            0xe8, 0xea, 0xe4, 0xc8, 0x83, 0xdb, 0x81, 0xfd, 0x08, 0xfe, 0x9f,
            0xf7, 0x17, 0x74, 0x57, 0xcf, 0x67, 0xa7, 0xb9, 0xe0, 0x64, 0xc6,
            0x9d, 0x6f, 0x16, 0x29, 0x69, 0x2b, 0xc6, 0x1d, 0xd9, 0x44, 0x05,
            0xa4, 0x2e, 0x2b, 0x93, 0xf6, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
        char text[80];

        memset(text, '0', sizeof(text));
        text[0] = '1';
        text[70] = '\0';
        check_decimal_parse(text, 60, p129, sizeof(p129));
        memmove(text + 1, text, 71);
        text[0] = '-';
        check_decimal_parse(text, 60, m129, sizeof(m129));
    }
    assert_int_equal(kc_decimal_from_string(arena, "1.25", 4, 1, &b, &n, &err),
                     KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "without rounding"));
    assert_int_equal(kc_decimal_from_string(arena, "12a", 3, 1, &b, &n, &err),
                     KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "not a number"));
    assert_int_equal(kc_decimal_from_string(arena, "", 0, 1, &b, &n, &err),
                     KC_ERR_INVALID);
    assert_int_equal(kc_decimal_from_string(arena, "1e", 2, 1, &b, &n, &err),
                     KC_ERR_INVALID);
    assert_int_equal(kc_decimal_from_string(arena, "1.5E-99999999999999", 19,
                                            2147483647, &b, &n, &err),
                     KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "without rounding"));
    kc_arena_destroy(arena);
}

static void test_records_and_batches(void **state)
{
    kc_batch_t batch;
    kc_record_t *rec;
    kc_value_t hv;
    char key[16];

    (void)state;
    kc_batch_init(&batch);
    for (int i = 0; i < 100; i++) {
        rec = kc_batch_add(&batch);
        assert_int_equal(rec->partition, -1);
        assert_int_equal(rec->offset, -1);
        assert_int_equal(rec->timestamp, -1);
        assert_int_equal(rec->key.type, KC_TYPE_NULL);
        assert_int_equal(rec->source_offset.type, KC_TYPE_NULL);
        assert_int_equal(rec->header_count, 0);
    }
    assert_int_equal(batch.len, 100);
    rec = batch.records[42];
    for (int i = 0; i < 10; i++) {
        snprintf(key, sizeof(key), "h%d", i);
        kc_value_set_int(&hv, KC_TYPE_INT32, i);
        kc_record_add_header(batch.arena, rec, key,
                             kc_schema_primitive(KC_TYPE_INT32, false), &hv);
    }
    kc_record_add_header(batch.arena, rec, "null", NULL, NULL);
    assert_int_equal(rec->header_count, 11);
    assert_string_equal(rec->headers[7].key, "h7");
    assert_int_equal(rec->headers[7].value.u.i, 7);
    assert_int_equal(rec->headers[10].value.type, KC_TYPE_NULL);
    kc_batch_clear(&batch);
    assert_int_equal(batch.len, 0);
    assert_int_equal(kc_arena_used(batch.arena), 0);
    rec = kc_batch_add(&batch);
    assert_ptr_equal(batch.records[0], rec);
    kc_batch_release(&batch);
    kc_batch_release(&batch); /* released twice is harmless */
}

static void test_base64(void **state)
{
    kc_arena_t *arena = kc_arena_new(0);
    kc_buf_t out;
    const uint8_t *b;
    size_t n;
    kc_error_t err;

    (void)state;
    kc_buf_init(&out, 0);
    kc_base64_encode((const uint8_t *)"abcd", 4, &out);
    assert_string_equal(kc_buf_cstr(&out), "YWJjZA==");
    kc_buf_reset(&out);
    kc_base64_encode((const uint8_t *)"\xff\xfe", 2, &out);
    assert_string_equal(kc_buf_cstr(&out), "//4=");
    kc_buf_release(&out);
    assert_int_equal(kc_base64_decode(arena, "YWJjZA==", 8, &b, &n, &err),
                     KC_OK);
    assert_int_equal(n, 4);
    assert_memory_equal(b, "abcd", 4);
    assert_int_equal(kc_base64_decode(arena, "YWJjZA", 6, &b, &n, &err), KC_OK);
    assert_int_equal(n, 4);
    assert_int_equal(kc_base64_decode(arena, "YW=J", 4, &b, &n, &err),
                     KC_ERR_INVALID);
    assert_int_equal(kc_base64_decode(arena, "Y", 1, &b, &n, &err),
                     KC_ERR_INVALID);
    assert_int_equal(kc_base64_decode(arena, "YW*J", 4, &b, &n, &err),
                     KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "offset 2"));
    kc_arena_destroy(arena);
}

static void check_double(double d, const char *want)
{
    char out[KC_JAVA_NUMBER_MAX];

    assert_int_equal(kc_java_double_to_string(d, out), strlen(want));
    assert_string_equal(out, want);
}

static void check_float(float f, const char *want)
{
    char out[KC_JAVA_NUMBER_MAX];

    assert_int_equal(kc_java_float_to_string(f, out), strlen(want));
    assert_string_equal(out, want);
}

static void test_java_number_text(void **state)
{
    (void)state;
    /* Expected strings as printed by Java 25's Double/Float.toString. */
    check_double(1.0, "1.0");
    check_double(0.1, "0.1");
    check_double(100.0, "100.0");
    check_double(1e7, "1.0E7");
    check_double(9999999.0, "9999999.0");
    check_double(0.001, "0.001");
    check_double(9.99e-4, "9.99E-4");
    check_double(1e23, "1.0E23");
    check_double(-123.456, "-123.456");
    check_double(1.0 / 3, "0.3333333333333333");
    check_double(4.9e-324, "4.9E-324");
    check_double(1.7976931348623157e308, "1.7976931348623157E308");
    check_double(123456789.125, "1.23456789125E8");
    check_double(-0.0, "-0.0");
    check_double(0.0, "0.0");
    check_double(NAN, "NaN");
    check_double(-INFINITY, "-Infinity");
    check_float(0.1f, "0.1");
    check_float(1.0f / 3, "0.33333334");
    check_float(3.14159265f, "3.1415927");
    check_float(1e-7f, "1.0E-7");
    check_float(1.4e-45f, "1.4E-45");
    check_float(16777216.0f, "1.6777216E7");
    check_float(INFINITY, "Infinity");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars_and_strings),
        cmocka_unit_test(test_copy_keeps_decimal_scale_and_linked_map),
        cmocka_unit_test(test_struct_map_access_copy_equals),
        cmocka_unit_test(test_equals_floats),
        cmocka_unit_test(test_validate_names_the_path),
        cmocka_unit_test(test_validate_map_paths),
        cmocka_unit_test(test_decimal_to_text),
        cmocka_unit_test(test_decimal_from_text),
        cmocka_unit_test(test_records_and_batches),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_java_number_text),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
