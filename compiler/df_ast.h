/* df_ast: the Dockerfile syntax tree, as BuildKit's parser builds it
 * (frontend/dockerfile/parser): a root whose children are instructions, each
 * a node with a lower-cased keyword, flags, an argument chain and heredocs. */
#ifndef KILN_DF_AST_H
#define KILN_DF_AST_H

#include <stdbool.h>
#include <stddef.h>

#include "../oci/kerr.h"
#include "../oci/strbuf.h"
#include "../oci/strlist.h"

struct df_heredoc {
	char *name;
	char *content; /* raw body, every line with its newline */
	unsigned fd;
	bool expand;   /* false when any part of the name was quoted */
	bool chomp;    /* <<- : leading tabs stripped */
};

struct df_node {
	char *value;       /* keyword (lower-case) or one argument */
	size_t value_len;  /* JSON arguments may hold NUL bytes */
	char *original;    /* the logical line, continuations joined */
	struct strlist flags;
	struct df_node *next;
	struct df_node **children; /* root: instructions; ONBUILD arg: one */
	size_t nchildren;
	struct df_heredoc *heredocs;
	size_t nheredocs;
	bool json;         /* the arguments were a JSON array */
	int start_line;    /* 1-based, inclusive */
	int end_line;
};

struct df_directives {
	char escape;       /* '\\' or '`' */
	char *syntax;      /* NULL when absent */
	char *check;
};

struct df_ast {
	char *file;        /* the name errors use, e.g. "Dockerfile" */
	struct df_node *root;
	struct df_directives dir;
};

/* Parses buf (len bytes, any content) into *out. file names the source in
 * errors ("Dockerfile:3: ..."). Returns 0, or -1 with err set (KERR_USAGE). */
int df_parse(const char *file, const char *buf, size_t len,
	     struct df_ast **out, struct kerr *err);
void df_ast_free(struct df_ast *ast);

/* Appends the dump of BuildKit's Node.Dump() for node. */
void df_node_dump(const struct df_node *node, struct strbuf *out);
struct df_node *df_node_new(const char *value, size_t len);
void df_node_free(struct df_node *node);
void df_node_add_child(struct df_node *parent, struct df_node *child);

/* Appends Go's strconv.Quote(s) to out. */
void go_quote(struct strbuf *out, const char *s, size_t len);

/* Heredoc helpers (BuildKit's ParseHeredoc / heredocsFromLine).
 * df_heredoc_word: 1 and *out filled when word is a heredoc, 0 when not,
 * -1 on a lexing error. */
int df_heredoc_word(const char *word, struct df_heredoc *out,
		    struct kerr *err);
/* Appends to *docs every heredoc named on line; -1 on error. */
int df_heredocs_from_line(const char *line, struct df_heredoc **docs,
			  size_t *n, struct kerr *err);
void df_heredoc_clear(struct df_heredoc *h);

#endif
