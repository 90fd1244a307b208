/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Basic authentication of the REST API (see kc_rest_auth.h). The JAAS and
 * java.util.Properties formats are small enough to read here; GnuTLS
 * (already linked for TLS) decodes the Base64.
 */
#include "kc_internal.h"

#include "rest/kc_rest_auth.h"
#include "util/kc_log.h"
#include "util/kc_str.h"

#include <ctype.h>
#include <gnutls/gnutls.h>
#include <pthread.h>
#include <strings.h>
#include <sys/stat.h>

#define KC_AUTH_LOGGER                                                         \
    "org.apache.kafka.connect.rest.basic.auth.extension.JaasBasicAuthFilter"
#define KC_PROPERTY_FILE_MODULE                                                \
    "org.apache.kafka.connect.rest.basic.auth.extension."                      \
    "PropertyFileLoginModule"

struct kc_rest_auth {
    char *file; /* the credentials file; NULL: no JAAS entry, deny all */
    pthread_mutex_t lock;
    /* @locks lock: the loaded credentials and what the file was then. */
    kc_props_t *users; /* NULL: not loaded (unreadable) */
    struct stat seen;
    bool loaded;
};

/* ---- java.util.Properties ---------------------------------------------- */

static void put_utf8(kc_buf_t *buf, uint32_t cp)
{
    if (cp < 0x80) {
        kc_buf_putc(buf, (char)cp);
    } else if (cp < 0x800) {
        kc_buf_putc(buf, (char)(0xC0 | (cp >> 6)));
        kc_buf_putc(buf, (char)(0x80 | (cp & 0x3F)));
    } else {
        kc_buf_putc(buf, (char)(0xE0 | (cp >> 12)));
        kc_buf_putc(buf, (char)(0x80 | ((cp >> 6) & 0x3F)));
        kc_buf_putc(buf, (char)(0x80 | (cp & 0x3F)));
    }
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\f';
}

/*
 * One logical line (continuations joined, their leading blanks dropped)
 * from @p p, up to @p end, into @p line as raw ISO-8859-1 bytes with
 * escapes kept. @returns where the next line starts.
 */
static const char *logical_line(const char *p, const char *end, kc_buf_t *line)
{
    bool first = true;

    for (;;) {
        const char *eol = p;
        size_t backslashes = 0;

        if (!first) {
            while (p < end && is_blank(*p)) {
                p++;
            }
        }
        eol = p;
        while (eol < end && *eol != '\n' && *eol != '\r') {
            eol++;
        }
        for (const char *q = eol; q > p && q[-1] == '\\'; q--) {
            backslashes++;
        }
        kc_buf_append(line, p, (size_t)(eol - p));
        /* "\r\n" is one line end. */
        if (eol < end && *eol == '\r' && eol + 1 < end && eol[1] == '\n') {
            eol++;
        }
        p = eol < end ? eol + 1 : end;
        if (backslashes % 2 == 0 || p >= end) {
            if (backslashes % 2 == 1) {
                line->len--; /* a continuation at the end of the text */
            }
            return p;
        }
        line->len--; /* drop the continuation backslash */
        first = false;
    }
}

/* Unescape [@p s, @p e) into UTF-8. */
static char *unescape(const char *s, const char *e)
{
    kc_buf_t out;

    kc_buf_init(&out, 0);
    while (s < e) {
        unsigned char c = (unsigned char)*s++;

        if (c == '\\' && s < e) {
            c = (unsigned char)*s++;
            if (c == 'u') {
                uint32_t cp = 0;
                int n = 0;

                while (n < 4 && s < e && isxdigit((unsigned char)*s)) {
                    char h = *s++;

                    cp = cp * 16 + (uint32_t)(isdigit((unsigned char)h)
                                                  ? h - '0'
                                                  : (tolower(h) - 'a' + 10));
                    n++;
                }
                put_utf8(&out, cp);
                continue;
            }
            c = c == 't'   ? '\t'
                : c == 'n' ? '\n'
                : c == 'r' ? '\r'
                : c == 'f' ? '\f'
                           : c;
        }
        put_utf8(&out, c); /* ISO-8859-1: a byte is its code point */
    }
    return kc_buf_detach(&out, NULL);
}

kc_props_t *kc_java_properties_parse(const char *text, size_t len)
{
    kc_props_t *props = kc_props_new();
    const char *p = text;
    const char *end = text + len;
    kc_buf_t line;

    kc_buf_init(&line, 0);
    while (p < end) {
        const char *s;
        const char *e;
        const char *k_end;
        const char *v;
        char *key;
        char *value;

        while (p < end && (is_blank(*p) || *p == '\n' || *p == '\r')) {
            p++;
        }
        if (p >= end) {
            break;
        }
        if (*p == '#' || *p == '!') {
            while (p < end && *p != '\n' && *p != '\r') {
                p++;
            }
            continue;
        }
        line.len = 0;
        p = logical_line(p, end, &line);
        s = kc_buf_cstr(&line);
        e = s + line.len;
        k_end = s;
        while (k_end < e && *k_end != '=' && *k_end != ':' &&
               !is_blank(*k_end)) {
            k_end += *k_end == '\\' && k_end + 1 < e ? 2 : 1;
        }
        if (k_end > e) {
            k_end = e;
        }
        v = k_end;
        while (v < e && is_blank(*v)) {
            v++;
        }
        if (v < e && (*v == '=' || *v == ':')) {
            v++;
        }
        while (v < e && is_blank(*v)) {
            v++;
        }
        key = unescape(s, k_end);
        value = unescape(v, e);
        kc_props_set(props, key, value);
        kc_free(key);
        kc_free(value);
    }
    kc_buf_release(&line);
    return props;
}

/* ---- JAAS configuration ------------------------------------------------ */

typedef struct jaas_lexer {
    const char *p;
    char tok[1024];
    bool quoted;
} jaas_lexer_t;

/* The next token: a word, a quoted string, or one of { } ; =. */
static bool jaas_next(jaas_lexer_t *lx)
{
    size_t n = 0;

    lx->quoted = false;
    for (;;) {
        while (isspace((unsigned char)*lx->p)) {
            lx->p++;
        }
        if (lx->p[0] == '/' && lx->p[1] == '/') {
            lx->p += strcspn(lx->p, "\n");
        } else if (lx->p[0] == '/' && lx->p[1] == '*') {
            const char *close = strstr(lx->p + 2, "*/");

            lx->p = close != NULL ? close + 2 : lx->p + strlen(lx->p);
        } else {
            break;
        }
    }
    if (*lx->p == '\0') {
        return false;
    }
    if (strchr("{};=", *lx->p) != NULL) {
        lx->tok[0] = *lx->p++;
        lx->tok[1] = '\0';
        return true;
    }
    if (*lx->p == '"' || *lx->p == '\'') {
        char q = *lx->p++;

        lx->quoted = true;
        while (*lx->p != '\0' && *lx->p != q) {
            if (*lx->p == '\\' && lx->p[1] != '\0') {
                lx->p++;
            }
            if (n + 1 < sizeof(lx->tok)) {
                lx->tok[n++] = *lx->p;
            }
            lx->p++;
        }
        if (*lx->p == q) {
            lx->p++;
        }
        lx->tok[n] = '\0';
        return true;
    }
    while (*lx->p != '\0' && !isspace((unsigned char)*lx->p) &&
           strchr("{};=\"'", *lx->p) == NULL) {
        if (n + 1 < sizeof(lx->tok)) {
            lx->tok[n++] = *lx->p;
        }
        lx->p++;
    }
    lx->tok[n] = '\0';
    return true;
}

static bool tok_is(const jaas_lexer_t *lx, const char *s)
{
    return !lx->quoted && strcmp(lx->tok, s) == 0;
}

/*
 * Read entry @p name's modules: the file option of its property-file
 * module into *file. KC_ERR_NOT_FOUND when there is no such entry.
 */
static kc_err_t jaas_entry(const char *text, const char *name, char **file,
                           kc_error_t *err)
{
    jaas_lexer_t lx = {.p = text};

    while (jaas_next(&lx)) {
        bool match = strcmp(lx.tok, name) == 0;

        if (!jaas_next(&lx) || !tok_is(&lx, "{")) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "expected \"{\" after entry name");
        }
        /* modules: Class Flag (key = value)* ; */
        while (jaas_next(&lx) && !tok_is(&lx, "}")) {
            char module[1024];
            bool first = true;

            snprintf(module, sizeof(module), "%s", lx.tok);
            if (!jaas_next(&lx)) {
                return kc_error_set(err, KC_ERR_INVALID,
                                    "module %s has no control flag", module);
            }
            while (jaas_next(&lx) && !tok_is(&lx, ";")) {
                char opt[1024];

                snprintf(opt, sizeof(opt), "%s", lx.tok);
                if (!jaas_next(&lx) || !tok_is(&lx, "=") || !jaas_next(&lx)) {
                    return kc_error_set(err, KC_ERR_INVALID,
                                        "option %s of %s has no value", opt,
                                        module);
                }
                if (match && strcmp(opt, "file") == 0 && first &&
                    strcmp(module, KC_PROPERTY_FILE_MODULE) == 0) {
                    kc_free(*file);
                    *file = kc_strdup(lx.tok);
                }
            }
            if (match && strcmp(module, KC_PROPERTY_FILE_MODULE) != 0) {
                return kc_error_set(err, KC_ERR_UNSUPPORTED,
                                    "login module %s is not supported by "
                                    "kconnect (only " KC_PROPERTY_FILE_MODULE
                                    ")",
                                    module);
            }
            first = false;
        }
        if (!jaas_next(&lx) || !tok_is(&lx, ";")) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "expected \";\" after the entry's \"}\"");
        }
        if (match) {
            if (*file == NULL || kc_str_trim(*file)[0] == '\0') {
                return kc_error_set(err, KC_ERR_INVALID,
                                    "entry %s: " KC_PROPERTY_FILE_MODULE
                                    " needs a file option",
                                    name);
            }
            return KC_OK;
        }
    }
    return KC_ERR_NOT_FOUND;
}

kc_err_t kc_jaas_property_file(const char *text, char **file, kc_error_t *err)
{
    kc_err_t rc;

    *file = NULL;
    /* As JAAS: the application's entry, else "other". */
    rc = jaas_entry(text, "KafkaConnect", file, err);
    if (rc == KC_ERR_NOT_FOUND) {
        rc = jaas_entry(text, "other", file, err);
    }
    if (rc == KC_ERR_NOT_FOUND) {
        return KC_OK;
    }
    if (rc != KC_OK) {
        kc_free(*file);
        *file = NULL;
    }
    return rc;
}

/* ---- the filter -------------------------------------------------------- */

/* The JAAS file's path: our key, else KAFKA_OPTS' system property. */
static char *jaas_path(const kc_props_t *worker, const char *kafka_opts)
{
    static const char prop[] = "-Djava.security.auth.login.config=";
    const char *v = kc_props_get(worker, KC_BASIC_AUTH_JAAS_KEY);
    const char *found;
    size_t len;

    if (v != NULL && *v != '\0') {
        return kc_strdup(v);
    }
    found = kafka_opts != NULL ? strstr(kafka_opts, prop) : NULL;
    if (found == NULL) {
        return NULL;
    }
    found += sizeof(prop) - 1;
    /* "==file" replaces rather than adds to the JVM's configs. */
    if (*found == '=') {
        found++;
    }
    if (*found == '"') {
        found++;
        len = strcspn(found, "\"");
    } else {
        len = strcspn(found, " \t");
    }
    return kc_strndup(found, len);
}

kc_err_t kc_rest_auth_new(const kc_props_t *worker, const char *kafka_opts,
                          kc_rest_auth_t **out, kc_error_t *err)
{
    const char *classes = kc_props_get(worker, "rest.extension.classes");
    kc_strlist_t list = {0};
    bool on = false;
    char *path;
    gnutls_datum_t data = {NULL, 0};
    char *text;
    kc_rest_auth_t *auth;
    kc_err_t rc;

    *out = NULL;
    kc_str_split_comma(classes != NULL ? classes : "", &list);
    for (size_t i = 0; i < list.count; i++) {
        on = on || strcmp(list.items[i], KC_BASIC_AUTH_EXTENSION) == 0;
    }
    kc_strlist_release(&list);
    if (!on) {
        return KC_OK;
    }
    path = jaas_path(worker, kafka_opts);
    if (path == NULL) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "rest.extension.classes: basic authentication "
                            "needs a JAAS file: set " KC_BASIC_AUTH_JAAS_KEY
                            " or -Djava.security.auth.login.config= in "
                            "KAFKA_OPTS");
    }
    if (gnutls_load_file(path, &data) < 0) {
        rc = kc_error_set(err, KC_ERR_IO,
                          "could not read the JAAS file \"%s\" "
                          "(" KC_BASIC_AUTH_JAAS_KEY
                          " or java.security.auth.login.config): %s",
                          path, strerror(errno));
        kc_free(path);
        return rc;
    }
    text = kc_strndup((const char *)data.data, data.size);
    gnutls_free(data.data);
    auth = kc_calloc(1, sizeof(*auth));
    rc = kc_jaas_property_file(text, &auth->file, err);
    kc_free(text);
    if (rc != KC_OK) {
        kc_error_prefix(err, "JAAS file \"%s\"", path);
        kc_free(path);
        kc_free(auth);
        return rc;
    }
    if (auth->file == NULL) {
        kc_log_warn(KC_AUTH_LOGGER,
                    "JAAS file \"%s\" has no KafkaConnect (or other) entry: "
                    "every REST request will be refused",
                    path);
    }
    kc_free(path);
    pthread_mutex_init(&auth->lock, NULL);
    *out = auth;
    return KC_OK;
}

void kc_rest_auth_destroy(kc_rest_auth_t *auth)
{
    if (auth == NULL) {
        return;
    }
    kc_props_destroy(auth->users);
    kc_free(auth->file);
    pthread_mutex_destroy(&auth->lock);
    kc_free(auth);
}

/*
 * Load the credentials file if it changed since last time (Apache reads
 * it once per JVM). @locks auth->lock held.
 */
static void reload(kc_rest_auth_t *auth)
{
    struct stat st;
    gnutls_datum_t data = {NULL, 0};

    if (stat(auth->file, &st) != 0) {
        if (auth->users != NULL || !auth->loaded) {
            kc_log_warn(KC_AUTH_LOGGER,
                        "could not read credentials file \"%s\": %s; every "
                        "REST request will be refused",
                        auth->file, strerror(errno));
        }
        kc_props_destroy(auth->users);
        auth->users = NULL;
        auth->loaded = true;
        memset(&auth->seen, 0, sizeof(auth->seen));
        return;
    }
    if (auth->loaded && auth->users != NULL && st.st_ino == auth->seen.st_ino &&
        st.st_dev == auth->seen.st_dev && st.st_size == auth->seen.st_size &&
        st.st_mtim.tv_sec == auth->seen.st_mtim.tv_sec &&
        st.st_mtim.tv_nsec == auth->seen.st_mtim.tv_nsec &&
        st.st_ctim.tv_sec == auth->seen.st_ctim.tv_sec &&
        st.st_ctim.tv_nsec == auth->seen.st_ctim.tv_nsec) {
        return;
    }
    kc_props_destroy(auth->users);
    auth->users = NULL;
    auth->loaded = true;
    auth->seen = st;
    if (gnutls_load_file(auth->file, &data) < 0) {
        kc_log_warn(KC_AUTH_LOGGER,
                    "could not read credentials file \"%s\": %s; every REST "
                    "request will be refused",
                    auth->file, strerror(errno));
        return;
    }
    auth->users = kc_java_properties_parse((const char *)data.data, data.size);
    gnutls_free(data.data);
    if (kc_props_count(auth->users) == 0) {
        /* Apache lets everyone in then; an empty file is more likely a
         * mistake than a wish for an open API. */
        kc_log_warn(KC_AUTH_LOGGER,
                    "credentials file \"%s\" holds no user; every REST "
                    "request will be refused",
                    auth->file);
    } else {
        kc_log_info(KC_AUTH_LOGGER, "loaded %zu user(s) from \"%s\"",
                    kc_props_count(auth->users), auth->file);
    }
}

/* Equal strings, in a time that depends on their lengths only. */
static bool const_time_eq(const char *a, const char *b)
{
    size_t la = strlen(a);
    size_t lb = strlen(b);
    size_t n = la > lb ? la : lb;
    unsigned diff = la != lb;

    for (size_t i = 0; i < n; i++) {
        unsigned char ca = i < la ? (unsigned char)a[i] : 0;
        unsigned char cb = i < lb ? (unsigned char)b[i] : 0;

        diff |= (unsigned)(ca ^ cb);
    }
    return diff == 0;
}

/* "/connectors/<one segment>/<tail>", an optional "/" either end. */
static bool is_connector_path(const char *path, const char *tail)
{
    const char *p = path;
    size_t seg;
    size_t tl = strlen(tail);

    if (*p == '/') {
        p++;
    }
    if (strncmp(p, "connectors/", 11) != 0) {
        return false;
    }
    p += 11;
    seg = strcspn(p, "/");
    if (seg == 0 || p[seg] != '/') {
        return false;
    }
    p += seg + 1;
    return strncmp(p, tail, tl) == 0 &&
           (p[tl] == '\0' || (p[tl] == '/' && p[tl + 1] == '\0'));
}

static bool is_open(const char *method, const char *path)
{
    /* Apache's exemptions: other workers call these, signed (KIP-507). */
    if (strcmp(method, "POST") == 0 && is_connector_path(path, "tasks")) {
        return true;
    }
    if (strcmp(method, "PUT") == 0 && is_connector_path(path, "fence")) {
        return true;
    }
    /* kconnect's: liveness probes carry no credentials. */
    return (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) &&
           (strcmp(path, "/health") == 0 || strcmp(path, "/health/") == 0);
}

bool kc_rest_auth_allows(kc_rest_auth_t *auth, const char *method,
                         const char *path, const char *authorization)
{
    const char *space;
    gnutls_datum_t b64;
    gnutls_datum_t raw = {NULL, 0};
    char *decoded;
    char *colon;
    const char *stored;
    bool ok;

    if (is_open(method, path)) {
        return true;
    }
    if (auth->file == NULL || authorization == NULL) {
        return false;
    }
    space = strchr(authorization, ' ');
    if (space == NULL || space == authorization ||
        (size_t)(space - authorization) != 5 ||
        strncasecmp(authorization, "basic", 5) != 0) {
        return false;
    }
    b64.data = (unsigned char *)(space + 1);
    b64.size = (unsigned int)strlen(space + 1);
    /* Apache answers 500 for bad Base64; it is a client error. */
    if (b64.size == 0 || strchr(space + 1, ' ') != NULL ||
        gnutls_base64_decode2(&b64, &raw) < 0) {
        return false;
    }
    /* A NUL would cut the password short of what was sent. */
    if (memchr(raw.data, '\0', raw.size) != NULL) {
        explicit_bzero(raw.data, raw.size);
        gnutls_free(raw.data);
        return false;
    }
    decoded = kc_strndup((const char *)raw.data, raw.size);
    explicit_bzero(raw.data, raw.size);
    gnutls_free(raw.data);
    colon = strchr(decoded, ':');
    if (colon == NULL || colon == decoded) {
        kc_free(decoded);
        return false;
    }
    *colon = '\0';
    pthread_mutex_lock(&auth->lock);
    reload(auth);
    stored = auth->users != NULL && kc_props_count(auth->users) > 0
                 ? kc_props_get(auth->users, decoded)
                 : NULL;
    /* Unknown users cost a comparison too. */
    ok = const_time_eq(stored != NULL ? stored : "", colon + 1) &&
         stored != NULL;
    pthread_mutex_unlock(&auth->lock);
    /* Scrub the password before the memory goes back. */
    explicit_bzero(decoded, strlen(decoded) + strlen(colon + 1) + 1);
    kc_free(decoded);
    if (!ok) {
        kc_log_debug(KC_AUTH_LOGGER, "basic authentication failed");
    }
    return ok;
}
