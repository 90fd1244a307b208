/* SPDX-License-Identifier: Apache-2.0 */
/*
 * LoggingSink: an example sink connector for the kconnect plugin SDK
 * (docs/plugin-sdk.md). It writes one log line per record it is given,
 * at INFO under the logger io.kconnect.example.LoggingSink:
 *
 *   logged record numbers-0@41: 42
 *
 * (topic-partition@offset: value). Numbers, booleans and strings are
 * shown as such, anything else by its type.
 *
 *   name=log
 *   connector.class=LoggingSink
 *   topics=numbers
 *   log.prefix=logged record
 *
 * It includes only <kconnect/kconnect.h> and exports only kc_plugin_init.
 */
#include <kconnect/kconnect.h>

#include <inttypes.h>
#include <stddef.h>

#define LOGGING_LOGGER "io.kconnect.example.LoggingSink"

typedef struct logging_conf {
    char *prefix;
} logging_conf_t;

static const kc_config_def_t logging_config[] = {
    {.name = "log.prefix",
     .type = KC_CFG_STRING,
     .default_value = "logged record",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "The text each log line starts with.",
     KC_CFG_BIND(logging_conf_t, prefix)},
    {.name = NULL},
};

static const kc_config_def_t *const logging_defs[] = {logging_config, NULL};

/* ---- connector: every task gets the connector's config ------------- */

static kc_err_t logging_conn_start(void **ctx, const kc_props_t *config,
                                   kc_connector_ctx_t *cctx, kc_error_t *err)
{
    (void)cctx;
    (void)err;
    *ctx = kc_props_copy(config);
    return KC_OK;
}

static kc_err_t logging_conn_task_configs(void *ctx, int max_tasks,
                                          kc_props_t ***configs, size_t *count,
                                          kc_error_t *err)
{
    size_t n = max_tasks > 0 ? (size_t)max_tasks : 1;

    (void)err;
    *configs = kc_calloc(n, sizeof(**configs));
    for (size_t i = 0; i < n; i++) {
        (*configs)[i] = kc_props_copy(ctx);
    }
    *count = n;
    return KC_OK;
}

static void logging_conn_stop(void *ctx)
{
    kc_props_destroy(ctx);
}

/* ---- task ------------------------------------------------------------ */

static kc_err_t logging_task_start(void **ctx, const kc_props_t *config,
                                   kc_sink_task_ctx_t *tctx, kc_error_t *err)
{
    logging_conf_t *conf = kc_calloc(1, sizeof(*conf));

    (void)tctx;
    if (kc_config_bind(logging_defs, config, conf, err) != KC_OK) {
        kc_free(conf);
        return err->code;
    }
    *ctx = conf;
    return KC_OK;
}

static void logging_value(const logging_conf_t *conf, const kc_record_t *rec)
{
    const kc_value_t *v = &rec->value;
    const char *topic = rec->topic != NULL ? rec->topic : "";

    switch (v->type) {
    case KC_TYPE_INT8:
    case KC_TYPE_INT16:
    case KC_TYPE_INT32:
    case KC_TYPE_INT64:
        kc_log_info(LOGGING_LOGGER, "%s %s-%" PRId32 "@%" PRId64 ": %" PRId64,
                    conf->prefix, topic, rec->partition, rec->offset, v->u.i);
        break;
    case KC_TYPE_FLOAT32:
    case KC_TYPE_FLOAT64:
        kc_log_info(LOGGING_LOGGER, "%s %s-%" PRId32 "@%" PRId64 ": %g",
                    conf->prefix, topic, rec->partition, rec->offset, v->u.f);
        break;
    case KC_TYPE_BOOLEAN:
        kc_log_info(LOGGING_LOGGER, "%s %s-%" PRId32 "@%" PRId64 ": %s",
                    conf->prefix, topic, rec->partition, rec->offset,
                    v->u.b ? "true" : "false");
        break;
    case KC_TYPE_STRING:
        kc_log_info(LOGGING_LOGGER, "%s %s-%" PRId32 "@%" PRId64 ": %.*s",
                    conf->prefix, topic, rec->partition, rec->offset,
                    (int)v->u.str.len, v->u.str.data);
        break;
    default:
        kc_log_info(LOGGING_LOGGER, "%s %s-%" PRId32 "@%" PRId64 ": (%s)",
                    conf->prefix, topic, rec->partition, rec->offset,
                    kc_type_name(v->type));
        break;
    }
}

static kc_err_t logging_task_put(void *ctx, kc_batch_t *batch, kc_error_t *err)
{
    (void)err;
    for (size_t i = 0; i < batch->len; i++) {
        logging_value(ctx, batch->records[i]);
    }
    return KC_OK;
}

static void logging_task_stop(void *ctx)
{
    if (ctx == NULL) {
        return;
    }
    kc_config_bind_release(logging_defs, ctx);
    kc_free(ctx);
}

static const struct kc_sink_task_plugin logging_task_plugin = {
    KC_PLUGIN_INIT(struct kc_sink_task_plugin),
    .name = "LoggingSinkTask",
    .class_name = "io.kconnect.example.LoggingSinkTask",
    .version = "1.0.0",
    .config_def = logging_config,
    .start = logging_task_start,
    .put = logging_task_put,
    .stop = logging_task_stop,
};

static const struct kc_connector_plugin logging_connector = {
    KC_PLUGIN_INIT(struct kc_connector_plugin),
    .name = "LoggingSink",
    .class_name = "io.kconnect.example.LoggingSink",
    .version = "1.0.0",
    .config_def = logging_config,
    .sink_task = &logging_task_plugin,
    .start = logging_conn_start,
    .task_configs = logging_conn_task_configs,
    .stop = logging_conn_stop,
};

KC_EXPORT kc_err_t kc_plugin_init(kc_registry_t *reg, kc_error_t *err);

kc_err_t kc_plugin_init(kc_registry_t *reg, kc_error_t *err)
{
    return kc_registry_add(reg, KC_PLUGIN_SINK, &logging_connector, err);
}
