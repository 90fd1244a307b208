/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HTTP basic authentication of the REST API, as Apache's
 * BasicAuthSecurityRestExtension with its PropertyFileLoginModule: the
 * same JAAS file, the same credentials file, the same 401 answer (plus
 * WWW-Authenticate). See docs/security.md for where kconnect is stricter.
 */
#ifndef KC_REST_KC_REST_AUTH_H
#define KC_REST_KC_REST_AUTH_H

#include <kconnect/config.h>

#define KC_BASIC_AUTH_EXTENSION                                                \
    "org.apache.kafka.connect.rest.basic.auth.extension."                      \
    "BasicAuthSecurityRestExtension"
/* kconnect's key for the JAAS file, beside -Djava.security.auth.login.config
 * in KAFKA_OPTS. */
#define KC_BASIC_AUTH_JAAS_KEY "rest.basic.auth.jaas.config"
/* Apache's 401 body (JaasBasicAuthFilter). */
#define KC_BASIC_AUTH_DENIED "User cannot access the resource."

typedef struct kc_rest_auth kc_rest_auth_t;

/**
 * @brief Set up basic authentication if @p worker's rest.extension.classes
 * names the extension; *out stays NULL when it does not. The JAAS file is
 * @p worker's rest.basic.auth.jaas.config, else the
 * -Djava.security.auth.login.config= of @p kafka_opts (may be NULL); it
 * must exist and parse, or start-up fails naming it.
 */
kc_err_t kc_rest_auth_new(const kc_props_t *worker, const char *kafka_opts,
                          kc_rest_auth_t **out, kc_error_t *err);
/** @brief NULL is a no-op. */
void kc_rest_auth_destroy(kc_rest_auth_t *auth);

/**
 * @brief Whether a request may pass: @p authorization is its Authorization
 * header (may be NULL). The internal endpoints of distributed mode (POST
 * /connectors/{c}/tasks, PUT /connectors/{c}/fence) and GET /health pass
 * without credentials. Re-reads the credentials file when it changed.
 * @locality any thread.
 */
bool kc_rest_auth_allows(kc_rest_auth_t *auth, const char *method,
                         const char *path, const char *authorization);

/**
 * @brief The `file` option of the PropertyFileLoginModule in the
 * KafkaConnect entry (else "other") of JAAS config @p text. *file is NULL
 * (KC_OK) when neither entry exists; an error when the entry uses another
 * login module or lacks the option.
 */
kc_err_t kc_jaas_property_file(const char *text, char **file, kc_error_t *err);

/**
 * @brief Parse @p text as java.util.Properties.load(InputStream) does
 * (ISO-8859-1, `=`/`:`/blank separators, comments, escapes, continuation
 * lines); keys and values come out as UTF-8.
 */
kc_props_t *kc_java_properties_parse(const char *text, size_t len);

#endif /* KC_REST_KC_REST_AUTH_H */
