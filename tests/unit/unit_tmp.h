/* unit_tmp: the scratch directories unit tests make and remove. */
#ifndef KILN_UNIT_TMP_H
#define KILN_UNIT_TMP_H

#include <ftw.h>
#include <stdio.h>

static inline int unit_rm_one(const char *p, const struct stat *st, int flag,
			      struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(p);
}

/* Removes dir and everything below it, never following symlinks. */
static inline void unit_rm_rf(const char *dir)
{
	nftw(dir, unit_rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

#endif
