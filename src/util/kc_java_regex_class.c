/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Java regexes, character classes: unions [a[b]] and intersections
 * [a&&[b]] (which PCRE2 lacks) become alternatives and look-aheads
 * around one PCRE2 class. Part of the translation described in
 * kc_java_regex_translate.c.
 */
#include "util/kc_java_regex_int.h"

/*
 * A character class being read: its plain items (characters, ranges,
 * escapes; the body of one PCRE2 class) and the alternatives that are not
 * plain (nested classes, intersections), each one PCRE2 construct that
 * matches one character.
 */
typedef struct kc_re_cls {
    kc_buf_t items;
    kc_buf_t alts; /* "|alt" each */
    size_t nalts;
    /* Single characters below 256: Java keeps them in one BitClass for
     * the whole class, which && does not empty (so `[ab&&[b]&c]` also
     * takes a); has_bits says some came since the last &&. */
    kc_buf_t bits;
    bool has_bits;
} kc_re_cls_t;

static void kc_re_cls_add(kc_re_cls_t *cls, const char *alt)
{
    kc_buf_printf(&cls->alts, "|%s", alt);
    cls->nalts++;
}

/* The plain items of @p cls as one PCRE2 class body. */
static void kc_re_cls_body(kc_re_cls_t *cls, kc_buf_t *out)
{
    kc_buf_puts(out, kc_buf_cstr(&cls->items));
    if (cls->has_bits) {
        kc_buf_puts(out, kc_buf_cstr(&cls->bits));
    }
}

static bool kc_re_cls_has_body(kc_re_cls_t *cls)
{
    return cls->items.len > 0 || (cls->has_bits && cls->bits.len > 0);
}

/* The union of @p cls as one construct (empty when it has nothing). */
static void kc_re_cls_union(kc_re_cls_t *cls, kc_buf_t *out)
{
    bool body = kc_re_cls_has_body(cls);

    if (cls->nalts == 0) {
        if (body) {
            kc_buf_putc(out, '[');
            kc_re_cls_body(cls, out);
            kc_buf_putc(out, ']');
        }
        return;
    }
    if (cls->nalts == 1 && !body) {
        kc_buf_puts(out, kc_buf_cstr(&cls->alts) + 1);
        return;
    }
    kc_buf_puts(out, "(?:");
    if (body) {
        kc_buf_putc(out, '[');
        kc_re_cls_body(cls, out);
        kc_buf_putc(out, ']');
        kc_buf_puts(out, kc_buf_cstr(&cls->alts));
    } else {
        kc_buf_puts(out, kc_buf_cstr(&cls->alts) + 1);
    }
    kc_buf_putc(out, ')');
}

void kc_re_class_alt(kc_re_tr_t *tr, const char *alt)
{
    kc_re_cls_add(tr->cls, alt);
}

/* Send the next class output to the class's bits (see kc_re_cls_t). */
void kc_re_class_bits(kc_re_tr_t *tr, kc_buf_t **saved)
{
    if (tr->cls != NULL) {
        *saved = tr->out;
        tr->out = &tr->cls->bits;
        tr->cls->has_bits = true;
    }
}

static void kc_re_cls_release(kc_re_cls_t *cls)
{
    kc_buf_release(&cls->items);
    kc_buf_release(&cls->alts);
    kc_buf_release(&cls->bits);
}

/* One plain item of a class into cls->items (tr->pos at the item). */
static kc_err_t kc_re_class_item(kc_re_tr_t *tr)
{
    uint32_t lo;
    uint32_t hi;
    kc_err_t rc;

    if (tr->pat[tr->pos] == '\\') {
        int e = kc_re_peek(tr, 1);

        if (e == 'p' || e == 'P') {
            tr->pos++;
            return kc_re_emit_property(tr, true);
        }
        if ((tr->flags & KC_RE_UC) != 0 && (e == 'd' || e == 's' || e == 'w')) {
            kc_buf_puts(tr->out, kc_re_unicode_class(e));
            tr->pos += 2;
            return KC_OK;
        }
        if ((tr->flags & KC_RE_UC) != 0 && (e == 'D' || e == 'S' || e == 'W')) {
            char *alt = kc_asprintf("[^%s]", kc_re_unicode_class(e));

            kc_re_class_alt(tr, alt);
            kc_free(alt);
            tr->pos += 2;
            return KC_OK;
        }
        if (e == 'D' || e == 'S' || e == 'W' || e == 'H' || e == 'V') {
            /* An alternative, not a class item: PCRE2 10.42 mismatches a
             * negated class holding both \p{..} and \W for characters
             * above 255 ([^\p{L}\W] took U+0301). */
            char alt[4] = {'\\', (char)e, '\0', '\0'};

            kc_re_class_alt(tr, alt);
            tr->pos += 2;
            return KC_OK;
        }
        if (e == 'd' || e == 's' || e == 'w' || e == 'h' || e == 'v') {
            kc_buf_printf(tr->out, "\\%c", e);
            tr->pos += 2;
            return KC_OK;
        }
    }
    rc = kc_re_class_char(tr, &lo);
    if (rc == KC_DECLINED) {
        return kc_re_fail(tr, tr->pos + 1,
                          "Illegal/unsupported escape sequence");
    }
    if (rc != KC_OK) {
        return rc;
    }
    hi = lo;
    if (kc_re_peek(tr, 0) == '-' && kc_re_peek(tr, 1) != ']' &&
        kc_re_peek(tr, 1) != '[' && kc_re_peek(tr, 1) >= 0) {
        size_t dash = tr->pos;

        tr->pos++;
        rc = kc_re_class_char(tr, &hi);
        if (rc == KC_DECLINED) {
            return kc_re_fail(tr, dash, "Illegal character range");
        }
        if (rc != KC_OK) {
            return rc;
        }
        if (hi < lo) {
            return kc_re_fail(tr, tr->pos - 1, "Illegal character range");
        }
    }
    kc_re_emit_class_range(tr, lo, hi);
    return KC_OK;
}

static kc_err_t kc_re_class_expr(kc_re_tr_t *tr, bool consume, kc_buf_t *out);

/*
 * The right operand of && (tr->pos after the &&): nested classes and a
 * run of items up to the class's ']', as Java's Pattern.clazz reads it.
 */
static kc_err_t kc_re_class_and(kc_re_tr_t *tr, kc_re_cls_t *cls)
{
    kc_re_cls_t right = {0};
    kc_buf_t left;
    kc_buf_t sub;
    kc_err_t rc = KC_OK;

    kc_buf_init(&left, 0);
    kc_buf_init(&sub, 0);
    kc_buf_init(&right.items, 0);
    kc_buf_init(&right.alts, 0);
    kc_buf_init(&right.bits, 0);
    kc_re_cls_union(cls, &left);
    for (;;) {
        int c;

        kc_re_skip_comments(tr);
        c = kc_re_peek(tr, 0);
        if (c < 0 || c == ']' || c == '&') {
            break;
        }
        kc_buf_reset(&sub);
        if (c == '[') {
            tr->pos++;
            rc = kc_re_class_expr(tr, true, &sub);
        } else {
            rc = kc_re_class_expr(tr, false, &sub);
        }
        if (rc != KC_OK) {
            break;
        }
        kc_re_cls_add(&right, kc_buf_cstr(&sub));
    }
    if (rc == KC_OK) {
        kc_buf_reset(&sub);
        kc_re_cls_union(&right, &sub);
        if (left.len == 0 && sub.len == 0) {
            rc = kc_re_fail(tr, tr->pos, "Bad class syntax");
        } else {
            kc_buf_reset(&cls->items);
            kc_buf_reset(&cls->alts);
            cls->nalts = 0;
            cls->has_bits = false;
            if (left.len == 0 || sub.len == 0) {
                kc_re_cls_add(cls, kc_buf_cstr(left.len > 0 ? &left : &sub));
            } else {
                kc_buf_t both;

                kc_buf_init(&both, 0);
                kc_buf_printf(&both, "(?:(?=%s)%s)", kc_buf_cstr(&left),
                              kc_buf_cstr(&sub));
                kc_re_cls_add(cls, kc_buf_cstr(&both));
                kc_buf_release(&both);
            }
        }
    }
    kc_re_cls_release(&right);
    kc_buf_release(&left);
    kc_buf_release(&sub);
    return rc;
}

/*
 * A class as one PCRE2 construct matching one character, into @p out.
 * With @p consume, tr->pos is after its '[' and the ']' is read (a '^'
 * first negates); without, it is the right operand of && and stops
 * before the ']'. Plain classes stay PCRE2 classes; Java's nested classes
 * (union) and && (intersection), which PCRE2 reads literally, become
 * alternatives and look-aheads.
 */
static kc_err_t kc_re_class_expr(kc_re_tr_t *tr, bool consume, kc_buf_t *out)
{
    size_t open = tr->pos > 0 ? tr->pos - 1 : 0;
    kc_re_cls_t cls = {0};
    kc_re_cls_t *outer = tr->cls;
    kc_buf_t *saved = tr->out;
    bool negated = false;
    bool first = consume;
    kc_err_t rc = KC_OK;

    kc_buf_init(&cls.items, 0);
    kc_buf_init(&cls.alts, 0);
    kc_buf_init(&cls.bits, 0);
    if (consume && kc_re_peek(tr, 0) == '^') {
        negated = true;
        tr->pos++;
    }
    tr->cls = &cls;
    for (;;) {
        int c;

        tr->out = &cls.items;
        kc_re_skip_comments(tr);
        c = kc_re_peek(tr, 0);
        if (c < 0) {
            rc = kc_re_fail(tr, tr->len - 1 > open ? tr->len - 1 : open,
                            "Unclosed character class");
            break;
        }
        if (c == ']' && !first) {
            if (consume) {
                tr->pos++;
            }
            break;
        }
        first = false;
        if (c == '[') {
            kc_buf_t sub;

            kc_buf_init(&sub, 0);
            tr->pos++;
            rc = kc_re_class_expr(tr, true, &sub);
            if (rc == KC_OK) {
                kc_re_cls_add(&cls, kc_buf_cstr(&sub));
            }
            kc_buf_release(&sub);
        } else if (c == '&' && kc_re_peek(tr, 1) == '&') {
            tr->pos += 2;
            rc = kc_re_class_and(tr, &cls);
        } else {
            rc = kc_re_class_item(tr);
        }
        if (rc != KC_OK) {
            break;
        }
    }
    tr->out = saved;
    tr->cls = outer;
    if (rc == KC_OK) {
        if (cls.nalts == 0) {
            kc_buf_puts(out, negated ? "[^" : "[");
            kc_re_cls_body(&cls, out);
            kc_buf_putc(out, ']');
        } else if (negated) {
            kc_buf_puts(out, "(?:(?!");
            kc_re_cls_union(&cls, out);
            kc_buf_puts(out, ")(?s:.))");
        } else {
            kc_re_cls_union(&cls, out);
        }
    }
    kc_re_cls_release(&cls);
    return rc;
}

/* A character class (tr->pos after the '['). */
kc_err_t kc_re_class(kc_re_tr_t *tr)
{
    kc_err_t rc = kc_re_class_expr(tr, true, tr->out);

    tr->atom = true;
    return rc;
}
