/* fuzz_lines.c: the bounded line reader on arbitrary bytes, through a pipe. */
#include "vigie/lines.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/vigie-fuzz-lines-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	unlink(path);
	if (write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return 0;
	}
	/* a small maximum, so overlong lines are common */
	size_t max = size ? (data[0] % 64) + 1 : 8;
	vg_lines r;
	vg_line l;
	size_t total = 0;
	uint64_t last = 0;
	vg_lines_init(&r, fd, max);
	while (vg_lines_next(&r, &l) == 1) {
		if (l.len > max || l.lineno != last + 1)
			__builtin_trap();
		last = l.lineno;
		total += l.len;
	}
	if (total > size)
		__builtin_trap();
	vg_lines_release(&r);
	close(fd);
	return 0;
}
