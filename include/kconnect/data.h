/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kconnect public API: the Connect data model.
 *
 * Schemas are immutable once shared and reference counted. Values are plain
 * tagged structs allocated in an arena; they borrow their schemas, which
 * must stay valid until the arena is reset.
 */
#ifndef KC_KCONNECT_DATA_H
#define KC_KCONNECT_DATA_H

#include <kconnect/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kc_type {
    KC_TYPE_NULL = 0, /* values only: a null value */
    KC_TYPE_INT8,
    KC_TYPE_INT16,
    KC_TYPE_INT32,
    KC_TYPE_INT64,
    KC_TYPE_FLOAT32,
    KC_TYPE_FLOAT64,
    KC_TYPE_BOOLEAN,
    KC_TYPE_STRING,
    KC_TYPE_BYTES,
    KC_TYPE_ARRAY,
    KC_TYPE_MAP,
    KC_TYPE_STRUCT
} kc_type_t;

/** @brief Java enum name: "INT32", "STRUCT", ... ("NULL" for KC_TYPE_NULL). */
KC_EXPORT const char *kc_type_name(kc_type_t type);
/** @brief True for INT8..STRING/BYTES. */
KC_EXPORT bool kc_type_is_primitive(kc_type_t type);

/* Logical types, matched by schema name. */
#define KC_LOGICAL_DECIMAL_NAME   "org.apache.kafka.connect.data.Decimal"
#define KC_LOGICAL_DATE_NAME      "org.apache.kafka.connect.data.Date"
#define KC_LOGICAL_TIME_NAME      "org.apache.kafka.connect.data.Time"
#define KC_LOGICAL_TIMESTAMP_NAME "org.apache.kafka.connect.data.Timestamp"
#define KC_DECIMAL_SCALE_PARAM    "scale"

typedef enum kc_logical {
    KC_LOGICAL_NONE = 0,
    KC_LOGICAL_DECIMAL,  /* BYTES: big-endian two's-complement unscaled */
    KC_LOGICAL_DATE,     /* INT32: days since the epoch */
    KC_LOGICAL_TIME,     /* INT32: ms since midnight */
    KC_LOGICAL_TIMESTAMP /* INT64: ms since the epoch */
} kc_logical_t;

typedef struct kc_schema kc_schema_t;
typedef struct kc_value kc_value_t;

/* One field of a STRUCT schema. */
typedef struct kc_field {
    const char *name;
    int index;
    const kc_schema_t *schema;
} kc_field_t;

/**
 * @brief New mutable schema of @p type with one reference. It may be
 * changed with the setters until it is shared (used in a value, a field or
 * handed to another thread); after that it is read-only.
 */
KC_EXPORT kc_schema_t *kc_schema_new(kc_type_t type);
/** @brief Add a reference; returns @p schema. NULL is passed through. */
KC_EXPORT kc_schema_t *kc_schema_ref(const kc_schema_t *schema);
/** @brief Drop a reference; the last one frees. NULL is a no-op. */
KC_EXPORT void kc_schema_unref(const kc_schema_t *schema);
/** @brief kc_schema_unref for callbacks such as kc_arena_on_reset. */
KC_EXPORT void kc_schema_unref_cb(void *schema);

/**
 * @brief Shared immutable schema of a primitive type (no name, no default).
 * Never NULL for primitive types; ref/unref on it are harmless.
 */
KC_EXPORT const kc_schema_t *kc_schema_primitive(kc_type_t type, bool optional);

/* Logical type constructors: each returns a new schema with one reference. */
KC_EXPORT kc_schema_t *kc_schema_decimal_new(int32_t scale);
KC_EXPORT kc_schema_t *kc_schema_date_new(void);
KC_EXPORT kc_schema_t *kc_schema_time_new(void);
KC_EXPORT kc_schema_t *kc_schema_timestamp_new(void);

/* Setters: only on a schema not yet shared. Strings are copied. */
KC_EXPORT void kc_schema_set_optional(kc_schema_t *schema, bool optional);
KC_EXPORT void kc_schema_set_name(kc_schema_t *schema, const char *name);
KC_EXPORT void kc_schema_set_version(kc_schema_t *schema, int32_t version);
KC_EXPORT void kc_schema_set_doc(kc_schema_t *schema, const char *doc);
KC_EXPORT void kc_schema_set_param(kc_schema_t *schema, const char *key,
                                   const char *value);
/**
 * @brief Set the default value; it is copied into the schema and validated.
 * @returns KC_ERR_INVALID (with the reason in @p err) if it does not match.
 */
KC_EXPORT kc_err_t kc_schema_set_default(kc_schema_t *schema,
                                         const kc_value_t *value,
                                         kc_error_t *err);
/**
 * @brief Append a field to a STRUCT schema; takes the caller's reference to
 * @p field_schema on success only.
 * @returns KC_ERR_CONFLICT if a field of that name exists.
 */
KC_EXPORT kc_err_t kc_schema_add_field_take(kc_schema_t *schema,
                                            const char *name,
                                            kc_schema_t *field_schema,
                                            kc_error_t *err);
/** @brief Set an ARRAY's element schema; takes the caller's reference. */
KC_EXPORT void kc_schema_set_items_take(kc_schema_t *schema,
                                        kc_schema_t *items);
/** @brief Set a MAP's key and value schemas; takes both references. */
KC_EXPORT void kc_schema_set_map_take(kc_schema_t *schema, kc_schema_t *key,
                                      kc_schema_t *value);

/* Getters. Returned pointers are borrowed from the schema. */
KC_EXPORT kc_type_t kc_schema_type(const kc_schema_t *schema);
KC_EXPORT bool kc_schema_optional(const kc_schema_t *schema);
KC_EXPORT const char *kc_schema_name(const kc_schema_t *schema);
KC_EXPORT bool kc_schema_has_version(const kc_schema_t *schema);
KC_EXPORT int32_t kc_schema_version(const kc_schema_t *schema);
KC_EXPORT const char *kc_schema_doc(const kc_schema_t *schema);
KC_EXPORT const char *kc_schema_param(const kc_schema_t *schema,
                                      const char *key);
KC_EXPORT size_t kc_schema_param_count(const kc_schema_t *schema);
/** @brief Parameters in insertion order. */
KC_EXPORT void kc_schema_param_at(const kc_schema_t *schema, size_t i,
                                  const char **key, const char **value);
/** @brief The default value, or NULL when none is set. */
KC_EXPORT const kc_value_t *kc_schema_default(const kc_schema_t *schema);
KC_EXPORT kc_logical_t kc_schema_logical(const kc_schema_t *schema);
/** @brief Decimal scale (parameter "scale"), 0 when absent. */
KC_EXPORT int32_t kc_schema_decimal_scale(const kc_schema_t *schema);
KC_EXPORT size_t kc_schema_field_count(const kc_schema_t *schema);
KC_EXPORT const kc_field_t *kc_schema_field_at(const kc_schema_t *schema,
                                               size_t i);
KC_EXPORT const kc_field_t *kc_schema_field(const kc_schema_t *schema,
                                            const char *name);
KC_EXPORT const kc_schema_t *kc_schema_items(const kc_schema_t *schema);
KC_EXPORT const kc_schema_t *kc_schema_key(const kc_schema_t *schema);
KC_EXPORT const kc_schema_t *kc_schema_value(const kc_schema_t *schema);
/** @brief Deep equality, as Java's ConnectSchema.equals. */
KC_EXPORT bool kc_schema_equals(const kc_schema_t *a, const kc_schema_t *b);

/*
 * A value. The tag says what the union holds; KC_TYPE_NULL is null.
 * Integers of every width and the Date/Time/Timestamp logical types use
 * `i`; FLOAT32/FLOAT64 use `f`. STRING data is UTF-8, `len` is
 * authoritative (arena copies are also NUL-terminated). A Decimal is BYTES
 * holding the unscaled value; its scale is the schema's unless the value
 * has KC_VALUE_F_SCALE (read it with kc_value_decimal_scale). Struct
 * `fields` has one slot per schema field, in schema order (KC_TYPE_NULL =
 * null). `flags` (KC_VALUE_F_*) is 0 for everything the setters make.
 */
struct kc_value {
    kc_type_t type;
    /* In what was padding: the struct keeps its size and layout. */
    uint32_t flags;
    union {
        int64_t i;
        double f;
        bool b;
        struct {
            const char *data;
            size_t len;
        } str;
        struct {
            const uint8_t *data;
            size_t len;
            int32_t scale; /* a Decimal's own scale: KC_VALUE_F_SCALE */
        } bytes;
        struct {
            kc_value_t *items;
            size_t len;
        } array;
        struct {
            kc_value_t *keys;
            kc_value_t *values;
            size_t len;
        } map;
        struct {
            const kc_schema_t *schema;
            kc_value_t *fields;
        } st;
    } u;
};

/*
 * A Decimal with a scale of its own in u.bytes.scale: Java's BigDecimal
 * keeps the scale it was made with (a JSON number 1.5 read for a scale-2
 * schema is 1.5, MaskField's replacement is BigDecimal.ZERO), and writers
 * print that scale, not the schema's.
 */
#define KC_VALUE_F_SCALE 0x1u
/*
 * A map whose entries are in its Java iteration order, as a
 * LinkedHashMap (Flatten's output, Values-parsed maps). A map without it
 * stands for a java.util.HashMap (what JsonConverter reads and most
 * transforms build): Java iterates it in hash order, which Flatten, the
 * text form and the JsonConverter writer reproduce. A plugin that wants
 * its map written in its own order sets this flag.
 */
#define KC_VALUE_F_LINKED 0x2u

/** @brief A zeroed (null) value in @p arena. */
KC_EXPORT kc_value_t *kc_value_new(kc_arena_t *arena);
KC_EXPORT void kc_value_set_null(kc_value_t *v);
KC_EXPORT void kc_value_set_int(kc_value_t *v, kc_type_t type, int64_t i);
KC_EXPORT void kc_value_set_float(kc_value_t *v, kc_type_t type, double f);
KC_EXPORT void kc_value_set_bool(kc_value_t *v, bool b);
/** @brief Copy @p len bytes of @p s into @p arena (NUL-terminated). */
KC_EXPORT void kc_value_set_string(kc_arena_t *arena, kc_value_t *v,
                                   const char *s, size_t len);
/** @brief Borrow @p s; it must outlive the value. */
KC_EXPORT void kc_value_set_string_ref(kc_value_t *v, const char *s,
                                       size_t len);
KC_EXPORT void kc_value_set_bytes(kc_arena_t *arena, kc_value_t *v,
                                  const uint8_t *data, size_t len);
/** @brief Make an array of @p len null items in @p arena. */
KC_EXPORT void kc_value_set_array(kc_arena_t *arena, kc_value_t *v, size_t len);
/** @brief Make a map of @p len null keys and values in @p arena. */
KC_EXPORT void kc_value_set_map(kc_arena_t *arena, kc_value_t *v, size_t len);
/**
 * @brief The scale of Decimal @p v: its own (KC_VALUE_F_SCALE) or that of
 * @p schema.
 */
KC_EXPORT int32_t kc_value_decimal_scale(const kc_schema_t *schema,
                                         const kc_value_t *v);
/**
 * @brief Give Decimal @p v its own @p scale when it differs from the
 * schema's (@p schema_scale); the same scale clears the flag.
 */
KC_EXPORT void kc_value_set_decimal_scale(kc_value_t *v, int32_t scale,
                                          int32_t schema_scale);
/** @brief Make a struct of @p schema (borrowed) with all fields null. */
KC_EXPORT void kc_value_set_struct(kc_arena_t *arena, kc_value_t *v,
                                   const kc_schema_t *schema);
/** @brief A struct field by name, or NULL if the schema has no such field. */
KC_EXPORT kc_value_t *kc_value_struct_get(const kc_value_t *v,
                                          const char *name);
/** @brief A map value by string key, or NULL. */
KC_EXPORT const kc_value_t *kc_value_map_get(const kc_value_t *v,
                                             const char *key);
/** @brief Deep copy of @p src into @p dst, all memory from @p arena. */
KC_EXPORT void kc_value_copy(kc_arena_t *arena, kc_value_t *dst,
                             const kc_value_t *src);
/** @brief Deep equality; floats compare by value, NaN equals NaN. */
KC_EXPORT bool kc_value_equals(const kc_value_t *a, const kc_value_t *b);
/**
 * @brief Check @p value against @p schema (NULL schema = schemaless: any
 * value). On mismatch returns KC_ERR_INVALID with a message naming the
 * field path, e.g. `field "address.zip": expected INT32, got STRING`.
 */
KC_EXPORT kc_err_t kc_value_validate(const kc_schema_t *schema,
                                     const kc_value_t *value, kc_error_t *err);

/* Decimal helpers: unscaled big-endian two's complement <-> text. */
/** @brief Append the plain decimal text ("-12.345") to @p out. */
KC_EXPORT kc_err_t kc_decimal_to_string(const uint8_t *unscaled, size_t len,
                                        int32_t scale, kc_buf_t *out);
/**
 * @brief Parse decimal text (optionally with exponent) at @p scale into the
 * minimal two's-complement bytes, allocated in @p arena. Fails if the text
 * has more fractional digits than @p scale allows without rounding.
 */
KC_EXPORT kc_err_t kc_decimal_from_string(kc_arena_t *arena, const char *text,
                                          size_t len, int32_t scale,
                                          const uint8_t **unscaled,
                                          size_t *out_len, kc_error_t *err);

/* A record header: key, optional schema (borrowed), value. */
typedef struct kc_header {
    const char *key;
    const kc_schema_t *schema;
    kc_value_t value;
} kc_header_t;

/*
 * A record, source or sink. Schemas are borrowed (NULL = schemaless) and
 * must stay valid until the batch's arena is reset. Source records carry
 * source_partition and source_offset (maps, KC_TYPE_NULL when absent);
 * sink records carry the Kafka partition and offset they came from.
 */
typedef struct kc_record {
    const char *topic;
    int32_t partition; /* -1 = let the producer choose */
    int64_t offset;    /* Kafka offset of a sink record, else -1 */
    int64_t timestamp; /* ms since the epoch, -1 = none */
    const kc_schema_t *key_schema;
    kc_value_t key;
    const kc_schema_t *value_schema;
    kc_value_t value;
    kc_header_t *headers;
    size_t header_count;
    size_t header_cap;
    kc_value_t source_partition;
    kc_value_t source_offset;
    const void *origin; /* runtime-private: the consumed message, if any */
} kc_record_t;

/** @brief Append a header; @p key is copied into @p arena. */
KC_EXPORT kc_header_t *kc_record_add_header(kc_arena_t *arena, kc_record_t *rec,
                                            const char *key,
                                            const kc_schema_t *schema,
                                            const kc_value_t *value);

/*
 * A batch of records. The records and everything they point to live in
 * `arena`; the `records` array is heap memory owned by the batch.
 */
typedef struct kc_batch {
    kc_arena_t *arena;
    kc_record_t **records;
    size_t len;
    size_t cap;
} kc_batch_t;

/** @brief Initialise with a new arena. */
KC_EXPORT void kc_batch_init(kc_batch_t *batch);
/** @brief Free the array and destroy the arena. */
KC_EXPORT void kc_batch_release(kc_batch_t *batch);
/** @brief Empty the batch and reset its arena (runs arena cleanups). */
KC_EXPORT void kc_batch_clear(kc_batch_t *batch);
/**
 * @brief Append a new record allocated in the batch's arena, with
 * partition, offset and timestamp -1 and null key and value.
 */
KC_EXPORT kc_record_t *kc_batch_add(kc_batch_t *batch);

#ifdef __cplusplus
}
#endif

#endif /* KC_KCONNECT_DATA_H */
