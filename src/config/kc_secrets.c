/* SPDX-License-Identifier: Apache-2.0 */
#include "kc_internal.h"

#include "config/kc_secrets.h"

typedef struct kc_secret {
    char *key;
    char *raw;      /* the value with its reference(s) */
    char *resolved; /* what it resolves to */
    size_t len;     /* strlen(resolved) */
} kc_secret_t;

/*
 * Shorter values are put back only where a whole key held the reference:
 * replacing every "t" or "10" in text would garble task configs and log
 * lines, and text that short hides little.
 */
#define KC_SECRETS_MIN_SCRUB 4

struct kc_secrets {
    kc_secret_t *items;
    size_t n;
};

/*
 * Apache's ConfigTransformer.DEFAULT_PATTERN, ${a:b} or ${a:b:c} with no
 * '}' inside: true if @p v holds one.
 */
static bool kc_has_reference(const char *v)
{
    for (const char *p = strstr(v, "${"); p != NULL; p = strstr(p + 1, "${")) {
        const char *end = strchr(p + 2, '}');
        const char *colon = strchr(p + 2, ':');

        if (end != NULL && colon != NULL && colon < end) {
            return true;
        }
    }
    return false;
}

kc_secrets_t *kc_secrets_new(const kc_props_t *raw, const kc_props_t *worker)
{
    kc_secrets_t *s = kc_calloc(1, sizeof(*s));

    for (size_t i = 0; i < kc_props_count(raw); i++) {
        const char *key = kc_props_key_at(raw, i);
        const char *v = kc_props_value_at(raw, i);
        kc_props_t *one;
        const char *resolved;
        kc_error_t err;

        if (v == NULL || !kc_has_reference(v)) {
            continue;
        }
        one = kc_props_new();
        kc_props_set(one, key, v);
        kc_error_clear(&err);
        resolved = NULL;
        if (worker != NULL && kc_props_resolve(one, worker, &err) == KC_OK) {
            resolved = kc_props_get(one, key);
        }
        if (resolved != NULL && *resolved != '\0' && strcmp(resolved, v) != 0) {
            kc_secret_t *it;

            s->items = kc_realloc(s->items, (s->n + 1) * sizeof(*s->items));
            it = &s->items[s->n++];
            it->key = kc_strdup(key);
            it->raw = kc_strdup(v);
            it->resolved = kc_strdup(resolved);
            it->len = strlen(resolved);
        }
        kc_props_destroy(one);
    }
    return s;
}

void kc_secrets_destroy(kc_secrets_t *s)
{
    if (s == NULL) {
        return;
    }
    for (size_t i = 0; i < s->n; i++) {
        kc_free(s->items[i].key);
        kc_free(s->items[i].raw);
        kc_free(s->items[i].resolved);
    }
    kc_free(s->items);
    kc_free(s);
}

bool kc_secrets_empty(const kc_secrets_t *s)
{
    return s == NULL || s->n == 0;
}

char *kc_secrets_scrub(const kc_secrets_t *s, const char *text)
{
    kc_buf_t buf;
    const char *p = text;

    if (kc_secrets_empty(s)) {
        return kc_strdup(text);
    }
    kc_buf_init(&buf, 0);
    while (*p != '\0') {
        const kc_secret_t *best = NULL;

        for (size_t i = 0; i < s->n; i++) {
            const kc_secret_t *it = &s->items[i];

            if (it->len >= KC_SECRETS_MIN_SCRUB &&
                (best == NULL || it->len > best->len) &&
                strncmp(p, it->resolved, it->len) == 0) {
                best = it;
            }
        }
        if (best != NULL) {
            kc_buf_puts(&buf, best->raw);
            p += best->len;
        } else {
            kc_buf_putc(&buf, *p++);
        }
    }
    return kc_buf_detach(&buf, NULL);
}

void kc_secrets_unresolve(const kc_secrets_t *s, kc_props_t *props)
{
    if (kc_secrets_empty(s)) {
        return;
    }
    for (size_t i = 0; i < kc_props_count(props); i++) {
        const char *key = kc_props_key_at(props, i);
        const char *v = kc_props_value_at(props, i);
        const char *raw = NULL;
        char *clean;

        for (size_t j = 0; j < s->n; j++) {
            if (strcmp(s->items[j].key, key) == 0) {
                raw = s->items[j].raw;
            }
        }
        if (v == NULL) {
            continue;
        }
        clean = raw != NULL ? kc_strdup(raw) : kc_secrets_scrub(s, v);
        if (strcmp(clean, v) != 0) {
            char *k = kc_strdup(key);

            /* kc_props_set may move the entry; key and v die with it. */
            kc_props_set(props, k, clean);
            kc_free(k);
        }
        kc_free(clean);
    }
}

void kc_secrets_scrub_json(const kc_secrets_t *s, json_t *doc)
{
    const char *key;
    json_t *v;

    if (kc_secrets_empty(s) || doc == NULL) {
        return;
    }
    if (json_is_object(doc)) {
        json_object_foreach(doc, key, v)
        {
            kc_secrets_scrub_json(s, v);
        }
    } else if (json_is_array(doc)) {
        for (size_t i = 0; i < json_array_size(doc); i++) {
            kc_secrets_scrub_json(s, json_array_get(doc, i));
        }
    } else if (json_is_string(doc)) {
        char *clean = kc_secrets_scrub(s, json_string_value(doc));

        if (strcmp(clean, json_string_value(doc)) != 0) {
            json_string_set(doc, clean);
        }
        kc_free(clean);
    }
}

char *kc_secrets_log_filter(void *opaque, const char *msg)
{
    const kc_secrets_t *s = opaque;
    char *clean;

    if (kc_secrets_empty(s)) {
        return NULL;
    }
    clean = kc_secrets_scrub(s, msg);
    if (strcmp(clean, msg) == 0) {
        kc_free(clean);
        return NULL;
    }
    return clean;
}
