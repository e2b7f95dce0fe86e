/* df_args: per-instruction argument parsers (see df_args.h). */
#include "df_args.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

typedef int (*arg_parser)(const char *rest, char escape, struct df_node **next,
			  bool *json, struct kerr *err);

/* reWhitespace in BuildKit: [\t\v\f\r ] (no newline). */
static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

static void append(struct df_node ***tail, const char *s, size_t len)
{
	**tail = df_node_new(s, len);
	*tail = &(**tail)->next;
}

/* extractBuilderFlags: leading --words; "--" ends them; backslash escapes
 * and quotes are removed. Returns where the arguments begin. */
static const char *extract_flags(const char *line, struct strlist *flags)
{
	struct strbuf word = STRBUF_INIT;
	const char *p = line;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (p[0] != '-' || p[1] != '-')
			break;
		bool blank_ok = false;
		char quote = 0;
		sb_reset(&word);
		for (; *p && (quote || !isspace((unsigned char)*p)); p++) {
			if (quote && *p == quote) {
				quote = 0;
			} else if (!quote && (*p == '\'' || *p == '"')) {
				quote = *p;
				blank_ok = true;
			} else if (*p == '\\') {
				if (p[1])
					sb_addc(&word, *++p);
			} else {
				sb_addc(&word, *p);
			}
		}
		if (!strcmp(sb_str(&word), "--")) {
			sb_release(&word);
			return p;
		}
		if (word.len || blank_ok)
			strlist_push(flags, sb_str(&word));
	}
	sb_release(&word);
	return p;
}

void df_parse_words(const char *rest, char escape, struct strlist *out)
{
	struct strbuf w = STRBUF_INIT;
	bool in_word = false, blank_ok = false;
	char quote = 0;
	for (const char *p = rest;; p++) {
		if (!*p || (!quote && isspace((unsigned char)*p))) {
			if (in_word && (blank_ok || w.len))
				strlist_push(out, sb_str(&w));
			sb_reset(&w);
			in_word = blank_ok = false;
			quote = 0;
			if (!*p)
				break;
			continue;
		}
		in_word = true;
		if (quote && *p == quote)
			quote = 0;
		else if (!quote && (*p == '\'' || *p == '"'))
			quote = *p, blank_ok = true;
		if (*p == escape && quote != '\'') {
			if (!p[1])
				continue;
			sb_addc(&w, *p++);
		}
		sb_addc(&w, *p);
	}
	sb_release(&w);
}

int df_parse_json_array(const char *rest, struct df_node **out,
			struct kerr *err)
{
	while (isspace((unsigned char)*rest))
		rest++;
	*out = NULL;
	if (*rest != '[')
		return 0;
	json_t *arr = json_loads(rest, JSON_ALLOW_NUL, NULL);
	if (!json_is_array(arr)) {
		json_decref(arr);
		return 0;
	}
	struct df_node **tail = out;
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		if (!json_is_string(v)) {
			json_decref(arr);
			df_node_free(*out);
			*out = NULL;
			return kerr_set(err, KERR_USAGE,
					"JSON array must contain only strings");
		}
		append(&tail, json_string_value(v), json_string_length(v));
	}
	json_decref(arr);
	return 1;
}

static int parse_whitespace_list(const char *rest, char escape,
				 struct df_node **next, bool *json,
				 struct kerr *err)
{
	(void)escape, (void)json, (void)err;
	struct df_node **tail = next;
	const char *p = rest;
	if (!*rest)
		return 0;
	for (;;) {
		const char *start = p;
		while (*p && !is_ws(*p))
			p++;
		append(&tail, start, (size_t)(p - start));
		if (!*p)
			return 0;
		while (is_ws(*p))
			p++;
	}
}

static int parse_maybe_json(const char *rest, char escape,
			    struct df_node **next, bool *json,
			    struct kerr *err)
{
	(void)escape;
	if (!*rest)
		return 0;
	int r = df_parse_json_array(rest, next, err);
	if (r < 0)
		return -1;
	*json = r == 1;
	if (!r)
		*next = df_node_new(rest, strlen(rest));
	return 0;
}

static int parse_maybe_json_list(const char *rest, char escape,
				 struct df_node **next, bool *json,
				 struct kerr *err)
{
	int r = df_parse_json_array(rest, next, err);
	if (r < 0)
		return -1;
	*json = r == 1;
	return r ? 0 : parse_whitespace_list(rest, escape, next, json, err);
}

static int parse_string(const char *rest, char escape, struct df_node **next,
			bool *json, struct kerr *err)
{
	(void)escape, (void)json, (void)err;
	if (*rest)
		*next = df_node_new(rest, strlen(rest));
	return 0;
}

static int parse_ignore(const char *rest, char escape, struct df_node **next,
			bool *json, struct kerr *err)
{
	(void)rest, (void)escape, (void)json, (void)err;
	*next = df_node_new("", 0);
	return 0;
}

/* ENV and LABEL: "k=v k2=v2" triples (k v "="), or the legacy "k rest". */
static int parse_name_val(const char *rest, char escape, struct df_node **next,
			  const char *what, struct kerr *err)
{
	struct strlist words = STRLIST_INIT;
	struct df_node **tail = next;
	df_parse_words(rest, escape, &words);
	int ret = 0;
	if (words.n && !strchr(words.v[0], '=')) {
		const char *p = rest;
		while (*p && !is_ws(*p))
			p++;
		const char *val = p;
		while (is_ws(*val))
			val++;
		if (!*p || p == rest)
			ret = kerr_set(err, KERR_USAGE,
				       "%s must have two arguments", what);
		else {
			append(&tail, rest, (size_t)(p - rest));
			append(&tail, val, strlen(val));
			append(&tail, "", 0);
		}
	} else {
		for (size_t i = 0; i < words.n && !ret; i++) {
			char *eq = strchr(words.v[i], '=');
			if (!eq) {
				ret = kerr_set(err, KERR_USAGE,
					       "Syntax error - can't find = in \"%s\". Must be of the form: name=value",
					       words.v[i]);
				break;
			}
			append(&tail, words.v[i], (size_t)(eq - words.v[i]));
			append(&tail, eq + 1, strlen(eq + 1));
			append(&tail, "=", 1);
		}
	}
	strlist_clear(&words);
	if (ret) {
		df_node_free(*next);
		*next = NULL;
	}
	return ret;
}

static int parse_env(const char *rest, char escape, struct df_node **next,
		     bool *json, struct kerr *err)
{
	(void)json;
	return parse_name_val(rest, escape, next, "ENV", err);
}

static int parse_label(const char *rest, char escape, struct df_node **next,
		       bool *json, struct kerr *err)
{
	(void)json;
	return parse_name_val(rest, escape, next, "LABEL", err);
}

static int parse_name_or_name_val(const char *rest, char escape,
				  struct df_node **next, bool *json,
				  struct kerr *err)
{
	(void)json, (void)err;
	struct strlist words = STRLIST_INIT;
	struct df_node **tail = next;
	df_parse_words(rest, escape, &words);
	for (size_t i = 0; i < words.n; i++)
		append(&tail, words.v[i], strlen(words.v[i]));
	strlist_clear(&words);
	return 0;
}

static int parse_health(const char *rest, char escape, struct df_node **next,
			bool *json, struct kerr *err)
{
	size_t sep = 0;
	while (rest[sep] && !isspace((unsigned char)rest[sep]))
		sep++;
	if (!sep)
		return 0;
	const char *cmd = rest + sep;
	while (isspace((unsigned char)*cmd))
		cmd++;
	*next = df_node_new(rest, sep);
	return parse_maybe_json(cmd, escape, &(*next)->next, json, err);
}

static int parse_sub_command(const char *rest, char escape,
			     struct df_node **next, bool *json,
			     struct kerr *err)
{
	(void)json;
	struct df_node *child;
	if (!*rest)
		return 0;
	if (df_node_from_line(rest, escape, &child, err) < 0)
		return -1;
	*next = df_node_new("", 0);
	df_node_add_child(*next, child);
	return 0;
}

static const struct {
	const char *name;
	arg_parser fn;
} dispatch[] = {
	{ "add", parse_maybe_json_list },
	{ "arg", parse_name_or_name_val },
	{ "cmd", parse_maybe_json },
	{ "copy", parse_maybe_json_list },
	{ "entrypoint", parse_maybe_json },
	{ "env", parse_env },
	{ "expose", parse_whitespace_list },
	{ "from", parse_whitespace_list },
	{ "healthcheck", parse_health },
	{ "label", parse_label },
	{ "maintainer", parse_string },
	{ "onbuild", parse_sub_command },
	{ "run", parse_maybe_json },
	{ "shell", parse_maybe_json },
	{ "stopsignal", parse_string },
	{ "user", parse_string },
	{ "volume", parse_maybe_json_list },
	{ "workdir", parse_string },
};

static arg_parser find_parser(const char *keyword)
{
	for (size_t i = 0; i < sizeof(dispatch) / sizeof(dispatch[0]); i++)
		if (!strcmp(dispatch[i].name, keyword))
			return dispatch[i].fn;
	return parse_ignore;
}

/* Trims Go-TrimSpace-style (ASCII) blanks off the end of s in place. */
static void rtrim(char *s)
{
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

int df_node_from_line(const char *line, char escape, struct df_node **out,
		      struct kerr *err)
{
	while (isspace((unsigned char)*line))
		line++;
	size_t klen = 0;
	while (line[klen] && !is_ws(line[klen]))
		klen++;
	struct df_node *node = df_node_new(line, klen);
	for (size_t i = 0; i < klen; i++)
		node->value[i] = (char)tolower((unsigned char)node->value[i]);
	node->original = xstrdup(line);
	char *rest = xstrdup(extract_flags(line + klen, &node->flags));
	rtrim(rest);
	const char *args = rest;
	while (isspace((unsigned char)*args))
		args++;
	int r = find_parser(node->value)(args, escape, &node->next,
					  &node->json, err);
	free(rest);
	if (r < 0) {
		df_node_free(node);
		return -1;
	}
	*out = node;
	return 0;
}
