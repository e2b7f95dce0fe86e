/* inspect: what an image is, for `kiln inspect`: its digests (index,
 * manifest, config), platform, each layer with its size, diffID and the
 * history step that made it, a summary of its config, its base image
 * (the org.opencontainers.image.base.* annotations) and annotations.
 *
 * JSON (image_inspect_json), version 1, keys sorted, absent fields left out:
 *   {"version": 1, "name", "index": digest (when reached through an index
 *    blob), "manifest": {"digest", "mediaType", "size"},
 *    "config": {"digest", "mediaType", "size"}, "platform": "os/arch[/v]",
 *    "created", "author", "base": {"name", "digest"},
 *    "layers": [{"digest", "mediaType", "size", "diffID", "createdBy"}],
 *    "env": [...], "cmd": [...], "entrypoint": [...], "workingDir", "user",
 *    "exposedPorts": ["80/tcp", ...], "volumes": ["/data", ...],
 *    "labels": {...}, "stopSignal", "annotations": {...} (the manifest's)} */
#ifndef KILN_INSPECT_H
#define KILN_INSPECT_H

#include <jansson.h>
#include <stdio.h>

#include "image_read.h"

json_t *image_inspect_json(const struct image *im);
/* The same, one "key: value" line each, layers and lists indented. */
void image_inspect_print_text(FILE *out, const struct image *im);

#endif
