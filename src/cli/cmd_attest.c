/*
 * cmd_attest.c: `vigie attest keygen | pubkey | verify`, the organisation's
 * attestation key and the check of a signed attestation of exposure. The
 * work is in vg_attest_* (include/vigie/attest.h); reference:
 * docs/public-check.md.
 *
 * verify trusts only the key it is given (--pubkey FILE, else the public half
 * of the secret key file): the public key written inside an attestation is a
 * hint, never the trust anchor, or anyone could sign their own.
 */
#include "cli/cli.h"
#include "vigie/attest.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

static const char help_fr[] =
    "Usage : vigie attest keygen [--key FICHIER] [--json]\n"
    "        vigie attest pubkey [--key FICHIER] [--json]\n"
    "        vigie attest verify FICHIER [--pubkey FICHIER | --key FICHIER] [--json]\n"
    "\n"
    "Les attestations d'exposition que délivre la vérification publique (vigie\n"
    "serve) sont signées par l'organisation (Ed25519).\n"
    "keygen : crée la clé secrète (mode 0600 ; jamais écrasée).\n"
    "pubkey : affiche la clé publique (PEM, lisible par openssl) à publier.\n"
    "verify : vérifie qu'une attestation est intacte et signée par la clé donnée,\n"
    "et affiche ce qu'elle atteste.\n"
    "\n"
    "Options :\n"
    "  --key FICHIER     la clé secrète (par défaut $VIGIE_ATTEST_KEY ou\n"
    "                    ./vigie-attest.key)\n"
    "  --pubkey FICHIER  la clé publique de confiance (PEM ou base64)\n"
    "  --json            un objet JSON\n"
    "  --lang fr|en      langue (par défaut fr)\n"
    "  -h, --help        cette aide\n"
    "\n"
    "Codes de sortie : 0 succès (verify : attestation valide) ; 1 attestation\n"
    "invalide ou modifiée ; 2 erreur d'usage ; 3 fichier ou clé illisible, clé\n"
    "déjà existante (keygen).\n";

static const char help_en[] =
    "Usage: vigie attest keygen [--key FILE] [--json]\n"
    "       vigie attest pubkey [--key FILE] [--json]\n"
    "       vigie attest verify FILE [--pubkey FILE | --key FILE] [--json]\n"
    "\n"
    "The attestations of exposure the public check (vigie serve) issues are\n"
    "signed by the organisation (Ed25519).\n"
    "keygen: creates the secret key (mode 0600; never overwritten).\n"
    "pubkey: prints the public key (PEM, readable by openssl) to publish.\n"
    "verify: checks that an attestation is intact and signed by the given key,\n"
    "and prints what it attests.\n"
    "\n"
    "Options:\n"
    "  --key FILE        the secret key (default $VIGIE_ATTEST_KEY or\n"
    "                    ./vigie-attest.key)\n"
    "  --pubkey FILE     the trusted public key (PEM or base64)\n"
    "  --json            one JSON object\n"
    "  --lang fr|en      language (default fr)\n"
    "  -h, --help        this help\n"
    "\n"
    "Exit codes: 0 success (verify: valid attestation); 1 invalid or altered\n"
    "attestation; 2 usage error; 3 unreadable file or key, key already\n"
    "exists (keygen).\n";

static void put_json(json_t *o)
{
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(o);
}

/* Reads at most max bytes of path into a new buffer; -1 and errno on error,
 * -2 when longer than max. */
static ssize_t read_file(const char *path, size_t max, char **out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	char *buf = vg_xmalloc(max + 1);
	size_t len = 0;
	for (;;) {
		ssize_t r = read(fd, buf + len, max + 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			close(fd);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > max) {
			free(buf);
			close(fd);
			return -2;
		}
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	return (ssize_t)len;
}

static int keygen(const char *key_path, bool json)
{
	const char *path = vg_attest_key_path(key_path);
	vg_attest_key *k = NULL;
	vg_err err = {0};
	if (vg_attest_key_create(path, &k, &err) != 0)
		return cli_fail("attest", EXIT_DATA, L("clé non créée : %s", "key not created: %s"),
		                err.msg);
	char kid[VG_ATTEST_KEY_ID_HEX + 1], pem[VG_ATTEST_PEM_MAX];
	vg_attest_key_id(vg_attest_key_public(k), kid);
	vg_attest_pubkey_pem(vg_attest_key_public(k), pem);
	vg_attest_key_free(k);
	if (json) {
		put_json(json_pack("{s:s,s:s,s:s}", "key", path, "key_id", kid, "public_key_pem", pem));
	} else {
		printf(L("Clé d'attestation créée : %s (mode 0600, à garder secrète)\n"
		         "Identifiant de clé : %s\n"
		         "Clé publique à publier (vigie attest pubkey) :\n%s",
		         "Attestation key created: %s (mode 0600, keep it secret)\n"
		         "Key id: %s\n"
		         "Public key to publish (vigie attest pubkey):\n%s"),
		       path, kid, pem);
	}
	return EXIT_OK;
}

static int pubkey(const char *key_path, bool json)
{
	const char *path = vg_attest_key_path(key_path);
	vg_attest_key *k = NULL;
	vg_err err = {0};
	if (vg_attest_key_load(path, &k, &err) != 0)
		return cli_fail("attest", EXIT_DATA, L("clé illisible : %s", "unreadable key: %s"),
		                err.msg);
	char kid[VG_ATTEST_KEY_ID_HEX + 1], pem[VG_ATTEST_PEM_MAX];
	vg_attest_key_id(vg_attest_key_public(k), kid);
	vg_attest_pubkey_pem(vg_attest_key_public(k), pem);
	if (json) {
		char b64[64];
		sodium_bin2base64(b64, sizeof(b64), vg_attest_key_public(k), VG_ATTEST_PK_BYTES,
		                  sodium_base64_VARIANT_ORIGINAL);
		put_json(json_pack("{s:s,s:s,s:s,s:s}", "algorithm", "Ed25519", "key_id", kid,
		                   "public_key", b64, "public_key_pem", pem));
	} else {
		fputs(pem, stdout);
	}
	vg_attest_key_free(k);
	return EXIT_OK;
}

/* The labels of a JSON array of strings, joined by ", ". */
static void print_list(const char *title, const json_t *a)
{
	printf("%s", title);
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) printf("%s%s", i ? ", " : "",
	                                   json_string_value(v) ? json_string_value(v) : "?");
	if (!json_array_size(a))
		printf("-");
	putchar('\n');
}

static const char *str_at(const json_t *o, const char *a, const char *b)
{
	const json_t *v = json_object_get(o, a);
	if (b)
		v = json_object_get(v, b);
	const char *s = json_string_value(v);
	return s ? s : "-";
}

static int verify(const char *file, const char *pub_path, const char *key_path, bool json)
{
	uint8_t pk[VG_ATTEST_PK_BYTES];
	char kid[VG_ATTEST_KEY_ID_HEX + 1];
	vg_err err = {0};
	if (pub_path) {
		char *s = NULL;
		ssize_t n = read_file(pub_path, 4096, &s);
		if (n < 0)
			return cli_fail("attest", EXIT_DATA,
			                L("clé publique illisible : %s : %s", "unreadable public key: %s: %s"),
			                pub_path, n == -2 ? L("trop longue", "too long") : strerror(errno));
		int rc = vg_attest_pubkey_parse(s, (size_t)n, pk, &err);
		free(s);
		if (rc)
			return cli_fail("attest", EXIT_DATA,
			                L("clé publique illisible : %s : %s", "unreadable public key: %s: %s"),
			                pub_path, err.msg);
	} else {
		vg_attest_key *k = NULL;
		const char *path = vg_attest_key_path(key_path);
		if (vg_attest_key_load(path, &k, &err) != 0)
			return cli_fail("attest", EXIT_DATA,
			                L("pas de clé de confiance (--pubkey FICHIER) : %s",
			                  "no trusted key (--pubkey FILE): %s"),
			                err.msg);
		memcpy(pk, vg_attest_key_public(k), VG_ATTEST_PK_BYTES);
		vg_attest_key_free(k);
	}
	vg_attest_key_id(pk, kid);

	char *data = NULL;
	ssize_t n = read_file(file, VG_ATTEST_MAX_BYTES, &data);
	if (n == -1)
		return cli_fail("attest", EXIT_DATA,
		                L("impossible de lire %s : %s", "cannot read %s: %s"), file,
		                strerror(errno));
	json_t *doc = NULL;
	int rc = n == -2 ? vg_err_set(&err, VG_ETOOBIG, "over %d bytes: not an attestation",
	                              VG_ATTEST_MAX_BYTES)
	                 : vg_attest_verify(data, (size_t)n, pk, &doc, &err);
	free(data);
	if (rc) {
		if (json)
			put_json(json_pack("{s:b,s:s,s:s}", "valid", 0, "key_id", kid, "error", err.msg));
		else
			fprintf(stderr, L("vigie attest: %s : attestation INVALIDE : %s\n",
			                  "vigie attest: %s: INVALID attestation: %s\n"),
			        file, err.msg);
		return EXIT_NEGATIVE;
	}
	if (json) {
		put_json(json_pack("{s:b,s:s,s:o}", "valid", 1, "key_id", kid, "document", doc));
		return EXIT_OK;
	}
	bool en = cli_lang == VG_LANG_EN;
	printf(L("Attestation valide : intacte, signée par la clé %s.\n",
	         "Valid attestation: intact, signed by key %s.\n"),
	       kid);
	printf(L("Émise par : %s, le %s\n", "Issued by: %s, on %s\n"), str_at(doc, "organisation", NULL),
	       str_at(doc, "issued", NULL));
	printf(L("Fuite : %s (%s – %s)\n", "Breach: %s (%s – %s)\n"), str_at(doc, "breach", "name"),
	       str_at(doc, "breach", "start"), str_at(doc, "breach", "end"));
	printf(L("Identifiant : %s (%s)\n", "Identifier: %s (%s)\n"),
	       str_at(doc, "identifier", "masked"), str_at(doc, "identifier", "kind"));
	const json_t *ex = json_object_get(doc, "exposed");
	print_list(L("Données exposées : ", "Data exposed: "),
	           json_object_get(json_object_get(ex, "category_labels"), en ? "en" : "fr"));
	print_list(L("Sources : ", "Sources: "), json_object_get(ex, "sources"));
	json_decref(doc);
	return EXIT_OK;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"key", required_argument, NULL, 'k'},  {"pubkey", required_argument, NULL, 'p'},
	    {"json", no_argument, NULL, 'j'},       {"lang", required_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},       {0, 0, 0, 0},
	};
	if (argc < 2)
		return cli_usage_error("attest", L("sous-commande manquante : keygen, pubkey ou verify",
		                                   "missing subcommand: keygen, pubkey or verify"));
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return cli_print_help(&cmd_attest);
	const char *sub = argv[1];
	if (strcmp(sub, "keygen") && strcmp(sub, "pubkey") && strcmp(sub, "verify"))
		return cli_usage_error("attest",
		                       L("sous-commande inconnue : '%s' (keygen, pubkey ou verify)",
		                         "unknown subcommand: '%s' (keygen, pubkey or verify)"),
		                       sub);
	const char *key = NULL, *pub = NULL;
	bool json = false;
	int c;
	vg_lang lang;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			key = optarg;
			break;
		case 'p':
			pub = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'l':
			if (vg_lang_parse(optarg, &lang) != 0)
				return cli_usage_error("attest", L("--lang attend fr ou en",
				                                   "--lang expects fr or en"));
			cli_lang = lang;
			break;
		case 'h':
			return cli_print_help(&cmd_attest);
		default:
			return cli_bad_option("attest", optopt, argv + 1, optind);
		}
	}
	int nargs = argc - 1 - optind;
	char **args = argv + 1 + optind;
	bool is_verify = !strcmp(sub, "verify");
	if (nargs > (is_verify ? 1 : 0))
		return cli_usage_error("attest",
		                       L("argument inattendu : '%s'", "unexpected argument: '%s'"),
		                       args[is_verify ? 1 : 0]);
	if (is_verify && nargs < 1)
		return cli_usage_error("attest", L("verify attend un FICHIER", "verify expects a FILE"));
	if (pub && !is_verify)
		return cli_usage_error("attest", L("--pubkey ne sert qu'à verify",
		                                   "--pubkey is for verify only"));
	if (pub && key)
		return cli_usage_error("attest", L("--pubkey ou --key, pas les deux",
		                                   "--pubkey or --key, not both"));
	int status;
	if (!strcmp(sub, "keygen"))
		status = keygen(key, json);
	else if (!strcmp(sub, "pubkey"))
		status = pubkey(key, json);
	else
		status = verify(args[0], pub, key, json);
	if (fflush(stdout) != 0)
		return cli_fail("attest", EXIT_DATA,
		                L("écriture impossible sur la sortie", "cannot write output"));
	return status;
}

const vg_cmd cmd_attest = {
    .name = "attest",
    .run = run,
    .summary_fr = "attestations d'exposition signées : clé (keygen, pubkey), vérification",
    .summary_en = "signed attestations of exposure: key (keygen, pubkey), verification",
    .help_fr = help_fr,
    .help_en = help_en,
};
