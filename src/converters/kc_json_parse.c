/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Recursive-descent JSON parser into an arena tree. Written here rather
 * than using jansson because the converter needs the exact text of every
 * number (Decimal NUMERIC, 64-bit integers), Jackson's leniencies (leading
 * zeros), and one arena per batch instead of a malloc per node.
 */
#include "kc_internal.h"

#include "converters/kc_json_parse.h"
#include "util/kc_utf8.h"

/*
 * `copy` is the input from `from` to `end` copied once into the arena
 * with a NUL after it: a string without escapes and a number are that
 * copy's bytes, cut off by a NUL written over the closing quote or the
 * byte after the number (the parser reads only the input, never the
 * copy). One copy per parse instead of one allocation per token.
 */
typedef struct kc_jparser {
    const uint8_t *p;
    const uint8_t *start;
    const uint8_t *end;
    const uint8_t *from;
    char *copy;
    kc_arena_t *arena;
    kc_error_t *err;
    int depth;
} kc_jparser_t;

/* The bytes from @p s to @p q of the input, as a NUL-terminated text. */
static const char *kc_jtoken(kc_jparser_t *ps, const uint8_t *s,
                             const uint8_t *q)
{
    ps->copy[q - ps->from] = '\0';
    return ps->copy + (s - ps->from);
}

static void kc_jparser_init(kc_jparser_t *ps, kc_arena_t *arena,
                            const uint8_t *data, size_t len, size_t off,
                            kc_error_t *err, int depth)
{
    ps->p = data + off;
    ps->start = data;
    ps->end = data + len;
    ps->from = data + off;
    ps->copy = kc_arena_alloc(arena, len - off + 1);
    if (len > off) {
        memcpy(ps->copy, data + off, len - off);
    }
    ps->copy[len - off] = '\0';
    ps->arena = arena;
    ps->err = err;
    ps->depth = depth;
}

static kc_err_t kc_jfail(kc_jparser_t *ps, const char *what)
{
    return kc_error_set(ps->err, KC_ERR_INVALID,
                        "invalid JSON at offset %zu: %s",
                        (size_t)(ps->p - ps->start), what);
}

static void kc_jskip_ws(kc_jparser_t *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
                               *ps->p == '\n' || *ps->p == '\r')) {
        ps->p++;
    }
}

static kc_err_t kc_jparse_value(kc_jparser_t *ps, kc_jnode_t *node);

static int kc_jhex(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static size_t kc_utf8_put(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The bytes a string holds as they are: printable ASCII other than the
 * quote and the backslash (controls, escapes and UTF-8 take the slow
 * path). */
static const uint8_t kc_jplain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* Parse a string at ps->p (on the opening quote). */
static kc_err_t kc_jparse_string(kc_jparser_t *ps, const char **text,
                                 size_t *len)
{
    const uint8_t *s = ++ps->p;
    const uint8_t *q = s;
    bool plain = true;
    char *out;
    size_t o = 0;

    /* Fast path: no escapes, copy once. */
    while (q < ps->end && *q != '"') {
        if (kc_jplain[*q]) {
            /* the common case: a run of printable ASCII, one table load
             * and test per byte */
            do {
                q++;
            } while (q < ps->end && kc_jplain[*q]);
            continue;
        }
        if (*q == '\\') {
            plain = false;
            break;
        }
        if (*q < 0x20) {
            ps->p = q;
            return kc_jfail(ps, "control character in string");
        }
        if (*q >= 0x80) {
            uint32_t cp;
            size_t n = kc_utf8_decode(q, ps->end, &cp);

            if (n == 0) {
                ps->p = q;
                return kc_jfail(ps, "invalid UTF-8 in string");
            }
            q += n;
        } else {
            q++;
        }
    }
    if (plain) {
        if (q >= ps->end) {
            ps->p = q;
            return kc_jfail(ps, "unterminated string");
        }
        *text = kc_jtoken(ps, s, q);
        *len = (size_t)(q - s);
        ps->p = q + 1;
        return KC_OK;
    }
    /* Escapes: decoded text is never longer than the source. */
    {
        const uint8_t *e = q;

        while (e < ps->end && *e != '"') {
            e += (*e == '\\' && e + 1 < ps->end) ? 2 : 1;
        }
        out = kc_arena_alloc(ps->arena, (size_t)(e - s) + 4);
    }
    memcpy(out, s, (size_t)(q - s));
    o = (size_t)(q - s);
    while (q < ps->end && *q != '"') {
        if (*q < 0x20) {
            ps->p = q;
            return kc_jfail(ps, "control character in string");
        }
        if (*q >= 0x80) {
            uint32_t cp;
            size_t n = kc_utf8_decode(q, ps->end, &cp);

            if (n == 0) {
                ps->p = q;
                return kc_jfail(ps, "invalid UTF-8 in string");
            }
            memcpy(out + o, q, n);
            o += n;
            q += n;
            continue;
        }
        if (*q != '\\') {
            out[o++] = (char)*q++;
            continue;
        }
        q++;
        if (q >= ps->end) {
            break;
        }
        switch (*q) {
        case '"':
        case '\\':
        case '/':
            out[o++] = (char)*q++;
            break;
        case 'b':
            out[o++] = '\b';
            q++;
            break;
        case 'f':
            out[o++] = '\f';
            q++;
            break;
        case 'n':
            out[o++] = '\n';
            q++;
            break;
        case 'r':
            out[o++] = '\r';
            q++;
            break;
        case 't':
            out[o++] = '\t';
            q++;
            break;
        case 'u': {
            uint32_t cp = 0;

            for (int i = 1; i <= 4; i++) {
                int h = q + i < ps->end ? kc_jhex(q[i]) : -1;

                if (h < 0) {
                    ps->p = q;
                    return kc_jfail(ps, "bad \\u escape in string");
                }
                cp = cp << 4 | (uint32_t)h;
            }
            q += 5;
            if (cp >= 0xD800 && cp <= 0xDBFF && q + 6 <= ps->end &&
                q[0] == '\\' && q[1] == 'u') {
                uint32_t lo = 0;
                bool ok = true;

                for (int i = 2; i < 6; i++) {
                    int h = kc_jhex(q[i]);

                    if (h < 0) {
                        ok = false;
                        break;
                    }
                    lo = lo << 4 | (uint32_t)h;
                }
                if (ok && lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    q += 6;
                }
            }
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                /* A lone surrogate has no UTF-8 form. */
                cp = 0xFFFD;
            }
            o += kc_utf8_put(out + o, cp);
            break;
        }
        default:
            ps->p = q;
            return kc_jfail(ps, "bad escape in string");
        }
    }
    if (q >= ps->end) {
        ps->p = q;
        return kc_jfail(ps, "unterminated string");
    }
    out[o] = '\0';
    *text = out;
    *len = o;
    ps->p = q + 1;
    return KC_OK;
}

static kc_err_t kc_jparse_number(kc_jparser_t *ps, kc_jnode_t *node)
{
    const uint8_t *s = ps->p;
    const uint8_t *q = s;
    bool integral = true;

    if (q < ps->end && *q == '-') {
        q++;
    }
    if (q >= ps->end || *q < '0' || *q > '9') {
        return kc_jfail(ps, "bad number");
    }
    while (q < ps->end && *q >= '0' && *q <= '9') {
        q++;
    }
    if (q < ps->end && *q == '.') {
        integral = false;
        q++;
        if (q >= ps->end || *q < '0' || *q > '9') {
            ps->p = q;
            return kc_jfail(ps, "bad number: digit expected after '.'");
        }
        while (q < ps->end && *q >= '0' && *q <= '9') {
            q++;
        }
    }
    if (q < ps->end && (*q == 'e' || *q == 'E')) {
        integral = false;
        q++;
        if (q < ps->end && (*q == '+' || *q == '-')) {
            q++;
        }
        if (q >= ps->end || *q < '0' || *q > '9') {
            ps->p = q;
            return kc_jfail(ps, "bad number: digit expected in exponent");
        }
        while (q < ps->end && *q >= '0' && *q <= '9') {
            q++;
        }
    }
    node->type = KC_JSON_NUMBER;
    node->integral = integral;
    node->text = kc_jtoken(ps, s, q);
    node->len = (size_t)(q - s);
    ps->p = q;
    return KC_OK;
}

static bool kc_jliteral(kc_jparser_t *ps, const char *lit, size_t n)
{
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, lit, n) != 0) {
        return false;
    }
    ps->p += n;
    return true;
}

static kc_err_t kc_jparse_container(kc_jparser_t *ps, kc_jnode_t *node,
                                    bool is_object)
{
    kc_jnode_t **tail = &node->child;
    uint8_t close = is_object ? '}' : ']';
    kc_err_t rc;

    if (++ps->depth > KC_JSON_MAX_DEPTH) {
        return kc_jfail(ps, "nesting too deep");
    }
    node->type = is_object ? KC_JSON_OBJECT : KC_JSON_ARRAY;
    node->src = (const char *)ps->p;
    ps->p++;
    kc_jskip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        node->src_len = (size_t)((const char *)ps->p - node->src);
        ps->depth--;
        return KC_OK;
    }
    for (;;) {
        kc_jnode_t *child = kc_arena_calloc(ps->arena, 1, sizeof(*child));

        if (is_object) {
            kc_jskip_ws(ps);
            if (ps->p >= ps->end || *ps->p != '"') {
                return kc_jfail(ps, "object key expected");
            }
            rc = kc_jparse_string(ps, &child->key, &child->key_len);
            if (rc != KC_OK) {
                return rc;
            }
            kc_jskip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                return kc_jfail(ps, "':' expected");
            }
            ps->p++;
        }
        rc = kc_jparse_value(ps, child);
        if (rc != KC_OK) {
            return rc;
        }
        *tail = child;
        tail = &child->next;
        node->len++;
        kc_jskip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            break;
        }
        if (ps->p >= ps->end) {
            return kc_jfail(ps, "unexpected end of input");
        }
        return kc_jfail(ps, is_object ? "',' or '}' expected"
                                      : "',' or ']' expected");
    }
    node->src_len = (size_t)((const char *)ps->p - node->src);
    ps->depth--;
    return KC_OK;
}

static kc_err_t kc_jparse_value(kc_jparser_t *ps, kc_jnode_t *node)
{
    kc_jskip_ws(ps);
    if (ps->p >= ps->end) {
        return kc_jfail(ps, "unexpected end of input");
    }
    switch (*ps->p) {
    case '{':
        return kc_jparse_container(ps, node, true);
    case '[':
        return kc_jparse_container(ps, node, false);
    case '"':
        node->type = KC_JSON_STRING;
        return kc_jparse_string(ps, &node->text, &node->len);
    case 't':
        if (kc_jliteral(ps, "true", 4)) {
            node->type = KC_JSON_TRUE;
            return KC_OK;
        }
        break;
    case 'f':
        if (kc_jliteral(ps, "false", 5)) {
            node->type = KC_JSON_FALSE;
            return KC_OK;
        }
        break;
    case 'n':
        if (kc_jliteral(ps, "null", 4)) {
            node->type = KC_JSON_NULL;
            return KC_OK;
        }
        break;
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
            return kc_jparse_number(ps, node);
        }
        break;
    }
    return kc_jfail(ps, "unexpected character");
}

kc_err_t kc_json_parse(kc_arena_t *arena, const uint8_t *data, size_t len,
                       kc_jnode_t **root, kc_error_t *err)
{
    kc_jparser_t ps;
    kc_jnode_t *node;
    kc_err_t rc;

    *root = NULL;
    kc_jparser_init(&ps, arena, data, len, 0, err, 0);
    if (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) {
        ps.p += 3;
    }
    kc_jskip_ws(&ps);
    if (ps.p == ps.end) {
        return KC_OK;
    }
    node = kc_arena_calloc(arena, 1, sizeof(*node));
    rc = kc_jparse_value(&ps, node);
    if (rc != KC_OK) {
        return rc;
    }
    kc_jskip_ws(&ps);
    if (ps.p != ps.end) {
        return kc_jfail(&ps, "unexpected data after the JSON value");
    }
    *root = node;
    return KC_OK;
}

kc_err_t kc_json_parse_at(kc_arena_t *arena, const uint8_t *data, size_t len,
                          size_t off, int depth, kc_jnode_t **node, size_t *end,
                          kc_error_t *err)
{
    kc_jparser_t ps;
    kc_jnode_t *n;
    kc_err_t rc;

    kc_jparser_init(&ps, arena, data, len, off, err, depth);
    n = kc_arena_calloc(arena, 1, sizeof(*n));
    rc = kc_jparse_value(&ps, n);

    if (rc != KC_OK) {
        return rc;
    }
    *node = n;
    *end = (size_t)(ps.p - data);
    return KC_OK;
}

const kc_jnode_t *kc_json_get(const kc_jnode_t *obj, const char *key)
{
    size_t klen = strlen(key);
    const kc_jnode_t *found = NULL;

    if (obj == NULL || obj->type != KC_JSON_OBJECT) {
        return NULL;
    }
    for (const kc_jnode_t *c = obj->child; c != NULL; c = c->next) {
        if (c->key_len == klen && memcmp(c->key, key, klen) == 0) {
            found = c;
        }
    }
    return found;
}

const char *kc_json_type_name(const kc_jnode_t *node)
{
    if (node == NULL) {
        return "MISSING";
    }
    switch (node->type) {
    case KC_JSON_NULL:
        return "NULL";
    case KC_JSON_FALSE:
    case KC_JSON_TRUE:
        return "BOOLEAN";
    case KC_JSON_NUMBER:
        return "NUMBER";
    case KC_JSON_STRING:
        return "STRING";
    case KC_JSON_ARRAY:
        return "ARRAY";
    case KC_JSON_OBJECT:
        return "OBJECT";
    }
    return "UNKNOWN";
}
