/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TopicNameMatches: true when the whole topic name matches `pattern`.
 */
#include "kc_internal.h"

#include "transforms/kc_transforms.h"
#include "util/kc_java_regex.h"

/* RegexValidator (NonEmptyString is the row's flag). */
static kc_err_t kc_pattern_validator(const kc_config_def_t *def,
                                     const char *value, kc_error_t *err)
{
    kc_java_regex_t *re;

    KC_UNUSED(def);
    if (value == NULL || *value == '\0') {
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

static const kc_config_def_t kc_topic_name_matches_defs[] = {
    {.name = "pattern",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "A Java regular expression for matching against the name of a "
            "record's topic.",
     .flags = KC_CFG_F_REQUIRED | KC_CFG_F_NONEMPTY,
     .validator = kc_pattern_validator},
    {.name = NULL}};

static kc_err_t kc_topic_name_matches_configure(void **ctx,
                                                const kc_props_t *props,
                                                kc_error_t *err)
{
    const kc_config_def_t *const tables[] = {kc_topic_name_matches_defs, NULL};
    kc_config_t *config = kc_config_new(tables, props, err);
    kc_java_regex_t *re;

    if (config == NULL) {
        return KC_ERR_INVALID;
    }
    re = kc_java_regex_new(kc_config_string(config, "pattern"), err);
    kc_config_destroy(config);
    if (re == NULL) {
        return KC_ERR_INVALID;
    }
    *ctx = re;
    return KC_OK;
}

static kc_err_t kc_topic_name_matches_test(void *ctx, const kc_record_t *rec,
                                           bool *result, kc_error_t *err)
{
    kc_err_t rc;

    *result = false;
    if (rec->topic == NULL) {
        return KC_OK;
    }
    rc = kc_java_regex_matches(ctx, rec->topic, err);
    *result = rc == KC_OK;
    return rc == KC_DECLINED ? KC_OK : rc;
}

static void kc_topic_name_matches_destroy(void *ctx)
{
    kc_java_regex_destroy(ctx);
}

const struct kc_predicate_plugin kc_topic_name_matches_plugin = {
    KC_PLUGIN_INIT(struct kc_predicate_plugin),
    .name = "TopicNameMatches",
    .class_name = KC_PRED_PKG "TopicNameMatches",
    .version = KC_APACHE_VERSION,
    .config_def = kc_topic_name_matches_defs,
    .configure = kc_topic_name_matches_configure,
    .test = kc_topic_name_matches_test,
    .destroy = kc_topic_name_matches_destroy,
};
