/* exec_cache: the build cache's keys (DESIGN.md §5). A chain key runs
 * through each stage: its base (scratch, an image's manifest digest, or
 * the stage it continues), then every instruction after expansion with the
 * platform and the ARGs in scope. A step that writes files adds the digest
 * of what it writes (paths, types, modes, owners, link targets, contents;
 * never mtimes); RUN is keyed by its instruction alone. */
#include <stdio.h>
#include <string.h>

#include "../oci/digest.h"
#include "exec_internal.h"

static void add_str(struct sha256 *h, const char *s)
{
	sha256_update(h, s ? s : "", (s ? strlen(s) : 0) + 1);
}

void exec_key_init(struct exec_ctx *c, const struct plan_stage *ps)
{
	struct sha256 h;
	sha256_init(&h);
	char settings[64];
	/* A layer's bytes depend on the mtime and the compression too. */
	snprintf(settings, sizeof(settings), "%lld %d", (long long)c->o->epoch,
		 (int)c->o->compression);
	add_str(&h, "kiln-step-cache-v1");
	add_str(&h, c->o->platform);
	add_str(&h, settings);
	if (ps->base_stage >= 0)
		add_str(&h, c->sh->states[ps->base_stage].key);
	else
		add_str(&h, c->st->base_digest ? c->st->base_digest : ps->base);
	sha256_final(&h, c->key);
}

void exec_key_step(struct exec_ctx *c, const struct plan_ins *ins)
{
	struct sha256 h;
	char *by = exec_created_by(ins);
	sha256_init(&h);
	add_str(&h, c->key);
	add_str(&h, by);
	for (size_t i = 0; ins->heredoc_bodies && ins->heredoc_bodies[i]; i++)
		add_str(&h, ins->heredoc_bodies[i]);
	for (size_t i = 0; i < c->args.keys.n; i++) {
		add_str(&h, c->args.keys.v[i]);
		add_str(&h, c->args.vals.v[i]);
	}
	sha256_final(&h, c->key);
	free(by);
}

/* The content key of a layer's entries, folded into the chain key. */
int exec_key_entries(struct exec_ctx *c, const struct fs_tree *layer,
		     struct kerr *err)
{
	struct sha256 h;
	sha256_init(&h);
	add_str(&h, c->key);
	for (size_t i = 0; i < layer->n; i++) {
		const struct layer_entry *e = &layer->e[i];
		char line[128], content[DIGEST_BUFSZ] = "";
		snprintf(line, sizeof(line), "%d %o %u:%u", (int)e->type, e->mode,
			 e->uid, e->gid);
		if (e->src_path && digest_file(e->src_path, content, NULL, err) < 0) {
			sha256_release(&h);
			return -1;
		}
		if (e->data) {
			struct sha256 d;
			sha256_init(&d);
			sha256_update(&d, e->data, e->size);
			sha256_final(&d, content);
		}
		add_str(&h, e->path);
		add_str(&h, line);
		add_str(&h, e->link);
		add_str(&h, content);
		for (size_t x = 0; x < e->xattrs.n; x++)
			add_str(&h, e->xattrs.v[x]);
	}
	sha256_final(&h, c->key);
	return 0;
}

void exec_progress(struct exec_ctx *c, bool cached)
{
	if (c->printed || c->o->quiet)
		return;
	fprintf(stderr, "[%d/%d] %s%s\n", c->step, c->sh->steps,
		cached ? "CACHED " : "", c->line);
	c->printed = true;
}
