/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The C side of the differential check: same output as PropsDump.java,
 * written to <file>.c. Texts Java accepts but kconnect refuses on purpose
 * (a lone surrogate, \u0000, a NUL byte) are marked SKIP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kconnect/kconnect.h>

static int kc_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void kc_hex(FILE *out, const char *s)
{
    fputc('x', out);
    for (; *s != '\0'; s++) {
        fprintf(out, "%02x", (unsigned char)*s);
    }
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        kc_props_t *props = kc_props_new();
        kc_error_t err;
        char path[4096];
        FILE *out;

        snprintf(path, sizeof(path), "%s.c", argv[i]);
        out = fopen(path, "w");
        if (out == NULL) {
            return 1;
        }
        if (kc_props_load_file(props, argv[i], &err) != KC_OK) {
            bool on_purpose = strstr(err.msg, "surrogate") ||
                              strstr(err.msg, "u0000") ||
                              strstr(err.msg, "NUL");

            fputs(on_purpose ? "SKIP\n" : "ERROR\n", out);
        } else {
            size_t n = kc_props_count(props);
            const char **keys = kc_calloc(n + 1, sizeof(char *));

            for (size_t k = 0; k < n; k++) {
                keys[k] = kc_props_key_at(props, k);
            }
            /* byte order equals Java's UTF-16 order for these ASCII keys */
            qsort(keys, n, sizeof(char *), kc_cmp);
            for (size_t k = 0; k < n; k++) {
                kc_hex(out, keys[k]);
                fputc(' ', out);
                kc_hex(out, kc_props_get(props, keys[k]));
                fputc('\n', out);
            }
            kc_free(keys);
        }
        fclose(out);
        kc_props_destroy(props);
    }
    return 0;
}
