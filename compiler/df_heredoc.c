/* df_heredoc: recognising heredoc words (<<EOF, <<-'EOF', 3<<X) on RUN,
 * COPY and ADD lines, as BuildKit's ParseHeredoc and heredocsFromLine do. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "df_ast.h"
#include "shell_lex.h"

static size_t count_quotes(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\'' || *s == '"';
	return n;
}

/* Matches ^(\d*)<<(-?)\s*(.*)$ with no '<' in the rest; returns the rest. */
static const char *match_heredoc(const char *w, unsigned *fd, bool *chomp)
{
	unsigned long v = 0;
	while (isdigit((unsigned char)*w)) {
		v = v < 100000000 ? v * 10 + (unsigned)(*w - '0') : v;
		w++;
	}
	if (w[0] != '<' || w[1] != '<')
		return NULL;
	w += 2;
	*chomp = *w == '-';
	w += *chomp;
	while (isspace((unsigned char)*w))
		w++;
	if (strchr(w, '<'))
		return NULL;
	*fd = (unsigned)v;
	return w;
}

int df_heredoc_word(const char *word, struct df_heredoc *out,
		    struct kerr *err)
{
	struct shlex lx = SHLEX_INIT;
	struct env_list none = ENV_LIST_INIT;
	struct strlist cooked = STRLIST_INIT, raw = STRLIST_INIT;
	unsigned fd;
	bool chomp;
	const char *rest = match_heredoc(word, &fd, &chomp);
	if (!rest || !*rest)
		return 0;
	lx.skip_unset = true;
	int ret = shlex_words(&lx, rest, &none, &cooked, err);
	if (!ret && cooked.n == 1) {
		lx.raw_quotes = true;
		ret = shlex_words(&lx, rest, &none, &raw, err);
	}
	if (!ret && cooked.n == 1 && raw.n == 1) {
		out->name = xstrdup(cooked.v[0]);
		out->content = NULL;
		out->fd = fd;
		out->chomp = chomp;
		out->expand = count_quotes(cooked.v[0]) == count_quotes(raw.v[0]);
		ret = 1;
	}
	strlist_clear(&cooked);
	strlist_clear(&raw);
	return ret;
}

/* A word that is only "<<", "<<-" or "3<<" takes the next word with it,
 * so "<< -EOF" names "-EOF" and "<<- EOF" names "EOF". */
static bool is_bare_operator(const char *w)
{
	while (isdigit((unsigned char)*w))
		w++;
	return !strcmp(w, "<<") || !strcmp(w, "<<-");
}

int df_heredocs_from_line(const char *line, struct df_heredoc **docs,
			  size_t *n, struct kerr *err)
{
	struct shlex lx = SHLEX_INIT;
	struct env_list none = ENV_LIST_INIT;
	struct strlist words = STRLIST_INIT;
	struct kerr ignored = KERR_INIT;
	int ret = 0;
	lx.raw_quotes = lx.raw_escapes = lx.skip_unset = true;
	if (shlex_words(&lx, line, &none, &words, &ignored) < 0)
		return 0;
	for (size_t i = 0; i < words.n && ret >= 0; i++) {
		struct strbuf w = STRBUF_INIT;
		struct df_heredoc h = { 0 };
		sb_adds(&w, words.v[i]);
		if (is_bare_operator(words.v[i]) && i + 1 < words.n)
			sb_addf(&w, " %s", words.v[++i]);
		ret = df_heredoc_word(sb_str(&w), &h, err);
		sb_release(&w);
		if (ret == 1) {
			*docs = xreallocarray(*docs, *n + 1, sizeof(**docs));
			(*docs)[(*n)++] = h;
		}
	}
	strlist_clear(&words);
	return ret < 0 ? -1 : 0;
}
