/* layer_pipe: the single streaming pass under layer_write(). A tar writer's
 * output is hashed (the diffID) and fed, as the data of one entry, into a
 * second libarchive writer in raw format with the compression filter, whose
 * output goes into a blob writer (hashing the compressed bytes). No stage
 * holds more than a block of the layer. Internal to oci/. */
#ifndef KILN_LAYER_PIPE_H
#define KILN_LAYER_PIPE_H

#include <archive.h>

#include "blobstore.h"
#include "kerr.h"
#include "layer.h"

struct layer_pipe;

struct layer_pipe *layer_pipe_open(struct blobstore *bs,
				   enum layer_compression c, struct kerr *err);
/* The tar writer to add entries to. */
struct archive *layer_pipe_tar(struct layer_pipe *p);
/* Explains a failed call on the tar writer: the reason a later stage gave,
 * or else libarchive's message prefixed by what. Returns -1. */
int layer_pipe_fail(struct layer_pipe *p, const char *what, struct kerr *err);
/* After a helper failed with err set: puts a later stage's reason in err
 * if that stage is what failed. Returns -1. */
int layer_pipe_reason(struct layer_pipe *p, struct kerr *err);
/* Ends the tar, the compressed stream and the blob; frees p. */
int layer_pipe_close(struct layer_pipe *p, struct layer_result *out,
		     struct kerr *err);
/* Drops everything written so far; NULL is fine. */
void layer_pipe_abort(struct layer_pipe *p);

#endif
