/* build: `kiln build` end to end (see build.h). */
#include "build.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../oci/fsutil.h"
#include "../oci/reference.h"
#include "../fetch/git.h"
#include "exec.h"
#include "git_context.h"

int build_parse_epoch(const char *s, int64_t *out, struct kerr *err)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < 0 || strspn(s, "0123456789") != strlen(s))
		return kerr_set(err, KERR_USAGE,
				"SOURCE_DATE_EPOCH \"%s\" is not a plain decimal integer", s);
	*out = v;
	return 0;
}

char *build_cache_dir(const char *given)
{
	if (given)
		return xstrdup(given);
	struct strbuf sb = STRBUF_INIT;
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (xdg && *xdg)
		sb_addf(&sb, "%s/kiln", xdg);
	else
		sb_addf(&sb, "%s/.cache/kiln", home && *home ? home : "/tmp");
	return sb_detach(&sb, NULL);
}

static int normalise_tags(const struct strlist *in, struct strlist *out,
			  struct kerr *err)
{
	for (size_t i = 0; i < in->n; i++) {
		struct oci_ref r;
		if (oci_ref_parse(in->v[i], &r, err) < 0)
			return kerr_prefix(err, "-t");
		if (r.digest) {
			oci_ref_clear(&r);
			return kerr_set(err, KERR_USAGE,
					"-t %s: a tag cannot carry a digest", in->v[i]);
		}
		strlist_push_owned(out, oci_ref_string(&r));
		oci_ref_clear(&r);
	}
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

/* The scratch dir of one build, under the cache dir. */
static char *make_tmpdir(const char *cache, struct kerr *err)
{
	struct strbuf tmp = STRBUF_INIT;
	sb_addf(&tmp, "%s/tmp", cache);
	if (fsutil_mkdir_p(tmp.buf, err) < 0) {
		sb_release(&tmp);
		return NULL;
	}
	sb_adds(&tmp, "/build-XXXXXX");
	if (!mkdtemp(tmp.buf)) {
		kerr_set(err, KERR_BUILD, "mkdtemp %s: %s", tmp.buf, strerror(errno));
		sb_release(&tmp);
		return NULL;
	}
	return sb_detach(&tmp, NULL);
}

static bool has_run(const struct plan *p)
{
	for (size_t i = 0; i < p->nstages; i++)
		for (size_t j = 0; p->stages[i].needed && j < p->stages[i].nins; j++)
			if (!strcmp(p->stages[i].ins[j].keyword, "RUN"))
				return true;
	return false;
}

int build_secret(struct build_opts *o, const char *spec, struct kerr *err)
{
	char id[256] = "", src[4096] = "";
	for (const char *p = spec; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		int n = (int)strcspn(p, ",");
		if (!strncmp(p, "id=", 3))
			snprintf(id, sizeof(id), "%.*s", n - 3, p + 3);
		else if (!strncmp(p, "src=", 4) || !strncmp(p, "source=", 7))
			snprintf(src, sizeof(src), "%.*s", n - (p[1] == 'r' ? 4 : 7), strchr(p, '=') + 1);
	}
	if (!*id || !*src)
		return kerr_set(err, KERR_USAGE, "--secret %s: want id=ID,src=PATH", spec);
	env_set(&o->secrets, id, src);
	return 0;
}

/* Everything after the plan: pin the inputs, execute, write. */
static int build_with(struct build_opts *o, const struct plan *p,
		      struct build_context *ctx, struct blobstore *bs,
		      const char *cache, const struct strlist *tags,
		      int64_t epoch, struct kerr *err)
{
	struct lockfile lf = { 0 };
	struct fetch_client *fc = NULL;
	struct oci_image_ref img = { 0 };
	char *tmp = NULL;
	int r = pin_plan(&o->pin, &o->fe, p, bs, &lf, &fc, err);
	if (!r && !(tmp = make_tmpdir(cache, err)))
		r = -1;
	struct exec_opts eo = { .plan = p, .ctx = ctx, .bs = bs, .epoch = epoch,
				.compression = o->pin.compression, .tmpdir = tmp,
				.platform = o->fe.plan.platform, .quiet = o->quiet,
				.lock = &lf, .fc = fc, .vendor = o->vendor,
				.cache_dir = cache, .secrets = &o->secrets,
				.network_none = o->network_none || o->pin.offline,
				.no_cache = o->no_cache };
	if (!r && !eo.network_none && has_run(p))
		fprintf(stderr, "kiln: warning: RUN steps have the host's network; "
				"their output may not reproduce (--network none)\n");
	if (!r)
		r = exec_build(&eo, &img, err);
	if (!r)
		r = oci_write_image_tar(bs, o->output, &img, tags, epoch, err);
	if (!r && !o->no_result_line)
		printf("%s %s\n", img.manifest_digest, o->output);
	if (tmp)
		nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(tmp);
	strlist_clear(&img.layer_digests);
	lockfile_clear(&lf);
	fetch_client_free(fc);
	return r;
}

/* Options that need checking before anything is read. */
static int check_options(struct build_opts *o, int64_t *epoch,
			 struct strlist *tags, struct kerr *err)
{
	const char *env_epoch = getenv("SOURCE_DATE_EPOCH");
	if (o->fe.context && !strcmp(o->fe.context, "-"))
		o->fe.file = "-";
	if (!o->fe.plan.platform)
		o->fe.plan.platform = plan_host_platform();
	if (!o->output)
		o->output = "image.tar";
	o->pin.progress = !o->quiet;
	if (o->pin.offline && o->pin.update)
		return kerr_set(err, KERR_USAGE, "--offline and --update exclude each other");
	if ((o->epoch || env_epoch) &&
	    build_parse_epoch(o->epoch ? o->epoch : env_epoch, epoch, err) < 0)
		return -1;
	return normalise_tags(&o->tags, tags, err);
}

int build_run(struct build_opts *o, struct kerr *err)
{
	struct df_ast *ast = NULL;
	struct plan *p = NULL;
	struct build_context ctx;
	struct strlist tags = STRLIST_INIT;
	struct blobstore *bs = NULL;
	int64_t epoch = 0;
	char *cache = build_cache_dir(o->cache_dir);
	bool stdin_ctx = o->fe.context && !strcmp(o->fe.context, "-");
	char *git_dir = NULL;
	memset(&ctx, 0, sizeof(ctx));
	int r = check_options(o, &epoch, &tags, err);
	if (!r && fetch_git_is_source(o->fe.context)) {
		r = git_context_checkout(o->fe.context, cache, o->quiet, &git_dir, err);
		o->fe.context = git_dir;
		o->pin.no_lock_file = true; /* nowhere to keep it */
	}
	if (!r)
		r = frontend_parse(&o->fe, &ast, err);
	if (!r)
		r = plan_build(ast, &o->fe.plan, &p, err);
	for (size_t i = 0; !r && i < p->unused_build_args.n; i++)
		fprintf(stderr, "kiln: warning: build-arg %s was not consumed\n",
			p->unused_build_args.v[i]);
	if (!r)
		r = context_open(&ctx, stdin_ctx ? NULL : o->fe.context, err);
	if (!r && !(bs = blobstore_open(cache, err)))
		r = -1;
	if (!r)
		r = build_with(o, p, &ctx, bs, cache, &tags, epoch, err);
	blobstore_free(bs);
	context_close(&ctx);
	if (git_dir)
		nftw(git_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(git_dir);
	plan_free(p);
	df_ast_free(ast);
	strlist_clear(&tags);
	free(cache);
	return r;
}

void build_opts_clear(struct build_opts *o)
{
	frontend_opts_clear(&o->fe);
	strlist_clear(&o->tags);
	strlist_clear(&o->pin.insecure);
	env_clear(&o->secrets);
}
