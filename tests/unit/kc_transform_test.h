/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared helpers of the test_transform_*.c unit tests: a registry with the
 * built-in plugins, a chain built from .properties text, records in an
 * arena, and small value builders. Expected values in the tests are
 * written out by hand from Apache Kafka's documented behaviour.
 */
#ifndef KC_TESTS_KC_TRANSFORM_TEST_H
#define KC_TESTS_KC_TRANSFORM_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <kconnect/kconnect.h>

#include "plugins/kc_registry.h"
#include "transforms/kc_transform_chain.h"

typedef struct tx_fixture {
    kc_registry_t *reg;
    kc_arena_t *arena;
    kc_transform_chain_t *chain;
} tx_fixture_t;

static inline int tx_setup(void **state)
{
    tx_fixture_t *fx = kc_calloc(1, sizeof(*fx));
    kc_error_t err = {0};

    fx->reg = kc_registry_new();
    if (kc_registry_add_builtins(fx->reg, &err) != KC_OK) {
        fprintf(stderr, "builtins: %s\n", err.msg);
        return -1;
    }
    fx->arena = kc_arena_new(0);
    *state = fx;
    return 0;
}

static inline int tx_teardown(void **state)
{
    tx_fixture_t *fx = *state;

    /* Records borrow pinned schemas: reset the arena after the chain. */
    kc_transform_chain_destroy(fx->chain);
    kc_arena_destroy(fx->arena);
    kc_registry_destroy(fx->reg);
    kc_free(fx);
    return 0;
}

static inline kc_props_t *tx_props(const char *text)
{
    kc_props_t *props = kc_props_new();
    kc_error_t err = {0};

    assert_int_equal(kc_props_parse(props, text, strlen(text), &err), KC_OK);
    return props;
}

/* Build fx->chain from properties text; fails the test on error. */
static inline void tx_chain(tx_fixture_t *fx, const char *text)
{
    kc_props_t *props = tx_props(text);
    kc_error_t err = {0};

    kc_transform_chain_destroy(fx->chain);
    fx->chain = kc_transform_chain_new(fx->reg, props, &err);
    if (fx->chain == NULL) {
        fail_msg("chain: %s", err.msg);
    }
    kc_props_destroy(props);
}

/* Build a chain expected to fail; returns the error message. */
static inline const char *tx_chain_error(tx_fixture_t *fx, const char *text,
                                         kc_error_t *err)
{
    kc_props_t *props = tx_props(text);
    kc_transform_chain_t *chain = kc_transform_chain_new(fx->reg, props, err);

    assert_null(chain);
    assert_int_not_equal(err->code, KC_OK);
    kc_props_destroy(props);
    return err->msg;
}

static inline kc_record_t *tx_record(tx_fixture_t *fx, const char *topic)
{
    kc_record_t *rec = kc_arena_calloc(fx->arena, 1, sizeof(*rec));

    rec->topic = topic;
    rec->partition = -1;
    rec->offset = -1;
    rec->timestamp = -1;
    return rec;
}

/* Apply fx->chain, expecting success; returns *drop. */
static inline bool tx_apply(tx_fixture_t *fx, kc_record_t *rec)
{
    kc_error_t err = {0};
    bool drop = true;

    if (kc_transform_chain_apply(fx->chain, rec, fx->arena, &drop, &err) !=
        KC_OK) {
        fail_msg("apply: %s", err.msg);
    }
    return drop;
}

/* Apply fx->chain, expecting failure; returns the message. */
static inline const char *tx_apply_error(tx_fixture_t *fx, kc_record_t *rec,
                                         kc_error_t *err)
{
    bool drop = false;

    assert_int_not_equal(
        kc_transform_chain_apply(fx->chain, rec, fx->arena, &drop, err), KC_OK);
    return err->msg;
}

/* ---- values ---------------------------------------------------------- */

static inline kc_value_t tx_int(kc_type_t type, int64_t i)
{
    kc_value_t v;

    memset(&v, 0, sizeof(v));
    kc_value_set_int(&v, type, i);
    return v;
}

static inline kc_value_t tx_str(const char *s)
{
    kc_value_t v;

    memset(&v, 0, sizeof(v));
    kc_value_set_string_ref(&v, s, strlen(s));
    return v;
}

/* A schemaless map of n string keys, values given as pairs. */
static inline kc_value_t tx_map(tx_fixture_t *fx, size_t n,
                                const char *const *keys,
                                const kc_value_t *values)
{
    kc_value_t m;

    memset(&m, 0, sizeof(m));
    kc_value_set_map(fx->arena, &m, n);
    for (size_t i = 0; i < n; i++) {
        kc_value_set_string(fx->arena, &m.u.map.keys[i], keys[i],
                            strlen(keys[i]));
        m.u.map.values[i] = values[i];
    }
    return m;
}

/* The value of string key @p key in map @p m, or NULL. */
static inline const kc_value_t *tx_get(const kc_value_t *m, const char *key)
{
    assert_int_equal(m->type, KC_TYPE_MAP);
    return kc_value_map_get(m, key);
}

static inline void tx_assert_str(const kc_value_t *v, const char *s)
{
    assert_non_null(v);
    assert_int_equal(v->type, KC_TYPE_STRING);
    assert_int_equal(v->u.str.len, strlen(s));
    assert_memory_equal(v->u.str.data, s, strlen(s));
}

static inline void tx_assert_int(const kc_value_t *v, kc_type_t type, int64_t i)
{
    assert_non_null(v);
    assert_int_equal(v->type, type);
    assert_int_equal(v->u.i, i);
}

/* A struct schema: fields named and typed by the arrays (n of them). */
static inline kc_schema_t *tx_struct_schema(const char *name, size_t n,
                                            const char *const *fields,
                                            const kc_schema_t *const *types)
{
    kc_schema_t *s = kc_schema_new(KC_TYPE_STRUCT);

    if (name != NULL) {
        kc_schema_set_name(s, name);
    }
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(kc_schema_add_field_take(
                             s, fields[i], kc_schema_ref(types[i]), NULL),
                         KC_OK);
    }
    return s;
}

/* Field @p name of struct @p v (must exist). */
static inline const kc_value_t *tx_field(const kc_value_t *v, const char *name)
{
    const kc_value_t *f;

    assert_int_equal(v->type, KC_TYPE_STRUCT);
    f = kc_value_struct_get(v, name);
    assert_non_null(f);
    return f;
}

#define TX_PRIM(t) kc_schema_primitive((t), false)
#define TX_OPT(t)  kc_schema_primitive((t), true)

#endif /* KC_TESTS_KC_TRANSFORM_TEST_H */
