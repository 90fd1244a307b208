/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The offsets file, byte-compatible with Apache Kafka's
 * FileOffsetBackingStore (see kc_offset_store.h for the format).
 *
 * Only the subset of the Java serialization protocol that ObjectOutputStream
 * produces for a HashMap<byte[], byte[]> is read and written; anything else
 * is rejected with a message rather than guessed at.
 */
#include "kc_internal.h"

#include "runtime/kc_offset_store.h"

#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

/* Java serialization stream constants (java.io.ObjectStreamConstants). */
#define JS_MAGIC           0xACEDu
#define JS_VERSION         5u
#define JS_TC_NULL         0x70
#define JS_TC_REFERENCE    0x71
#define JS_TC_CLASSDESC    0x72
#define JS_TC_OBJECT       0x73
#define JS_TC_ARRAY        0x75
#define JS_TC_BLOCKDATA    0x77
#define JS_TC_ENDBLOCK     0x78
#define JS_TC_BLOCKLONG    0x7A
#define JS_BASE_HANDLE     0x7E0000u
#define JS_SC_WRITEMETHOD  0x01
#define JS_SC_SERIALIZABLE 0x02

#define HASHMAP_CLASS "java.util.HashMap"
#define HASHMAP_SUID  UINT64_C(0x0507DAC1C31660D1)
#define BYTES_CLASS   "[B"
#define BYTES_SUID    UINT64_C(0xACF317F8060854E0)

/* ---- writer ---------------------------------------------------------- */

static kc_err_t js_u8(kc_buf_t *out, uint8_t v)
{
    return kc_buf_append(out, &v, 1);
}

static kc_err_t js_u16(kc_buf_t *out, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

    return kc_buf_append(out, b, 2);
}

static kc_err_t js_u32(kc_buf_t *out, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
                    (uint8_t)v};

    return kc_buf_append(out, b, 4);
}

static kc_err_t js_u64(kc_buf_t *out, uint64_t v)
{
    kc_err_t rc = js_u32(out, (uint32_t)(v >> 32));

    return rc != KC_OK ? rc : js_u32(out, (uint32_t)v);
}

static kc_err_t js_utf(kc_buf_t *out, const char *s)
{
    size_t len = strlen(s);
    kc_err_t rc = js_u16(out, (uint16_t)len);

    return rc != KC_OK ? rc : kc_buf_append(out, s, len);
}

/*
 * One byte[] element: the first carries the class descriptor (handle
 * base+2, after the map's descriptor and the map itself), later ones refer
 * back to it, exactly as ObjectOutputStream writes them.
 */
static kc_err_t js_bytes(kc_buf_t *out, const uint8_t *data, size_t len,
                         bool *desc_written)
{
    kc_err_t rc = KC_OK;

    if (data == NULL) {
        return js_u8(out, JS_TC_NULL);
    }
    rc |= js_u8(out, JS_TC_ARRAY);
    if (!*desc_written) {
        rc |= js_u8(out, JS_TC_CLASSDESC);
        rc |= js_utf(out, BYTES_CLASS);
        rc |= js_u64(out, BYTES_SUID);
        rc |= js_u8(out, JS_SC_SERIALIZABLE);
        rc |= js_u16(out, 0);
        rc |= js_u8(out, JS_TC_ENDBLOCK);
        rc |= js_u8(out, JS_TC_NULL);
        *desc_written = true;
    } else {
        rc |= js_u8(out, JS_TC_REFERENCE);
        rc |= js_u32(out, JS_BASE_HANDLE + 2);
    }
    rc |= js_u32(out, (uint32_t)len);
    if (len > 0) {
        rc |= kc_buf_append(out, data, len);
    }
    return rc != KC_OK ? KC_ERR_TOO_LARGE : KC_OK;
}

kc_err_t kc_offset_java_write(const kc_offset_entry_t *entries, size_t count,
                              kc_buf_t *out)
{
    /* HashMap's own sizing: 16 buckets, doubled past 3/4 full. */
    uint32_t buckets = 16;
    uint32_t threshold = 0;
    bool desc_written = false;
    kc_err_t rc = KC_OK;
    float load = 0.75f;
    uint32_t load_bits;

    while ((double)count > buckets * 0.75) {
        buckets *= 2;
    }
    if (count > 0) {
        threshold = (uint32_t)(buckets * 0.75);
    }
    memcpy(&load_bits, &load, sizeof(load_bits));

    rc |= js_u16(out, JS_MAGIC);
    rc |= js_u16(out, JS_VERSION);
    rc |= js_u8(out, JS_TC_OBJECT);
    rc |= js_u8(out, JS_TC_CLASSDESC);
    rc |= js_utf(out, HASHMAP_CLASS);
    rc |= js_u64(out, HASHMAP_SUID);
    rc |= js_u8(out, JS_SC_SERIALIZABLE | JS_SC_WRITEMETHOD);
    rc |= js_u16(out, 2);
    rc |= js_u8(out, 'F');
    rc |= js_utf(out, "loadFactor");
    rc |= js_u8(out, 'I');
    rc |= js_utf(out, "threshold");
    rc |= js_u8(out, JS_TC_ENDBLOCK);
    rc |= js_u8(out, JS_TC_NULL);
    rc |= js_u32(out, load_bits);
    rc |= js_u32(out, threshold);
    rc |= js_u8(out, JS_TC_BLOCKDATA);
    rc |= js_u8(out, 8);
    rc |= js_u32(out, buckets);
    rc |= js_u32(out, (uint32_t)count);
    if (rc != KC_OK) {
        return KC_ERR_TOO_LARGE;
    }
    for (size_t i = 0; i < count; i++) {
        rc = js_bytes(out, entries[i].key, entries[i].key_len, &desc_written);
        if (rc == KC_OK) {
            rc = js_bytes(out, entries[i].value, entries[i].value_len,
                          &desc_written);
        }
        if (rc != KC_OK) {
            return rc;
        }
    }
    return js_u8(out, JS_TC_ENDBLOCK);
}

/* ---- reader ---------------------------------------------------------- */

typedef struct js_reader {
    const uint8_t *p;
    const uint8_t *end;
    uint32_t next_handle;
    uint32_t bytes_desc; /* handle of the [B descriptor, 0 = not seen */
    kc_error_t *err;
} js_reader_t;

static kc_err_t js_fail(js_reader_t *r, const char *what)
{
    return kc_error_set(r->err, KC_ERR_INVALID,
                        "not a Java-serialized HashMap<byte[],byte[]>: %s at "
                        "byte %td from the end",
                        what, r->end - r->p);
}

static kc_err_t js_need(js_reader_t *r, size_t n)
{
    return (size_t)(r->end - r->p) >= n ? KC_OK : js_fail(r, "truncated");
}

static uint64_t js_get(js_reader_t *r, size_t n)
{
    uint64_t v = 0;

    for (size_t i = 0; i < n; i++) {
        v = (v << 8) | r->p[i];
    }
    r->p += n;
    return v;
}

static kc_err_t js_read_utf(js_reader_t *r, char *buf, size_t size)
{
    size_t len;

    if (js_need(r, 2) != KC_OK) {
        return KC_ERR_INVALID;
    }
    len = (size_t)js_get(r, 2);
    if (js_need(r, len) != KC_OK) {
        return KC_ERR_INVALID;
    }
    if (len >= size) {
        return js_fail(r, "class or field name too long");
    }
    memcpy(buf, r->p, len);
    buf[len] = '\0';
    r->p += len;
    return KC_OK;
}

static size_t js_prim_size(char code)
{
    switch (code) {
    case 'B':
    case 'Z':
        return 1;
    case 'C':
    case 'S':
        return 2;
    case 'I':
    case 'F':
        return 4;
    case 'J':
    case 'D':
        return 8;
    default:
        return 0;
    }
}

/*
 * A new class descriptor (after TC_CLASSDESC). Returns the summed size of
 * its primitive fields in @p prim_size (HashMap has no object fields).
 */
static kc_err_t js_read_classdesc(js_reader_t *r, char *name, size_t name_size,
                                  size_t *prim_size)
{
    char field[256];
    uint32_t nfields;

    if (js_read_utf(r, name, name_size) != KC_OK || js_need(r, 11) != KC_OK) {
        return KC_ERR_INVALID;
    }
    r->p += 8; /* serialVersionUID: any version of the class is read */
    r->p += 1; /* flags */
    r->next_handle++;
    nfields = (uint32_t)js_get(r, 2);
    *prim_size = 0;
    for (uint32_t i = 0; i < nfields; i++) {
        char code;

        if (js_need(r, 1) != KC_OK) {
            return KC_ERR_INVALID;
        }
        code = (char)*r->p++;
        if (js_read_utf(r, field, sizeof(field)) != KC_OK) {
            return KC_ERR_INVALID;
        }
        if (js_prim_size(code) == 0) {
            return js_fail(r, "object field in class descriptor");
        }
        *prim_size += js_prim_size(code);
    }
    if (js_need(r, 2) != KC_OK) {
        return KC_ERR_INVALID;
    }
    if (*r->p++ != JS_TC_ENDBLOCK) {
        return js_fail(r, "class annotation");
    }
    if (*r->p++ != JS_TC_NULL) {
        return js_fail(r, "serializable superclass");
    }
    return KC_OK;
}

/* One map element: null or a byte[]; *data NULL for null. */
static kc_err_t js_read_bytes(js_reader_t *r, uint8_t **data, size_t *len)
{
    uint8_t tc;
    size_t n;

    *data = NULL;
    *len = 0;
    if (js_need(r, 1) != KC_OK) {
        return KC_ERR_INVALID;
    }
    tc = *r->p++;
    if (tc == JS_TC_NULL) {
        return KC_OK;
    }
    if (tc != JS_TC_ARRAY || js_need(r, 1) != KC_OK) {
        return js_fail(r, "map element is not a byte[]");
    }
    tc = *r->p++;
    if (tc == JS_TC_CLASSDESC) {
        char name[64];
        size_t prim;
        uint32_t handle = JS_BASE_HANDLE + r->next_handle;

        if (js_read_classdesc(r, name, sizeof(name), &prim) != KC_OK) {
            return KC_ERR_INVALID;
        }
        if (strcmp(name, BYTES_CLASS) != 0) {
            return js_fail(r, "map element is not a byte[]");
        }
        r->bytes_desc = handle;
    } else if (tc == JS_TC_REFERENCE) {
        if (js_need(r, 4) != KC_OK) {
            return KC_ERR_INVALID;
        }
        if (r->bytes_desc == 0 || js_get(r, 4) != r->bytes_desc) {
            return js_fail(r, "map element is not a byte[]");
        }
    } else {
        return js_fail(r, "array class descriptor");
    }
    r->next_handle++; /* the array itself */
    if (js_need(r, 4) != KC_OK) {
        return KC_ERR_INVALID;
    }
    n = (size_t)js_get(r, 4);
    if (js_need(r, n) != KC_OK) {
        return KC_ERR_INVALID;
    }
    *data = kc_malloc(n + 1);
    memcpy(*data, r->p, n);
    (*data)[n] = '\0';
    *len = n;
    r->p += n;
    return KC_OK;
}

void kc_offset_entries_free(kc_offset_entry_t *entries, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        kc_free(entries[i].key);
        kc_free(entries[i].value);
    }
    kc_free(entries);
}

kc_err_t kc_offset_java_read(const uint8_t *data, size_t len,
                             kc_offset_entry_t **entries, size_t *count,
                             kc_error_t *err)
{
    js_reader_t r = {.p = data, .end = data + len, .err = err};
    char name[128];
    size_t prim;
    uint32_t size;
    kc_offset_entry_t *out;

    *entries = NULL;
    *count = 0;
    if (js_need(&r, 6) != KC_OK) {
        return KC_ERR_INVALID;
    }
    if (js_get(&r, 2) != JS_MAGIC || js_get(&r, 2) != JS_VERSION) {
        return js_fail(&r, "bad stream header");
    }
    if (*r.p++ != JS_TC_OBJECT || *r.p++ != JS_TC_CLASSDESC) {
        return js_fail(&r, "expected an object");
    }
    if (js_read_classdesc(&r, name, sizeof(name), &prim) != KC_OK) {
        return KC_ERR_INVALID;
    }
    if (strcmp(name, HASHMAP_CLASS) != 0) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "expected a java.util.HashMap but found %s", name);
    }
    r.next_handle++; /* the map object */
    if (js_need(&r, prim + 2) != KC_OK) {
        return KC_ERR_INVALID;
    }
    r.p += prim; /* loadFactor, threshold: recomputed on write */
    if (*r.p == JS_TC_BLOCKDATA) {
        size_t blen;

        r.p++;
        blen = *r.p++;
        if (blen < 8 || js_need(&r, blen) != KC_OK) {
            return js_fail(&r, "short block data");
        }
        r.p += 4; /* buckets */
        size = (uint32_t)js_get(&r, 4);
        r.p += blen - 8;
    } else {
        return js_fail(&r, "expected block data");
    }
    /* Each entry needs at least two bytes: bound the allocation. */
    if ((size_t)size > (size_t)(r.end - r.p) / 2) {
        return js_fail(&r, "entry count larger than the file");
    }
    out = kc_calloc(size > 0 ? size : 1, sizeof(*out));
    for (uint32_t i = 0; i < size; i++) {
        if (js_read_bytes(&r, &out[i].key, &out[i].key_len) != KC_OK ||
            js_read_bytes(&r, &out[i].value, &out[i].value_len) != KC_OK) {
            kc_offset_entries_free(out, i + 1);
            return KC_ERR_INVALID;
        }
    }
    if (js_need(&r, 1) != KC_OK || *r.p != JS_TC_ENDBLOCK) {
        kc_offset_entries_free(out, size);
        return js_fail(&r, "expected end of block data");
    }
    *entries = out;
    *count = size;
    return KC_OK;
}

/* ---- the store ------------------------------------------------------- */

typedef struct store_entry {
    kc_offset_entry_t raw;
    char *connector; /* NULL when the key is not ["name",{...}] */
    char *canon;     /* sorted-key JSON of the key, for lookups */
    json_t *partition;
} store_entry_t;

typedef struct kc_file_offset_store {
    kc_offset_store_t base; /* first: the interface */
    pthread_mutex_t lock;
    char *path;
    store_entry_t *entries;
    size_t count;
    size_t cap;
    bool dirty;
    /*
     * The writer thread of flush_async, started by its first call: it
     * writes `pending` (the file's bytes when flush_async ran) without the
     * store's lock, so puts, gets and the task that asked do not wait for
     * the disk. `cond` signals a new pending write, the end of a write and
     * quit. A synchronous flush first waits for the writer to be idle, so
     * writes reach the file in the order their bytes were taken.
     */
    pthread_cond_t cond;
    pthread_t writer;
    bool writer_started;
    bool quit;
    bool has_pending;
    bool busy;
    kc_buf_t pending;
    /* Write generations: every snapshot queued gets the next number; a
     * later snapshot holds everything an earlier one did. Each caller of
     * flush_async keeps the number its offsets went into (its ticket), so
     * tasks sharing the store each hear about their own write. */
    uint64_t gen_queued;  /* the last snapshot queued */
    uint64_t pending_gen; /* the snapshot in `pending` */
    uint64_t gen_written; /* the newest snapshot written well */
    uint64_t gen_failed;  /* the newest snapshot whose write failed */
    kc_error_t bg_err;    /* why gen_failed failed */
} kc_file_offset_store_t;

static void (*kc_offset_write_hook)(const char *path);

void kc_offset_store_set_write_hook(void (*hook)(const char *path))
{
    kc_offset_write_hook = hook;
}

static char *canon_key(const char *connector, const json_t *partition)
{
    json_t *key = json_pack("[sO]", connector, (json_t *)partition);
    char *tmp = json_dumps(key, JSON_COMPACT | JSON_SORT_KEYS);
    char *canon = kc_strdup(tmp);

    free(tmp); /* allocated by jansson */
    json_decref(key);
    return canon;
}

/* Fill connector/canon/partition from raw.key when it has Apache's shape. */
static void entry_index(store_entry_t *e)
{
    json_t *key = json_loadb((const char *)e->raw.key, e->raw.key_len,
                             JSON_DECODE_ANY, NULL);

    if (json_is_array(key) && json_array_size(key) == 2 &&
        json_is_string(json_array_get(key, 0))) {
        e->connector = kc_strdup(json_string_value(json_array_get(key, 0)));
        e->partition = json_incref(json_array_get(key, 1));
        e->canon = canon_key(e->connector, e->partition);
    }
    json_decref(key);
}

static void entry_release(store_entry_t *e)
{
    kc_free(e->raw.key);
    kc_free(e->raw.value);
    kc_free(e->connector);
    kc_free(e->canon);
    json_decref(e->partition);
}

static store_entry_t *store_add(kc_file_offset_store_t *store)
{
    if (store->count == store->cap) {
        store->cap = store->cap ? store->cap * 2 : 16;
        store->entries =
            kc_realloc(store->entries, store->cap * sizeof(*store->entries));
    }
    memset(&store->entries[store->count], 0, sizeof(store_entry_t));
    return &store->entries[store->count++];
}

static store_entry_t *store_find(kc_file_offset_store_t *store,
                                 const char *canon)
{
    for (size_t i = 0; i < store->count; i++) {
        if (store->entries[i].canon != NULL &&
            strcmp(store->entries[i].canon, canon) == 0) {
            return &store->entries[i];
        }
    }
    return NULL;
}

static kc_err_t store_load(kc_file_offset_store_t *store, kc_error_t *err)
{
    kc_buf_t buf;
    uint8_t chunk[65536];
    kc_offset_entry_t *raw = NULL;
    size_t count = 0;
    ssize_t n;
    int fd = open(store->path, O_RDONLY | O_CLOEXEC);
    kc_err_t rc;

    if (fd < 0) {
        if (errno == ENOENT) {
            return KC_OK;
        }
        return kc_error_set(err, KC_ERR_IO,
                            "could not open offsets file "
                            "\"%s\": %s",
                            store->path, strerror(errno));
    }
    kc_buf_init(&buf, 0);
    while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
        kc_buf_append(&buf, chunk, (size_t)n);
    }
    close(fd);
    if (n < 0) {
        kc_buf_release(&buf);
        return kc_error_set(err, KC_ERR_IO,
                            "could not read offsets file "
                            "\"%s\": %s",
                            store->path, strerror(errno));
    }
    if (buf.len == 0) {
        /* Apache treats an empty file (EOF) as no offsets. */
        kc_buf_release(&buf);
        return KC_OK;
    }
    rc = kc_offset_java_read(buf.data, buf.len, &raw, &count, err);
    kc_buf_release(&buf);
    if (rc != KC_OK) {
        kc_error_prefix(err, "could not load offsets file \"%s\"", store->path);
        return rc;
    }
    for (size_t i = 0; i < count; i++) {
        store_entry_t *e = store_add(store);

        e->raw = raw[i];
        entry_index(e);
    }
    kc_free(raw); /* the keys and values moved into the store */
    return KC_OK;
}

static void kc_file_offset_destroy(kc_offset_store_t *base)
{
    kc_file_offset_store_t *store = (kc_file_offset_store_t *)base;

    if (store->writer_started) {
        /* The writer writes what is pending before it ends. */
        pthread_mutex_lock(&store->lock);
        store->quit = true;
        pthread_cond_broadcast(&store->cond);
        pthread_mutex_unlock(&store->lock);
        pthread_join(store->writer, NULL);
    }
    kc_buf_release(&store->pending);
    pthread_cond_destroy(&store->cond);
    for (size_t i = 0; i < store->count; i++) {
        entry_release(&store->entries[i]);
    }
    kc_free(store->entries);
    kc_free(store->path);
    pthread_mutex_destroy(&store->lock);
    kc_free(store);
}

static kc_err_t kc_file_offset_get(kc_offset_store_t *base,
                                   const char *connector,
                                   const json_t *partition, json_t **offset)
{
    kc_file_offset_store_t *store = (kc_file_offset_store_t *)base;

    char *canon = canon_key(connector, partition);
    store_entry_t *e;
    kc_err_t rc = KC_ERR_NOT_FOUND;

    *offset = NULL;
    pthread_mutex_lock(&store->lock);
    e = store_find(store, canon);
    if (e != NULL && e->raw.value != NULL) {
        *offset = json_loadb((const char *)e->raw.value, e->raw.value_len,
                             JSON_DECODE_ANY, NULL);
        rc = *offset != NULL && !json_is_null(*offset) ? KC_OK
                                                       : KC_ERR_NOT_FOUND;
    }
    pthread_mutex_unlock(&store->lock);
    kc_free(canon);
    return rc;
}

static uint8_t *dump_bytes(const json_t *json, size_t *len)
{
    char *tmp = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);
    uint8_t *out;

    if (tmp == NULL) {
        return NULL;
    }
    *len = strlen(tmp);
    out = (uint8_t *)kc_strdup(tmp);
    free(tmp); /* allocated by jansson */
    return out;
}

static kc_err_t kc_file_offset_put(kc_offset_store_t *base,
                                   const char *connector,
                                   const json_t *partition,
                                   const json_t *offset, kc_error_t *err)
{
    kc_file_offset_store_t *store = (kc_file_offset_store_t *)base;

    char *canon;
    store_entry_t *e;
    uint8_t *value = NULL;
    size_t value_len = 0;

    if (!json_is_object(partition)) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "source partition of "
                            "connector \"%s\" is not a map",
                            connector);
    }
    if (offset != NULL && !json_is_null(offset)) {
        value = dump_bytes(offset, &value_len);
        if (value == NULL) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "could not encode the "
                                "source offset of connector \"%s\"",
                                connector);
        }
    }
    canon = canon_key(connector, partition);
    pthread_mutex_lock(&store->lock);
    e = store_find(store, canon);
    if (e == NULL) {
        json_t *key = json_pack("[sO]", connector, (json_t *)partition);

        e = store_add(store);
        e->raw.key = dump_bytes(key, &e->raw.key_len);
        json_decref(key);
        e->connector = kc_strdup(connector);
        e->partition = json_deep_copy(partition);
        e->canon = canon;
        canon = NULL;
    }
    kc_free(e->raw.value);
    e->raw.value = value;
    e->raw.value_len = value_len;
    store->dirty = true;
    pthread_mutex_unlock(&store->lock);
    kc_free(canon);
    return KC_OK;
}

static kc_err_t kc_file_offset_list(kc_offset_store_t *base,
                                    const char *connector, json_t **out)
{
    kc_file_offset_store_t *store = (kc_file_offset_store_t *)base;

    json_t *arr = json_array();

    pthread_mutex_lock(&store->lock);
    for (size_t i = 0; i < store->count; i++) {
        store_entry_t *e = &store->entries[i];
        json_t *value;

        if (e->connector == NULL || strcmp(e->connector, connector) != 0 ||
            e->raw.value == NULL) {
            continue;
        }
        value = json_loadb((const char *)e->raw.value, e->raw.value_len,
                           JSON_DECODE_ANY, NULL);
        if (value == NULL || json_is_null(value)) {
            json_decref(value);
            continue;
        }
        json_array_append_new(arr, json_pack("{sOso}", "partition",
                                             e->partition, "offset", value));
    }
    pthread_mutex_unlock(&store->lock);
    *out = arr;
    return KC_OK;
}

static void kc_file_offset_reset(kc_offset_store_t *base, const char *connector)
{
    kc_file_offset_store_t *store = (kc_file_offset_store_t *)base;

    pthread_mutex_lock(&store->lock);
    for (size_t i = 0; i < store->count; i++) {
        store_entry_t *e = &store->entries[i];

        if (e->connector != NULL && strcmp(e->connector, connector) == 0 &&
            e->raw.value != NULL) {
            kc_free(e->raw.value);
            e->raw.value = NULL;
            e->raw.value_len = 0;
            store->dirty = true;
        }
    }
    pthread_mutex_unlock(&store->lock);
}

static kc_err_t write_all(int fd, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return KC_ERR_IO;
        }
        data += n;
        len -= (size_t)n;
    }
    return KC_OK;
}

/* Write @p buf to a temp file next to @p path, then rename it over. */
static kc_err_t atomic_write(const char *path, const kc_buf_t *buf,
                             kc_error_t *err)
{
    char *tmp = kc_asprintf("%s.tmp", path);
    char *dir_copy = kc_strdup(path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    kc_err_t rc = KC_OK;

    if (kc_offset_write_hook != NULL) {
        kc_offset_write_hook(path);
    }
    if (fd < 0) {
        rc = kc_error_set(err, KC_ERR_IO, "could not create \"%s\": %s", tmp,
                          strerror(errno));
        goto out;
    }
    if (write_all(fd, buf->data, buf->len) != KC_OK || fsync(fd) != 0) {
        rc = kc_error_set(err, KC_ERR_IO, "could not write \"%s\": %s", tmp,
                          strerror(errno));
        close(fd);
        unlink(tmp);
        goto out;
    }
    close(fd);
    if (rename(tmp, path) != 0) {
        rc = kc_error_set(err, KC_ERR_IO,
                          "could not rename \"%s\" to "
                          "\"%s\": %s",
                          tmp, path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    fd = open(dirname(dir_copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        /* Make the rename itself durable. */
        (void)fsync(fd);
        close(fd);
    }
out:
    kc_free(tmp);
    kc_free(dir_copy);
    return rc;
}

/* The file's bytes now; the caller holds the lock. */
static kc_err_t store_encode(kc_file_offset_store_t *store, kc_buf_t *buf,
                             kc_error_t *err)
{
    kc_offset_entry_t *raw =
        kc_calloc(store->count ? store->count : 1, sizeof(*raw));
    kc_err_t rc;

    for (size_t i = 0; i < store->count; i++) {
        raw[i] = store->entries[i].raw;
    }
    kc_buf_init(buf, 0);
    rc = kc_offset_java_write(raw, store->count, buf);
    kc_free(raw);
    if (rc != KC_OK) {
        kc_error_set(err, rc, "could not encode offsets file \"%s\"",
                     store->path);
    }
    return rc;
}

static kc_err_t store_write(kc_file_offset_store_t *store, const kc_buf_t *buf,
                            kc_error_t *err)
{
    kc_err_t rc = atomic_write(store->path, buf, err);

    if (rc != KC_OK) {
        /* The old file, if any, is untouched: still whole. */
        kc_error_prefix(err, "could not write offsets file \"%s\"",
                        store->path);
    }
    return rc;
}

static void *store_writer_main(void *arg)
{
    kc_file_offset_store_t *store = arg;

    pthread_mutex_lock(&store->lock);
    for (;;) {
        kc_buf_t buf;
        kc_error_t err;
        kc_err_t rc;

        while (!store->has_pending && !store->quit) {
            pthread_cond_wait(&store->cond, &store->lock);
        }
        if (!store->has_pending) {
            break; /* quit, nothing left to write */
        }
        uint64_t gen = store->pending_gen;

        buf = store->pending;
        memset(&store->pending, 0, sizeof(store->pending));
        store->has_pending = false;
        store->busy = true;
        pthread_mutex_unlock(&store->lock);
        rc = store_write(store, &buf, &err);
        kc_buf_release(&buf);
        pthread_mutex_lock(&store->lock);
        store->busy = false;
        if (rc == KC_OK) {
            if (gen > store->gen_written) {
                store->gen_written = gen;
            }
        } else {
            store->gen_failed = gen;
            store->bg_err = err;
            store->dirty = true; /* written again by the next flush */
        }
        pthread_cond_broadcast(&store->cond);
    }
    pthread_mutex_unlock(&store->lock);
    return NULL;
}

static kc_err_t kc_file_offset_flush(kc_offset_store_t *base, kc_error_t *err)
{
    kc_file_offset_store_t *store = (kc_file_offset_store_t *)base;
    kc_buf_t buf;
    kc_err_t rc;

    if (store->path == NULL) {
        return KC_OK;
    }
    pthread_mutex_lock(&store->lock);
    while (store->has_pending || store->busy) {
        pthread_cond_wait(&store->cond, &store->lock);
    }
    if (!store->dirty) {
        pthread_mutex_unlock(&store->lock);
        return KC_OK;
    }
    rc = store_encode(store, &buf, err);
    if (rc == KC_OK) {
        rc = store_write(store, &buf, err);
    }
    if (rc == KC_OK) {
        /* holds every snapshot queued so far */
        store->dirty = false;
        store->gen_written = store->gen_queued;
    }
    pthread_mutex_unlock(&store->lock);
    kc_buf_release(&buf);
    return rc;
}

static kc_err_t kc_file_offset_flush_async(kc_offset_store_t *base,
                                           uint64_t *ticket, bool *writing,
                                           kc_error_t *err)
{
    kc_file_offset_store_t *store = (kc_file_offset_store_t *)base;
    kc_err_t rc = KC_OK;
    bool had = *ticket != 0; /* a write of this caller was outstanding */

    *writing = false;
    if (store->path == NULL) {
        *ticket = 0;
        return KC_OK;
    }
    pthread_mutex_lock(&store->lock);
    /* How this caller's last write went, whatever other callers asked. */
    if (*ticket != 0) {
        if (store->gen_written >= *ticket) {
            *ticket = 0;
        } else if (store->gen_failed >= *ticket) {
            rc = store->bg_err.code != KC_OK ? store->bg_err.code : KC_ERR_IO;
            if (err != NULL) {
                *err = store->bg_err;
            }
            *ticket = 0;
        } else {
            rc = KC_AGAIN;
        }
    }
    if (store->dirty) {
        kc_buf_t buf;
        kc_error_t eerr;

        if (store_encode(store, &buf, &eerr) != KC_OK) {
            kc_buf_release(&buf);
            if (err != NULL) {
                *err = eerr;
            }
            pthread_mutex_unlock(&store->lock);
            return eerr.code;
        }
        if (!store->writer_started) {
            if (pthread_create(&store->writer, NULL, store_writer_main,
                               store) != 0) {
                /* No thread: write here, as flush does. */
                kc_err_t wrc = store_write(store, &buf, err);

                if (wrc == KC_OK) {
                    store->dirty = false;
                    store->gen_written = ++store->gen_queued;
                }
                *ticket = 0;
                pthread_mutex_unlock(&store->lock);
                kc_buf_release(&buf);
                return wrc != KC_OK ? wrc : rc == KC_AGAIN ? KC_OK : rc;
            }
            store->writer_started = true;
        }
        /* A newer snapshot replaces one not yet taken. */
        kc_buf_release(&store->pending);
        store->pending = buf;
        store->pending_gen = ++store->gen_queued;
        store->has_pending = true;
        store->dirty = false;
        pthread_cond_broadcast(&store->cond);
        /* An earlier write of this caller that ended is still reported
         * (KC_OK or its error); a caller with nothing outstanding hears
         * KC_AGAIN: its write just began. */
        if (rc == KC_OK && !had) {
            rc = KC_AGAIN;
        }
        *ticket = store->gen_queued;
    }
    *writing = *ticket != 0;
    pthread_mutex_unlock(&store->lock);
    return rc;
}

static const kc_offset_store_vt_t kc_file_offset_vt = {
    .destroy = kc_file_offset_destroy,
    .get = kc_file_offset_get,
    .put = kc_file_offset_put,
    .list = kc_file_offset_list,
    .reset = kc_file_offset_reset,
    .flush = kc_file_offset_flush,
    .flush_async = kc_file_offset_flush_async,
};

kc_offset_store_t *kc_offset_store_open(const char *path, kc_error_t *err)
{
    kc_file_offset_store_t *store = kc_calloc(1, sizeof(*store));

    store->base.vt = &kc_file_offset_vt;
    pthread_mutex_init(&store->lock, NULL);
    pthread_cond_init(&store->cond, NULL);
    if (path != NULL) {
        store->path = kc_strdup(path);
        if (store_load(store, err) != KC_OK) {
            kc_file_offset_destroy(&store->base);
            return NULL;
        }
    }
    return &store->base;
}
