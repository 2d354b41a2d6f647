/* vigie/gen.h: synthetic leaks (being written). */
#ifndef VIGIE_GEN_H
#define VIGIE_GEN_H

#include "vigie/core.h"

typedef struct vg_gen_opts {
	uint64_t people;
	uint64_t seed;
} vg_gen_opts;

int vg_gen_parse_args(int argc, char **argv, vg_gen_opts *o, vg_err *err) VG_MUST_CHECK;

#endif
