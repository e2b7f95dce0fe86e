/* image_diff_text: a diff result for people (see image_diff.h): the two
 * images, the field differences, each layer (same, or what differs in it),
 * the history steps that explain it, and the count. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "image_diff_internal.h"
#include "strbuf.h"

#define SHORT_HEX 12
#define CREATED_BY_MAX 100

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static long long num(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* One line: control characters become spaces; long text is cut. */
static void put_text(FILE *out, const char *s, size_t max)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n && i < max; i++)
		fputc(iscntrl((unsigned char)s[i]) ? ' ' : s[i], out);
	if (n > max)
		fputs("...", out);
}

static void put_json(FILE *out, json_t *v)
{
	char *s =
	    json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	put_text(out, s ? s : "?", 400);
	free(s);
}

static bool is_ident(const char *k)
{
	if (!*k || isdigit((unsigned char)*k))
		return false;
	for (; *k; k++)
		if (!isalnum((unsigned char)*k) && *k != '_')
			return false;
	return true;
}

/* Labels.version, Env.PATH, manifest.annotations["a.b"], architecture:
 * the container config's own keys go without their "config." prefix. */
static void put_path(FILE *out, const struct image_difference *d)
{
	size_t i = 0, n = json_array_size(d->path);
	const char *top = json_string_value(json_array_get(d->path, 0));
	bool first = true;
	if (!strcmp(d->document, "manifest"))
		fputs("manifest", out), first = false;
	else if (n > 1 && top && !strcmp(top, "config"))
		i = 1;
	for (; i < n; i++, first = false) {
		json_t *k = json_array_get(d->path, i);
		if (json_is_integer(k))
			fprintf(out, "[%lld]",
				(long long)json_integer_value(k));
		else if (is_ident(json_string_value(k)))
			fprintf(out, "%s%s", first ? "" : ".",
				json_string_value(k));
		else
			fputc('[', out), put_json(out, k), fputc(']', out);
	}
}

static void put_field(FILE *out, const struct image_difference *d)
{
	fputs(d->change == IMAGE_DIFF_ADDED	? "+ "
	      : d->change == IMAGE_DIFF_REMOVED ? "- "
						: "~ ",
	      out);
	put_path(out, d);
	fputs(": ", out);
	put_json(out, d->a ? d->a : d->b);
	if (d->a && d->b)
		fputs(" -> ", out), put_json(out, d->b);
	fputc('\n', out);
}

static void put_digest(FILE *out, const char *d, bool shorten)
{
	int n = (int)strlen(d);
	if (shorten && n > DIGEST_PREFIX_LEN + SHORT_HEX)
		n = DIGEST_PREFIX_LEN + SHORT_HEX;
	fprintf(out, "%.*s", n, d);
}

static void put_document(FILE *out, const struct image_difference *d)
{
	fprintf(
	    out,
	    "~ %s: the same fields in other bytes (key order or formatting): ",
	    d->document);
	fprintf(out, "%s -> %s\n", json_string_value(d->a),
		json_string_value(d->b));
}

/* "file 0644 0:0, 6 bytes", "symlink 0777 0:0 -> target" */
static void put_entry(FILE *out, json_t *f)
{
	fprintf(out, "%s %s %lld:%lld", str(f, "type"), str(f, "mode"),
		num(f, "uid"), num(f, "gid"));
	if (json_object_get(f, "size"))
		fprintf(out, ", %lld bytes", num(f, "size"));
	if (json_object_get(f, "link"))
		fputs(" -> ", out), put_text(out, str(f, "link"), 400);
	if (json_object_get(f, "device"))
		fprintf(out, ", device %s", str(f, "device"));
	fputc('\n', out);
}

/* The JSON keys of type, mode, mtime, link and device are the names of
 * their attributes; content, owner and xattrs take more than one key. */
static void put_attr(FILE *out, unsigned bit, json_t *a, json_t *b)
{
	const char *name = diff_attr_name(bit);
	json_t *none = json_object(), *xa, *xb;
	fprintf(out, "%s ", name);
	if (bit == DIFF_ATTR_CONTENT) {
		put_digest(out, str(a, "digest"), true);
		fprintf(out, " (%lld bytes) -> ", num(a, "size"));
		put_digest(out, str(b, "digest"), true);
		fprintf(out, " (%lld bytes)", num(b, "size"));
	} else if (bit == DIFF_ATTR_OWNER) {
		fprintf(out, "%lld:%lld -> %lld:%lld", num(a, "uid"),
			num(a, "gid"), num(b, "uid"), num(b, "gid"));
	} else if (bit == DIFF_ATTR_XATTRS) {
		xa = json_object_get(a, "xattrs");
		xb = json_object_get(b, "xattrs");
		put_json(out, xa ? xa : none);
		fputs(" -> ", out);
		put_json(out, xb ? xb : none);
	} else {
		put_text(out, str(a, name), 200);
		fputs(" -> ", out);
		put_text(out, str(b, name), 200);
	}
	json_decref(none);
}

static void put_file(FILE *out, const struct image_difference *d)
{
	fprintf(out, "  %c ",
		d->change == IMAGE_DIFF_ADDED	  ? '+'
		: d->change == IMAGE_DIFF_REMOVED ? '-'
						  : '~');
	put_text(out, d->file, 4096);
	fputs(": ", out);
	if (d->change != IMAGE_DIFF_CHANGED) {
		put_entry(out, d->a ? d->a : d->b);
		return;
	}
	const char *sep = "";
	for (unsigned bit = 1; bit < 1u << DIFF_ATTR_COUNT; bit <<= 1) {
		if (!(d->attrs & bit))
			continue;
		fputs(sep, out);
		put_attr(out, bit, d->a, d->b);
		sep = "; ";
	}
	fputc('\n', out);
}

static void put_created_by(FILE *out, const struct image_diff_layer *l)
{
	json_t *s = l->b ? l->b : l->a;
	if (!json_object_get(s, "createdBy"))
		return;
	fputs(" (", out);
	put_text(out, str(s, "createdBy"), CREATED_BY_MAX);
	fputc(')', out);
}

static void put_layer_diff(FILE *out, const struct image_diff_result *r,
			   const struct image_difference *d)
{
	const struct image_diff_layer *l = &r->layers[d->layer];
	switch (d->change) {
	case IMAGE_DIFF_COMPRESSED:
		fprintf(out,
			"~ layer %zu: compressed bytes differ (compressor), "
			"content identical (diffID %s): %s -> %s",
			d->layer, str(d->a, "diffID"), str(d->a, "digest"),
			str(d->b, "digest"));
		if (strcmp(str(d->a, "mediaType"), str(d->b, "mediaType")))
			fprintf(out, ", %s -> %s", str(d->a, "mediaType"),
				str(d->b, "mediaType"));
		break;
	case IMAGE_DIFF_TAR:
		fprintf(out,
			"  ~ the same entries, other tar bytes (entry order or "
			"headers): diffID %s -> %s",
			str(d->a, "diffID"), str(d->b, "diffID"));
		break;
	default: {
		bool added = d->change == IMAGE_DIFF_ADDED;
		json_t *s = added ? d->b : d->a;
		fprintf(out,
			"%c layer %zu: only in %s: %s, %lld entr%s, %lld bytes",
			added ? '+' : '-', d->layer,
			added ? r->b.name : r->a.name, str(s, "digest"),
			num(s, "entries"), num(s, "entries") == 1 ? "y" : "ies",
			num(s, "bytes"));
		put_created_by(out, l);
	}
	}
	fputc('\n', out);
}

static void put_layer(FILE *out, const struct image_diff_result *r, size_t i)
{
	const struct image_diff_layer *l = &r->layers[i];
	if (l->status == IMAGE_LAYER_SAME) {
		fprintf(out, "layer %zu: same %s", i, str(l->a, "digest"));
		put_created_by(out, l);
		fputc('\n', out);
	} else if (l->status == IMAGE_LAYER_CONTENT) {
		fprintf(out, "layer %zu: content differs: %s -> %s", i,
			str(l->a, "digest"), str(l->b, "digest"));
		put_created_by(out, l);
		fputc('\n', out);
	}
	for (size_t k = l->first; k < l->first + l->n; k++) {
		if (r->v[k].kind == IMAGE_DIFF_FILE)
			put_file(out, &r->v[k]);
		else
			put_layer_diff(out, r, &r->v[k]);
	}
}

/* A step removed and added with the same created_by differs elsewhere:
 * the whole entry says where. */
static bool same_step_both_ways(json_t *history, json_t *h)
{
	const char *by = str(json_object_get(h, "entry"), "created_by");
	size_t i;
	json_t *o;
	json_array_foreach(history, i, o)
	{
		const char *other =
		    str(json_object_get(o, "entry"), "created_by");
		if (strcmp(str(o, "change"), str(h, "change")) &&
		    !strcmp(other, by))
			return true;
	}
	return false;
}

static void put_history(FILE *out, json_t *history)
{
	size_t i;
	json_t *h;
	if (!json_array_size(history))
		return;
	fputs("history (the build steps behind the differences):\n", out);
	json_array_foreach(history, i, h)
	{
		json_t *e = json_object_get(h, "entry");
		fprintf(out, "  %c ",
			strcmp(str(h, "change"), "added") ? '-' : '+');
		if (json_object_get(e, "created_by") &&
		    !same_step_both_ways(history, h))
			put_text(out, str(e, "created_by"), CREATED_BY_MAX);
		else
			put_json(out, e);
		fputc('\n', out);
	}
}

static void put_side(FILE *out, const char *mark,
		     const struct image_diff_side *s)
{
	fprintf(out, "%s %s: manifest %s, config %s, %s, %zu layer%s\n", mark,
		s->name, s->manifest, s->config, s->platform, s->layers,
		s->layers == 1 ? "" : "s");
}

void image_diff_print_text(FILE *out, const struct image_diff_result *r)
{
	if (r->identical) {
		fprintf(out, "%s and %s are identical: manifest %s\n",
			r->a.name, r->b.name, r->a.manifest);
		return;
	}
	put_side(out, "---", &r->a);
	put_side(out, "+++", &r->b);
	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i].kind == IMAGE_DIFF_FIELD)
			put_field(out, &r->v[i]);
		else if (r->v[i].kind == IMAGE_DIFF_DOCUMENT)
			put_document(out, &r->v[i]);
	}
	for (size_t i = 0; i < r->n_layers; i++)
		put_layer(out, r, i);
	put_history(out, r->history);
	if (r->n)
		fprintf(out, "%zu difference%s\n", r->n, r->n == 1 ? "" : "s");
	else
		fputs("0 differences: only the build history differs\n", out);
}
