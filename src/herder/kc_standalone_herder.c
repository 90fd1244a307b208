/*
 * The standalone herder: one thread owns every connector's config, target
 * state and task configs and runs the lifecycle state machine; the
 * kc_herder_* calls post an op to its queue and wait for the reply (see
 * kc_herder.h). Status lives in a kc_status_store_t that task threads
 * write and REST threads read without waiting for the herder thread.
 */
#include "kc_internal.h"

#include "herder/kc_config_info.h"
#include "herder/kc_herder.h"
#include "config/kc_secrets.h"
#include "herder/kc_status_store.h"
#include "util/kc_clock.h"
#include "util/kc_log.h"
#include "util/kc_opq.h"
#include "util/kc_str.h"
#include "util/kc_timers.h"
#include "util/kc_utf8.h"

#include <ctype.h>
#include <pthread.h>
#include <strings.h>

#define KC_HERDER_LOGGER                                                       \
    "org.apache.kafka.connect.runtime.standalone.StandaloneHerder"
/* Apache's REST request timeout and health check timeout. */
#define KC_HERDER_TIMEOUT_MS        90000
#define KC_HERDER_HEALTH_TIMEOUT_MS 10000
/* The Apache Kafka release whose REST API this one reproduces. */
#define KC_HERDER_COMPAT_VERSION "4.1.1"

typedef struct kc_hconn {
    char *name;
    char *log_name; /* name with control characters escaped, for logs */
    kc_props_t *config;
    const struct kc_connector_plugin *plugin;
    kc_plugin_kind_t kind;
    kc_target_state_t target;
    bool started; /* the instance runs (or is paused) in the worker */
    kc_props_t **tasks;
    size_t ntasks;
} kc_hconn_t;

typedef enum kc_op_type {
    KC_OP_LIST,
    KC_OP_INFO,
    KC_OP_CONFIG,
    KC_OP_PUT,
    KC_OP_PATCH,
    KC_OP_DELETE,
    KC_OP_TASKS,
    KC_OP_RESTART,
    KC_OP_RESTART_TASK,
    KC_OP_PAUSE,
    KC_OP_RESUME,
    KC_OP_STOP,
    KC_OP_TOPICS,
    KC_OP_TOPICS_RESET,
    KC_OP_OFFSETS,
    KC_OP_ALTER_OFFSETS,
    KC_OP_RESET_OFFSETS,
    KC_OP_VALIDATE,
    KC_OP_PLUGIN_CONFIG,
    KC_OP_PING,
    KC_OP_RECONFIGURE /* posted by the worker; nobody waits for it */
} kc_op_type_t;

/*
 * A request and, once served, its reply. The queue hands it from the
 * caller to the herder thread and back (kc_opq_call); a caller that timed
 * out has left, and the reply is then destroyed, never read.
 */
typedef struct kc_op {
    kc_opq_op_t q; /* first: the queue's head of the op */
    kc_op_type_t type;
    char *name;
    int task;
    unsigned flags;
    bool b1;
    bool b2;
    char *str;
    json_t *in;
    /* reply */
    kc_err_t rc;
    kc_error_t err;
    json_t *out;
    bool created;
} kc_op_t;

struct kc_herder {
    kc_worker_t *w;
    kc_status_store_t *status;
    int64_t timeout_ms;

    /*
     * The herder thread sleeps in kc_opq_pop until an op arrives or the
     * next timer is due; it has no periodic tick.
     */
    kc_opq_t *ops;
    kc_timers_t *timers;  /* @locality the herder thread */
    pthread_mutex_t lock; /* started, stopping */
    bool stopping;
    bool started;
    pthread_t thread;

    /* Serialises op execution (the thread, or callers before start). */
    pthread_mutex_t exec_lock;
    /* Owned by whoever holds exec_lock. */
    kc_hconn_t **conns;
    size_t nconns;
};

/* ---- small helpers ----------------------------------------------------- */

static kc_hconn_t *kc_herder_find(kc_herder_t *h, const char *name)
{
    for (size_t i = 0; i < h->nconns; i++) {
        if (strcmp(h->conns[i]->name, name) == 0) {
            return h->conns[i];
        }
    }
    return NULL;
}

static const char *kc_kind_type(kc_plugin_kind_t kind)
{
    return kind == KC_PLUGIN_SINK ? "sink" : "source";
}

static const char *kc_plugin_class(const kc_plugin_head_t *p)
{
    return p->class_name != NULL ? p->class_name : p->name;
}

static const char *kc_task_version(const struct kc_connector_plugin *p)
{
    if (p->source_task != NULL) {
        return p->source_task->version;
    }
    if (p->sink_task != NULL) {
        return p->sink_task->version;
    }
    return NULL;
}

static void kc_tasks_free(kc_props_t **tasks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        kc_props_destroy(tasks[i]);
    }
    kc_free(tasks);
}

static json_t *kc_props_json(const kc_props_t *props)
{
    json_t *o = json_object();

    for (size_t i = 0; i < kc_props_count(props); i++) {
        json_object_set_new(o, kc_props_key_at(props, i),
                            json_string(kc_props_value_at(props, i)));
    }
    return o;
}

/* Java's Map.toString(): {k1=v1, k2=v2}, as Apache quotes a config. */
static char *kc_props_java_string(const kc_props_t *props)
{
    kc_buf_t buf;

    kc_buf_init(&buf, 0);
    kc_buf_putc(&buf, '{');
    for (size_t i = 0; i < kc_props_count(props); i++) {
        kc_buf_printf(&buf, "%s%s=%s", i > 0 ? ", " : "",
                      kc_props_key_at(props, i), kc_props_value_at(props, i));
    }
    kc_buf_putc(&buf, '}');
    return kc_buf_detach(&buf, NULL);
}

static int kc_json_to_buf(const char *data, size_t len, void *opaque)
{
    return kc_buf_append(opaque, data, len) == KC_OK ? 0 : -1;
}

/* A number or boolean as Jackson turns it into a String. Caller frees. */
static char *kc_json_scalar_text(const json_t *v)
{
    kc_buf_t buf;

    kc_buf_init(&buf, 0);
    json_dump_callback(v, kc_json_to_buf, &buf, JSON_ENCODE_ANY);
    return kc_buf_detach(&buf, NULL);
}

/*
 * A REST config object to props. Scalars become their JSON text (as
 * Jackson reads a Map<String, String>); null values are kept apart in
 * @p nulls (validation reports them); objects and arrays are rejected.
 */
static kc_err_t kc_json_to_props(json_t *config, kc_props_t **out,
                                 kc_props_t **nulls, kc_error_t *err)
{
    kc_props_t *props;
    const char *key;
    json_t *v;

    if (config == NULL || !json_is_object(config)) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Connector configuration must be a JSON object "
                            "of string values");
    }
    props = kc_props_new();
    if (nulls != NULL) {
        *nulls = kc_props_new();
    }
    json_object_foreach(config, key, v)
    {
        if (json_is_string(v)) {
            kc_props_set(props, key, json_string_value(v));
        } else if (json_is_null(v)) {
            if (nulls != NULL) {
                kc_props_set(*nulls, key, "");
            }
        } else if (json_is_object(v) || json_is_array(v)) {
            kc_props_destroy(props);
            if (nulls != NULL) {
                kc_props_destroy(*nulls);
                *nulls = NULL;
            }
            return kc_error_set(err, KC_ERR_INVALID,
                                "Cannot deserialize value of type "
                                "`java.lang.String` from %s value (key \"%s\")",
                                json_is_object(v) ? "Object" : "Array", key);
        } else {
            char *text = kc_json_scalar_text(v);

            kc_props_set(props, key, text);
            kc_free(text);
        }
    }
    *out = props;
    return KC_OK;
}

static json_t *kc_error_body(int code, const char *message)
{
    json_t *o = json_object();

    json_object_set_new(o, "error_code", json_integer(code));
    json_object_set_new(o, "message", json_string(message));
    return o;
}

/* ---- status ------------------------------------------------------------ */

static void kc_herder_on_status(void *opaque, const char *connector, int task,
                                kc_state_t state, const char *trace)
{
    kc_herder_t *h = opaque;

    /* The worker logs failures; this only records them. */
    kc_status_store_put(h->status, connector, task, state, kc_worker_id(h->w),
                        trace);
}

static void kc_herder_put_status(kc_herder_t *h, const char *name, int task,
                                 kc_state_t state, const char *trace)
{
    kc_status_store_put(h->status, name, task, state, kc_worker_id(h->w),
                        trace);
}

/*
 * After a successful start: a worker that has not reported yet (or whose
 * last report predates this start) gets the state the target implies; a
 * FAILED it reported meanwhile stays.
 */
static void kc_herder_settle_status(kc_herder_t *h, const char *name, int task,
                                    kc_target_state_t target)
{
    kc_status_store_replace(
        h->status, name, task,
        KC_STATUS_ABSENT | KC_STATUS_IN(KC_STATE_UNASSIGNED) |
            KC_STATUS_IN(KC_STATE_RESTARTING),
        target == KC_TARGET_PAUSED ? KC_STATE_PAUSED : KC_STATE_RUNNING,
        kc_worker_id(h->w));
}

/* A FAILED entry is cleared before a new attempt so settle can apply. */
static void kc_herder_clear_failed(kc_herder_t *h, const char *name, int task)
{
    kc_status_store_replace(h->status, name, task,
                            KC_STATUS_IN(KC_STATE_FAILED), KC_STATE_UNASSIGNED,
                            kc_worker_id(h->w));
}

/* ---- validation -------------------------------------------------------- */

static const struct kc_connector_plugin *
kc_herder_plugin(kc_herder_t *h, const char *cls, kc_plugin_kind_t *kind,
                 kc_error_t *err)
{
    kc_registry_t *reg = kc_worker_registry(h->w);
    const struct kc_connector_plugin *p;
    kc_buf_t buf;

    p = kc_registry_find_connector(reg, cls, kind);
    if (p != NULL) {
        return p;
    }
    kc_buf_init(&buf, 0);
    for (int k = KC_PLUGIN_SINK; k >= KC_PLUGIN_SOURCE; k--) {
        size_t n = kc_registry_count(reg, (kc_plugin_kind_t)k);

        for (size_t i = 0; i < n; i++) {
            const kc_plugin_head_t *head =
                kc_registry_at(reg, (kc_plugin_kind_t)k, i);

            kc_buf_printf(&buf, "%s%s", buf.len > 0 ? ", " : "",
                          kc_plugin_class(head));
        }
    }
    kc_error_set(err, KC_ERR_INVALID,
                 "Failed to find any class that implements Connector and "
                 "which name matches %s, available connectors are: %s",
                 cls, kc_buf_cstr(&buf));
    kc_buf_release(&buf);
    return NULL;
}

/*
 * The tables a connector is validated against: the worker's (common keys
 * plus the plugin's), or just the plugin's if the worker has none.
 */
static const kc_config_def_t *const *
kc_herder_tables(kc_herder_t *h, const struct kc_connector_plugin *p,
                 const kc_config_def_t *fallback[2])
{
    const kc_config_def_t *const *tables = kc_worker_connector_defs(h->w, p);

    if (tables != NULL) {
        return tables;
    }
    fallback[0] = p->config_def;
    fallback[1] = NULL;
    return fallback[0] != NULL ? fallback : fallback + 1;
}

/*
 * Apache's NonEmptyStringWithoutControlChars on "name": ConfigDef trims a
 * STRING value first, then every code point that is an ISO control
 * character (U+0000-U+001F, U+007F-U+009F) is listed. Code points, not
 * bytes: the UTF-8 of a character outside the BMP holds bytes in
 * 0x80-0x9F that are not control characters.
 */
static void kc_herder_check_name(const kc_props_t *props,
                                 kc_config_result_t *result)
{
    const char *name = kc_props_get(props, "name");
    char *trimmed;
    char *msg = NULL;
    kc_buf_t buf;

    if (name == NULL || kc_config_result_first(result, "name") != NULL) {
        return;
    }
    trimmed = kc_str_trim_dup(name, strlen(name));
    kc_buf_init(&buf, 0);
    if (*trimmed == '\0') {
        msg = kc_asprintf("Invalid value  for configuration name: String "
                          "may not be empty");
    } else if (!kc_utf8_valid(trimmed, strlen(trimmed))) {
        msg = kc_asprintf("Invalid value for configuration name: String "
                          "must be valid UTF-8");
    } else {
        const uint8_t *p = (const uint8_t *)trimmed;
        const uint8_t *end = p + strlen(trimmed);

        while (p < end) {
            uint32_t cp;

            p += kc_utf8_decode(p, end, &cp);
            if (kc_utf8_is_iso_control(cp)) {
                kc_buf_printf(&buf, "%s%u", buf.len > 0 ? ", " : "",
                              (unsigned)cp);
            }
        }
        if (buf.len > 0) {
            msg = kc_asprintf("Invalid value %s for configuration name: "
                              "String may not contain control sequences "
                              "but had the following ASCII chars: %s",
                              trimmed, kc_buf_cstr(&buf));
        }
    }
    if (msg != NULL) {
        kc_config_info_add_issue(result, "name", msg);
        kc_free(msg);
    }
    kc_buf_release(&buf);
    kc_free(trimmed);
}

/*
 * Validation runs on resolved values: put the references back in what
 * it shows of each key (value, errors, recommended values).
 */
static void kc_herder_scrub_infos(kc_herder_t *h, const kc_props_t *raw,
                                  json_t *infos)
{
    const kc_config_t *wcfg = kc_worker_config(h->w);
    kc_secrets_t *sec =
        kc_secrets_new(raw, wcfg != NULL ? kc_config_props(wcfg) : NULL);
    json_t *configs = json_object_get(infos, "configs");

    for (size_t i = 0; !kc_secrets_empty(sec) && i < json_array_size(configs);
         i++) {
        json_t *value = json_object_get(json_array_get(configs, i), "value");
        const char *key = json_string_value(json_object_get(value, "name"));
        const char *rawv = key != NULL ? kc_props_get(raw, key) : NULL;
        json_t *shown = json_object_get(value, "value");

        /* Not "name": the key stays what it is. */
        kc_secrets_scrub_json(sec, json_object_get(value, "errors"));
        kc_secrets_scrub_json(sec,
                              json_object_get(value, "recommended_values"));
        if (rawv != NULL && json_is_string(shown) &&
            strcmp(json_string_value(shown), KC_CONFIG_HIDDEN) != 0) {
            /* A value that held a reference shows the reference. */
            json_string_set(shown, rawv);
        } else {
            kc_secrets_scrub_json(sec, shown);
        }
    }
    kc_secrets_destroy(sec);
}

/*
 * Validate @p props (and the keys in @p nulls, whose JSON value was null).
 * *infos (may be NULL) gets the ConfigInfos. KC_OK with issues listed in
 * the infos; an error only when validation could not run (no class,
 * unknown plugin).
 */
static kc_err_t kc_herder_validate_props(kc_herder_t *h, const kc_props_t *raw,
                                         const kc_props_t *nulls,
                                         const struct kc_connector_plugin **pp,
                                         kc_plugin_kind_t *kind, json_t **infos,
                                         kc_error_t *err)
{
    const char *cls = kc_props_get(raw, "connector.class");
    const struct kc_connector_plugin *p;
    const kc_config_def_t *fallback[2];
    const kc_config_def_t *const *tables;
    const kc_config_t *wcfg = kc_worker_config(h->w);
    kc_config_result_t result = {NULL, 0};
    kc_props_t *props;

    if (cls == NULL) {
        char *text = kc_props_java_string(raw);

        kc_error_set(err, KC_ERR_INVALID,
                     "Connector config %s contains no connector type", text);
        kc_free(text);
        return KC_ERR_INVALID;
    }
    p = kc_herder_plugin(h, cls, kind, err);
    if (p == NULL) {
        return KC_ERR_INVALID;
    }
    /* As Apache: ${provider:...} references are resolved, then checked. */
    props = kc_props_copy(raw);
    if (wcfg != NULL &&
        kc_props_resolve(props, kc_config_props(wcfg), err) != KC_OK) {
        kc_props_destroy(props);
        err->code = KC_ERR_INVALID;
        return KC_ERR_INVALID;
    }
    tables = kc_herder_tables(h, p, fallback);
    kc_config_validate(tables, props, &result);
    for (size_t i = 0; nulls != NULL && i < kc_props_count(nulls); i++) {
        kc_config_info_add_issue(&result, kc_props_key_at(nulls, i),
                                 "Null value can not be supplied as the "
                                 "configuration value.");
    }
    kc_herder_check_name(props, &result);
    /* Cross-key rules and the plugin's own validate(). */
    kc_worker_connector_check(h->w, p, props, &result);
    *infos = kc_config_infos(cls, tables, props, &result);
    kc_herder_scrub_infos(h, raw, *infos);
    kc_config_result_release(&result);
    kc_props_destroy(props);
    if (pp != NULL) {
        *pp = p;
    }
    return KC_OK;
}

/*
 * Apache's "Connector configuration is invalid ..." text for the errors
 * in @p infos, or NULL when there are none. Caller frees.
 */
static char *kc_infos_error_text(json_t *infos)
{
    json_int_t count =
        json_integer_value(json_object_get(infos, "error_count"));
    json_t *configs = json_object_get(infos, "configs");
    kc_buf_t buf;

    if (count <= 0) {
        return NULL;
    }
    kc_buf_init(&buf, 0);
    kc_buf_printf(&buf,
                  "Connector configuration is invalid and contains the "
                  "following %lld error(s):",
                  (long long)count);
    for (size_t i = 0; i < json_array_size(configs); i++) {
        json_t *errors = json_object_get(
            json_object_get(json_array_get(configs, i), "value"), "errors");

        for (size_t j = 0; j < json_array_size(errors); j++) {
            kc_buf_printf(&buf, "\n%s",
                          json_string_value(json_array_get(errors, j)));
        }
    }
    kc_buf_puts(&buf, "\nYou can also find the above list of errors at the "
                      "endpoint `/connector-plugins/{connectorType}/config/"
                      "validate`");
    return kc_buf_detach(&buf, NULL);
}

/* ---- lifecycle --------------------------------------------------------- */

static kc_secrets_t *kc_hconn_secrets(kc_herder_t *h, const kc_hconn_t *c)
{
    const kc_config_t *wcfg = kc_worker_config(h->w);

    return kc_secrets_new(c->config,
                          wcfg != NULL ? kc_config_props(wcfg) : NULL);
}

/*
 * Record a failure of @p c (task @p task, -1 for the connector) found by
 * the herder, and log it: its message may quote a resolved provider
 * value (a file name, a URL with a password), which neither the status
 * nor the log may show.
 */
static void kc_hconn_failed(kc_herder_t *h, const kc_hconn_t *c, int task,
                            const char *what, const char *reason)
{
    kc_secrets_t *sec = kc_hconn_secrets(h, c);
    char *clean = kc_secrets_scrub(sec, reason);
    const char *name = c->log_name;
    char *logged = kc_str_escape_log(clean);

    if (task < 0) {
        kc_log_error(KC_HERDER_LOGGER, "could not %s connector \"%s\": %s",
                     what, name, logged);
    } else {
        kc_log_error(KC_HERDER_LOGGER, "could not %s task %s-%d: %s", what,
                     name, task, logged);
    }
    kc_herder_put_status(h, c->name, task, KC_STATE_FAILED, clean);
    kc_free(logged);
    kc_free(clean);
    kc_secrets_destroy(sec);
}

/* Start the connector instance as its target state says. */
static void kc_hconn_start(kc_herder_t *h, kc_hconn_t *c)
{
    kc_error_t err;

    c->started = false;
    if (c->target == KC_TARGET_STOPPED) {
        kc_herder_put_status(h, c->name, -1, KC_STATE_STOPPED, NULL);
        return;
    }
    kc_herder_clear_failed(h, c->name, -1);
    kc_error_clear(&err);
    if (kc_worker_start_connector(h->w, c->name, c->config, c->target, &err) !=
        KC_OK) {
        kc_hconn_failed(h, c, -1, "start", err.msg);
        return;
    }
    c->started = true;
    kc_herder_settle_status(h, c->name, -1, c->target);
}

static void kc_hconn_stop(kc_herder_t *h, kc_hconn_t *c)
{
    if (c->started) {
        kc_worker_stop_connector(h->w, c->name);
        c->started = false;
    }
}

static void kc_hconn_start_task(kc_herder_t *h, kc_hconn_t *c, size_t i)
{
    kc_error_t err;

    kc_herder_clear_failed(h, c->name, (int)i);
    kc_error_clear(&err);
    if (kc_worker_start_task(h->w, c->name, (int)i, c->config, c->tasks[i],
                             c->target, &err) != KC_OK) {
        kc_hconn_failed(h, c, (int)i, "start", err.msg);
        return;
    }
    kc_herder_settle_status(h, c->name, (int)i, c->target);
}

/* Stop every task and forget their configs and status. */
static void kc_hconn_remove_tasks(kc_herder_t *h, kc_hconn_t *c)
{
    if (c->ntasks > 0) {
        kc_worker_stop_tasks(h->w, c->name);
    }
    kc_tasks_free(c->tasks, c->ntasks);
    c->tasks = NULL;
    c->ntasks = 0;
    kc_status_store_forget_tasks(h->status, c->name, -1);
}

/* What Apache's Worker adds to each task config. */
static void kc_hconn_decorate_task(const kc_hconn_t *c, kc_props_t *task)
{
    const kc_plugin_head_t *tp =
        c->plugin->source_task != NULL
            ? (const kc_plugin_head_t *)c->plugin->source_task
            : (const kc_plugin_head_t *)c->plugin->sink_task;

    if (tp != NULL && kc_props_get(task, "task.class") == NULL) {
        kc_props_set(task, "task.class", kc_plugin_class(tp));
    }
    if (c->kind == KC_PLUGIN_SINK) {
        static const char *const keys[] = {"topics", "topics.regex"};

        for (size_t i = 0; i < KC_ARRAY_LEN(keys); i++) {
            const char *v = kc_props_get(c->config, keys[i]);

            if (v != NULL && kc_props_get(task, keys[i]) == NULL) {
                kc_props_set(task, keys[i], v);
            }
        }
    }
}

static long kc_hconn_tasks_max(const kc_hconn_t *c)
{
    const char *v = kc_props_get(c->config, "tasks.max");
    char *end;
    long n;

    if (v == NULL) {
        return 1;
    }
    n = strtol(v, &end, 10);
    return (end == v || n < 1) ? 1 : n;
}

/*
 * Ask the connector for task configs; when they differ from the current
 * ones (or @p force), replace the tasks. As Apache's updateConnectorTasks.
 */
static void kc_hconn_update_tasks(kc_herder_t *h, kc_hconn_t *c, bool force)
{
    kc_props_t **cfgs = NULL;
    size_t n = 0;
    kc_error_t err;
    kc_state_t st;
    bool changed = force;
    long max;
    const char *enforce;
    kc_secrets_t *sec;

    if (!c->started || c->target != KC_TARGET_STARTED) {
        return;
    }
    if (kc_status_store_get(h->status, c->name, -1, &st) &&
        st == KC_STATE_FAILED) {
        kc_log_info(KC_HERDER_LOGGER,
                    "Skipping update of tasks for connector %s since it "
                    "has failed",
                    c->log_name);
        return;
    }
    kc_error_clear(&err);
    if (kc_worker_task_configs(h->w, c->name, &cfgs, &n, &err) != KC_OK) {
        kc_hconn_failed(h, c, -1, "get the task configs of", err.msg);
        return;
    }
    max = kc_hconn_tasks_max(c);
    enforce = kc_props_get(c->config, "tasks.max.enforce");
    if ((long)n > max) {
        char *msg = kc_asprintf(
            "The connector %s has generated %zu tasks, which is greater "
            "than %ld, the maximum number of tasks it is configured to "
            "create. This behaviour should be considered a bug and is "
            "disallowed. If necessary, it can be permitted by "
            "reconfiguring the connector with 'tasks.max.enforce' set to "
            "false; however, this option will be removed in a future "
            "release of Kafka Connect.",
            c->name, n, max);
        char *logged = kc_str_escape_log(msg);

        if (enforce == NULL || strcasecmp(enforce, "false") != 0) {
            kc_log_error(KC_HERDER_LOGGER, "%s", logged);
            kc_hconn_remove_tasks(h, c);
            kc_herder_put_status(h, c->name, -1, KC_STATE_FAILED, msg);
            kc_free(logged);
            kc_free(msg);
            kc_tasks_free(cfgs, n);
            return;
        }
        kc_log_warn(KC_HERDER_LOGGER, "%s", logged);
        kc_free(logged);
        kc_free(msg);
    }
    sec = kc_hconn_secrets(h, c);
    for (size_t i = 0; i < n; i++) {
        kc_hconn_decorate_task(c, cfgs[i]);
        /* Stored and shown with the references; the worker resolves
         * them again when it starts the task. */
        kc_secrets_unresolve(sec, cfgs[i]);
    }
    kc_secrets_destroy(sec);
    if (n != c->ntasks) {
        changed = true;
    }
    for (size_t i = 0; !changed && i < n; i++) {
        changed = !kc_props_equal(cfgs[i], c->tasks[i]);
    }
    if (!changed) {
        kc_tasks_free(cfgs, n);
        return;
    }
    kc_hconn_remove_tasks(h, c);
    c->tasks = cfgs;
    c->ntasks = n;
    for (size_t i = 0; i < n; i++) {
        kc_hconn_start_task(h, c, i);
    }
}

static void kc_hconn_free(kc_hconn_t *c)
{
    kc_tasks_free(c->tasks, c->ntasks);
    kc_props_destroy(c->config);
    kc_free(c->name);
    kc_free(c->log_name);
    kc_free(c);
}

/* ---- JSON views ------------------------------------------------------- */

static json_t *kc_hconn_info(const kc_hconn_t *c)
{
    json_t *o = json_object();
    json_t *tasks = json_array();

    for (size_t i = 0; i < c->ntasks; i++) {
        json_t *id = json_object();

        json_object_set_new(id, "connector", json_string(c->name));
        json_object_set_new(id, "task", json_integer((json_int_t)i));
        json_array_append_new(tasks, id);
    }
    json_object_set_new(o, "name", json_string(c->name));
    json_object_set_new(o, "config", kc_props_json(c->config));
    json_object_set_new(o, "tasks", tasks);
    json_object_set_new(o, "type", json_string(kc_kind_type(c->kind)));
    return o;
}

static json_t *kc_hconn_tasks(const kc_hconn_t *c)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < c->ntasks; i++) {
        json_t *t = json_object();
        json_t *id = json_object();

        json_object_set_new(id, "connector", json_string(c->name));
        json_object_set_new(id, "task", json_integer((json_int_t)i));
        json_object_set_new(t, "id", id);
        json_object_set_new(t, "config", kc_props_json(c->tasks[i]));
        json_array_append_new(arr, t);
    }
    return arr;
}

static int kc_name_cmp(const void *a, const void *b)
{
    return strcmp((*(kc_hconn_t *const *)a)->name,
                  (*(kc_hconn_t *const *)b)->name);
}

/* ---- ops (run with exec_lock held) ------------------------------------ */

static kc_err_t kc_not_found(kc_op_t *op)
{
    return kc_error_set(&op->err, KC_ERR_NOT_FOUND, "Connector %s not found",
                        op->name);
}

static kc_err_t kc_op_list(kc_herder_t *h, kc_op_t *op)
{
    if (h->nconns > 1) {
        qsort(h->conns, h->nconns, sizeof(*h->conns), kc_name_cmp);
    }
    if (op->flags == 0) {
        op->out = json_array();
        for (size_t i = 0; i < h->nconns; i++) {
            json_array_append_new(op->out, json_string(h->conns[i]->name));
        }
        return KC_OK;
    }
    op->out = json_object();
    for (size_t i = 0; i < h->nconns; i++) {
        kc_hconn_t *c = h->conns[i];
        json_t *entry = json_object();

        if (op->flags & KC_HERDER_EXPAND_STATUS) {
            json_t *st = NULL;

            if (kc_status_store_connector_json(h->status, c->name, &st, NULL) !=
                KC_OK) {
                /* As Apache: a connector without status is left out. */
                json_decref(entry);
                continue;
            }
            json_object_set_new(entry, "status", st);
        }
        if (op->flags & KC_HERDER_EXPAND_INFO) {
            json_object_set_new(entry, "info", kc_hconn_info(c));
        }
        json_object_set_new(op->out, c->name, entry);
    }
    return KC_OK;
}

static kc_err_t kc_target_parse(const char *s, kc_target_state_t *t,
                                kc_error_t *err)
{
    if (strcasecmp(s, "RUNNING") == 0) {
        *t = KC_TARGET_STARTED;
    } else if (strcasecmp(s, "PAUSED") == 0) {
        *t = KC_TARGET_PAUSED;
    } else if (strcasecmp(s, "STOPPED") == 0) {
        *t = KC_TARGET_STOPPED;
    } else {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Invalid initial state %s; valid values are "
                            "RUNNING, PAUSED and STOPPED",
                            s);
    }
    return KC_OK;
}

/* Create or replace @p name with @p props (taken on success). */
static kc_err_t kc_herder_apply_config(kc_herder_t *h, kc_op_t *op,
                                       kc_props_t *props,
                                       const kc_props_t *nulls,
                                       bool allow_replace,
                                       const char *initial_state)
{
    const struct kc_connector_plugin *p = NULL;
    kc_plugin_kind_t kind = KC_PLUGIN_SOURCE;
    kc_target_state_t target = KC_TARGET_STARTED;
    json_t *infos = NULL;
    char *text;
    kc_hconn_t *c;
    kc_err_t rc;

    if (initial_state != NULL &&
        kc_target_parse(initial_state, &target, &op->err) != KC_OK) {
        return KC_ERR_INVALID;
    }
    rc = kc_herder_validate_props(h, props, nulls, &p, &kind, &infos, &op->err);
    if (rc != KC_OK) {
        return rc;
    }
    text = kc_infos_error_text(infos);
    json_decref(infos);
    if (text != NULL) {
        kc_error_set(&op->err, KC_ERR_INVALID, "%s", text);
        op->out = kc_error_body(400, text);
        kc_free(text);
        return KC_ERR_INVALID;
    }
    c = kc_herder_find(h, op->name);
    if (c != NULL && !allow_replace) {
        return kc_error_set(&op->err, KC_ERR_CONFLICT,
                            "Connector %s already exists", op->name);
    }
    if (c == NULL) {
        c = kc_calloc(1, sizeof(*c));
        c->name = kc_strdup(op->name);
        c->log_name = kc_str_escape_log(op->name);
        c->target = target;
        h->conns = kc_realloc(h->conns, (h->nconns + 1) * sizeof(*h->conns));
        h->conns[h->nconns++] = c;
        op->created = true;
    } else {
        bool changed = !kc_props_equal(c->config, props) || c->plugin != p;

        kc_log_info(KC_HERDER_LOGGER, "Reconfiguring connector %s",
                    c->log_name);
        kc_hconn_stop(h, c);
        if (changed) {
            /* New connector config: the tasks restart with it even if
             * their task configs come out the same (they inherit the
             * converters, error handling, ...), and never overlap with
             * the new connector instance. */
            kc_hconn_remove_tasks(h, c);
        }
        kc_props_destroy(c->config);
    }
    c->config = props;
    c->plugin = p;
    c->kind = kind;
    kc_status_store_track(h->status, c->name, kc_kind_type(kind), p->version,
                          kc_task_version(p));
    kc_hconn_start(h, c);
    kc_hconn_update_tasks(h, c, false);
    op->out = kc_hconn_info(c);
    return KC_OK;
}

/* Check or inject "name", as Apache's checkAndPutConnectorConfigName. */
static kc_err_t kc_herder_put_name(kc_op_t *op, kc_props_t *props)
{
    const char *included = kc_props_get(props, "name");

    if (included == NULL) {
        kc_props_set(props, "name", op->name);
        return KC_OK;
    }
    if (strcmp(included, op->name) != 0) {
        return kc_error_set(&op->err, KC_ERR_INVALID,
                            "Connector name configuration (%s) doesn't match "
                            "connector name in the URL (%s)",
                            included, op->name);
    }
    return KC_OK;
}

static kc_err_t kc_op_put(kc_herder_t *h, kc_op_t *op)
{
    kc_props_t *props = NULL;
    kc_props_t *nulls = NULL;
    kc_err_t rc;

    /* The one gate for REST and connector files: every other place
     * (status, offsets, JSON) takes a name for text. */
    if (!kc_utf8_valid(op->name, strlen(op->name))) {
        return kc_error_set(&op->err, KC_ERR_INVALID,
                            "Connector name must be valid UTF-8");
    }

    rc = kc_json_to_props(op->in, &props, &nulls, &op->err);
    if (rc != KC_OK) {
        return rc;
    }
    rc = kc_herder_put_name(op, props);
    if (rc == KC_OK) {
        rc = kc_herder_apply_config(h, op, props, nulls, op->b1, op->str);
    }
    if (rc != KC_OK) {
        kc_props_destroy(props);
    }
    kc_props_destroy(nulls);
    return rc;
}

static kc_err_t kc_op_patch(kc_herder_t *h, kc_op_t *op)
{
    kc_hconn_t *c = kc_herder_find(h, op->name);
    kc_props_t *props;
    const char *key;
    json_t *v;
    kc_err_t rc;

    if (c == NULL) {
        return kc_not_found(op);
    }
    if (op->in == NULL || !json_is_object(op->in)) {
        return kc_error_set(&op->err, KC_ERR_INVALID,
                            "Connector configuration patch must be a JSON "
                            "object");
    }
    props = kc_props_copy(c->config);
    json_object_foreach(op->in, key, v)
    {
        if (json_is_null(v)) {
            kc_props_remove(props, key);
        } else if (json_is_string(v)) {
            kc_props_set(props, key, json_string_value(v));
        } else if (json_is_object(v) || json_is_array(v)) {
            kc_props_destroy(props);
            return kc_error_set(&op->err, KC_ERR_INVALID,
                                "Cannot deserialize value of type "
                                "`java.lang.String` from %s value (key "
                                "\"%s\")",
                                json_is_object(v) ? "Object" : "Array", key);
        } else {
            char *text = kc_json_scalar_text(v);

            kc_props_set(props, key, text);
            kc_free(text);
        }
    }
    rc = kc_herder_put_name(op, props);
    if (rc == KC_OK) {
        rc = kc_herder_apply_config(h, op, props, NULL, true, NULL);
    }
    if (rc != KC_OK) {
        kc_props_destroy(props);
    }
    return rc;
}

static kc_err_t kc_op_delete(kc_herder_t *h, kc_op_t *op)
{
    for (size_t i = 0; i < h->nconns; i++) {
        kc_hconn_t *c = h->conns[i];

        if (strcmp(c->name, op->name) != 0) {
            continue;
        }
        kc_hconn_remove_tasks(h, c);
        kc_hconn_stop(h, c);
        kc_status_store_forget(h->status, c->name);
        memmove(&h->conns[i], &h->conns[i + 1],
                (h->nconns - i - 1) * sizeof(*h->conns));
        h->nconns--;
        kc_log_info(KC_HERDER_LOGGER, "Removed connector %s", c->log_name);
        kc_hconn_free(c);
        return KC_OK;
    }
    return kc_not_found(op);
}

/* Move connector and task statuses from @p from to @p to. */
static void kc_herder_move_states(kc_herder_t *h, kc_hconn_t *c,
                                  kc_state_t from, kc_state_t to)
{
    for (int t = -1; t < (int)c->ntasks; t++) {
        kc_status_store_replace(h->status, c->name, t, KC_STATUS_IN(from), to,
                                kc_worker_id(h->w));
    }
}

static kc_err_t kc_op_pause(kc_herder_t *h, kc_op_t *op)
{
    kc_hconn_t *c = kc_herder_find(h, op->name);
    kc_target_state_t prev;

    if (c == NULL) {
        return kc_error_set(&op->err, KC_ERR_NOT_FOUND, "Unknown connector %s",
                            op->name);
    }
    prev = c->target;
    c->target = KC_TARGET_PAUSED;
    if (prev == KC_TARGET_STOPPED) {
        kc_hconn_start(h, c);
    } else if (prev == KC_TARGET_STARTED) {
        if (c->started) {
            kc_worker_set_target(h->w, c->name, KC_TARGET_PAUSED);
        }
        kc_herder_move_states(h, c, KC_STATE_RUNNING, KC_STATE_PAUSED);
    }
    return KC_OK;
}

static kc_err_t kc_op_resume(kc_herder_t *h, kc_op_t *op)
{
    kc_hconn_t *c = kc_herder_find(h, op->name);
    kc_target_state_t prev;

    if (c == NULL) {
        return kc_error_set(&op->err, KC_ERR_NOT_FOUND, "Unknown connector %s",
                            op->name);
    }
    prev = c->target;
    c->target = KC_TARGET_STARTED;
    if (prev == KC_TARGET_STOPPED) {
        kc_hconn_start(h, c);
    } else if (prev == KC_TARGET_PAUSED && c->started) {
        kc_worker_set_target(h->w, c->name, KC_TARGET_STARTED);
        kc_herder_move_states(h, c, KC_STATE_PAUSED, KC_STATE_RUNNING);
    }
    kc_hconn_update_tasks(h, c, false);
    return KC_OK;
}

static kc_err_t kc_op_stop(kc_herder_t *h, kc_op_t *op)
{
    kc_hconn_t *c = kc_herder_find(h, op->name);

    if (c == NULL) {
        return kc_not_found(op);
    }
    kc_hconn_remove_tasks(h, c);
    kc_hconn_stop(h, c);
    c->target = KC_TARGET_STOPPED;
    kc_herder_put_status(h, c->name, -1, KC_STATE_STOPPED, NULL);
    kc_log_info(KC_HERDER_LOGGER, "Stopped connector %s", c->log_name);
    return KC_OK;
}

static kc_err_t kc_op_restart(kc_herder_t *h, kc_op_t *op)
{
    kc_hconn_t *c = kc_herder_find(h, op->name);
    bool include_tasks = op->b1;
    bool only_failed = op->b2;
    json_t *plan = NULL;
    json_t *tasks;
    json_t *conn;
    bool restart_conn;
    bool *restart_task;

    if (c == NULL) {
        if (!include_tasks && !only_failed) {
            return kc_not_found(op);
        }
        return kc_error_set(&op->err, KC_ERR_NOT_FOUND, "Unknown connector: %s",
                            op->name);
    }
    if (!include_tasks && !only_failed) {
        /* Apache's legacy restart: the connector instance only, 204. */
        kc_hconn_stop(h, c);
        kc_hconn_start(h, c);
        kc_hconn_update_tasks(h, c, false);
        return KC_OK;
    }
    if (kc_status_store_connector_json(h->status, c->name, &plan, NULL) !=
        KC_OK) {
        return kc_error_set(&op->err, KC_ERR_NOT_FOUND,
                            "Status for connector %s not found", c->name);
    }
    /* KIP-745: the plan marks what restarts as RESTARTING. */
    conn = json_object_get(plan, "connector");
    restart_conn = !only_failed ||
                   strcmp(json_string_value(json_object_get(conn, "state")),
                          "FAILED") == 0;
    if (restart_conn) {
        json_object_set_new(conn, "state", json_string("RESTARTING"));
    }
    tasks = json_object_get(plan, "tasks");
    restart_task = kc_calloc(c->ntasks + 1, sizeof(*restart_task));
    for (size_t i = 0; i < json_array_size(tasks); i++) {
        json_t *t = json_array_get(tasks, i);
        json_int_t id = json_integer_value(json_object_get(t, "id"));
        const char *state = json_string_value(json_object_get(t, "state"));

        if (!include_tasks || id < 0 || (size_t)id >= c->ntasks) {
            continue;
        }
        if (!only_failed || strcmp(state, "FAILED") == 0) {
            restart_task[id] = true;
            json_object_set_new(t, "state", json_string("RESTARTING"));
        }
    }
    kc_log_info(KC_HERDER_LOGGER,
                "Received restart request for connector %s (includeTasks=%s, "
                "onlyFailed=%s)",
                c->log_name, include_tasks ? "true" : "false",
                only_failed ? "true" : "false");
    if (restart_conn) {
        kc_hconn_stop(h, c);
        kc_herder_put_status(h, c->name, -1, KC_STATE_RESTARTING, NULL);
    }
    for (size_t i = 0; i < c->ntasks; i++) {
        if (restart_task[i]) {
            kc_worker_stop_task(h->w, c->name, (int)i);
            kc_herder_put_status(h, c->name, (int)i, KC_STATE_RESTARTING, NULL);
        }
    }
    if (restart_conn) {
        kc_hconn_start(h, c);
    }
    for (size_t i = 0; i < c->ntasks; i++) {
        if (restart_task[i]) {
            kc_hconn_start_task(h, c, i);
        }
    }
    kc_free(restart_task);
    op->out = plan;
    return KC_OK;
}

static kc_err_t kc_op_restart_task(kc_herder_t *h, kc_op_t *op)
{
    kc_hconn_t *c = kc_herder_find(h, op->name);
    kc_state_t st;

    if (c == NULL) {
        return kc_not_found(op);
    }
    if (op->task < 0 || (size_t)op->task >= c->ntasks) {
        return kc_error_set(&op->err, KC_ERR_NOT_FOUND, "Task %s-%d not found",
                            op->name, op->task);
    }
    kc_worker_stop_task(h->w, c->name, op->task);
    kc_herder_clear_failed(h, c->name, op->task);
    kc_hconn_start_task(h, c, (size_t)op->task);
    if (kc_status_store_get(h->status, c->name, op->task, &st) &&
        st == KC_STATE_FAILED) {
        return kc_error_set(&op->err, KC_ERR, "Failed to start task: %s-%d",
                            op->name, op->task);
    }
    return KC_OK;
}

static bool kc_worker_flag_off(kc_herder_t *h, const char *key)
{
    const kc_config_t *cfg = kc_worker_config(h->w);
    const char *v =
        cfg != NULL ? kc_props_get(kc_config_props(cfg), key) : NULL;

    return v != NULL && strcasecmp(v, "false") == 0;
}

static kc_err_t kc_op_topics(kc_herder_t *h, kc_op_t *op)
{
    json_t *entry;

    if (kc_worker_flag_off(h, "topic.tracking.enable")) {
        return kc_error_set(&op->err, KC_ERR_UNSUPPORTED,
                            "Topic tracking is disabled.");
    }
    if (kc_herder_find(h, op->name) != NULL) {
        return kc_worker_topics(h->w, op->name, &op->out, &op->err);
    }
    /* As Apache: an unknown connector has no active topics. */
    op->out = json_object();
    entry = json_object();
    json_object_set_new(entry, "topics", json_array());
    json_object_set_new(op->out, op->name, entry);
    return KC_OK;
}

static kc_err_t kc_op_topics_reset(kc_herder_t *h, kc_op_t *op)
{
    if (kc_worker_flag_off(h, "topic.tracking.enable")) {
        return kc_error_set(&op->err, KC_ERR_UNSUPPORTED,
                            "Topic tracking is disabled.");
    }
    if (kc_worker_flag_off(h, "topic.tracking.allow.reset")) {
        return kc_error_set(&op->err, KC_ERR_UNSUPPORTED,
                            "Topic tracking reset is disabled.");
    }
    if (kc_herder_find(h, op->name) != NULL) {
        kc_worker_topics_reset(h->w, op->name);
    }
    return KC_OK;
}

static json_t *kc_message(const char *text)
{
    json_t *o = json_object();

    json_object_set_new(o, "message", json_string(text));
    return o;
}

static kc_err_t kc_op_offsets(kc_herder_t *h, kc_op_t *op)
{
    kc_hconn_t *c = kc_herder_find(h, op->name);
    kc_err_t rc;

    if (c == NULL) {
        return kc_not_found(op);
    }
    if (op->type == KC_OP_OFFSETS) {
        /* Only the lookup runs here; kc_herder_offsets reads. */
        op->out = kc_props_json(c->config);
        return KC_OK;
    }
    if (op->type == KC_OP_ALTER_OFFSETS) {
        json_t *list = json_object_get(op->in, "offsets");

        if (!json_is_array(list) || json_array_size(list) == 0) {
            return kc_error_set(&op->err, KC_ERR_INVALID,
                                "Partitions / offsets need to be provided "
                                "for an alter offsets request");
        }
    }
    if (c->target != KC_TARGET_STOPPED || c->ntasks != 0) {
        return kc_error_set(
            &op->err, KC_ERR_INVALID,
            "Connectors must be in the STOPPED state before their offsets "
            "can be modified. This can be done for the specified connector "
            "by issuing a 'PUT' request to the '/connectors/%s/stop' "
            "endpoint",
            c->name);
    }
    if (op->type == KC_OP_ALTER_OFFSETS) {
        rc =
            kc_worker_alter_offsets(h->w, c->name, c->config, op->in, &op->err);
        if (rc == KC_OK) {
            op->out = kc_message("The offsets for this connector have been "
                                 "altered successfully");
        }
    } else {
        rc = kc_worker_reset_offsets(h->w, c->name, c->config, &op->err);
        if (rc == KC_OK) {
            op->out = kc_message("The offsets for this connector have been "
                                 "reset successfully");
        }
    }
    return rc;
}

static kc_err_t kc_op_validate(kc_herder_t *h, kc_op_t *op)
{
    kc_props_t *props = NULL;
    kc_props_t *nulls = NULL;
    kc_err_t rc;

    rc = kc_json_to_props(op->in, &props, &nulls, &op->err);
    if (rc != KC_OK) {
        return rc;
    }
    if (kc_props_get(props, "connector.class") == NULL && op->name != NULL) {
        /* The path names the plugin; Apache would fail without the key. */
        kc_props_set(props, "connector.class", op->name);
    }
    rc = kc_herder_validate_props(h, props, nulls, NULL, NULL, &op->out,
                                  &op->err);
    kc_props_destroy(props);
    kc_props_destroy(nulls);
    return rc;
}

/* Plugin kinds in the order GET /connector-plugins lists them. */
static const kc_plugin_kind_t kc_plugin_order[] = {
    KC_PLUGIN_SINK,      KC_PLUGIN_SOURCE,    KC_PLUGIN_TRANSFORM,
    KC_PLUGIN_PREDICATE, KC_PLUGIN_CONVERTER, KC_PLUGIN_HEADER_CONVERTER};

static kc_err_t kc_op_plugin_config(kc_herder_t *h, kc_op_t *op)
{
    kc_registry_t *reg = kc_worker_registry(h->w);

    for (size_t k = 0; k < KC_ARRAY_LEN(kc_plugin_order); k++) {
        const kc_plugin_head_t *p =
            kc_registry_find(reg, kc_plugin_order[k], op->name);
        const kc_config_def_t *tables[16];
        size_t n = 0;

        if (p == NULL) {
            continue;
        }
        if (p->config_def != NULL) {
            tables[n++] = p->config_def;
        }
        if (kc_plugin_order[k] == KC_PLUGIN_SINK ||
            kc_plugin_order[k] == KC_PLUGIN_SOURCE) {
            const kc_config_def_t *const *common = kc_worker_connector_defs(
                h->w, (const struct kc_connector_plugin *)p);

            for (size_t i = 0; common != NULL && common[i] != NULL &&
                               n < KC_ARRAY_LEN(tables) - 1;
                 i++) {
                if (common[i] != p->config_def) {
                    tables[n++] = common[i];
                }
            }
        }
        tables[n] = NULL;
        op->out = kc_config_key_infos(tables);
        return KC_OK;
    }
    return kc_error_set(&op->err, KC_ERR_NOT_FOUND, "Unknown plugin %s.",
                        op->name);
}

/* Reconfigure @p name if it asked for it (kc_connector_request_...). */
static void kc_herder_reconfigure(kc_herder_t *h, const char *name)
{
    kc_hconn_t *c = kc_herder_find(h, name);

    /* As the 200 ms tick did before: only a started connector. */
    if (c != NULL && c->started && kc_worker_take_reconfigure(h->w, c->name)) {
        kc_log_info(KC_HERDER_LOGGER,
                    "Connector %s requested a task reconfiguration",
                    c->log_name);
        kc_hconn_update_tasks(h, c, false);
    }
}

static kc_err_t kc_herder_execute(kc_herder_t *h, kc_op_t *op)
{
    kc_hconn_t *c;

    switch (op->type) {
    case KC_OP_LIST:
        return kc_op_list(h, op);
    case KC_OP_INFO:
    case KC_OP_CONFIG:
    case KC_OP_TASKS:
        c = kc_herder_find(h, op->name);
        if (c == NULL) {
            return kc_not_found(op);
        }
        op->out = op->type == KC_OP_INFO     ? kc_hconn_info(c)
                  : op->type == KC_OP_CONFIG ? kc_props_json(c->config)
                                             : kc_hconn_tasks(c);
        return KC_OK;
    case KC_OP_PUT:
        return kc_op_put(h, op);
    case KC_OP_PATCH:
        return kc_op_patch(h, op);
    case KC_OP_DELETE:
        return kc_op_delete(h, op);
    case KC_OP_RESTART:
        return kc_op_restart(h, op);
    case KC_OP_RESTART_TASK:
        return kc_op_restart_task(h, op);
    case KC_OP_PAUSE:
        return kc_op_pause(h, op);
    case KC_OP_RESUME:
        return kc_op_resume(h, op);
    case KC_OP_STOP:
        return kc_op_stop(h, op);
    case KC_OP_TOPICS:
        return kc_op_topics(h, op);
    case KC_OP_TOPICS_RESET:
        return kc_op_topics_reset(h, op);
    case KC_OP_OFFSETS:
    case KC_OP_ALTER_OFFSETS:
    case KC_OP_RESET_OFFSETS:
        return kc_op_offsets(h, op);
    case KC_OP_VALIDATE:
        return kc_op_validate(h, op);
    case KC_OP_PLUGIN_CONFIG:
        return kc_op_plugin_config(h, op);
    case KC_OP_PING:
        return KC_OK;
    case KC_OP_RECONFIGURE:
        kc_herder_reconfigure(h, op->name);
        return KC_OK;
    }
    return kc_error_set(&op->err, KC_ERR, "unknown herder op %d", op->type);
}

/* ---- the queue and the thread ------------------------------------------ */

static void kc_op_destroy(kc_opq_op_t *qop)
{
    kc_op_t *op = (kc_op_t *)qop;

    kc_free(op->name);
    kc_free(op->str);
    json_decref(op->in);
    json_decref(op->out);
    kc_free(op);
}

static void kc_herder_run_op(kc_herder_t *h, kc_op_t *op)
{
    kc_err_t rc;

    pthread_mutex_lock(&h->exec_lock);
    rc = kc_herder_execute(h, op);
    pthread_mutex_unlock(&h->exec_lock);
    if (rc != KC_OK && op->err.code == KC_OK) {
        kc_error_set(&op->err, rc, "%s", kc_err_name(rc));
    }
    if (rc != KC_OK && op->out != NULL &&
        json_object_get(op->out, "error_code") == NULL) {
        /* A partial result is no answer. */
        json_decref(op->out);
        op->out = NULL;
    }
    op->rc = rc;
}

static bool kc_herder_stopping(kc_herder_t *h)
{
    bool stopping;

    pthread_mutex_lock(&h->lock);
    stopping = h->stopping;
    pthread_mutex_unlock(&h->lock);
    return stopping;
}

static void *kc_herder_main(void *arg)
{
    kc_herder_t *h = arg;

    kc_log_set_context(NULL);
    for (;;) {
        kc_opq_op_t *qop = kc_opq_pop(h->ops, kc_timers_next(h->timers));
        kc_op_t *op = (kc_op_t *)qop;

        /* Due timers run even under a steady stream of requests. */
        kc_timers_run(h->timers, kc_clock_now_ms());
        if (qop == NULL) {
            if (kc_opq_closed(h->ops) && kc_opq_len(h->ops) == 0) {
                break;
            }
            continue;
        }
        if (kc_herder_stopping(h)) {
            /* Ops still queued are answered: the herder is going away. */
            op->rc = kc_error_set(&op->err, KC_ERR,
                                  "Herder is stopping; request not completed");
        } else {
            kc_herder_run_op(h, op);
        }
        kc_opq_reply(qop);
    }
    return NULL;
}

static kc_op_t *kc_op_new(kc_op_type_t type, const char *name)
{
    kc_op_t *op = kc_calloc(1, sizeof(*op));

    op->q.kind = (int)type;
    op->q.destroy = kc_op_destroy;
    op->type = type;
    op->name = name != NULL ? kc_strdup(name) : NULL;
    op->task = -1;
    return op;
}

static kc_err_t kc_herder_stopping_error(kc_error_t *err)
{
    return kc_error_set(err, KC_ERR,
                        "Herder is stopping; request not completed");
}

/*
 * Run @p op on the herder thread (or here, before the thread starts) and
 * wait at most @p timeout_ms. Takes @p op. Copies the outcome to @p out
 * and @p err.
 */
static kc_err_t kc_herder_submit(kc_herder_t *h, kc_op_t *op,
                                 int64_t timeout_ms, json_t **out,
                                 bool *created, kc_error_t *err)
{
    kc_opq_op_t *reply = NULL;
    bool started;
    kc_err_t rc;

    if (out != NULL) {
        *out = NULL;
    }
    pthread_mutex_lock(&h->lock);
    if (h->stopping) {
        pthread_mutex_unlock(&h->lock);
        kc_op_destroy(&op->q);
        return kc_herder_stopping_error(err);
    }
    started = h->started;
    pthread_mutex_unlock(&h->lock);
    if (!started) {
        kc_herder_run_op(h, op);
    } else {
        rc = kc_opq_call(h->ops, &op->q, timeout_ms, &reply);
        if (rc == KC_ERR_TIMEOUT) {
            /* The op is the herder's now; its late reply is dropped. */
            return kc_error_set(err, KC_ERR_TIMEOUT, "Request timed out");
        }
        if (rc != KC_OK) {
            kc_op_destroy(&op->q);
            return kc_herder_stopping_error(err);
        }
        op = (kc_op_t *)reply;
    }
    rc = op->rc;
    if (rc != KC_OK && err != NULL) {
        *err = op->err;
    }
    if (out != NULL) {
        *out = op->out;
        op->out = NULL;
    }
    if (created != NULL) {
        *created = op->created;
    }
    kc_op_destroy(&op->q);
    return rc;
}

static kc_err_t kc_herder_call(kc_herder_t *h, kc_op_t *op, json_t **out,
                               kc_error_t *err)
{
    return kc_herder_submit(h, op, h->timeout_ms, out, NULL, err);
}

/*
 * A connector asked for a task reconfiguration (any thread): the herder
 * thread asks it for task configs again, as Apache's
 * requestTaskReconfiguration does. Dropped once the herder stops.
 */
static void kc_herder_on_reconfigure(void *opaque, const char *connector)
{
    kc_herder_t *h = opaque;
    kc_op_t *op = kc_op_new(KC_OP_RECONFIGURE, connector);

    if (kc_opq_post(h->ops, &op->q) != KC_OK) {
        kc_op_destroy(&op->q);
    }
}

/* ---- public API -------------------------------------------------------- */

kc_herder_t *kc_standalone_herder_new(kc_worker_t *w, kc_error_t *err)
{
    kc_herder_t *h = kc_calloc(1, sizeof(*h));

    h->w = w;
    h->status = kc_status_store_new();
    h->timeout_ms = KC_HERDER_TIMEOUT_MS;
    h->ops = kc_opq_new(KC_OPQ_F_EVENTFD, err);
    if (h->ops == NULL) {
        kc_error_prefix(err, "could not create the herder's op queue");
        kc_status_store_destroy(h->status);
        kc_free(h);
        return NULL;
    }
    h->timers = kc_timers_new();
    pthread_mutex_init(&h->lock, NULL);
    pthread_mutex_init(&h->exec_lock, NULL);
    kc_worker_set_status_listener(w, kc_herder_on_status, h);
    kc_worker_set_reconfigure_listener(w, kc_herder_on_reconfigure, h);
    return h;
}

kc_err_t kc_herder_start(kc_herder_t *h, kc_error_t *err)
{
    int rc;

    pthread_mutex_lock(&h->lock);
    if (h->started) {
        pthread_mutex_unlock(&h->lock);
        return KC_OK;
    }
    kc_log_info(KC_HERDER_LOGGER, "Herder starting");
    rc = pthread_create(&h->thread, NULL, kc_herder_main, h);
    if (rc != 0) {
        pthread_mutex_unlock(&h->lock);
        return kc_error_set(err, KC_ERR, "could not start herder thread: %s",
                            strerror(rc));
    }
    h->started = true;
    pthread_mutex_unlock(&h->lock);
    kc_log_info(KC_HERDER_LOGGER, "Herder started");
    return KC_OK;
}

void kc_herder_set_timeout(kc_herder_t *h, int64_t timeout_ms)
{
    h->timeout_ms = timeout_ms > 0 ? timeout_ms : KC_HERDER_TIMEOUT_MS;
}

kc_worker_t *kc_herder_worker(kc_herder_t *h)
{
    return h->w;
}

void kc_herder_destroy(kc_herder_t *h)
{
    bool started;

    if (h == NULL) {
        return;
    }
    kc_log_info(KC_HERDER_LOGGER, "Herder stopping");
    pthread_mutex_lock(&h->lock);
    h->stopping = true;
    started = h->started;
    pthread_mutex_unlock(&h->lock);
    /* The thread answers what is queued, then leaves. */
    kc_opq_close(h->ops);
    if (started) {
        pthread_join(h->thread, NULL);
    }
    /* As Apache's StandaloneHerder.stop: tasks first, then connectors. */
    pthread_mutex_lock(&h->exec_lock);
    for (size_t i = 0; i < h->nconns; i++) {
        kc_hconn_remove_tasks(h, h->conns[i]);
        kc_hconn_stop(h, h->conns[i]);
        kc_hconn_free(h->conns[i]);
    }
    kc_free(h->conns);
    pthread_mutex_unlock(&h->exec_lock);
    kc_worker_set_status_listener(h->w, NULL, NULL);
    kc_worker_set_reconfigure_listener(h->w, NULL, NULL);
    kc_status_store_destroy(h->status);
    /* Before the thread started, ops posted (reconfigure requests) are
     * still queued: the last reference destroys them. */
    kc_opq_unref(h->ops);
    kc_timers_destroy(h->timers);
    pthread_mutex_destroy(&h->lock);
    pthread_mutex_destroy(&h->exec_lock);
    kc_log_info(KC_HERDER_LOGGER, "Herder stopped");
    kc_free(h);
}

kc_err_t kc_herder_list(kc_herder_t *h, unsigned expand, json_t **out,
                        kc_error_t *err)
{
    kc_op_t *op = kc_op_new(KC_OP_LIST, NULL);

    op->flags = expand;
    return kc_herder_call(h, op, out, err);
}

kc_err_t kc_herder_info(kc_herder_t *h, const char *name, json_t **out,
                        kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_INFO, name), out, err);
}

kc_err_t kc_herder_config(kc_herder_t *h, const char *name, json_t **out,
                          kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_CONFIG, name), out, err);
}

kc_err_t kc_herder_put_config(kc_herder_t *h, const char *name, json_t *config,
                              bool allow_replace, const char *initial_state,
                              bool *created, json_t **out, kc_error_t *err)
{
    kc_op_t *op = kc_op_new(KC_OP_PUT, name);

    op->in = json_deep_copy(config);
    op->b1 = allow_replace;
    op->str = initial_state != NULL ? kc_strdup(initial_state) : NULL;
    return kc_herder_submit(h, op, h->timeout_ms, out, created, err);
}

kc_err_t kc_herder_patch_config(kc_herder_t *h, const char *name, json_t *patch,
                                json_t **out, kc_error_t *err)
{
    kc_op_t *op = kc_op_new(KC_OP_PATCH, name);

    op->in = json_deep_copy(patch);
    return kc_herder_call(h, op, out, err);
}

kc_err_t kc_herder_delete(kc_herder_t *h, const char *name, kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_DELETE, name), NULL, err);
}

kc_err_t kc_herder_status(kc_herder_t *h, const char *name, json_t **out,
                          kc_error_t *err)
{
    /* Straight from the status store: answers while the herder is busy. */
    *out = NULL;
    return kc_status_store_connector_json(h->status, name, out, err);
}

kc_err_t kc_herder_tasks(kc_herder_t *h, const char *name, json_t **out,
                         kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_TASKS, name), out, err);
}

kc_err_t kc_herder_task_status(kc_herder_t *h, const char *name, int task,
                               json_t **out, kc_error_t *err)
{
    *out = NULL;
    return kc_status_store_task_json(h->status, name, task, out, err);
}

kc_err_t kc_herder_restart(kc_herder_t *h, const char *name, bool include_tasks,
                           bool only_failed, json_t **out, kc_error_t *err)
{
    kc_op_t *op = kc_op_new(KC_OP_RESTART, name);

    op->b1 = include_tasks;
    op->b2 = only_failed;
    return kc_herder_call(h, op, out, err);
}

kc_err_t kc_herder_restart_task(kc_herder_t *h, const char *name, int task,
                                kc_error_t *err)
{
    kc_op_t *op = kc_op_new(KC_OP_RESTART_TASK, name);

    op->task = task;
    return kc_herder_call(h, op, NULL, err);
}

kc_err_t kc_herder_pause(kc_herder_t *h, const char *name, kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_PAUSE, name), NULL, err);
}

kc_err_t kc_herder_resume(kc_herder_t *h, const char *name, kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_RESUME, name), NULL, err);
}

kc_err_t kc_herder_stop(kc_herder_t *h, const char *name, kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_STOP, name), NULL, err);
}

kc_err_t kc_herder_topics(kc_herder_t *h, const char *name, json_t **out,
                          kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_TOPICS, name), out, err);
}

kc_err_t kc_herder_topics_reset(kc_herder_t *h, const char *name,
                                kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_TOPICS_RESET, name), NULL, err);
}

/*
 * The herder thread only finds the connector and hands back its config;
 * the read (a broker round trip for a sink) runs on the caller's thread
 * within what is left of the request timeout, so a broker that does not
 * answer holds up this request only, never the herder and the other
 * routes.
 */
kc_err_t kc_herder_offsets(kc_herder_t *h, const char *name, json_t **out,
                           kc_error_t *err)
{
    int64_t start = kc_clock_now_ms();
    int64_t left;
    json_t *config = NULL;
    kc_props_t *props;
    const char *key;
    json_t *value;
    kc_err_t rc;

    rc = kc_herder_call(h, kc_op_new(KC_OP_OFFSETS, name), &config, err);
    if (rc != KC_OK) {
        if (out != NULL) {
            *out = config;
        } else {
            json_decref(config);
        }
        return rc;
    }
    props = kc_props_new();
    json_object_foreach(config, key, value)
    {
        kc_props_set(props, key, json_string_value(value));
    }
    json_decref(config);
    left = h->timeout_ms - (kc_clock_now_ms() - start);
    rc = kc_worker_offsets(h->w, name, props, left > 0 ? left : 1, out, err);
    kc_props_destroy(props);
    return rc;
}

kc_err_t kc_herder_alter_offsets(kc_herder_t *h, const char *name, json_t *body,
                                 json_t **out, kc_error_t *err)
{
    kc_op_t *op = kc_op_new(KC_OP_ALTER_OFFSETS, name);

    op->in = json_deep_copy(body);
    return kc_herder_call(h, op, out, err);
}

kc_err_t kc_herder_reset_offsets(kc_herder_t *h, const char *name, json_t **out,
                                 kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_RESET_OFFSETS, name), out, err);
}

kc_err_t kc_herder_validate(kc_herder_t *h, const char *plugin, json_t *config,
                            json_t **out, kc_error_t *err)
{
    kc_op_t *op = kc_op_new(KC_OP_VALIDATE, plugin);

    op->in = json_deep_copy(config);
    return kc_herder_call(h, op, out, err);
}

static bool kc_version_shown(const char *version)
{
    return version != NULL && strcmp(version, "undefined") != 0;
}

static int kc_head_cmp(const void *a, const void *b)
{
    return strcmp(kc_plugin_class(*(const kc_plugin_head_t *const *)a),
                  kc_plugin_class(*(const kc_plugin_head_t *const *)b));
}

static const char *kc_plugin_type_name(kc_plugin_kind_t kind)
{
    switch (kind) {
    case KC_PLUGIN_SOURCE:
        return "source";
    case KC_PLUGIN_SINK:
        return "sink";
    case KC_PLUGIN_CONVERTER:
        return "converter";
    case KC_PLUGIN_HEADER_CONVERTER:
        return "header_converter";
    case KC_PLUGIN_TRANSFORM:
        return "transformation";
    case KC_PLUGIN_PREDICATE:
        return "predicate";
    default:
        return "unknown";
    }
}

kc_err_t kc_herder_plugins(kc_herder_t *h, bool connectors_only, json_t **out,
                           kc_error_t *err)
{
    /* The registry is read-only once the worker runs: no herder op. */
    kc_registry_t *reg = kc_worker_registry(h->w);
    json_t *arr = json_array();

    KC_UNUSED(err);
    for (size_t k = 0; k < KC_ARRAY_LEN(kc_plugin_order); k++) {
        kc_plugin_kind_t kind = kc_plugin_order[k];
        size_t n = kc_registry_count(reg, kind);
        const kc_plugin_head_t **heads;

        if (connectors_only && kind != KC_PLUGIN_SINK &&
            kind != KC_PLUGIN_SOURCE) {
            continue;
        }
        heads = kc_calloc(n + 1, sizeof(*heads));
        for (size_t i = 0; i < n; i++) {
            heads[i] = kc_registry_at(reg, kind, i);
        }
        qsort(heads, n, sizeof(*heads), kc_head_cmp);
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_object();

            json_object_set_new(o, "class",
                                json_string(kc_plugin_class(heads[i])));
            json_object_set_new(o, "type",
                                json_string(kc_plugin_type_name(kind)));
            if (kc_version_shown(heads[i]->version)) {
                json_object_set_new(o, "version",
                                    json_string(heads[i]->version));
            }
            json_array_append_new(arr, o);
        }
        kc_free(heads);
    }
    *out = arr;
    return KC_OK;
}

kc_err_t kc_herder_plugin_config(kc_herder_t *h, const char *plugin,
                                 json_t **out, kc_error_t *err)
{
    return kc_herder_call(h, kc_op_new(KC_OP_PLUGIN_CONFIG, plugin), out, err);
}

kc_err_t kc_herder_server_info(kc_herder_t *h, json_t **out, kc_error_t *err)
{
    json_t *o = json_object();
    const char *cluster = kc_worker_cluster_id(h->w);

    KC_UNUSED(err);
    /*
     * "version" is the Apache Kafka release whose API this reproduces, so
     * tools that gate features on it keep working; "commit" names us.
     */
    json_object_set_new(o, "version", json_string(KC_HERDER_COMPAT_VERSION));
    json_object_set_new(o, "commit", json_string("kconnect-" KC_VERSION_STR));
    json_object_set_new(o, "kafka_cluster_id",
                        cluster != NULL ? json_string(cluster) : json_null());
    *out = o;
    return KC_OK;
}

static json_t *kc_worker_status(const char *status, const char *message)
{
    json_t *o = json_object();

    json_object_set_new(o, "status", json_string(status));
    json_object_set_new(o, "message", json_string(message));
    return o;
}

kc_err_t kc_herder_health(kc_herder_t *h, json_t **out, kc_error_t *err)
{
    bool started;
    int64_t timeout;
    kc_err_t rc;

    pthread_mutex_lock(&h->lock);
    started = h->started && !h->stopping;
    pthread_mutex_unlock(&h->lock);
    if (!started) {
        *out = kc_worker_status("starting", "Worker is still starting up.");
        return kc_error_set(err, KC_AGAIN, "Worker is still starting up.");
    }
    timeout = h->timeout_ms < KC_HERDER_HEALTH_TIMEOUT_MS
                  ? h->timeout_ms
                  : KC_HERDER_HEALTH_TIMEOUT_MS;
    rc = kc_herder_submit(h, kc_op_new(KC_OP_PING, NULL), timeout, NULL, NULL,
                          err);
    if (rc != KC_OK) {
        *out = kc_worker_status("unhealthy",
                                "Worker was unable to handle this request "
                                "and may be unable to handle other "
                                "requests.");
        return kc_error_set(err, KC_ERR_TIMEOUT, "%s",
                            "Worker was unable to handle this request");
    }
    *out = kc_worker_status("healthy", "Worker has completed startup and is "
                                       "ready to handle requests.");
    return KC_OK;
}
