/*
 * vigie/attest.h: signed attestations of exposure.
 *
 * A person who proved, through the public check's one-time code, that they
 * receive the messages of an email address or phone number may download an
 * attestation: a JSON document saying which categories of their data were
 * exposed, in which breach and which sources, issued and signed by the
 * organisation. They attach it to a police complaint or to a bank's fraud
 * dispute; anyone holding the organisation's public key checks it with
 * `vigie attest verify FILE` (or with any Ed25519 implementation: see
 * docs/public-check.md).
 *
 * The pieces:
 *
 *   vg_attest_key        the organisation's Ed25519 key pair (libsodium
 *                        crypto_sign). The secret key file holds the 32-byte
 *                        seed as 64 hex characters, mode 0600, created with
 *                        O_EXCL by `vigie attest keygen` or on first serve.
 *   vg_attest_mask()     the masked form of an identifier the document shows
 *                        (j***@e***.fr, +33 6 ** ** ** 12): enough for the
 *                        person to recognise theirs, not enough to find it.
 *   vg_attest_document() the document (a JSON object) from what the check
 *                        found and the organisation's configuration.
 *   vg_attest_sign()     the attestation file: {"format", "document",
 *                        "signature"}, the signature detached over the
 *                        document's canonical bytes (vg_attest_canonical():
 *                        RFC 8785 JCS, which for these documents is jansson's
 *                        compact dump with sorted keys, UTF-8 unescaped).
 *   vg_attest_verify()   checks a file against a trusted public key.
 *
 * The attestation never holds an identifier in clear, only its masked form.
 *
 * Ownership: a vg_attest_key is opaque, freed (and wiped) by
 * vg_attest_key_free(). Returned strings and JSON objects belong to the
 * caller. Thread-safe: a key is read-only once loaded.
 */
#ifndef VIGIE_ATTEST_H
#define VIGIE_ATTEST_H

#include "vigie/core.h"
#include "vigie/registry.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VG_ATTEST_PK_BYTES 32
#define VG_ATTEST_SIG_BYTES 64
/* The key id: the first 8 bytes of BLAKE2b-256(public key), in hex. */
#define VG_ATTEST_KEY_ID_HEX 16
/* The environment variable naming the secret key file. */
#define VG_ATTEST_KEY_ENV "VIGIE_ATTEST_KEY"
/* The default secret key file, in the current directory. */
#define VG_ATTEST_KEY_FILE "vigie-attest.key"
/* The largest attestation file vg_attest_verify() reads. */
#define VG_ATTEST_MAX_BYTES (64 * 1024)
/* Room for a masked identifier, NUL included. */
#define VG_ATTEST_MASK_MAX 64
/* The "format" member of every attestation file. */
#define VG_ATTEST_FORMAT "vigie-attestation/1"
/* A public key as PEM (SubjectPublicKeyInfo), NUL included. */
#define VG_ATTEST_PEM_MAX 128

typedef struct vg_attest_key vg_attest_key;

/* The key file to use: path when non-NULL, else $VIGIE_ATTEST_KEY when set
 * and not empty, else VG_ATTEST_KEY_FILE. */
const char *vg_attest_key_path(const char *path);

/* Creates a new random key pair in a new file at path (0600, O_EXCL: an
 * existing file is never overwritten, VG_EINVAL then). */
int vg_attest_key_create(const char *path, vg_attest_key **out, vg_err *err) VG_MUST_CHECK;

/*
 * Loads the secret key file at path. The file must be a regular file with no
 * group or other permission bits (VG_EINVAL otherwise, naming the fix) and
 * hold 64 hex characters and an optional newline. VG_ENOTFOUND when absent.
 */
int vg_attest_key_load(const char *path, vg_attest_key **out, vg_err *err) VG_MUST_CHECK;

/* Loads path, or creates it when absent and create is set; *created (optional,
 * OUT) says which. */
int vg_attest_key_open(const char *path, bool create, vg_attest_key **out, bool *created,
                       vg_err *err) VG_MUST_CHECK;

/* Wipes and frees. NULL is fine. */
void vg_attest_key_free(vg_attest_key *k);

/* The public half (owned by k). */
const uint8_t *vg_attest_key_public(const vg_attest_key *k);

/* The key id of pk, 16 hex characters and a NUL. */
void vg_attest_key_id(const uint8_t pk[VG_ATTEST_PK_BYTES], char out[VG_ATTEST_KEY_ID_HEX + 1]);

/* pk as a PEM "PUBLIC KEY" (what `openssl pkey -pubin` reads), ending in a
 * newline, into out. Returns the length. */
size_t vg_attest_pubkey_pem(const uint8_t pk[VG_ATTEST_PK_BYTES], char out[VG_ATTEST_PEM_MAX]);

/*
 * Reads a public key from s[0..n): a PEM "PUBLIC KEY" block (Ed25519
 * SubjectPublicKeyInfo), or the key's 32 bytes in standard base64 (44
 * characters) on a line. Surrounding whitespace is ignored. VG_EINVAL if
 * it is neither.
 */
int vg_attest_pubkey_parse(const char *s, size_t n, uint8_t pk[VG_ATTEST_PK_BYTES],
                           vg_err *err) VG_MUST_CHECK;

/*
 * The masked form of canonical identifier canon[0..n) of kind t (email or
 * phone; other kinds give "***"):
 *   email  first character of the local part, "***@", first character of
 *          the domain, "***", and the last label with its dot:
 *          jean.dupont@exemple.fr -> j***@e***.fr
 *   phone  French numbers (+33 and 9 digits): +33 6 ** ** ** 12; others:
 *          the country code, stars, the last two digits: +44 ******** 12.
 * Control characters of a malformed input come out as '?'.
 * Returns the length written to out (NUL-terminated).
 */
size_t vg_attest_mask(vg_idtab t, const char *canon, size_t n, char out[VG_ATTEST_MASK_MAX]);

/* What an attestation states. Strings are borrowed for the call. */
typedef struct vg_attest_info {
	const char *organisation;   /* who issues it: "France Travail" */
	const char *breach;         /* the breach's name */
	const char *breach_start;   /* "2024-02-06", or NULL */
	const char *breach_end;     /* "2024-03-05", or NULL */
	int64_t issued;             /* Unix seconds */
	vg_idtab kind;              /* VG_IDTAB_EMAIL or VG_IDTAB_PHONE */
	const char *masked;         /* vg_attest_mask() */
	uint16_t cats;              /* VG_CAT_BIT()s exposed */
	const char *sources[VG_SOURCE_MAX];
	size_t nsources;
	bool special;               /* a special-category source holds it */
} vg_attest_info;

/*
 * The document: {"type": "vigie-exposure-attestation", "version": 1,
 * "id", "issued", "organisation", "breach": {"name", "start", "end"},
 * "identifier": {"kind", "masked", "verified_by"}, "exposed":
 * {"categories", "category_labels": {"fr", "en"}, "sources",
 * "special_category"}, "statement": {"fr", "en"}}. Integers and strings
 * only. A new reference; "id" is random.
 */
json_t *vg_attest_document(const vg_attest_info *in);

/* The canonical bytes of a document (what is signed): a new NUL-terminated
 * string, *len its length; NULL if doc cannot be dumped. */
char *vg_attest_canonical(const json_t *doc, size_t *len);

/*
 * The attestation file for doc, signed with k: a new NUL-terminated string
 * (indented JSON ending in a newline), *len its length:
 *   {"format": "vigie-attestation/1", "document": {...},
 *    "signature": {"algorithm": "Ed25519", "canonicalization": "JCS",
 *                  "key_id": "...", "public_key": "<base64>",
 *                  "value": "<base64 of the 64-byte signature>"}}
 */
char *vg_attest_sign(const vg_attest_key *k, const json_t *doc, size_t *len);

/*
 * Checks the attestation file data[0..n) against the trusted public key pk:
 * well-formed, signed by pk over the canonical bytes of its "document", and
 * a document of a known type and version. 0 when valid, with *doc (optional,
 * OUT) a new reference to the document. VG_EINVAL when the file is not a
 * well-formed attestation, VG_ECORRUPT when the signature does not match
 * (tampered document or signature, or another key), VG_ETOOBIG over
 * VG_ATTEST_MAX_BYTES; a message in err says which.
 */
int vg_attest_verify(const char *data, size_t n, const uint8_t pk[VG_ATTEST_PK_BYTES],
                     json_t **doc, vg_err *err) VG_MUST_CHECK;

#endif
