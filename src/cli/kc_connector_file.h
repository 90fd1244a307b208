/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Connector config files given on the command line, read as Apache's
 * ConnectStandalone reads them: a JSON object of string values, else a
 * JSON {"name":..,"config":{..},"initial_state":..} request, else a Java
 * .properties file.
 */
#ifndef KC_CLI_KC_CONNECTOR_FILE_H
#define KC_CLI_KC_CONNECTOR_FILE_H

#include <kconnect/common.h>

#include <jansson.h>

typedef struct kc_connector_file {
    char *name;
    json_t *config;      /* object of strings, includes "name" */
    char *initial_state; /* NULL, "RUNNING", "PAUSED" or "STOPPED" */
} kc_connector_file_t;

/**
 * @brief Read @p path into @p out. Errors name the file and the problem
 * (e.g. the missing "name").
 */
kc_err_t kc_connector_file_load(const char *path, kc_connector_file_t *out,
                                kc_error_t *err);
/** @brief Free what @p cf holds. */
void kc_connector_file_release(kc_connector_file_t *cf);

#endif /* KC_CLI_KC_CONNECTOR_FILE_H */
