/*
 * open.c: finding and opening the registry the way every reading command
 * (check, report, registry info) does, so their messages agree.
 *
 * The order matters for the message: a missing key in a directory that holds
 * no registry at all is "no registry" (run vigie ingest), not "no key".
 */
#include "vigie/exposure.h"

#include <stdlib.h>

/* The registry directory: the option, $VIGIE_REGISTRY, or the default. */
const char *vg_exposure_registry_dir(const char *dir)
{
	if (dir)
		return dir;
	const char *env = getenv("VIGIE_REGISTRY");
	return env && *env ? env : "vigie-registry";
}

/* Opens dir's live registry, with its key when want_key. */
int vg_exposure_open(const char *dir, const char *key_file, bool want_key, vg_registry **reg,
                     vg_regkey **key, vg_err *err)
{
	*reg = NULL;
	*key = NULL;
	if (!want_key)
		return vg_registry_open_dir(dir, NULL, 0, reg, err);
	vg_regkey *k = NULL;
	int rc = vg_regkey_resolve(dir, key_file, false, &k, NULL, 0, err);
	if (rc) {
		/* without a key: is there a registry at all, and is it readable? */
		vg_registry *r = NULL;
		vg_err e2 = {0};
		int rc2 = vg_registry_open_dir(dir, NULL, 0, &r, &e2);
		vg_registry_close(r);
		if (rc2) {
			if (err)
				*err = e2;
			return rc2;
		}
		return rc;
	}
	rc = vg_registry_open_dir(dir, k, 0, reg, err);
	if (rc) {
		vg_regkey_free(k);
		return rc;
	}
	*key = k;
	return 0;
}
