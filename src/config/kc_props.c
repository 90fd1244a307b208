/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kc_props_t: an ordered string map. Configs are small (tens to a few
 * hundred keys) and read far more often than written, so a flat array
 * with a linear search beats a hash table here in both memory and speed.
 */
#include "kc_internal.h"

#include "util/kc_str.h"

typedef struct kc_prop {
    char *key;
    char *value;
} kc_prop_t;

struct kc_props {
    kc_prop_t *items;
    size_t count;
    size_t cap;
};

kc_props_t *kc_props_new(void)
{
    return kc_calloc(1, sizeof(kc_props_t));
}

void kc_props_destroy(kc_props_t *props)
{
    if (props == NULL) {
        return;
    }
    for (size_t i = 0; i < props->count; i++) {
        kc_free(props->items[i].key);
        kc_free(props->items[i].value);
    }
    kc_free(props->items);
    kc_free(props);
}

kc_props_t *kc_props_copy(const kc_props_t *props)
{
    kc_props_t *copy = kc_props_new();

    if (props->count > 0) {
        copy->items = kc_malloc(props->count * sizeof(kc_prop_t));
        copy->cap = props->count;
    }
    for (size_t i = 0; i < props->count; i++) {
        copy->items[i].key = kc_strdup(props->items[i].key);
        copy->items[i].value = kc_strdup(props->items[i].value);
    }
    copy->count = props->count;
    return copy;
}

static kc_prop_t *kc_props_lookup(const kc_props_t *props, const char *key)
{
    for (size_t i = 0; i < props->count; i++) {
        if (strcmp(props->items[i].key, key) == 0) {
            return &props->items[i];
        }
    }
    return NULL;
}

void kc_props_set(kc_props_t *props, const char *key, const char *value)
{
    kc_prop_t *prop = kc_props_lookup(props, key);
    char *copy = kc_strdup(value);

    if (prop != NULL) {
        kc_free(prop->value);
        prop->value = copy;
        return;
    }
    if (props->count == props->cap) {
        props->cap = props->cap ? props->cap * 2 : 16;
        props->items = kc_realloc(props->items, props->cap * sizeof(kc_prop_t));
    }
    props->items[props->count].key = kc_strdup(key);
    props->items[props->count].value = copy;
    props->count++;
}

const char *kc_props_get(const kc_props_t *props, const char *key)
{
    const kc_prop_t *prop = kc_props_lookup(props, key);

    return prop ? prop->value : NULL;
}

bool kc_props_remove(kc_props_t *props, const char *key)
{
    kc_prop_t *prop = kc_props_lookup(props, key);
    size_t i;

    if (prop == NULL) {
        return false;
    }
    i = (size_t)(prop - props->items);
    kc_free(prop->key);
    kc_free(prop->value);
    memmove(&props->items[i], &props->items[i + 1],
            (props->count - i - 1) * sizeof(kc_prop_t));
    props->count--;
    return true;
}

size_t kc_props_count(const kc_props_t *props)
{
    return props->count;
}

const char *kc_props_key_at(const kc_props_t *props, size_t i)
{
    kc_assert(i < props->count);
    return props->items[i].key;
}

const char *kc_props_value_at(const kc_props_t *props, size_t i)
{
    kc_assert(i < props->count);
    return props->items[i].value;
}

kc_props_t *kc_props_with_prefix(const kc_props_t *props, const char *prefix)
{
    kc_props_t *out = kc_props_new();
    size_t n = strlen(prefix);

    for (size_t i = 0; i < props->count; i++) {
        if (strncmp(props->items[i].key, prefix, n) == 0) {
            kc_props_set(out, props->items[i].key + n, props->items[i].value);
        }
    }
    return out;
}

bool kc_props_equal(const kc_props_t *a, const kc_props_t *b)
{
    if (a->count != b->count) {
        return false;
    }
    for (size_t i = 0; i < a->count; i++) {
        const char *v = kc_props_get(b, a->items[i].key);

        if (v == NULL || strcmp(v, a->items[i].value) != 0) {
            return false;
        }
    }
    return true;
}
