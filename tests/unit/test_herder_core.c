/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The herder core behind its interfaces: a second, fake herder
 * implementation (ops served synchronously on the caller's thread, no
 * queue, no thread) drives the same core the standalone herder does, and
 * a fake status store (recording every call, keeping state in a memory
 * store) stands behind it. The public kc_herder_* calls are the ones the
 * REST layer uses.
 */
#include "kc_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "herder/kc_config_store.h"
#include "herder/kc_herder_core.h"
#include "plugins/kc_registry.h"
#include "runtime/kc_offset_store.h"
#include "runtime/kc_worker.h"
#include "util/kc_log.h"
#include "kc_test_null_converter.h"
#include "kc_test_worker.h"

/* ---- test plugins -------------------------------------------------- */

/* A source connector with no tasks: the core runs it, no task thread. */
static kc_err_t nsrc_start(void **ctx, const kc_props_t *config,
                           kc_connector_ctx_t *cctx, kc_error_t *err)
{
    *ctx = NULL;
    return KC_OK;
}

static kc_err_t nsrc_task_configs(void *ctx, int max_tasks,
                                  kc_props_t ***configs, size_t *count,
                                  kc_error_t *err)
{
    *configs = kc_calloc(1, sizeof(**configs));
    *count = 0;
    return KC_OK;
}

static void nsrc_stop(void *ctx)
{
}

static kc_err_t ntask_start(void **ctx, const kc_props_t *config,
                            kc_source_task_ctx_t *tctx, kc_error_t *err)
{
    *ctx = NULL;
    return KC_OK;
}

static kc_err_t ntask_poll(void *ctx, kc_batch_t *batch, kc_error_t *err)
{
    return KC_OK;
}

static void ntask_stop(void *ctx)
{
}

static const struct kc_source_task_plugin none_task = {
    KC_PLUGIN_INIT(struct kc_source_task_plugin),
    .name = "NoneTask",
    .class_name = "test.NoneTask",
    .version = "1",
    .config_def = empty_def,
    .start = ntask_start,
    .poll = ntask_poll,
    .stop = ntask_stop,
};

static const struct kc_connector_plugin none_source = {
    KC_PLUGIN_INIT(struct kc_connector_plugin),
    .name = "NoneSource",
    .class_name = "test.NoneSourceConnector",
    .version = "1",
    .config_def = empty_def,
    .source_task = &none_task,
    .start = nsrc_start,
    .task_configs = nsrc_task_configs,
    .stop = nsrc_stop,
};

/* ---- the fake status store ----------------------------------------- */

typedef struct fake_status {
    kc_status_store_t base; /* first */
    kc_status_store_t *inner;
    kc_buf_t log; /* one line per call that changes state */
    int reads;
    bool *destroyed;
} fake_status_t;

static void fs_note(fake_status_t *fs, const char *fmt, ...)
{
    char line[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    kc_buf_append(&fs->log, line, strlen(line));
    kc_buf_append(&fs->log, "\n", 1);
}

static void fs_destroy(kc_status_store_t *st)
{
    fake_status_t *fs = (fake_status_t *)st;

    *fs->destroyed = true;
    kc_status_store_destroy(fs->inner);
    kc_buf_release(&fs->log);
    kc_free(fs);
}

static void fs_track(kc_status_store_t *st, const char *name, const char *type,
                     const char *cv, const char *tv)
{
    fake_status_t *fs = (fake_status_t *)st;

    fs_note(fs, "track %s %s", name, type);
    kc_status_store_track(fs->inner, name, type, cv, tv);
}

static void fs_forget(kc_status_store_t *st, const char *name)
{
    fake_status_t *fs = (fake_status_t *)st;

    fs_note(fs, "forget %s", name);
    kc_status_store_forget(fs->inner, name);
}

static void fs_forget_tasks(kc_status_store_t *st, const char *name, int task)
{
    fake_status_t *fs = (fake_status_t *)st;

    fs_note(fs, "forget_tasks %s %d", name, task);
    kc_status_store_forget_tasks(fs->inner, name, task);
}

static void fs_put(kc_status_store_t *st, const char *name, int task,
                   kc_state_t state, const char *worker_id, const char *trace)
{
    fake_status_t *fs = (fake_status_t *)st;

    fs_note(fs, "put %s %d %s", name, task, kc_state_name(state));
    kc_status_store_put(fs->inner, name, task, state, worker_id, trace);
}

static bool fs_replace(kc_status_store_t *st, const char *name, int task,
                       unsigned from, kc_state_t to, const char *worker_id)
{
    fake_status_t *fs = (fake_status_t *)st;
    bool done =
        kc_status_store_replace(fs->inner, name, task, from, to, worker_id);

    if (done) {
        fs_note(fs, "replace %s %d %s", name, task, kc_state_name(to));
    }
    return done;
}

static bool fs_get(kc_status_store_t *st, const char *name, int task,
                   kc_state_t *state)
{
    fake_status_t *fs = (fake_status_t *)st;

    fs->reads++;
    return kc_status_store_get(fs->inner, name, task, state);
}

static kc_err_t fs_connector_json(kc_status_store_t *st, const char *name,
                                  json_t **out, kc_error_t *err)
{
    fake_status_t *fs = (fake_status_t *)st;

    fs->reads++;
    return kc_status_store_connector_json(fs->inner, name, out, err);
}

static kc_err_t fs_task_json(kc_status_store_t *st, const char *name, int task,
                             json_t **out, kc_error_t *err)
{
    fake_status_t *fs = (fake_status_t *)st;

    fs->reads++;
    return kc_status_store_task_json(fs->inner, name, task, out, err);
}

static const kc_status_store_vt_t fake_status_vt = {
    .destroy = fs_destroy,
    .track = fs_track,
    .forget = fs_forget,
    .forget_tasks = fs_forget_tasks,
    .put = fs_put,
    .replace = fs_replace,
    .get = fs_get,
    .connector_json = fs_connector_json,
    .task_json = fs_task_json,
};

static fake_status_t *fake_status_new(bool *destroyed)
{
    fake_status_t *fs = kc_calloc(1, sizeof(*fs));

    fs->base.vt = &fake_status_vt;
    fs->inner = kc_status_store_new();
    kc_buf_init(&fs->log, 0);
    fs->destroyed = destroyed;
    return fs;
}

/* The calls logged so far, as one string (borrowed). */
static const char *fs_log(fake_status_t *fs)
{
    kc_buf_append(&fs->log, "", 1);
    fs->log.len--;
    return (const char *)fs->log.data;
}

/* ---- the fake offset store ----------------------------------------- */

/* One connector's offsets as the REST array; every call logged. */
typedef struct fake_offsets {
    kc_offset_store_t base; /* first */
    json_t *by_connector;   /* {connector: [{partition, offset}]} */
    kc_buf_t log;
} fake_offsets_t;

static void fo_note(fake_offsets_t *fo, const char *what, const char *name)
{
    kc_buf_append(&fo->log, what, strlen(what));
    if (name != NULL) {
        kc_buf_append(&fo->log, " ", 1);
        kc_buf_append(&fo->log, name, strlen(name));
    }
    kc_buf_append(&fo->log, "\n", 1);
}

static void fo_destroy(kc_offset_store_t *store)
{
    fake_offsets_t *fo = (fake_offsets_t *)store;

    json_decref(fo->by_connector);
    kc_buf_release(&fo->log);
    kc_free(fo);
}

static json_t *fo_entries(fake_offsets_t *fo, const char *connector)
{
    json_t *arr = json_object_get(fo->by_connector, connector);

    if (arr == NULL) {
        arr = json_array();
        json_object_set_new(fo->by_connector, connector, arr);
    }
    return arr;
}

static kc_err_t fo_get(kc_offset_store_t *store, const char *connector,
                       const json_t *partition, json_t **offset)
{
    fake_offsets_t *fo = (fake_offsets_t *)store;
    json_t *arr = fo_entries(fo, connector);
    size_t i;
    json_t *e;

    fo_note(fo, "get", connector);
    *offset = NULL;
    json_array_foreach(arr, i, e)
    {
        if (json_equal(json_object_get(e, "partition"), partition)) {
            *offset = json_incref(json_object_get(e, "offset"));
            return KC_OK;
        }
    }
    return KC_ERR_NOT_FOUND;
}

static kc_err_t fo_put(kc_offset_store_t *store, const char *connector,
                       const json_t *partition, const json_t *offset,
                       kc_error_t *err)
{
    fake_offsets_t *fo = (fake_offsets_t *)store;

    fo_note(fo, "put", connector);
    json_array_append_new(
        fo_entries(fo, connector),
        json_pack("{s:O,s:O}", "partition", partition, "offset", offset));
    return KC_OK;
}

static kc_err_t fo_list(kc_offset_store_t *store, const char *connector,
                        json_t **out)
{
    fake_offsets_t *fo = (fake_offsets_t *)store;

    fo_note(fo, "list", connector);
    *out = json_deep_copy(fo_entries(fo, connector));
    return KC_OK;
}

static void fo_reset(kc_offset_store_t *store, const char *connector)
{
    fake_offsets_t *fo = (fake_offsets_t *)store;

    fo_note(fo, "reset", connector);
    json_array_clear(fo_entries(fo, connector));
}

static kc_err_t fo_flush(kc_offset_store_t *store, kc_error_t *err)
{
    fo_note((fake_offsets_t *)store, "flush", NULL);
    return KC_OK;
}

static const kc_offset_store_vt_t fake_offsets_vt = {
    .destroy = fo_destroy,
    .get = fo_get,
    .put = fo_put,
    .list = fo_list,
    .reset = fo_reset,
    .flush = fo_flush,
};

static fake_offsets_t *fake_offsets_new(void)
{
    fake_offsets_t *fo = kc_calloc(1, sizeof(*fo));

    fo->base.vt = &fake_offsets_vt;
    fo->by_connector = json_object();
    kc_buf_init(&fo->log, 0);
    return fo;
}

static const char *fo_log(fake_offsets_t *fo)
{
    kc_buf_append(&fo->log, "", 1);
    fo->log.len--;
    return (const char *)fo->log.data;
}

/* ---- the fake config store ----------------------------------------- */

/*
 * Keeps state in a memory store and logs every write; what it reads back
 * carries "read.from"="fake", so a view served from it shows it.
 */
typedef struct fake_configs {
    kc_config_store_t base; /* first */
    kc_config_store_t *inner;
    kc_buf_t log;
    size_t *log_at_destroy; /* where destroy leaves log.len */
} fake_configs_t;

static void fc_note(fake_configs_t *fc, const char *fmt, ...)
{
    char line[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    kc_buf_append(&fc->log, line, strlen(line));
    kc_buf_append(&fc->log, "\n", 1);
}

static void fc_destroy(kc_config_store_t *cs)
{
    fake_configs_t *fc = (fake_configs_t *)cs;

    *fc->log_at_destroy = fc->log.len;
    kc_config_store_destroy(fc->inner);
    kc_buf_release(&fc->log);
    kc_free(fc);
}

static kc_err_t fc_put_connector(kc_config_store_t *cs, const char *name,
                                 const kc_props_t *config,
                                 kc_target_state_t target, kc_error_t *err)
{
    fake_configs_t *fc = (fake_configs_t *)cs;

    fc_note(fc, "put_connector %s %d", name, (int)target);
    return kc_config_store_put_connector(fc->inner, name, config, target, err);
}

static kc_err_t fc_remove_connector(kc_config_store_t *cs, const char *name,
                                    kc_error_t *err)
{
    fake_configs_t *fc = (fake_configs_t *)cs;

    fc_note(fc, "remove_connector %s", name);
    return kc_config_store_remove_connector(fc->inner, name, err);
}

static kc_err_t fc_put_target(kc_config_store_t *cs, const char *name,
                              kc_target_state_t target, kc_error_t *err)
{
    fake_configs_t *fc = (fake_configs_t *)cs;

    fc_note(fc, "put_target %s %d", name, (int)target);
    return kc_config_store_put_target(fc->inner, name, target, err);
}

static kc_err_t fc_put_tasks(kc_config_store_t *cs, const char *name,
                             kc_props_t *const *tasks, size_t ntasks,
                             kc_error_t *err)
{
    fake_configs_t *fc = (fake_configs_t *)cs;

    fc_note(fc, "put_tasks %s %zu", name, ntasks);
    return kc_config_store_put_tasks(fc->inner, name, tasks, ntasks, err);
}

static kc_err_t fc_config(kc_config_store_t *cs, const char *name,
                          kc_props_t **out)
{
    fake_configs_t *fc = (fake_configs_t *)cs;
    kc_err_t rc = kc_config_store_config(fc->inner, name, out);

    if (rc == KC_OK) {
        kc_props_set(*out, "read.from", "fake");
    }
    return rc;
}

static kc_err_t fc_tasks(kc_config_store_t *cs, const char *name,
                         kc_props_t ***tasks, size_t *ntasks)
{
    return kc_config_store_tasks(((fake_configs_t *)cs)->inner, name, tasks,
                                 ntasks);
}

static const kc_config_store_vt_t fake_configs_vt = {
    .destroy = fc_destroy,
    .put_connector = fc_put_connector,
    .remove_connector = fc_remove_connector,
    .put_target = fc_put_target,
    .put_tasks = fc_put_tasks,
    .config = fc_config,
    .tasks = fc_tasks,
};

static fake_configs_t *fake_configs_new(void)
{
    fake_configs_t *fc = kc_calloc(1, sizeof(*fc));

    fc->base.vt = &fake_configs_vt;
    fc->inner = kc_config_store_new();
    kc_buf_init(&fc->log, 0);
    return fc;
}

static const char *fc_log(fake_configs_t *fc)
{
    kc_buf_append(&fc->log, "", 1);
    fc->log.len--;
    return (const char *)fc->log.data;
}

/* ---- the fake herder ----------------------------------------------- */

typedef struct fake_herder {
    kc_herder_t base; /* first */
    int served;
    bool started;
    bool stopped;
    bool timeout_next; /* answer the next submit as a timeout */
    bool runs_here;    /* gated_herder_vt: what this "worker" is assigned */
    kc_target_state_t target; /* gated_herder_vt: the config topic's */
    bool *freed;
} fake_herder_t;

static kc_err_t fh_submit(kc_herder_t *h, kc_op_t *op, int64_t timeout_ms,
                          kc_op_t **reply, kc_error_t *err)
{
    fake_herder_t *fh = (fake_herder_t *)h;

    if (fh->timeout_next) {
        fh->timeout_next = false;
        kc_op_destroy(&op->q);
        return kc_error_set(err, KC_ERR_TIMEOUT, "Request timed out");
    }
    fh->served++;
    kc_herder_core_run_op(h, op);
    *reply = op;
    return KC_OK;
}

static kc_err_t fh_start(kc_herder_t *h, kc_error_t *err)
{
    ((fake_herder_t *)h)->started = true;
    return KC_OK;
}

static bool fh_ready(kc_herder_t *h)
{
    fake_herder_t *fh = (fake_herder_t *)h;

    return fh->started && !fh->stopped;
}

static void fh_stop(kc_herder_t *h)
{
    ((fake_herder_t *)h)->stopped = true;
}

static void fh_free(kc_herder_t *h)
{
    fake_herder_t *fh = (fake_herder_t *)h;

    *fh->freed = true;
    kc_free(fh);
}

static const kc_herder_vt_t fake_herder_vt = {
    .submit = fh_submit,
    .start = fh_start,
    .ready = fh_ready,
    .stop = fh_stop,
    .free = fh_free,
};

/* As a distributed herder: the assignment says what runs here. */
static bool fh_runs(kc_herder_t *h, const char *name, int task)
{
    (void)name;
    (void)task;
    return ((fake_herder_t *)h)->runs_here;
}

static kc_target_state_t fh_target(kc_herder_t *h, const char *name)
{
    (void)name;
    return ((fake_herder_t *)h)->target;
}

static const kc_herder_vt_t gated_herder_vt = {
    .submit = fh_submit,
    .start = fh_start,
    .ready = fh_ready,
    .stop = fh_stop,
    .free = fh_free,
    .runs = fh_runs,
    .target = fh_target,
};

/* As kc_distributed_herder.c's: the core logs as DistributedHerder. */
static const kc_herder_vt_t named_herder_vt = {
    .submit = fh_submit,
    .start = fh_start,
    .ready = fh_ready,
    .stop = fh_stop,
    .free = fh_free,
    .logger = "org.apache.kafka.connect.runtime.distributed.DistributedHerder",
};

/* ---- fixture ------------------------------------------------------- */

typedef struct fixture {
    kc_test_worker_t tw; /* no herder of its own: fh is the herder */
    fake_herder_t *fh;
    fake_status_t *fs;
    fake_configs_t *fc;
    size_t config_log_at_destroy;
    bool herder_freed;
    bool store_destroyed;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = kc_calloc(1, sizeof(*f));
    const kc_test_worker_opts_t opts = {
        .dir_template = "/tmp/kc-test-hcore-XXXXXX",
        .source = &none_source,
        .worker_id = "fake-host:8083",
    };

    kc_test_worker_init(&f->tw, &opts);
    f->fh = kc_calloc(1, sizeof(*f->fh));
    f->fh->freed = &f->herder_freed;
    f->fs = fake_status_new(&f->store_destroyed);
    f->fc = fake_configs_new();
    f->fc->log_at_destroy = &f->config_log_at_destroy;
    kc_herder_core_init(&f->fh->base, &fake_herder_vt, f->tw.w, &f->fs->base,
                        &f->fc->base);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    if (!f->herder_freed) {
        kc_herder_destroy(&f->fh->base);
    }
    kc_test_worker_fini(&f->tw);
    kc_free(f);
    return 0;
}

static json_t *config_of(const char *cls)
{
    json_t *c = json_object();

    json_object_set_new(c, "connector.class", json_string(cls));
    json_object_set_new(c, "tasks.max", json_string("1"));
    return c;
}

static const char *connector_state(json_t *status)
{
    return json_string_value(
        json_object_get(json_object_get(status, "connector"), "state"));
}

/* ---- tests --------------------------------------------------------- */

/* As a distributed worker: @p h answers runs and target from its fields;
 * connector "c" is created while assigned elsewhere. */
static void gated_create_c(fixture_t *f, kc_target_state_t target)
{
    kc_herder_t *h = &f->fh->base;
    json_t *config = config_of("test.NoneSourceConnector");
    json_t *out = NULL;
    kc_error_t err;

    h->vt = &gated_herder_vt;
    f->fh->runs_here = false;
    f->fh->target = target;
    assert_int_equal(
        kc_herder_put_config(h, "c", config, false, NULL, NULL, &out, &err),
        KC_OK);
    json_decref(out);
    json_decref(config);
}

/* What a rebalance or a config topic update does: sync "c" with the
 * herder's runs/target now. */
static void gated_sync_c(fixture_t *f)
{
    kc_herder_t *h = &f->fh->base;

    pthread_mutex_lock(&h->exec_lock);
    kc_herder_core_sync(h, "c");
    pthread_mutex_unlock(&h->exec_lock);
}

/*
 * Every kc_herder_* call that needs the herder goes through the
 * implementation's submit; the core behind it creates, pauses, resumes
 * and deletes a connector exactly as under the standalone herder.
 */
static void test_fake_herder_drives_core_lifecycle(void **state)
{
    fixture_t *f = *state;
    kc_herder_t *h = &f->fh->base;
    json_t *config = config_of("test.NoneSourceConnector");
    json_t *out = NULL;
    kc_error_t err;
    bool created = false;

    assert_int_equal(
        kc_herder_put_config(h, "c", config, false, NULL, &created, &out, &err),
        KC_OK);
    assert_true(created);
    assert_string_equal(json_string_value(json_object_get(out, "name")), "c");
    assert_string_equal(json_string_value(json_object_get(out, "type")),
                        "source");
    json_decref(out);
    assert_int_equal(f->fh->served, 1);

    /* A second POST of the same name: the core's conflict, through us. */
    assert_int_equal(
        kc_herder_put_config(h, "c", config, false, NULL, &created, &out, &err),
        KC_ERR_CONFLICT);
    json_decref(out);
    assert_int_equal(f->fh->served, 2);

    assert_int_equal(kc_herder_list(h, 0, &out, &err), KC_OK);
    assert_int_equal(json_array_size(out), 1);
    assert_string_equal(json_string_value(json_array_get(out, 0)), "c");
    json_decref(out);

    /* Status does not wait for the herder: no op is submitted. */
    assert_int_equal(kc_herder_status(h, "c", &out, &err), KC_OK);
    assert_string_equal(connector_state(out), "RUNNING");
    json_decref(out);
    assert_int_equal(f->fh->served, 3);

    assert_int_equal(kc_herder_pause(h, "c", &err), KC_OK);
    assert_int_equal(kc_herder_status(h, "c", &out, &err), KC_OK);
    assert_string_equal(connector_state(out), "PAUSED");
    json_decref(out);
    assert_int_equal(kc_herder_resume(h, "c", &err), KC_OK);
    assert_int_equal(kc_herder_status(h, "c", &out, &err), KC_OK);
    assert_string_equal(connector_state(out), "RUNNING");
    json_decref(out);

    assert_int_equal(kc_herder_delete(h, "c", &err), KC_OK);
    assert_int_equal(kc_herder_info(h, "c", &out, &err), KC_ERR_NOT_FOUND);
    assert_string_equal(err.msg, "Connector c not found");
    json_decref(out);
    assert_int_equal(f->fh->served, 7);
    json_decref(config);
}

/* An answer the implementation gives (a timeout) reaches the caller. */
static void test_fake_herder_submit_error_reaches_caller(void **state)
{
    fixture_t *f = *state;
    kc_herder_t *h = &f->fh->base;
    json_t *out = NULL;
    kc_error_t err;

    f->fh->timeout_next = true;
    assert_int_equal(kc_herder_list(h, 0, &out, &err), KC_ERR_TIMEOUT);
    assert_null(out);
    assert_string_equal(err.msg, "Request timed out");
    assert_int_equal(f->fh->served, 0);
}

/* Health asks the implementation whether it is ready, then pings it. */
static void test_fake_herder_health_uses_ready_and_ping(void **state)
{
    fixture_t *f = *state;
    kc_herder_t *h = &f->fh->base;
    json_t *out = NULL;
    kc_error_t err;

    assert_int_equal(kc_herder_health(h, &out, &err), KC_AGAIN);
    assert_string_equal(json_string_value(json_object_get(out, "status")),
                        "starting");
    json_decref(out);
    assert_int_equal(kc_herder_start(h, &err), KC_OK);
    assert_int_equal(kc_herder_health(h, &out, &err), KC_OK);
    assert_string_equal(json_string_value(json_object_get(out, "status")),
                        "healthy");
    json_decref(out);
    assert_int_equal(f->fh->served, 1);
}

/*
 * topic.tracking.enable and topic.tracking.allow.reset are read as the
 * worker table bound them (Apache's BOOLEAN: trimmed, any case), not by
 * comparing the raw text with "false" (" FALSE " left tracking on).
 */
static void test_topic_tracking_flags_are_bound_booleans(void **state)
{
    fixture_t *f = *state;
    kc_props_t *wp = kc_props_copy(kc_config_props(kc_worker_config(f->tw.w)));
    fake_herder_t *fh = kc_calloc(1, sizeof(*fh));
    bool freed = false;
    kc_worker_t *w;
    json_t *out = NULL;
    kc_error_t err;

    kc_props_set(wp, "topic.tracking.enable", " FALSE ");
    w = kc_worker_new(wp, f->tw.reg, &err);
    if (w == NULL) {
        fail_msg("kc_worker_new: %s", err.msg);
    }
    fh->freed = &freed;
    kc_herder_core_init(&fh->base, &fake_herder_vt, w, kc_status_store_new(),
                        kc_config_store_new());
    assert_int_equal(kc_herder_topics(&fh->base, "c", &out, &err),
                     KC_ERR_UNSUPPORTED);
    assert_string_equal(err.msg, "Topic tracking is disabled.");
    assert_null(out);
    kc_herder_destroy(&fh->base);
    kc_worker_destroy(w);
    kc_props_destroy(wp);
}

/* Destroy: stop, then the core stops the connectors, then free. */
static void test_fake_herder_destroy_stops_then_frees(void **state)
{
    fixture_t *f = *state;
    kc_herder_t *h = &f->fh->base;
    json_t *config = config_of("test.NoneSourceConnector");
    kc_error_t err;

    assert_int_equal(
        kc_herder_put_config(h, "c", config, false, NULL, NULL, NULL, &err),
        KC_OK);
    json_decref(config);
    kc_herder_destroy(h);
    assert_true(f->herder_freed);
    assert_true(f->store_destroyed);
}

/*
 * The core keeps status only through the store interface: tracking on
 * create, RUNNING on start (the worker's report or the core's settle),
 * the pause move and forgetting on delete all reach the fake store, and
 * reads are served by it.
 */
static void test_fake_status_store_backs_core(void **state)
{
    fixture_t *f = *state;
    kc_herder_t *h = &f->fh->base;
    json_t *config = config_of("test.NoneSourceConnector");
    json_t *out = NULL;
    kc_error_t err;

    assert_int_equal(
        kc_herder_put_config(h, "c", config, false, NULL, NULL, NULL, &err),
        KC_OK);
    assert_non_null(strstr(fs_log(f->fs), "track c source\n"));
    assert_non_null(strstr(fs_log(f->fs), " c -1 RUNNING\n"));
    assert_int_equal(kc_herder_pause(h, "c", &err), KC_OK);
    assert_non_null(strstr(fs_log(f->fs), " c -1 PAUSED\n"));
    f->fs->reads = 0;
    assert_int_equal(kc_herder_status(h, "c", &out, &err), KC_OK);
    assert_string_equal(connector_state(out), "PAUSED");
    json_decref(out);
    assert_true(f->fs->reads > 0);
    assert_int_equal(kc_herder_delete(h, "c", &err), KC_OK);
    assert_non_null(strstr(fs_log(f->fs), "forget c\n"));
    assert_int_equal(kc_herder_status(h, "c", &out, &err), KC_ERR_NOT_FOUND);
    assert_string_equal(err.msg, "No status found for connector c");
    json_decref(config);
}

/*
 * The core's offsets views reach the source offsets through the offset
 * store interface: a fake store put in the worker's place answers GET
 * .../offsets and takes the reset of DELETE .../offsets.
 */
static void test_fake_offset_store_backs_offsets_views(void **state)
{
    fixture_t *f = *state;
    kc_herder_t *h = &f->fh->base;
    fake_offsets_t *fo = fake_offsets_new();
    json_t *config = config_of("test.NoneSourceConnector");
    json_t *part = json_pack("{s:s}", "file", "a.txt");
    json_t *off = json_pack("{s:i}", "position", 42);
    json_t *out = NULL;
    kc_error_t err;
    char *text;

    kc_worker_set_offset_store(f->tw.w, &fo->base);
    assert_int_equal(kc_offset_store_put(&fo->base, "c", part, off, &err),
                     KC_OK);
    assert_int_equal(kc_herder_put_config(h, "c", config, false, "STOPPED",
                                          NULL, NULL, &err),
                     KC_OK);
    assert_int_equal(kc_herder_offsets(h, "c", &out, &err), KC_OK);
    text = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(text, "{\"offsets\":[{\"offset\":{\"position\":42},"
                              "\"partition\":{\"file\":\"a.txt\"}}]}");
    free(text); /* allocated by jansson */
    json_decref(out);
    assert_non_null(strstr(fo_log(fo), "list c\n"));

    assert_int_equal(kc_herder_reset_offsets(h, "c", &out, &err), KC_OK);
    json_decref(out);
    assert_non_null(strstr(fo_log(fo), "reset c\nflush\n"));
    assert_int_equal(kc_herder_offsets(h, "c", &out, &err), KC_OK);
    assert_int_equal(json_array_size(json_object_get(out, "offsets")), 0);
    json_decref(out);
    json_decref(part);
    json_decref(off);
    json_decref(config);
}

/*
 * The core writes every durable change through the config store
 * interface (config and target on create, task configs, the target on
 * pause, emptied tasks and the target on stop, removal on delete) and
 * serves GET .../config and the connector info from it.
 */
static void test_fake_config_store_backs_core(void **state)
{
    fixture_t *f = *state;
    kc_herder_t *h = &f->fh->base;
    json_t *config = config_of("test.NoneSourceConnector");
    json_t *out = NULL;
    kc_error_t err;
    char *expect;

    assert_int_equal(
        kc_herder_put_config(h, "c", config, false, NULL, NULL, &out, &err),
        KC_OK);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(out, "config"), "read.from")),
                        "fake");
    json_decref(out);
    assert_int_equal(kc_herder_config(h, "c", &out, &err), KC_OK);
    assert_string_equal(json_string_value(json_object_get(out, "read.from")),
                        "fake");
    assert_string_equal(
        json_string_value(json_object_get(out, "connector.class")),
        "test.NoneSourceConnector");
    json_decref(out);
    assert_int_equal(kc_herder_pause(h, "c", &err), KC_OK);
    assert_int_equal(kc_herder_stop(h, "c", &err), KC_OK);
    assert_int_equal(kc_herder_delete(h, "c", &err), KC_OK);
    expect = kc_asprintf("put_connector c %d\nput_tasks c 0\nput_target c "
                         "%d\nput_tasks c 0\nput_target c %d\n"
                         "remove_connector c\n",
                         (int)KC_TARGET_STARTED, (int)KC_TARGET_PAUSED,
                         (int)KC_TARGET_STOPPED);
    assert_string_equal(fc_log(f->fc), expect);
    kc_free(expect);
    json_decref(config);
}

/*
 * With vt->runs (distributed mode) the core keeps the config of a
 * connector assigned elsewhere but neither starts it nor writes its
 * status; kc_herder_core_sync starts it once it is assigned here and
 * stops it when it is not any more.
 */
static void test_core_runs_only_what_vt_runs_assigns(void **state)
{
    fixture_t *f = *state;
    kc_herder_t *h = &f->fh->base;
    json_t *out = NULL;
    kc_error_t err;

    gated_create_c(f, KC_TARGET_STARTED);
    assert_null(strstr(fs_log(f->fs), "put c"));
    assert_null(strstr(fs_log(f->fs), "replace c"));
    assert_false(kc_herder_find(h, "c")->started);

    f->fh->runs_here = true;
    gated_sync_c(f);
    assert_true(kc_herder_find(h, "c")->started);
    assert_int_equal(kc_herder_status(h, "c", &out, &err), KC_OK);
    assert_string_equal(connector_state(out), "RUNNING");
    json_decref(out);

    f->fh->runs_here = false;
    gated_sync_c(f);
    assert_true(kc_herder_find(h, "c") != NULL);
    assert_false(kc_herder_find(h, "c")->started);
}

/*
 * A connector stopped while it was nobody's (an eager rebalance revokes
 * everything) reports STOPPED once the assignment gives it to this
 * worker, as Apache's worker does when it starts a connector whose target
 * state is STOPPED; its last status would otherwise stay the RUNNING of
 * its previous owner.
 */
static void
test_core_reports_stopped_when_a_stopped_connector_is_assigned(void **state)
{
    fixture_t *f = *state;

    gated_create_c(f, KC_TARGET_STARTED);
    f->fh->target = KC_TARGET_STOPPED;
    gated_sync_c(f);
    assert_null(strstr(fs_log(f->fs), "put c -1 STOPPED"));

    f->fh->runs_here = true;
    gated_sync_c(f);
    assert_false(kc_herder_find(&f->fh->base, "c")->started);
    assert_non_null(strstr(fs_log(f->fs), "put c -1 STOPPED"));
}

/* What the core logs while @p h creates and deletes connector "c". */
static char *log_of_create_and_delete(kc_herder_t *h)
{
    json_t *config = config_of("test.NoneSourceConnector");
    char *log = NULL;
    size_t loglen = 0;
    FILE *logfp = open_memstream(&log, &loglen);
    kc_error_t err;

    assert_non_null(logfp);
    kc_log_set_stream(logfp);
    assert_int_equal(
        kc_herder_put_config(h, "c", config, false, NULL, NULL, NULL, &err),
        KC_OK);
    assert_int_equal(kc_herder_delete(h, "c", &err), KC_OK);
    kc_log_set_stream(NULL);
    fclose(logfp);
    json_decref(config);
    return log;
}

/*
 * The core's lines carry the herder's Apache logger name: a distributed
 * worker's read as DistributedHerder's, as Apache's do (and its log
 * levels apply to them); a herder that names none logs as
 * StandaloneHerder.
 */
static void test_core_lines_carry_the_herders_logger_name(void **state)
{
    fixture_t *f = *state;
    kc_herder_t *h = &f->fh->base;
    char *log = log_of_create_and_delete(h);

    if (strstr(log, "Removed connector c (org.apache.kafka.connect.runtime."
                    "standalone.StandaloneHerder") == NULL) {
        fail_msg("no StandaloneHerder line in:\n%s", log);
    }
    free(log); /* open_memstream's buffer comes from libc */
    h->vt = &named_herder_vt;
    log = log_of_create_and_delete(h);
    if (strstr(log, "Removed connector c (org.apache.kafka.connect.runtime."
                    "distributed.DistributedHerder") == NULL) {
        fail_msg("no DistributedHerder line in:\n%s", log);
    }
    assert_null(strstr(log, "StandaloneHerder"));
    free(log); /* open_memstream's buffer comes from libc */
}

/* Stopping the herder writes nothing (a topic store would lose tasks). */
static void test_herder_destroy_writes_no_config(void **state)
{
    fixture_t *f = *state;
    json_t *config = config_of("test.NoneSourceConnector");
    kc_error_t err;
    size_t before;

    assert_int_equal(kc_herder_put_config(&f->fh->base, "c", config, false,
                                          NULL, NULL, NULL, &err),
                     KC_OK);
    json_decref(config);
    before = f->fc->log.len;
    assert_true(before > 0);
    kc_herder_destroy(&f->fh->base);
    assert_int_equal(f->config_log_at_destroy, before);
}

/* The memory config store keeps copies and names an unknown connector. */
static void test_memory_config_store_keeps_copies(void **state)
{
    kc_config_store_t *cs = kc_config_store_new();
    kc_props_t *config = kc_props_new();
    kc_props_t *tasks[2];
    kc_props_t **got = NULL;
    kc_props_t *back = NULL;
    kc_error_t err;
    size_t n = 9;

    (void)state;
    kc_props_set(config, "k", "v1");
    assert_int_equal(
        kc_config_store_put_connector(cs, "c", config, KC_TARGET_STARTED, &err),
        KC_OK);
    kc_props_set(config, "k", "v2");
    assert_int_equal(kc_config_store_config(cs, "c", &back), KC_OK);
    assert_string_equal(kc_props_get(back, "k"), "v1");
    kc_props_destroy(back);
    assert_int_equal(kc_config_store_tasks(cs, "c", &got, &n), KC_OK);
    assert_int_equal(n, 0);
    kc_free(got);
    tasks[0] = config;
    tasks[1] = config;
    assert_int_equal(kc_config_store_put_tasks(cs, "c", tasks, 2, &err), KC_OK);
    kc_props_destroy(config);
    assert_int_equal(kc_config_store_tasks(cs, "c", &got, &n), KC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(kc_props_get(got[1], "k"), "v2");
    for (size_t i = 0; i < n; i++) {
        kc_props_destroy(got[i]);
    }
    kc_free(got);
    assert_int_equal(
        kc_config_store_put_target(cs, "x", KC_TARGET_PAUSED, &err),
        KC_ERR_NOT_FOUND);
    assert_string_equal(err.msg, "Connector x not found");
    assert_int_equal(kc_config_store_remove_connector(cs, "c", &err), KC_OK);
    assert_int_equal(kc_config_store_config(cs, "c", &back), KC_ERR_NOT_FOUND);
    assert_null(back);
    assert_int_equal(kc_config_store_tasks(cs, "c", &got, &n),
                     KC_ERR_NOT_FOUND);
    kc_config_store_destroy(cs);
    kc_config_store_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory_config_store_keeps_copies),
        cmocka_unit_test_setup_teardown(test_fake_herder_drives_core_lifecycle,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_fake_herder_submit_error_reaches_caller, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_fake_herder_health_uses_ready_and_ping, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_topic_tracking_flags_are_bound_booleans, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_fake_herder_destroy_stops_then_frees, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fake_status_store_backs_core,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_fake_offset_store_backs_offsets_views, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fake_config_store_backs_core,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_core_runs_only_what_vt_runs_assigns, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_core_reports_stopped_when_a_stopped_connector_is_assigned,
            setup, teardown),
        cmocka_unit_test_setup_teardown(test_herder_destroy_writes_no_config,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_core_lines_carry_the_herders_logger_name, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
