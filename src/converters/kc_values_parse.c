/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A port of the behaviour of Connect's Values.parseString: a tokenizer that
 * splits on unescaped : , { } [ ] " and a recursive parser over it. Inner
 * failures (DataException in Java) unwind to the enclosing literal, which
 * then falls back to a STRING, exactly where Apache does; quirks such as
 * quoted strings keeping their backslashes are kept on purpose.
 */
#include "kc_internal.h"

#include <math.h>

#include "converters/kc_values_parse.h"
#include "data/kc_java_number.h"
#include "transforms/kc_java_date_format.h"
#include "util/kc_utf8.h"

/* Deeper literals are read as text rather than recursing further. */
#define KC_VALUES_MAX_DEPTH 100

typedef struct kc_vtok {
    const char *p;
    size_t len;
} kc_vtok_t;

typedef struct kc_vparser {
    const char *s;
    size_t len;
    size_t pos;
    bool has_next_tok; /* a token read ahead by is_next */
    kc_vtok_t next_tok;
    bool has_prev;
    kc_vtok_t prev_tok;
    kc_arena_t *arena;
    int depth;
} kc_vparser_t;

/* A parse result; `is_null` is Java's null SchemaAndValue. */
typedef struct kc_vresult {
    bool is_null;
    const kc_schema_t *schema;
    kc_value_t value;
} kc_vresult_t;

static bool kc_vis_delim(char c)
{
    return c == ':' || c == ',' || c == '{' || c == '}' || c == '[' ||
           c == ']' || c == '"';
}

static kc_vtok_t kc_vconsume(kc_vparser_t *ps)
{
    size_t start = ps->pos;
    bool escaped = false;

    while (ps->pos < ps->len) {
        char c = ps->s[ps->pos];

        if (c == '\\') {
            escaped = !escaped;
        } else if (kc_vis_delim(c) && !escaped) {
            if (start < ps->pos) {
                return (kc_vtok_t){ps->s + start, ps->pos - start};
            }
            ps->pos++;
            return (kc_vtok_t){ps->s + start, 1};
        } else {
            escaped = false;
        }
        ps->pos++;
    }
    return (kc_vtok_t){ps->s + start, ps->pos - start};
}

static bool kc_vhas_next(const kc_vparser_t *ps)
{
    return ps->has_next_tok || ps->pos < ps->len;
}

static size_t kc_vmark(const kc_vparser_t *ps)
{
    return ps->pos - (ps->has_next_tok ? ps->next_tok.len : 0);
}

static void kc_vrewind(kc_vparser_t *ps, size_t pos)
{
    ps->pos = pos;
    ps->has_next_tok = false;
    ps->has_prev = false;
}

static kc_vtok_t kc_vnext(kc_vparser_t *ps)
{
    if (ps->has_next_tok) {
        ps->prev_tok = ps->next_tok;
        ps->has_next_tok = false;
    } else {
        ps->prev_tok = kc_vconsume(ps);
    }
    ps->has_prev = true;
    return ps->prev_tok;
}

/* Java's String.trim(): chars <= ' ' at both ends. */
static kc_vtok_t kc_vtrim(kc_vtok_t t)
{
    while (t.len > 0 && (unsigned char)t.p[0] <= ' ') {
        t.p++;
        t.len--;
    }
    while (t.len > 0 && (unsigned char)t.p[t.len - 1] <= ' ') {
        t.len--;
    }
    return t;
}

static bool kc_vis_blank(kc_vtok_t t)
{
    return kc_vtrim(t).len == 0;
}

static bool kc_vtok_eq(kc_vtok_t t, const char *lit)
{
    size_t n = strlen(lit);

    return t.len == n && memcmp(t.p, lit, n) == 0;
}

/* Parser.canConsume(expected), whitespace-only tokens skipped. */
static bool kc_vcan_consume(kc_vparser_t *ps, const char *expected)
{
    if (!ps->has_next_tok) {
        if (!kc_vhas_next(ps)) {
            return false;
        }
        ps->next_tok = kc_vconsume(ps);
        ps->has_next_tok = true;
    }
    while (kc_vis_blank(ps->next_tok) && ps->pos < ps->len) {
        ps->next_tok = kc_vconsume(ps);
    }
    if (kc_vtok_eq(kc_vtrim(ps->next_tok), expected)) {
        ps->has_next_tok = false;
        return true;
    }
    return false;
}

/* ---- scalars -------------------------------------------------------- */

static const kc_schema_t *kc_vpin(kc_arena_t *arena, kc_schema_t *schema)
{
    kc_arena_on_reset(arena, kc_schema_unref_cb, schema);
    return schema;
}

/*
 * Values.parseAsTemporal: the pattern is chosen by the token's length in
 * UTF-16 units after un-escaping "\\:" (13 time, 24 timestamp, 10 date),
 * then SimpleDateFormat parses it leniently (UTC, Java's calendar): a
 * month 13 or an hour 25 rolls over, text after the pattern is ignored.
 */
static bool kc_vtemporal(kc_vparser_t *ps, const char *s, size_t n,
                         kc_vresult_t *r)
{
    char buf[128];
    size_t k = 0;
    size_t units = 0;
    const char *pattern;
    int64_t ms;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n && s[i + 1] == ':') {
            continue;
        }
        if (k + 1 >= sizeof(buf)) {
            return false;
        }
        buf[k++] = s[i];
        /* A UTF-16 unit per code point, two past U+FFFF (4-byte UTF-8). */
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            units += ((unsigned char)s[i] >= 0xF0) ? 2 : 1;
        }
    }
    buf[k] = '\0';
    pattern = units == 13   ? "HH:mm:ss.SSS'Z'"
              : units == 24 ? "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
              : units == 10 ? "yyyy-MM-dd"
                            : NULL;
    if (pattern == NULL ||
        kc_java_date_parse(pattern, buf, &ms, NULL) != KC_OK) {
        return false;
    }
    if (units == 13) {
        /* Connect's Time is an int32 of ms; Java keeps any Date here. */
        if (ms < INT32_MIN || ms > INT32_MAX) {
            return false;
        }
        r->schema = kc_vpin(ps->arena, kc_schema_time_new());
        kc_value_set_int(&r->value, KC_TYPE_INT32, ms);
    } else if (units == 24) {
        r->schema = kc_vpin(ps->arena, kc_schema_timestamp_new());
        kc_value_set_int(&r->value, KC_TYPE_INT64, ms);
    } else {
        int64_t days = ms / KC_MS_PER_DAY;

        if (ms % KC_MS_PER_DAY != 0 || days < INT32_MIN || days > INT32_MAX) {
            return false;
        }
        r->schema = kc_vpin(ps->arena, kc_schema_date_new());
        kc_value_set_int(&r->value, KC_TYPE_INT32, days);
    }
    return true;
}

/* Values.parseAsNumber: exact integers, then FLOAT32, FLOAT64, Decimal. */
static bool kc_vnumber(kc_arena_t *arena, const char *s, size_t n,
                       kc_vresult_t *r)
{
    size_t i = 0;
    size_t digits = 0;
    bool frac = false;
    bool exp = false;
    const uint8_t *unscaled;
    size_t ulen;
    int32_t scale = 0;
    char *text;

    if (i < n && (s[i] == '+' || s[i] == '-')) {
        i++;
    }
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        digits++;
    }
    if (i < n && s[i] == '.') {
        frac = true;
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            digits++;
            scale++;
        }
    }
    if (digits == 0) {
        return false;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        bool eneg = false;
        size_t e0;
        int32_t e = 0;

        exp = true;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            eneg = s[i] == '-';
            i++;
        }
        e0 = i;
        /* The token is not NUL-terminated: no strtol here. */
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            if (i - e0 >= 9) {
                return false;
            }
            e = e * 10 + (s[i] - '0');
        }
        if (i == e0) {
            return false;
        }
        scale -= eneg ? -e : e;
    }
    if (i != n) {
        return false;
    }
    text = kc_arena_strndup(arena, s, n); /* NUL-terminated for strto* */
    if (kc_decimal_from_string(arena, text, n, 0, &unscaled, &ulen, NULL) ==
            KC_OK &&
        ulen <= 8) {
        int64_t v = (unscaled[0] & 0x80) ? -1 : 0;
        kc_type_t t;

        for (size_t k = 0; k < ulen; k++) {
            v = (int64_t)((uint64_t)v << 8 | unscaled[k]);
        }
        t = v >= INT8_MIN && v <= INT8_MAX     ? KC_TYPE_INT8
            : v >= INT16_MIN && v <= INT16_MAX ? KC_TYPE_INT16
            : v >= INT32_MIN && v <= INT32_MAX ? KC_TYPE_INT32
                                               : KC_TYPE_INT64;
        r->schema = kc_schema_primitive(t, false);
        kc_value_set_int(&r->value, t, v);
        return true;
    }
    /* BigDecimal.scale() != 0: a fraction or an exponent. */
    if ((frac || exp) && scale != 0) {
        float f = strtof(text, NULL);
        double d;

        if (!isinf(f)) {
            r->schema = kc_schema_primitive(KC_TYPE_FLOAT32, false);
            kc_value_set_float(&r->value, KC_TYPE_FLOAT32, f);
            return true;
        }
        d = strtod(text, NULL);
        if (!isinf(d)) {
            r->schema = kc_schema_primitive(KC_TYPE_FLOAT64, false);
            kc_value_set_float(&r->value, KC_TYPE_FLOAT64, d);
            return true;
        }
    }
    if (kc_decimal_from_string(arena, text, n, scale, &unscaled, &ulen, NULL) !=
        KC_OK) {
        return false;
    }
    r->schema = kc_vpin(arena, kc_schema_decimal_new(scale));
    r->value.type = KC_TYPE_BYTES;
    r->value.flags = 0;
    r->value.u.bytes.data = unscaled;
    r->value.u.bytes.len = ulen;
    return true;
}

/* ---- schema merging (Values.SchemaMerger) --------------------------- */

typedef struct kc_vmerger {
    const kc_schema_t *common;
    bool compatible;
} kc_vmerger_t;

static bool kc_vis_numeric(kc_type_t t)
{
    return t >= KC_TYPE_INT8 && t <= KC_TYPE_FLOAT64;
}

static const kc_schema_t *kc_vmerge_schemas(const kc_schema_t *prev,
                                            const kc_schema_t *next)
{
    kc_type_t pt = kc_schema_type(prev);
    kc_type_t nt = kc_schema_type(next);

    if (pt != nt) {
        /* Numbers widen along INT8 < ... < INT64 < FLOAT32 < FLOAT64. */
        if (kc_vis_numeric(pt) && kc_vis_numeric(nt)) {
            return nt > pt ? next : prev;
        }
        return NULL;
    }
    if (kc_schema_optional(prev) == kc_schema_optional(next)) {
        /* Apache keeps either schema here even when nested element types
         * differ, leaving a schema some values do not match; refuse that
         * so the array or map is read schemaless instead. */
        if ((pt == KC_TYPE_ARRAY || pt == KC_TYPE_MAP ||
             pt == KC_TYPE_STRUCT) &&
            !kc_schema_equals(prev, next)) {
            return NULL;
        }
        return kc_schema_optional(prev) ? prev : next;
    }
    return kc_schema_equals(prev, next) ? prev : NULL;
}

static void kc_vmerge(kc_vmerger_t *m, const kc_vresult_t *r)
{
    if (r->is_null || r->schema == NULL || !m->compatible) {
        return;
    }
    if (m->common == NULL) {
        m->common = r->schema;
        return;
    }
    m->common = kc_vmerge_schemas(m->common, r->schema);
    m->compatible = m->common != NULL;
}

/* Values.convertTo for the aligned element: null fails, numbers convert. */
static bool kc_valign(const kc_schema_t *to, kc_value_t *v)
{
    kc_type_t t = kc_schema_type(to);

    if (v->type == KC_TYPE_NULL) {
        return kc_schema_optional(to);
    }
    if (!kc_vis_numeric(t) || !kc_vis_numeric(v->type) || v->type == t) {
        return true;
    }
    if (t == KC_TYPE_FLOAT32 || t == KC_TYPE_FLOAT64) {
        double d = v->type >= KC_TYPE_FLOAT32 ? v->u.f : (double)v->u.i;

        kc_value_set_float(v, t, d);
    } else {
        int64_t i = v->type >= KC_TYPE_FLOAT32 ? (int64_t)v->u.f : v->u.i;

        kc_value_set_int(v, t, i);
    }
    return true;
}

/* ---- the parser ----------------------------------------------------- */

static bool kc_vparse(kc_vparser_t *ps, bool embedded, kc_vresult_t *r);

static bool kc_vsingle_literal(kc_vparser_t *ps, bool embedded, const char *lit)
{
    size_t start = kc_vmark(ps);

    if (kc_vcan_consume(ps, lit) && (embedded || !kc_vhas_next(ps))) {
        return true;
    }
    kc_vrewind(ps, start);
    return false;
}

static bool kc_vquoted(kc_vparser_t *ps, kc_vresult_t *r)
{
    kc_buf_t sb;
    bool ok = true;

    kc_buf_init(&sb, 0);
    while (kc_vhas_next(ps)) {
        kc_vtok_t t;

        if (kc_vcan_consume(ps, "\"")) {
            break;
        }
        t = kc_vnext(ps);
        if (kc_buf_append(&sb, t.p, t.len) != KC_OK) {
            ok = false;
            break;
        }
    }
    if (ok && !kc_vtemporal(ps, (const char *)sb.data, sb.len, r)) {
        r->schema = kc_schema_primitive(KC_TYPE_STRING, false);
        kc_value_set_string(ps->arena, &r->value,
                            sb.len ? (const char *)sb.data : "", sb.len);
    }
    kc_buf_release(&sb);
    return ok;
}

typedef struct kc_vlist {
    kc_vresult_t *items;
    size_t len;
    size_t cap;
} kc_vlist_t;

static void kc_vlist_push(kc_arena_t *arena, kc_vlist_t *l,
                          const kc_vresult_t *r)
{
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        kc_vresult_t *grown = kc_arena_alloc(arena, cap * sizeof(*grown));

        if (l->len > 0) {
            memcpy(grown, l->items, l->len * sizeof(*grown));
        }
        l->items = grown;
        l->cap = cap;
    }
    l->items[l->len++] = *r;
}

static bool kc_varray(kc_vparser_t *ps, kc_vresult_t *r)
{
    kc_vlist_t list = {0};
    kc_vmerger_t m = {NULL, true};

    while (kc_vhas_next(ps)) {
        kc_vresult_t el;
        size_t pos;

        if (kc_vcan_consume(ps, "]")) {
            kc_schema_t *as = kc_schema_new(KC_TYPE_ARRAY);

            kc_value_set_array(ps->arena, &r->value, list.len);
            for (size_t i = 0; i < list.len; i++) {
                r->value.u.array.items[i] = list.items[i].value;
                if (m.common != NULL &&
                    !kc_valign(m.common, &r->value.u.array.items[i])) {
                    kc_schema_unref(as);
                    return false;
                }
            }
            if (m.common != NULL) {
                kc_schema_set_items_take(as, kc_schema_ref(m.common));
            }
            r->schema = kc_vpin(ps->arena, as);
            return true;
        }
        if (kc_vcan_consume(ps, ",")) {
            return false;
        }
        if (!kc_vparse(ps, true, &el)) {
            return false;
        }
        kc_vmerge(&m, &el);
        if (el.is_null) {
            kc_value_set_null(&el.value);
        }
        kc_vlist_push(ps->arena, &list, &el);
        pos = kc_vmark(ps);
        if (kc_vcan_consume(ps, "]")) {
            kc_vrewind(ps, pos);
        } else if (!kc_vcan_consume(ps, ",")) {
            return false;
        }
    }
    return false;
}

static bool kc_vmap(kc_vparser_t *ps, kc_vresult_t *r)
{
    kc_vlist_t keys = {0};
    kc_vlist_t values = {0};
    kc_vmerger_t km = {NULL, true};
    kc_vmerger_t vm = {NULL, true};

    while (kc_vhas_next(ps)) {
        kc_vresult_t k;
        kc_vresult_t v;
        size_t dup = SIZE_MAX;

        if (kc_vcan_consume(ps, "}")) {
            kc_schema_t *ms = kc_schema_new(KC_TYPE_MAP);
            bool align_keys = km.common != NULL;
            bool align_values = align_keys && vm.common != NULL;

            kc_value_set_map(ps->arena, &r->value, keys.len);
            /* Values makes a LinkedHashMap: Java iterates (and prints)
             * it in the text's order. */
            r->value.flags |= KC_VALUE_F_LINKED;
            for (size_t i = 0; i < keys.len; i++) {
                r->value.u.map.keys[i] = keys.items[i].value;
                r->value.u.map.values[i] = values.items[i].value;
                if ((align_keys &&
                     !kc_valign(km.common, &r->value.u.map.keys[i])) ||
                    (align_values &&
                     !kc_valign(vm.common, &r->value.u.map.values[i]))) {
                    kc_schema_unref(ms);
                    return false;
                }
            }
            kc_schema_set_map_take(
                ms, align_keys ? kc_schema_ref(km.common) : NULL,
                align_values ? kc_schema_ref(vm.common) : NULL);
            r->schema = kc_vpin(ps->arena, ms);
            return true;
        }
        if (kc_vcan_consume(ps, ",")) {
            return false;
        }
        if (!kc_vparse(ps, true, &k) || k.is_null ||
            k.value.type == KC_TYPE_NULL || !kc_vcan_consume(ps, ":")) {
            return false;
        }
        if (!kc_vparse(ps, true, &v)) {
            return false;
        }
        if (v.is_null) {
            kc_value_set_null(&v.value);
        }
        /* A LinkedHashMap: a repeated key keeps its place, takes the new
         * value. */
        for (size_t i = 0; i < keys.len && dup == SIZE_MAX; i++) {
            if (kc_value_equals(&keys.items[i].value, &k.value)) {
                dup = i;
            }
        }
        if (dup != SIZE_MAX) {
            values.items[dup] = v;
        } else {
            kc_vlist_push(ps->arena, &keys, &k);
            kc_vlist_push(ps->arena, &values, &v);
        }
        kc_vcan_consume(ps, ",");
        kc_vmerge(&km, &k);
        kc_vmerge(&vm, &v);
    }
    return false;
}

/*
 * Character.isDigit of the token's first char: any decimal digit of the
 * BMP, not only ASCII ("\uff11\uff12" parses as 12 in Java).
 */
static bool kc_vstarts_with_digit(kc_vtok_t tok)
{
    const uint8_t *p = (const uint8_t *)tok.p;
    uint32_t cp;
    size_t n = kc_utf8_decode(p, p + tok.len, &cp);

    return n != 0 && kc_java_digit(cp) >= 0;
}

static bool kc_vnext_token(kc_vparser_t *ps, bool embedded, kc_vtok_t tok,
                           kc_vresult_t *r)
{
    bool digit = kc_vstarts_with_digit(tok);
    const char *ascii;
    size_t alen;

    if (digit) {
        /* A time or timestamp spans 5 tokens (':' is a delimiter). */
        size_t pos = kc_vmark(ps);
        size_t from = pos;
        int n = 0;

        while (n < 4 && kc_vhas_next(ps)) {
            kc_vnext(ps);
            n++;
        }
        if (n == 4) {
            size_t end = ps->pos;
            size_t tlen = (size_t)(tok.p - ps->s);
            /* room for a timestamp written in 3-byte UTF-8 digits */
            char buf[100];
            size_t k = 0;

            /* token + the next four tokens' text */
            for (size_t i = tlen; i < tlen + tok.len && k < sizeof(buf); i++) {
                buf[k++] = ps->s[i];
            }
            for (size_t i = from; i < end && k < sizeof(buf); i++) {
                buf[k++] = ps->s[i];
            }
            if (k < sizeof(buf)) {
                /* SimpleDateFormat reads any digit Character.digit knows */
                ascii = kc_java_digits_ascii(ps->arena, buf, k, &alen);
                if (alen < 40 && kc_vtemporal(ps, ascii, alen, r)) {
                    return true;
                }
            }
        }
        kc_vrewind(ps, pos);
    }
    /* BigDecimal and the date parsers read non-ASCII digits as digits */
    ascii = kc_java_digits_ascii(ps->arena, tok.p, tok.len, &alen);
    if (digit && kc_vtemporal(ps, ascii, alen, r)) {
        return true;
    }
    if (digit || tok.p[0] == '+' || tok.p[0] == '-') {
        if (kc_vnumber(ps->arena, ascii, alen, r)) {
            return true;
        }
    }
    if (embedded) {
        return false;
    }
    r->schema = kc_schema_primitive(KC_TYPE_STRING, false);
    kc_value_set_string(ps->arena, &r->value, ps->s, ps->len);
    return true;
}

/* Values.ValueParser.parse: false is a DataException. */
static bool kc_vparse(kc_vparser_t *ps, bool embedded, kc_vresult_t *r)
{
    size_t start;
    kc_vtok_t tok;

    memset(r, 0, sizeof(*r));
    if (!kc_vhas_next(ps)) {
        r->is_null = true;
        return true;
    }
    if (embedded && kc_vcan_consume(ps, "\"")) {
        return kc_vquoted(ps, r);
    }
    if (kc_vsingle_literal(ps, embedded, "null")) {
        r->is_null = true;
        return true;
    }
    if (kc_vsingle_literal(ps, embedded, "true")) {
        r->schema = kc_schema_primitive(KC_TYPE_BOOLEAN, false);
        kc_value_set_bool(&r->value, true);
        return true;
    }
    if (kc_vsingle_literal(ps, embedded, "false")) {
        r->schema = kc_schema_primitive(KC_TYPE_BOOLEAN, false);
        kc_value_set_bool(&r->value, false);
        return true;
    }
    start = kc_vmark(ps);
    if (ps->depth < KC_VALUES_MAX_DEPTH) {
        bool ok = true;
        bool tried = false;

        ps->depth++;
        if (kc_vcan_consume(ps, "[")) {
            tried = true;
            ok = kc_varray(ps, r);
        } else if (kc_vcan_consume(ps, "{")) {
            tried = true;
            ok = kc_vmap(ps, r);
        }
        ps->depth--;
        if (tried && ok) {
            return true;
        }
        if (tried) {
            memset(r, 0, sizeof(*r));
            kc_vrewind(ps, start);
        }
    }
    tok = kc_vnext(ps);
    if (kc_vis_blank(tok)) {
        r->schema = kc_schema_primitive(KC_TYPE_STRING, false);
        kc_value_set_string(ps->arena, &r->value, tok.p, tok.len);
        return true;
    }
    return kc_vnext_token(ps, embedded, kc_vtrim(tok), r);
}

void kc_values_parse_string(kc_arena_t *arena, const char *text, size_t len,
                            const kc_schema_t **schema, kc_value_t *value)
{
    kc_vparser_t ps = {.s = text, .len = len, .arena = arena};
    kc_vresult_t r;

    if (len == 0) {
        *schema = kc_schema_primitive(KC_TYPE_STRING, false);
        kc_value_set_string(arena, value, "", 0);
        return;
    }
    if (!kc_vparse(&ps, false, &r)) {
        /* Apache's SimpleHeaderConverter keeps the text then. */
        r.is_null = false;
        r.schema = kc_schema_primitive(KC_TYPE_STRING, false);
        kc_value_set_string(arena, &r.value, text, len);
    }
    *schema = r.is_null ? NULL : r.schema;
    if (r.is_null) {
        kc_value_set_null(value);
    } else {
        *value = r.value;
    }
}
