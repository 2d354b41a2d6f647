/* test_config.c: the configuration file parser: syntax, errors with line
 * numbers, limits, duplicates, unknown keys, typed getters, loading. */
#include "vigie/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

/* Parses s as "t.conf" into a fresh config (English messages). */
static int parse(vg_config *c, const char *s, vg_err *err)
{
	vg_config_init(c, VG_LANG_EN);
	memset(err, 0, sizeof(*err));
	return vg_config_parse(c, "t.conf", s, strlen(s), err);
}

/* Expects parsing s to fail with code and a message containing want. */
static void expect_error(const char *s, int code, const char *want)
{
	vg_config c;
	vg_err err;
	int rc = parse(&c, s, &err);
	if (rc != code || !strstr(err.msg, want))
		fail_msg("input %s: rc %d (want %d), message \"%s\" (want \"%s\")", s, rc, code,
		         err.msg, want);
	assert_int_equal(err.code, code);
	vg_config_release(&c);
}

static void test_basic(void **state)
{
	(void)state;
	vg_config c;
	vg_err err;
	const char *s = "top = level\n"
	                "[Org]\n"
	                "Name = France Travail\n"
	                "empty =\n"
	                "\n"
	                "[dpo]\n"
	                "email=dpo@example.org\n"
	                "name = Jean\n";
	assert_int_equal(parse(&c, s, &err), 0);
	assert_int_equal(c.n, 5);
	assert_string_equal(c.entries[0].section, "");
	assert_string_equal(c.entries[0].key, "top");
	assert_int_equal(c.entries[0].line, 1);
	assert_string_equal(c.entries[1].section, "org");
	assert_string_equal(c.entries[1].key, "name");
	assert_string_equal(c.entries[1].value, "France Travail");
	assert_int_equal(c.entries[1].value_len, 14);
	assert_int_equal(c.entries[1].line, 3);
	assert_string_equal(c.entries[2].value, "");
	assert_int_equal(c.entries[3].line, 7);
	assert_int_equal(c.n_sections, 2);
	assert_string_equal(c.sections[1].name, "dpo");
	assert_int_equal(c.sections[1].line, 6);

	assert_string_equal(vg_config_get(&c, "org", "name"), "France Travail");
	assert_string_equal(vg_config_get(&c, "ORG", "NAME"), "France Travail");
	assert_string_equal(vg_config_get(&c, "", "top"), "level");
	assert_string_equal(vg_config_get(&c, "dpo", "email"), "dpo@example.org");
	assert_null(vg_config_get(&c, "dpo", "phone"));
	assert_null(vg_config_get(&c, "org", "email"));
	assert_true(c.entries[1].used);
	assert_false(c.entries[4].used);
	vg_config_release(&c);
	assert_int_equal(c.n, 0);
	assert_null(c.entries);
}

static void test_whitespace_and_comments(void **state)
{
	(void)state;
	vg_config c;
	vg_err err;
	const char *s = "\xEF\xBB\xBF# comment\r\n"
	                "   # indented comment\r\n"
	                "\t[ s ]\t\r\n"
	                "  a\t=\t  spaced value  \t\r\n"
	                "b = value # not a comment\n"
	                "url = https://example.org/#fragment\n"
	                "c = é à ç 😀\n"
	                "eq = x = y\n"
	                "last = no newline";
	assert_int_equal(parse(&c, s, &err), 0);
	assert_int_equal(c.n, 6);
	assert_string_equal(vg_config_get(&c, "s", "a"), "spaced value");
	assert_string_equal(vg_config_get(&c, "s", "b"), "value # not a comment");
	assert_string_equal(vg_config_get(&c, "s", "url"), "https://example.org/#fragment");
	assert_string_equal(vg_config_get(&c, "s", "c"), "é à ç 😀");
	assert_string_equal(vg_config_get(&c, "s", "eq"), "x = y");
	assert_string_equal(vg_config_get(&c, "s", "last"), "no newline");
	assert_int_equal(vg_config_find(&c, "s", "a")->line, 4);
	assert_int_equal(vg_config_find(&c, "s", "last")->line, 9);
	vg_config_release(&c);

	/* an empty file and a file of blank lines are fine */
	assert_int_equal(parse(&c, "", &err), 0);
	assert_int_equal(c.n, 0);
	vg_config_release(&c);
	assert_int_equal(parse(&c, "\n\n  \n\t\n# x\n", &err), 0);
	assert_int_equal(c.n, 0);
	vg_config_release(&c);
}

static void test_quoted(void **state)
{
	(void)state;
	vg_config c;
	vg_err err;
	const char *s = "a = \"  keeps spaces  \"\n"
	                "b = \"say \\\"hi\\\" \\\\ back\\nslash\\tTab\"  \n"
	                "c = \"\"\n"
	                "d = \"# hash\"\n"
	                "e = not \"quoted\"\n";
	assert_int_equal(parse(&c, s, &err), 0);
	assert_string_equal(vg_config_get(&c, "", "a"), "  keeps spaces  ");
	assert_string_equal(vg_config_get(&c, "", "b"), "say \"hi\" \\ back\nslash\tTab");
	assert_int_equal(vg_config_find(&c, "", "b")->value_len,
	                 strlen("say \"hi\" \\ back\nslash\tTab"));
	assert_string_equal(vg_config_get(&c, "", "c"), "");
	assert_string_equal(vg_config_get(&c, "", "d"), "# hash");
	assert_string_equal(vg_config_get(&c, "", "e"), "not \"quoted\"");
	vg_config_release(&c);

	expect_error("a = 1\nb = \"open\n", VG_EINVAL, "t.conf:2: missing closing quote");
	expect_error("b = \"ends with backslash\\\n", VG_EINVAL, "t.conf:1: missing closing quote");
	expect_error("\n\nb = \"x\" y\n", VG_EINVAL, "t.conf:3: text after the closing quote");
	expect_error("b = \"bad \\q escape\"\n", VG_EINVAL, "t.conf:1: unknown escape '\\q'");
	expect_error("b = \"quoted\"\n    more\n", VG_EINVAL,
	             "t.conf:2: a quoted value cannot continue");
}

static void test_continuation(void **state)
{
	(void)state;
	vg_config c;
	vg_err err;
	const char *s = "[breach]\n"
	                "measures =\n"
	                "    first\n"
	                "\tsecond  \n"
	                "      [not a section]\n"
	                "nature = one\n"
	                "  two\n"
	                "next = x\n";
	assert_int_equal(parse(&c, s, &err), 0);
	assert_string_equal(vg_config_get(&c, "breach", "measures"),
	                    "first\nsecond\n[not a section]");
	assert_int_equal(vg_config_find(&c, "breach", "measures")->line, 2);
	assert_string_equal(vg_config_get(&c, "breach", "nature"), "one\ntwo");
	assert_string_equal(vg_config_get(&c, "breach", "next"), "x");
	vg_config_release(&c);

	/* keys indented like their neighbours are keys, not continuations */
	s = "[dpo]\n  name = A\n  email = b@c.fr\n    phone continues email\n  phone = 1\n";
	assert_int_equal(parse(&c, s, &err), 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(vg_config_get(&c, "dpo", "name"), "A");
	assert_string_equal(vg_config_get(&c, "dpo", "email"), "b@c.fr\nphone continues email");
	assert_string_equal(vg_config_get(&c, "dpo", "phone"), "1");
	vg_config_release(&c);

	/* a blank or comment line ends the value: an indented line then continues nothing */
	expect_error("a = x\n\n    orphan\n", VG_EINVAL, "t.conf:3: expected 'key = value'");
	expect_error("a = x\n# c\n    orphan\n", VG_EINVAL, "t.conf:3: expected 'key = value'");
	/* after a section header there is no value to continue */
	expect_error("[s]\n    orphan\n", VG_EINVAL, "t.conf:2: expected 'key = value'");
}

static void test_syntax_errors(void **state)
{
	(void)state;
	expect_error("[s]\nkey value\n", VG_EINVAL,
	             "t.conf:2: expected 'key = value' or '[section]'");
	expect_error("= value\n", VG_EINVAL, "t.conf:1: missing key name before '='");
	expect_error("a b = value\n", VG_EINVAL, "t.conf:1: invalid name 'a b'");
	expect_error("\n\nclé = value\n", VG_EINVAL, "t.conf:3: invalid name 'cl\\xC3\\xA9'");
	expect_error("[s\n", VG_EINVAL, "t.conf:1: a section header must end with ']'");
	expect_error("[s] # comment\n", VG_EINVAL, "t.conf:1: a section header must end with ']'");
	expect_error("[]\n", VG_EINVAL, "t.conf:1: empty section name");
	expect_error("[  ]\n", VG_EINVAL, "t.conf:1: empty section name");
	expect_error("[a b]\n", VG_EINVAL, "t.conf:1: invalid name 'a b'");
	expect_error("[a]]\n", VG_EINVAL, "t.conf:1: invalid name 'a]'");
}

static void test_duplicates(void **state)
{
	(void)state;
	expect_error("[s]\na = 1\nb = 2\na = 3\n", VG_EINVAL,
	             "t.conf:4: duplicate key 'a' in [s] (first at line 2)");
	expect_error("[s]\nName = 1\nNAME = 3\n", VG_EINVAL,
	             "t.conf:3: duplicate key 'name' in [s] (first at line 2)");
	expect_error("a = 1\na = 2\n", VG_EINVAL, "t.conf:2: duplicate key 'a' (first at line 1)");
	expect_error("[s]\na = 1\n[t]\n[S]\n", VG_EINVAL,
	             "t.conf:4: section [s] already opened at line 1");

	/* the same key in two sections is fine */
	vg_config c;
	vg_err err;
	assert_int_equal(parse(&c, "a = 0\n[s]\na = 1\n[t]\na = 2\n", &err), 0);
	assert_string_equal(vg_config_get(&c, "", "a"), "0");
	assert_string_equal(vg_config_get(&c, "s", "a"), "1");
	assert_string_equal(vg_config_get(&c, "t", "a"), "2");
	vg_config_release(&c);
}

static void test_encoding_errors(void **state)
{
	(void)state;
	expect_error("a = ok\nb = caf\xE9\n", VG_EINVAL, "t.conf:2: invalid UTF-8 (column 8)");
	expect_error("a = \xC0\xAF\n", VG_EINVAL,
	             "t.conf:1: invalid UTF-8 (column 5)");                       /* overlong */
	expect_error("a = \xED\xA0\x80\n", VG_EINVAL, "t.conf:1: invalid UTF-8"); /* surrogate */
	expect_error("a = \xF4\x90\x80\x80\n", VG_EINVAL,
	             "t.conf:1: invalid UTF-8");                              /* > U+10FFFF */
	expect_error("a = \xE2\x82\n", VG_EINVAL, "t.conf:1: invalid UTF-8"); /* truncated */
	expect_error("a = \xC2\x85\n", VG_EINVAL, "t.conf:1: invalid UTF-8"); /* C1 control */
	expect_error("a = x\x1B[31m\n", VG_EINVAL, "t.conf:1: control character 0x1B (column 6)");
	expect_error("a = x\x7F\n", VG_EINVAL, "t.conf:1: control character 0x7F");
	expect_error("a = x\ry\n", VG_EINVAL, "t.conf:1: stray carriage return (column 6)");
	expect_error("x = 1\n\n\n\n\n\n\n\n\n\n\n\n", VG_OK, "");

	/* a NUL byte in the middle: strlen() would stop, so pass the size */
	vg_config c;
	vg_err err;
	vg_config_init(&c, VG_LANG_EN);
	const char s[] = "a = 1\nb = x\0y\n";
	assert_int_equal(vg_config_parse(&c, "t.conf", s, sizeof(s) - 1, &err), VG_EINVAL);
	assert_non_null(strstr(err.msg, "t.conf:2: NUL byte (column 6)"));
	/* the key before the bad line was kept, and release frees it */
	assert_int_equal(c.n, 1);
	vg_config_release(&c);
}

/* A string of n copies of ch. */
static char *repeat(char ch, size_t n)
{
	char *s = malloc(n + 1);
	memset(s, ch, n);
	s[n] = 0;
	return s;
}

static void test_limits(void **state)
{
	(void)state;
	vg_config c;
	vg_err err;

	/* a line of exactly VG_CONFIG_MAX_LINE bytes, then one byte more */
	char *v = repeat('v', VG_CONFIG_MAX_LINE - 4);
	char *s = malloc(VG_CONFIG_MAX_LINE + 64);
	snprintf(s, VG_CONFIG_MAX_LINE + 64, "a = %s\n", v);
	assert_int_equal(parse(&c, s, &err), 0);
	assert_int_equal(vg_config_find(&c, "", "a")->value_len, VG_CONFIG_MAX_LINE - 4);
	vg_config_release(&c);
	snprintf(s, VG_CONFIG_MAX_LINE + 64, "\na = %sv\n", v);
	assert_int_equal(parse(&c, s, &err), VG_ETOOBIG);
	assert_non_null(strstr(err.msg, "t.conf:2: line too long (more than 4096 bytes)"));
	vg_config_release(&c);
	free(v);
	free(s);

	/* names of VG_CONFIG_MAX_NAME bytes pass, one more fails */
	char *name = repeat('k', VG_CONFIG_MAX_NAME);
	char line[256];
	snprintf(line, sizeof(line), "[%s]\n%s = 1\n", name, name);
	assert_int_equal(parse(&c, line, &err), 0);
	vg_config_release(&c);
	snprintf(line, sizeof(line), "%sk = 1\n", name);
	assert_int_equal(parse(&c, line, &err), VG_ETOOBIG);
	assert_non_null(strstr(err.msg, "t.conf:1: name too long (more than 64 bytes)"));
	vg_config_release(&c);
	free(name);

	/* a value grown past VG_CONFIG_MAX_VALUE by continuation lines */
	size_t cap = VG_CONFIG_MAX_VALUE + 8192;
	s = malloc(cap);
	size_t len = (size_t)snprintf(s, cap, "list =\n");
	char *chunk = repeat('x', 999);
	unsigned lines = 1;
	while (len < VG_CONFIG_MAX_VALUE + 2000) {
		len += (size_t)snprintf(s + len, cap - len, "  %s\n", chunk);
		lines++;
	}
	assert_int_equal(parse(&c, s, &err), VG_ETOOBIG);
	assert_non_null(strstr(err.msg, "value of 'list' too long (more than 16384 bytes)"));
	/* 1000 bytes per line with the '\n': the 17th continuation crosses 16384 */
	assert_non_null(strstr(err.msg, "t.conf:18:"));
	(void)lines;
	vg_config_release(&c);
	free(chunk);
	free(s);

	/* VG_CONFIG_MAX_ENTRIES keys pass, one more fails on its line */
	cap = (VG_CONFIG_MAX_ENTRIES + 1) * 16;
	s = malloc(cap);
	len = 0;
	for (int i = 0; i <= VG_CONFIG_MAX_ENTRIES; i++)
		len += (size_t)snprintf(s + len, cap - len, "k%d = %d\n", i, i);
	vg_config_init(&c, VG_LANG_EN);
	assert_int_equal(vg_config_parse(&c, "t.conf", s, len, &err), VG_ETOOBIG);
	assert_non_null(strstr(err.msg, "t.conf:1025: too many keys (more than 1024)"));
	assert_int_equal(c.n, VG_CONFIG_MAX_ENTRIES);
	vg_config_release(&c);
	free(s);

	/* VG_CONFIG_MAX_SECTIONS sections pass, one more fails */
	cap = (VG_CONFIG_MAX_SECTIONS + 1) * 16;
	s = malloc(cap);
	len = 0;
	for (int i = 0; i <= VG_CONFIG_MAX_SECTIONS; i++)
		len += (size_t)snprintf(s + len, cap - len, "[s%d]\n", i);
	vg_config_init(&c, VG_LANG_EN);
	assert_int_equal(vg_config_parse(&c, "t.conf", s, len, &err), VG_ETOOBIG);
	assert_non_null(strstr(err.msg, "t.conf:129: too many sections (more than 128)"));
	vg_config_release(&c);
	free(s);

	/* a whole file over VG_CONFIG_MAX_BYTES (all comments) */
	s = repeat('#', VG_CONFIG_MAX_BYTES + 1);
	for (size_t i = 100; i < VG_CONFIG_MAX_BYTES; i += 100)
		s[i] = '\n';
	vg_config_init(&c, VG_LANG_EN);
	assert_int_equal(vg_config_parse(&c, "big.conf", s, VG_CONFIG_MAX_BYTES + 1, &err),
	                 VG_ETOOBIG);
	assert_non_null(strstr(err.msg, "big.conf: file too big"));
	assert_int_equal(vg_config_parse(&c, "big.conf", s, VG_CONFIG_MAX_BYTES, &err), 0);
	vg_config_release(&c);
	free(s);
}

static void test_getters(void **state)
{
	(void)state;
	vg_config c;
	vg_err err;
	const char *s = "[serve]\nport = 8080\nzero = 0\nneg = -1\nbig = 99999999999999999999\n"
	                "word = eighty\nempty =\nmax = 18446744073709551615\n"
	                "on = Yes\noff = non\nbad = maybe\n";
	assert_int_equal(parse(&c, s, &err), 0);
	uint64_t v = 7;
	assert_int_equal(vg_config_get_uint(&c, "serve", "port", 1, 65535, &v, &err), 0);
	assert_int_equal(v, 8080);
	assert_int_equal(vg_config_get_uint(&c, "serve", "zero", 0, 10, &v, &err), 0);
	assert_int_equal(v, 0);
	v = 7;
	assert_int_equal(vg_config_get_uint(&c, "serve", "absent", 0, 10, &v, &err), 0);
	assert_int_equal(v, 7);
	assert_int_equal(vg_config_get_uint(&c, "serve", "max", 0, UINT64_MAX, &v, &err), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(vg_config_get_uint(&c, "serve", "zero", 1, 10, &v, &err), VG_EINVAL);
	assert_non_null(
	    strstr(err.msg, "t.conf:3: [serve] zero: expected a whole number between 1 and 10"));
	assert_int_equal(vg_config_get_uint(&c, "serve", "neg", 0, 10, &v, &err), VG_EINVAL);
	assert_non_null(strstr(err.msg, "t.conf:4:"));
	assert_int_equal(vg_config_get_uint(&c, "serve", "big", 0, UINT64_MAX, &v, &err),
	                 VG_EINVAL);
	assert_int_equal(vg_config_get_uint(&c, "serve", "word", 0, 10, &v, &err), VG_EINVAL);
	assert_int_equal(vg_config_get_uint(&c, "serve", "empty", 0, 10, &v, &err), VG_EINVAL);
	assert_int_equal(vg_config_get_uint(&c, "serve", "port", 1, 1024, &v, &err), VG_EINVAL);
	assert_true(v == UINT64_MAX); /* untouched on error */

	bool b = false;
	assert_int_equal(vg_config_get_bool(&c, "serve", "on", &b, &err), 0);
	assert_true(b);
	assert_int_equal(vg_config_get_bool(&c, "serve", "off", &b, &err), 0);
	assert_false(b);
	assert_int_equal(vg_config_get_bool(&c, "serve", "zero", &b, &err), 0);
	assert_false(b);
	b = true;
	assert_int_equal(vg_config_get_bool(&c, "serve", "absent", &b, &err), 0);
	assert_true(b);
	assert_int_equal(vg_config_get_bool(&c, "serve", "bad", &b, &err), VG_EINVAL);
	assert_non_null(strstr(err.msg, "t.conf:11: [serve] bad: expected true or false"));
	vg_config_release(&c);
}

static const vg_config_key keys[] = {
    {"org", "name", true},
    {"org", "address", false},
    {"breach", "awareness", true},
    {"breach", "notification", false},
};

static void test_validate(void **state)
{
	(void)state;
	vg_config c;
	vg_err err;
	assert_int_equal(parse(&c, "[org]\nname = x\n[breach]\nawareness = y\n", &err), 0);
	assert_int_equal(vg_config_validate(&c, keys, 4, &err), 0);
	vg_config_release(&c);

	/* a near miss gets a suggestion */
	assert_int_equal(
	    parse(&c, "[org]\nname = x\n[breach]\nawarness = y\nawareness = z\n", &err), 0);
	assert_int_equal(vg_config_validate(&c, keys, 4, &err), VG_EINVAL);
	assert_string_equal(
	    err.msg, "t.conf:4: unknown key 'awarness' in [breach] (did you mean 'awareness'?)");
	vg_config_release(&c);

	/* an unrelated key gets none; a missing required key is counted */
	assert_int_equal(parse(&c, "[org]\nname = x\ncolour = red\n", &err), 0);
	assert_int_equal(vg_config_validate(&c, keys, 4, &err), VG_EINVAL);
	assert_string_equal(err.msg,
	                    "t.conf:3: unknown key 'colour' in [org] (and 1 more problem(s))");
	vg_config_release(&c);

	/* an unknown section, even empty, is reported at its header */
	assert_int_equal(parse(&c, "[org]\nname = x\n[breach]\nawareness = y\n\n[orgs]\n", &err),
	                 0);
	assert_int_equal(vg_config_validate(&c, keys, 4, &err), VG_EINVAL);
	assert_string_equal(err.msg, "t.conf:6: unknown section [orgs]");
	vg_config_release(&c);

	/* keys outside any section are unknown here */
	assert_int_equal(parse(&c, "name = x\n[org]\nname = x\n[breach]\nawareness = y\n", &err),
	                 0);
	assert_int_equal(vg_config_validate(&c, keys, 4, &err), VG_EINVAL);
	assert_string_equal(err.msg, "t.conf:1: unknown key 'name'");
	vg_config_release(&c);

	/* missing required keys */
	assert_int_equal(parse(&c, "[org]\naddress = x\n", &err), 0);
	assert_int_equal(vg_config_validate(&c, keys, 4, &err), VG_EINVAL);
	assert_string_equal(err.msg,
	                    "t.conf: missing required key 'name' in [org] (and 1 more problem(s))");
	vg_config_release(&c);

	/* French messages */
	vg_config_init(&c, VG_LANG_FR);
	const char *s = "[org]\nnom = x\n";
	assert_int_equal(vg_config_parse(&c, "r.conf", s, strlen(s), &err), 0);
	assert_int_equal(vg_config_validate(&c, keys, 4, &err), VG_EINVAL);
	assert_string_equal(err.msg, "r.conf:2: clé inconnue 'nom' dans [org] (vouliez-vous dire "
	                             "'name' ?) (et 2 autre(s) problème(s))");
	vg_config_release(&c);
	vg_config_init(&c, VG_LANG_FR);
	s = "[org]\na = 1\na = 2\n";
	assert_int_equal(vg_config_parse(&c, "r.conf", s, strlen(s), &err), VG_EINVAL);
	assert_string_equal(err.msg, "r.conf:3: clé 'a' en double dans [org] (déjà ligne 2)");
	vg_config_release(&c);
}

static void test_load(void **state)
{
	(void)state;
	vg_config c;
	vg_err err;
	vg_config_init(&c, VG_LANG_EN);
	assert_int_equal(vg_config_load(&c, "/nonexistent/vigie.conf", &err), VG_ENOTFOUND);
	assert_non_null(strstr(err.msg, "/nonexistent/vigie.conf: cannot open"));
	assert_int_equal(vg_config_load(&c, "/tmp", &err), VG_EIO);
	assert_non_null(strstr(err.msg, "is a directory"));

	char path[] = "/tmp/vigie-test-config-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *s = "[a]\nb = c\nd e\n";
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
	assert_int_equal(vg_config_load(&c, path, &err), VG_EINVAL);
	char want[128];
	snprintf(want, sizeof(want), "%s:3: expected 'key = value'", path);
	assert_non_null(strstr(err.msg, want));
	assert_string_equal(vg_config_get(&c, "a", "b"), "c");
	vg_config_release(&c);

	/* a file over the limit is refused without reading it all */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	while (ftell(f) <= VG_CONFIG_MAX_BYTES)
		fputs("# padding padding padding padding padding padding padding pad\n", f);
	fclose(f);
	vg_config_init(&c, VG_LANG_EN);
	assert_int_equal(vg_config_load(&c, path, &err), VG_ETOOBIG);
	assert_non_null(strstr(err.msg, "file too big"));
	vg_config_release(&c);
	unlink(path);
}

static void test_errf(void **state)
{
	(void)state;
	vg_config c;
	vg_err err;
	assert_int_equal(parse(&c, "g = 1\n[s]\nk = v\n", &err), 0);
	assert_int_equal(
	    vg_config_errf(&c, vg_config_find(&c, "s", "k"), &err, VG_EINVAL, "bad %d", 7),
	    VG_EINVAL);
	assert_string_equal(err.msg, "t.conf:3: [s] k: bad 7");
	assert_int_equal(vg_config_errf(&c, vg_config_find(&c, "", "g"), &err, VG_EIO, "x"),
	                 VG_EIO);
	assert_string_equal(err.msg, "t.conf:1: g: x");
	assert_int_equal(vg_config_errf(&c, NULL, &err, VG_EINVAL, "y"), VG_EINVAL);
	assert_string_equal(err.msg, "t.conf: y");
	assert_int_equal(vg_config_errf(&c, NULL, NULL, VG_EINVAL, "y"), VG_EINVAL);
	vg_config_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic),
	    cmocka_unit_test(test_whitespace_and_comments),
	    cmocka_unit_test(test_quoted),
	    cmocka_unit_test(test_continuation),
	    cmocka_unit_test(test_syntax_errors),
	    cmocka_unit_test(test_duplicates),
	    cmocka_unit_test(test_encoding_errors),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_getters),
	    cmocka_unit_test(test_validate),
	    cmocka_unit_test(test_load),
	    cmocka_unit_test(test_errf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
