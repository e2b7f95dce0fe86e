/* verify: rebuilding and comparing (see verify.h). */
#include "verify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../oci/image_diff.h"
#include "../oci/image_read.h"

static int compare(const char *built, const struct verify_opts *v,
		   struct kerr *err)
{
	struct image *a = NULL, *b = NULL;
	struct image_diff_result res;
	memset(&res, 0, sizeof(res));
	int r = image_open(v->image, NULL, &a, err);
	if (!r)
		r = image_open(built, NULL, &b, err);
	if (!r)
		r = image_diff(a, b, &res, err);
	if (!r && v->json) {
		json_t *j = image_diff_json(&res);
		json_dumpf(j, stdout, JSON_SORT_KEYS | JSON_INDENT(2));
		putchar('\n');
		json_decref(j);
	} else if (!r && res.identical) {
		printf("verified: %s is rebuilt exactly from its sources\n", v->image);
	} else if (!r) {
		image_diff_print_text(stdout, &res);
	}
	if (!r)
		r = res.identical ? 0 : 1;
	image_diff_result_clear(&res);
	image_free(a);
	image_free(b);
	return r;
}

int verify_run(struct build_opts *o, const struct verify_opts *v,
	       struct kerr *err)
{
	char *cache = build_cache_dir(o->cache_dir);
	struct strbuf out = STRBUF_INIT;
	sb_addf(&out, "%s/verify-%ld.tar", cache, (long)getpid());
	o->output = out.buf;
	o->pin.locked = true;
	o->no_result_line = true;
	int r = build_run(o, err);
	if (!r)
		r = compare(out.buf, v, err);
	unlink(out.buf);
	sb_release(&out);
	free(cache);
	return r;
}
