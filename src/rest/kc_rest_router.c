/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The router: matches a request against the route table
 * (kc_rest_routes.c) and rows mounted at run time, hands the chosen row's
 * handler the decoded captures, and builds responses (JSON or bytes with
 * a content type; JSON is serialised here only).
 */
#include "kc_internal.h"

#include "rest/kc_rest_routes.h"
#include "util/kc_utf8.h"

#include <ctype.h>
void kc_rest_error(kc_rest_response_t *resp, int status, const char *fmt, ...)
{
    va_list ap;
    char *msg;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    msg = kc_malloc((size_t)(n < 0 ? 0 : n) + 1);
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
    va_end(ap);
    json_decref(resp->body);
    kc_buf_release(&resp->data);
    resp->content_type = NULL;
    resp->status = status;
    resp->body = json_object();
    json_object_set_new(resp->body, "error_code", json_integer(status));
    if (!kc_utf8_valid(msg, strlen(msg))) {
        /* A parser's message may quote a token cut inside a sequence. */
        char *ok = kc_utf8_repair(msg);

        kc_free(msg);
        msg = ok;
    }
    json_object_set_new(resp->body, "message", json_string(msg));
    kc_free(msg);
}

void kc_rest_response_release(kc_rest_response_t *resp)
{
    kc_free(resp->allow);
    resp->allow = NULL;
    json_decref(resp->body);
    kc_free(resp->location);
    kc_buf_release(&resp->data);
    resp->body = NULL;
    resp->location = NULL;
    resp->content_type = NULL;
    resp->www_authenticate = NULL;
    resp->cache_control = NULL;
}

void kc_rest_response_set_data(kc_rest_response_t *resp, int status,
                               const char *content_type, const void *data,
                               size_t len)
{
    json_decref(resp->body);
    resp->body = NULL;
    kc_buf_release(&resp->data);
    kc_buf_init(&resp->data, 0);
    kc_buf_append(&resp->data, data, len);
    resp->status = status;
    resp->content_type = content_type;
}

static int kc_json_to_buf(const char *data, size_t len, void *opaque)
{
    return kc_buf_append(opaque, data, len) == KC_OK ? 0 : -1;
}

const uint8_t *kc_rest_response_serialize(kc_rest_response_t *resp, size_t *len,
                                          const char **content_type)
{
    if (resp->body != NULL) {
        kc_buf_release(&resp->data);
        kc_buf_init(&resp->data, 0);
        json_dump_callback(resp->body, kc_json_to_buf, &resp->data,
                           JSON_COMPACT | JSON_ENCODE_ANY);
        resp->content_type = "application/json";
    }
    *len = resp->data.len;
    *content_type = resp->content_type;
    return resp->data.data;
}

static int kc_hex(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = tolower(c);
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

char *kc_rest_decode(const char *s, size_t len, bool plus_is_space)
{
    char *out = kc_malloc(len + 1);
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%') {
            int hi = i + 2 < len ? kc_hex((unsigned char)s[i + 1]) : -1;
            int lo = i + 2 < len ? kc_hex((unsigned char)s[i + 2]) : -1;

            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                kc_free(out);
                return NULL;
            }
            out[n++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (s[i] == '+' && plus_is_space) {
            out[n++] = ' ';
        } else {
            out[n++] = s[i];
        }
    }
    out[n] = '\0';
    return out;
}

/* ---- matching ------------------------------------------------------------ */

typedef enum kc_seg_kind {
    KC_SEG_LITERAL,
    KC_SEG_ANY,  /* {x} */
    KC_SEG_INT,  /* {x:int} */
    KC_SEG_TAIL, /* {x*} */
    KC_SEG_BAD
} kc_seg_kind_t;

/* One segment of a pattern: *p points at it; on return, past it. */
typedef struct kc_pseg {
    kc_seg_kind_t kind;
    const char *text; /* a literal's bytes */
    size_t len;
} kc_pseg_t;

/* The next segment of @p *p (after the "/"), false at the end. */
static bool kc_pattern_next(const char **p, kc_pseg_t *seg)
{
    const char *s = *p;
    const char *end;

    if (*s != '/' || s[1] == '\0') {
        return false;
    }
    s++;
    end = strchr(s, '/');
    seg->text = s;
    seg->len = end != NULL ? (size_t)(end - s) : strlen(s);
    *p = s + seg->len;
    if (seg->len < 2 || s[0] != '{') {
        seg->kind = seg->len > 0 && memchr(s, '{', seg->len) == NULL
                        ? KC_SEG_LITERAL
                        : KC_SEG_BAD;
    } else if (s[seg->len - 1] != '}' || seg->len < 3) {
        seg->kind = KC_SEG_BAD;
    } else if (seg->len > 6 && memcmp(s + seg->len - 5, ":int}", 5) == 0) {
        seg->kind = KC_SEG_INT;
    } else if (s[seg->len - 2] == '*') {
        seg->kind = end == NULL ? KC_SEG_TAIL : KC_SEG_BAD;
    } else {
        seg->kind = KC_SEG_ANY;
    }
    return true;
}

/* Parse a task number as JAX-RS parses an Integer path parameter. */
static bool kc_parse_int(const char *s, int *v)
{
    char *end;
    long l;

    if (*s == '\0' || isspace((unsigned char)*s)) {
        return false;
    }
    errno = 0;
    l = strtol(s, &end, 10);
    if (*end != '\0' || errno != 0 || l < INT32_MIN || l > INT32_MAX) {
        return false;
    }
    *v = (int)l;
    return true;
}

/* The decoded path being matched. */
typedef struct kc_path {
    char *seg[KC_REST_MAX_SEGMENTS];
    size_t nseg;
} kc_path_t;

/*
 * Does @p pattern match @p path? When it does and @p ctx is given, the
 * captures are stored there (a tail capture is allocated into *tail).
 */
static bool kc_pattern_match(const char *pattern, const kc_path_t *path,
                             kc_rest_ctx_t *ctx, char **tail)
{
    const char *p = pattern;
    kc_pseg_t ps;
    size_t i = 0;
    size_t np = 0;
    int ival = 0;

    while (kc_pattern_next(&p, &ps)) {
        if (ps.kind == KC_SEG_BAD) {
            return false;
        }
        if (ps.kind == KC_SEG_TAIL) {
            kc_buf_t buf;

            if (i >= path->nseg) {
                return false;
            }
            if (ctx != NULL) {
                kc_buf_init(&buf, 0);
                for (size_t j = i; j < path->nseg; j++) {
                    kc_buf_printf(&buf, "%s%s", j > i ? "/" : "", path->seg[j]);
                }
                *tail = kc_buf_detach(&buf, NULL);
                ctx->params[np] = *tail;
                ctx->ints[np] = 0;
                ctx->nparams = np + 1;
            }
            return true;
        }
        if (i >= path->nseg) {
            return false;
        }
        switch (ps.kind) {
        case KC_SEG_LITERAL:
            if (strlen(path->seg[i]) != ps.len ||
                memcmp(path->seg[i], ps.text, ps.len) != 0) {
                return false;
            }
            break;
        case KC_SEG_INT:
            if (!kc_parse_int(path->seg[i], &ival)) {
                return false;
            }
            /* fall through */
        default:
            if (ctx != NULL) {
                ctx->params[np] = path->seg[i];
                ctx->ints[np] = ps.kind == KC_SEG_INT ? ival : 0;
            }
            np++;
            break;
        }
        i++;
    }
    if (i != path->nseg || (*p != '\0' && strcmp(p, "/") != 0)) {
        return false;
    }
    if (ctx != NULL) {
        ctx->nparams = np;
    }
    return true;
}

static bool kc_pattern_valid(const char *pattern)
{
    const char *p = pattern;
    kc_pseg_t ps;
    size_t n = 0;

    if (pattern[0] != '/') {
        return false;
    }
    while (kc_pattern_next(&p, &ps)) {
        if (ps.kind == KC_SEG_BAD || ++n > KC_REST_MAX_SEGMENTS) {
            return false;
        }
    }
    return *p == '\0' || strcmp(p, "/") == 0;
}

static bool kc_row_visible(const kc_rest_options_t *opts,
                           const kc_rest_route_def_t *row)
{
    if (opts == NULL) {
        return true;
    }
    if (row->access == KC_REST_EVERYWHERE) {
        return true;
    }
    return row->access == KC_REST_ADMIN ? opts->admin_enabled
                                        : opts->public_enabled;
}

/*
 * The row for @p method on @p path, with its captures in @p ctx (may be
 * NULL), or NULL and *status 404 (no row has the path) or 405 (rows have
 * the path, none the method).
 */
static const kc_rest_route_def_t *
kc_match(const kc_rest_options_t *opts, const char *method,
         const kc_path_t *path, kc_rest_ctx_t *ctx, char **tail, int *status)
{
    const kc_rest_mounts_t *m = opts != NULL ? opts->mounts : NULL;
    size_t nmounts =
        m != NULL ? atomic_load_explicit(&m->n, memory_order_acquire) : 0;
    size_t nrows;
    const kc_rest_route_def_t *rows = kc_rest_routes(&nrows);
    bool path_found = false;

    for (size_t i = 0; i < nrows + nmounts; i++) {
        const kc_rest_route_def_t *row =
            i < nrows ? &rows[i] : &m->rows[i - nrows];

        if (!kc_row_visible(opts, row) ||
            !kc_pattern_match(row->pattern, path, NULL, NULL)) {
            continue;
        }
        path_found = true;
        if (strcmp(row->method, method) == 0) {
            if (ctx != NULL) {
                kc_pattern_match(row->pattern, path, ctx, tail);
            }
            return row;
        }
    }
    *status = path_found ? 405 : 404;
    return NULL;
}

bool kc_rest_patterns_overlap(const char *a, const char *b)
{
    kc_pseg_t sa;
    kc_pseg_t sb;
    int ignored;

    for (;;) {
        bool more_a = kc_pattern_next(&a, &sa);
        bool more_b = kc_pattern_next(&b, &sb);

        if (!more_a || !more_b) {
            /* A tail needs one segment or more: equal lengths only. */
            return more_a == more_b;
        }
        if (sa.kind == KC_SEG_TAIL || sb.kind == KC_SEG_TAIL) {
            return true;
        }
        if (sa.kind == KC_SEG_LITERAL && sb.kind == KC_SEG_LITERAL) {
            if (sa.len != sb.len || memcmp(sa.text, sb.text, sa.len) != 0) {
                return false;
            }
        } else if (sa.kind == KC_SEG_LITERAL || sb.kind == KC_SEG_LITERAL) {
            const kc_pseg_t *lit = sa.kind == KC_SEG_LITERAL ? &sa : &sb;
            const kc_pseg_t *cap = sa.kind == KC_SEG_LITERAL ? &sb : &sa;
            char *text = kc_strndup(lit->text, lit->len);
            bool fits = cap->kind != KC_SEG_INT || kc_parse_int(text, &ignored);

            kc_free(text);
            if (!fits) {
                return false;
            }
        }
    }
}

kc_err_t kc_rest_mounts_add(kc_rest_mounts_t *m, const kc_rest_route_def_t *row,
                            kc_error_t *err)
{
    size_t n = atomic_load_explicit(&m->n, memory_order_relaxed);
    size_t nrows;
    const kc_rest_route_def_t *rows = kc_rest_routes(&nrows);

    if (!kc_pattern_valid(row->pattern) || row->method == NULL ||
        row->handler == NULL) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not mount REST route \"%s\": malformed "
                            "pattern, or no method or handler",
                            row->pattern);
    }
    for (size_t i = 0; i < nrows + n; i++) {
        const kc_rest_route_def_t *other =
            i < nrows ? &rows[i] : &m->rows[i - nrows];

        if (strcmp(other->method, row->method) == 0 &&
            kc_rest_patterns_overlap(other->pattern, row->pattern)) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "could not mount REST route \"%s %s\": it "
                                "overlaps \"%s %s\"",
                                row->method, row->pattern, other->method,
                                other->pattern);
        }
    }
    if (n == KC_REST_MAX_MOUNTS) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not mount REST route \"%s %s\": at most %d "
                            "mounted routes",
                            row->method, row->pattern, KC_REST_MAX_MOUNTS);
    }
    m->rows[n] = *row;
    atomic_store_explicit(&m->n, n + 1, memory_order_release);
    return KC_OK;
}

/* ---- dispatch ------------------------------------------------------------ */

typedef enum kc_path_rc {
    KC_PATH_OK,
    KC_PATH_TOO_DEEP,
    KC_PATH_BAD_ESCAPE,
    KC_PATH_BAD_UTF8
} kc_path_rc_t;

/*
 * Split the path into decoded segments. A segment that does not decode
 * to UTF-8 is refused, as Jetty refuses it, so that every name reaching
 * the herder is text.
 */
static kc_path_rc_t kc_split_path(kc_path_t *out, const char *path)
{
    const char *p = path;

    while (*p == '/') {
        p++;
    }
    while (*p != '\0') {
        const char *end = strchr(p, '/');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        char *seg;

        if (out->nseg == KC_REST_MAX_SEGMENTS) {
            return KC_PATH_TOO_DEEP;
        }
        seg = kc_rest_decode(p, len, false);
        if (seg == NULL) {
            return KC_PATH_BAD_ESCAPE;
        }
        out->seg[out->nseg++] = seg;
        if (!kc_utf8_valid(seg, strlen(seg))) {
            return KC_PATH_BAD_UTF8;
        }
        if (end == NULL) {
            break;
        }
        p = end + 1;
        /* A trailing slash is ignored, as Jersey does. */
    }
    return KC_PATH_OK;
}

static void kc_path_release(kc_path_t *path)
{
    for (size_t i = 0; i < path->nseg; i++) {
        kc_free(path->seg[i]);
    }
    path->nseg = 0;
}

static bool kc_args_valid(const kc_rest_request_t *req)
{
    for (size_t i = 0; i < req->nargs; i++) {
        const kc_rest_arg_t *a = &req->args[i];

        if (!kc_utf8_valid(a->key, strlen(a->key)) ||
            !kc_utf8_valid(a->value, strlen(a->value))) {
            return false;
        }
    }
    return true;
}

/* Split @p path; false with the error response set in @p resp. */
static bool kc_path_parse(kc_path_t *out, const char *path,
                          kc_rest_response_t *resp)
{
    switch (kc_split_path(out, path != NULL ? path : "/")) {
    case KC_PATH_OK:
        return true;
    case KC_PATH_TOO_DEEP:
        kc_rest_error(resp, 404, "HTTP 404 Not Found");
        return false;
    case KC_PATH_BAD_ESCAPE:
        kc_rest_error(resp, 400,
                      "Malformed percent-encoding in the request path");
        return false;
    case KC_PATH_BAD_UTF8:
        kc_rest_error(resp, 400, "Invalid UTF-8 in the request path");
        return false;
    }
    return false;
}

/*
 * OPTIONS on a path some rows serve, as JAX-RS answers it when no
 * resource method takes OPTIONS: 200, the methods in an Allow header and,
 * as text, the body (HEAD wherever GET is). Jersey keeps them in a
 * java.util.HashSet, whose order for these names is the one below.
 */
static void kc_answer_options(const kc_rest_options_t *opts,
                              const kc_path_t *path, kc_rest_response_t *resp)
{
    static const char *const order[] = {"HEAD",    "DELETE", "POST", "GET",
                                        "OPTIONS", "PUT",    "PATCH"};
    bool have[KC_ARRAY_LEN(order)] = {false};
    const kc_rest_mounts_t *m = opts != NULL ? opts->mounts : NULL;
    size_t nmounts =
        m != NULL ? atomic_load_explicit(&m->n, memory_order_acquire) : 0;
    size_t nrows;
    const kc_rest_route_def_t *rows = kc_rest_routes(&nrows);
    kc_buf_t header;
    kc_buf_t body;

    for (size_t i = 0; i < nrows + nmounts; i++) {
        const kc_rest_route_def_t *row =
            i < nrows ? &rows[i] : &m->rows[i - nrows];

        if (!kc_row_visible(opts, row) ||
            !kc_pattern_match(row->pattern, path, NULL, NULL)) {
            continue;
        }
        for (size_t k = 0; k < KC_ARRAY_LEN(order); k++) {
            if (strcmp(row->method, order[k]) == 0) {
                have[k] = true;
            }
        }
        if (strcmp(row->method, "GET") == 0) {
            have[0] = true;
        }
    }
    have[4] = true;
    kc_buf_init(&header, 0);
    kc_buf_init(&body, 0);
    for (size_t k = 0; k < KC_ARRAY_LEN(order); k++) {
        if (have[k]) {
            kc_buf_printf(&header, "%s%s", header.len > 0 ? "," : "", order[k]);
            kc_buf_printf(&body, "%s%s", body.len > 0 ? ", " : "", order[k]);
        }
    }
    kc_rest_response_set_data(resp, 200, "text/plain", body.data, body.len);
    resp->allow = kc_buf_detach(&header, NULL);
    kc_buf_release(&body);
}

static void kc_no_route(kc_rest_response_t *resp, int status)
{
    if (status == 405) {
        kc_rest_error(resp, 405, "HTTP 405 Method Not Allowed");
    } else {
        kc_rest_error(resp, 404, "HTTP 404 Not Found");
    }
}

const kc_rest_route_def_t *kc_rest_lookup(const kc_rest_options_t *opts,
                                          const char *method, const char *path,
                                          int *status)
{
    kc_path_t segs;
    kc_rest_response_t resp;
    const kc_rest_route_def_t *row = NULL;

    memset(&segs, 0, sizeof(segs));
    memset(&resp, 0, sizeof(resp));
    if (kc_path_parse(&segs, path, &resp)) {
        row = kc_match(opts, method, &segs, NULL, NULL, status);
    } else {
        *status = resp.status;
    }
    kc_rest_response_release(&resp);
    kc_path_release(&segs);
    return row;
}

void kc_rest_route(kc_herder_t *h, const kc_rest_options_t *opts,
                   const kc_rest_request_t *req, kc_rest_response_t *resp)
{
    kc_path_t path;
    kc_rest_ctx_t ctx;
    const kc_rest_route_def_t *row;
    char *tail = NULL;
    int status = 404;

    memset(&path, 0, sizeof(path));
    memset(&ctx, 0, sizeof(ctx));
    memset(resp, 0, sizeof(*resp));
    if (!kc_path_parse(&path, req->path, resp)) {
        goto out;
    }
    if (!kc_args_valid(req)) {
        kc_rest_error(resp, 400, "Invalid UTF-8 in the request query");
        goto out;
    }
    ctx.h = h;
    ctx.req = req;
    ctx.resp = resp;
    row = kc_match(opts, req->method, &path, &ctx, &tail, &status);
    if (row == NULL && status == 405 && strcmp(req->method, "OPTIONS") == 0) {
        kc_answer_options(opts, &path, resp);
        goto out;
    }
    if (row == NULL) {
        kc_no_route(resp, status);
        goto out;
    }
    ctx.opaque = row->opaque;
    ctx.row = row;
    ctx.opts = opts;
    row->handler(&ctx);
out:
    kc_free(tail);
    kc_path_release(&path);
}
