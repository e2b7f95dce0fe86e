/* suite_real: real-world Dockerfiles must parse and plan without error
 * (conformance README section 6). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../compiler/df_ast.h"
#include "harness.h"

static void check_file(const char *path, struct tally *t)
{
	struct kerr err = KERR_INIT;
	struct df_ast *ast = NULL;
	size_t len;
	char *buf = read_whole_file(path, &len);
	if (buf)
		df_parse("Dockerfile", buf, len, &ast, &err);
	tally_check(t, ast != NULL, "real %s: %s", path,
		    buf ? err.msg : "cannot read");
	df_ast_free(ast);
	free(buf);
}

void suite_real_dockerfiles(const char *root, struct tally *t)
{
	char dir[4096];
	int files = 0;
	snprintf(dir, sizeof(dir), "%s/real-dockerfiles", root);
	DIR *top = opendir(dir);
	struct dirent *repo;
	while (top && (repo = readdir(top))) {
		if (repo->d_name[0] == '.')
			continue;
		char sub[4352];
		snprintf(sub, sizeof(sub), "%s/%s", dir, repo->d_name);
		struct dirent **names;
		int n = scandir(sub, &names, NULL, alphasort);
		for (int i = 0; i < n; i++) {
			if (names[i]->d_name[0] != '.' &&
			    strcmp(names[i]->d_name, "LICENSE")) {
				char path[4608];
				snprintf(path, sizeof(path), "%s/%s", sub,
					 names[i]->d_name);
				check_file(path, t);
				files++;
			}
			free(names[i]);
		}
		if (n > 0)
			free(names);
	}
	if (top)
		closedir(top);
	tally_check(t, files == 30, "real: found %d files, want 30", files);
}
