/*
 * fuzz_gen_args.c: `vigie gen` option parsing on arbitrary bytes. The input
 * is split into argv tokens at whitespace and NUL bytes; when parsing
 * succeeds with at most 50 people, the generator runs into a memory sink
 * (nothing touches the disk), and the output is checked against the
 * statistics.
 */
#include "vigie/gen.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_TOKENS 32

typedef struct counter {
	uint64_t bytes;
	uint64_t newlines;
	int files_seen[VG_GEN_STATS_FILES];
} counter;

static int count_write(void *ctx, int file, const void *buf, size_t n)
{
	counter *c = ctx;
	if (file < -1 || file >= VG_GEN_STATS_FILES)
		__builtin_trap();
	if (file >= 0) {
		c->bytes += n;
		c->files_seen[file] = 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	char *argv[MAX_TOKENS + 2];
	int argc = 0;
	argv[argc++] = "gen";
	size_t i = 0;
	while (i < size && argc <= MAX_TOKENS) {
		while (i < size &&
		       (copy[i] == ' ' || copy[i] == '\n' || copy[i] == '\t' || copy[i] == '\0'))
			copy[i++] = '\0';
		if (i >= size)
			break;
		argv[argc++] = copy + i;
		while (i < size && copy[i] != ' ' && copy[i] != '\n' && copy[i] != '\t' &&
		       copy[i] != '\0')
			i++;
	}
	argv[argc] = NULL;

	vg_gen_opts o;
	vg_err err;
	vg_gen_opts_init(&o);
	err.msg[0] = '\0';
	int rc = vg_gen_parse_args(argc, argv, &o, &err);
	if (rc != 0) {
		/* a usage error always says why */
		if (rc != VG_EUSAGE || !err.msg[0])
			__builtin_trap();
		free(copy);
		return 0;
	}
	unsigned nf = vg_gen_nfiles(&o);
	for (unsigned f = 0; f < nf && f < 4; f++) {
		char name[256];
		int n = vg_gen_file_name(&o, f, name, sizeof(name));
		if (n >= 0 && (size_t)n != strlen(name))
			__builtin_trap();
	}
	if (!o.help && o.people <= 50 && nf <= 16) {
		counter c;
		memset(&c, 0, sizeof(c));
		vg_gen_sink sink = {count_write, &c};
		o.sink = &sink;
		vg_gen_stats st;
		if (vg_gen_run(&o, &st, &err) != 0)
			__builtin_trap();
		if (st.people != o.people || st.rows < st.people ||
		    st.rows != st.rows_ft + st.rows_ce || st.bytes != c.bytes || st.nfiles != nf)
			__builtin_trap();
		for (unsigned f = 0; f < nf; f++)
			if (!c.files_seen[f] && !o.gzip && o.format != VG_GEN_JSONL)
				__builtin_trap(); /* every file has at least its header */
		/* the same options give the same bytes */
		counter c2;
		memset(&c2, 0, sizeof(c2));
		sink.ctx = &c2;
		vg_gen_stats st2;
		if (vg_gen_run(&o, &st2, &err) != 0 || c2.bytes != c.bytes || st2.rows != st.rows)
			__builtin_trap();
	}
	free(copy);
	return 0;
}
