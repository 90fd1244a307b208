/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FileStreamSink: writes each record value, in Java's text form
 * (src/data/kc_value_text.h), followed by "\n" to a file (appending) or
 * stdout, as Apache's PrintStream.println(record.value()). Each put is one
 * write(2) of the whole batch; flush makes it durable (fsync) so the
 * runtime commits consumer offsets only for lines that are on disk. A put
 * whose write fails (disk full) cuts the file back to its length before
 * that put, so the file holds whole lines only and the records delivered
 * again after a restart do not start in the middle of a line.
 */
#include "kc_internal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "connectors/file/kc_file_connectors.h"
#include "data/kc_value_text.h"

#define KC_FILE_SINK_LOGGER "org.apache.kafka.connect.file.FileStreamSinkTask"

/* The task's config, filled from the table by kc_config_bind. */
typedef struct kc_file_sink_conf {
    char *file; /* NULL or "": stdout */
} kc_file_sink_conf_t;

static const kc_config_def_t kc_file_sink_defs[] = {
    {.name = "file",
     .type = KC_CFG_STRING,
     .default_value = NULL,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Destination filename. If not specified, the standard output "
            "will be used",
     KC_CFG_BIND(kc_file_sink_conf_t, file)},
    {.name = NULL},
};

static const kc_config_def_t *const kc_file_sink_tables[] = {kc_file_sink_defs,
                                                             NULL};

/* ---- connector ------------------------------------------------------ */

typedef struct kc_file_sink_conn {
    kc_props_t *props;
} kc_file_sink_conn_t;

static kc_err_t kc_file_sink_conn_start(void **ctx, const kc_props_t *config,
                                        kc_connector_ctx_t *cctx,
                                        kc_error_t *err)
{
    kc_file_sink_conn_t *conn = kc_calloc(1, sizeof(*conn));
    const char *file = kc_props_get(config, "file");

    conn->props = kc_props_copy(config);
    kc_log_info("org.apache.kafka.connect.file.FileStreamSinkConnector",
                "Starting file sink connector writing to %s",
                file != NULL && *file != '\0' ? file : "standard output");
    *ctx = conn;
    return KC_OK;
}

static kc_err_t kc_file_sink_conn_task_configs(void *ctx, int max_tasks,
                                               kc_props_t ***configs,
                                               size_t *count, kc_error_t *err)
{
    kc_file_sink_conn_t *conn = ctx;
    size_t n = max_tasks > 0 ? (size_t)max_tasks : 0;

    /* As Apache: tasks.max identical tasks, all appending to the file. */
    *configs = kc_calloc(n > 0 ? n : 1, sizeof(**configs));
    for (size_t i = 0; i < n; i++) {
        (*configs)[i] = kc_props_copy(conn->props);
    }
    *count = n;
    return KC_OK;
}

static void kc_file_sink_conn_stop(void *ctx)
{
    kc_file_sink_conn_t *conn = ctx;

    if (conn == NULL) {
        return;
    }
    kc_props_destroy(conn->props);
    kc_free(conn);
}

/* ---- task ----------------------------------------------------------- */

typedef struct kc_file_sink {
    char *filename; /* NULL: stdout */
    int fd;
    kc_buf_t out; /* the text of one put, reused */
} kc_file_sink_t;

static kc_err_t kc_file_sink_start(void **ctx, const kc_props_t *config,
                                   kc_sink_task_ctx_t *tctx, kc_error_t *err)
{
    kc_file_sink_conf_t conf = {0};
    kc_file_sink_t *sink;
    kc_err_t rc = kc_config_bind(kc_file_sink_tables, config, &conf, err);

    if (rc != KC_OK) {
        return rc;
    }
    sink = kc_calloc(1, sizeof(*sink));
    kc_buf_init(&sink->out, 0);
    if (conf.file == NULL || *conf.file == '\0') {
        sink->fd = STDOUT_FILENO;
        kc_config_bind_release(kc_file_sink_tables, &conf);
    } else {
        sink->filename = conf.file;
        sink->fd = open(sink->filename,
                        O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
        if (sink->fd < 0) {
            int e = errno;

            rc = kc_error_set(err, KC_ERR_IO,
                              "couldn't find or create file '%s' for "
                              "FileStreamSinkTask: %s",
                              sink->filename, strerror(e));
            kc_free(sink->filename);
            kc_buf_release(&sink->out);
            kc_free(sink);
            return rc;
        }
    }
    *ctx = sink;
    return KC_OK;
}

static const char *kc_file_sink_name(const kc_file_sink_t *sink)
{
    return sink->filename != NULL ? sink->filename : "stdout";
}

/* Write all of @p len bytes, retrying short writes. */
static kc_err_t kc_file_sink_write(kc_file_sink_t *sink, const uint8_t *p,
                                   size_t len, kc_error_t *err)
{
    while (len > 0) {
        ssize_t n = write(sink->fd, p, len);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return kc_error_set(err, KC_ERR_IO,
                                "could not write file \"%s\": %s",
                                kc_file_sink_name(sink), strerror(errno));
        }
        p += n;
        len -= (size_t)n;
    }
    return KC_OK;
}

/*
 * The length of the output before a put, or -1 when it cannot be cut
 * back (stdout, a pipe, a device such as /dev/full).
 */
static off_t kc_file_sink_length(const kc_file_sink_t *sink)
{
    struct stat st;

    if (sink->filename == NULL || fstat(sink->fd, &st) != 0 ||
        !S_ISREG(st.st_mode)) {
        return -1;
    }
    return st.st_size;
}

/*
 * A write of this put failed: drop the part of it that reached the file,
 * so a partial line never stays behind. Adds to @p err when that fails.
 */
static void kc_file_sink_cut_back(kc_file_sink_t *sink, off_t length,
                                  kc_error_t *err)
{
    int rc;

    if (length < 0) {
        return;
    }
    do {
        rc = ftruncate(sink->fd, length);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        size_t used = strlen(err->msg);

        snprintf(err->msg + used, sizeof(err->msg) - used,
                 " (and could not cut it back to %lld bytes: %s)",
                 (long long)length, strerror(errno));
        return;
    }
    kc_log_warn(KC_FILE_SINK_LOGGER,
                "cut file \"%s\" back to %lld bytes after a failed write",
                sink->filename, (long long)length);
}

static kc_err_t kc_file_sink_put(void *ctx, kc_batch_t *batch, kc_error_t *err)
{
    kc_file_sink_t *sink = ctx;
    off_t length;
    kc_err_t rc;

    kc_buf_reset(&sink->out);
    for (size_t i = 0; i < batch->len; i++) {
        const kc_record_t *rec = batch->records[i];

        rc = kc_value_text_append(&sink->out, rec->value_schema, &rec->value);
        if (rc == KC_OK) {
            rc = kc_buf_putc(&sink->out, '\n');
        }
        if (rc != KC_OK) {
            return kc_error_set(err, rc,
                                "could not format the value of record %s-%d "
                                "offset %lld",
                                rec->topic != NULL ? rec->topic : "?",
                                (int)rec->partition, (long long)rec->offset);
        }
    }
    kc_log_trace(KC_FILE_SINK_LOGGER, "Writing %zu lines to %s", batch->len,
                 kc_file_sink_name(sink));
    length = kc_file_sink_length(sink);
    rc = kc_file_sink_write(sink, sink->out.data, sink->out.len, err);
    if (rc != KC_OK) {
        kc_file_sink_cut_back(sink, length, err);
    }
    /* Keep a huge batch's memory only until the next put. */
    if (sink->out.cap > 4 * 1024 * 1024) {
        kc_buf_release(&sink->out);
        kc_buf_init(&sink->out, 0);
    }
    return rc;
}

static kc_err_t kc_file_sink_flush(void *ctx, kc_error_t *err)
{
    kc_file_sink_t *sink = ctx;

    kc_log_trace(KC_FILE_SINK_LOGGER, "Flushing output stream for %s",
                 kc_file_sink_name(sink));
    if (sink->filename == NULL) {
        return KC_OK; /* stdout: every put already went to write(2) */
    }
    if (fsync(sink->fd) != 0 && errno != EINVAL && errno != EROFS) {
        return kc_error_set(err, KC_ERR_IO, "could not flush %s: %s",
                            sink->filename, strerror(errno));
    }
    return KC_OK;
}

static void kc_file_sink_stop(void *ctx)
{
    kc_file_sink_t *sink = ctx;

    if (sink == NULL) {
        return;
    }
    if (sink->filename != NULL && sink->fd >= 0) {
        close(sink->fd);
    }
    kc_buf_release(&sink->out);
    kc_free(sink->filename);
    kc_free(sink);
}

const struct kc_sink_task_plugin kc_file_sink_task = {
    KC_PLUGIN_INIT(struct kc_sink_task_plugin),
    .name = "FileStreamSinkTask",
    .class_name = "org.apache.kafka.connect.file.FileStreamSinkTask",
    .version = KC_APACHE_VERSION,
    .config_def = kc_file_sink_defs,
    .start = kc_file_sink_start,
    .put = kc_file_sink_put,
    .flush = kc_file_sink_flush,
    .stop = kc_file_sink_stop,
};

const struct kc_connector_plugin kc_file_sink_connector = {
    KC_PLUGIN_INIT(struct kc_connector_plugin),
    .name = "FileStreamSink",
    .class_name = "org.apache.kafka.connect.file.FileStreamSinkConnector",
    .version = KC_APACHE_VERSION,
    .config_def = kc_file_sink_defs,
    .sink_task = &kc_file_sink_task,
    .start = kc_file_sink_conn_start,
    .task_configs = kc_file_sink_conn_task_configs,
    .stop = kc_file_sink_conn_stop,
};
