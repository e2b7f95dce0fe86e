/* layer_plan: puts a layer's entries in the order and shape they are
 * written in: checked, sorted bytewise by path with the last of duplicate
 * paths kept, and every hard link group resolved so that the path sorting
 * first carries the content and the others link to it. Internal to oci/. */
#ifndef KILN_LAYER_PLAN_H
#define KILN_LAYER_PLAN_H

#include <stddef.h>

#include "kerr.h"
#include "layer.h"

struct layer_plan {
	const struct layer_entry **v; /* sorted, one per path */
	size_t n;
	/* For entry i: the index of the entry whose type, metadata and
	 * content it carries (i unless it is a hard link), and the index of
	 * the first path of its link group (i unless it is written as a hard
	 * link to that path). */
	size_t *body;
	size_t *first;
};

int layer_plan_build(const struct layer_entry *e, size_t n,
		     struct layer_plan *plan, struct kerr *err);
void layer_plan_release(struct layer_plan *plan);

#endif
