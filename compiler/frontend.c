/* frontend: Dockerfile loading and --build-arg handling (see frontend.h). */
#include "frontend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_stream(FILE *f, const char *name, struct strbuf *sb,
		       struct kerr *err)
{
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sb_add(sb, chunk, n);
	if (ferror(f))
		return kerr_set(err, KERR_USAGE, "%s: read error: %s", name,
				strerror(errno));
	return 0;
}

static char *dockerfile_path(const struct frontend_opts *o)
{
	const char *ctx = o->context ? o->context : ".";
	struct strbuf sb = STRBUF_INIT;
	if (o->file)
		sb_adds(&sb, o->file);
	else if (!strcmp(ctx, "."))
		sb_adds(&sb, "Dockerfile");
	else
		sb_addf(&sb, "%s%sDockerfile", ctx,
			ctx[strlen(ctx) - 1] == '/' ? "" : "/");
	return sb_detach(&sb, NULL);
}

int frontend_parse(const struct frontend_opts *o, struct df_ast **ast,
		   struct kerr *err)
{
	char *path = dockerfile_path(o);
	bool in = !strcmp(path, "-");
	struct strbuf sb = STRBUF_INIT;
	FILE *f = in ? stdin : fopen(path, "rb");
	int r;
	if (!f) {
		r = kerr_set(err, KERR_USAGE, "%s: cannot open Dockerfile: %s",
			     path, strerror(errno));
	} else {
		r = read_stream(f, path, &sb, err);
		if (!in)
			fclose(f);
	}
	if (!r)
		r = df_parse(in ? "Dockerfile" : path, sb_str(&sb), sb.len, ast,
			     err);
	sb_release(&sb);
	free(path);
	return r;
}

void frontend_build_arg(struct frontend_opts *o, const char *spec)
{
	const char *eq = strchr(spec, '=');
	if (eq) {
		char *k = xstrndup(spec, (size_t)(eq - spec));
		env_set(&o->plan.build_args, k, eq + 1);
		free(k);
	} else if (getenv(spec)) {
		env_set(&o->plan.build_args, spec, getenv(spec));
	}
}

void frontend_opts_clear(struct frontend_opts *o)
{
	env_clear(&o->plan.build_args);
}
