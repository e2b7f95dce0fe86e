/* hello: the static program of kiln's quick-start image. */
#include <stdio.h>

int main(void)
{
	puts("hello from a kiln-built image");
	return 0;
}
