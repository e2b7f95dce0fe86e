/* test_fetch_parse: the parts of fetch/ that need no registry:
 * WWW-Authenticate challenges, docker config.json credentials (and a real
 * credential helper process), base64, platforms and picking one from an
 * index, media types, and which registries get plain http. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../fetch/auth.h"
#include "../../fetch/base64.h"
#include "../../fetch/creds.h"
#include "../../fetch/endpoint.h"
#include "../../fetch/media.h"
#include "../../fetch/platform.h"
#include "../../fetch/registry.h"

/* --- WWW-Authenticate ---------------------------------------------------- */

static void bearer_challenge_gives_realm_service_and_scope(void **state)
{
	struct fetch_auth_challenge c;
	(void)state;
	assert_int_equal(fetch_auth_parse_challenge(
			     "Bearer realm=\"https://auth.docker.io/token\","
			     "service=\"registry.docker.io\","
			     "scope=\"repository:library/alpine:pull\"",
			     &c),
			 0);
	assert_string_equal(c.scheme, "Bearer");
	assert_string_equal(c.realm, "https://auth.docker.io/token");
	assert_string_equal(c.service, "registry.docker.io");
	assert_string_equal(c.scope, "repository:library/alpine:pull");
	fetch_auth_challenge_clear(&c);
}

static void challenge_values_keep_commas_and_escaped_quotes(void **state)
{
	struct fetch_auth_challenge c;
	(void)state;
	assert_int_equal(fetch_auth_parse_challenge(
			     "bearer  Realm = \"https://a/t?x=\\\"1\\\"\" , "
			     "SCOPE=\"repository:a:pull,push\",error=x",
			     &c),
			 0);
	assert_string_equal(c.scheme, "bearer");
	assert_string_equal(c.realm, "https://a/t?x=\"1\"");
	assert_string_equal(c.scope, "repository:a:pull,push");
	assert_null(c.service);
	fetch_auth_challenge_clear(&c);
}

static void challenge_with_token_values_and_a_second_scheme(void **state)
{
	struct fetch_auth_challenge c;
	(void)state;
	assert_int_equal(fetch_auth_parse_challenge(
			     "Bearer realm=https://r/token,service=svc, "
			     "Basic realm=\"other\"",
			     &c),
			 0);
	assert_string_equal(c.realm, "https://r/token");
	assert_string_equal(c.service, "svc");
	fetch_auth_challenge_clear(&c);
	assert_int_equal(fetch_auth_parse_challenge("Basic realm=\"kiln\"", &c),
			 0);
	assert_string_equal(c.scheme, "Basic");
	assert_string_equal(c.realm, "kiln");
	fetch_auth_challenge_clear(&c);
	assert_int_equal(fetch_auth_parse_challenge("Basic", &c), 0);
	assert_null(c.realm);
	fetch_auth_challenge_clear(&c);
}

static void malformed_challenges_are_refused(void **state)
{
	struct fetch_auth_challenge c;
	(void)state;
	assert_int_equal(fetch_auth_parse_challenge("", &c), -1);
	assert_int_equal(fetch_auth_parse_challenge("   ", &c), -1);
	assert_int_equal(fetch_auth_parse_challenge("=x", &c), -1);
	assert_int_equal(
	    fetch_auth_parse_challenge("Bearer realm=\"never ends", &c), -1);
	assert_null(c.scheme);
	assert_int_equal(fetch_auth_parse_challenge("Bearer realm=\"a\\", &c),
			 -1);
}

/* --- base64 and config.json ---------------------------------------------- */

static void base64_round_trips_every_padding(void **state)
{
	const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	const char *out[] = {"",	 "Zg==",     "Zm8=",	"Zm9v",
			     "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	(void)state;
	for (size_t i = 0; i < 7; i++) {
		char *e = fetch_b64_encode(in[i], strlen(in[i]));
		size_t n = 99;
		assert_string_equal(e, out[i]);
		char *d = fetch_b64_decode(e, &n);
		assert_non_null(d);
		assert_int_equal(n, strlen(in[i]));
		assert_string_equal(d, in[i]);
		free(e);
		free(d);
	}
	size_t n;
	char *d = fetch_b64_decode("Zm9vYg", &n); /* padding left out */
	assert_string_equal(d, "foob");
	free(d);
	assert_null(fetch_b64_decode("Zm9v!", &n));
	assert_null(fetch_b64_decode("Z", &n));
	assert_null(fetch_b64_decode("Zg=", &n));
	assert_null(fetch_b64_decode("Zm 9v", &n));
}

static void auth_field_decodes_to_user_and_password(void **state)
{
	struct fetch_cred c = {0};
	struct kerr err = KERR_INIT;
	(void)state;
	/* "kiln:pa:ss" — the password may hold a colon. */
	assert_int_equal(fetch_creds_decode_auth("a2lsbjpwYTpzcw==", &c, &err),
			 0);
	assert_string_equal(c.user, "kiln");
	assert_string_equal(c.secret, "pa:ss");
	fetch_creds_clear(&c);
	assert_null(c.user);
}

static void bad_auth_field_is_an_error_that_does_not_quote_it(void **state)
{
	struct fetch_cred c = {0};
	struct kerr err = KERR_INIT;
	(void)state;
	/* base64 of "nocolonsecret" */
	assert_int_equal(
	    fetch_creds_decode_auth("bm9jb2xvbnNlY3JldA==", &c, &err), -1);
	assert_null(c.user);
	assert_null(strstr(err.msg, "bm9jb2xvbnNlY3JldA"));
	assert_null(strstr(err.msg, "nocolonsecret"));
	assert_int_equal(fetch_creds_decode_auth("not base64!", &c, &err), -1);
	assert_null(strstr(err.msg, "not base64!"));
}

static void config_keys_name_registries_as_docker_writes_them(void **state)
{
	(void)state;
	assert_true(fetch_creds_key_matches("https://index.docker.io/v1/",
					    "docker.io"));
	assert_true(
	    fetch_creds_key_matches("registry-1.docker.io", "docker.io"));
	assert_true(fetch_creds_key_matches("docker.io", "docker.io"));
	assert_true(fetch_creds_key_matches("http://127.0.0.1:5000/v2/",
					    "127.0.0.1:5000"));
	assert_true(fetch_creds_key_matches("GHCR.io", "ghcr.io"));
	assert_false(
	    fetch_creds_key_matches("127.0.0.1:5000", "127.0.0.1:5001"));
	assert_false(fetch_creds_key_matches("127.0.0.1", "127.0.0.1:5000"));
	assert_false(fetch_creds_key_matches("ghcr.io", "docker.io"));
	assert_false(
	    fetch_creds_key_matches("https://index.docker.io/v1/", "quay.io"));
	assert_string_equal(fetch_creds_server_url("docker.io"),
			    "https://index.docker.io/v1/");
	assert_string_equal(fetch_creds_server_url("r:5000"), "r:5000");
}

/* What the config says for domain: "user:secret", "helper:NAME" or "-". */
static char *config_says(const char *json, const char *domain)
{
	json_t *cfg = json_loads(json, 0, NULL);
	struct fetch_cred c = {0};
	struct kerr err = KERR_INIT;
	char *helper = NULL, buf[1200];

	assert_non_null(cfg);
	if (fetch_creds_from_config(cfg, domain, &c, &helper, &err) < 0)
		snprintf(buf, sizeof(buf), "error:%s", err.msg);
	else if (helper)
		snprintf(buf, sizeof(buf), "helper:%s", helper);
	else if (c.user)
		snprintf(buf, sizeof(buf), "%s:%s", c.user, c.secret);
	else
		snprintf(buf, sizeof(buf), "-");
	fetch_creds_clear(&c);
	free(helper);
	json_decref(cfg);
	return strdup(buf);
}

#define ASSERT_SAYS(json, domain, want)                                        \
	do {                                                                   \
		char *got_ = config_says(json, domain);                        \
		assert_string_equal(got_, want);                               \
		free(got_);                                                    \
	} while (0)

static void config_precedence_is_cred_helpers_auths_then_store(void **state)
{
	(void)state;
	const char *all = "{\"credHelpers\":{\"gcr.io\":\"gcloud\"},"
			  "\"credsStore\":\"desktop\","
			  "\"auths\":{\"gcr.io\":{\"auth\":\"dTpw\"},"
			  "\"r:5000\":{\"auth\":\"dTpw\"},\"q.io\":{}}}";
	ASSERT_SAYS(all, "gcr.io", "helper:gcloud");
	ASSERT_SAYS(all, "r:5000", "u:p");
	ASSERT_SAYS(all, "q.io", "helper:desktop");
	ASSERT_SAYS(all, "other.io", "helper:desktop");
	ASSERT_SAYS("{\"auths\":{\"https://index.docker.io/v1/\":"
		    "{\"username\":\"me\",\"password\":\"pw\"}}}",
		    "docker.io", "me:pw");
	ASSERT_SAYS("{\"auths\":{\"r\":{\"identitytoken\":\"tok\"}}}", "r",
		    "<token>:tok");
	ASSERT_SAYS("{\"auths\":{\"r\":{}}}", "r", "-");
	ASSERT_SAYS("{}", "r", "-");
	ASSERT_SAYS("{\"auths\":{\"r\":{\"auth\":\"c2VjcmV0\"}}}", "r",
		    "error:auths entry for r: \"auth\" is not base64 of "
		    "user:password");
}

static void helper_answer_needs_username_and_secret(void **state)
{
	struct fetch_cred c = {0};
	struct kerr err = KERR_INIT;
	const char *ok =
	    "{\"ServerURL\":\"r\",\"Username\":\"u\",\"Secret\":\"s\"}";
	(void)state;
	assert_int_equal(fetch_creds_parse_helper(ok, strlen(ok), &c, &err), 0);
	assert_string_equal(c.user, "u");
	assert_string_equal(c.secret, "s");
	fetch_creds_clear(&c);
	assert_int_equal(
	    fetch_creds_parse_helper("{\"Username\":\"u\"}", 16, &c, &err), -1);
	assert_int_equal(fetch_creds_parse_helper("nope", 4, &c, &err), -1);
	assert_null(c.user);
}

/* A temp dir with bin/docker-credential-kilnunit and a config.json, PATH
 * pointing there: the helper protocol against a real process. */
struct helper_env {
	char dir[64];
	char *old_path;
};

static void write_file(const char *dir, const char *name, const char *text,
		       mode_t mode)
{
	char path[256];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static int helper_setup(void **state)
{
	struct helper_env *h = calloc(1, sizeof(*h));
	char bin[128], path[4096];

	strcpy(h->dir, "/tmp/kiln-test-creds-XXXXXX");
	assert_non_null(mkdtemp(h->dir));
	snprintf(bin, sizeof(bin), "%s/bin", h->dir);
	mkdir(bin, 0755);
	/* Answers for any URL but "none:1"; echoes the URL as the user. */
	write_file(
	    bin, "docker-credential-kilnunit",
	    "#!/bin/sh\n[ \"$1\" = get ] || exit 3\nurl=$(cat)\n"
	    "if [ \"$url\" = none:1 ]; then\n"
	    "  echo 'credentials not found in native keychain'; exit 1\nfi\n"
	    "if [ \"$url\" = broken:1 ]; then\n"
	    "  echo 'helper exploded'; exit 1\nfi\n"
	    "printf '{\"Username\":\"%s\",\"Secret\":\"hs\"}' \"$url\"\n",
	    0755);
	h->old_path = strdup(getenv("PATH"));
	snprintf(path, sizeof(path), "%s:%s", bin, h->old_path);
	setenv("PATH", path, 1);
	*state = h;
	return 0;
}

static int helper_teardown(void **state)
{
	struct helper_env *h = *state;
	char cmd[128];
	setenv("PATH", h->old_path, 1);
	free(h->old_path);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", h->dir);
	assert_int_equal(system(cmd), 0);
	free(h);
	return 0;
}

static void credential_helper_gets_the_server_url_on_stdin(void **state)
{
	struct helper_env *h = *state;
	struct fetch_cred c = {0};
	struct kerr err = KERR_INIT;

	write_file(h->dir, "config.json", "{\"credsStore\":\"kilnunit\"}",
		   0600);
	assert_int_equal(
	    fetch_creds_lookup(h->dir, "reg.example:5000", &c, &err), 0);
	assert_string_equal(c.user, "reg.example:5000");
	assert_string_equal(c.secret, "hs");
	fetch_creds_clear(&c);
	assert_int_equal(fetch_creds_lookup(h->dir, "docker.io", &c, &err), 0);
	assert_string_equal(c.user, "https://index.docker.io/v1/");
	fetch_creds_clear(&c);
}

static void
credential_helper_not_knowing_a_registry_means_anonymous(void **state)
{
	struct helper_env *h = *state;
	struct fetch_cred c = {0};
	struct kerr err = KERR_INIT;

	write_file(h->dir, "config.json", "{\"credsStore\":\"kilnunit\"}",
		   0600);
	assert_int_equal(fetch_creds_lookup(h->dir, "none:1", &c, &err), 0);
	assert_null(c.user);
	assert_int_equal(fetch_creds_lookup(h->dir, "broken:1", &c, &err), -1);
	assert_non_null(strstr(err.msg,
			       "docker-credential-kilnunit get failed: "
			       "helper exploded"));
}

static void missing_or_pathlike_helpers_are_errors(void **state)
{
	struct helper_env *h = *state;
	struct fetch_cred c = {0};
	struct kerr err = KERR_INIT;

	write_file(h->dir, "config.json", "{\"credsStore\":\"nothere\"}", 0600);
	assert_int_equal(fetch_creds_lookup(h->dir, "r", &c, &err), -1);
	assert_non_null(
	    strstr(err.msg, "docker-credential-nothere: not found on PATH"));
	write_file(h->dir, "config.json", "{\"credsStore\":\"../../bin/sh\"}",
		   0600);
	assert_int_equal(fetch_creds_lookup(h->dir, "r", &c, &err), -1);
	assert_non_null(strstr(err.msg, "is not a plain name"));
}

static void broken_config_json_is_reported_by_position_only(void **state)
{
	struct helper_env *h = *state;
	struct fetch_cred c = {0};
	struct kerr err = KERR_INIT;

	write_file(h->dir, "config.json",
		   "{\"auths\": {\"r\": {\"auth\": \"c2VjcmV0OnB3\" x", 0600);
	assert_int_equal(fetch_creds_lookup(h->dir, "r", &c, &err), -1);
	assert_non_null(strstr(err.msg, "invalid JSON at line 1 column"));
	assert_null(strstr(err.msg, "c2VjcmV0"));
	/* No config.json at all: anonymous, no error. */
	unlink(strcat(strcpy((char[128]){0}, h->dir), "/config.json"));
	assert_int_equal(fetch_creds_lookup(h->dir, "r", &c, &err), 0);
	assert_null(c.user);
}

/* --- platforms ------------------------------------------------------------ */

static char *fmt(const struct fetch_platform *p)
{
	struct strbuf sb = STRBUF_INIT;
	fetch_platform_format(p, &sb);
	return sb_detach(&sb, NULL);
}

#define ASSERT_PLATFORM(in, want)                                              \
	do {                                                                   \
		struct fetch_platform p_;                                      \
		struct kerr e_ = KERR_INIT;                                    \
		assert_int_equal(fetch_platform_parse(in, &p_, &e_), 0);       \
		char *s_ = fmt(&p_);                                           \
		assert_string_equal(s_, want);                                 \
		free(s_);                                                      \
	} while (0)

static void platforms_parse_and_normalise(void **state)
{
	struct fetch_platform p;
	struct kerr err = KERR_INIT;
	(void)state;
	ASSERT_PLATFORM("linux/amd64", "linux/amd64");
	ASSERT_PLATFORM("linux/arm64/v8", "linux/arm64/v8");
	ASSERT_PLATFORM("linux/arm64/8", "linux/arm64/v8");
	ASSERT_PLATFORM("linux/x86_64", "linux/amd64");
	ASSERT_PLATFORM("linux/aarch64", "linux/arm64");
	ASSERT_PLATFORM("linux/armhf", "linux/arm/v7");
	ASSERT_PLATFORM("windows/amd64", "windows/amd64");
	const char *bad[] = {
	    "linux",	 "linux/", "/amd64", "Linux/amd64", "linux/amd64/v1/x",
	    "linux//v8", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_int_equal(fetch_platform_parse(bad[i], &p, &err), -1);
		assert_int_equal(err.code, KERR_USAGE);
	}
}

static void missing_variants_are_the_architectures_default(void **state)
{
	struct fetch_platform a, b;
	struct kerr err = KERR_INIT;
	(void)state;
#define SAME(x, y, want)                                                       \
	fetch_platform_parse(x, &a, &err), fetch_platform_parse(y, &b, &err),  \
	    assert_int_equal(fetch_platform_equal(&a, &b), want)
	SAME("linux/arm64", "linux/arm64/v8", true);
	SAME("linux/amd64", "linux/amd64/v1", true);
	SAME("linux/arm", "linux/arm/v7", true);
	SAME("linux/arm", "linux/arm/v6", false);
	SAME("linux/amd64", "linux/amd64/v3", false);
	SAME("linux/amd64", "windows/amd64", false);
	SAME("linux/s390x", "linux/s390x", true);
#undef SAME
}

static const char *index_json =
    "{\"schemaVersion\":2,\"manifests\":["
    "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
    "\"digest\":\"sha256:a\",\"platform\":{\"os\":\"linux\","
    "\"architecture\":\"amd64\"}},"
    "{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
    "\"digest\":\"sha256:b\",\"platform\":{\"os\":\"linux\","
    "\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
    "{\"digest\":\"sha256:c\",\"platform\":{\"os\":\"linux\","
    "\"architecture\":\"arm\",\"variant\":\"v6\"}},"
    "{\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
    "\"digest\":\"sha256:d\",\"platform\":{\"os\":\"linux\","
    "\"architecture\":\"ppc64le\"}},"
    "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
    "\"digest\":\"sha256:e\",\"platform\":{\"os\":\"unknown\","
    "\"architecture\":\"unknown\"}}]}";

static const char *pick(json_t *index, const char *platform, struct kerr *err)
{
	struct fetch_platform p;
	json_t *e;
	assert_int_equal(fetch_platform_parse(platform, &p, err), 0);
	e = fetch_platform_select(index, &p, "r/x:1", err);
	return e ? json_string_value(json_object_get(e, "digest")) : NULL;
}

static void index_entry_is_chosen_by_platform(void **state)
{
	json_t *index = json_loads(index_json, 0, NULL);
	struct kerr err = KERR_INIT;
	(void)state;
	assert_string_equal(pick(index, "linux/amd64", &err), "sha256:a");
	assert_string_equal(pick(index, "linux/arm64", &err), "sha256:b");
	assert_string_equal(pick(index, "linux/arm64/v8", &err), "sha256:b");
	assert_string_equal(pick(index, "linux/aarch64", &err), "sha256:b");
	/* No v7: any arm when the variant was not asked for... */
	assert_string_equal(pick(index, "linux/arm", &err), "sha256:c");
	/* ...but not when it was. */
	assert_null(pick(index, "linux/arm/v7", &err));
	json_decref(index);
}

static void missing_platform_lists_the_images_available(void **state)
{
	json_t *index = json_loads(index_json, 0, NULL);
	struct kerr err = KERR_INIT;
	(void)state;
	assert_null(pick(index, "linux/s390x", &err));
	assert_string_equal(err.msg, "no manifest for platform linux/s390x in "
				     "r/x:1 (available: linux/amd64, "
				     "linux/arm64/v8, linux/arm/v6)");
	/* A nested index is no image for the platform. */
	assert_null(pick(index, "linux/ppc64le", &err));
	json_decref(index);
	index = json_loads("{\"manifests\":[]}", 0, NULL);
	assert_null(pick(index, "linux/amd64", &err));
	assert_string_equal(err.msg, "no manifest for platform linux/amd64 in "
				     "r/x:1 (available: none)");
	json_decref(index);
}

/* --- media types and endpoints -------------------------------------------- */

static void media_type_comes_from_the_document_then_the_header(void **state)
{
	json_t *m = json_loads("{\"mediaType\":\"application/vnd.docker."
			       "distribution.manifest.v2+json\",\"config\":{}}",
			       0, NULL);
	json_t *bare_index = json_loads("{\"manifests\":[]}", 0, NULL);
	json_t *bare = json_loads("{\"config\":{}}", 0, NULL);
	char *s;
	(void)state;
#define MEDIA(doc, ct, want)                                                   \
	s = fetch_media_of(doc, ct), assert_string_equal(s, want), free(s)
	MEDIA(m, OCI_MEDIA_INDEX, DOCKER_MEDIA_MANIFEST);
	MEDIA(bare, OCI_MEDIA_MANIFEST "; charset=utf-8", OCI_MEDIA_MANIFEST);
	MEDIA(bare_index, "application/json", OCI_MEDIA_INDEX);
	MEDIA(bare, NULL, OCI_MEDIA_MANIFEST);
#undef MEDIA
	assert_true(fetch_media_is_index(DOCKER_MEDIA_MANIFEST_LIST));
	assert_false(fetch_media_is_manifest(
	    "application/vnd.docker.distribution.manifest.v1+prettyjws"));
	json_decref(m);
	json_decref(bare);
	json_decref(bare_index);
}

static void plain_http_only_for_loopback_and_listed_registries(void **state)
{
	struct strlist ins = STRLIST_INIT;
	(void)state;
	strlist_push(&ins, "reg.lan:5000");
	strlist_push(&ins, "10.0.0.9");
	assert_true(fetch_endpoint_plain_http("localhost:5000", NULL));
	assert_true(fetch_endpoint_plain_http("127.0.0.1:5000", NULL));
	assert_true(fetch_endpoint_plain_http("127.8.9.10", NULL));
	assert_true(fetch_endpoint_plain_http("[::1]:5000", NULL));
	assert_false(fetch_endpoint_plain_http("128.0.0.1:5000", NULL));
	assert_false(fetch_endpoint_plain_http("localhost.example.com", NULL));
	assert_false(fetch_endpoint_plain_http("127.0.0.1.nip.io", NULL));
	assert_false(fetch_endpoint_plain_http("docker.io", &ins));
	assert_true(fetch_endpoint_plain_http("reg.lan:5000", &ins));
	assert_false(fetch_endpoint_plain_http("reg.lan:5001", &ins));
	assert_true(fetch_endpoint_plain_http("10.0.0.9:443", &ins));
	char *b = fetch_endpoint_base("docker.io", "library/alpine", &ins);
	assert_string_equal(b,
			    "https://registry-1.docker.io/v2/library/alpine");
	free(b);
	b = fetch_endpoint_base("127.0.0.1:5000", "x/y", &ins);
	assert_string_equal(b, "http://127.0.0.1:5000/v2/x/y");
	free(b);
	assert_true(
	    fetch_endpoint_url_allowed("https://auth.docker.io/token", NULL));
	assert_true(
	    fetch_endpoint_url_allowed("http://127.0.0.1:9/token", NULL));
	assert_true(fetch_endpoint_url_allowed("http://[::1]:9/token", NULL));
	assert_true(fetch_endpoint_url_allowed("http://reg.lan:5000/t", &ins));
	assert_false(
	    fetch_endpoint_url_allowed("http://auth.example.com/t", &ins));
	assert_false(fetch_endpoint_url_allowed("ftp://127.0.0.1/t", NULL));
	assert_false(fetch_endpoint_url_allowed("not a url", NULL));
	strlist_clear(&ins);
}

static void client_refuses_a_malformed_platform(void **state)
{
	struct fetch_opts o = {.platform = "linux"};
	struct kerr err = KERR_INIT;
	(void)state;
	assert_null(fetch_client_new(&o, NULL, &err));
	assert_int_equal(err.code, KERR_USAGE);
	assert_non_null(strstr(err.msg, "invalid platform \"linux\""));
}

#define H(fn) cmocka_unit_test_setup_teardown(fn, helper_setup, helper_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bearer_challenge_gives_realm_service_and_scope),
	    cmocka_unit_test(challenge_values_keep_commas_and_escaped_quotes),
	    cmocka_unit_test(challenge_with_token_values_and_a_second_scheme),
	    cmocka_unit_test(malformed_challenges_are_refused),
	    cmocka_unit_test(base64_round_trips_every_padding),
	    cmocka_unit_test(auth_field_decodes_to_user_and_password),
	    cmocka_unit_test(bad_auth_field_is_an_error_that_does_not_quote_it),
	    cmocka_unit_test(config_keys_name_registries_as_docker_writes_them),
	    cmocka_unit_test(
		config_precedence_is_cred_helpers_auths_then_store),
	    cmocka_unit_test(helper_answer_needs_username_and_secret),
	    H(credential_helper_gets_the_server_url_on_stdin),
	    H(credential_helper_not_knowing_a_registry_means_anonymous),
	    H(missing_or_pathlike_helpers_are_errors),
	    H(broken_config_json_is_reported_by_position_only),
	    cmocka_unit_test(platforms_parse_and_normalise),
	    cmocka_unit_test(missing_variants_are_the_architectures_default),
	    cmocka_unit_test(index_entry_is_chosen_by_platform),
	    cmocka_unit_test(missing_platform_lists_the_images_available),
	    cmocka_unit_test(
		media_type_comes_from_the_document_then_the_header),
	    cmocka_unit_test(
		plain_http_only_for_loopback_and_listed_registries),
	    cmocka_unit_test(client_refuses_a_malformed_platform),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
