/* build: `kiln build` end to end: front end, executor, image tarball.
 * The one library call cmd/ makes for it. */
#ifndef KILN_BUILD_H
#define KILN_BUILD_H

#include "../oci/layer.h"
#include "frontend.h"
#include "pin.h"

struct build_opts {
	struct frontend_opts fe;     /* context "-": Dockerfile on stdin */
	struct strlist tags;         /* as given: "app", "reg:5000/x:1" */
	const char *output;          /* default "image.tar" */
	const char *cache_dir;       /* NULL: $XDG_CACHE_HOME/kiln */
	const char *epoch;           /* --source-date-epoch, else env, else 0 */
	bool quiet;
	struct pin_opts pin;         /* --lock, --locked, --offline... */
	const char *vendor;          /* --vendor DIR */
	bool network_none;           /* --network none */
	bool no_cache;               /* --no-cache */
	bool no_result_line;         /* verify: no "<digest> <output>" line */
	struct env_list secrets;     /* --secret id=ID,src=PATH */
};

int build_run(struct build_opts *o, struct kerr *err);
/* --secret id=ID,src=PATH (or ID=PATH). */
int build_secret(struct build_opts *o, const char *spec, struct kerr *err);
/* The default cache dir: $XDG_CACHE_HOME/kiln or ~/.cache/kiln. */
char *build_cache_dir(const char *given);
/* SOURCE_DATE_EPOCH must be a plain decimal integer. */
int build_parse_epoch(const char *s, int64_t *out, struct kerr *err);
void build_opts_clear(struct build_opts *o);

#endif
