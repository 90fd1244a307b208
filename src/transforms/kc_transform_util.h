/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the single message transforms: the key/value side a
 * `$Key`/`$Value` variant works on, Apache's Requirements checks and their
 * DataException messages, a derived-schema cache (Apache's per-transform
 * LRU schema cache) and schemaless map building.
 */
#ifndef KC_TRANSFORMS_KC_TRANSFORM_UTIL_H
#define KC_TRANSFORMS_KC_TRANSFORM_UTIL_H

#include <kconnect/plugin.h>

/* Which half of a record a `$Key` or `$Value` transform works on. */
typedef enum kc_tx_side { KC_TX_KEY, KC_TX_VALUE } kc_tx_side_t;

/** @brief The schema slot of @p side in @p rec. */
const kc_schema_t **kc_tx_schema_slot(kc_record_t *rec, kc_tx_side_t side);
/** @brief The value slot of @p side in @p rec. */
kc_value_t *kc_tx_value_slot(kc_record_t *rec, kc_tx_side_t side);

/**
 * @brief Java class name of what @p v would be in Apache's data API
 * ("java.lang.Integer", "org.apache.kafka.connect.data.Struct", "null"),
 * used in DataException messages.
 */
const char *kc_tx_java_class(const kc_value_t *v);

/**
 * @brief Requirements.requireMap: KC_ERR_INVALID "Only Map objects
 * supported in absence of schema for [purpose], found: <class>" unless
 * @p v is a map.
 */
kc_err_t kc_tx_require_map(const kc_value_t *v, const char *purpose,
                           kc_error_t *err);
/** @brief Requirements.requireStruct, same shape of message. */
kc_err_t kc_tx_require_struct(const kc_value_t *v, const char *purpose,
                              kc_error_t *err);

/**
 * @brief Struct.get (default of the field schema when the value is null
 * and @p with_default) or Struct.getWithoutDefault. Borrowed result.
 */
const kc_value_t *kc_tx_struct_get(const kc_value_t *st, size_t i,
                                   bool with_default);

/**
 * @brief New STRUCT builder with the name, version, doc and parameters of
 * @p src (SchemaUtil.copySchemaBasics); one reference, caller owns.
 */
kc_schema_t *kc_tx_struct_copy_basics(const kc_schema_t *src);

/**
 * @brief Add a field sharing @p field_schema (a reference is taken).
 * @returns KC_ERR_INVALID naming the duplicate field.
 */
kc_err_t kc_tx_add_field(kc_schema_t *schema, const char *name,
                         const kc_schema_t *field_schema, kc_error_t *err);

/**
 * @brief Keep @p schema alive until @p arena is reset: records borrow
 * their schemas and a cache may evict it before then.
 */
void kc_tx_pin_schema(kc_arena_t *arena, const kc_schema_t *schema);

/*
 * Derived schemas keyed by input schema, as Apache's LRUCache(16): the hot
 * path finds the schema built for the first record of that shape. Entries
 * hold a reference to both schemas, so a freed input schema's address can
 * never alias a cached entry. Lookup is by pointer, then deep equality
 * (converters that rebuild equal schemas still hit).
 */
#define KC_TX_CACHE_SIZE 16

typedef struct kc_tx_schema_cache {
    const kc_schema_t *in[KC_TX_CACHE_SIZE];
    const kc_schema_t *out[KC_TX_CACHE_SIZE];
    void *extra[KC_TX_CACHE_SIZE]; /* owned (kc_free): per-shape plan */
    size_t count;
    size_t next; /* round-robin victim once full */
} kc_tx_schema_cache_t;

/** @brief The cached schema for @p in (borrowed), or NULL. */
const kc_schema_t *kc_tx_cache_get(kc_tx_schema_cache_t *cache,
                                   const kc_schema_t *in);
/**
 * @brief Cache @p out (takes the caller's reference) for @p in (a reference
 * is added). @returns @p out, borrowed from the cache.
 */
const kc_schema_t *kc_tx_cache_put_take(kc_tx_schema_cache_t *cache,
                                        const kc_schema_t *in,
                                        kc_schema_t *out);
/**
 * @brief kc_tx_cache_get that also returns the entry's @p extra (a
 * transform's per-shape plan, e.g. which input field feeds each output
 * field, so the hot path does no name lookups).
 */
const kc_schema_t *kc_tx_cache_get_extra(kc_tx_schema_cache_t *cache,
                                         const kc_schema_t *in, void **extra);
/** @brief kc_tx_cache_put_take that also takes @p extra (kc_malloc'd). */
const kc_schema_t *kc_tx_cache_put_take_extra(kc_tx_schema_cache_t *cache,
                                              const kc_schema_t *in,
                                              kc_schema_t *out, void *extra);
/** @brief Drop every entry. */
void kc_tx_cache_release(kc_tx_schema_cache_t *cache);

/*
 * A schemaless map being built in an arena: Java's HashMap put (replace
 * the value of an existing key, else append). Keys are strings.
 */
typedef struct kc_tx_map {
    kc_value_t *keys;
    kc_value_t *values;
    size_t len;
    size_t cap;
} kc_tx_map_t;

/** @brief Start a map with room for @p cap entries. */
void kc_tx_map_init(kc_arena_t *arena, kc_tx_map_t *map, size_t cap);
/** @brief Copy every entry of map value @p src (shallow values). */
void kc_tx_map_copy(kc_arena_t *arena, kc_tx_map_t *map, const kc_value_t *src);
/** @brief HashMap.put with a string key (copied into @p arena). */
void kc_tx_map_put(kc_arena_t *arena, kc_tx_map_t *map, const char *key,
                   const kc_value_t *value);
/** @brief Index of string key @p key, or -1. */
long kc_tx_map_find(const kc_value_t *map, const char *key);
/** @brief Store the built map into @p out. */
void kc_tx_map_finish(const kc_tx_map_t *map, kc_value_t *out);

/**
 * @brief Run kc_config_new over @p defs and @p props; on failure @p err
 * holds every bad key.
 */
kc_config_t *kc_tx_config(const kc_config_def_t *defs, const kc_props_t *props,
                          kc_error_t *err);

/* The `replace.null.with.default` row most transforms share. */
#define KC_TX_REPLACE_NULL_ROW                                                 \
    .name = "replace.null.with.default", .type = KC_CFG_BOOLEAN,               \
    .default_value = "true", .importance = KC_IMPORTANCE_MEDIUM,               \
    .doc = "Whether to replace fields that have a default value and that "     \
           "are null to the default value. When set to true, the "             \
           "default value is used, otherwise null is used."
#define KC_TX_DEF_REPLACE_NULL                                                 \
    {                                                                          \
        KC_TX_REPLACE_NULL_ROW                                                 \
    }
/* The same row, bound to a bool field (kc_config_bind). */
#define KC_TX_DEF_REPLACE_NULL_AT(type, field)                                 \
    {                                                                          \
        KC_TX_REPLACE_NULL_ROW, KC_CFG_BIND(type, field)                       \
    }

/** @brief Apache's NonEmptyListValidator ("Empty list"). */
kc_err_t kc_tx_nonempty_list(const kc_config_def_t *def, const char *value,
                             kc_error_t *err);

#endif /* KC_TRANSFORMS_KC_TRANSFORM_UTIL_H */
