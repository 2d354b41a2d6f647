/* cmd_demo.c: placeholder, being written. */
#include "cli/cli.h"

static int run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("demo", EXIT_INTERNAL, "not supported yet");
}

const vg_cmd cmd_demo = {
	.name = "demo",
	.run = run,
	.summary_fr = "(en cours)",
	.summary_en = "(in progress)",
	.help_fr = "(en cours)\n",
	.help_en = "(in progress)\n",
};
