/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TimestampRouter: topic = topic.format with ${topic} and ${timestamp}
 * replaced, the timestamp formatted (UTC) with a java.text.SimpleDateFormat
 * pattern (see kc_java_date_format.h for the supported letters).
 */
#include "kc_internal.h"

#include "transforms/kc_java_date_format.h"
#include "transforms/kc_transforms.h"

typedef struct kc_timestamp_router {
    char *topic_format;
    kc_java_date_pattern_t *timestamp_format;
} kc_timestamp_router_t;

static kc_err_t kc_sdf_validator(const kc_config_def_t *def, const char *value,
                                 kc_error_t *err)
{
    KC_UNUSED(def);
    return value != NULL ? kc_java_date_check(value, err) : KC_OK;
}

static const kc_config_def_t kc_timestamp_router_defs[] = {
    {.name = "topic.format",
     .type = KC_CFG_STRING,
     .default_value = "${topic}-${timestamp}",
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Format string which can contain <code>${topic}</code> and "
            "<code>${timestamp}</code> as placeholders for the topic and "
            "timestamp, respectively."},
    {.name = "timestamp.format",
     .type = KC_CFG_STRING,
     .default_value = "yyyyMMdd",
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Format string for the timestamp that is compatible with "
            "<code>java.text.SimpleDateFormat</code>.",
     .validator = kc_sdf_validator},
    {.name = NULL}};

static void kc_timestamp_router_destroy(void *ctx)
{
    kc_timestamp_router_t *t = ctx;

    if (t != NULL) {
        kc_free(t->topic_format);
        kc_java_date_pattern_destroy(t->timestamp_format);
        kc_free(t);
    }
}

static kc_err_t kc_timestamp_router_configure(void **ctx,
                                              const kc_props_t *props,
                                              kc_error_t *err)
{
    const kc_config_def_t *const tables[] = {kc_timestamp_router_defs, NULL};
    kc_config_t *config = kc_config_new(tables, props, err);
    kc_timestamp_router_t *t;
    const char *format;

    if (config == NULL) {
        return KC_ERR_INVALID;
    }
    t = kc_calloc(1, sizeof(*t));
    t->topic_format = kc_strdup(kc_config_string(config, "topic.format"));
    /* Checked by the validator already: this cannot fail. */
    format = kc_config_string(config, "timestamp.format");
    t->timestamp_format =
        kc_java_date_pattern_new(format != NULL ? format : "", NULL);
    kc_config_destroy(config);
    *ctx = t;
    return KC_OK;
}

/* Append @p s with every @p from replaced by @p to. */
static void kc_replace_all(kc_buf_t *out, const char *s, const char *from,
                           const char *to)
{
    size_t n = strlen(from);

    for (const char *hit; (hit = strstr(s, from)) != NULL; s = hit + n) {
        kc_buf_append(out, s, (size_t)(hit - s));
        kc_buf_puts(out, to);
    }
    kc_buf_puts(out, s);
}

static kc_err_t kc_timestamp_router_apply(void *ctx, kc_record_t *rec,
                                          kc_arena_t *arena, bool *drop,
                                          kc_error_t *err)
{
    kc_timestamp_router_t *t = ctx;
    kc_buf_t ts;
    kc_buf_t step;
    kc_buf_t topic;

    KC_UNUSED(drop);
    if (rec->timestamp < 0) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Timestamp missing on record: topic=%s "
                            "partition=%d offset=%lld",
                            rec->topic != NULL ? rec->topic : "null",
                            (int)rec->partition, (long long)rec->offset);
    }
    kc_buf_init(&ts, 0);
    kc_buf_init(&step, 0);
    kc_buf_init(&topic, 0);
    if (t->timestamp_format != NULL) {
        kc_java_date_pattern_format(t->timestamp_format, rec->timestamp, &ts);
    }
    kc_replace_all(&step, t->topic_format, "${topic}",
                   rec->topic != NULL ? rec->topic : "null");
    kc_replace_all(&topic, kc_buf_cstr(&step), "${timestamp}",
                   kc_buf_cstr(&ts));
    rec->topic = kc_arena_strdup(arena, kc_buf_cstr(&topic));
    kc_buf_release(&ts);
    kc_buf_release(&step);
    kc_buf_release(&topic);
    return KC_OK;
}

const struct kc_transform_plugin kc_timestamp_router_plugin = KC_TX_DESCRIPTOR(
    "TimestampRouter", kc_timestamp_router_defs, kc_timestamp_router_configure,
    kc_timestamp_router_apply, kc_timestamp_router_destroy);
