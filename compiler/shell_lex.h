/* shell_lex: word expansion as BuildKit's shell lexer does it
 * (frontend/dockerfile/shell/lex.go): $V, ${V}, ${V:-w} ${V-w} ${V:+w}
 * ${V+w} ${V:?m} ${V?m} ${V#p} ${V##p} ${V%p} ${V%%p} ${V/p/r} ${V//p/r},
 * single and double quotes, the escape token. Never applied to RUN, CMD or
 * ENTRYPOINT shell text. */
#ifndef KILN_SHELL_LEX_H
#define KILN_SHELL_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "../oci/kerr.h"
#include "../oci/strlist.h"
#include "env_list.h"

struct shlex {
	char escape;      /* '\\' or '`' */
	bool raw_quotes;  /* keep quote characters in the result */
	bool raw_escapes; /* keep escape tokens in the result */
	bool skip_unset;  /* leave $V / ${V} literal when V is unset */
};

#define SHLEX_INIT { '\\', false, false, false }

/* Names looked up during an expansion: found, and not found. */
struct shlex_matches {
	struct strlist matched;
	struct strlist unmatched;
};

/* ProcessWord: expands src to one string, no word splitting.
 * matches may be NULL. On error returns -1 with err set (code KERR_USAGE). */
int shlex_word(const struct shlex *lx, const char *src,
	       const struct env_list *env, char **out,
	       struct shlex_matches *matches, struct kerr *err);

/* ProcessWords: expands src and splits it on whitespace; text that came from
 * quotes is never split, an unquoted expansion is. */
int shlex_words(const struct shlex *lx, const char *src,
		const struct env_list *env, struct strlist *out,
		struct kerr *err);

void shlex_matches_clear(struct shlex_matches *m);

#endif
