/* df_node: syntax tree nodes, their ownership and BuildKit's dump format. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "df_ast.h"

struct df_node *df_node_new(const char *value, size_t len)
{
	struct df_node *n = xcalloc(1, sizeof(*n));
	n->value = xmemdup0(value ? value : "", value ? len : 0);
	n->value_len = value ? len : 0;
	return n;
}

void df_heredoc_clear(struct df_heredoc *h)
{
	free(h->name);
	free(h->content);
	memset(h, 0, sizeof(*h));
}

void df_node_free(struct df_node *node)
{
	while (node) {
		struct df_node *next = node->next;
		free(node->value);
		free(node->original);
		strlist_clear(&node->flags);
		for (size_t i = 0; i < node->nchildren; i++)
			df_node_free(node->children[i]);
		free(node->children);
		for (size_t i = 0; i < node->nheredocs; i++)
			df_heredoc_clear(&node->heredocs[i]);
		free(node->heredocs);
		free(node);
		node = next;
	}
}

void df_node_add_child(struct df_node *parent, struct df_node *child)
{
	parent->children = xreallocarray(parent->children,
					 parent->nchildren + 1,
					 sizeof(*parent->children));
	parent->children[parent->nchildren++] = child;
	if (parent->start_line < 0 || parent->nchildren == 1)
		parent->start_line = child->start_line;
	parent->end_line = child->end_line;
}

/* Go's strings.TrimSpace on the ASCII whitespace a dump can hold. */
static void trim_space(struct strbuf *sb, size_t from)
{
	size_t start = from;
	while (start < sb->len && isspace((unsigned char)sb->buf[start]))
		start++;
	size_t end = sb->len;
	while (end > start && isspace((unsigned char)sb->buf[end - 1]))
		end--;
	memmove(sb->buf + from, sb->buf + start, end - start);
	sb->len = from + (end - start);
	sb->buf[sb->len] = '\0';
}

void df_node_dump(const struct df_node *node, struct strbuf *out)
{
	size_t from = out->len;
	for (size_t i = 0; i < node->value_len; i++)
		sb_addc(out, (char)tolower((unsigned char)node->value[i]));
	if (node->flags.n) {
		sb_adds(out, " [");
		for (size_t i = 0; i < node->flags.n; i++) {
			if (i)
				sb_addc(out, ' ');
			go_quote(out, node->flags.v[i],
				 strlen(node->flags.v[i]));
		}
		sb_addc(out, ']');
	}
	for (size_t i = 0; i < node->nchildren; i++) {
		sb_addc(out, '(');
		df_node_dump(node->children[i], out);
		sb_adds(out, ")\n");
	}
	for (const struct df_node *n = node->next; n; n = n->next) {
		sb_addc(out, ' ');
		if (n->nchildren)
			df_node_dump(n, out);
		else
			go_quote(out, n->value, n->value_len);
	}
	sb_grow(out, 0);
	trim_space(out, from);
}
