/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The error handler of one task: Apache's RetryWithToleranceOperator with
 * its LogReporter and DeadLetterQueueReporter, for the converter,
 * transform, errant-record (TASK_PUT) and produce stages.
 *
 * A failed stage is first retried (only a KC_RETRY failure, until
 * errors.retry.timeout), then reported (errors.log.enable: one ERROR line;
 * a dead letter queue when errors.deadletterqueue.topic.name is set), then
 * either skipped (errors.tolerance=all) or turned into the task's failure
 * trace (errors.tolerance=none). Reports happen for both tolerances, as in
 * Apache.
 *
 * Sinks send the original consumed record to the dead letter queue. As an
 * extension, a source connector that sets the dead letter queue topic gets
 * one too: the failed record as JsonConverter text (schemas disabled).
 *
 * @locality one task thread; kc_error_handler_failed may also run in the
 * librdkafka delivery-report callback, which the task thread serves.
 */
#ifndef KC_RUNTIME_KC_ERROR_HANDLER_H
#define KC_RUNTIME_KC_ERROR_HANDLER_H

#include <kconnect/plugin.h>
#include <librdkafka/rdkafka.h>

#include "runtime/kc_task_converters.h"

/* Apache's Stage enum; the name is the DLQ stage header value. */
typedef enum kc_stage {
    KC_STAGE_TASK_POLL = 0,
    KC_STAGE_TASK_PUT,
    KC_STAGE_TRANSFORMATION,
    KC_STAGE_KEY_CONVERTER,
    KC_STAGE_VALUE_CONVERTER,
    KC_STAGE_HEADER_CONVERTER,
    KC_STAGE_KAFKA_PRODUCE,
    KC_STAGE_KAFKA_CONSUME
} kc_stage_t;

/** @brief Apache's name of @p stage, e.g. "VALUE_CONVERTER". */
const char *kc_stage_name(kc_stage_t stage);

/* Apache's first retry delay; it doubles per attempt. */
#define KC_RETRY_DELAY_MIN_MS 300

typedef struct kc_error_handler kc_error_handler_t;
struct kc_task;

/*
 * One failure. Exactly one of consumed (sink), record (source, as polled)
 * or produced (source, a send Kafka refused) should be set.
 */
typedef struct kc_error_context {
    kc_stage_t stage;
    const char *class_name;  /* Java class of the executing plugin */
    const char *plugin_name; /* short name, for the trace; may be NULL */
    kc_err_t code;           /* the stage's result code */
    const char *message;     /* the stage's error message */
    /* Java exception class of the failure; NULL derives it from the stage
     * and code (kc_error_handler_exception_class). */
    const char *exception_class;
    const rd_kafka_message_t *consumed;
    const kc_record_t *record;
    const rd_kafka_message_t *produced;
} kc_error_context_t;

/* Time and sleep, injectable for tests; opaque is the set_clock argument. */
typedef struct kc_error_clock {
    int64_t (*now_ms)(void *opaque);
    /* Sleep up to ms; may return early when a stop is requested. */
    void (*sleep_ms)(void *opaque, int64_t ms);
    bool (*stopping)(void *opaque);
    /* A random value in [0, bound); bound > 0. */
    int64_t (*random)(void *opaque, int64_t bound);
    void *opaque;
} kc_error_clock_t;

/**
 * @brief Read errors.* of @p connector_config (borrowed) for task
 * @p task_id of @p connector. @p reg (borrowed, outlives the handler) finds
 * the JsonConverter for a source dead letter queue. The dead letter queue
 * itself is attached with kc_error_handler_set_dlq_take. On a bad value
 * returns NULL and fills @p err naming the key.
 */
kc_error_handler_t *kc_error_handler_new(const kc_props_t *connector_config,
                                         const kc_registry_t *reg,
                                         const char *connector, int task_id,
                                         bool is_sink, kc_error_t *err);
/**
 * @brief The handler of @p task (borrowed, outlives it): its connector
 * config, a sleep that a stop of the task interrupts, and the dead letter
 * queue producer when errors.deadletterqueue.topic.name is set (the topic
 * is created if absent: 1 partition, the configured replication factor).
 * On error returns NULL and fills @p err.
 */
kc_error_handler_t *kc_error_handler_for_task(struct kc_task *task,
                                              kc_error_t *err);
/** @brief Flush and destroy the dead letter queue producer; NULL no-op. */
void kc_error_handler_destroy(kc_error_handler_t *eh);

/** @brief Replace the clock (copied); defaults: kc_clock_now_ms/_sleep_ms. */
void kc_error_handler_set_clock(kc_error_handler_t *eh,
                                const kc_error_clock_t *clock);

/** @brief Whether errors.tolerance=all. */
bool kc_error_handler_tolerates_all(const kc_error_handler_t *eh);
/** @brief Whether errors.retry.timeout allows any retry. */
bool kc_error_handler_retries(const kc_error_handler_t *eh);
/** @brief The dead letter queue topic, or NULL when there is none. */
const char *kc_error_handler_dlq_topic(const kc_error_handler_t *eh);

/**
 * @brief Attach the dead letter queue: @p producer is owned by the handler
 * from now on (also on failure), @p topic is copied.
 */
void kc_error_handler_set_dlq_take(kc_error_handler_t *eh, rd_kafka_t *producer,
                                   const char *topic);

/* One attempt of a stage; returns KC_OK, KC_RETRY or an error. */
typedef kc_err_t (*kc_error_op_fn)(void *arg, kc_error_t *err);

/**
 * @brief Apache's execAndRetry, entered after the first attempt failed
 * with @p rc: while the failure is KC_RETRY and errors.retry.timeout
 * (measured from this call) has not passed and no stop was requested, back
 * off (300 ms doubling; past errors.retry.delay.max.ms a random delay in
 * [0, max); never past the deadline) and call @p op again.
 * @returns the last result (KC_OK when a retry succeeded); @p err holds
 * the last error. *attempts (may be NULL) gets the number of calls,
 * counting the first one.
 */
kc_err_t kc_error_handler_retry(kc_error_handler_t *eh, kc_error_op_fn op,
                                void *arg, kc_err_t rc, kc_error_t *err,
                                int *attempts);

/**
 * @brief Whether the task was told to stop: a retry that ended so is not a
 * failure to report; the caller must leave the record unprocessed (offset
 * not committed past it).
 */
bool kc_error_handler_stopping(const kc_error_handler_t *eh);

/**
 * @brief Report a failure that retries did not fix: the log line, the dead
 * letter queue. @returns true when the record is to be skipped
 * (errors.tolerance=all); false when the task must fail, with *trace set
 * to the task's failure trace (caller frees with kc_free).
 */
bool kc_error_handler_failed(kc_error_handler_t *eh,
                             const kc_error_context_t *ctx, char **trace);

/**
 * @brief Wait until the dead letter queue acknowledged everything sent so
 * far (call before committing offsets past reported records).
 * @returns false when it did not within @p timeout_ms; true without a DLQ.
 */
bool kc_error_handler_flush(kc_error_handler_t *eh, int timeout_ms);

/** @brief Apache's LogReporter line for @p ctx (caller frees). */
char *kc_error_handler_log_text(const kc_error_handler_t *eh,
                                const kc_error_context_t *ctx);
/** @brief The Java-style trace text of @p ctx's error (caller frees). */
char *kc_error_handler_stacktrace(const kc_error_context_t *ctx);
/** @brief Java exception class for @p ctx: DataException or the like. */
const char *kc_error_handler_exception_class(const kc_error_context_t *ctx);
/**
 * @brief Add the __connect.errors.* context headers of @p ctx to @p hdrs,
 * in Apache's order.
 */
void kc_error_handler_add_headers(const kc_error_handler_t *eh,
                                  const kc_error_context_t *ctx,
                                  rd_kafka_headers_t *hdrs);

/**
 * @brief The Java class of transform @p alias (may be NULL), from
 * transforms.<alias>.type of @p config resolved through @p reg; "null"
 * when there is no alias or no such transform.
 */
const char *kc_error_handler_transform_class_of(const kc_registry_t *reg,
                                                const kc_props_t *config,
                                                const char *alias);

/**
 * @brief Name the plugin that ran ctx->stage in @p ctx (class_name,
 * plugin_name): the task's key/value/header converter from @p conv, the
 * transform that @p err's origin names (set by the transform chain; see
 * kc_error_handler_transform_class_of), or @p task_class for the task's own
 * stages.
 */
void kc_error_context_name_stage(kc_error_context_t *ctx,
                                 const kc_task_converters_t *conv,
                                 const kc_registry_t *reg,
                                 const kc_props_t *config,
                                 const kc_error_t *err, const char *task_class);

/**
 * @brief Fill @p err from @p rk's fatal error (rd_kafka_fatal_error):
 * KC_ERR_KAFKA, fatal, the librdkafka error name as cause ("_FATAL" ...)
 * and its text as message. @returns false (err untouched) when @p rk has
 * none.
 */
bool kc_error_set_kafka_fatal(kc_error_t *err, rd_kafka_t *rk);

#endif /* KC_RUNTIME_KC_ERROR_HANDLER_H */
