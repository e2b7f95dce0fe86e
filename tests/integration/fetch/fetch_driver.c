/* fetch_driver: fetch/'s API as a command, so the integration tests can
 * prove its behaviour against a real registry before kiln's own commands
 * use it. Each command prints what it got, one "key value" per line; an
 * error is one line "fetch_driver: MESSAGE" on stderr and exit 1.
 *   resolve REF PLATFORM STORE     index/manifest/config digests, media
 *                                  type, the config's os/arch, layers
 *   pull REF PLATFORM STORE        resolve, then every layer into STORE
 *   blob REF DIGEST STORE [SIZE]   one blob
 *   manifest REF DIGEST STORE      one manifest by digest
 * Environment: FETCH_INSECURE (comma-separated registries for plain http),
 * FETCH_OFFLINE=1, and DOCKER_CONFIG as docker reads it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../fetch/registry.h"
#include "../../../oci/strbuf.h"

static void print_image(const struct fetch_image *im)
{
	json_t *layers = json_object_get(im->manifest, "layers"), *l;
	size_t i;

	printf("index %s\n", im->index_digest[0] ? im->index_digest : "-");
	printf("manifest %s\n", im->manifest_digest);
	printf("media %s\n", im->manifest_media_type);
	printf("config %s\n", im->config_digest);
	printf("platform %s/%s\n",
	       json_string_value(json_object_get(im->config, "os")),
	       json_string_value(json_object_get(im->config, "architecture")));
	json_array_foreach(layers, i, l) printf(
	    "layer %s %lld\n", json_string_value(json_object_get(l, "digest")),
	    (long long)json_integer_value(json_object_get(l, "size")));
}

static int pull_layers(struct fetch_client *c, const char *ref,
		       const struct fetch_image *im, struct kerr *err)
{
	json_t *layers = json_object_get(im->manifest, "layers"), *l;
	size_t i;

	json_array_foreach(
	    layers, i,
	    l) if (fetch_blob(c, ref,
			      json_string_value(json_object_get(l, "digest")),
			      (uint64_t)json_integer_value(
				  json_object_get(l, "size")),
			      err) < 0) return -1;
	return 0;
}

static int run(struct fetch_client *c, int argc, char **argv, struct kerr *err)
{
	const char *cmd = argv[1], *ref = argv[2];

	if (!strcmp(cmd, "resolve") || !strcmp(cmd, "pull")) {
		struct fetch_image im;
		int rc = fetch_resolve(c, ref, &im, err);
		if (!rc && !strcmp(cmd, "pull"))
			rc = pull_layers(c, ref, &im, err);
		if (!rc)
			print_image(&im);
		fetch_image_clear(&im);
		return rc;
	}
	if (!strcmp(cmd, "blob")) {
		uint64_t size =
		    argc > 5 ? strtoull(argv[5], NULL, 10) : FETCH_SIZE_UNKNOWN;
		if (fetch_blob(c, ref, argv[3], size, err) < 0)
			return -1;
		printf("blob %s\n", argv[3]);
		return 0;
	}
	if (!strcmp(cmd, "manifest")) {
		json_t *m;
		if (fetch_manifest(c, ref, argv[3], &m, err) < 0)
			return -1;
		printf("manifest %s\nschemaVersion %lld\n", argv[3],
		       (long long)json_integer_value(
			   json_object_get(m, "schemaVersion")));
		json_decref(m);
		return 0;
	}
	return kerr_set(err, KERR_USAGE, "unknown command \"%s\"", cmd);
}

int main(int argc, char **argv)
{
	struct fetch_opts o = {0};
	struct kerr err = KERR_INIT;
	const char *ins = getenv("FETCH_INSECURE");
	struct blobstore *bs = NULL;
	struct fetch_client *c = NULL;
	int rc = -1;

	if (argc < 5) {
		fprintf(stderr,
			"usage: fetch_driver resolve|pull|blob|manifest "
			"REF PLATFORM|DIGEST STORE [SIZE]\n");
		return 2;
	}
	for (char *dup = xstrdup(ins ? ins : ""), *save = NULL,
		  *t = strtok_r(dup, ",", &save);
	     t || (free(dup), 0); t = strtok_r(NULL, ",", &save))
		strlist_push(&o.insecure, t);
	o.offline =
	    getenv("FETCH_OFFLINE") && !strcmp(getenv("FETCH_OFFLINE"), "1");
	o.platform = strcmp(argv[1], "resolve") && strcmp(argv[1], "pull")
			 ? NULL
			 : argv[3];
	if ((bs = blobstore_open(argv[4], &err)) &&
	    (c = fetch_client_new(&o, bs, &err)))
		rc = run(c, argc, argv, &err);
	if (rc < 0)
		fprintf(stderr, "fetch_driver: %s\n", err.msg);
	fetch_client_free(c);
	blobstore_free(bs);
	strlist_clear(&o.insecure);
	return rc < 0 ? (err.code ? err.code : 1) : 0;
}
