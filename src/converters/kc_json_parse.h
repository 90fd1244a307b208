/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A JSON reader for the JsonConverter: parses a whole document into a tree
 * in an arena (no per-node malloc), keeping each number's exact text so
 * Decimals and 64-bit integers lose nothing. It accepts what Apache's
 * JsonDeserializer (Jackson) accepts: RFC 8259 plus leading zeros in
 * numbers and a UTF-8 byte order mark; it rejects trailing data.
 */
#ifndef KC_CONVERTERS_KC_JSON_PARSE_H
#define KC_CONVERTERS_KC_JSON_PARSE_H

#include <kconnect/common.h>

typedef enum kc_jtype {
    KC_JSON_NULL = 0,
    KC_JSON_FALSE,
    KC_JSON_TRUE,
    KC_JSON_NUMBER,
    KC_JSON_STRING,
    KC_JSON_ARRAY,
    KC_JSON_OBJECT
} kc_jtype_t;

typedef struct kc_jnode kc_jnode_t;

/*
 * A node. STRING: `text`/`len` is the decoded UTF-8 (NUL-terminated).
 * NUMBER: `text`/`len` is the literal as written; `integral` when it has
 * no fraction or exponent. ARRAY/OBJECT: `len` children from `child`
 * through `next`; object members carry `key`/`key_len`. `src`/`src_len`
 * is the node's raw text in the input (containers only).
 */
struct kc_jnode {
    kc_jtype_t type;
    bool integral;
    const char *text;
    size_t len;
    const char *key;
    size_t key_len;
    kc_jnode_t *child;
    kc_jnode_t *next;
    const char *src;
    size_t src_len;
};

/* Deepest nesting accepted, as Jackson's default read constraints. */
#define KC_JSON_MAX_DEPTH 1000

/**
 * @brief Parse @p len bytes at @p data into a tree in @p arena. An input
 * of only whitespace gives *root NULL (Jackson's "missing" node).
 * @returns KC_ERR_INVALID with the offset and reason on bad JSON.
 */
kc_err_t kc_json_parse(kc_arena_t *arena, const uint8_t *data, size_t len,
                       kc_jnode_t **root, kc_error_t *err);

/**
 * @brief Parse the one value starting at @p off of @p len bytes at @p data,
 * as if nested @p depth containers deep; *end is the offset just after it.
 * Leading whitespace is skipped, trailing data is left to the caller.
 */
kc_err_t kc_json_parse_at(kc_arena_t *arena, const uint8_t *data, size_t len,
                          size_t off, int depth, kc_jnode_t **node, size_t *end,
                          kc_error_t *err);

/** @brief The member @p key of an object (the last, if repeated), or NULL. */
const kc_jnode_t *kc_json_get(const kc_jnode_t *obj, const char *key);

/** @brief Jackson's node type name: "OBJECT", "NUMBER", ... */
const char *kc_json_type_name(const kc_jnode_t *node);

#endif /* KC_CONVERTERS_KC_JSON_PARSE_H */
