/* kerr: error object with message prefixing (see kerr.h). */
#include "kerr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int kerr_set(struct kerr *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->code = code ? code : KERR_BUILD;
	return -1;
}

int kerr_prefix(struct kerr *err, const char *fmt, ...)
{
	char head[512], old[sizeof(err->msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	strlcpy(err->msg, head, sizeof(err->msg));
	strlcat(err->msg, ": ", sizeof(err->msg));
	strlcat(err->msg, old, sizeof(err->msg));
	if (!err->code)
		err->code = KERR_BUILD;
	return -1;
}

bool kerr_isset(const struct kerr *err)
{
	return err->code != 0;
}

void kerr_clear(struct kerr *err)
{
	err->code = 0;
	err->msg[0] = '\0';
}
