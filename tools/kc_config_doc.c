/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kc_config_doc: print docs/CONFIGURATION.md, generated from the config
 * tables (`make config-doc` writes it, `make config-doc-check` compares).
 */
#include "kc_internal.h"

#include "plugins/kc_registry_doc.h"

int main(void)
{
    kc_buf_t out;
    kc_error_t err;
    int status = 0;

    kc_buf_init(&out, 0);
    if (kc_configuration_doc_markdown(&out, &err) != KC_OK) {
        fprintf(stderr, "kc_config_doc: %s\n", err.msg);
        status = 1;
    } else if (fwrite(out.data, 1, out.len, stdout) != out.len ||
               fflush(stdout) != 0) {
        fprintf(stderr, "kc_config_doc: could not write output: %s\n",
                strerror(errno));
        status = 1;
    }
    kc_buf_release(&out);
    return status;
}
