/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kconnect public API: properties and config definitions.
 *
 * kc_props_t is an ordered string map (a .properties file, a REST config
 * body). A kc_config_def_t table declares the keys a plugin or the worker
 * accepts; validation reports every bad key at once, and the typed getters
 * of kc_config_t apply the defaults.
 */
#ifndef KC_KCONNECT_CONFIG_H
#define KC_KCONNECT_CONFIG_H

#include <kconnect/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- properties ------------------------------------------------------ */

typedef struct kc_props kc_props_t;

KC_EXPORT kc_props_t *kc_props_new(void);
/** @brief NULL is a no-op. */
KC_EXPORT void kc_props_destroy(kc_props_t *props);
KC_EXPORT kc_props_t *kc_props_copy(const kc_props_t *props);
/** @brief Set (copying both); replaces an existing key in place. */
KC_EXPORT void kc_props_set(kc_props_t *props, const char *key,
                            const char *value);
/** @brief The value, or NULL when the key is absent. */
KC_EXPORT const char *kc_props_get(const kc_props_t *props, const char *key);
/** @brief @returns true if the key was present. */
KC_EXPORT bool kc_props_remove(kc_props_t *props, const char *key);
KC_EXPORT size_t kc_props_count(const kc_props_t *props);
/** @brief Entries in insertion order. */
KC_EXPORT const char *kc_props_key_at(const kc_props_t *props, size_t i);
KC_EXPORT const char *kc_props_value_at(const kc_props_t *props, size_t i);
/**
 * @brief New props with the keys that start with @p prefix, the prefix
 * removed (e.g. "producer." -> librdkafka settings).
 */
KC_EXPORT kc_props_t *kc_props_with_prefix(const kc_props_t *props,
                                           const char *prefix);
/** @brief Same key set and values, order ignored. */
KC_EXPORT bool kc_props_equal(const kc_props_t *a, const kc_props_t *b);

/**
 * @brief Parse Java .properties text (comments `#`/`!`, separators `=`,
 * `:` or whitespace, backslash escapes, `\uXXXX`, line continuations) and
 * add each entry to @p props. Errors name the line.
 */
KC_EXPORT kc_err_t kc_props_parse(kc_props_t *props, const char *text,
                                  size_t len, kc_error_t *err);
/** @brief Read and parse a .properties file; errors name the file. */
KC_EXPORT kc_err_t kc_props_load_file(kc_props_t *props, const char *path,
                                      kc_error_t *err);

/**
 * @brief Resolve `${provider:[path:]key}` references in every value using
 * the providers declared by `config.providers` in @p worker (e.g.
 * `config.providers=file,env` with `config.providers.file.class=
 * org.apache.kafka.common.config.provider.FileConfigProvider`). @p worker
 * may be @p props itself. An unresolvable reference to a declared provider
 * (missing file, key or variable, path outside `allowed.paths`) is an error
 * naming the key and the reference, where Apache would leave the text as
 * it is; a reference to a provider that is not declared stays as it is,
 * as in Apache. Resolved values are not resolved again. @p props is
 * unchanged on failure.
 */
KC_EXPORT kc_err_t kc_props_resolve(kc_props_t *props, const kc_props_t *worker,
                                    kc_error_t *err);

/* ---- config definitions --------------------------------------------- */

typedef enum kc_cfg_type {
    KC_CFG_BOOLEAN,
    KC_CFG_STRING,
    KC_CFG_INT,
    KC_CFG_SHORT,
    KC_CFG_LONG,
    KC_CFG_DOUBLE,
    KC_CFG_LIST,
    KC_CFG_CLASS,
    KC_CFG_PASSWORD
} kc_cfg_type_t;

typedef enum kc_cfg_importance {
    KC_IMPORTANCE_HIGH,
    KC_IMPORTANCE_MEDIUM,
    KC_IMPORTANCE_LOW
} kc_cfg_importance_t;

/* Row flags. */
#define KC_CFG_F_REQUIRED (1u << 0) /* no default: the key must be set */
#define KC_CFG_F_MIN      (1u << 1) /* numeric value >= min */
#define KC_CFG_F_MAX      (1u << 2) /* numeric value <= max */
#define KC_CFG_F_NONEMPTY (1u << 3) /* string/list must not be empty */
#define KC_CFG_F_NOCASE   (1u << 4) /* valid_values compare ignoring case */
#define KC_CFG_F_RESTART  (1u << 5) /* a change needs a restart */
#define KC_CFG_F_DYNAMIC  (1u << 6) /* may change at run time */
/*
 * The value is a secret: REST `config/validate` and the generated docs show
 * "[hidden]" instead of it (and of its default). A PASSWORD row is always
 * secret; the flag hides a key of another type (a STRING token, say).
 */
#define KC_CFG_F_SECRET (1u << 7)
/*
 * How a row is presented by REST (`GET /connector-plugins/{p}/config`,
 * `config/validate`), as Apache's ConfigDef.Width and orderInGroup. They
 * live in the flags so that the row's layout (and plugins' tables) stay as
 * they are. Without a width the row shows "NONE"; without an order, -1
 * outside a group and its place in the group (from 1) inside one.
 */
#define KC_CFG_F_WIDTH_SHORT  (1u << 8)
#define KC_CFG_F_WIDTH_MEDIUM (2u << 8)
#define KC_CFG_F_WIDTH_LONG   (3u << 8)
#define KC_CFG_F_WIDTH_MASK   (3u << 8)
/* Apache's orderInGroup @p n (-1 to 4094), in bits 16-27 of the flags. */
#define KC_CFG_ORDER(n)      ((unsigned)((n) + 2) << 16)
#define KC_CFG_ORDER_MASK    (0xfffu << 16)
#define KC_CFG_ORDER_OF(flg) ((int)(((flg)&KC_CFG_ORDER_MASK) >> 16) - 2)

/* What REST and the docs show in place of a secret value. */
#define KC_CONFIG_HIDDEN "[hidden]"

struct kc_config_def;

/**
 * A custom validator: @p value is the raw string (NULL when unset and no
 * default). Return KC_ERR_INVALID with a message to reject it; the issue
 * then reads "Invalid value <value> for configuration <name>: <message>",
 * as Apache's ConfigException. It is not called when the value did not
 * parse as the row's type (that is already an issue).
 */
typedef kc_err_t (*kc_cfg_validator_fn)(const struct kc_config_def *def,
                                        const char *value, kc_error_t *err);

/* One config key. A table ends with a row whose name is NULL. */
typedef struct kc_config_def {
    const char *name;
    kc_cfg_type_t type;
    const char *default_value; /* as text; NULL = null (see F_REQUIRED) */
    kc_cfg_importance_t importance;
    const char *doc;
    const char *group;        /* may be NULL */
    const char *display_name; /* may be NULL: the name is shown */
    unsigned flags;
    double min;                      /* with KC_CFG_F_MIN */
    double max;                      /* with KC_CFG_F_MAX */
    const char *const *valid_values; /* NULL-terminated, or NULL */
    kc_cfg_validator_fn validator;   /* may be NULL */
    /*
     * Where kc_config_bind() stores the parsed value: set both with
     * KC_CFG_BIND(struct type, field). size 0: the row is not bound. The
     * field's C type follows the row's type: BOOLEAN bool, SHORT int16_t,
     * INT int32_t, LONG int64_t, DOUBLE double, STRING/CLASS/PASSWORD
     * char * (NULL when null), LIST kc_cfg_list_t.
     */
    size_t offset;
    size_t size;
} kc_config_def_t;

/** @brief A row's bind target: `KC_CFG_BIND(my_conf_t, batch_size)`. */
#define KC_CFG_BIND(type, field)                                               \
    .offset = offsetof(type, field), .size = sizeof(((type *)0)->field)

/* A LIST value bound by kc_config_bind(): split on commas, items trimmed. */
typedef struct kc_cfg_list {
    char **items;
    size_t count;
} kc_cfg_list_t;

/** @brief Java's type name: "BOOLEAN", "STRING", "INT", ... */
KC_EXPORT const char *kc_cfg_type_name(kc_cfg_type_t type);
/** @brief The row named @p name in @p defs, or NULL. */
KC_EXPORT const kc_config_def_t *kc_config_def_find(const kc_config_def_t *defs,
                                                    const char *name);
/**
 * @brief True when the row's value must not be shown (a PASSWORD row, or
 * KC_CFG_F_SECRET): the one test REST and the docs use for "[hidden]".
 */
KC_EXPORT bool kc_config_def_is_secret(const kc_config_def_t *def);

/* The outcome of validating one key. */
typedef struct kc_config_issue {
    const char *key; /* borrowed from the def table or the props */
    char *message;   /* owned by the result */
} kc_config_issue_t;

typedef struct kc_config_result {
    kc_config_issue_t *issues;
    size_t count;
} kc_config_result_t;

/**
 * @brief Validate @p props against every table in @p defs (a NULL-terminated
 * array of tables, so a connector's keys and the common connector keys can
 * be checked together). Appends to @p result (zero-initialised, or holding
 * earlier issues) one issue per problem (type, range, valid values,
 * required, custom validator); a key may get several, as Apache's
 * errorMessages. Unknown keys are not
 * errors (Apache passes them through).
 * @returns KC_OK when there are no issues, else KC_ERR_INVALID.
 */
KC_EXPORT kc_err_t kc_config_validate(const kc_config_def_t *const *defs,
                                      const kc_props_t *props,
                                      kc_config_result_t *result);
/** @brief Free the messages and the array; NULL-safe. */
KC_EXPORT void kc_config_result_release(kc_config_result_t *result);
/**
 * @brief The first message of @p result for @p key, or NULL. (A key may
 * have several issues, one per message, as Apache's errorMessages list.)
 */
KC_EXPORT const char *kc_config_result_first(const kc_config_result_t *result,
                                             const char *key);
/**
 * @brief Put every issue of @p result into @p err as one message:
 * `invalid config: "k1": msg; "k2": msg`.
 */
KC_EXPORT kc_err_t kc_config_result_to_error(const kc_config_result_t *result,
                                             kc_error_t *err);

/*
 * A validated config: props plus the tables that define their types and
 * defaults. Getters on a key that no table defines are a bug (asserted);
 * getters of undefined-but-present keys use kc_config_props().
 */
typedef struct kc_config kc_config_t;

/**
 * @brief Validate and build a config. On failure returns NULL and fills
 * @p err with every bad key. @p props is copied; @p defs must outlive it.
 */
KC_EXPORT kc_config_t *kc_config_new(const kc_config_def_t *const *defs,
                                     const kc_props_t *props, kc_error_t *err);
KC_EXPORT void kc_config_destroy(kc_config_t *config);
KC_EXPORT const kc_props_t *kc_config_props(const kc_config_t *config);
/** @brief String value or default (NULL if neither). */
KC_EXPORT const char *kc_config_string(const kc_config_t *config,
                                       const char *key);
KC_EXPORT int64_t kc_config_long(const kc_config_t *config, const char *key);
KC_EXPORT int32_t kc_config_int(const kc_config_t *config, const char *key);
KC_EXPORT double kc_config_double(const kc_config_t *config, const char *key);
KC_EXPORT bool kc_config_bool(const kc_config_t *config, const char *key);
/**
 * @brief A LIST value split on commas with whitespace trimmed; the array
 * and strings are owned by the config. Empty list: *count 0.
 */
KC_EXPORT const char *const *kc_config_list(const kc_config_t *config,
                                            const char *key, size_t *count);
/** @brief True if the key was given explicitly (not a default). */
KC_EXPORT bool kc_config_is_set(const kc_config_t *config, const char *key);

/**
 * @brief Check each row of @p defs that has a target (see KC_CFG_BIND)
 * against @p props, as kc_config_new does (every bad key in @p err, with
 * the same messages), and store its value, default applied, into the
 * struct at @p out. Rows without a target are not read (kc_config_validate
 * checks a whole table). Strings and lists are copies owned by @p out:
 * free them with kc_config_bind_release(). On failure @p out is not
 * written. A target whose size does not fit the row's type is an error
 * naming the key (a bug in the table, refused rather than written).
 */
KC_EXPORT kc_err_t kc_config_bind(const kc_config_def_t *const *defs,
                                  const kc_props_t *props, void *out,
                                  kc_error_t *err);
/** @brief Free the strings and lists kc_config_bind() stored in @p out. */
KC_EXPORT void kc_config_bind_release(const kc_config_def_t *const *defs,
                                      void *out);

#ifdef __cplusplus
}
#endif

#endif /* KC_KCONNECT_CONFIG_H */
