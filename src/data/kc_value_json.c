/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Schemaless value <-> jansson, for offsets and other small documents off
 * the hot path (the JsonConverter has its own writer and parser).
 */
#include "kc_internal.h"

#include <math.h>

#include "data/kc_base64.h"
#include "data/kc_value_json.h"

static bool kc_map_keys_all_strings(const kc_value_t *value)
{
    for (size_t i = 0; i < value->u.map.len; i++) {
        if (value->u.map.keys[i].type != KC_TYPE_STRING) {
            return false;
        }
    }
    return true;
}

json_t *kc_value_to_json(const kc_value_t *value)
{
    switch (value->type) {
    case KC_TYPE_NULL:
        return json_null();
    case KC_TYPE_INT8:
    case KC_TYPE_INT16:
    case KC_TYPE_INT32:
    case KC_TYPE_INT64:
        return json_integer((json_int_t)value->u.i);
    case KC_TYPE_FLOAT32:
    case KC_TYPE_FLOAT64:
        if (isnan(value->u.f)) {
            return json_string("NaN");
        }
        if (isinf(value->u.f)) {
            return json_string(value->u.f > 0 ? "Infinity" : "-Infinity");
        }
        return json_real(value->u.f);
    case KC_TYPE_BOOLEAN:
        return json_boolean(value->u.b);
    case KC_TYPE_STRING:
        return json_stringn_nocheck(value->u.str.data, value->u.str.len);
    case KC_TYPE_BYTES: {
        kc_buf_t b;
        json_t *j;

        kc_buf_init(&b, 0);
        kc_base64_encode(value->u.bytes.data, value->u.bytes.len, &b);
        j = json_stringn((const char *)b.data, b.len);
        kc_buf_release(&b);
        return j;
    }
    case KC_TYPE_ARRAY: {
        json_t *arr = json_array();

        for (size_t i = 0; i < value->u.array.len; i++) {
            json_array_append_new(arr,
                                  kc_value_to_json(&value->u.array.items[i]));
        }
        return arr;
    }
    case KC_TYPE_MAP: {
        if (kc_map_keys_all_strings(value)) {
            json_t *obj = json_object();

            for (size_t i = 0; i < value->u.map.len; i++) {
                const kc_value_t *k = &value->u.map.keys[i];

                json_object_setn_new_nocheck(
                    obj, k->u.str.data, k->u.str.len,
                    kc_value_to_json(&value->u.map.values[i]));
            }
            return obj;
        } else {
            json_t *arr = json_array();

            for (size_t i = 0; i < value->u.map.len; i++) {
                json_t *pair = json_array();

                json_array_append_new(pair,
                                      kc_value_to_json(&value->u.map.keys[i]));
                json_array_append_new(
                    pair, kc_value_to_json(&value->u.map.values[i]));
                json_array_append_new(arr, pair);
            }
            return arr;
        }
    }
    case KC_TYPE_STRUCT: {
        json_t *obj = json_object();
        size_t n = kc_schema_field_count(value->u.st.schema);

        for (size_t i = 0; i < n; i++) {
            const kc_field_t *f = kc_schema_field_at(value->u.st.schema, i);

            json_object_set_new_nocheck(
                obj, f->name, kc_value_to_json(&value->u.st.fields[i]));
        }
        return obj;
    }
    }
    return json_null();
}

kc_err_t kc_value_from_json(kc_arena_t *arena, const json_t *json,
                            kc_value_t *out)
{
    switch (json_typeof(json)) {
    case JSON_NULL:
        kc_value_set_null(out);
        return KC_OK;
    case JSON_TRUE:
        kc_value_set_bool(out, true);
        return KC_OK;
    case JSON_FALSE:
        kc_value_set_bool(out, false);
        return KC_OK;
    case JSON_INTEGER:
        kc_value_set_int(out, KC_TYPE_INT64, json_integer_value(json));
        return KC_OK;
    case JSON_REAL:
        kc_value_set_float(out, KC_TYPE_FLOAT64, json_real_value(json));
        return KC_OK;
    case JSON_STRING:
        kc_value_set_string(arena, out, json_string_value(json),
                            json_string_length(json));
        return KC_OK;
    case JSON_ARRAY: {
        size_t n = json_array_size(json);

        kc_value_set_array(arena, out, n);
        for (size_t i = 0; i < n; i++) {
            kc_err_t rc = kc_value_from_json(arena, json_array_get(json, i),
                                             &out->u.array.items[i]);

            if (rc != KC_OK) {
                return rc;
            }
        }
        return KC_OK;
    }
    case JSON_OBJECT: {
        size_t n = json_object_size(json);
        size_t i = 0;
        const char *key;
        json_t *val;

        kc_value_set_map(arena, out, n);
        /* jansson keeps insertion order when iterating. */
        json_object_foreach((json_t *)json, key, val)
        {
            kc_err_t rc;

            kc_value_set_string(arena, &out->u.map.keys[i], key, strlen(key));
            rc = kc_value_from_json(arena, val, &out->u.map.values[i]);
            if (rc != KC_OK) {
                return rc;
            }
            i++;
        }
        return KC_OK;
    }
    }
    kc_value_set_null(out);
    return KC_ERR_INVALID;
}
