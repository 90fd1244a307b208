/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kconnect public API: plugin descriptors and the registry.
 *
 * A plugin is a const descriptor of function pointers plus a config table.
 * The runtime owns the instance; the plugin owns the `void *ctx` it makes
 * in start/configure and frees in stop/destroy. Every descriptor begins
 * with KC_PLUGIN_HEADER so the loader can check the ABI and name it.
 *
 * A shared object found under `plugin.path` exports one function,
 * kc_plugin_init(), that registers its descriptors.
 */
#ifndef KC_KCONNECT_PLUGIN_H
#define KC_KCONNECT_PLUGIN_H

#include <kconnect/common.h>
#include <kconnect/config.h>
#include <kconnect/data.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kc_plugin_kind {
    KC_PLUGIN_SOURCE = 0,       /* struct kc_connector_plugin, a source */
    KC_PLUGIN_SINK,             /* struct kc_connector_plugin, a sink */
    KC_PLUGIN_CONVERTER,        /* struct kc_converter_plugin */
    KC_PLUGIN_HEADER_CONVERTER, /* struct kc_converter_plugin */
    KC_PLUGIN_TRANSFORM,        /* struct kc_transform_plugin */
    KC_PLUGIN_PREDICATE,        /* struct kc_predicate_plugin */
    KC_PLUGIN_KIND_COUNT
} kc_plugin_kind_t;

/** @brief Apache's type name: "source", "sink", "converter", ... */
KC_EXPORT const char *kc_plugin_kind_name(kc_plugin_kind_t kind);

/*
 * Common head of every descriptor. `name` is the short name (e.g.
 * "FileStreamSource"); `class_name` the Java class name it stands for
 * (e.g. "org.apache.kafka.connect.file.FileStreamSourceConnector");
 * `aliases` further names, NULL-terminated, may be NULL.
 */
#define KC_PLUGIN_HEADER                                                       \
    uint32_t abi_version;                                                      \
    uint32_t struct_size;                                                      \
    const char *name;                                                          \
    const char *class_name;                                                    \
    const char *const *aliases;                                                \
    const char *version;                                                       \
    const kc_config_def_t *config_def

#define KC_PLUGIN_INIT(type)                                                   \
    .abi_version = KC_ABI_VERSION, .struct_size = sizeof(type)

typedef struct kc_plugin_head {
    KC_PLUGIN_HEADER;
} kc_plugin_head_t;

/* ---- connectors and tasks ------------------------------------------- */

typedef struct kc_connector_ctx kc_connector_ctx_t;
typedef struct kc_source_task_ctx kc_source_task_ctx_t;
typedef struct kc_sink_task_ctx kc_sink_task_ctx_t;

/** @brief Ask the runtime to call task_configs again (e.g. tables changed). */
KC_EXPORT void kc_connector_request_reconfigure(kc_connector_ctx_t *cctx);
/** @brief Report a fatal error found in the background; the connector fails. */
KC_EXPORT void kc_connector_raise_error(kc_connector_ctx_t *cctx,
                                        const kc_error_t *error);
KC_EXPORT const char *kc_connector_ctx_name(const kc_connector_ctx_t *cctx);

struct kc_source_task_plugin;
struct kc_sink_task_plugin;

struct kc_connector_plugin {
    KC_PLUGIN_HEADER;
    /* Exactly one of these is set; it says whether this is a source. */
    const struct kc_source_task_plugin *source_task;
    const struct kc_sink_task_plugin *sink_task;
    /**
     * Start with the connector's config (validated against config_def).
     * @p cctx stays valid until stop.
     */
    kc_err_t (*start)(void **ctx, const kc_props_t *config,
                      kc_connector_ctx_t *cctx, kc_error_t *err);
    /**
     * At most @p max_tasks task configs. The caller takes ownership of the
     * array (kc_free) and of each props (kc_props_destroy).
     */
    kc_err_t (*task_configs)(void *ctx, int max_tasks, kc_props_t ***configs,
                             size_t *count, kc_error_t *err);
    void (*stop)(void *ctx);
    /**
     * Optional: validation beyond config_def (cross-key rules). Add issues
     * to @p result.
     */
    void (*validate)(const kc_props_t *config, kc_config_result_t *result);
    /**
     * Optional (appended; a descriptor whose struct_size ends before it
     * has none): check an alter-offsets request (REST `PATCH
     * /connectors/{name}/offsets`) before anything is written, as Apache's
     * Connector.alterOffsets. @p partitions and @p offsets are @p count
     * schemaless values (maps); an offset is KC_TYPE_NULL for a
     * tombstone. Return KC_OK to accept, or an error whose message REST
     * answers with 500, nothing written.
     */
    kc_err_t (*alter_offsets)(const kc_props_t *config,
                              const kc_value_t *partitions,
                              const kc_value_t *offsets, size_t count,
                              kc_error_t *err);
};

/* The struct_size of a connector descriptor built before alter_offsets. */
#define KC_CONNECTOR_PLUGIN_SIZE_V2                                            \
    offsetof(struct kc_connector_plugin, alter_offsets)

/** @brief The stored offset for @p partition (a map value) or NOT_FOUND. */
KC_EXPORT kc_err_t kc_source_offset_get(kc_source_task_ctx_t *tctx,
                                        const kc_value_t *partition,
                                        kc_arena_t *arena, kc_value_t *offset);
KC_EXPORT const char *kc_source_task_ctx_name(const kc_source_task_ctx_t *t);

struct kc_source_task_plugin {
    KC_PLUGIN_HEADER;
    kc_err_t (*start)(void **ctx, const kc_props_t *config,
                      kc_source_task_ctx_t *tctx, kc_error_t *err);
    /**
     * Append records to @p batch (its arena holds them). Return KC_OK (zero
     * records is fine: the runtime polls again), KC_RETRY, or an error
     * (the task fails). Must not block for more than about a second.
     */
    kc_err_t (*poll)(void *ctx, kc_batch_t *batch, kc_error_t *err);
    /** Optional: offsets up to these records were committed. */
    void (*commit)(void *ctx);
    void (*stop)(void *ctx);
};

/**
 * @brief Report a bad record from put() to the error handler (log,
 * tolerance, dead letter queue), as Connect's ErrantRecordReporter.
 * @returns KC_OK if tolerated, else an error: put should fail then.
 */
KC_EXPORT kc_err_t kc_sink_report(kc_sink_task_ctx_t *tctx,
                                  const kc_record_t *rec,
                                  const kc_error_t *error);
KC_EXPORT const char *kc_sink_task_ctx_name(const kc_sink_task_ctx_t *t);
/**
 * @brief Redeliver the batch of a put that returns KC_RETRY after
 * @p timeout_ms, as Connect's SinkTaskContext.timeout(ms). Call it in put
 * before returning KC_RETRY; the runtime reads and forgets the value after
 * every put. Without it (or with @p timeout_ms <= 0) the batch is
 * redelivered when the next offset commit is due (offset.flush.interval.ms,
 * as Apache), and at least 100 ms later. Meanwhile the consumer keeps its
 * group membership with every partition paused. @p tctx NULL is a no-op.
 */
KC_EXPORT void kc_sink_task_ctx_timeout(kc_sink_task_ctx_t *tctx,
                                        int64_t timeout_ms);

/* A partition assigned to a sink task, and where to consume it from. */
typedef struct kc_sink_partition {
    const char *topic;
    int32_t partition;
    int64_t offset; /* -1: the committed offset */
} kc_sink_partition_t;

struct kc_sink_task_plugin {
    KC_PLUGIN_HEADER;
    kc_err_t (*start)(void **ctx, const kc_props_t *config,
                      kc_sink_task_ctx_t *tctx, kc_error_t *err);
    /**
     * KC_OK, KC_RETRY (the same batch is redelivered later, see
     * kc_sink_task_ctx_timeout) or error.
     */
    kc_err_t (*put)(void *ctx, kc_batch_t *batch, kc_error_t *err);
    /** Optional: make everything put so far durable before a commit. */
    kc_err_t (*flush)(void *ctx, kc_error_t *err);
    void (*stop)(void *ctx);
    /**
     * Optional (appended; a descriptor whose struct_size ends before it
     * has none): @p parts were assigned to the task (at start and after
     * every rebalance), as SinkTask.open. Setting an offset (>= 0) makes
     * the task consume that partition from there instead of the committed
     * offset, as SinkTaskContext.offset: a sink that stores its offsets
     * with its data resumes where its data ends. An error fails the task.
     */
    kc_err_t (*open)(void *ctx, kc_sink_partition_t *parts, size_t count,
                     kc_error_t *err);
    /**
     * Optional (appended), both or neither: put in two steps, so the
     * runner can fetch and convert the next batch while the destination
     * works on this one. put_start is put, except that it may set
     * *pending and return KC_OK with the outcome not known yet; the
     * runner then calls put_finish with the same batch (its records still
     * valid) before any other call of the task (put, flush, open, stop),
     * and put_finish returns what put would have.
     */
    kc_err_t (*put_start)(void *ctx, kc_batch_t *batch, bool *pending,
                          kc_error_t *err);
    kc_err_t (*put_finish)(void *ctx, kc_batch_t *batch, kc_error_t *err);
};

/* The struct_size of a sink task descriptor built before open. */
#define KC_SINK_TASK_PLUGIN_SIZE_V1 offsetof(struct kc_sink_task_plugin, open)

/* ---- converters ------------------------------------------------------ */

/*
 * A converter (key/value) or header converter. `is_key` is true for a key
 * converter; for header converters `header` names the header.
 */
struct kc_converter_plugin {
    KC_PLUGIN_HEADER;
    kc_err_t (*configure)(void **ctx, const kc_props_t *config, bool is_key,
                          kc_error_t *err);
    /**
     * Serialise; append the bytes to @p out. Set *is_null for a Kafka null
     * (tombstone) and append nothing.
     */
    kc_err_t (*from_connect)(void *ctx, const char *topic, const char *header,
                             const kc_schema_t *schema, const kc_value_t *value,
                             kc_buf_t *out, bool *is_null, kc_error_t *err);
    /**
     * Deserialise @p data (NULL = Kafka null). The schema (NULL when
     * schemaless) must stay valid until @p arena is reset: a cached schema
     * is pinned with kc_arena_on_reset(arena, kc_schema_unref_cb, ref).
     */
    kc_err_t (*to_connect)(void *ctx, const char *topic, const char *header,
                           const uint8_t *data, size_t len, kc_arena_t *arena,
                           const kc_schema_t **schema, kc_value_t *value,
                           kc_error_t *err);
    void (*destroy)(void *ctx);
};

/* ---- transforms and predicates ------------------------------------- */

struct kc_transform_plugin {
    KC_PLUGIN_HEADER;
    kc_err_t (*configure)(void **ctx, const kc_props_t *config,
                          kc_error_t *err);
    /**
     * Change @p rec in place (new memory from @p arena) or set *drop to
     * filter it out.
     */
    kc_err_t (*apply)(void *ctx, kc_record_t *rec, kc_arena_t *arena,
                      bool *drop, kc_error_t *err);
    void (*destroy)(void *ctx);
};

struct kc_predicate_plugin {
    KC_PLUGIN_HEADER;
    kc_err_t (*configure)(void **ctx, const kc_props_t *config,
                          kc_error_t *err);
    kc_err_t (*test)(void *ctx, const kc_record_t *rec, bool *result,
                     kc_error_t *err);
    void (*destroy)(void *ctx);
};

/* ---- registry -------------------------------------------------------- */

typedef struct kc_registry kc_registry_t;

/**
 * @brief Register a descriptor (borrowed: it must outlive the registry).
 * Rejects an ABI or size mismatch, a missing mandatory callback or a name
 * already taken, naming what is wrong.
 */
KC_EXPORT kc_err_t kc_registry_add(kc_registry_t *reg, kc_plugin_kind_t kind,
                                   const void *descriptor, kc_error_t *err);

/** The one function a plugin shared object exports. */
typedef kc_err_t (*kc_plugin_init_fn)(kc_registry_t *reg, kc_error_t *err);
#define KC_PLUGIN_INIT_SYMBOL "kc_plugin_init"

#ifdef __cplusplus
}
#endif

#endif /* KC_KCONNECT_PLUGIN_H */
