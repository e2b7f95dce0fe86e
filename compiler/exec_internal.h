/* exec_internal: what the executor's files share: a stage's state while it
 * is built and the step handlers. Not for other layers. */
#ifndef KILN_EXEC_INTERNAL_H
#define KILN_EXEC_INTERNAL_H

#include <pthread.h>

#include "exec.h"
#include "copy.h"
#include "image_tree.h"

struct stage_state {
	struct fs_tree root;   /* the stage's files: all its layers applied */
	json_t *config;        /* the image config's "config" object */
	json_t *history;       /* array */
	json_t *diff_ids;      /* array of "sha256:..." */
	json_t *layers;        /* array of layer descriptors */
	char *author;          /* MAINTAINER */
	bool cmd_inherited;    /* Cmd came from the base: ENTRYPOINT resets it */
	bool built;
	struct image_tree *img; /* registry base: file bytes still in layers */
	char *base_name;        /* registry base image, for the annotations */
	char *base_digest;
	char key[DIGEST_BUFSZ]; /* the cache chain key at the stage's end */
};

/* An image named by COPY --from=<image>, loaded once. */
struct exec_image {
	char *key;
	struct stage_state st;
};

/* What the threads building stages share; lock guards all of it, and is
 * held everywhere but around the long parts (a RUN's sandbox, compressing
 * a layer), which touch only their own data. */
struct exec_shared {
	struct stage_state *states; /* one per plan stage */
	bool *started;
	struct exec_image *images;
	size_t nimages;
	int tmp_seq;                /* names of scratch files */
	int step, steps;            /* progress: [step/steps] */
	bool parallel;
	bool failed;
	struct kerr error;          /* the first failure */
	pthread_mutex_t lock;
	pthread_cond_t done;        /* a stage finished */
};

struct exec_ctx {
	const struct exec_opts *o;
	struct exec_shared *sh;
	struct stage_state *st;     /* the stage being built */
	const struct plan_stage *ps;
	int step;                   /* this step's number */
	struct env_list args;       /* the ARGs in scope in this stage */
	char key[DIGEST_BUFSZ];     /* the cache chain key so far */
	const char *line;           /* the step's progress text */
	bool printed;               /* its progress line is out */
};

/* Around the long parts of a step when stages build in parallel. */
void exec_unlock(struct exec_ctx *c);
void exec_relock(struct exec_ctx *c);

/* A step handler; -1 with err set (without the file:line prefix). */
typedef int (*step_fn)(struct exec_ctx *c, const struct plan_ins *ins,
		       struct kerr *err);

int exec_copy(struct exec_ctx *c, const struct plan_ins *ins, struct kerr *err);
int exec_run(struct exec_ctx *c, const struct plan_ins *ins, struct kerr *err);
int exec_workdir(struct exec_ctx *c, const struct plan_ins *ins, struct kerr *err);
/* The metadata-only steps (ENV, LABEL, CMD...): config changes only. */
step_fn exec_meta_handler(const char *keyword);

/* Commits the entries of one step as a layer onto the stage (adds the
 * missing ancestor directories, owned by uid:gid; writes the blob, records
 * the diffID). */
int exec_commit_layer(struct exec_ctx *c, struct fs_tree *layer,
		      unsigned uid, unsigned gid, struct kerr *err);
/* The stage's WorkingDir, "/" when unset. */
const char *exec_workdir_of(const struct stage_state *st);
/* Resolves p against the working dir; cleaned, relative to the root ("" =
 * root); *is_dir when p ends in "/" or "/.". */
char *exec_resolve_path(const struct stage_state *st, const char *p,
			bool *is_dir);
/* Starts s from the registry image ref (pinned by the lock): config
 * inherited, layers reused as blobs, file metadata read from them. */
int exec_base_image(struct exec_ctx *c, const char *ref,
		    struct stage_state *s, struct kerr *err);
/* Cache keys (exec_cache.c): the stage's start, one instruction, the
 * content a step writes. */
void exec_key_init(struct exec_ctx *c, const struct plan_stage *ps);
void exec_key_step(struct exec_ctx *c, const struct plan_ins *ins);
int exec_key_entries(struct exec_ctx *c, const struct fs_tree *layer,
		     struct kerr *err);
/* The step's progress line, once: "[3/7] CACHED COPY ...". */
void exec_progress(struct exec_ctx *c, bool cached);
/* created_by as BuildKit writes it: the instruction after expansion. */
char *exec_created_by(const struct plan_ins *ins);
/* RUN: the layer the cache holds for the current key, if any (applied to
 * the stage when there is one). */
int exec_reuse_layer(struct exec_ctx *c, bool *hit, struct kerr *err);
/* RUN: commits the layer under the current key without a content key. */
int exec_commit_keyed(struct exec_ctx *c, struct fs_tree *layer,
		      struct kerr *err);
/* Makes digest present in the blob store: from the --vendor layout, else
 * the registry of ref (verified either way). */
int exec_ensure_blob(struct exec_ctx *c, const char *ref, const char *digest,
		     uint64_t size, struct kerr *err);
/* ADD <url>: the pinned download as one file (mode 0600, as Docker). */
int exec_add_url(struct exec_ctx *c, const struct plan_ins *ins,
		 const char *url, const struct copy_opts *o,
		 struct fs_tree *out, struct kerr *err);
/* ADD <git repository>[#ref[:subdir]]: the pinned commit's tree. */
int exec_add_git(struct exec_ctx *c, const char *src, const struct copy_opts *o,
		 struct fs_tree *out, struct kerr *err);
/* Reads the bytes of s's files at or below prefix out of its layers. */
int exec_stage_content(struct exec_ctx *c, struct stage_state *s,
		       const char *prefix, struct kerr *err);
/* The state of the image named by COPY --from=<image>. */
int exec_image_state(struct exec_ctx *c, const char *ref,
		     struct stage_state **out, struct kerr *err);
void exec_state_clear(struct stage_state *s);
/* Adds the default PATH to a config's Env, as BuildKit does. */
void exec_default_path(json_t *config);
/* Unpacks the tar archive at path (any compression) under dest into out;
 * 0 done, 1 not an archive, -1 error. */
int add_archive(struct exec_ctx *c, const char *path, const char *dest,
		struct fs_tree *out, struct kerr *err);

#endif
