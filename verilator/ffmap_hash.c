/* rahil: print the FNV-1a 32 hash of a file (the FF map TSV) as 8 hex digits, the value the
 * build gives the board design's FFMAP_HASH and IDENTIFY reports. The host computes the same
 * hash from its compiled-in map (rh_ffmap_hash); the two are checked against each other. */
#include <stdint.h>
#include <stdio.h>

#include "hash.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: ffmap-hash FILE\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	uint32_t h = RH_FNV1A_INIT;
	int c;
	while ((c = getc(f)) != EOF) {
		uint8_t b = (uint8_t)c;
		h = rh_fnv1a(h, &b, 1);
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		fprintf(stderr, "ffmap-hash: cannot read %s\n", argv[1]);
		return 1;
	}
	printf("%08x\n", (unsigned)h);
	return 0;
}
