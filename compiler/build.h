/* build: `kiln build` end to end: front end, executor, image tarball.
 * The one library call cmd/ makes for it. */
#ifndef KILN_BUILD_H
#define KILN_BUILD_H

#include "../oci/layer.h"
#include "frontend.h"

struct build_opts {
	struct frontend_opts fe;     /* context "-": Dockerfile on stdin */
	struct strlist tags;         /* as given: "app", "reg:5000/x:1" */
	const char *output;          /* default "image.tar" */
	const char *cache_dir;       /* NULL: $XDG_CACHE_HOME/kiln */
	const char *epoch;           /* --source-date-epoch, else env, else 0 */
	enum layer_compression compression;
	bool quiet;
};

int build_run(struct build_opts *o, struct kerr *err);
/* SOURCE_DATE_EPOCH must be a plain decimal integer. */
int build_parse_epoch(const char *s, int64_t *out, struct kerr *err);
void build_opts_clear(struct build_opts *o);

#endif
