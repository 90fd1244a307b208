/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Retry, tolerance, log reporter and dead letter queue of one task; see
 * kc_error_handler.h.
 */
#include "kc_internal.h"

#include "runtime/kc_error_handler.h"

#include "data/kc_value_json.h"
#include "data/kc_value_text.h"
#include "metrics/kc_metrics.h"
#include "plugins/kc_registry.h"
#include "runtime/kc_task.h"
#include "runtime/kc_worker_config.h"
#include "util/kc_clock.h"
#include "util/kc_log.h"
#include "util/kc_str.h"

#define LOGGER "org.apache.kafka.connect.runtime.errors.LogReporter"
#define DLQ_LOGGER                                                             \
    "org.apache.kafka.connect.runtime.errors.DeadLetterQueueReporter"
#define JSON_CONVERTER "org.apache.kafka.connect.json.JsonConverter"
#define EXC_PREFIX     "org.apache.kafka.connect.errors."

struct kc_error_handler {
    char *connector;
    int task_id;
    bool is_sink;
    bool tolerate_all;
    bool log_enable;
    bool log_messages;
    bool dlq_headers;
    int64_t retry_timeout;   /* negative = forever */
    int64_t retry_delay_max; /* ms */
    char *dlq_topic;         /* configured; NULL when blank */
    rd_kafka_t *dlq;         /* attached producer, or NULL */
    const kc_registry_t *reg;
    const struct kc_converter_plugin *json; /* source DLQ only */
    void *json_key_ctx;
    void *json_value_ctx;
    kc_error_clock_t clock;
    struct kc_task_metrics *metrics; /* task-error-metrics, or NULL */
};

static const char *const stage_names[] = {
    "TASK_POLL",       "TASK_PUT",         "TRANSFORMATION", "KEY_CONVERTER",
    "VALUE_CONVERTER", "HEADER_CONVERTER", "KAFKA_PRODUCE",  "KAFKA_CONSUME",
};

const char *kc_stage_name(kc_stage_t stage)
{
    if ((size_t)stage >= sizeof(stage_names) / sizeof(stage_names[0])) {
        return "UNKNOWN";
    }
    return stage_names[stage];
}

/* ---- the default clock ---------------------------------------------- */

static int64_t default_now(void *opaque)
{
    KC_UNUSED(opaque);
    return kc_clock_now_ms();
}

static void default_sleep(void *opaque, int64_t ms)
{
    KC_UNUSED(opaque);
    kc_clock_sleep_ms(ms);
}

static bool default_stopping(void *opaque)
{
    KC_UNUSED(opaque);
    return false;
}

static int64_t default_random(void *opaque, int64_t bound)
{
    KC_UNUSED(opaque);
    /* Jitter only: no need for a strong generator. */
    return (int64_t)(((uint64_t)rand() << 31 ^ (uint64_t)rand()) %
                     (uint64_t)bound);
}

/* ---- lifecycle ------------------------------------------------------ */

kc_error_handler_t *kc_error_handler_new(const kc_props_t *connector_config,
                                         const kc_registry_t *reg,
                                         const char *connector, int task_id,
                                         bool is_sink, kc_error_t *err)
{
    kc_error_handler_t *eh;
    kc_connector_conf_t conf;

    /* errors.* as the table parses them (Apache bounds neither retry
     * setting: any long is accepted) */
    if (kc_connector_conf_bind(connector_config, &conf, err) != KC_OK) {
        return NULL;
    }
    eh = kc_calloc(1, sizeof(*eh));
    eh->connector = kc_strdup(connector);
    eh->task_id = task_id;
    eh->is_sink = is_sink;
    eh->reg = reg;
    eh->tolerate_all = kc_str_eq_nocase(conf.errors_tolerance, "all");
    eh->log_enable = conf.errors_log_enable;
    eh->log_messages = conf.errors_log_include_messages;
    eh->dlq_headers = conf.errors_dlq_context_headers;
    eh->retry_timeout = conf.errors_retry_timeout;
    eh->retry_delay_max = conf.errors_retry_delay_max_ms;
    if (conf.errors_dlq_topic != NULL && *conf.errors_dlq_topic != '\0') {
        eh->dlq_topic = conf.errors_dlq_topic;
        conf.errors_dlq_topic = NULL;
    }
    kc_connector_conf_release(&conf);
    eh->clock.now_ms = default_now;
    eh->clock.sleep_ms = default_sleep;
    eh->clock.stopping = default_stopping;
    eh->clock.random = default_random;
    return eh;
}

void kc_error_handler_destroy(kc_error_handler_t *eh)
{
    if (eh == NULL) {
        return;
    }
    if (eh->dlq != NULL) {
        rd_kafka_flush(eh->dlq, 5000);
        rd_kafka_destroy(eh->dlq);
    }
    if (eh->json != NULL && eh->json->destroy != NULL) {
        eh->json->destroy(eh->json_key_ctx);
        eh->json->destroy(eh->json_value_ctx);
    }
    kc_free(eh->dlq_topic);
    kc_free(eh->connector);
    kc_free(eh);
}

void kc_error_handler_set_clock(kc_error_handler_t *eh,
                                const kc_error_clock_t *clock)
{
    eh->clock = *clock;
}

bool kc_error_handler_tolerates_all(const kc_error_handler_t *eh)
{
    return eh->tolerate_all;
}

bool kc_error_handler_retries(const kc_error_handler_t *eh)
{
    return eh->retry_timeout != 0;
}

const char *kc_error_handler_dlq_topic(const kc_error_handler_t *eh)
{
    return eh->dlq_topic;
}

void kc_error_handler_set_dlq_take(kc_error_handler_t *eh, rd_kafka_t *producer,
                                   const char *topic)
{
    if (eh->dlq != NULL) {
        rd_kafka_destroy(eh->dlq);
    }
    eh->dlq = producer;
    if (topic != eh->dlq_topic) {
        kc_free(eh->dlq_topic);
        eh->dlq_topic = kc_strdup(topic);
    }
    if (!eh->is_sink && eh->json == NULL && eh->reg != NULL) {
        const struct kc_converter_plugin *json =
            kc_registry_find(eh->reg, KC_PLUGIN_CONVERTER, JSON_CONVERTER);
        kc_props_t *props = kc_props_new();
        kc_error_t err;

        kc_props_set(props, "schemas.enable", "false");
        if (json != NULL &&
            json->configure(&eh->json_key_ctx, props, true, &err) == KC_OK) {
            if (json->configure(&eh->json_value_ctx, props, false, &err) ==
                KC_OK) {
                eh->json = json;
            } else if (json->destroy != NULL) {
                json->destroy(eh->json_key_ctx);
            }
        }
        kc_props_destroy(props);
    }
}

/* ---- retry ---------------------------------------------------------- */

/* Apache's backoff: 300 ms << (attempt - 1), jittered past the max. */
static void backoff(kc_error_handler_t *eh, int attempt, int64_t deadline)
{
    int shift = attempt - 1 > 40 ? 40 : attempt - 1;
    int64_t delay = (int64_t)KC_RETRY_DELAY_MIN_MS << shift;
    int64_t now = eh->clock.now_ms(eh->clock.opaque);

    if (delay > eh->retry_delay_max) {
        /* Java's nextLong(max) throws for max <= 0: no wait instead. */
        delay = eh->retry_delay_max > 0
                    ? eh->clock.random(eh->clock.opaque, eh->retry_delay_max)
                    : 0;
    }
    if (deadline != INT64_MAX && delay > deadline - now) {
        delay = deadline - now > 0 ? deadline - now : 0;
    }
    kc_log_debug(LOGGER, "sleeping for up to %lld millis", (long long)delay);
    eh->clock.sleep_ms(eh->clock.opaque, delay);
}

kc_err_t kc_error_handler_retry(kc_error_handler_t *eh, kc_error_op_fn op,
                                void *arg, kc_err_t rc, kc_error_t *err,
                                int *attempts)
{
    int attempt = 1;
    int64_t start = eh->clock.now_ms(eh->clock.opaque);
    int64_t deadline =
        eh->retry_timeout >= 0 ? start + eh->retry_timeout : INT64_MAX;

    while (rc == KC_RETRY) {
        /* Whoever carries the error on sees it was retriable. */
        kc_error_set_retriable(err, true);
        /* Each failed attempt, as Apache's execAndRetry counts them. */
        kc_metrics_error(eh->metrics, KC_MERR_FAILURES);
        if (eh->clock.now_ms(eh->clock.opaque) >= deadline ||
            eh->clock.stopping(eh->clock.opaque)) {
            break;
        }
        backoff(eh, attempt, deadline);
        if (eh->clock.stopping(eh->clock.opaque)) {
            break;
        }
        attempt++;
        kc_metrics_error(eh->metrics, KC_MERR_RETRIES);
        kc_error_clear(err);
        rc = op(arg, err);
    }
    if (attempts != NULL) {
        *attempts = attempt;
    }
    return rc;
}

bool kc_error_handler_stopping(const kc_error_handler_t *eh)
{
    return eh->clock.stopping(eh->clock.opaque);
}

/* ---- reporting ------------------------------------------------------ */

const char *kc_error_handler_exception_class(const kc_error_context_t *ctx)
{
    if (ctx->exception_class != NULL) {
        return ctx->exception_class;
    }
    if (ctx->code == KC_RETRY) {
        return EXC_PREFIX "RetriableException";
    }
    switch (ctx->stage) {
    case KC_STAGE_TRANSFORMATION:
    case KC_STAGE_KEY_CONVERTER:
    case KC_STAGE_VALUE_CONVERTER:
    case KC_STAGE_HEADER_CONVERTER:
        return EXC_PREFIX "DataException";
    default:
        return EXC_PREFIX "ConnectException";
    }
}

static const char *ctx_class(const kc_error_context_t *ctx)
{
    return ctx->class_name != NULL ? ctx->class_name : "null";
}

/*
 * Not a JVM trace: the exception line, then one frame naming the stage and
 * the plugin that failed.
 */
static void append_trace(kc_buf_t *b, const kc_error_context_t *ctx)
{
    kc_buf_printf(b, "%s: %s\n\tat kconnect.%s(%s)\n",
                  kc_error_handler_exception_class(ctx),
                  ctx->message != NULL ? ctx->message : "",
                  kc_stage_name(ctx->stage),
                  ctx->plugin_name != NULL ? ctx->plugin_name : ctx_class(ctx));
}

char *kc_error_handler_stacktrace(const kc_error_context_t *ctx)
{
    kc_buf_t b;

    kc_buf_init(&b, 0);
    append_trace(&b, ctx);
    return kc_buf_detach(&b, NULL);
}

static void append_schema(kc_buf_t *b, const kc_schema_t *schema)
{
    const char *name;

    if (schema == NULL) {
        kc_buf_puts(b, "null");
        return;
    }
    name = kc_schema_name(schema);
    if (name != NULL) {
        kc_buf_printf(b, "Schema{%s:%s}", name,
                      kc_type_name(kc_schema_type(schema)));
    } else {
        kc_buf_printf(b, "Schema{%s}", kc_type_name(kc_schema_type(schema)));
    }
}

static void append_value(kc_buf_t *b, const kc_schema_t *schema,
                         const kc_value_t *value)
{
    if (value->type == KC_TYPE_NULL) {
        kc_buf_puts(b, "null");
        return;
    }
    kc_value_text_append(b, schema, value);
}

/* Java's SourceRecord.toString, as LogReporter.Source prints it. */
static void append_source_record(kc_buf_t *b, const kc_record_t *rec)
{
    kc_buf_puts(b, "SourceRecord{sourcePartition=");
    append_value(b, NULL, &rec->source_partition);
    kc_buf_puts(b, ", sourceOffset=");
    append_value(b, NULL, &rec->source_offset);
    kc_buf_printf(b, "} ConnectRecord{topic='%s', kafkaPartition=",
                  rec->topic != NULL ? rec->topic : "null");
    if (rec->partition >= 0) {
        kc_buf_printf(b, "%d", (int)rec->partition);
    } else {
        kc_buf_puts(b, "null");
    }
    kc_buf_puts(b, ", key=");
    append_value(b, rec->key_schema, &rec->key);
    kc_buf_puts(b, ", keySchema=");
    append_schema(b, rec->key_schema);
    kc_buf_puts(b, ", value=");
    append_value(b, rec->value_schema, &rec->value);
    kc_buf_puts(b, ", valueSchema=");
    append_schema(b, rec->value_schema);
    kc_buf_puts(b, ", timestamp=");
    if (rec->timestamp >= 0) {
        kc_buf_printf(b, "%lld", (long long)rec->timestamp);
    } else {
        kc_buf_puts(b, "null");
    }
    kc_buf_puts(b, ", headers=ConnectHeaders(headers=");
    if (rec->header_count > 0) {
        kc_buf_putc(b, '[');
        for (size_t i = 0; i < rec->header_count; i++) {
            const kc_header_t *h = &rec->headers[i];

            kc_buf_printf(
                b, "%sConnectHeader(key=%s, value=", i > 0 ? ", " : "", h->key);
            append_value(b, h->schema, &h->value);
            kc_buf_puts(b, ", schema=");
            append_schema(b, h->schema);
            kc_buf_putc(b, ')');
        }
        kc_buf_putc(b, ']');
    }
    kc_buf_puts(b, ")}");
}

static void append_consumed(kc_buf_t *b, const rd_kafka_message_t *msg)
{
    rd_kafka_timestamp_type_t tstype;
    int64_t ts = rd_kafka_message_timestamp(msg, &tstype);

    kc_buf_printf(b,
                  ", where consumed record is {topic='%s', partition=%d, "
                  "offset=%lld",
                  rd_kafka_topic_name(msg->rkt), (int)msg->partition,
                  (long long)msg->offset);
    if (tstype == RD_KAFKA_TIMESTAMP_CREATE_TIME ||
        tstype == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME) {
        kc_buf_printf(b, ", timestamp=%lld, timestampType=%s", (long long)ts,
                      tstype == RD_KAFKA_TIMESTAMP_CREATE_TIME
                          ? "CreateTime"
                          : "LogAppendTime");
    }
    kc_buf_putc(b, '}');
}

char *kc_error_handler_log_text(const kc_error_handler_t *eh,
                                const kc_error_context_t *ctx)
{
    kc_buf_t b;

    kc_buf_init(&b, 0);
    kc_buf_printf(&b,
                  "Error encountered in task %s-%d. Executing stage '%s' "
                  "with class '%s'",
                  eh->connector, eh->task_id, kc_stage_name(ctx->stage),
                  ctx_class(ctx));
    if (eh->log_messages) {
        if (ctx->consumed != NULL) {
            append_consumed(&b, ctx->consumed);
        } else if (ctx->record != NULL) {
            kc_buf_puts(&b, ", where source record is = ");
            append_source_record(&b, ctx->record);
        } else if (ctx->produced != NULL) {
            /* The record is gone once the producer has it. */
            kc_buf_printf(&b, ", where source record is = null");
        }
    }
    kc_buf_putc(&b, '.');
    return kc_buf_detach(&b, NULL);
}

static void add_header(rd_kafka_headers_t *hdrs, const char *name,
                       const char *value)
{
    rd_kafka_header_add(hdrs, name, -1, value, -1);
}

/* @p value as compact JSON, as the offsets topic writes it; null as null. */
static void add_json_header(rd_kafka_headers_t *hdrs, const char *name,
                            const kc_value_t *value)
{
    json_t *json = kc_value_to_json(value);
    char *text =
        json != NULL ? json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

    add_header(hdrs, name, text != NULL ? text : "null");
    free(text); /* allocated by jansson */
    json_decref(json);
}

void kc_error_handler_add_headers(const kc_error_handler_t *eh,
                                  const kc_error_context_t *ctx,
                                  rd_kafka_headers_t *hdrs)
{
    char num[32];
    char *trace;

    if (ctx->consumed != NULL) {
        add_header(hdrs, "__connect.errors.topic",
                   rd_kafka_topic_name(ctx->consumed->rkt));
        snprintf(num, sizeof(num), "%d", (int)ctx->consumed->partition);
        add_header(hdrs, "__connect.errors.partition", num);
        snprintf(num, sizeof(num), "%lld", (long long)ctx->consumed->offset);
        add_header(hdrs, "__connect.errors.offset", num);
    } else if (ctx->record != NULL && ctx->record->topic != NULL) {
        add_header(hdrs, "__connect.errors.topic", ctx->record->topic);
    } else if (ctx->produced != NULL) {
        add_header(hdrs, "__connect.errors.topic",
                   rd_kafka_topic_name(ctx->produced->rkt));
    }
    add_header(hdrs, "__connect.errors.connector.name", eh->connector);
    snprintf(num, sizeof(num), "%d", eh->task_id);
    add_header(hdrs, "__connect.errors.task.id", num);
    add_header(hdrs, "__connect.errors.stage", kc_stage_name(ctx->stage));
    add_header(hdrs, "__connect.errors.class.name", ctx_class(ctx));
    add_header(hdrs, "__connect.errors.exception.class.name",
               kc_error_handler_exception_class(ctx));
    rd_kafka_header_add(hdrs, "__connect.errors.exception.message", -1,
                        ctx->message, ctx->message != NULL ? -1 : 0);
    trace = kc_error_handler_stacktrace(ctx);
    add_header(hdrs, "__connect.errors.exception.stacktrace", trace);
    kc_free(trace);
    if (ctx->record != NULL) {
        /* kconnect's source DLQ: where the record came from, as JSON. */
        add_json_header(hdrs, "__connect.errors.source.partition",
                        &ctx->record->source_partition);
        add_json_header(hdrs, "__connect.errors.source.offset",
                        &ctx->record->source_offset);
    }
}

/* Serialise one side of a source record with the schemaless JsonConverter. */
static bool json_of(kc_error_handler_t *eh, void *jctx, const char *topic,
                    const kc_schema_t *schema, const kc_value_t *value,
                    kc_buf_t *out, bool *is_null)
{
    kc_error_t err;

    *is_null = false;
    if (value->type == KC_TYPE_NULL) {
        *is_null = true;
        return true;
    }
    if (eh->json->from_connect(jctx, topic, NULL, schema, value, out, is_null,
                               &err) != KC_OK) {
        kc_log_error(DLQ_LOGGER,
                     "could not serialise a record for the dead letter queue "
                     "\"%s\": %s",
                     eh->dlq_topic, err.msg);
        return false;
    }
    return true;
}

static void send_to_dlq(kc_error_handler_t *eh, const kc_error_context_t *ctx)
{
    const void *key = NULL;
    const void *value = NULL;
    size_t key_len = 0;
    size_t value_len = 0;
    int64_t ts = 0;
    rd_kafka_headers_t *hdrs = NULL;
    rd_kafka_resp_err_t rerr;
    kc_buf_t kbuf;
    kc_buf_t vbuf;
    const rd_kafka_message_t *raw =
        ctx->consumed != NULL ? ctx->consumed : ctx->produced;

    kc_buf_init(&kbuf, 0);
    kc_buf_init(&vbuf, 0);
    if (raw != NULL) {
        rd_kafka_headers_t *orig = NULL;
        rd_kafka_timestamp_type_t tstype;
        int64_t t = rd_kafka_message_timestamp(raw, &tstype);

        key = raw->key;
        key_len = raw->key_len;
        value = raw->payload;
        value_len = raw->len;
        if (tstype != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE && t >= 0) {
            ts = t;
        }
        if (rd_kafka_message_headers(raw, &orig) ==
            RD_KAFKA_RESP_ERR_NO_ERROR) {
            hdrs = rd_kafka_headers_copy(orig);
        }
    } else if (ctx->record != NULL && eh->json != NULL) {
        const kc_record_t *rec = ctx->record;
        bool knull;
        bool vnull;

        if (!json_of(eh, eh->json_key_ctx, rec->topic, rec->key_schema,
                     &rec->key, &kbuf, &knull) ||
            !json_of(eh, eh->json_value_ctx, rec->topic, rec->value_schema,
                     &rec->value, &vbuf, &vnull)) {
            kc_buf_release(&kbuf);
            kc_buf_release(&vbuf);
            return;
        }
        if (!knull) {
            key = kbuf.data;
            key_len = kbuf.len;
        }
        if (!vnull) {
            value = vbuf.data;
            value_len = vbuf.len;
        }
        ts = rec->timestamp >= 0 ? rec->timestamp : 0;
    } else {
        kc_buf_release(&kbuf);
        kc_buf_release(&vbuf);
        return;
    }
    if (eh->dlq_headers) {
        if (hdrs == NULL) {
            hdrs = rd_kafka_headers_new(12);
        }
        kc_error_handler_add_headers(eh, ctx, hdrs);
    }
    kc_metrics_error(eh->metrics, KC_MERR_DLQ_REQUESTS);
    rerr = rd_kafka_producev(
        eh->dlq, RD_KAFKA_V_TOPIC(eh->dlq_topic),
        RD_KAFKA_V_OPAQUE(eh->metrics),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key_len),
        RD_KAFKA_V_VALUE((void *)(uintptr_t)value, value_len),
        RD_KAFKA_V_TIMESTAMP(ts), RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
    if (rerr != RD_KAFKA_RESP_ERR_NO_ERROR) {
        /* librdkafka owns the headers only when producev succeeded. */
        if (hdrs != NULL) {
            rd_kafka_headers_destroy(hdrs);
        }
        kc_metrics_error(eh->metrics, KC_MERR_DLQ_FAILURES);
        kc_log_error(DLQ_LOGGER,
                     "Could not produce message to dead letter queue. "
                     "topic=%s: %s",
                     eh->dlq_topic, rd_kafka_err2str(rerr));
    }
    kc_buf_release(&kbuf);
    kc_buf_release(&vbuf);
}

bool kc_error_handler_failed(kc_error_handler_t *eh,
                             const kc_error_context_t *ctx, char **trace)
{
    /* A retried failure counted its attempts in the retry loop. */
    if (ctx->code != KC_RETRY || ctx->stage == KC_STAGE_KAFKA_PRODUCE) {
        kc_metrics_error(eh->metrics, KC_MERR_FAILURES);
    }
    kc_metrics_error(eh->metrics, KC_MERR_ERRORS);
    if (eh->tolerate_all) {
        kc_metrics_error(eh->metrics, KC_MERR_SKIPPED);
    }
    if (eh->log_enable) {
        kc_metrics_error(eh->metrics, KC_MERR_LOGGED);
        char *line = kc_error_handler_log_text(eh, ctx);
        char *st = kc_error_handler_stacktrace(ctx);

        /* log4j prints the exception on the lines after the message. */
        st[strlen(st) - 1] = '\0';
        kc_log_error(LOGGER, "%s\n%s", line, st);
        kc_free(line);
        kc_free(st);
    }
    if (eh->dlq != NULL) {
        send_to_dlq(eh, ctx);
    }
    if (eh->tolerate_all) {
        return true;
    }
    if (trace != NULL) {
        kc_buf_t b;

        kc_buf_init(&b, 0);
        kc_buf_printf(&b,
                      EXC_PREFIX "ConnectException: Tolerance exceeded in "
                                 "error handler\n\tat kconnect.%s(%s)\n"
                                 "Caused by: ",
                      kc_stage_name(ctx->stage),
                      ctx->plugin_name != NULL ? ctx->plugin_name
                                               : ctx_class(ctx));
        append_trace(&b, ctx);
        *trace = kc_buf_detach(&b, NULL);
    }
    return false;
}

bool kc_error_handler_flush(kc_error_handler_t *eh, int timeout_ms)
{
    if (eh == NULL || eh->dlq == NULL) {
        return true;
    }
    return rd_kafka_flush(eh->dlq, timeout_ms) == RD_KAFKA_RESP_ERR_NO_ERROR;
}

const char *kc_error_handler_transform_class_of(const kc_registry_t *reg,
                                                const kc_props_t *config,
                                                const char *alias)
{
    const char *type;
    const kc_plugin_head_t *head;
    char key[256];

    /* Longer aliases found no class before the origin field either. */
    if (alias == NULL || strlen(alias) > 200) {
        return "null";
    }
    snprintf(key, sizeof(key), "transforms.%s.type", alias);
    type = kc_props_get(config, key);
    if (type == NULL) {
        return "null";
    }
    head =
        reg != NULL ? kc_registry_find(reg, KC_PLUGIN_TRANSFORM, type) : NULL;
    return head != NULL && head->class_name != NULL ? head->class_name : type;
}

bool kc_error_set_kafka_fatal(kc_error_t *err, rd_kafka_t *rk)
{
    char detail[512];
    rd_kafka_resp_err_t cause =
        rd_kafka_fatal_error(rk, detail, sizeof(detail));

    if (cause == RD_KAFKA_RESP_ERR_NO_ERROR) {
        return false;
    }
    kc_error_set(err, KC_ERR_KAFKA, "%s", detail);
    kc_error_set_fatal(err, true);
    kc_error_set_cause(err, rd_kafka_err2name(cause));
    return true;
}

/* ---- a task's handler ------------------------------------------------ */

static int64_t task_now(void *opaque)
{
    KC_UNUSED(opaque);
    return kc_clock_now_ms();
}

static void task_sleep(void *opaque, int64_t ms)
{
    kc_task_sleep(opaque, ms);
}

static bool task_stopping(void *opaque)
{
    kc_task_t *task = opaque;

    return atomic_load(&task->stopping);
}

/*
 * A dead letter queue record Kafka refused (too large, not authorised, a
 * fatal idempotence error): logged as Apache's DeadLetterQueueReporter
 * does; the failed record stays skipped, never retried in a loop.
 */
static void dlq_dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *msg,
                      void *opaque)
{
    char fatal[256];

    KC_UNUSED(opaque);
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        return;
    }
    /* The record's opaque: its task's metrics (send_to_dlq). */
    kc_metrics_error(msg->_private, KC_MERR_DLQ_FAILURES);
    fatal[0] = '\0';
    if (msg->err == RD_KAFKA_RESP_ERR__FATAL) {
        rd_kafka_fatal_error(rk, fatal, sizeof(fatal));
    }
    kc_log_error(DLQ_LOGGER,
                 "Could not produce message to dead letter queue. topic=%s: "
                 "%s%s%s%s",
                 rd_kafka_topic_name(msg->rkt), rd_kafka_err2str(msg->err),
                 fatal[0] != '\0' ? ": " : "", fatal,
                 fatal[0] != '\0'
                     ? " (if the Kafka cluster does not allow idempotent "
                       "producers, set producer.enable.idempotence=false)"
                     : "");
}

static kc_err_t open_dlq(kc_error_handler_t *eh, kc_task_t *task,
                         kc_error_t *err)
{
    kc_worker_t *w = task->worker;
    const kc_props_t *cc = task->connector_config;
    char *client_id = kc_asprintf("connector-dlq-producer-%s", task->label);
    rd_kafka_conf_t *conf =
        kc_worker_client_conf(w, KC_CLIENT_PRODUCER, cc, client_id, err);
    const char *rf_s =
        kc_props_get(cc, "errors.deadletterqueue.topic.replication.factor");
    int64_t rf = 3;
    rd_kafka_t *rk;
    char errstr[512];

    kc_free(client_id);
    if (conf == NULL) {
        return err->code;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, dlq_dr_cb);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (rk == NULL) {
        rd_kafka_conf_destroy(conf);
        return kc_error_set(err, KC_ERR_KAFKA,
                            "could not create the dead letter queue "
                            "producer: %s",
                            errstr);
    }
    kc_error_handler_set_dlq_take(eh, rk, eh->dlq_topic);
    if (rf_s != NULL && *rf_s != '\0' &&
        kc_str_to_i64(rf_s, -1, 32767, &rf) != KC_OK) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "invalid value \"%s\" for configuration "
                            "errors.deadletterqueue.topic.replication.factor",
                            rf_s);
    }
    if (kc_worker_create_topic(w, rk, eh->dlq_topic, 1, (int)rf, NULL, err) !=
        KC_OK) {
        kc_error_prefix(err, "could not create the dead letter queue \"%s\"",
                        eh->dlq_topic);
        return err->code;
    }
    return KC_OK;
}

kc_error_handler_t *kc_error_handler_for_task(kc_task_t *task, kc_error_t *err)
{
    kc_error_handler_t *eh = kc_error_handler_new(
        task->connector_config, kc_worker_registry(task->worker),
        task->connector, task->id, task->is_sink, err);
    kc_error_clock_t clock = {.now_ms = task_now,
                              .sleep_ms = task_sleep,
                              .stopping = task_stopping,
                              .random = default_random,
                              .opaque = task};

    if (eh == NULL) {
        return NULL;
    }
    kc_error_handler_set_clock(eh, &clock);
    eh->metrics = task->metrics;
    if (eh->dlq_topic != NULL && open_dlq(eh, task, err) != KC_OK) {
        kc_error_handler_destroy(eh);
        return NULL;
    }
    return eh;
}

void kc_error_context_name_stage(kc_error_context_t *ctx,
                                 const kc_task_converters_t *conv,
                                 const kc_registry_t *reg,
                                 const kc_props_t *config,
                                 const kc_error_t *err, const char *task_class)
{
    const struct kc_converter_plugin *plugin = NULL;

    switch (ctx->stage) {
    case KC_STAGE_KEY_CONVERTER:
        plugin = conv->key;
        break;
    case KC_STAGE_VALUE_CONVERTER:
        plugin = conv->value;
        break;
    case KC_STAGE_HEADER_CONVERTER:
        plugin = conv->header;
        ctx->class_name =
            "org.apache.kafka.connect.storage.SimpleHeaderConverter";
        break;
    case KC_STAGE_TRANSFORMATION:
        ctx->class_name = kc_error_handler_transform_class_of(
            reg, config, kc_error_origin(err));
        break;
    default:
        ctx->class_name = task_class;
        break;
    }
    if (plugin != NULL) {
        ctx->class_name = plugin->class_name;
        ctx->plugin_name = plugin->name;
    }
    /* The few failures Apache raises as another exception than the
     * stage's DataException say so. */
    if (kc_error_java_exception(err) != NULL && ctx->code != KC_RETRY) {
        ctx->exception_class = kc_error_java_exception(err);
    }
}
