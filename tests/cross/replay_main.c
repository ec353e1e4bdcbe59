/* replay_main.c: a main for the fuzz targets where libFuzzer does not exist (the aarch64 builds of
 * make check-aarch64): each file named on the command line is read whole and passed once to
 * LLVMFuzzerTestOneInput, as libFuzzer does when it is given files to run. A target's invariants
 * trap (__builtin_trap), so a violated one ends the process with SIGILL/SIGTRAP, a fault with SIGSEGV
 * or SIGBUS (alignment, endianness): the caller sees a signal, not exit 0. Prints how many inputs it
 * replayed. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The corpora's files are small (a few KiB); anything over this is not a corpus file. */
#define REPLAY_MAX (1024 * 1024)

/* read_all: the whole file into a fresh heap buffer of exactly its size (a target reading past
 * the end reads past an allocation, as under libFuzzer). Returns 0, or -1 with a message printed. */
static int read_all(const char *path, uint8_t **out, size_t *outlen)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	buf = malloc(REPLAY_MAX + 1);
	if (!buf) {
		fclose(f);
		fprintf(stderr, "replay: out of memory\n");
		return -1;
	}
	n = fread(buf, 1, REPLAY_MAX + 1, f);
	if (ferror(f) || n > REPLAY_MAX) {
		fprintf(stderr, "replay: %s: %s\n", path, ferror(f) ? "read error" : "larger than 1 MiB");
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	/* exactly n bytes (at least one, so that malloc(0) is never the question) */
	*out = malloc(n ? n : 1);
	if (!*out) {
		free(buf);
		fprintf(stderr, "replay: out of memory\n");
		return -1;
	}
	memcpy(*out, buf, n);
	free(buf);
	*outlen = n;
	return 0;
}

int main(int argc, char **argv)
{
	int done = 0;

	for (int i = 1; i < argc; i++) {
		uint8_t *data;
		size_t len;

		if (read_all(argv[i], &data, &len) != 0)
			return 1;
		(void)LLVMFuzzerTestOneInput(data, len);
		free(data);
		done++;
	}
	if (printf("replayed %d inputs\n", done) < 0 || fflush(stdout) != 0)
		return 1;
	return 0;
}
