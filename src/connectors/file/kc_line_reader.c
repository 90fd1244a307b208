/* SPDX-License-Identifier: Apache-2.0 */
#include "kc_internal.h"

#include <unistd.h>

#include "connectors/file/kc_line_reader.h"

#define KC_LINE_READER_CHUNK    (64 * 1024)
#define KC_LINE_READER_MAX_LINE ((size_t)256 * 1024 * 1024)

struct kc_line_reader {
    char *data;
    size_t cap;
    size_t start; /* first byte not yet handed out */
    size_t end;   /* one past the last byte read */
    size_t scan;  /* bytes from start already known to hold no terminator */
    size_t max_line;
};

kc_line_reader_t *kc_line_reader_new(size_t max_line)
{
    kc_line_reader_t *lr = kc_calloc(1, sizeof(*lr));

    lr->max_line = max_line ? max_line : KC_LINE_READER_MAX_LINE;
    lr->cap = KC_LINE_READER_CHUNK;
    lr->data = kc_malloc(lr->cap);
    return lr;
}

void kc_line_reader_destroy(kc_line_reader_t *lr)
{
    if (lr == NULL) {
        return;
    }
    kc_free(lr->data);
    kc_free(lr);
}

size_t kc_line_reader_pending(const kc_line_reader_t *lr)
{
    return lr->end - lr->start;
}

/* Make room for at least @p want more bytes at the end. */
static kc_err_t kc_line_reader_room(kc_line_reader_t *lr, size_t want,
                                    const char *what, kc_error_t *err)
{
    size_t pending = lr->end - lr->start;

    /* Callers read more only when no complete line is buffered: all that
     * is pending is one unfinished line (and maybe its "\r"). */
    if (pending > lr->max_line + 1) {
        return kc_error_set(err, KC_ERR_TOO_LARGE,
                            "could not read %s: a line is longer than %zu "
                            "bytes",
                            what, lr->max_line);
    }
    if (lr->cap - lr->end >= want) {
        return KC_OK;
    }
    if (lr->start > 0) {
        memmove(lr->data, lr->data + lr->start, pending);
        lr->end = pending;
        lr->start = 0;
        if (lr->cap - lr->end >= want) {
            return KC_OK;
        }
    }
    while (lr->cap - lr->end < want) {
        lr->cap *= 2;
    }
    lr->data = kc_realloc(lr->data, lr->cap);
    return KC_OK;
}

kc_err_t kc_line_reader_fill(kc_line_reader_t *lr, int fd, const char *what,
                             size_t *nread, kc_error_t *err)
{
    ssize_t n;
    /* Read a whole chunk when the buffer has one free; else grow. */
    kc_err_t rc = kc_line_reader_room(lr, KC_LINE_READER_CHUNK / 2, what, err);

    *nread = 0;
    if (rc != KC_OK) {
        return rc;
    }
    n = read(fd, lr->data + lr->end, lr->cap - lr->end);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            return KC_AGAIN;
        }
        return kc_error_set(err, KC_ERR_IO, "could not read %s: %s", what,
                            strerror(errno));
    }
    lr->end += (size_t)n;
    *nread = (size_t)n;
    return KC_OK;
}

kc_err_t kc_line_reader_feed(kc_line_reader_t *lr, const void *data, size_t len,
                             kc_error_t *err)
{
    kc_err_t rc = kc_line_reader_room(lr, len, "input", err);

    if (rc != KC_OK) {
        return rc;
    }
    if (len > 0) {
        memcpy(lr->data + lr->end, data, len);
    }
    lr->end += len;
    return KC_OK;
}

kc_err_t kc_line_reader_next(kc_line_reader_t *lr, const char **line,
                             size_t *len, size_t *consumed)
{
    const char *p = lr->data + lr->start;
    size_t avail = lr->end - lr->start;
    const char *nl;
    const char *cr;
    size_t i;
    size_t term;

    /* memchr is vectorised: two passes beat one byte loop on long lines. */
    nl = lr->scan < avail ? memchr(p + lr->scan, '\n', avail - lr->scan) : NULL;
    i = nl != NULL ? (size_t)(nl - p) : avail;
    cr = i > lr->scan ? memchr(p + lr->scan, '\r', i - lr->scan) : NULL;
    if (cr != NULL) {
        i = (size_t)(cr - p);
        if (i + 1 >= avail) {
            /* Only the next byte tells "\r" from "\r\n". */
            lr->scan = i;
            return KC_AGAIN;
        }
        term = p[i + 1] == '\n' ? 2 : 1;
    } else if (nl != NULL) {
        term = 1;
    } else {
        lr->scan = avail;
        return KC_AGAIN;
    }
    *line = p;
    *len = i;
    *consumed = i + term;
    lr->start += i + term;
    lr->scan = 0;
    return KC_OK;
}

/*
 * Length of the well-formed UTF-8 sequence at @p p, or minus the number of
 * bytes Java's UTF-8 decoder replaces with one U+FFFD (sun.nio.cs.UTF_8):
 * the lead byte alone when the second byte is wrong, else the bytes up to
 * the first non-continuation byte; an encoded surrogate (ED A0..BF xx) is
 * replaced whole.
 */
static long kc_utf8_seq(const uint8_t *p, size_t avail)
{
    uint8_t b = p[0];
    size_t need;
    uint8_t lo = 0x80;
    uint8_t hi = 0xBF;

    if (b < 0x80) {
        return 1;
    }
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        lo = b == 0xE0 ? 0xA0 : 0x80;
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        lo = b == 0xF0 ? 0x90 : 0x80;
        hi = b == 0xF4 ? 0x8F : 0xBF;
    } else {
        return -1;
    }
    for (size_t k = 1; k <= need; k++) {
        uint8_t c;

        if (k >= avail) {
            /* The line's terminator follows: not a continuation byte. */
            return -(long)k;
        }
        c = p[k];
        if (k == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF)) {
            return -(long)k;
        }
    }
    if (b == 0xED && p[1] >= 0xA0) {
        return -3;
    }
    return (long)need + 1;
}

char *kc_line_to_utf8(kc_arena_t *arena, const char *data, size_t len,
                      size_t *out_len)
{
    const uint8_t *p = (const uint8_t *)data;
    size_t i = 0;
    size_t bad = 0;
    char *out;
    size_t n = 0;

    /* Fast path: valid text is copied as is; ASCII is checked 8 bytes at
     * a time. */
    while (len - i >= 8) {
        uint64_t word;

        memcpy(&word, p + i, sizeof(word));
        if ((word & UINT64_C(0x8080808080808080)) != 0) {
            break;
        }
        i += 8;
    }
    while (i < len) {
        long s = p[i] < 0x80 ? 1 : kc_utf8_seq(p + i, len - i);

        if (s < 0) {
            bad++;
            break;
        }
        i += (size_t)s;
    }
    if (bad == 0) {
        *out_len = len;
        return kc_arena_strndup(arena, data, len);
    }
    /* Each bad byte becomes at most 3 bytes (U+FFFD). */
    out = kc_arena_alloc(arena, len * 3 + 1);
    memcpy(out, data, i);
    n = i;
    while (i < len) {
        long s = kc_utf8_seq(p + i, len - i);

        if (s > 0) {
            memcpy(out + n, p + i, (size_t)s);
            n += (size_t)s;
            i += (size_t)s;
        } else {
            memcpy(out + n, "\xEF\xBF\xBD", 3);
            n += 3;
            i += (size_t)-s;
        }
    }
    out[n] = '\0';
    *out_len = n;
    return out;
}
