/* pin: running the compiler pass against kiln.lock (see pin.h). */
#include "pin.h"

#include <stdlib.h>
#include <string.h>

char *pin_lock_path(const struct pin_opts *o, const struct frontend_opts *fe)
{
	struct strbuf sb = STRBUF_INIT;
	const char *file = fe->file, *ctx = fe->context ? fe->context : ".";
	if (o->lock_path)
		return xstrdup(o->lock_path);
	if (o->no_lock_file)
		return NULL;
	if (file && strcmp(file, "-")) {
		const char *slash = strrchr(file, '/');
		if (slash)
			sb_add(&sb, file, (size_t)(slash - file) + 1);
	} else if (!strcmp(ctx, "-")) {
		return NULL;
	} else {
		sb_addf(&sb, "%s/", ctx);
	}
	sb_adds(&sb, "kiln.lock");
	return sb_detach(&sb, NULL);
}

static void record_build_settings(const struct pin_opts *o,
				  const struct plan_opts *po,
				  struct lockfile *lf)
{
	static const char *const names[] = { "gzip", "zstd", "none" };
	static const int levels[] = { LAYER_GZIP_LEVEL, LAYER_ZSTD_LEVEL, 0 };
	struct strbuf desc = STRBUF_INIT;
	layer_compressor_describe(o->compression, &desc);
	free(lf->platform);
	lf->platform = xstrdup(po->platform ? po->platform : plan_host_platform());
	json_decref(lf->compression);
	lf->compression = json_pack("{s:s, s:i, s:s}", "algorithm",
				    names[o->compression], "level",
				    levels[o->compression], "compressor", sb_str(&desc));
	sb_release(&desc);
}

static int open_client(const struct pin_opts *o, const struct plan_opts *po,
		       struct blobstore *bs, struct fetch_client **fc,
		       struct kerr *err)
{
	struct fetch_opts fo = { 0 };
	*fc = NULL;
	if (o->offline)
		return 0;
	fo.platform = po->platform;
	fo.insecure = o->insecure;
	fo.progress = o->progress;
	*fc = fetch_client_new(&fo, bs, err);
	return *fc ? 0 : -1;
}

int pin_plan(const struct pin_opts *o, const struct frontend_opts *fe,
	     const struct plan *p, struct blobstore *bs, struct lockfile *lf,
	     struct fetch_client **fc, struct kerr *err)
{
	char *path = pin_lock_path(o, fe);
	bool exists = false, changed = false;
	int r = path ? lockfile_read(path, lf, &exists, err) : 0;
	if (!r && exists && lf->platform && *lf->platform && fe->plan.platform &&
	    strcmp(lf->platform, fe->plan.platform) && !o->update)
		r = kerr_set(err, KERR_BUILD, "%s is for platform %s, not %s (use kiln lock --update)",
			     path, lf->platform, fe->plan.platform);
	if (!r)
		r = open_client(o, &fe->plan, bs, fc, err);
	struct resolve_opts ro = { p, *fc, o->update, o->locked };
	if (!r)
		r = resolve_plan(&ro, lf, &changed, err);
	if (!r && path && (changed || o->write_always)) {
		record_build_settings(o, &fe->plan, lf);
		r = lockfile_write(path, lf, err);
	}
	free(path);
	return r;
}
