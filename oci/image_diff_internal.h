/* image_diff_internal: what the image_diff_*.c files share; not for
 * callers outside oci/image_diff*. */
#ifndef KILN_IMAGE_DIFF_INTERNAL_H
#define KILN_IMAGE_DIFF_INTERNAL_H

#include "image_diff.h"

/* Compares the values at path (a JSON array of keys, borrowed) in
 * document doc, recursing into objects. */
void image_diff_value(const char *doc, json_t *path, json_t *a, json_t *b,
		      struct image_diff_result *r);
/* Layer i of both images: r->layers[i] and its differences. */
int image_diff_layer(const struct image *a, const struct image *b, size_t i,
		     struct image_diff_result *r, struct kerr *err);
/* The LAYER summary of an image's layer i (see image_diff.h). */
json_t *image_diff_layer_json(const struct image *im, size_t i);

#endif
