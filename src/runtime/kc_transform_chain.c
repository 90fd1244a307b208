/*
 * The transform chain: configured once per task, applied per record.
 */
#include "kc_internal.h"

#include "runtime/kc_transform_chain.h"

#include "plugins/kc_registry.h"
#include "util/kc_str.h"

typedef struct chain_pred {
    char *alias;
    const struct kc_predicate_plugin *plugin;
    void *ctx;
} chain_pred_t;

typedef struct chain_stage {
    char *alias;
    const struct kc_transform_plugin *plugin;
    void *ctx;
    chain_pred_t *pred; /* NULL: always applies */
    bool negate;
} chain_stage_t;

struct kc_transform_chain {
    chain_stage_t *stages;
    size_t len;
    chain_pred_t *preds;
    size_t npreds;
};

/* Props under "<prefix><alias>." with the prefix removed. */
static kc_props_t *alias_props(const kc_props_t *config, const char *prefix,
                               const char *alias)
{
    char *p = kc_asprintf("%s%s.", prefix, alias);
    kc_props_t *sub = kc_props_with_prefix(config, p);

    kc_free(p);
    return sub;
}

static kc_err_t add_predicates(kc_transform_chain_t *chain,
                               const kc_registry_t *reg,
                               const kc_props_t *config, kc_error_t *err)
{
    kc_strlist_t aliases = {0};
    const char *list = kc_props_get(config, "predicates");
    kc_err_t rc = KC_OK;

    if (list != NULL) {
        kc_str_split_comma(list, &aliases);
    }
    chain->preds = kc_calloc(aliases.count + 1, sizeof(*chain->preds));
    for (size_t i = 0; i < aliases.count && rc == KC_OK; i++) {
        kc_props_t *sub = alias_props(config, "predicates.", aliases.items[i]);
        const char *type = kc_props_get(sub, "type");
        chain_pred_t *pred = &chain->preds[chain->npreds];

        pred->plugin = type != NULL
                           ? kc_registry_find(reg, KC_PLUGIN_PREDICATE, type)
                           : NULL;
        if (pred->plugin == NULL) {
            rc = kc_error_set(err, KC_ERR_INVALID,
                              "invalid value %s for configuration "
                              "predicates.%s.type: not a predicate",
                              type != NULL ? type : "null", aliases.items[i]);
        } else if ((rc = pred->plugin->configure(&pred->ctx, sub, err)) !=
                   KC_OK) {
            kc_error_prefix(err, "could not configure predicate \"%s\"",
                            aliases.items[i]);
            pred->plugin = NULL;
        } else {
            pred->alias = kc_strdup(aliases.items[i]);
            chain->npreds++;
        }
        kc_props_destroy(sub);
    }
    kc_strlist_release(&aliases);
    return rc;
}

kc_transform_chain_t *kc_transform_chain_new(const kc_registry_t *reg,
                                             const kc_props_t *config,
                                             kc_error_t *err)
{
    kc_transform_chain_t *chain = kc_calloc(1, sizeof(*chain));
    kc_strlist_t aliases = {0};
    const char *list = kc_props_get(config, "transforms");
    kc_err_t rc;

    rc = add_predicates(chain, reg, config, err);
    if (list != NULL) {
        kc_str_split_comma(list, &aliases);
    }
    chain->stages = kc_calloc(aliases.count + 1, sizeof(*chain->stages));
    for (size_t i = 0; i < aliases.count && rc == KC_OK; i++) {
        const char *alias = aliases.items[i];
        kc_props_t *sub = alias_props(config, "transforms.", alias);
        const char *type = kc_props_get(sub, "type");
        const char *pred = kc_props_get(sub, "predicate");
        chain_stage_t *st = &chain->stages[chain->len];

        st->plugin = type != NULL
                         ? kc_registry_find(reg, KC_PLUGIN_TRANSFORM, type)
                         : NULL;
        st->negate = kc_str_eq_nocase(kc_props_get(sub, "negate"), "true");
        if (pred != NULL && *pred != '\0') {
            for (size_t p = 0; p < chain->npreds; p++) {
                if (strcmp(chain->preds[p].alias, pred) == 0) {
                    st->pred = &chain->preds[p];
                }
            }
        }
        if (st->plugin == NULL) {
            rc = kc_error_set(err, KC_ERR_INVALID,
                              "invalid value %s for configuration "
                              "transforms.%s.type: not a transformation",
                              type != NULL ? type : "null", alias);
        } else if (pred != NULL && *pred != '\0' && st->pred == NULL) {
            rc = kc_error_set(err, KC_ERR_INVALID,
                              "invalid value %s for configuration "
                              "transforms.%s.predicate: no such predicate "
                              "in \"predicates\"",
                              pred, alias);
        } else if ((rc = st->plugin->configure(&st->ctx, sub, err)) != KC_OK) {
            kc_error_prefix(err, "could not configure transform \"%s\"", alias);
        } else {
            st->alias = kc_strdup(alias);
            chain->len++;
        }
        kc_props_destroy(sub);
    }
    kc_strlist_release(&aliases);
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
        if (chain->stages[i].plugin->destroy != NULL) {
            chain->stages[i].plugin->destroy(chain->stages[i].ctx);
        }
        kc_free(chain->stages[i].alias);
    }
    for (size_t i = 0; i < chain->npreds; i++) {
        if (chain->preds[i].plugin->destroy != NULL) {
            chain->preds[i].plugin->destroy(chain->preds[i].ctx);
        }
        kc_free(chain->preds[i].alias);
    }
    kc_free(chain->stages);
    kc_free(chain->preds);
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
        chain_stage_t *st = &chain->stages[i];
        kc_err_t rc;

        if (st->pred != NULL) {
            bool match = false;

            rc = st->pred->plugin->test(st->pred->ctx, rec, &match, err);
            if (rc != KC_OK) {
                kc_error_prefix(err, "predicate \"%s\" failed",
                                st->pred->alias);
                return rc;
            }
            if (match == st->negate) {
                continue;
            }
        }
        rc = st->plugin->apply(st->ctx, rec, arena, drop, err);
        if (rc != KC_OK) {
            kc_error_prefix(err, "transform \"%s\" failed", st->alias);
            return rc;
        }
        if (*drop) {
            return KC_OK;
        }
    }
    return KC_OK;
}
