/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Java text form of a Connect value: what Apache Kafka's runtime prints
 * for String.valueOf(value) when the value holds the Java types that
 * JsonConverter makes (String, Long, Double, Boolean, ArrayList, HashMap,
 * Struct, BigDecimal, java.util.Date). FileStreamSink writes this text.
 *
 * Where Java's output cannot be reproduced the choice is documented here:
 * - byte[] prints as "[B@<identity hash>" in Java, which is neither stable
 *   nor useful; kconnect writes the bytes as base64 (the text JsonConverter
 *   writes for them).
 * - java.util.Date prints in the JVM's default time zone; kconnect always
 *   prints UTC ("Thu Jan 01 00:00:00 UTC 1970"), as a JVM with TZ=UTC does.
 *   Dates before 1582-10-15 use the Julian calendar, as Java's Date does,
 *   and years before 1 AD print as their year of the era (1 BC is "1").
 * - HashMap prints in hash-bucket order. kconnect reproduces that order for
 *   keys whose Java hashCode() is defined by value (String, numbers,
 *   Boolean, Decimal, Date/Time/Timestamp, null), assuming the map was
 *   filled in the value's key order (as JsonConverter fills it from the
 *   JSON document). Other keys (bytes, arrays, maps, structs) print in the
 *   value's order. A bucket of 9+ colliding keys in a table of 64+ slots
 *   is a tree in Java, whose order may differ.
 * - Double/Float follow the shortest-repr rule of Java 19+
 *   (kc_java_number.h); Java 17 prints more digits for a few rare values.
 */
#ifndef KC_DATA_KC_VALUE_TEXT_H
#define KC_DATA_KC_VALUE_TEXT_H

#include <kconnect/data.h>

/**
 * @brief Append Java's String.valueOf text of @p value to @p out. @p schema
 * (borrowed, NULL when schemaless) gives the logical types (Decimal, Date,
 * Time, Timestamp) and the schemas of nested items; a struct carries its
 * own schema.
 * @returns KC_OK, or KC_ERR_TOO_LARGE if @p out is bounded and full.
 */
kc_err_t kc_value_text_append(kc_buf_t *out, const kc_schema_t *schema,
                              const kc_value_t *value);

/**
 * @brief Java's java.util.Date.toString for @p ms since the epoch in UTC,
 * e.g. "Thu Jan 01 00:00:00 UTC 1970", into @p out (at least 48 bytes).
 * @returns the length.
 */
size_t kc_value_text_date(int64_t ms, char *out, size_t size);
/** @brief Java's String.hashCode of UTF-8 text (over its UTF-16 units). */
int32_t kc_value_text_string_hash(const char *s, size_t len);

typedef struct kc_map_order_level {
    size_t *order;
    size_t cap;
} kc_map_order_level_t;

/**
 * Reusable memory for map orders: one order buffer per nesting depth, plus
 * the hashes and bucket counts of the map being ordered. It grows to the
 * largest map seen and keeps its memory, so ordering maps no larger than
 * earlier ones allocates nothing. Zero-initialized is empty; owned by one
 * thread at a time; kc_map_order_scratch_release frees what it holds.
 */
typedef struct kc_map_order_scratch {
    kc_map_order_level_t *levels; /* [levels_cap], by depth */
    size_t levels_cap;
    size_t depth; /* pushes not yet popped */
    uint32_t *hashes;
    size_t hashes_cap;
    size_t *counts; /* per bucket of the replayed table */
    size_t counts_cap;
    size_t *spare; /* kc_value_map_java_order_sized's result */
    size_t spare_cap;
} kc_map_order_scratch_t;

/**
 * @brief The calling thread's scratch, owned by the thread: freed when
 * the thread exits. Never release it; never hand it to another thread.
 */
kc_map_order_scratch_t *kc_map_order_thread_scratch(void);

/**
 * @brief The order Java iterates map @p map in: NULL for the entries' own
 * order (a LinkedHashMap, KC_VALUE_F_LINKED; fewer than two entries; keys
 * without a value-defined hash), else the entry indexes in
 * java.util.HashMap order, in memory of @p s: valid (and kept by @p s)
 * until the matching kc_map_order_pop. Every push, whatever it returns, is
 * matched by one pop, innermost first, so maps nested in @p map can push their
 * own.
 */
const size_t *kc_map_order_push(kc_map_order_scratch_t *s,
                                const kc_schema_t *key_schema,
                                const kc_value_t *map);
/**
 * @brief kc_map_order_push for a HashMap whose first table has @p table
 * buckets (as kc_value_map_java_order_sized); popped the same way.
 */
const size_t *kc_map_order_push_sized(kc_map_order_scratch_t *s,
                                      const kc_schema_t *key_schema,
                                      const kc_value_t *map, size_t table);
/** @brief Give back the order of the innermost kc_map_order_push. */
void kc_map_order_pop(kc_map_order_scratch_t *s);
/** @brief Free what @p s holds (a caller-owned scratch only). */
void kc_map_order_scratch_release(kc_map_order_scratch_t *s);

/**
 * @brief The Java class Apache's runtime holds for @p value, as its
 * messages name it ("java.lang.String", "java.util.HashMap", "[B"; "null"
 * for null). Static text.
 */
const char *kc_value_java_class(const kc_value_t *value);

/**
 * @brief Fill @p order (map->u.map.len slots) with the entry indexes in
 * the order a java.util.HashMap made with `new HashMap<>()` and filled in
 * index order iterates them (JsonConverter fills its maps that way).
 * @p key_schema (borrowed) may be NULL for a schemaless map.
 * @returns false, with @p order untouched, if some key has no
 * value-defined Java hash code (bytes, arrays, maps, structs).
 */
bool kc_value_map_java_order(const kc_schema_t *key_schema,
                             const kc_value_t *map, size_t *order);

/**
 * @brief kc_value_map_java_order for a HashMap whose first table has
 * @p table buckets (a power of two): what `new HashMap<>(n)`
 * (kc_java_table_size_for(n)) or `new HashMap<>(map)`
 * (kc_java_hashmap_copy_table) start with; 16 for `new HashMap<>()`.
 * The entries are taken as inserted in index order. Works in the calling
 * thread's map order scratch: allocates nothing once that is warm.
 */
bool kc_value_map_java_order_sized(const kc_schema_t *key_schema,
                                   const kc_value_t *map, size_t table,
                                   size_t *order);
/** @brief Java's HashMap.tableSizeFor: the power of two >= @p capacity. */
size_t kc_java_table_size_for(size_t capacity);
/**
 * @brief The first table size of `new HashMap<>(m)` for an @p n-entry m
 * (as JDK 19 and later size it).
 */
size_t kc_java_hashmap_copy_table(size_t n);

#endif /* KC_DATA_KC_VALUE_TEXT_H */
