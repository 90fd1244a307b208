/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The transform chain: validated and configured once per task, applied
 * per record. Validation and construction share the per-alias checks so
 * REST `config/validate` and task start report the same problems.
 */
#include "kc_internal.h"

#include "transforms/kc_transform_chain.h"

#include "plugins/kc_plugin_version.h"
#include "plugins/kc_registry.h"
#include "util/kc_str.h"

typedef struct kc_chain_pred {
    const struct kc_predicate_plugin *plugin;
    void *ctx;
} kc_chain_pred_t;

typedef struct kc_chain_stage {
    char *alias;
    char *pred_alias; /* NULL: always applies */
    const struct kc_transform_plugin *plugin;
    void *ctx;
    kc_chain_pred_t pred;
    bool negate;
} kc_chain_stage_t;

struct kc_transform_chain {
    kc_chain_stage_t *stages;
    size_t len;
};

/* ---- issues ---------------------------------------------------------- */

/*
 * Append an issue whose key is a copy: it lives in the same allocation as
 * the message (after its NUL), which kc_config_result_release frees.
 */
static void kc_chain_issue(kc_config_result_t *result, const char *key,
                           const char *fmt, ...) KC_PRINTF(3, 4);

static void kc_chain_issue(kc_config_result_t *result, const char *key,
                           const char *fmt, ...)
{
    kc_buf_t msg;
    va_list ap;
    char buf[1024];
    size_t mlen;
    char *both;
    kc_config_issue_t *issue;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    kc_buf_init(&msg, 0);
    kc_buf_puts(&msg, buf);
    mlen = msg.len;
    kc_buf_append(&msg, "", 1);
    kc_buf_puts(&msg, key);
    both = kc_buf_detach(&msg, NULL);
    result->issues =
        kc_realloc(result->issues, (result->count + 1) * sizeof(*issue));
    issue = &result->issues[result->count++];
    issue->message = both;
    issue->key = both + mlen + 1;
}

/* ---- per-alias checks ------------------------------------------------ */

static kc_props_t *kc_chain_sub_props(const kc_props_t *config,
                                      const char *list_key, const char *alias)
{
    char *prefix = kc_asprintf("%s.%s.", list_key, alias);
    kc_props_t *sub = kc_props_with_prefix(config, prefix);

    kc_free(prefix);
    return sub;
}

static bool kc_chain_blank(const char *s)
{
    if (s == NULL) {
        return true;
    }
    while (*s != '\0' && kc_str_is_space(*s)) {
        s++;
    }
    return *s == '\0';
}

/*
 * Validate the plugin's own keys under their full names, as Apache embeds
 * the plugin's ConfigDef with the alias prefix: messages then name
 * "transforms.a.regex", not "regex".
 */
static void kc_chain_check_own_keys(const kc_props_t *config,
                                    const char *list_key, const char *alias,
                                    const kc_config_def_t *defs,
                                    kc_config_result_t *result)
{
    size_t n = 0;
    kc_config_def_t *prefixed;
    const kc_config_def_t *tables[2];
    kc_config_result_t own = {0};

    while (defs[n].name != NULL) {
        n++;
    }
    prefixed = kc_calloc(n + 1, sizeof(*prefixed));
    for (size_t i = 0; i < n; i++) {
        prefixed[i] = defs[i];
        prefixed[i].name =
            kc_asprintf("%s.%s.%s", list_key, alias, defs[i].name);
    }
    tables[0] = prefixed;
    tables[1] = NULL;
    kc_config_validate(tables, config, &own);
    for (size_t i = 0; i < own.count; i++) {
        kc_chain_issue(result, own.issues[i].key, "%s", own.issues[i].message);
    }
    kc_config_result_release(&own);
    for (size_t i = 0; i < n; i++) {
        kc_free((char *)prefixed[i].name);
    }
    kc_free(prefixed);
}

/*
 * Check `<list_key>.<alias>.type` and the plugin's own keys. Returns the
 * descriptor (NULL when the type is missing or unknown).
 */
static const kc_plugin_head_t *
kc_chain_check_alias(const kc_registry_t *reg, const kc_props_t *config,
                     const char *list_key, const char *alias,
                     kc_plugin_kind_t kind, kc_config_result_t *result)
{
    char *key = kc_asprintf("%s.%s.type", list_key, alias);
    const char *type = kc_props_get(config, key);
    const kc_plugin_head_t *head = NULL;
    bool own = true;

    if (kc_chain_blank(type)) {
        kc_chain_issue(result, key,
                       "Missing required configuration \"%s\" which has no "
                       "default value.",
                       key);
    } else {
        char *trimmed = kc_str_trim_dup(type, strlen(type));

        head = kc_registry_find(reg, kind, trimmed);
        if (head == NULL) {
            kc_chain_issue(result, key,
                           "Invalid value %s for configuration %s: Class %s "
                           "could not be found.",
                           trimmed, key, trimmed);
        }
        kc_free(trimmed);
    }
    if (head != NULL) {
        char *vkey = kc_asprintf("%s.%s.plugin.version", list_key, alias);
        const char *req = kc_props_get(config, vkey);
        char *msg = req != NULL && head->version != NULL
                        ? kc_plugin_version_mismatch(head->class_name != NULL
                                                         ? head->class_name
                                                         : head->name,
                                                     req, head->version, 1)
                        : NULL;

        if (msg != NULL) {
            kc_chain_issue(result, key, "%s", msg);
            kc_chain_issue(result, vkey, "%s", msg);
            kc_free(msg);
            /* As Apache, which cannot load it: its own keys go unchecked. */
            own = false;
        }
        kc_free(vkey);
    }
    if (own && head != NULL && head->config_def != NULL) {
        kc_chain_check_own_keys(config, list_key, alias, head->config_def,
                                result);
    }
    kc_free(key);
    return head;
}

static void kc_chain_list(const kc_props_t *config, const char *list_key,
                          kc_strlist_t *out, kc_config_result_t *result)
{
    const char *list = kc_props_get(config, list_key);

    if (list == NULL) {
        return;
    }
    kc_str_split_comma(list, out);
    for (size_t i = 0; i < out->count; i++) {
        for (size_t j = 0; j < i; j++) {
            if (strcmp(out->items[i], out->items[j]) == 0) {
                kc_buf_t shown;

                /* Apache prints the parsed list (Java's List.toString). */
                kc_buf_init(&shown, 0);
                kc_buf_putc(&shown, '[');
                for (size_t k = 0; k < out->count; k++) {
                    kc_buf_printf(&shown, "%s%s", k > 0 ? ", " : "",
                                  out->items[k]);
                }
                kc_buf_putc(&shown, ']');
                kc_chain_issue(result, list_key,
                               "Invalid value %s for configuration %s: "
                               "Duplicate alias provided.",
                               kc_buf_cstr(&shown), list_key);
                kc_buf_release(&shown);
                return;
            }
        }
    }
}

static bool kc_chain_listed(const kc_strlist_t *list, const char *alias)
{
    for (size_t i = 0; i < list->count; i++) {
        if (strcmp(list->items[i], alias) == 0) {
            return true;
        }
    }
    return false;
}

/*
 * The implicit `predicate` and `negate` keys of transform @p alias.
 * Returns the predicate alias (borrowed from @p config) or NULL.
 */
static const char *kc_chain_check_stage_keys(const kc_props_t *config,
                                             const char *alias,
                                             const kc_strlist_t *preds,
                                             bool *negate,
                                             kc_config_result_t *result)
{
    char *pkey = kc_asprintf("transforms.%s.predicate", alias);
    char *nkey = kc_asprintf("transforms.%s.negate", alias);
    char *tkey = kc_asprintf("transforms.%s.type", alias);
    const char *pred = kc_props_get(config, pkey);
    const char *neg = kc_props_get(config, nkey);

    *negate = false;
    if (neg != NULL && pred == NULL) {
        /* Apache reports it on the transform's type key. */
        kc_chain_issue(result, tkey,
                       "Config '%s' was provided but there is no config '%s' "
                       "defining a predicate to be negated.",
                       nkey, pkey);
    } else if (neg != NULL && kc_str_to_bool(neg, negate) != KC_OK) {
        kc_chain_issue(result, nkey,
                       "Invalid value %s for configuration %s: Expected value "
                       "to be either true or false",
                       neg, nkey);
    }
    if (pred != NULL && !kc_chain_listed(preds, pred)) {
        kc_chain_issue(result, pkey,
                       "Invalid value %s for configuration %s: predicate "
                       "\"%s\" is not listed in \"predicates\"",
                       pred, pkey, pred);
    }
    kc_free(pkey);
    kc_free(nkey);
    kc_free(tkey);
    return pred;
}

static bool kc_chain_listed_before(const kc_strlist_t *list, size_t i)
{
    for (size_t j = 0; j < i; j++) {
        if (strcmp(list->items[i], list->items[j]) == 0) {
            return true;
        }
    }
    return false;
}

void kc_transform_chain_validate(const kc_registry_t *reg,
                                 const kc_props_t *config,
                                 kc_config_result_t *result)
{
    kc_strlist_t tx = {0};
    kc_strlist_t preds = {0};
    bool negate;

    kc_chain_list(config, "transforms", &tx, result);
    kc_chain_list(config, "predicates", &preds, result);
    for (size_t i = 0; i < tx.count; i++) {
        if (kc_chain_listed_before(&tx, i)) {
            continue; /* a duplicate alias is reported once, on the list */
        }
        kc_chain_check_alias(reg, config, "transforms", tx.items[i],
                             KC_PLUGIN_TRANSFORM, result);
        kc_chain_check_stage_keys(config, tx.items[i], &preds, &negate, result);
    }
    for (size_t i = 0; i < preds.count; i++) {
        if (kc_chain_listed_before(&preds, i)) {
            continue;
        }
        kc_chain_check_alias(reg, config, "predicates", preds.items[i],
                             KC_PLUGIN_PREDICATE, result);
    }
    kc_strlist_release(&tx);
    kc_strlist_release(&preds);
}

/* ---- building -------------------------------------------------------- */

/* Turn the issues of @p what into one error naming each key. */
static kc_err_t kc_chain_fail(const kc_config_result_t *result,
                              const char *what, const char *alias,
                              kc_error_t *err)
{
    kc_config_result_to_error(result, err);
    kc_error_prefix(err, "%s \"%s\"", what, alias);
    return KC_ERR_INVALID;
}

static kc_err_t kc_chain_build_stage(kc_chain_stage_t *st,
                                     const kc_registry_t *reg,
                                     const kc_props_t *config,
                                     const char *alias,
                                     const kc_strlist_t *preds, kc_error_t *err)
{
    kc_config_result_t result = {0};
    const kc_plugin_head_t *head;
    const char *pred;
    kc_props_t *sub;
    kc_err_t rc;

    head = kc_chain_check_alias(reg, config, "transforms", alias,
                                KC_PLUGIN_TRANSFORM, &result);
    pred =
        kc_chain_check_stage_keys(config, alias, preds, &st->negate, &result);
    if (result.count > 0) {
        rc = kc_chain_fail(&result, "transform", alias, err);
        kc_config_result_release(&result);
        return rc;
    }
    st->plugin = (const struct kc_transform_plugin *)head;
    st->alias = kc_strdup(alias);
    sub = kc_chain_sub_props(config, "transforms", alias);
    kc_props_remove(sub, "predicate");
    kc_props_remove(sub, "negate");
    rc = st->plugin->configure(&st->ctx, sub, err);
    kc_props_destroy(sub);
    if (rc != KC_OK) {
        st->plugin = NULL;
        kc_error_prefix(err, "could not configure transform \"%s\"", alias);
        return rc;
    }
    if (pred == NULL) {
        return KC_OK;
    }
    head = kc_chain_check_alias(reg, config, "predicates", pred,
                                KC_PLUGIN_PREDICATE, &result);
    if (result.count > 0) {
        rc = kc_chain_fail(&result, "predicate", pred, err);
        kc_config_result_release(&result);
        return rc;
    }
    st->pred.plugin = (const struct kc_predicate_plugin *)head;
    st->pred_alias = kc_strdup(pred);
    sub = kc_chain_sub_props(config, "predicates", pred);
    rc = st->pred.plugin->configure(&st->pred.ctx, sub, err);
    kc_props_destroy(sub);
    if (rc != KC_OK) {
        st->pred.plugin = NULL;
        kc_error_prefix(err, "could not configure predicate \"%s\"", pred);
    }
    return rc;
}

kc_transform_chain_t *kc_transform_chain_new(const kc_registry_t *reg,
                                             const kc_props_t *config,
                                             kc_error_t *err)
{
    kc_transform_chain_t *chain = kc_calloc(1, sizeof(*chain));
    kc_config_result_t result = {0};
    kc_strlist_t tx = {0};
    kc_strlist_t preds = {0};
    kc_err_t rc = KC_OK;

    kc_chain_list(config, "transforms", &tx, &result);
    kc_chain_list(config, "predicates", &preds, &result);
    if (result.count > 0) {
        kc_config_result_to_error(&result, err);
        rc = KC_ERR_INVALID;
    }
    /* Every listed predicate must be valid, used or not, as in Apache. */
    for (size_t i = 0; i < preds.count && rc == KC_OK; i++) {
        kc_chain_check_alias(reg, config, "predicates", preds.items[i],
                             KC_PLUGIN_PREDICATE, &result);
        if (result.count > 0) {
            rc = kc_chain_fail(&result, "predicate", preds.items[i], err);
        }
    }
    kc_config_result_release(&result);
    chain->stages = kc_calloc(tx.count + 1, sizeof(*chain->stages));
    for (size_t i = 0; i < tx.count && rc == KC_OK; i++) {
        rc = kc_chain_build_stage(&chain->stages[chain->len], reg, config,
                                  tx.items[i], &preds, err);
        /* A half-built stage is counted so destroy frees what it holds. */
        chain->len++;
    }
    kc_strlist_release(&tx);
    kc_strlist_release(&preds);
    if (rc != KC_OK) {
        kc_transform_chain_destroy(chain);
        return NULL;
    }
    return chain;
}

void kc_transform_chain_destroy(kc_transform_chain_t *chain)
{
    if (chain == NULL) {
        return;
    }
    for (size_t i = 0; i < chain->len; i++) {
        kc_chain_stage_t *st = &chain->stages[i];

        if (st->plugin != NULL && st->plugin->destroy != NULL) {
            st->plugin->destroy(st->ctx);
        }
        if (st->pred.plugin != NULL && st->pred.plugin->destroy != NULL) {
            st->pred.plugin->destroy(st->pred.ctx);
        }
        kc_free(st->alias);
        kc_free(st->pred_alias);
    }
    kc_free(chain->stages);
    kc_free(chain);
}

size_t kc_transform_chain_len(const kc_transform_chain_t *chain)
{
    return chain != NULL ? chain->len : 0;
}

kc_err_t kc_transform_chain_apply(kc_transform_chain_t *chain, kc_record_t *rec,
                                  kc_arena_t *arena, bool *drop,
                                  kc_error_t *err)
{
    *drop = false;
    for (size_t i = 0; chain != NULL && i < chain->len; i++) {
        kc_chain_stage_t *st = &chain->stages[i];
        kc_err_t rc;

        if (st->pred.plugin != NULL) {
            bool match = false;

            rc = st->pred.plugin->test(st->pred.ctx, rec, &match, err);
            if (rc != KC_OK) {
                /* The message stays the plugin's own (Apache's exception
                 * text, which dead letter queue headers carry); the
                 * error handler names the transform's class from the
                 * origin. */
                kc_error_set_origin(err, st->alias);
                return rc;
            }
            if (!(st->negate ^ match)) {
                continue;
            }
        }
        rc = st->plugin->apply(st->ctx, rec, arena, drop, err);
        if (rc != KC_OK) {
            kc_error_set_origin(err, st->alias);
            return rc;
        }
        if (*drop) {
            return KC_OK;
        }
    }
    return KC_OK;
}
