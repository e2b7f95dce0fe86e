/* plan_flags: which flags each instruction accepts, and their checks, as
 * BuildKit's dockerfile:1 (and labs) frontend has them. */
#include <regex.h>
#include <string.h>

#include "plan_internal.h"

static const struct {
	const char *keyword;
	const char *flags; /* space-separated, each with a leading space */
} allowed[] = {
	{ "ADD", " chown chmod link checksum keep-git-dir exclude unpack " },
	{ "COPY", " from chown chmod link exclude parents " },
	{ "FROM", " platform " },
	{ "HEALTHCHECK", " interval timeout start-period start-interval retries " },
	{ "RUN", " mount network security " },
};

static bool is_duration(const char *v)
{
	static regex_t re;
	static bool ready;
	if (!ready) {
		regcomp(&re, "^([0-9]+(\\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$",
			REG_EXTENDED | REG_NOSUB);
		ready = true;
	}
	return !regexec(&re, v, 0, NULL, 0);
}

static int check_value(const char *keyword, const char *name,
		       const char *val, struct kerr *err)
{
	if (!strcmp(keyword, "HEALTHCHECK")) {
		bool retries = !strcmp(name, "retries");
		if (!val || (retries ? strspn(val, "0123456789") != strlen(val) || !*val :
				       !is_duration(val)))
			return kerr_set(err, KERR_USAGE,
					"HEALTHCHECK: invalid value for --%s: \"%s\"",
					name, val ? val : "");
	}
	if (!strcmp(name, "network") && val && strcmp(val, "default") &&
	    strcmp(val, "none") && strcmp(val, "host"))
		return kerr_set(err, KERR_USAGE,
				"RUN: --network must be default, none or host, not \"%s\"",
				val);
	return 0;
}

int plan_check_flags(const char *keyword, const struct strlist *flags,
		     struct kerr *err)
{
	const char *list = "";
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (!strcmp(allowed[i].keyword, keyword))
			list = allowed[i].flags;
	for (size_t i = 0; i < flags->n; i++) {
		const char *f = flags->v[i] + 2;
		const char *eq = strchr(f, '=');
		size_t len = eq ? (size_t)(eq - f) : strlen(f);
		char key[64];
		if (len + 3 > sizeof(key))
			len = sizeof(key) - 3;
		key[0] = ' ';
		memcpy(key + 1, f, len);
		key[len + 1] = ' ';
		key[len + 2] = '\0';
		if (!len || !strstr(list, key))
			return kerr_set(err, KERR_USAGE,
					"%s: unknown flag: --%.*s", keyword,
					(int)len, f);
		key[len + 1] = '\0';
		if (check_value(keyword, key + 1, eq ? eq + 1 : NULL, err) < 0)
			return -1;
	}
	return 0;
}
