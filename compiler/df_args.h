/* df_args: the per-instruction argument parsers of BuildKit's parser
 * (line_parsers.go): flags, JSON or shell form, key=value pairs, words. */
#ifndef KILN_DF_ARGS_H
#define KILN_DF_ARGS_H

#include "df_ast.h"

/* Builds the instruction node for one logical line (keyword, flags,
 * arguments). Unknown keywords give a node with one empty argument, as
 * BuildKit does; they are rejected later, by the stage planner. */
int df_node_from_line(const char *line, char escape, struct df_node **out,
		      struct kerr *err);

/* BuildKit's parseWords: quote-aware words, quotes and escapes kept. */
void df_parse_words(const char *rest, char escape, struct strlist *out);

/* Parses rest as a JSON array of strings: 1 and *out (may be NULL for an
 * empty array) when it is one, 0 when it is not JSON, -1 (err set) when it
 * is a JSON array holding a non-string. */
int df_parse_json_array(const char *rest, struct df_node **out,
			struct kerr *err);

#endif
