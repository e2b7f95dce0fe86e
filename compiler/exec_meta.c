/* exec_meta: the steps that only change the image config: ENV, LABEL,
 * EXPOSE, VOLUME, USER, CMD, ENTRYPOINT, SHELL, STOPSIGNAL, HEALTHCHECK,
 * ONBUILD, MAINTAINER, ARG — as Docker records them in the config. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "exec_internal.h"

static json_t *cfg_array(struct exec_ctx *c, const char *key)
{
	json_t *a = json_object_get(c->st->config, key);
	if (!json_is_array(a)) {
		a = json_array();
		json_object_set_new(c->st->config, key, a);
	}
	return a;
}

static json_t *cfg_object(struct exec_ctx *c, const char *key)
{
	json_t *o = json_object_get(c->st->config, key);
	if (!json_is_object(o)) {
		o = json_object();
		json_object_set_new(c->st->config, key, o);
	}
	return o;
}

static int step_env(struct exec_ctx *c, const struct plan_ins *ins,
		    struct kerr *err)
{
	(void)err;
	json_t *env = cfg_array(c, "Env");
	for (size_t i = 0; i + 1 < ins->args.n; i += 2) {
		const char *k = ins->args.v[i];
		struct strbuf kv = STRBUF_INIT;
		sb_addf(&kv, "%s=%s", k, ins->args.v[i + 1]);
		size_t j, klen = strlen(k);
		json_t *v;
		json_array_foreach(env, j, v)
		{
			const char *s = json_string_value(v);
			if (s && !strncmp(s, k, klen) && s[klen] == '=')
				break;
		}
		if (j < json_array_size(env))
			json_array_set_new(env, j, json_string(kv.buf));
		else
			json_array_append_new(env, json_string(kv.buf));
		sb_release(&kv);
	}
	return 0;
}

static int step_label(struct exec_ctx *c, const struct plan_ins *ins,
		      struct kerr *err)
{
	(void)err;
	json_t *labels = cfg_object(c, "Labels");
	for (size_t i = 0; i + 1 < ins->args.n; i += 2)
		json_object_set_new(labels, ins->args.v[i],
				    json_string(ins->args.v[i + 1]));
	return 0;
}

/* "80", "80/udp", "8000-8002/tcp" -> "80/tcp"... */
static int step_expose(struct exec_ctx *c, const struct plan_ins *ins,
		       struct kerr *err)
{
	json_t *ports = cfg_object(c, "ExposedPorts");
	for (size_t i = 0; i < ins->args.n; i++) {
		const char *a = ins->args.v[i];
		char proto[16] = "tcp";
		unsigned long lo, hi;
		char *end;
		lo = strtoul(a, &end, 10);
		hi = *end == '-' ? strtoul(end + 1, &end, 10) : lo;
		if (*end == '/' && strlen(end + 1) < sizeof(proto)) {
			strcpy(proto, end + 1);
			for (char *p = proto; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			end += strlen(end);
		}
		if (end == a || *end || hi < lo || hi > 65535 || lo == 0 ||
		    (strcmp(proto, "tcp") && strcmp(proto, "udp") && strcmp(proto, "sctp")))
			return kerr_set(err, KERR_USAGE, "EXPOSE: invalid port \"%s\"", a);
		for (unsigned long p = lo; p <= hi; p++) {
			char key[32];
			snprintf(key, sizeof(key), "%lu/%s", p, proto);
			json_object_set_new(ports, key, json_object());
		}
	}
	return 0;
}

static int step_volume(struct exec_ctx *c, const struct plan_ins *ins,
		       struct kerr *err)
{
	json_t *vols = cfg_object(c, "Volumes");
	for (size_t i = 0; i < ins->args.n; i++) {
		if (!*ins->args.v[i])
			return kerr_set(err, KERR_USAGE, "VOLUME specified can not be an empty string");
		json_object_set_new(vols, ins->args.v[i], json_object());
	}
	return 0;
}

static int step_string(struct exec_ctx *c, const struct plan_ins *ins,
		       struct kerr *err)
{
	(void)err;
	const char *key = !strcmp(ins->keyword, "USER") ? "User" : "StopSignal";
	json_object_set_new(c->st->config, key, json_string(ins->args.v[0]));
	return 0;
}

/* Exec form as given; shell form through SHELL (default /bin/sh -c). */
static json_t *command_of(struct exec_ctx *c, const struct plan_ins *ins,
			  size_t from)
{
	json_t *cmd = json_array();
	if (!ins->json) {
		json_t *shell = json_object_get(c->st->config, "Shell");
		if (json_is_array(shell))
			json_array_extend(cmd, shell);
		else
			json_array_append_new(cmd, json_string("/bin/sh")),
			json_array_append_new(cmd, json_string("-c"));
	}
	for (size_t i = from; i < ins->args.n; i++)
		json_array_append_new(cmd, json_string(ins->args.v[i]));
	return cmd;
}

static int step_cmd(struct exec_ctx *c, const struct plan_ins *ins,
		    struct kerr *err)
{
	(void)err;
	bool entry = !strcmp(ins->keyword, "ENTRYPOINT");
	json_t *cmd = ins->args.n ? command_of(c, ins, 0) :
				    (ins->json ? json_array() : json_null());
	json_object_set_new(c->st->config, entry ? "Entrypoint" : "Cmd", cmd);
	if (entry && c->st->cmd_inherited)
		json_object_set_new(c->st->config, "Cmd", json_null());
	c->st->cmd_inherited = false;
	return 0;
}

static int step_shell(struct exec_ctx *c, const struct plan_ins *ins,
		      struct kerr *err)
{
	(void)err;
	json_object_set_new(c->st->config, "Shell", command_of(c, ins, 0));
	return 0;
}

/* Go's time.ParseDuration for the units HEALTHCHECK accepts, in ns. */
static json_int_t duration_ns(const char *s)
{
	static const struct { const char *unit; double ns; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "µs", 1e3 }, { "ms", 1e6 },
		{ "s", 1e9 }, { "m", 6e10 }, { "h", 3.6e12 },
	};
	double total = 0;
	while (*s) {
		char *end;
		double v = strtod(s, &end);
		size_t best = 0, len = 0;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t n = strlen(units[i].unit);
			if (!strncmp(end, units[i].unit, n) && n > len)
				best = i, len = n;
		}
		total += v * units[best].ns;
		s = end + len;
	}
	return (json_int_t)total;
}

static int step_healthcheck(struct exec_ctx *c, const struct plan_ins *ins,
			    struct kerr *err)
{
	(void)err;
	static const struct { const char *flag, *key; } fields[] = {
		{ "--interval=", "Interval" }, { "--timeout=", "Timeout" },
		{ "--start-period=", "StartPeriod" },
		{ "--start-interval=", "StartInterval" },
	};
	json_t *hc = json_object(), *test = json_array();
	bool none = !strcasecmp(ins->args.v[0], "NONE");
	json_array_append_new(test, json_string(none ? "NONE" : ins->json ? "CMD" : "CMD-SHELL"));
	for (size_t i = 1; i < ins->args.n; i++)
		json_array_append_new(test, json_string(ins->args.v[i]));
	json_object_set_new(hc, "Test", test);
	for (size_t i = 0; i < ins->flags.n; i++) {
		const char *f = ins->flags.v[i];
		for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
			if (!strncmp(f, fields[k].flag, strlen(fields[k].flag)))
				json_object_set_new(hc, fields[k].key, json_integer(
					duration_ns(f + strlen(fields[k].flag))));
		if (!strncmp(f, "--retries=", 10))
			json_object_set_new(hc, "Retries", json_integer(atoll(f + 10)));
	}
	json_object_set_new(c->st->config, "Healthcheck", hc);
	return 0;
}

static int step_onbuild(struct exec_ctx *c, const struct plan_ins *ins,
			struct kerr *err)
{
	(void)err;
	json_array_append_new(cfg_array(c, "OnBuild"), json_string(ins->args.v[0]));
	return 0;
}

static int step_maintainer(struct exec_ctx *c, const struct plan_ins *ins,
			   struct kerr *err)
{
	(void)err;
	free(c->st->author);
	c->st->author = xstrdup(ins->args.v[0]);
	return 0;
}

step_fn exec_meta_handler(const char *keyword)
{
	static const struct { const char *kw; step_fn fn; } table[] = {
		{ "ENV", step_env }, { "LABEL", step_label },
		{ "EXPOSE", step_expose }, { "VOLUME", step_volume },
		{ "USER", step_string }, { "STOPSIGNAL", step_string },
		{ "CMD", step_cmd }, { "ENTRYPOINT", step_cmd },
		{ "SHELL", step_shell }, { "HEALTHCHECK", step_healthcheck },
		{ "ONBUILD", step_onbuild }, { "MAINTAINER", step_maintainer },
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].kw, keyword))
			return table[i].fn;
	return NULL;
}
