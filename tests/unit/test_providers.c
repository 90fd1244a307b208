/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Config providers: ${file:path:key}, ${dir:path:file} and ${env:NAME}
 * references resolved by kc_props_resolve, with allowed.paths and
 * allowlist.pattern, and errors naming the key and the reference.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <kconnect/kconnect.h>

#define FILE_CLASS "org.apache.kafka.common.config.provider.FileConfigProvider"
#define DIR_CLASS                                                              \
    "org.apache.kafka.common.config.provider.DirectoryConfigProvider"
#define ENV_CLASS "org.apache.kafka.common.config.provider.EnvVarConfigProvider"

typedef struct fixture {
    char dir[64];
    char file[128];   /* secrets.properties in dir */
    char subdir[128]; /* dir/secrets.d with a file "password" */
    char pwfile[160];
} fixture_t;

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    assert_int_equal(fputs(text, fp) >= 0, 1);
    fclose(fp);
}

static int setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof(*fx));

    snprintf(fx->dir, sizeof(fx->dir), "/tmp/kc_test_prov_XXXXXX");
    if (mkdtemp(fx->dir) == NULL) {
        return -1;
    }
    snprintf(fx->file, sizeof(fx->file), "%s/secrets.properties", fx->dir);
    write_file(fx->file, "db.password = s3cr3t\nuser:admin\n"
                         "with.ref=${env:NOT_RESOLVED_AGAIN}\n");
    snprintf(fx->subdir, sizeof(fx->subdir), "%s/secrets.d", fx->dir);
    mkdir(fx->subdir, 0700);
    snprintf(fx->pwfile, sizeof(fx->pwfile), "%s/password", fx->subdir);
    write_file(fx->pwfile, "pw-from-file\n");
    /* resolvable by every env provider here: must stay unresolved when a
     * later key fails */
    setenv("KC_TEST_ALWAYS", "resolved", 1);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *fx = *state;

    unlink(fx->pwfile);
    rmdir(fx->subdir);
    unlink(fx->file);
    rmdir(fx->dir);
    free(fx);
    return 0;
}

static kc_props_t *worker_with(const char *const *kv)
{
    kc_props_t *props = kc_props_new();

    for (size_t i = 0; kv[i] != NULL; i += 2) {
        kc_props_set(props, kv[i], kv[i + 1]);
    }
    return props;
}

static void test_providers_file(void **state)
{
    fixture_t *fx = *state;
    const char *wkv[] = {"config.providers", "file",
                         "config.providers.file.class", FILE_CLASS, NULL};
    kc_props_t *worker = worker_with(wkv);
    kc_props_t *props = kc_props_new();
    kc_error_t err;
    char ref[512];

    snprintf(ref, sizeof(ref), "${file:%s:db.password}", fx->file);
    kc_props_set(props, "connection.password", ref);
    snprintf(ref, sizeof(ref),
             "jdbc:postgresql://h/db?user=${file:%s:user}&pw=${file:%s:db."
             "password}&x=1",
             fx->file, fx->file);
    kc_props_set(props, "connection.url", ref);
    snprintf(ref, sizeof(ref), "${file:%s:with.ref}", fx->file);
    kc_props_set(props, "nested", ref);
    kc_props_set(props, "undeclared", "${vault:secret/db:password}");
    kc_props_set(props, "not.a.ref", "${novalue} $ {x} ${");
    kc_props_set(props, "plain", "hello");

    assert_int_equal(kc_props_resolve(props, worker, &err), KC_OK);
    assert_string_equal(kc_props_get(props, "connection.password"), "s3cr3t");
    assert_string_equal(kc_props_get(props, "connection.url"),
                        "jdbc:postgresql://h/db?user=admin&pw=s3cr3t&x=1");
    /* a resolved value is not resolved again */
    assert_string_equal(kc_props_get(props, "nested"),
                        "${env:NOT_RESOLVED_AGAIN}");
    /* a provider that is not declared: left as it is, as in Apache */
    assert_string_equal(kc_props_get(props, "undeclared"),
                        "${vault:secret/db:password}");
    assert_string_equal(kc_props_get(props, "not.a.ref"),
                        "${novalue} $ {x} ${");
    assert_string_equal(kc_props_get(props, "plain"), "hello");
    assert_int_equal(kc_props_count(props), 6);
    kc_props_destroy(props);
    kc_props_destroy(worker);
}

static void assert_resolve_fails(const kc_props_t *worker, const char *value,
                                 const char *expect)
{
    kc_props_t *props = kc_props_new();
    kc_error_t err;

    kc_props_set(props, "other", "${env:KC_TEST_ALWAYS}");
    kc_props_set(props, "k", value);
    assert_int_not_equal(kc_props_resolve(props, worker, &err), KC_OK);
    assert_string_equal(err.msg, expect);
    /* nothing changed, not even the keys before the bad one */
    assert_string_equal(kc_props_get(props, "other"), "${env:KC_TEST_ALWAYS}");
    assert_string_equal(kc_props_get(props, "k"), value);
    kc_props_destroy(props);
}

static void test_providers_unresolvable_is_error(void **state)
{
    fixture_t *fx = *state;
    const char *wkv[] = {"config.providers",
                         "file,env",
                         "config.providers.file.class",
                         FILE_CLASS,
                         "config.providers.env.class",
                         ENV_CLASS,
                         NULL};
    kc_props_t *worker = worker_with(wkv);
    char value[256];
    char expect[1024];

    snprintf(value, sizeof(value), "x${file:%s:nokey}y", fx->file);
    snprintf(expect, sizeof(expect),
             "could not resolve ${file:%s:nokey} in \"k\": no key \"nokey\" "
             "in %s",
             fx->file, fx->file);
    assert_resolve_fails(worker, value, expect);

    snprintf(value, sizeof(value), "${file:%s/missing.properties:a}", fx->dir);
    snprintf(expect, sizeof(expect),
             "could not resolve %s in \"k\": Could not read properties from "
             "file %s/missing.properties: could not read "
             "\"%s/missing.properties\": No such file or directory",
             value, fx->dir, fx->dir);
    assert_resolve_fails(worker, value, expect);

    assert_resolve_fails(worker, "${env:KC_TEST_SURELY_UNSET_VAR}",
                         "could not resolve ${env:KC_TEST_SURELY_UNSET_VAR} "
                         "in \"k\": environment variable "
                         "KC_TEST_SURELY_UNSET_VAR is not set");
    assert_resolve_fails(worker, "${env:some/path:HOME}",
                         "could not resolve ${env:some/path:HOME} in \"k\": "
                         "Path is not supported for EnvVarConfigProvider, "
                         "invalid value 'some/path'");
    assert_resolve_fails(worker, "${file:user}",
                         "could not resolve ${file:user} in \"k\": a path is "
                         "needed: ${file:/path/to/file:user}");
    kc_props_destroy(worker);
}

static void test_providers_env(void **state)
{
    const char *wkv[] = {"config.providers",
                         " env ",
                         "config.providers.env.class",
                         ENV_CLASS,
                         "config.providers.env.param.allowlist.pattern",
                         "KC_TEST_.*",
                         NULL};
    kc_props_t *worker = worker_with(wkv);
    kc_props_t *props = kc_props_new();
    kc_error_t err;

    (void)state;
    setenv("KC_TEST_SECRET", "from-env", 1);
    kc_props_set(props, "a", "${env:KC_TEST_SECRET}!");
    assert_int_equal(kc_props_resolve(props, worker, &err), KC_OK);
    assert_string_equal(kc_props_get(props, "a"), "from-env!");
    /* HOME is set but outside the allowlist */
    assert_resolve_fails(worker, "${env:HOME}",
                         "could not resolve ${env:HOME} in \"k\": "
                         "environment variable HOME does not match "
                         "allowlist.pattern");
    /* the pattern must match the whole name */
    assert_resolve_fails(worker, "${env:XKC_TEST_SECRET}",
                         "could not resolve ${env:XKC_TEST_SECRET} in \"k\": "
                         "environment variable XKC_TEST_SECRET does not match "
                         "allowlist.pattern");
    unsetenv("KC_TEST_SECRET");
    kc_props_destroy(props);
    kc_props_destroy(worker);
}

static void test_providers_directory(void **state)
{
    fixture_t *fx = *state;
    const char *wkv[] = {"config.providers", "dir",
                         "config.providers.dir.class", DIR_CLASS, NULL};
    kc_props_t *worker = worker_with(wkv);
    kc_props_t *props = kc_props_new();
    kc_error_t err;
    char value[256];
    char expect[1024];

    snprintf(value, sizeof(value), "${dir:%s:password}", fx->subdir);
    kc_props_set(props, "pw", value);
    assert_int_equal(kc_props_resolve(props, worker, &err), KC_OK);
    /* the whole file, as Apache reads it */
    assert_string_equal(kc_props_get(props, "pw"), "pw-from-file\n");

    snprintf(value, sizeof(value), "${dir:%s:../secrets.properties}",
             fx->subdir);
    snprintf(expect, sizeof(expect),
             "could not resolve %s in \"k\": \"../secrets.properties\" is "
             "not a file name",
             value);
    assert_resolve_fails(worker, value, expect);
    kc_props_destroy(props);
    kc_props_destroy(worker);
}

static void test_providers_allowed_paths(void **state)
{
    fixture_t *fx = *state;
    kc_props_t *worker = kc_props_new();
    kc_props_t *props = kc_props_new();
    kc_error_t err;
    char value[256];
    char expect[1024];

    kc_props_set(worker, "config.providers", "file");
    kc_props_set(worker, "config.providers.file.class", "FileConfigProvider");
    kc_props_set(worker, "config.providers.file.param.allowed.paths",
                 fx->subdir);
    /* secrets.properties is beside the allowed folder, not in it */
    snprintf(value, sizeof(value), "${file:%s/./../secrets.properties:user}",
             fx->subdir);
    snprintf(expect, sizeof(expect),
             "could not resolve %s in \"k\": the path "
             "%s/./../secrets.properties is not allowed to be accessed "
             "(allowed.paths)",
             value, fx->subdir);
    assert_resolve_fails(worker, value, expect);

    /* allowing the parent folder lets it through, normalised */
    kc_props_set(worker, "config.providers.file.param.allowed.paths", fx->dir);
    kc_props_set(props, "user", value);
    assert_int_equal(kc_props_resolve(props, worker, &err), KC_OK);
    assert_string_equal(kc_props_get(props, "user"), "admin");

    kc_props_set(worker, "config.providers.file.param.allowed.paths",
                 "relative/dir");
    assert_resolve_fails(worker, "x",
                         "could not configure config provider \"file\": "
                         "Path relative/dir is not absolute");
    kc_props_destroy(props);
    kc_props_destroy(worker);
}

static void test_providers_self_and_bad_class(void **state)
{
    fixture_t *fx = *state;
    kc_props_t *props = kc_props_new();
    kc_error_t err;
    char value[256];

    (void)fx;
    /* no config.providers: nothing to do */
    kc_props_set(props, "a", "${file:/x:y}");
    assert_int_equal(kc_props_resolve(props, props, &err), KC_OK);
    assert_string_equal(kc_props_get(props, "a"), "${file:/x:y}");

    /* a worker config resolves its own values */
    kc_props_set(props, "config.providers", "file");
    kc_props_set(props, "config.providers.file.class", FILE_CLASS);
    snprintf(value, sizeof(value), "${file:%s:user}", fx->file);
    kc_props_set(props, "a", value);
    assert_int_equal(kc_props_resolve(props, props, &err), KC_OK);
    assert_string_equal(kc_props_get(props, "a"), "admin");

    kc_props_set(props, "config.providers.file.class", "com.example.Vault");
    assert_resolve_fails(props, "x",
                         "Invalid value com.example.Vault for configuration "
                         "config.providers.file.class: Class "
                         "com.example.Vault could not be found.");
    /* declared without a class: an error only where it is used */
    kc_props_set(props, "config.providers", "nothing");
    assert_resolve_fails(props, "${nothing:a:b}",
                         "could not resolve ${nothing:a:b} in \"k\": config "
                         "provider \"nothing\" has no class (set "
                         "config.providers.nothing.class)");
    kc_props_destroy(props);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_providers_file),
        cmocka_unit_test(test_providers_unresolvable_is_error),
        cmocka_unit_test(test_providers_env),
        cmocka_unit_test(test_providers_directory),
        cmocka_unit_test(test_providers_allowed_paths),
        cmocka_unit_test(test_providers_self_and_bad_class),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
