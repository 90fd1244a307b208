/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FileStreamSource: each line of a file (or stdin) becomes one record with a
 * STRING value on one topic. Source partition {"filename": <file>}, offset
 * {"position": <byte position after the line>}, as Apache's task, so a
 * restart resumes after the last committed line.
 *
 * Apache counts the position in UTF-16 chars but skips that many bytes when
 * it resumes; kconnect counts bytes, which is the same for ASCII and resumes
 * correctly for any text. Bytes that are not UTF-8 become U+FFFD, as Java's
 * decoder makes them.
 */
#include "kc_internal.h"

#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "connectors/file/kc_file_connectors.h"
#include "connectors/file/kc_line_reader.h"
#include "util/kc_clock.h"

#define KC_FILE_SOURCE_LOGGER                                                  \
    "org.apache.kafka.connect.file.FileStreamSourceTask"
#define KC_FILE_FILENAME_FIELD "filename"
#define KC_FILE_POSITION_FIELD "position"
/* How long a poll waits for more data (Apache waits 1 s). */
#define KC_FILE_IDLE_MS 100
/* How long a poll waits for a missing file (as Apache). */
#define KC_FILE_MISSING_MS 1000

/* The task's config, filled from the table by kc_config_bind. */
typedef struct kc_file_source_conf {
    char *file; /* NULL or "": stdin */
    char *topic;
    int32_t batch_size;
} kc_file_source_conf_t;

static const kc_config_def_t kc_file_source_defs[] = {
    {.name = "file",
     .type = KC_CFG_STRING,
     .default_value = NULL,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Source filename. If not specified, the standard input will be "
            "used",
     KC_CFG_BIND(kc_file_source_conf_t, file)},
    {.name = "topic",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "The topic to publish data to",
     .flags = KC_CFG_F_REQUIRED | KC_CFG_F_NONEMPTY,
     KC_CFG_BIND(kc_file_source_conf_t, topic)},
    {.name = "batch.size",
     .type = KC_CFG_INT,
     .default_value = "2000",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "The maximum number of records the source task can read from "
            "the file each time it is polled",
     KC_CFG_BIND(kc_file_source_conf_t, batch_size)},
    {.name = NULL},
};

static const kc_config_def_t *const kc_file_source_tables[] = {
    kc_file_source_defs, NULL};

/* ---- connector ------------------------------------------------------ */

typedef struct kc_file_source_conn {
    kc_props_t *props;
} kc_file_source_conn_t;

static kc_err_t kc_file_source_conn_start(void **ctx, const kc_props_t *config,
                                          kc_connector_ctx_t *cctx,
                                          kc_error_t *err)
{
    kc_file_source_conn_t *conn = kc_calloc(1, sizeof(*conn));
    const char *file = kc_props_get(config, "file");

    conn->props = kc_props_copy(config);
    kc_log_info("org.apache.kafka.connect.file.FileStreamSourceConnector",
                "Starting file source connector reading from %s",
                file != NULL && *file != '\0' ? file : "standard input");
    *ctx = conn;
    return KC_OK;
}

static kc_err_t kc_file_source_conn_task_configs(void *ctx, int max_tasks,
                                                 kc_props_t ***configs,
                                                 size_t *count, kc_error_t *err)
{
    kc_file_source_conn_t *conn = ctx;

    /* Only one input stream makes sense: one task whatever tasks.max. */
    *configs = kc_calloc(1, sizeof(**configs));
    (*configs)[0] = kc_props_copy(conn->props);
    *count = 1;
    return KC_OK;
}

static void kc_file_source_conn_stop(void *ctx)
{
    kc_file_source_conn_t *conn = ctx;

    if (conn == NULL) {
        return;
    }
    kc_props_destroy(conn->props);
    kc_free(conn);
}

/* ---- task ----------------------------------------------------------- */

typedef struct kc_file_source {
    kc_source_task_ctx_t *tctx;
    char *filename; /* NULL: stdin */
    char *topic;
    int batch_size;
    int fd; /* -1 until the file is opened */
    int64_t position;
    kc_line_reader_t *reader;
    bool warned_missing;
} kc_file_source_t;

static void kc_file_source_free(kc_file_source_t *src)
{
    if (src->filename != NULL && src->fd >= 0) {
        close(src->fd);
    }
    kc_line_reader_destroy(src->reader);
    kc_free(src->filename);
    kc_free(src->topic);
    kc_free(src);
}

static kc_err_t kc_file_source_start(void **ctx, const kc_props_t *config,
                                     kc_source_task_ctx_t *tctx,
                                     kc_error_t *err)
{
    kc_file_source_conf_t conf = {0};
    kc_file_source_t *src;
    kc_err_t rc;

    /* the herder validated the same table; this also types the values */
    rc = kc_config_bind(kc_file_source_tables, config, &conf, err);
    if (rc != KC_OK) {
        return rc;
    }
    src = kc_calloc(1, sizeof(*src));
    src->tctx = tctx;
    src->fd = -1;
    /* Apache returns once a batch holds batch.size records, so 0 or less
     * acts as 1. */
    src->batch_size = conf.batch_size < 1 ? 1 : conf.batch_size;
    src->topic = conf.topic;
    conf.topic = NULL;
    if (conf.file != NULL && *conf.file != '\0') {
        src->filename = conf.file;
        conf.file = NULL;
    } else {
        /* Offsets make no sense for stdin: none are tracked. */
        src->fd = STDIN_FILENO;
        src->position = -1;
    }
    kc_config_bind_release(kc_file_source_tables, &conf);
    src->reader = kc_line_reader_new(0);
    *ctx = src;
    return KC_OK;
}

/* A map value {key: value} with one entry, in @p arena. */
static void kc_file_map1(kc_arena_t *arena, kc_value_t *map, const char *key,
                         const kc_value_t *value)
{
    kc_value_set_map(arena, map, 1);
    kc_value_set_string_ref(&map->u.map.keys[0], key, strlen(key));
    map->u.map.values[0] = *value;
}

/* Open the file and seek to the committed position, if any. */
static kc_err_t kc_file_source_open(kc_file_source_t *src, kc_arena_t *arena,
                                    kc_error_t *err)
{
    kc_value_t name;
    kc_value_t partition;
    kc_value_t offset;
    int fd = open(src->filename, O_RDONLY | O_CLOEXEC);
    kc_err_t rc;

    if (fd < 0) {
        if (errno == ENOENT) {
            kc_log_warn(KC_FILE_SOURCE_LOGGER,
                        "Couldn't find file %s for FileStreamSourceTask, "
                        "sleeping to wait for it to be created",
                        src->filename);
            return KC_AGAIN;
        }
        return kc_error_set(err, KC_ERR_IO, "could not open file \"%s\": %s",
                            src->filename, strerror(errno));
    }
    memset(&offset, 0, sizeof(offset));
    kc_value_set_string_ref(&name, src->filename, strlen(src->filename));
    kc_file_map1(arena, &partition, KC_FILE_FILENAME_FIELD, &name);
    rc = kc_source_offset_get(src->tctx, &partition, arena, &offset);
    src->position = 0;
    if (rc == KC_OK && offset.type == KC_TYPE_MAP) {
        const kc_value_t *pos =
            kc_value_map_get(&offset, KC_FILE_POSITION_FIELD);

        if (pos != NULL && pos->type != KC_TYPE_NULL) {
            if (pos->type < KC_TYPE_INT8 || pos->type > KC_TYPE_INT64) {
                close(fd);
                return kc_error_set(err, KC_ERR_INVALID,
                                    "could not resume file \"%s\": offset "
                                    "position is the incorrect type (%s, "
                                    "expected INT64)",
                                    src->filename, kc_type_name(pos->type));
            }
            if (pos->u.i < 0) {
                close(fd);
                return kc_error_set(err, KC_ERR_INVALID,
                                    "could not resume file \"%s\": offset "
                                    "position %" PRId64 " is negative",
                                    src->filename, pos->u.i);
            }
            src->position = pos->u.i;
        }
    } else if (rc != KC_OK && rc != KC_ERR_NOT_FOUND) {
        close(fd);
        return kc_error_set(err, rc,
                            "could not read the stored offset of file "
                            "\"%s\"",
                            src->filename);
    }
    if (src->position > 0) {
        struct stat st;

        if (fstat(fd, &st) == 0 && st.st_size < src->position) {
            kc_log_warn(KC_FILE_SOURCE_LOGGER,
                        "File %s is shorter (%lld bytes) than the committed "
                        "position %" PRId64 "; waiting for it to grow",
                        src->filename, (long long)st.st_size, src->position);
        }
        if (lseek(fd, (off_t)src->position, SEEK_SET) < 0) {
            int e = errno;

            close(fd);
            return kc_error_set(err, KC_ERR_IO,
                                "could not seek file \"%s\" to position "
                                "%" PRId64 ": %s",
                                src->filename, src->position, strerror(e));
        }
        kc_log_debug(KC_FILE_SOURCE_LOGGER, "Skipped to offset %" PRId64,
                     src->position);
    }
    src->fd = fd;
    kc_log_debug(KC_FILE_SOURCE_LOGGER, "Opened %s for reading", src->filename);
    return KC_OK;
}

/* Whether a read of stdin would return at once (data or end of input). */
static bool kc_file_readable(int fd)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};

    return poll(&pfd, 1, 0) > 0;
}

static kc_err_t kc_file_source_poll(void *ctx, kc_batch_t *batch,
                                    kc_error_t *err)
{
    kc_file_source_t *src = ctx;
    const char *what = src->filename != NULL ? src->filename : "stdin";
    kc_value_t partition;
    kc_value_t *pos_key = NULL;
    const char *topic = NULL;
    const kc_schema_t *schema = kc_schema_primitive(KC_TYPE_STRING, false);
    int64_t now = kc_clock_wall_ms();
    size_t added = 0;
    bool got_data = false;
    kc_err_t rc;

    if (src->fd < 0) {
        rc = kc_file_source_open(src, batch->arena, err);
        if (rc == KC_AGAIN) {
            kc_clock_sleep_ms(KC_FILE_MISSING_MS);
            return KC_OK;
        }
        if (rc != KC_OK) {
            return rc;
        }
    }
    memset(&partition, 0, sizeof(partition));
    for (;;) {
        const char *line;
        size_t len;
        size_t used;
        size_t nread;

        if (added >= (size_t)src->batch_size) {
            break;
        }
        if (kc_line_reader_next(src->reader, &line, &len, &used) == KC_OK) {
            kc_record_t *rec = kc_batch_add(batch);
            size_t text_len;
            char *text = kc_line_to_utf8(batch->arena, line, len, &text_len);

            if (topic == NULL) {
                /* Shared by the records of this batch, in its arena. */
                topic = kc_arena_strdup(batch->arena, src->topic);
                if (src->filename != NULL) {
                    kc_value_t name;

                    kc_value_set_string_ref(
                        &name, kc_arena_strdup(batch->arena, src->filename),
                        strlen(src->filename));
                    kc_file_map1(batch->arena, &partition,
                                 KC_FILE_FILENAME_FIELD, &name);
                    pos_key = kc_value_new(batch->arena);
                    kc_value_set_string_ref(pos_key, KC_FILE_POSITION_FIELD,
                                            strlen(KC_FILE_POSITION_FIELD));
                }
            }
            rec->topic = topic;
            rec->timestamp = now;
            rec->value_schema = schema;
            kc_value_set_string_ref(&rec->value, text, text_len);
            if (src->position >= 0) {
                kc_value_t *pos = kc_value_new(batch->arena);

                src->position += (int64_t)used;
                kc_value_set_int(pos, KC_TYPE_INT64, src->position);
                rec->source_partition = partition;
                rec->source_offset.type = KC_TYPE_MAP;
                rec->source_offset.u.map.keys = pos_key;
                rec->source_offset.u.map.values = pos;
                rec->source_offset.u.map.len = 1;
            }
            added++;
            continue;
        }
        if (src->filename == NULL && !kc_file_readable(src->fd)) {
            break;
        }
        rc = kc_line_reader_fill(src->reader, src->fd, what, &nread, err);
        if (rc == KC_AGAIN) {
            break;
        }
        if (rc != KC_OK) {
            return rc;
        }
        if (nread == 0) {
            break; /* end of the file for now */
        }
        got_data = true;
    }
    if (added == 0 && !got_data) {
        kc_clock_sleep_ms(KC_FILE_IDLE_MS);
    }
    return KC_OK;
}

static void kc_file_source_stop(void *ctx)
{
    kc_file_source_t *src = ctx;

    if (src == NULL) {
        return;
    }
    kc_file_source_free(src); /* closes the file, never stdin */
}

const struct kc_source_task_plugin kc_file_source_task = {
    KC_PLUGIN_INIT(struct kc_source_task_plugin),
    .name = "FileStreamSourceTask",
    .class_name = "org.apache.kafka.connect.file.FileStreamSourceTask",
    .version = KC_APACHE_VERSION,
    .config_def = kc_file_source_defs,
    .start = kc_file_source_start,
    .poll = kc_file_source_poll,
    .stop = kc_file_source_stop,
};

/* The value under string key @p key of map @p map, or NULL. */
static const kc_value_t *kc_file_map_get(const kc_value_t *map, const char *key)
{
    for (size_t i = 0; map->type == KC_TYPE_MAP && i < map->u.map.len; i++) {
        const kc_value_t *k = &map->u.map.keys[i];

        if (k->type == KC_TYPE_STRING && k->u.str.len == strlen(key) &&
            memcmp(k->u.str.data, key, k->u.str.len) == 0) {
            return &map->u.map.values[i];
        }
    }
    return NULL;
}

static bool kc_file_map_has(const kc_value_t *map, const char *key)
{
    return kc_file_map_get(map, key) != NULL;
}

/*
 * The shapes Apache's FileStreamSourceConnector.alterOffsets accepts,
 * with its messages: a file must be configured (stdin has no offsets);
 * an offset is null (a tombstone, allowed for any partition so old
 * garbage can be cleaned up) or holds a non-negative integer "position";
 * a partition holds "filename". Whether the position fits the file is
 * the task's business when it starts.
 */
static kc_err_t kc_file_source_alter_offsets(const kc_props_t *config,
                                             const kc_value_t *partitions,
                                             const kc_value_t *offsets,
                                             size_t count, kc_error_t *err)
{
    const char *file = kc_props_get(config, "file");

    if (file == NULL || *file == '\0') {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Offsets cannot be modified if the 'file' "
                            "configuration is unspecified. This is because "
                            "stdin is used for input and offsets are not "
                            "tracked.");
    }
    for (size_t i = 0; i < count; i++) {
        const kc_value_t *pos;

        if (offsets[i].type == KC_TYPE_NULL) {
            continue;
        }
        pos = kc_file_map_get(&offsets[i], KC_FILE_POSITION_FIELD);
        if (pos == NULL) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "Offset objects should either be null or "
                                "contain the key '" KC_FILE_POSITION_FIELD "'");
        }
        if (pos->type != KC_TYPE_INT64) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "The value for the '" KC_FILE_POSITION_FIELD
                                "' key in the offset is expected to be a "
                                "Long value");
        }
        if (pos->u.i < 0) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "The value for the '" KC_FILE_POSITION_FIELD
                                "' key in the offset should be a "
                                "non-negative value");
        }
        if (partitions[i].type == KC_TYPE_NULL) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "Partition objects cannot be null");
        }
        if (!kc_file_map_has(&partitions[i], KC_FILE_FILENAME_FIELD)) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "Partition objects should contain the key "
                                "'" KC_FILE_FILENAME_FIELD "'");
        }
    }
    return KC_OK;
}

const struct kc_connector_plugin kc_file_source_connector = {
    KC_PLUGIN_INIT(struct kc_connector_plugin),
    .name = "FileStreamSource",
    .class_name = "org.apache.kafka.connect.file.FileStreamSourceConnector",
    .version = KC_APACHE_VERSION,
    .config_def = kc_file_source_defs,
    .source_task = &kc_file_source_task,
    .start = kc_file_source_conn_start,
    .task_configs = kc_file_source_conn_task_configs,
    .alter_offsets = kc_file_source_alter_offsets,
    .stop = kc_file_source_conn_stop,
};
