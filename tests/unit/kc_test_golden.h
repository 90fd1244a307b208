/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test helpers shared by the golden tests: rebuild the schema and value
 * descriptions of tests/golden (format in tests/golden/make_cases.py) with
 * the C API, and compare values with maps as unordered sets. Included by
 * test files only; every function is static inline.
 */
#ifndef KC_TESTS_KC_TEST_GOLDEN_H
#define KC_TESTS_KC_TEST_GOLDEN_H

#include <jansson.h>

#include "data/kc_base64.h"

/* ---- rebuilding the case descriptions (see tests/golden/make_cases.py) */

static inline kc_schema_t *build_schema(const json_t *d);

static inline void build_value(kc_arena_t *arena, const kc_schema_t *schema,
                               const json_t *d, kc_value_t *out)
{
    const char *tag = json_string_value(json_array_get(d, 0));
    const json_t *arg = json_array_get(d, 1);

    assert_non_null(tag);
    if (strcmp(tag, "null") == 0) {
        kc_value_set_null(out);
    } else if (strcmp(tag, "i8") == 0 || strcmp(tag, "i16") == 0 ||
               strcmp(tag, "i32") == 0 || strcmp(tag, "i64") == 0) {
        kc_type_t t = tag[1] == '8'   ? KC_TYPE_INT8
                      : tag[1] == '1' ? KC_TYPE_INT16
                      : tag[1] == '3' ? KC_TYPE_INT32
                                      : KC_TYPE_INT64;

        kc_value_set_int(out, t, strtoll(json_string_value(arg), NULL, 10));
    } else if (strcmp(tag, "f32") == 0) {
        uint32_t bits = (uint32_t)strtoul(json_string_value(arg), NULL, 16);
        float f;

        memcpy(&f, &bits, sizeof(f));
        kc_value_set_float(out, KC_TYPE_FLOAT32, f);
    } else if (strcmp(tag, "f64") == 0) {
        uint64_t bits = strtoull(json_string_value(arg), NULL, 16);
        double f;

        memcpy(&f, &bits, sizeof(f));
        kc_value_set_float(out, KC_TYPE_FLOAT64, f);
    } else if (strcmp(tag, "bool") == 0) {
        kc_value_set_bool(out, json_is_true(arg));
    } else if (strcmp(tag, "str") == 0 || strcmp(tag, "bytes") == 0 ||
               strcmp(tag, "dec") == 0) {
        const uint8_t *data;
        size_t len;

        assert_int_equal(kc_base64_decode(arena, json_string_value(arg),
                                          json_string_length(arg), &data, &len,
                                          NULL),
                         KC_OK);
        if (tag[0] == 's') {
            kc_value_set_string(arena, out, (const char *)data, len);
        } else {
            kc_value_set_bytes(arena, out, data, len);
        }
        /* A Decimal's own scale (a JSON number keeps its scale). */
        if (tag[0] == 'd' && schema != NULL && json_array_size(d) > 2) {
            kc_value_set_decimal_scale(
                out, (int32_t)json_integer_value(json_array_get(d, 2)),
                kc_schema_decimal_scale(schema));
        }
    } else if (strcmp(tag, "arr") == 0) {
        const kc_schema_t *items = schema ? kc_schema_items(schema) : NULL;

        kc_value_set_array(arena, out, json_array_size(arg));
        for (size_t i = 0; i < json_array_size(arg); i++) {
            build_value(arena, items, json_array_get(arg, i),
                        &out->u.array.items[i]);
        }
    } else if (strcmp(tag, "map") == 0) {
        const kc_schema_t *ks = schema ? kc_schema_key(schema) : NULL;
        const kc_schema_t *vs = schema ? kc_schema_value(schema) : NULL;

        kc_value_set_map(arena, out, json_array_size(arg));
        /* The generator builds its maps as LinkedHashMaps. */
        out->flags |= KC_VALUE_F_LINKED;
        for (size_t i = 0; i < json_array_size(arg); i++) {
            const json_t *pair = json_array_get(arg, i);

            build_value(arena, ks, json_array_get(pair, 0),
                        &out->u.map.keys[i]);
            build_value(arena, vs, json_array_get(pair, 1),
                        &out->u.map.values[i]);
        }
    } else if (strcmp(tag, "struct") == 0) {
        assert_non_null(schema);
        kc_value_set_struct(arena, out, schema);
        for (size_t i = 0; i < json_array_size(arg); i++) {
            build_value(arena, kc_schema_field_at(schema, i)->schema,
                        json_array_get(arg, i), &out->u.st.fields[i]);
        }
    } else {
        fail_msg("unknown value tag %s", tag);
    }
}

static inline kc_type_t type_from_name(const char *name)
{
    for (kc_type_t t = KC_TYPE_INT8; t <= KC_TYPE_STRUCT; t++) {
        if (strcmp(kc_type_name(t), name) == 0) {
            return t;
        }
    }
    fail_msg("unknown type %s", name);
    return KC_TYPE_NULL;
}

static inline kc_schema_t *build_schema(const json_t *d)
{
    kc_schema_t *s;
    const json_t *j;

    if (d == NULL || json_is_null(d)) {
        return NULL;
    }
    s = kc_schema_new(
        type_from_name(json_string_value(json_object_get(d, "type"))));
    if ((j = json_object_get(d, "items")) != NULL) {
        kc_schema_set_items_take(s, build_schema(j));
    }
    if ((j = json_object_get(d, "key")) != NULL) {
        kc_schema_set_map_take(s, build_schema(j),
                               build_schema(json_object_get(d, "value")));
    }
    if ((j = json_object_get(d, "fields")) != NULL) {
        for (size_t i = 0; i < json_array_size(j); i++) {
            const json_t *f = json_array_get(j, i);

            assert_int_equal(kc_schema_add_field_take(
                                 s, json_string_value(json_array_get(f, 0)),
                                 build_schema(json_array_get(f, 1)), NULL),
                             KC_OK);
        }
    }
    kc_schema_set_optional(s, json_is_true(json_object_get(d, "optional")));
    if ((j = json_object_get(d, "name")) != NULL) {
        kc_schema_set_name(s, json_string_value(j));
    }
    if ((j = json_object_get(d, "version")) != NULL) {
        kc_schema_set_version(s, (int32_t)json_integer_value(j));
    }
    if ((j = json_object_get(d, "doc")) != NULL) {
        kc_schema_set_doc(s, json_string_value(j));
    }
    if ((j = json_object_get(d, "params")) != NULL) {
        for (size_t i = 0; i < json_array_size(j); i++) {
            kc_schema_set_param(
                s, json_string_value(json_array_get(json_array_get(j, i), 0)),
                json_string_value(json_array_get(json_array_get(j, i), 1)));
        }
    }
    if ((j = json_object_get(d, "default")) != NULL) {
        kc_arena_t *arena = kc_arena_new(0);
        kc_value_t v;
        kc_error_t err;

        build_value(arena, s, j, &v);
        assert_int_equal(kc_schema_set_default(s, &v, &err), KC_OK);
        kc_arena_destroy(arena);
    }
    return s;
}

/*
 * Equality with maps compared as sets of entries: Apache reads JSON objects
 * into a HashMap, whose order is not the document's.
 */
static inline bool value_equals_unordered(const kc_value_t *a,
                                          const kc_value_t *b)
{
    if (a->type != b->type) {
        return false;
    }
    switch (a->type) {
    case KC_TYPE_ARRAY:
        if (a->u.array.len != b->u.array.len) {
            return false;
        }
        for (size_t i = 0; i < a->u.array.len; i++) {
            if (!value_equals_unordered(&a->u.array.items[i],
                                        &b->u.array.items[i])) {
                return false;
            }
        }
        return true;
    case KC_TYPE_MAP:
        if (a->u.map.len != b->u.map.len) {
            return false;
        }
        for (size_t i = 0; i < a->u.map.len; i++) {
            bool found = false;

            for (size_t j = 0; j < b->u.map.len && !found; j++) {
                found = value_equals_unordered(&a->u.map.keys[i],
                                               &b->u.map.keys[j]) &&
                        value_equals_unordered(&a->u.map.values[i],
                                               &b->u.map.values[j]);
            }
            if (!found) {
                return false;
            }
        }
        return true;
    case KC_TYPE_STRUCT: {
        size_t n = kc_schema_field_count(a->u.st.schema);

        if (!kc_schema_equals(a->u.st.schema, b->u.st.schema)) {
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            if (!value_equals_unordered(&a->u.st.fields[i],
                                        &b->u.st.fields[i])) {
                return false;
            }
        }
        return true;
    }
    default:
        return kc_value_equals(a, b);
    }
}

#endif /* KC_TESTS_KC_TEST_GOLDEN_H */
