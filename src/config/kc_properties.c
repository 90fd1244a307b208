/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The .properties reader: the syntax of java.util.Properties.load, so a
 * worker or connector file written for Apache Kafka Connect reads the same.
 *
 * Two differences, both for the better: the input is taken as UTF-8 (Java
 * reads an InputStream as ISO-8859-1, which garbles non-ASCII text that
 * Connect users write anyway), and what Java would turn into a string C
 * cannot hold or UTF-8 cannot encode (a NUL, a lone surrogate) is an
 * error naming the line instead of a silently damaged value.
 */
#include "kc_internal.h"

#include <sys/stat.h>

#include "util/kc_str.h"

/* Largest .properties file we read: far above any real config. */
#define KC_PROPS_MAX_FILE (64u * 1024 * 1024)

/* Where a physical line starts inside a logical (continued) line. */
typedef struct kc_props_seg {
    size_t off;
    size_t line;
} kc_props_seg_t;

typedef struct kc_props_reader {
    const char *p;
    const char *end;
    size_t line; /* physical line of the next character, 1-based */
    kc_buf_t lb; /* the logical line, escapes still in place */
    kc_props_seg_t *segs;
    size_t nsegs;
    size_t capsegs;
} kc_props_reader_t;

static bool kc_props_is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\f';
}

static void kc_props_seg_push(kc_props_reader_t *rd, size_t off, size_t line)
{
    if (rd->nsegs == rd->capsegs) {
        rd->capsegs = rd->capsegs ? rd->capsegs * 2 : 4;
        rd->segs = kc_realloc(rd->segs, rd->capsegs * sizeof(kc_props_seg_t));
    }
    rd->segs[rd->nsegs].off = off;
    rd->segs[rd->nsegs].line = line;
    rd->nsegs++;
}

/* The physical line holding byte @p off of the logical line. */
static size_t kc_props_line_of(const kc_props_reader_t *rd, size_t off)
{
    size_t line = rd->nsegs ? rd->segs[0].line : rd->line;

    for (size_t i = 1; i < rd->nsegs && rd->segs[i].off <= off; i++) {
        line = rd->segs[i].line;
    }
    return line;
}

/*
 * Read the next logical line into rd->lb, as Properties.LineReader does
 * (JDK 9 and later): skip blank and comment lines and leading whitespace,
 * join lines that end in an odd number of backslashes (dropping the
 * continued line's leading whitespace). A `#` or `!` starts a comment
 * wherever the logical line is still empty, even on a continued line.
 * @returns true if a line was read, false at the end.
 */
static bool kc_props_read_line(kc_props_reader_t *rd)
{
    bool skip_ws = true;
    bool is_comment = false;
    bool appended_begin = false;
    bool prec_bs = false;
    bool skip_lf = false;

    kc_buf_reset(&rd->lb);
    rd->nsegs = 0;
    for (;;) {
        char c;

        if (rd->p >= rd->end) {
            if (rd->lb.len == 0 || is_comment) {
                return false;
            }
            if (prec_bs) {
                rd->lb.len--;
            }
            return true;
        }
        c = *rd->p++;
        if (skip_lf) {
            skip_lf = false;
            if (c == '\n') {
                continue;
            }
        }
        if (c == '\n' || c == '\r') {
            rd->line++;
            skip_lf = c == '\r';
        }
        if (skip_ws) {
            if (kc_props_is_ws(c)) {
                continue;
            }
            if (!appended_begin && (c == '\r' || c == '\n')) {
                continue;
            }
            skip_ws = false;
            appended_begin = false;
            if (c != '\n' && c != '\r') {
                kc_props_seg_push(rd, rd->lb.len, rd->line);
            }
        }
        if (rd->lb.len == 0 && (c == '#' || c == '!')) {
            is_comment = true;
            while (rd->p < rd->end && *rd->p != '\n' && *rd->p != '\r') {
                rd->p++;
            }
            continue;
        }
        if (c != '\n' && c != '\r') {
            kc_buf_putc(&rd->lb, c);
            prec_bs = c == '\\' ? !prec_bs : false;
            continue;
        }
        if (is_comment || rd->lb.len == 0) {
            is_comment = false;
            skip_ws = true;
            rd->lb.len = 0;
            rd->nsegs = 0;
            continue;
        }
        if (rd->p >= rd->end) {
            /*
             * Java ends the line here, before looking at the backslash:
             * so "k\\" + LF at the very end is a line, even if empty.
             */
            if (prec_bs) {
                rd->lb.len--;
            }
            return true;
        }
        if (prec_bs) {
            rd->lb.len--;
            skip_ws = true;
            appended_begin = true;
            prec_bs = false;
            continue;
        }
        /* Eat the LF of a CRLF now: the next call starts afresh. */
        if (skip_lf && *rd->p == '\n') {
            rd->p++;
        }
        return true;
    }
}

static int kc_props_hex(char c)
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

/* Read 4 hex digits at s[*i]; -1 if malformed. */
static long kc_props_u4(const char *s, size_t len, size_t *i)
{
    long v = 0;

    if (len - *i < 4) {
        return -1;
    }
    for (int k = 0; k < 4; k++) {
        int h = kc_props_hex(s[*i + (size_t)k]);

        if (h < 0) {
            return -1;
        }
        v = v * 16 + h;
    }
    *i += 4;
    return v;
}

static void kc_props_put_utf8(kc_buf_t *out, unsigned long cp)
{
    char b[4];
    size_t n;

    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    kc_buf_append(out, b, n);
}

/*
 * Unescape bytes [from, to) of the logical line into @p out, as
 * Properties.loadConvert: \t \n \r \f, \uXXXX, any other \x is x.
 */
static kc_err_t kc_props_unescape(const kc_props_reader_t *rd, size_t from,
                                  size_t to, kc_buf_t *out, kc_error_t *err)
{
    const char *s = (const char *)rd->lb.data;

    kc_buf_reset(out);
    for (size_t i = from; i < to;) {
        char c = s[i++];
        size_t at = i - 1;
        long cp;

        if (c != '\\') {
            kc_buf_putc(out, c);
            continue;
        }
        if (i >= to) {
            break; /* a lone trailing backslash escapes nothing */
        }
        c = s[i++];
        switch (c) {
        case 't':
            kc_buf_putc(out, '\t');
            continue;
        case 'n':
            kc_buf_putc(out, '\n');
            continue;
        case 'r':
            kc_buf_putc(out, '\r');
            continue;
        case 'f':
            kc_buf_putc(out, '\f');
            continue;
        case 'u':
            break;
        default:
            kc_buf_putc(out, c);
            continue;
        }
        cp = kc_props_u4(s, to, &i);
        if (cp < 0) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "line %zu: malformed \\uxxxx encoding",
                                kc_props_line_of(rd, at));
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            long lo = -1;

            if (to - i >= 6 && s[i] == '\\' && s[i + 1] == 'u') {
                size_t j = i + 2;

                lo = kc_props_u4(s, to, &j);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    i = j;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else {
                    lo = -1;
                }
            }
            if (lo < 0) {
                return kc_error_set(err, KC_ERR_INVALID,
                                    "line %zu: unpaired surrogate \\u%04lX",
                                    kc_props_line_of(rd, at), cp);
            }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "line %zu: unpaired surrogate \\u%04lX",
                                kc_props_line_of(rd, at), cp);
        } else if (cp == 0) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "line %zu: \\u0000 is not supported",
                                kc_props_line_of(rd, at));
        }
        kc_props_put_utf8(out, (unsigned long)cp);
    }
    return KC_OK;
}

/* Split the logical line into key and value as Properties.load0. */
static kc_err_t kc_props_entry(kc_props_reader_t *rd, kc_props_t *props,
                               kc_buf_t *key, kc_buf_t *value, kc_error_t *err)
{
    const char *s = (const char *)rd->lb.data;
    size_t limit = rd->lb.len;
    size_t key_len = 0;
    size_t value_start = limit;
    bool has_sep = false;
    bool prec_bs = false;
    kc_err_t rc;

    while (key_len < limit) {
        char c = s[key_len];

        if ((c == '=' || c == ':') && !prec_bs) {
            value_start = key_len + 1;
            has_sep = true;
            break;
        }
        if (kc_props_is_ws(c) && !prec_bs) {
            value_start = key_len + 1;
            break;
        }
        prec_bs = c == '\\' ? !prec_bs : false;
        key_len++;
    }
    while (value_start < limit) {
        char c = s[value_start];

        if (!kc_props_is_ws(c)) {
            if (!has_sep && (c == '=' || c == ':')) {
                has_sep = true;
            } else {
                break;
            }
        }
        value_start++;
    }
    rc = kc_props_unescape(rd, 0, key_len, key, err);
    if (rc == KC_OK) {
        rc = kc_props_unescape(rd, value_start, limit, value, err);
    }
    if (rc != KC_OK) {
        return rc;
    }
    kc_props_set(props, kc_buf_cstr(key), kc_buf_cstr(value));
    return KC_OK;
}

kc_err_t kc_props_parse(kc_props_t *props, const char *text, size_t len,
                        kc_error_t *err)
{
    kc_props_reader_t rd;
    kc_props_t *parsed;
    kc_buf_t key;
    kc_buf_t value;
    kc_err_t rc = KC_OK;
    const char *nul;

    /* text may be NULL when empty: no pointer arithmetic on it then */
    if (len == 0) {
        return KC_OK;
    }
    memset(&rd, 0, sizeof(rd));
    rd.p = text;
    rd.end = text + len;
    rd.line = 1;
    nul = memchr(text, '\0', len);
    if (nul != NULL) {
        size_t line = 1;

        for (const char *q = text; q < nul; q++) {
            line += *q == '\n' || (*q == '\r' && q[1] != '\n');
        }
        return kc_error_set(err, KC_ERR_INVALID,
                            "line %zu: contains a NUL byte", line);
    }
    /* Entries land in @p props only once the whole text parsed. */
    parsed = kc_props_new();
    kc_buf_init(&rd.lb, 0);
    kc_buf_init(&key, 0);
    kc_buf_init(&value, 0);
    while (kc_props_read_line(&rd)) {
        rc = kc_props_entry(&rd, parsed, &key, &value, err);
        if (rc != KC_OK) {
            break;
        }
    }
    if (rc == KC_OK) {
        for (size_t i = 0; i < kc_props_count(parsed); i++) {
            kc_props_set(props, kc_props_key_at(parsed, i),
                         kc_props_value_at(parsed, i));
        }
    }
    kc_buf_release(&rd.lb);
    kc_buf_release(&key);
    kc_buf_release(&value);
    kc_free(rd.segs);
    kc_props_destroy(parsed);
    return rc;
}

kc_err_t kc_props_load_file(kc_props_t *props, const char *path,
                            kc_error_t *err)
{
    FILE *fp = fopen(path, "rb");
    kc_buf_t buf;
    char chunk[8192];
    size_t n;
    kc_err_t rc = KC_OK;
    struct stat st;

    if (fp == NULL) {
        return kc_error_set(err, errno == ENOENT ? KC_ERR_NOT_FOUND : KC_ERR_IO,
                            "could not read \"%s\": %s", path, strerror(errno));
    }
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(fp);
        return kc_error_set(err, KC_ERR_IO,
                            "could not read \"%s\": is a directory", path);
    }
    kc_buf_init(&buf, KC_PROPS_MAX_FILE);
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
        if (kc_buf_append(&buf, chunk, n) != KC_OK) {
            rc = kc_error_set(err, KC_ERR_TOO_LARGE,
                              "could not read \"%s\": larger than %u bytes",
                              path, KC_PROPS_MAX_FILE);
            break;
        }
    }
    if (rc == KC_OK && ferror(fp)) {
        rc = kc_error_set(err, KC_ERR_IO, "could not read \"%s\": %s", path,
                          strerror(errno));
    }
    fclose(fp);
    if (rc == KC_OK) {
        const char *text = kc_buf_cstr(&buf);
        size_t len = buf.len;

        /*
         * A UTF-8 byte order mark (Windows editors) would otherwise glue
         * itself to the first key, which then silently never matches.
         */
        if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
            text += 3;
            len -= 3;
        }
        rc = kc_props_parse(props, text, len, err);
        if (rc != KC_OK) {
            kc_error_prefix(err, "could not parse \"%s\"", path);
        }
    }
    kc_buf_release(&buf);
    return rc;
}
