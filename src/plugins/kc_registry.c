/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plugin registry. Descriptors are borrowed: built-ins are static,
 * loaded ones live in shared objects the registry keeps open until it is
 * destroyed. Lookups follow Apache's plugin naming: the class name, then
 * the simple class name and the simple name without its type suffix
 * ("FileStreamSourceConnector", "FileStreamSource"), each only if it
 * names one plugin, then the short name ignoring case.
 */
#include "kc_internal.h"

#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <sys/stat.h>

#include "plugins/kc_registry.h"
#include "util/kc_str.h"

/* Apache's classes that log plugin loading. */
#define KC_SCANNER_LOGGER                                                      \
    "org.apache.kafka.connect.runtime.isolation.PluginScanner"
#define KC_PLUGIN_UTILS_LOGGER                                                 \
    "org.apache.kafka.connect.runtime.isolation.PluginUtils"

/* How deep plugin folders are searched for shared objects. */
#define KC_PLUGIN_MAX_DEPTH 3

typedef struct kc_registry_entry {
    const kc_plugin_head_t *head;
    kc_plugin_kind_t kind;
    const char *origin; /* "built-in" or the file (owned by the registry) */
} kc_registry_entry_t;

typedef struct kc_registry_kind {
    kc_registry_entry_t *items;
    size_t count;
    size_t cap;
} kc_registry_kind_t;

struct kc_registry {
    kc_registry_kind_t kinds[KC_PLUGIN_KIND_COUNT];
    kc_strlist_t files; /* real paths of loaded objects (entry origins) */
    void **handles;
    size_t nhandles;
    /* While a file's kc_plugin_init runs: its origin and first failure. */
    const char *loading;
    kc_error_t load_err;
};

static const char *const kc_kind_names[KC_PLUGIN_KIND_COUNT] = {
    [KC_PLUGIN_SOURCE] = "source",
    [KC_PLUGIN_SINK] = "sink",
    [KC_PLUGIN_CONVERTER] = "converter",
    [KC_PLUGIN_HEADER_CONVERTER] = "header_converter",
    [KC_PLUGIN_TRANSFORM] = "transformation",
    [KC_PLUGIN_PREDICATE] = "predicate",
};

/* The suffix Apache prunes from a simple class name to make an alias. */
static const char *const kc_kind_suffix[KC_PLUGIN_KIND_COUNT] = {
    [KC_PLUGIN_SOURCE] = "Connector",
    [KC_PLUGIN_SINK] = "Connector",
    [KC_PLUGIN_CONVERTER] = "Converter",
    [KC_PLUGIN_HEADER_CONVERTER] = "HeaderConverter",
    [KC_PLUGIN_TRANSFORM] = "Transformation",
    [KC_PLUGIN_PREDICATE] = "Predicate",
};

const char *kc_plugin_kind_name(kc_plugin_kind_t kind)
{
    if ((unsigned)kind >= KC_PLUGIN_KIND_COUNT) {
        return "unknown";
    }
    return kc_kind_names[kind];
}

kc_registry_t *kc_registry_new(void)
{
    return kc_calloc(1, sizeof(kc_registry_t));
}

void kc_registry_destroy(kc_registry_t *reg)
{
    if (reg == NULL) {
        return;
    }
    for (size_t k = 0; k < KC_PLUGIN_KIND_COUNT; k++) {
        kc_free(reg->kinds[k].items);
    }
    for (size_t i = reg->nhandles; i > 0; i--) {
        dlclose(reg->handles[i - 1]);
    }
    kc_free(reg->handles);
    kc_strlist_release(&reg->files);
    kc_free(reg);
}

/* ---- checks ---------------------------------------------------------- */

static size_t kc_kind_struct_size(kc_plugin_kind_t kind)
{
    switch (kind) {
    case KC_PLUGIN_SOURCE:
    case KC_PLUGIN_SINK:
        /* Callbacks appended later are optional: older plugins still load. */
        return KC_CONNECTOR_PLUGIN_SIZE_V2;
    case KC_PLUGIN_CONVERTER:
    case KC_PLUGIN_HEADER_CONVERTER:
        return sizeof(struct kc_converter_plugin);
    case KC_PLUGIN_TRANSFORM:
        return sizeof(struct kc_transform_plugin);
    case KC_PLUGIN_PREDICATE:
        return sizeof(struct kc_predicate_plugin);
    default:
        return 0;
    }
}

static kc_err_t kc_check_head(const kc_plugin_head_t *head, size_t expect,
                              const char *what, kc_error_t *err)
{
    if (head->abi_version != KC_ABI_VERSION) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "%s has abi_version %u, expected %u (rebuild it "
                            "against this kconnect's headers)",
                            what, (unsigned)head->abi_version,
                            (unsigned)KC_ABI_VERSION);
    }
    if (head->struct_size < expect) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "%s has struct_size %u, expected at least %zu",
                            what, (unsigned)head->struct_size, expect);
    }
    return KC_OK;
}

#define KC_NEED(ptr, cb)                                                       \
    do {                                                                       \
        if ((ptr)->cb == NULL) {                                               \
            return kc_error_set(err, KC_ERR_INVALID,                           \
                                "missing mandatory callback \"%s\"", #cb);     \
        }                                                                      \
    } while (0)

static kc_err_t kc_check_source_task(const struct kc_source_task_plugin *t,
                                     kc_error_t *err)
{
    kc_err_t rc = kc_check_head((const kc_plugin_head_t *)t, sizeof(*t),
                                "source_task", err);

    if (rc != KC_OK) {
        return rc;
    }
    KC_NEED(t, start);
    KC_NEED(t, poll);
    KC_NEED(t, stop);
    return KC_OK;
}

static kc_err_t kc_check_sink_task(const struct kc_sink_task_plugin *t,
                                   kc_error_t *err)
{
    /* open came later and is optional: older sink tasks still load */
    kc_err_t rc = kc_check_head((const kc_plugin_head_t *)t,
                                KC_SINK_TASK_PLUGIN_SIZE_V1, "sink_task", err);

    if (rc != KC_OK) {
        return rc;
    }
    KC_NEED(t, start);
    KC_NEED(t, put);
    KC_NEED(t, stop);
    return KC_OK;
}

/* Mandatory callbacks: all but those plugin.h documents as optional. */
static kc_err_t kc_check_callbacks(kc_plugin_kind_t kind, const void *desc,
                                   kc_error_t *err)
{
    switch (kind) {
    case KC_PLUGIN_SOURCE:
    case KC_PLUGIN_SINK: {
        const struct kc_connector_plugin *c = desc;

        KC_NEED(c, start);
        KC_NEED(c, task_configs);
        KC_NEED(c, stop);
        if (kind == KC_PLUGIN_SOURCE) {
            if (c->sink_task != NULL) {
                return kc_error_set(err, KC_ERR_INVALID,
                                    "a source connector must not set "
                                    "\"sink_task\"");
            }
            KC_NEED(c, source_task);
            return kc_check_source_task(c->source_task, err);
        }
        if (c->source_task != NULL) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "a sink connector must not set "
                                "\"source_task\"");
        }
        KC_NEED(c, sink_task);
        return kc_check_sink_task(c->sink_task, err);
    }
    case KC_PLUGIN_CONVERTER:
    case KC_PLUGIN_HEADER_CONVERTER: {
        const struct kc_converter_plugin *c = desc;

        KC_NEED(c, configure);
        KC_NEED(c, from_connect);
        KC_NEED(c, to_connect);
        KC_NEED(c, destroy);
        return KC_OK;
    }
    case KC_PLUGIN_TRANSFORM: {
        const struct kc_transform_plugin *t = desc;

        KC_NEED(t, configure);
        KC_NEED(t, apply);
        KC_NEED(t, destroy);
        return KC_OK;
    }
    case KC_PLUGIN_PREDICATE: {
        const struct kc_predicate_plugin *p = desc;

        KC_NEED(p, configure);
        KC_NEED(p, test);
        KC_NEED(p, destroy);
        return KC_OK;
    }
    default:
        return kc_error_set(err, KC_ERR_INVALID, "unknown plugin kind %d",
                            (int)kind);
    }
}

/* Connectors share one namespace: find_connector searches both kinds. */
static bool kc_kinds_share_names(kc_plugin_kind_t a, kc_plugin_kind_t b)
{
    bool ca = a == KC_PLUGIN_SOURCE || a == KC_PLUGIN_SINK;
    bool cb = b == KC_PLUGIN_SOURCE || b == KC_PLUGIN_SINK;

    return a == b || (ca && cb);
}

static bool kc_head_has_name(const kc_plugin_head_t *head, const char *name)
{
    if (name == NULL) {
        return false;
    }
    if (strcmp(head->name, name) == 0 ||
        (head->class_name != NULL && strcmp(head->class_name, name) == 0)) {
        return true;
    }
    for (size_t i = 0; head->aliases != NULL && head->aliases[i]; i++) {
        if (strcmp(head->aliases[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* The registered plugin that already answers to one of @p head's names. */
static const kc_registry_entry_t *kc_find_clash(const kc_registry_t *reg,
                                                kc_plugin_kind_t kind,
                                                const kc_plugin_head_t *head,
                                                const char **clash)
{
    for (size_t k = 0; k < KC_PLUGIN_KIND_COUNT; k++) {
        const kc_registry_kind_t *rk = &reg->kinds[k];

        if (!kc_kinds_share_names(kind, (kc_plugin_kind_t)k)) {
            continue;
        }
        for (size_t i = 0; i < rk->count; i++) {
            const kc_plugin_head_t *other = rk->items[i].head;

            *clash = head->name;
            if (kc_head_has_name(other, head->name)) {
                return &rk->items[i];
            }
            *clash = head->class_name;
            if (kc_head_has_name(other, head->class_name)) {
                return &rk->items[i];
            }
            for (size_t a = 0; head->aliases && head->aliases[a]; a++) {
                *clash = head->aliases[a];
                if (kc_head_has_name(other, head->aliases[a])) {
                    return &rk->items[i];
                }
            }
        }
    }
    return NULL;
}

static kc_err_t kc_registry_check(const kc_registry_t *reg,
                                  kc_plugin_kind_t kind,
                                  const kc_plugin_head_t *head, kc_error_t *err)
{
    const kc_registry_entry_t *other;
    const char *clash = NULL;
    kc_err_t rc;

    rc = kc_check_head(head, kc_kind_struct_size(kind), "descriptor", err);
    if (rc == KC_OK) {
        rc = kc_check_callbacks(kind, head, err);
    }
    if (rc != KC_OK) {
        return rc;
    }
    other = kc_find_clash(reg, kind, head, &clash);
    if (other != NULL) {
        return kc_error_set(err, KC_ERR_CONFLICT,
                            "the name \"%s\" is already taken by %s \"%s\" "
                            "(%s)",
                            clash, kc_plugin_kind_name(other->kind),
                            other->head->name, other->origin);
    }
    return KC_OK;
}

kc_err_t kc_registry_add(kc_registry_t *reg, kc_plugin_kind_t kind,
                         const void *descriptor, kc_error_t *err)
{
    const kc_plugin_head_t *head = descriptor;
    kc_registry_kind_t *rk;
    kc_error_t local;
    kc_err_t rc;

    if ((unsigned)kind >= KC_PLUGIN_KIND_COUNT) {
        rc = kc_error_set(&local, KC_ERR_INVALID,
                          "could not register plugin: unknown kind %d",
                          (int)kind);
        goto fail;
    }
    if (head == NULL || head->name == NULL || head->name[0] == '\0') {
        rc = kc_error_set(&local, KC_ERR_INVALID, "could not register %s: %s",
                          kc_plugin_kind_name(kind),
                          head == NULL ? "descriptor is NULL"
                                       : "descriptor has no name");
        goto fail;
    }
    /* Only the head can be read before the ABI is known to match. */
    rc = kc_registry_check(reg, kind, head, &local);
    if (rc != KC_OK) {
        kc_error_prefix(&local, "could not register %s \"%s\"",
                        kc_plugin_kind_name(kind), head->name);
        goto fail;
    }
    rk = &reg->kinds[kind];
    if (rk->count == rk->cap) {
        rk->cap = rk->cap ? rk->cap * 2 : 16;
        rk->items = kc_realloc(rk->items, rk->cap * sizeof(*rk->items));
    }
    rk->items[rk->count].head = head;
    rk->items[rk->count].kind = kind;
    rk->items[rk->count].origin = reg->loading ? reg->loading : "built-in";
    rk->count++;
    return KC_OK;

fail:
    /* remember it even if a plugin's init ignores the return code */
    if (reg->loading != NULL && reg->load_err.code == KC_OK) {
        reg->load_err = local;
    }
    if (err != NULL) {
        *err = local;
    }
    return rc;
}

/* ---- lookup ---------------------------------------------------------- */

/* Java's getSimpleName: after the last '.', and after a nested '$'. */
static const char *kc_simple_name(const char *class_name)
{
    const char *dot = strrchr(class_name, '.');
    const char *s = dot ? dot + 1 : class_name;
    const char *dollar = strrchr(s, '$');

    return dollar ? dollar + 1 : s;
}

/* Apache's prunedName: the simple name less the kind's suffix. */
static bool kc_pruned_matches(const char *simple, kc_plugin_kind_t kind,
                              const char *name)
{
    const char *suffix = kc_kind_suffix[kind];
    const char *pos = NULL;
    size_t n = strlen(name);

    for (const char *p = strstr(simple, suffix); p != NULL;
         p = strstr(p + 1, suffix)) {
        pos = p;
    }
    if (pos == NULL || pos == simple) {
        return strcmp(simple, name) == 0;
    }
    return (size_t)(pos - simple) == n && strncmp(simple, name, n) == 0;
}

static bool kc_alias_matches(const kc_plugin_head_t *head,
                             kc_plugin_kind_t kind, const char *name)
{
    const char *simple;

    if (head->class_name == NULL) {
        return false;
    }
    simple = kc_simple_name(head->class_name);
    return strcmp(simple, name) == 0 || kc_pruned_matches(simple, kind, name);
}

/*
 * The one plugin whose simple or pruned class name is @p name, across all
 * kinds as Apache computes aliases; NULL when none, or when two different
 * classes share it (Apache then ignores the alias as ambiguous).
 */
static const kc_plugin_head_t *kc_find_by_alias(const kc_registry_t *reg,
                                                kc_plugin_kind_t kind,
                                                const char *name)
{
    const kc_plugin_head_t *found = NULL;
    const char *found_class = NULL;
    bool found_in_kind = false;

    for (size_t k = 0; k < KC_PLUGIN_KIND_COUNT; k++) {
        for (size_t i = 0; i < reg->kinds[k].count; i++) {
            const kc_plugin_head_t *head = reg->kinds[k].items[i].head;

            if (!kc_alias_matches(head, (kc_plugin_kind_t)k, name)) {
                continue;
            }
            if (found_class != NULL &&
                strcmp(found_class, head->class_name) != 0) {
                return NULL;
            }
            found_class = head->class_name;
            if (k == (size_t)kind && !found_in_kind) {
                found = head;
                found_in_kind = true;
            }
        }
    }
    return found;
}

const void *kc_registry_find(const kc_registry_t *reg, kc_plugin_kind_t kind,
                             const char *name)
{
    const kc_registry_kind_t *rk;

    if ((unsigned)kind >= KC_PLUGIN_KIND_COUNT || name == NULL) {
        return NULL;
    }
    rk = &reg->kinds[kind];
    for (size_t i = 0; i < rk->count; i++) {
        if (kc_head_has_name(rk->items[i].head, name)) {
            return rk->items[i].head;
        }
    }
    {
        const kc_plugin_head_t *head = kc_find_by_alias(reg, kind, name);

        if (head != NULL) {
            return head;
        }
    }
    for (size_t i = 0; i < rk->count; i++) {
        if (kc_str_eq_nocase(rk->items[i].head->name, name)) {
            return rk->items[i].head;
        }
    }
    return NULL;
}

const struct kc_connector_plugin *
kc_registry_find_connector(const kc_registry_t *reg, const char *name,
                           kc_plugin_kind_t *kind)
{
    static const kc_plugin_kind_t kinds[] = {KC_PLUGIN_SOURCE, KC_PLUGIN_SINK};

    for (size_t i = 0; i < KC_ARRAY_LEN(kinds); i++) {
        const void *found = kc_registry_find(reg, kinds[i], name);

        if (found != NULL) {
            if (kind != NULL) {
                *kind = kinds[i];
            }
            return found;
        }
    }
    return NULL;
}

size_t kc_registry_count(const kc_registry_t *reg, kc_plugin_kind_t kind)
{
    if ((unsigned)kind >= KC_PLUGIN_KIND_COUNT) {
        return 0;
    }
    return reg->kinds[kind].count;
}

const kc_plugin_head_t *kc_registry_at(const kc_registry_t *reg,
                                       kc_plugin_kind_t kind, size_t i)
{
    if ((unsigned)kind >= KC_PLUGIN_KIND_COUNT || i >= reg->kinds[kind].count) {
        return NULL;
    }
    return reg->kinds[kind].items[i].head;
}

/* ---- shared objects -------------------------------------------------- */

static bool kc_registry_has_file(const kc_registry_t *reg, const char *real)
{
    for (size_t i = 0; i < reg->files.count; i++) {
        if (strcmp(reg->files.items[i], real) == 0) {
            return true;
        }
    }
    return false;
}

/*
 * Load one object. @p required: a file that does not export
 * kc_plugin_init is an error (else it is taken for a dependency of a
 * plugin in the same folder, and skipped).
 */
static kc_err_t kc_registry_load(kc_registry_t *reg, const char *path,
                                 bool required, kc_error_t *err)
{
    char real[PATH_MAX];
    void *handle;
    kc_plugin_init_fn init;
    kc_error_t init_err;
    kc_err_t rc;

    if (realpath(path, real) == NULL) {
        return kc_error_set(err, errno == ENOENT ? KC_ERR_NOT_FOUND : KC_ERR_IO,
                            "could not load plugin \"%s\": %s", path,
                            strerror(errno));
    }
    if (kc_registry_has_file(reg, real)) {
        return KC_OK;
    }
    dlerror();
    handle = dlopen(real, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *why = dlerror();

        return kc_error_set(err, KC_ERR_INVALID,
                            "could not load plugin \"%s\": %s", path,
                            why ? why : "dlopen failed");
    }
    *(void **)&init = dlsym(handle, KC_PLUGIN_INIT_SYMBOL);
    if (init == NULL) {
        dlclose(handle);
        if (!required) {
            kc_log_debug(KC_SCANNER_LOGGER,
                         "skipping \"%s\": it does not export %s", path,
                         KC_PLUGIN_INIT_SYMBOL);
            return KC_OK;
        }
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not load plugin \"%s\": it does not "
                            "export %s()",
                            path, KC_PLUGIN_INIT_SYMBOL);
    }
    /* From here the object stays loaded: descriptors may point into it. */
    reg->handles =
        kc_realloc(reg->handles, (reg->nhandles + 1) * sizeof(void *));
    reg->handles[reg->nhandles++] = handle;
    kc_strlist_push(&reg->files, real);
    reg->loading = reg->files.items[reg->files.count - 1];
    kc_error_clear(&reg->load_err);
    kc_error_clear(&init_err);
    rc = init(reg, &init_err);
    reg->loading = NULL;
    if (rc == KC_OK && reg->load_err.code != KC_OK) {
        /* the plugin ignored a failed kc_registry_add */
        init_err = reg->load_err;
        rc = init_err.code;
    }
    if (rc != KC_OK) {
        return kc_error_set(err, rc, "could not load plugin \"%s\": %s", path,
                            init_err.msg[0] ? init_err.msg
                                            : "kc_plugin_init failed");
    }
    kc_log_info(KC_SCANNER_LOGGER, "loaded plugin \"%s\"", path);
    return KC_OK;
}

kc_err_t kc_registry_load_file(kc_registry_t *reg, const char *path,
                               kc_error_t *err)
{
    return kc_registry_load(reg, path, true, err);
}

static int kc_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct kc_load_state {
    kc_error_t first; /* the first failure; later ones are logged */
    size_t failures;
} kc_load_state_t;

static void kc_load_failed(kc_load_state_t *st, const kc_error_t *e)
{
    if (st->failures++ == 0) {
        st->first = *e;
    } else {
        kc_log_error(KC_SCANNER_LOGGER, "%s", e->msg);
    }
}

static bool kc_is_shared_object(const char *name)
{
    return kc_str_ends_with(name, ".so");
}

/*
 * Load the shared objects of @p dir. At @p depth 0 the folder is a
 * plugin.path entry: its objects must be plugins and each subfolder is
 * one plugin (its objects may include dependencies).
 */
static void kc_load_dir(kc_registry_t *reg, const char *dir, int depth,
                        kc_load_state_t *st)
{
    DIR *d = opendir(dir);
    kc_strlist_t names = {0};
    struct dirent *de;
    kc_error_t e;

    if (d == NULL) {
        kc_error_set(&e, KC_ERR_IO, "could not read plugin folder \"%s\": %s",
                     dir, strerror(errno));
        kc_load_failed(st, &e);
        return;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] != '.') {
            kc_strlist_push(&names, de->d_name);
        }
    }
    closedir(d);
    /* a stable order, so a name clash always blames the same file */
    if (names.count > 1) {
        qsort(names.items, names.count, sizeof(char *), kc_cmp_str);
    }
    for (size_t i = 0; i < names.count; i++) {
        char *path = kc_asprintf("%s/%s", dir, names.items[i]);
        struct stat sb;

        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            if (depth < KC_PLUGIN_MAX_DEPTH) {
                kc_load_dir(reg, path, depth + 1, st);
            }
        } else if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
                   kc_is_shared_object(names.items[i])) {
            if (kc_registry_load(reg, path, depth == 0, &e) != KC_OK) {
                kc_load_failed(st, &e);
            }
        }
        kc_free(path);
    }
    kc_strlist_release(&names);
}

kc_err_t kc_registry_load_path(kc_registry_t *reg, const char *plugin_path,
                               kc_error_t *err)
{
    kc_strlist_t dirs = {0};
    kc_load_state_t st;

    memset(&st, 0, sizeof(st));
    if (plugin_path == NULL) {
        return KC_OK;
    }
    kc_str_split_comma(plugin_path, &dirs);
    for (size_t i = 0; i < dirs.count; i++) {
        const char *entry = dirs.items[i];
        struct stat sb;
        kc_error_t e;

        if (entry[0] == '\0') {
            continue;
        }
        if (stat(entry, &sb) != 0) {
            /* Apache's worker logs this and goes on: so do we */
            kc_log_error(KC_PLUGIN_UTILS_LOGGER,
                         "Could not get listing for plugin path: %s. "
                         "Ignoring. (%s)",
                         entry, strerror(errno));
        } else if (S_ISDIR(sb.st_mode)) {
            kc_load_dir(reg, entry, 0, &st);
        } else if (kc_registry_load(reg, entry, true, &e) != KC_OK) {
            kc_load_failed(&st, &e);
        }
    }
    kc_strlist_release(&dirs);
    if (st.failures == 0) {
        return KC_OK;
    }
    if (err != NULL) {
        *err = st.first;
        if (st.failures > 1) {
            size_t n = strlen(err->msg);

            snprintf(err->msg + n, sizeof(err->msg) - n,
                     " (and %zu more plugin errors, logged)", st.failures - 1);
        }
    }
    return st.first.code;
}
