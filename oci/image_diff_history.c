/* image_diff_history: two build histories aligned the way `diff` aligns
 * lines (longest common subsequence of whole entries), so that one step
 * inserted early does not make every later step look changed. */
#include <stdlib.h>
#include <string.h>

#include "image_diff_internal.h"
#include "strbuf.h"

/* Past this many cells the table is not worth it: position by position. */
#define LCS_CELLS_MAX (4u * 1024 * 1024)

static char **keys_of(json_t *h, size_t n)
{
	char **k = xcalloc(n + 1, sizeof(*k));
	for (size_t i = 0; i < n; i++) {
		k[i] =
		    json_dumps(json_array_get(h, i),
			       JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);
		if (!k[i])
			k[i] = xstrdup("");
	}
	return k;
}

static void free_keys(char **k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(k[i]);
	free(k);
}

static void add_step(json_t *h, size_t i, const char *change,
		     struct image_diff_result *r)
{
	json_array_append_new(r->history,
			      json_pack("{s:s, s:I, s:O}", "change", change,
					"index", (json_int_t)i, "entry",
					json_array_get(h, i)));
}

/* t[i][j]: length of the common subsequence of a[i..] and b[j..]. */
static unsigned *lcs_table(char **ka, size_t n, char **kb, size_t m)
{
	unsigned *t = xcalloc((n + 1) * (m + 1), sizeof(*t));
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;) {
			unsigned down = t[(i + 1) * (m + 1) + j];
			unsigned right = t[i * (m + 1) + j + 1];
			t[i * (m + 1) + j] =
			    !strcmp(ka[i], kb[j])
				? t[(i + 1) * (m + 1) + j + 1] + 1
				: (down > right ? down : right);
		}
	return t;
}

/* Walks the table; a replaced step comes out as its removal, then the
 * addition of the new one. Without a table, steps pair by position. */
static void walk(json_t *a, char **ka, size_t n, json_t *b, char **kb, size_t m,
		 const unsigned *t, struct image_diff_result *r)
{
	size_t i = 0, j = 0;
	while (i < n || j < m) {
		if (i < n && j < m && !strcmp(ka[i], kb[j])) {
			i++, j++;
		} else if (i < n && (j >= m || (t ? t[(i + 1) * (m + 1) + j] >=
							t[i * (m + 1) + j + 1]
						  : true))) {
			add_step(a, i++, "removed", r);
			if (!t && j < m)
				add_step(b, j++, "added", r);
		} else {
			add_step(b, j++, "added", r);
		}
	}
}

void image_diff_history(json_t *a, json_t *b, struct image_diff_result *r)
{
	size_t n = json_array_size(a), m = json_array_size(b);
	char **ka = keys_of(a, n), **kb = keys_of(b, m);
	unsigned *t = NULL;
	if (!r->history)
		r->history = json_array();
	if ((n + 1) * (m + 1) <= LCS_CELLS_MAX)
		t = lcs_table(ka, n, kb, m);
	walk(a, ka, n, b, kb, m, t, r);
	free(t);
	free_keys(ka, n);
	free_keys(kb, m);
}
