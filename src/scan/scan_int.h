/*
 * scan_int.h: the scanner's internals, shared by the files of src/scan/, the unit
 * tests and the fuzz targets. Not a public interface: vigie/scan.h is.
 *
 * Pipeline of one scan (scan.c):
 *   text ─ fold (text.c) ─ words ─ phrase rules (rules.c) ─┐
 *        └ URLs (urls.c) ─ host analysis (domain.c) ───────┼─ hits ─ evidence ─┐
 *   email ─ GMime (mime.c, html.c): text, links, headers,  │                   ├─ score
 *           attachments ────────────────────────────────────┘                   │
 *   fold ─ hashed features (model.c) ─ model logit ──────────────────────────────┘
 */
#ifndef VIGIE_SCAN_INT_H
#define VIGIE_SCAN_INT_H

#include "vigie/scan.h"

#include <stdint.h>

/* Buffers are vg_buf (vigie/core.h) without a maximum: memory is bounded by
 * the input limits. */

/* ---- Text folding (text.c) ---- */

/*
 * The folded form of a text, which rules and the model read: lowercase ASCII
 * letters (Latin letters lose their accents, ligatures split: œ -> oe),
 * digits and masked digits (runs of capital X standing alone, as the
 * SPAM-Hunter corpus writes them) become '0', currency signs become the words
 * "eur", "gbp", "usd", a few punctuation signs are kept (! ? . , : / @ % & +
 * - ' * #), every other separator becomes one space, invisible characters
 * (zero-width, soft hyphen, combining accents) vanish, and letters of other
 * scripts are kept as UTF-8. Bytes that are not UTF-8 are read as
 * Windows-1252. map[i] is the offset in the source of fold byte i (map[len]
 * is the source length), so a rule can quote the source.
 */
typedef struct vg_fold {
	char *s;
	uint32_t *map;
	size_t len, cap;
} vg_fold;

void vg_fold_text(vg_fold *f, const char *s, size_t n);
void vg_fold_free(vg_fold *f);

/* A word of a folded text: f->s[off .. off+len). */
typedef struct vg_word {
	uint32_t off, len;
} vg_word;

/* Splits a folded text into words (runs of [a-z0-9] and non-ASCII bytes);
 * returns the count, at most max. */
size_t vg_fold_words(const vg_fold *f, vg_word *w, size_t max);

/* Decodes one UTF-8 code point at s[i..n) into *cp; returns its length, or 0
 * for a byte that does not start a valid sequence. */
size_t vg_utf8_decode(const unsigned char *s, size_t i, size_t n, uint32_t *cp);

/* ---- Brands and official domains (brands.c) ---- */

enum {
	VG_BRAND_PUBLIC,
	VG_BRAND_BANK,
	VG_BRAND_TELECOM,
	VG_BRAND_PARCEL,
	VG_BRAND_ENERGY,
	VG_BRAND_ONLINE
};

typedef struct vg_brand_token {
	char *s;
	size_t len;
	bool weak; /* whole word only, and a lure word must be in the host */
} vg_brand_token;

typedef struct vg_brand {
	char *id, *label;
	int kind;
	char **domains;
	size_t ndomains;
	vg_brand_token *tokens;
	size_t ntokens;
	char **except;
	size_t nexcept;
	/* labels of the official domains without their suffix ("ameli"), and
	 * their lowercase confusable skeletons, for typo and homograph checks */
	char **labels;
	char **skeletons;
	size_t nlabels;
} vg_brand;

/* A name of a brand in a text: words of the folded text, or, when
 * case_sensitive, a word of the original text. */
typedef struct vg_brand_name {
	char *s;
	size_t len;
	int brand;
	bool case_sensitive;
} vg_brand_name;

/* A set of strings with a value, open addressing. */
typedef struct vg_strmap {
	const char **keys;
	int *vals;
	size_t cap, n;
} vg_strmap;

void vg_strmap_put(vg_strmap *m, const char *key, int val);
/* The value of key[0..n), or -1. */
int vg_strmap_get(const vg_strmap *m, const char *key, size_t n);
void vg_strmap_free(vg_strmap *m);

typedef struct vg_brands {
	vg_brand *v;
	size_t n;
	vg_strmap official;   /* official domain -> brand index */
	vg_strmap shorteners; /* value 0 */
	vg_strmap risky_tlds;
	vg_strmap freemail;
	vg_brand_name *names;
	size_t nnames;
} vg_brands;

/*
 * Parses the brand list format of data/scan/brands.txt. Skeletons are
 * computed with spoof (may be NULL: no skeletons). Returns 0 or VG_ECORRUPT
 * with the line in err.
 */
struct USpoofChecker;
int vg_brands_parse(vg_brands *b, const char *text, size_t n, const struct USpoofChecker *spoof,
                    vg_err *err) VG_MUST_CHECK;
void vg_brands_free(vg_brands *b);

/* ---- URL extraction (urls.c) ---- */

#define VG_URL_MAX 48 /* URLs looked at per text */

enum {
	VG_URL_HTTP = 1u << 0,     /* written http:// (plain) */
	VG_URL_HTTPS = 1u << 1,    /* written https:// */
	VG_URL_WWW = 1u << 2,      /* no scheme, starts with www. */
	VG_URL_BARE = 1u << 3,     /* no scheme: a bare domain name */
	VG_URL_USERINFO = 1u << 4, /* user@ before the host */
	VG_URL_PORT = 1u << 5,     /* an explicit :port */
	VG_URL_PATH = 1u << 6,     /* something after the host */
	VG_URL_SPACED = 1u << 7,   /* "http //host" (a colon lost in transcription) */
};

typedef struct vg_url {
	size_t off, len;             /* the whole URL in the text */
	unsigned flags;              /* VG_URL_* */
	char host[VG_SCAN_HOST_MAX]; /* the host as written (case kept), NUL-terminated */
	size_t hostlen;
} vg_url;

/*
 * Finds the URLs and bare domain names in s[0..n) (any bytes): scheme URLs
 * (http, https, hxxp, "http //"), www. names, and bare names whose last label
 * is a common top-level domain. Returns the count (at most max), in order.
 */
size_t vg_url_extract(const char *s, size_t n, vg_url *out, size_t max);

/* Parses one href (a URL in an HTML attribute) into u; false if it has no
 * http(s) host (mailto:, relative, javascript:). */
bool vg_url_parse_href(const char *s, size_t n, vg_url *u);

/* ---- Host analysis (domain.c) ---- */

typedef enum {
	VG_LOOK_NONE = 0,
	VG_LOOK_TYPO,      /* one or two edits from an official label */
	VG_LOOK_HOMOGRAPH, /* same confusable skeleton, different name */
	VG_LOOK_TLD,       /* the official label under another suffix */
	VG_LOOK_COMBO,     /* the brand's token inside a foreign domain */
	VG_LOOK_SUBDOMAIN, /* an official name as a subdomain of a foreign one */
	VG_LOOK_GOUV,      /* "gouv" in a domain that is not under gouv.fr */
} vg_look;

enum {
	VG_HOST_IP = 1u << 0,
	VG_HOST_IDN = 1u << 1,          /* non-ASCII or xn-- labels */
	VG_HOST_BAD_IDN = 1u << 2,      /* not a valid IDNA2008 name */
	VG_HOST_MIXED_SCRIPT = 1u << 3, /* a label mixes Latin and another script */
	VG_HOST_SHORTENER = 1u << 4,
	VG_HOST_RISKY_TLD = 1u << 5,
	VG_HOST_OFFICIAL = 1u << 6,
	VG_HOST_INVALID = 1u << 7, /* not a usable host name */
};

typedef struct vg_host {
	char ascii[VG_SCAN_HOST_MAX];   /* lowercase A-labels */
	char unicode[VG_SCAN_HOST_MAX]; /* lowercase U-labels, for people */
	char domain[VG_SCAN_HOST_MAX];  /* registrable domain (A-labels) */
	unsigned flags;                 /* VG_HOST_* */
	int brand;                      /* brand it belongs to or imitates, or -1 */
	vg_look look;
	const char *imitated; /* the official domain imitated, or NULL */
} vg_host;

/* Analyzes host[0..n) as written (case matters for confusables). */
void vg_host_analyze(const vg_scan *sc, const char *host, size_t n, vg_host *out);

/* Damerau-Levenshtein distance (adjacent transpositions), capped at max+1. */
unsigned vg_edit_distance(const char *a, size_t na, const char *b, size_t nb, unsigned max);

/* Registrable domain of an ASCII lowercase host into out (cap bytes). */
void vg_registrable(const vg_scan *sc, const char *ascii, char *out, size_t cap);

/* ---- Phrase rules (rules.c) ---- */

/* What a phrase of rules.c means. */
enum {
	VG_RULE_URGENCY,
	VG_RULE_DEADLINE,
	VG_RULE_THREAT,
	VG_RULE_PAYMENT,
	VG_RULE_AMOUNT,
	VG_RULE_LURE,
	VG_RULE_PARCEL,
	VG_RULE_ACTION,
	VG_RULE_VERB,      /* a request verb: saisir, confirmer, enter */
	VG_RULE_OBJ_CRED,  /* what may be asked: a password, a code */
	VG_RULE_OBJ_BANK,  /* bank details */
	VG_RULE_OBJ_PERSO, /* personal data */
	VG_RULE_ADVICE,    /* security advice (counts against phishing) */
	VG_RULE_RELATIVE,  /* "my phone broke, this is my new number" */
	VG_RULE_TRANSFER,  /* money asked: "faire un virement", "send money" */
	VG_RULE_BRAND,     /* a brand's name */
	VG_RULE__COUNT
};

typedef struct vg_phrase_index vg_phrase_index;
/* The index of the rule phrases and of the brand names of b (may be NULL). */
vg_phrase_index *vg_phrases_build(const vg_brands *b);
void vg_phrases_free(vg_phrase_index *ix);

/* Called for each phrase match: rule, brand (VG_RULE_BRAND) or -1, the index
 * of its first word and its number of words. */
typedef void (*vg_phrase_fn)(void *arg, int rule, int brand, size_t word, size_t nwords);
void vg_phrases_scan(const vg_phrase_index *ix, const vg_fold *f, const vg_word *w, size_t nw,
                     vg_phrase_fn fn, void *arg);

/* Identifiers found in an original text (first of each kind). */
enum {
	VG_IDENT_NIR = 1u << 0,
	VG_IDENT_FTID = 1u << 1,
	VG_IDENT_IBAN = 1u << 2,
	VG_IDENT_CARD = 1u << 3
};
typedef struct vg_ident_spans {
	size_t at[4], len[4]; /* NIR, France Travail id, IBAN, card */
} vg_ident_spans;
unsigned vg_find_identifiers(const char *s, size_t n, vg_ident_spans *sp);

/* Case-sensitive brand names ("Orange") as words of s[0..n): fn(arg, brand). */
void vg_brand_names_cs(const vg_brands *b, const char *s, size_t n, void (*fn)(void *, int),
                       void *arg);

/* ---- Statistical model (model.c) ---- */

#define VG_MODEL_BITS_DEFAULT 17
#define VG_MODEL_BITS_MIN 10
#define VG_MODEL_BITS_MAX 22

/* Optional feature groups of the email model (vg_model_part.features),
 * chosen by cross-validation in `vigie scan train` (train.c). */
enum {
	VG_EF_BULK = 1u << 0,   /* bulk-mail headers: List-*, Precedence, DKIM-Signature,
	                         * Return-Path and Message-ID domains, Received count */
	VG_EF_HNAMES = 1u << 1, /* one token per header name present */
	VG_EF_RULES = 1u << 2,  /* one token per rule hit (the model learns its weight) */
	VG_EF_COUNTS = 1u << 3, /* features count repeats (default: presence) */
	VG_EF__ALL = (1u << 4) - 1
};

/* The verdict thresholds of a part, as log-odds of the calibrated score
 * (the SMS defaults: 0.5 and 0.35). The shown score is the calibrated one
 * shifted piecewise so that thr_phish maps to VG_SCAN_PHISHING_AT and
 * thr_suspicious to VG_SCAN_SUSPICIOUS_AT (scan.c). */
#define VG_LOGIT_PHISHING 0.0
#define VG_LOGIT_SUSPICIOUS (-0.6190392084062235) /* log(0.35 / 0.65) */

typedef struct vg_model_part {
	bool present;
	uint32_t features; /* VG_EF_* (email part) */
	float bias;
	float scale;                     /* weight = q * scale */
	float cal_a, cal_b, cal_c;       /* p = sigmoid(a*logit + c*evidence + b) */
	float thr_phish, thr_suspicious; /* verdict thresholds on a*logit + c*evidence + b */
	int16_t *w;                      /* 1 << bits quantized weights */
} vg_model_part;

typedef struct vg_model {
	unsigned bits;
	vg_model_part part[2]; /* VG_SCAN_SMS, VG_SCAN_EMAIL */
} vg_model;

/* Hashed feature indices of a text (with repeats). */
typedef struct vg_feats {
	uint32_t *idx;
	size_t n, cap;
} vg_feats;

void vg_feats_free(vg_feats *f);
void vg_feats_add(vg_feats *f, uint32_t h);
/* Appends the features of a folded text (words, word pairs and, when chars,
 * character n-grams), hashed into 1 << bits buckets, with a namespace seed. */
void vg_feats_text(vg_feats *f, const vg_fold *fold, const vg_word *w, size_t nw, unsigned bits,
                   uint32_t ns, bool chars);
/* One named feature ("tld:xyz", "hdr:x-mailer"). */
void vg_feats_token(vg_feats *f, const char *s, size_t n, unsigned bits, uint32_t ns);

/* The model's logit for a feature list. */
double vg_model_logit(const vg_model_part *p, const vg_feats *f);

int vg_model_load(vg_model *m, const unsigned char *data, size_t n, vg_err *err) VG_MUST_CHECK;
int vg_model_load_file(vg_model *m, const char *path, vg_err *err) VG_MUST_CHECK;
int vg_model_save(const vg_model *m, const char *path, vg_err *err) VG_MUST_CHECK;
void vg_model_free(vg_model *m);

/* Training data: feature lists and labels. */
typedef struct vg_trainset {
	vg_feats *x;
	float *evidence;
	unsigned char *y;
	size_t n, cap;
} vg_trainset;

void vg_trainset_add(vg_trainset *t, const vg_feats *f, float evidence, int y);
void vg_trainset_free(vg_trainset *t);

typedef struct vg_train_params {
	unsigned epochs;
	double lr, l2;
	double pos_weight; /* weight of a positive example (negatives: 1) */
	unsigned folds;    /* for the held-out calibration */
	uint64_t seed;
} vg_train_params;

/* Trains p (weights, bias, calibration) on t. Deterministic. oof, when not
 * NULL, receives the held-out logits (n values) used for calibration. The
 * thresholds are set to the defaults (train.c calibrates the email ones). */
void vg_model_train(vg_model_part *p, unsigned bits, const vg_trainset *t,
                    const vg_train_params *tp, double *oof);
/* Cross-fitting alone: oof[i] is the logit of example i under a model trained
 * on the other folds (tp->folds, seeded shuffle). */
void vg_model_cv(unsigned bits, const vg_trainset *t, const vg_train_params *tp, double *oof);
/* Fits (a, b, c) on held-out logits (Newton, light ridge toward (1, 0, 1)). */
void vg_model_calibrate(const double *logit, const float *ev, const unsigned char *y, size_t n,
                        float *a, float *b, float *c);

/* Emails with fewer distinct features than this get a model pulled toward
 * VG_EMAIL_PRIOR (the log-odds of the 1:5 spam to ham ratio of the training
 * set) in proportion: m is a * logit + b, n the number of features. */
#define VG_EMAIL_FULL_FEATURES 300
#define VG_EMAIL_PRIOR (-1.6)
double vg_email_shrink(double m, size_t n);

/* ---- Email parsing (mime.c, html.c) ---- */

/* A link of an HTML part: where it points, what it says. */
typedef struct vg_anchor {
	uint32_t href_off, href_len; /* in vg_email_doc.strings */
	uint32_t text_off, text_len;
} vg_anchor;

typedef struct vg_attachment {
	char name[128]; /* file name (UTF-8, maybe cut) */
	char ctype[64]; /* content type, lowercase */
} vg_attachment;

#define VG_EMAIL_MAX_ANCHORS 64
#define VG_EMAIL_MAX_ATTACH 16
#define VG_EMAIL_MAX_HNAMES 48
#define VG_EMAIL_TEXT_MAX (256u * 1024) /* text kept for rules and the model */

typedef struct vg_email_doc {
	vg_buf subject;
	vg_buf text;    /* plain parts, then HTML parts as text */
	vg_buf strings; /* hrefs and anchor texts */
	char from_name[256], from_addr[256], reply_addr[256], return_path[256];
	char auth[512]; /* the topmost Authentication-Results (+ Received-SPF) */
	/* what separates legitimate bulk mail (mailing lists, newsletters) from
	 * spam, for the email model's header features (scan.c) */
	char hnames[VG_EMAIL_MAX_HNAMES][32]; /* distinct header names, lowercase */
	size_t nhnames;
	unsigned nreceived;     /* Received headers */
	char precedence[16];    /* Precedence value, lowercase ("bulk", "list") */
	char msgid_domain[128]; /* the domain of the Message-ID */
	char top_ctype[48];     /* the top-level content type, lowercase */
	bool list_unsubscribe, list_id, dkim_signature;
	vg_anchor anchors[VG_EMAIL_MAX_ANCHORS];
	size_t nanchors;
	vg_attachment att[VG_EMAIL_MAX_ATTACH];
	size_t natt;
	bool html_only, has_form, has_password_input;
	unsigned nparts;
} vg_email_doc;

void vg_email_doc_reset(vg_email_doc *d);
void vg_email_doc_free(vg_email_doc *d);
/* Parses raw[0..n) with GMime into d. Never fails: what cannot be parsed is
 * left empty. */
void vg_email_parse(vg_email_doc *d, const char *raw, size_t n);
/* HTML to text: appends the text of html[0..n) to d->text and its links to
 * d->anchors. */
void vg_html_to_text(vg_email_doc *d, const char *html, size_t n);

/* ---- The scanner (scan.c) ---- */

struct vg_scan {
	vg_brands brands;
	const void *psl; /* const psl_ctx_t * */
	struct USpoofChecker *spoof;
	vg_phrase_index *phrases;
	vg_model model;
};

/* The features and rule evidence of a text or an email, for training. */
float vg_scan_sms_features(vg_scan_ctx *cx, const char *s, size_t n, vg_feats *out);
/* The email's features and evidence, with the feature groups of the
 * scanner's email part (sc->model.part[VG_SCAN_EMAIL].features); *decisive
 * says whether a decisive rule fired. */
float vg_scan_email_features(vg_scan_ctx *cx, const char *raw, size_t n, vg_feats *out,
                             bool *decisive);
/* The shown score's log-odds from the calibrated ones z (see scan.c). */
double vg_scan_shift(const vg_model_part *p, double z);

/* The built-in data (generated at build time from data/scan/). */
extern const unsigned char vg_scan_builtin_brands[];
extern const size_t vg_scan_builtin_brands_len;
extern const unsigned char vg_scan_builtin_model[];
extern const size_t vg_scan_builtin_model_len;

#endif
