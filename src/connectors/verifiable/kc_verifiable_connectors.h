/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VerifiableSource and VerifiableSink: Apache Kafka's system-test
 * connectors (org.apache.kafka.connect.tools.*), with the same configs,
 * records, source partitions/offsets and JSON lines on stdout, so that
 * Apache's Connect system tests can drive kconnect.
 */
#ifndef KC_CONNECTORS_VERIFIABLE_KC_VERIFIABLE_CONNECTORS_H
#define KC_CONNECTORS_VERIFIABLE_KC_VERIFIABLE_CONNECTORS_H

#include <jansson.h>

#include <kconnect/plugin.h>

/* The descriptors, for tests. */
extern const struct kc_connector_plugin kc_verifiable_source_connector;
extern const struct kc_source_task_plugin kc_verifiable_source_task;
extern const struct kc_connector_plugin kc_verifiable_sink_connector;
extern const struct kc_sink_task_plugin kc_verifiable_sink_task;

/*
 * Where the tasks write their JSON lines (stdout by default); a test
 * points it at a pipe or file. Each line is one write(2).
 */
extern int kc_verifiable_out_fd;

/* The schema of complete.record.data values (shared, read-only). */
const kc_schema_t *kc_verifiable_source_complete_schema(void);

/** @brief Register both connectors (built-in plugin table entry). */
kc_err_t kc_verifiable_connectors_register(kc_registry_t *reg, kc_error_t *err);

/* ---- shared by the two tasks (kc_verifiable_common.c) --------------- */

/*
 * Java's Integer.parseInt / Long.parseLong of a config value: no
 * whitespace, optional sign, in range. NULL is refused as Java refuses it.
 */
bool kc_verifiable_parse_long(const char *s, int64_t min, int64_t max,
                              int64_t *out);

/*
 * The integer config @p key of a task, parsed as Java does; otherwise
 * KC_ERR_INVALID with Apache's "Invalid VerifiableSourceTask
 * configuration" (the sink task says "Source" too) and what is wrong.
 */
kc_err_t kc_verifiable_int_config(const kc_props_t *config, const char *key,
                                  int64_t min, int64_t max, int64_t *out,
                                  kc_error_t *err);

/* The tasks' connector-side part: one task config per tasks.max, each
 * with "id" = its index, the rest copied. */
kc_err_t kc_verifiable_conn_start(void **ctx, const kc_props_t *config,
                                  kc_connector_ctx_t *cctx, kc_error_t *err);
kc_err_t kc_verifiable_conn_task_configs(void *ctx, int max_tasks,
                                         kc_props_t ***configs, size_t *count,
                                         kc_error_t *err);
void kc_verifiable_conn_stop(void *ctx);

/*
 * Print @p obj as one line, compact, keys in insertion order (the tasks
 * insert them in the order Java's HashMap iterates them, which is what
 * Jackson writes). Steals @p obj.
 */
void kc_verifiable_print(json_t *obj);

/* Jackson's text when a map value is a Connect Struct (it has no bean
 * properties): Apache prints this line instead of the JSON. */
void kc_verifiable_print_struct_failure(const char *field);

/* The throttle of Apache's ThroughputThrottler, in sliced sleeps. */
typedef struct kc_verifiable_throttle {
    double target;      /* records/s; < 0: never throttle */
    int64_t start_ms;   /* wall clock, as Apache */
    int64_t sleep_ns;   /* per record */
    int64_t deficit_ns; /* sleep owed */
    int64_t sleep_end;  /* monotonic ns the current sleep ends; 0: none */
} kc_verifiable_throttle_t;

void kc_verifiable_throttle_init(kc_verifiable_throttle_t *t, double target,
                                 int64_t start_ms);
/* Apache's shouldThrottle(amountSoFar, sendStartMs). */
bool kc_verifiable_throttle_should(const kc_verifiable_throttle_t *t,
                                   int64_t amount, int64_t now_ms);

#endif /* KC_CONNECTORS_VERIFIABLE_KC_VERIFIABLE_CONNECTORS_H */
