/*
 * vigie/lazy.h: the libraries loaded on first use.
 *
 * libcurl (webhooks, SMTP, the online password check), libmicrohttpd (the
 * service) and GMime with GLib (e-mail parsing) bring about forty shared
 * libraries with them (GnuTLS, Kerberos, LDAP, GIO...): linked in, the
 * dynamic loader maps and relocates all of them at every start of vigie,
 * about 7 ms of the 13 ms a `vigie check` or `vigie ingest` took before
 * doing anything. libvigie calls them through stubs of the same names
 * (src/core/lazy.c) that dlopen() the library the first time one of its
 * functions is called; commands that never call them never load them.
 *
 * A feature that needs one calls vg_lazy_load() first, to turn a missing
 * library into a clear error; a stub reached without it and unable to
 * load its library prints why and exits with status 4.
 */
#ifndef VIGIE_LAZY_H
#define VIGIE_LAZY_H

#include <stdbool.h>

#include "vigie/core.h"

typedef enum vg_lazy_lib {
	VG_LAZY_CURL,  /* libcurl */
	VG_LAZY_MHD,   /* libmicrohttpd */
	VG_LAZY_GMIME, /* GMime 3 (and GLib, GObject through it) */
	VG_LAZY__COUNT
} vg_lazy_lib;

/* Loads the library if it is not yet; VG_EIO, naming it and its Debian
 * package, when it cannot be. Thread-safe. */
VG_MUST_CHECK int vg_lazy_load(vg_lazy_lib lib, vg_err *err);

/* Whether the library is loaded (for tests: a command that does not need
 * it must not have loaded it). */
bool vg_lazy_loaded(vg_lazy_lib lib);

/* Resolves every function libvigie takes from the library: the number of
 * those missing (0: all there; their names in err), or VG_EIO when the
 * library cannot be loaded. For tests. */
int vg_lazy_check(vg_lazy_lib lib, vg_err *err);

#endif
