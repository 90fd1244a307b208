/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The source offset store, an interface (as Apache's OffsetBackingStore):
 * kc_offset_store_* dispatch through kc_offset_store_vt_t, so a
 * Kafka-topic store for distributed mode can stand where the file store
 * stands now. Every implementation is thread-safe.
 *
 * The standalone implementation (kc_offset_store_open) is the file named by
 * offset.storage.file.filename, in the exact format Apache Kafka's
 * FileOffsetBackingStore uses, so a worker can move between Apache Kafka
 * Connect and kconnect without losing its position.
 *
 * That format is a Java-serialized java.util.HashMap<byte[], byte[]> whose
 * keys are the JSON text ["<connector>",{<source partition>}] and whose
 * values are the JSON text of the source offset (JsonConverter, schemas
 * disabled), or null after an offset reset.
 *
 * @locks every call takes the store's mutex: task threads and the herder
 * may share one store.
 */
#ifndef KC_RUNTIME_KC_OFFSET_STORE_H
#define KC_RUNTIME_KC_OFFSET_STORE_H

#include <kconnect/common.h>

#include <jansson.h>

typedef struct kc_offset_store kc_offset_store_t;

/**
 * An offset store implementation: each member does what the
 * kc_offset_store_* call of the same name documents. All are required but
 * flush_async.
 */
typedef struct kc_offset_store_vt {
    void (*destroy)(kc_offset_store_t *store);
    kc_err_t (*get)(kc_offset_store_t *store, const char *connector,
                    const json_t *partition, json_t **offset);
    kc_err_t (*put)(kc_offset_store_t *store, const char *connector,
                    const json_t *partition, const json_t *offset,
                    kc_error_t *err);
    kc_err_t (*list)(kc_offset_store_t *store, const char *connector,
                     json_t **out);
    void (*reset)(kc_offset_store_t *store, const char *connector);
    kc_err_t (*flush)(kc_offset_store_t *store, kc_error_t *err);
    /* Optional (NULL: kc_offset_store_flush_async calls flush). */
    kc_err_t (*flush_async)(kc_offset_store_t *store, uint64_t *ticket,
                            bool *writing, kc_error_t *err);
} kc_offset_store_vt_t;

/* An implementation embeds this first. */
struct kc_offset_store {
    const kc_offset_store_vt_t *vt;
};

/**
 * @brief Open the store at @p path and load the file if it exists (a
 * missing or empty file is an empty store). @p path NULL gives a store
 * that only lives in memory. Errors name the file and what is wrong.
 */
kc_offset_store_t *kc_offset_store_open(const char *path, kc_error_t *err);
/** @brief Free without writing; NULL is a no-op. */
static inline void kc_offset_store_destroy(kc_offset_store_t *store)
{
    if (store != NULL) {
        store->vt->destroy(store);
    }
}

/**
 * @brief The offset stored for @p partition (a JSON object, borrowed) of
 * @p connector. *offset is a new reference (json_decref), or NULL when
 * there is none. @returns KC_OK or KC_ERR_NOT_FOUND.
 */
static inline kc_err_t kc_offset_store_get(kc_offset_store_t *store,
                                           const char *connector,
                                           const json_t *partition,
                                           json_t **offset)
{
    return store->vt->get(store, connector, partition, offset);
}

/**
 * @brief Record @p offset (borrowed; NULL or json null writes a tombstone,
 * as Apache's reset) for @p partition in memory. Written by the next
 * kc_offset_store_flush.
 */
static inline kc_err_t kc_offset_store_put(kc_offset_store_t *store,
                                           const char *connector,
                                           const json_t *partition,
                                           const json_t *offset,
                                           kc_error_t *err)
{
    return store->vt->put(store, connector, partition, offset, err);
}

/**
 * @brief Every live (non-tombstone) offset of @p connector as the REST
 * array [{"partition":{..},"offset":{..}}]; caller owns *out.
 */
static inline kc_err_t kc_offset_store_list(kc_offset_store_t *store,
                                            const char *connector, json_t **out)
{
    return store->vt->list(store, connector, out);
}

/** @brief Tombstone every offset of @p connector (DELETE .../offsets). */
static inline void kc_offset_store_reset(kc_offset_store_t *store,
                                         const char *connector)
{
    store->vt->reset(store, connector);
}

/**
 * @brief Write the whole store atomically (temp file, fsync, rename, fsync
 * of the folder) if it changed since the last flush. No-op for a memory
 * store.
 */
static inline kc_err_t kc_offset_store_flush(kc_offset_store_t *store,
                                             kc_error_t *err)
{
    return store->vt->flush(store, err);
}

/**
 * @brief Start writing what was put so far without waiting for the write:
 * a source task's periodic commit, which must not stall its polling on a
 * slow disk (Apache's FileOffsetBackingStore saves on its own executor
 * too). @p ticket is the caller's own (0 at first): the write its offsets
 * went into, so that tasks sharing one store each hear about their own
 * write. Returns how the caller's outstanding write went: an error if it
 * failed (@p err; the next call writes again), KC_OK if it succeeded or
 * none was outstanding, KC_AGAIN if it has not ended or one just began.
 * *@p writing: a write of the caller's is under way after this call, so
 * ask again. A store without a writer of its own flushes at once.
 */
static inline kc_err_t kc_offset_store_flush_async(kc_offset_store_t *store,
                                                   uint64_t *ticket,
                                                   bool *writing,
                                                   kc_error_t *err)
{
    *writing = false;
    if (store->vt->flush_async == NULL) {
        *ticket = 0;
        return store->vt->flush(store, err);
    }
    return store->vt->flush_async(store, ticket, writing, err);
}

/**
 * @brief Tests only: call @p hook with the path each time the file store
 * starts writing its file (NULL: none).
 */
void kc_offset_store_set_write_hook(void (*hook)(const char *path));

/* Exposed for unit tests: (de)serialize the Java HashMap<byte[],byte[]>. */
typedef struct kc_offset_entry {
    uint8_t *key;
    size_t key_len;
    uint8_t *value; /* NULL = Java null */
    size_t value_len;
} kc_offset_entry_t;

/**
 * @brief Append the Java serialization of the map of @p count entries to
 * @p out.
 */
kc_err_t kc_offset_java_write(const kc_offset_entry_t *entries, size_t count,
                              kc_buf_t *out);
/**
 * @brief Parse a Java-serialized HashMap<byte[],byte[]>. *entries (and each
 * key/value) is owned by the caller: kc_offset_entries_free.
 */
kc_err_t kc_offset_java_read(const uint8_t *data, size_t len,
                             kc_offset_entry_t **entries, size_t *count,
                             kc_error_t *err);
void kc_offset_entries_free(kc_offset_entry_t *entries, size_t count);

#endif /* KC_RUNTIME_KC_OFFSET_STORE_H */
