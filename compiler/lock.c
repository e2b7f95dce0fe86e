/* lock: `kiln lock` (see lock.h). */
#include "lock.h"

#include <stdio.h>
#include <stdlib.h>

#include "build.h"

int lock_run(struct lock_opts *o, struct kerr *err)
{
	struct df_ast *ast = NULL;
	struct plan *p = NULL;
	struct lockfile lf = { 0 };
	struct fetch_client *fc = NULL;
	struct blobstore *bs = NULL;
	char *cache = build_cache_dir(o->cache_dir);
	if (!o->fe.plan.platform)
		o->fe.plan.platform = plan_host_platform();
	o->pin.write_always = true;
	int r = frontend_parse(&o->fe, &ast, err);
	if (!r)
		r = plan_build(ast, &o->fe.plan, &p, err);
	if (!r && !(bs = blobstore_open(cache, err)))
		r = -1;
	if (!r)
		r = pin_plan(&o->pin, &o->fe, p, bs, &lf, &fc, err);
	for (size_t i = 0; !r && i < lf.nimages; i++)
		printf("%s %s\n", lf.images[i].manifest, lf.images[i].ref);
	for (size_t i = 0; !r && i < lf.nsources; i++)
		printf("%s %s\n", lf.sources[i].digest, lf.sources[i].url);
	fetch_client_free(fc);
	blobstore_free(bs);
	lockfile_clear(&lf);
	plan_free(p);
	df_ast_free(ast);
	free(cache);
	return r;
}
