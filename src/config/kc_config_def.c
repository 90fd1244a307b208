/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Config definitions: parsing each key by its type and checking it, with
 * the messages of Apache Kafka's ConfigDef so REST `config/validate`
 * answers read the same.
 */
#include "kc_internal.h"

#include <math.h>

#include "config/kc_config_parse.h"
#include "util/kc_str.h"

static const char *const kc_cfg_type_names[] = {
    [KC_CFG_BOOLEAN] = "BOOLEAN",   [KC_CFG_STRING] = "STRING",
    [KC_CFG_INT] = "INT",           [KC_CFG_SHORT] = "SHORT",
    [KC_CFG_LONG] = "LONG",         [KC_CFG_DOUBLE] = "DOUBLE",
    [KC_CFG_LIST] = "LIST",         [KC_CFG_CLASS] = "CLASS",
    [KC_CFG_PASSWORD] = "PASSWORD",
};

const char *kc_cfg_type_name(kc_cfg_type_t type)
{
    if ((size_t)type >= KC_ARRAY_LEN(kc_cfg_type_names)) {
        return "UNKNOWN";
    }
    return kc_cfg_type_names[type];
}

const kc_config_def_t *kc_config_def_find(const kc_config_def_t *defs,
                                          const char *name)
{
    for (; defs != NULL && defs->name != NULL; defs++) {
        if (strcmp(defs->name, name) == 0) {
            return defs;
        }
    }
    return NULL;
}

bool kc_config_def_is_secret(const kc_config_def_t *def)
{
    return def->type == KC_CFG_PASSWORD || (def->flags & KC_CFG_F_SECRET);
}

const kc_config_def_t *kc_config_defs_find(const kc_config_def_t *const *defs,
                                           const char *name)
{
    for (size_t t = 0; defs[t] != NULL; t++) {
        const kc_config_def_t *def = kc_config_def_find(defs[t], name);

        if (def != NULL) {
            return def;
        }
    }
    return NULL;
}

void kc_cfg_format_double(double v, char *out, size_t size)
{
    /* Java's Double.toString: always a fraction digit, shortest text */
    if (isnan(v)) {
        snprintf(out, size, "NaN");
    } else if (isinf(v)) {
        snprintf(out, size, v < 0 ? "-Infinity" : "Infinity");
    } else if (v == floor(v) && fabs(v) < 1e7) {
        snprintf(out, size, "%.1f", v);
    } else {
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(out, size, "%.*g", prec, v);
            if (strtod(out, NULL) == v) {
                break;
            }
        }
    }
}

void kc_cfg_value_clear(kc_cfg_value_t *val)
{
    kc_free(val->str);
    kc_strlist_release(&val->list);
    memset(val, 0, sizeof(*val));
}

/*
 * Append one issue; @p key must outlive @p result (it is a row's name).
 * Not kc_config_result_add: that one (herder) takes a ready message.
 */
static void kc_cfg_issue_add(kc_config_result_t *result, const char *key,
                             const char *fmt, ...) KC_PRINTF(3, 4);

static void kc_cfg_issue_add(kc_config_result_t *result, const char *key,
                             const char *fmt, ...)
{
    va_list ap;
    kc_buf_t msg;
    kc_config_issue_t *issue;

    kc_buf_init(&msg, 0);
    va_start(ap, fmt);
    {
        va_list cp;
        int n;

        va_copy(cp, ap);
        n = vsnprintf(NULL, 0, fmt, cp);
        va_end(cp);
        if (n >= 0 && kc_buf_reserve(&msg, (size_t)n + 1) == KC_OK) {
            vsnprintf((char *)msg.data, (size_t)n + 1, fmt, ap);
            msg.len = (size_t)n;
        }
    }
    va_end(ap);
    result->issues =
        kc_realloc(result->issues, (result->count + 1) * sizeof(*issue));
    issue = &result->issues[result->count++];
    issue->key = key;
    issue->message = kc_buf_detach(&msg, NULL);
}

/* Print the value as Java would print the parsed object. */
static void kc_cfg_value_text(const kc_config_def_t *def,
                              const kc_cfg_value_t *val, char *out, size_t size)
{
    if (val->is_null) {
        snprintf(out, size, "null");
        return;
    }
    if (kc_config_def_is_secret(def)) {
        snprintf(out, size, "%s", KC_CONFIG_HIDDEN);
        return;
    }
    switch (def->type) {
    case KC_CFG_INT:
    case KC_CFG_SHORT:
    case KC_CFG_LONG:
        snprintf(out, size, "%lld", (long long)val->i);
        break;
    case KC_CFG_DOUBLE:
        kc_cfg_format_double(val->d, out, size);
        break;
    case KC_CFG_BOOLEAN:
        snprintf(out, size, "%s", val->b ? "true" : "false");
        break;
    default:
        snprintf(out, size, "%s", val->str);
        break;
    }
}

kc_err_t kc_cfg_parse_value(const kc_config_def_t *def, const char *raw,
                            kc_cfg_value_t *val, kc_error_t *err)
{
    int64_t i = 0;
    static const struct {
        int64_t min;
        int64_t max;
    } range[] = {
        [KC_CFG_INT] = {INT32_MIN, INT32_MAX},
        [KC_CFG_SHORT] = {INT16_MIN, INT16_MAX},
        [KC_CFG_LONG] = {INT64_MIN, INT64_MAX},
    };

    memset(val, 0, sizeof(*val));
    if (raw == NULL) {
        val->is_null = true;
        return KC_OK;
    }
    switch (def->type) {
    case KC_CFG_BOOLEAN:
        if (kc_str_to_bool(raw, &val->b) != KC_OK) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "Invalid value %s for configuration %s: "
                                "Expected value to be either true or false",
                                raw, def->name);
        }
        break;
    case KC_CFG_INT:
    case KC_CFG_SHORT:
    case KC_CFG_LONG:
        if (kc_str_to_i64(raw, range[def->type].min, range[def->type].max,
                          &i) != KC_OK) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "Invalid value %s for configuration %s: "
                                "Not a number of type %s",
                                raw, def->name, kc_cfg_type_name(def->type));
        }
        val->i = i;
        val->d = (double)i;
        break;
    case KC_CFG_DOUBLE:
        if (kc_str_to_double(raw, &val->d) != KC_OK) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "Invalid value %s for configuration %s: "
                                "Not a number of type DOUBLE",
                                raw, def->name);
        }
        break;
    case KC_CFG_LIST:
        kc_str_split_comma(raw, &val->list);
        break;
    case KC_CFG_STRING:
    case KC_CFG_CLASS:
    case KC_CFG_PASSWORD:
        break;
    }
    val->str = kc_str_trim_dup(raw, strlen(raw));
    return KC_OK;
}

static bool kc_cfg_in_valid(const kc_config_def_t *def, const char *s)
{
    for (size_t i = 0; def->valid_values[i] != NULL; i++) {
        bool match = (def->flags & KC_CFG_F_NOCASE)
                         ? kc_str_eq_nocase(def->valid_values[i], s)
                         : strcmp(def->valid_values[i], s) == 0;

        if (match) {
            return true;
        }
    }
    return false;
}

static void kc_cfg_valid_list_text(const kc_config_def_t *def, kc_buf_t *out)
{
    for (size_t i = 0; def->valid_values[i] != NULL; i++) {
        const char *v = def->valid_values[i];

        if (i > 0) {
            kc_buf_puts(out, ", ");
        }
        for (; *v != '\0'; v++) {
            char c = *v;

            if ((def->flags & KC_CFG_F_NOCASE) && c >= 'a' && c <= 'z') {
                c = (char)(c - 'a' + 'A');
            }
            kc_buf_putc(out, c);
        }
    }
}

static void kc_cfg_issue_valid(kc_config_result_t *result,
                               const kc_config_def_t *def, const char *value)
{
    kc_buf_t list;

    kc_buf_init(&list, 0);
    kc_cfg_valid_list_text(def, &list);
    kc_cfg_issue_add(result, def->name,
                     "Invalid value %s for configuration %s: String "
                     "must be one of%s: %s",
                     value ? value : "null", def->name,
                     (def->flags & KC_CFG_F_NOCASE) ? " (case insensitive)"
                                                    : "",
                     kc_buf_cstr(&list));
    kc_buf_release(&list);
}

static void kc_cfg_format_bound(const kc_config_def_t *def, double bound,
                                char *out, size_t size)
{
    if (def->type == KC_CFG_DOUBLE) {
        kc_cfg_format_double(bound, out, size);
    } else {
        snprintf(out, size, "%.0f", bound);
    }
}

/* The built-in validators of a row, run on a parsed, non-null value. */
static void kc_cfg_check_rules(const kc_config_def_t *def,
                               const kc_cfg_value_t *val,
                               kc_config_result_t *result)
{
    char text[128];
    char bound[64];
    bool numeric = def->type == KC_CFG_INT || def->type == KC_CFG_SHORT ||
                   def->type == KC_CFG_LONG || def->type == KC_CFG_DOUBLE;

    kc_cfg_value_text(def, val, text, sizeof(text));
    if (numeric && (def->flags & KC_CFG_F_MIN) && val->d < def->min) {
        kc_cfg_format_bound(def, def->min, bound, sizeof(bound));
        kc_cfg_issue_add(result, def->name,
                         "Invalid value %s for configuration %s: Value "
                         "must be at least %s",
                         text, def->name, bound);
    }
    if (numeric && (def->flags & KC_CFG_F_MAX) && val->d > def->max) {
        kc_cfg_format_bound(def, def->max, bound, sizeof(bound));
        kc_cfg_issue_add(result, def->name,
                         "Invalid value %s for configuration %s: Value "
                         "must be no more than %s",
                         text, def->name, bound);
    }
    if (def->flags & KC_CFG_F_NONEMPTY) {
        if (def->type == KC_CFG_LIST && val->list.count == 0) {
            kc_cfg_issue_add(result, def->name,
                             "Invalid value %s for configuration %s: "
                             "List must not be empty",
                             val->str, def->name);
        } else if (def->type != KC_CFG_LIST && val->str[0] == '\0') {
            kc_cfg_issue_add(result, def->name,
                             "Invalid value  for configuration %s: "
                             "String must be non-empty",
                             def->name);
        }
    }
    if (def->valid_values != NULL) {
        if (def->type == KC_CFG_LIST) {
            for (size_t i = 0; i < val->list.count; i++) {
                if (!kc_cfg_in_valid(def, val->list.items[i])) {
                    kc_cfg_issue_valid(result, def, val->list.items[i]);
                    break;
                }
            }
        } else if (!kc_cfg_in_valid(def, val->str)) {
            kc_cfg_issue_valid(result, def,
                               kc_config_def_is_secret(def) ? KC_CONFIG_HIDDEN
                                                            : val->str);
        }
    }
}

void kc_cfg_check(const kc_config_def_t *def, const char *raw,
                  kc_config_result_t *result, kc_cfg_value_t *val)
{
    kc_error_t err;
    const char *value = raw;

    kc_error_clear(&err);
    if (value == NULL) {
        if (def->flags & KC_CFG_F_REQUIRED) {
            kc_cfg_issue_add(result, def->name,
                             "Missing required configuration \"%s\" "
                             "which has no default value.",
                             def->name);
            memset(val, 0, sizeof(*val));
            val->is_null = true;
            return;
        }
        value = def->default_value;
    }
    if (kc_cfg_parse_value(def, value, val, &err) != KC_OK) {
        kc_cfg_issue_add(result, def->name, "%s", err.msg);
        if (def->flags & (KC_CFG_F_MIN | KC_CFG_F_MAX)) {
            /* As ConfigDef: the range then checks the null it was left. */
            kc_cfg_issue_add(result, def->name,
                             "Invalid value null for configuration %s: "
                             "Value must be non-null",
                             def->name);
        }
        val->is_null = true;
        return;
    }
    if (!val->is_null) {
        kc_cfg_check_rules(def, val, result);
    }
    if (def->validator != NULL) {
        kc_error_clear(&err);
        if (def->validator(def, value, &err) != KC_OK) {
            char text[128];

            kc_cfg_value_text(def, val, text, sizeof(text));
            kc_cfg_issue_add(result, def->name,
                             "Invalid value %s for configuration %s: %s", text,
                             def->name, err.msg[0] ? err.msg : "invalid value");
        }
    }
}

static bool kc_cfg_seen_before(const kc_config_def_t *const *defs, size_t t,
                               const char *name)
{
    for (size_t k = 0; k < t; k++) {
        if (kc_config_def_find(defs[k], name) != NULL) {
            return true;
        }
    }
    return false;
}

kc_err_t kc_config_validate(const kc_config_def_t *const *defs,
                            const kc_props_t *props, kc_config_result_t *result)
{
    for (size_t t = 0; defs[t] != NULL; t++) {
        for (const kc_config_def_t *def = defs[t]; def->name != NULL; def++) {
            kc_cfg_value_t val;

            /* a key defined by two tables is checked by the first */
            if (kc_cfg_seen_before(defs, t, def->name) ||
                kc_config_def_find(defs[t], def->name) != def) {
                continue;
            }
            kc_cfg_check(def, kc_props_get(props, def->name), result, &val);
            kc_cfg_value_clear(&val);
        }
    }
    return result->count == 0 ? KC_OK : KC_ERR_INVALID;
}

/* ---- results --------------------------------------------------------- */

void kc_config_result_release(kc_config_result_t *result)
{
    if (result == NULL) {
        return;
    }
    for (size_t i = 0; i < result->count; i++) {
        kc_free(result->issues[i].message);
    }
    kc_free(result->issues);
    result->issues = NULL;
    result->count = 0;
}

const char *kc_config_result_first(const kc_config_result_t *result,
                                   const char *key)
{
    for (size_t i = 0; i < result->count; i++) {
        if (strcmp(result->issues[i].key, key) == 0) {
            return result->issues[i].message;
        }
    }
    return NULL;
}

kc_err_t kc_config_result_to_error(const kc_config_result_t *result,
                                   kc_error_t *err)
{
    kc_buf_t msg;

    if (result->count == 0) {
        kc_error_clear(err);
        return KC_OK;
    }
    kc_buf_init(&msg, 0);
    kc_buf_puts(&msg, "invalid config: ");
    for (size_t i = 0; i < result->count; i++) {
        kc_buf_printf(&msg, "%s\"%s\": %s", i ? "; " : "",
                      result->issues[i].key, result->issues[i].message);
    }
    kc_error_set(err, KC_ERR_INVALID, "%s", kc_buf_cstr(&msg));
    kc_buf_release(&msg);
    return KC_ERR_INVALID;
}
