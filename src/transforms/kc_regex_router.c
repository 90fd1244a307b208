/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RegexRouter: when the whole topic matches `regex` (Matcher.matches()),
 * the new topic is Matcher.replaceFirst(`replacement`), which finds the
 * first match again from the start, as Apache does.
 */
#include "kc_internal.h"

#include "transforms/kc_transforms.h"
#include "util/kc_java_regex.h"

#define KC_LOGGER "org.apache.kafka.connect.transforms.RegexRouter"

typedef struct kc_regex_router {
    kc_java_regex_t *regex;
    char *replacement;
} kc_regex_router_t;

/* RegexValidator */
static kc_err_t kc_regex_validator(const kc_config_def_t *def,
                                   const char *value, kc_error_t *err)
{
    kc_java_regex_t *re;

    KC_UNUSED(def);
    if (value == NULL) {
        return KC_OK;
    }
    re = kc_java_regex_new(value, err);
    if (re == NULL) {
        kc_error_prefix(err, "Invalid regex");
        return KC_ERR_INVALID;
    }
    kc_java_regex_destroy(re);
    return KC_OK;
}

static const kc_config_def_t kc_regex_router_defs[] = {
    {.name = "regex",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Regular expression to use for matching.",
     .flags = KC_CFG_F_REQUIRED,
     .validator = kc_regex_validator},
    {.name = "replacement",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Replacement string.",
     .flags = KC_CFG_F_REQUIRED},
    {.name = NULL}};

static void kc_regex_router_destroy(void *ctx)
{
    kc_regex_router_t *t = ctx;

    if (t != NULL) {
        kc_java_regex_destroy(t->regex);
        kc_free(t->replacement);
        kc_free(t);
    }
}

static kc_err_t kc_regex_router_configure(void **ctx, const kc_props_t *props,
                                          kc_error_t *err)
{
    const kc_config_def_t *const tables[] = {kc_regex_router_defs, NULL};
    kc_config_t *config = kc_config_new(tables, props, err);
    kc_regex_router_t *t;

    if (config == NULL) {
        return KC_ERR_INVALID;
    }
    t = kc_calloc(1, sizeof(*t));
    t->regex = kc_java_regex_new(kc_config_string(config, "regex"), err);
    t->replacement = kc_strdup(kc_config_string(config, "replacement"));
    kc_config_destroy(config);
    if (t->regex == NULL) {
        kc_regex_router_destroy(t);
        return KC_ERR_INVALID;
    }
    *ctx = t;
    return KC_OK;
}

static kc_err_t kc_regex_router_apply(void *ctx, kc_record_t *rec,
                                      kc_arena_t *arena, bool *drop,
                                      kc_error_t *err)
{
    kc_regex_router_t *t = ctx;
    kc_buf_t topic;
    kc_err_t rc;

    KC_UNUSED(drop);
    if (rec->topic == NULL) {
        return KC_OK;
    }
    kc_buf_init(&topic, 0);
    rc = kc_java_regex_matches(t->regex, rec->topic, err);
    if (rc == KC_OK) {
        rc = kc_java_regex_replace_first(t->regex, rec->topic, t->replacement,
                                         &topic, err);
    }
    if (rc == KC_OK) {
        kc_log_trace(KC_LOGGER, "Rerouting from topic '%s' to new topic '%s'",
                     rec->topic, kc_buf_cstr(&topic));
        rec->topic = kc_arena_strdup(arena, kc_buf_cstr(&topic));
    } else if (rc == KC_DECLINED) {
        kc_log_trace(KC_LOGGER,
                     "Not rerouting topic '%s' as it does not match the "
                     "configured regex",
                     rec->topic);
        rc = KC_OK;
    }
    kc_buf_release(&topic);
    return rc;
}

const struct kc_transform_plugin kc_regex_router_plugin = KC_TX_DESCRIPTOR(
    "RegexRouter", kc_regex_router_defs, kc_regex_router_configure,
    kc_regex_router_apply, kc_regex_router_destroy);
