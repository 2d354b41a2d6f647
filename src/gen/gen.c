/* gen.c: placeholder, being written. */
#include "vigie/gen.h"

int vg_gen_parse_args(int argc, char **argv, vg_gen_opts *o, vg_err *err)
{
	(void)argc;
	(void)argv;
	(void)o;
	return vg_err_set(err, VG_EUSAGE, "not supported yet");
}
