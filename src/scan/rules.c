/*
 * rules.c: the CNIL's red flags, read in the words of a message.
 *
 * The CNIL and cybermalveillance.gouv.fr tell people to distrust messages
 * that press them (urgency, deadlines, threats to an account), ask for money
 * (fees, fines, amounts), ask for passwords or codes, for bank details (IBAN,
 * card numbers) or for personal data (social security number, date of birth,
 * "update your information"), or lure them (refunds, prizes). Each flag is a
 * set of phrases in French and English, written in folded form (text.c):
 * lowercase, no accents, digits as '0'. In a phrase, a word ending in '*'
 * matches any word with that prefix, and '#' matches a run of digits
 * ("sous #h" matches "sous 24h" and "sous 48h").
 *
 * A request is a verb (saisir, confirmer, mettre à jour, enter, verify...)
 * followed within a few words by what it asks for (code, mot de passe,
 * coordonnées bancaires...), and not negated ("ne communiquez jamais ce
 * code" is advice, not a request; the advice itself counts against
 * phishing).
 *
 * The phrases of all rules and the brand names of the brand list go into one
 * index keyed by their first word (or its first three letters for a prefix),
 * so a message is read once, with two hash lookups per word.
 *
 * Identifiers are found in the original text: a valid NIR (key checked with
 * the ident library), a France Travail identifier (7 digits and a letter),
 * an IBAN (ISO 7064 check) or a card number (Luhn). A message that quotes
 * the person's NIR or France Travail identifier proves nothing: those leaked.
 */
#include "scan/scan_int.h"
#include "vigie/ftid.h"
#include "vigie/nir.h"

#include <string.h>

/* ---- Phrases ---- */

typedef struct phrase {
	uint8_t rule;
	const char *text;
} phrase;

static const phrase phrases[] = {
    /* urgency and threats of loss */
    {VG_RULE_URGENCY, "urgent"},
    {VG_RULE_URGENCY, "urgente"},
    {VG_RULE_URGENCY, "urgence"},
    {VG_RULE_URGENCY, "immediatement"},
    {VG_RULE_URGENCY, "imperativement"},
    {VG_RULE_URGENCY, "sans delai"},
    {VG_RULE_URGENCY, "au plus vite"},
    {VG_RULE_URGENCY, "dernier rappel"},
    {VG_RULE_URGENCY, "derniere relance"},
    {VG_RULE_URGENCY, "dernier avis"},
    {VG_RULE_URGENCY, "derniere chance"},
    {VG_RULE_URGENCY, "dernier delai"},
    {VG_RULE_URGENCY, "action requise"},
    {VG_RULE_URGENCY, "action immediate"},
    {VG_RULE_URGENCY, "expire*"},
    {VG_RULE_URGENCY, "arrive a echeance"},
    {VG_RULE_URGENCY, "arrive a expiration"},
    {VG_RULE_URGENCY, "sera supprime*"},
    {VG_RULE_URGENCY, "seront supprime*"},
    {VG_RULE_URGENCY, "seront perdu*"},
    {VG_RULE_URGENCY, "perdre vos droits"},
    {VG_RULE_URGENCY, "perdre votre"},
    {VG_RULE_URGENCY, "faute de quoi"},
    {VG_RULE_URGENCY, "sans reponse de votre part"},
    {VG_RULE_URGENCY, "sous peine"},
    {VG_RULE_URGENCY, "a defaut de"},
    {VG_RULE_URGENCY, "sans cette mise a jour"},
    {VG_RULE_URGENCY, "urgently"},
    {VG_RULE_URGENCY, "immediately"},
    {VG_RULE_URGENCY, "asap"},
    {VG_RULE_URGENCY, "final notice"},
    {VG_RULE_URGENCY, "final reminder"},
    {VG_RULE_URGENCY, "last chance"},
    {VG_RULE_URGENCY, "last warning"},
    {VG_RULE_URGENCY, "act now"},
    {VG_RULE_URGENCY, "action required"},
    {VG_RULE_URGENCY, "respond now"},
    {VG_RULE_URGENCY, "right away"},
    {VG_RULE_URGENCY, "failure to"},
    {VG_RULE_URGENCY, "will be deleted"},
    /* deadlines */
    {VG_RULE_DEADLINE, "sous #h"},
    {VG_RULE_DEADLINE, "sous # h"},
    {VG_RULE_DEADLINE, "sous # heures"},
    {VG_RULE_DEADLINE, "sous # jours"},
    {VG_RULE_DEADLINE, "dans les # heures"},
    {VG_RULE_DEADLINE, "dans les #h"},
    {VG_RULE_DEADLINE, "dans un delai de"},
    {VG_RULE_DEADLINE, "avant minuit"},
    {VG_RULE_DEADLINE, "avant le #"},
    {VG_RULE_DEADLINE, "au plus tard"},
    {VG_RULE_DEADLINE, "il vous reste # jours"},
    {VG_RULE_DEADLINE, "il vous reste #h"},
    {VG_RULE_DEADLINE, "il vous reste # heures"},
    {VG_RULE_DEADLINE, "within # hours"},
    {VG_RULE_DEADLINE, "within #h"},
    {VG_RULE_DEADLINE, "within # days"},
    {VG_RULE_DEADLINE, "by midnight"},
    {VG_RULE_DEADLINE, "today only"},
    {VG_RULE_DEADLINE, "limited time"},
    /* threats to an account */
    {VG_RULE_THREAT, "compte suspendu"},
    {VG_RULE_THREAT, "compte bloque"},
    {VG_RULE_THREAT, "compte restreint"},
    {VG_RULE_THREAT, "compte desactive"},
    {VG_RULE_THREAT, "compte verrouille"},
    {VG_RULE_THREAT, "compte limite"},
    {VG_RULE_THREAT, "a ete suspendu*"},
    {VG_RULE_THREAT, "a ete bloque*"},
    {VG_RULE_THREAT, "a ete restreint*"},
    {VG_RULE_THREAT, "a ete desactive*"},
    {VG_RULE_THREAT, "a ete verrouille*"},
    {VG_RULE_THREAT, "est suspendu*"},
    {VG_RULE_THREAT, "est bloque*"},
    {VG_RULE_THREAT, "est restreint*"},
    {VG_RULE_THREAT, "sera suspendu*"},
    {VG_RULE_THREAT, "sera bloque*"},
    {VG_RULE_THREAT, "sera desactive*"},
    {VG_RULE_THREAT, "sera restreint*"},
    {VG_RULE_THREAT, "sera cloture*"},
    {VG_RULE_THREAT, "sera resilie*"},
    {VG_RULE_THREAT, "temporairement verrouille*"},
    {VG_RULE_THREAT, "temporairement suspendu*"},
    {VG_RULE_THREAT, "acces suspendu"},
    {VG_RULE_THREAT, "acces restreint"},
    {VG_RULE_THREAT, "activite inhabituelle"},
    {VG_RULE_THREAT, "activite suspecte"},
    {VG_RULE_THREAT, "connexion inhabituelle"},
    {VG_RULE_THREAT, "tentative de connexion"},
    {VG_RULE_THREAT, "operation suspecte"},
    {VG_RULE_THREAT, "ligne suspendue"},
    {VG_RULE_THREAT, "suspension de"},
    {VG_RULE_THREAT, "retablir l acces"},
    {VG_RULE_THREAT, "retablir votre"},
    {VG_RULE_THREAT, "reactiver votre"},
    {VG_RULE_THREAT, "reactivez"},
    {VG_RULE_THREAT, "account suspended"},
    {VG_RULE_THREAT, "account locked"},
    {VG_RULE_THREAT, "account has been"},
    {VG_RULE_THREAT, "unusual activity"},
    {VG_RULE_THREAT, "suspicious activity"},
    {VG_RULE_THREAT, "unusual sign"},
    {VG_RULE_THREAT, "restore access"},
    {VG_RULE_THREAT, "reactivate"},
    {VG_RULE_THREAT, "has been suspended"},
    {VG_RULE_THREAT, "has been locked"},
    {VG_RULE_THREAT, "has been limited"},
    {VG_RULE_THREAT, "has been restricted"},
    {VG_RULE_THREAT, "been compromised"},
    {VG_RULE_THREAT, "will be suspended"},
    {VG_RULE_THREAT, "will be closed"},
    {VG_RULE_THREAT, "will be terminated"},
    {VG_RULE_THREAT, "will be blocked"},
    {VG_RULE_THREAT, "will be locked"},
    /* money asked */
    {VG_RULE_PAYMENT, "frais de livraison"},
    {VG_RULE_PAYMENT, "frais de port"},
    {VG_RULE_PAYMENT, "frais de douane"},
    {VG_RULE_PAYMENT, "frais de dedouanement"},
    {VG_RULE_PAYMENT, "droits de douane"},
    {VG_RULE_PAYMENT, "frais d envoi"},
    {VG_RULE_PAYMENT, "frais de reexpedition"},
    {VG_RULE_PAYMENT, "frais supplementaires"},
    {VG_RULE_PAYMENT, "frais de traitement"},
    {VG_RULE_PAYMENT, "frais de reactivation"},
    {VG_RULE_PAYMENT, "frais de #"},
    {VG_RULE_PAYMENT, "frais d un montant"},
    {VG_RULE_PAYMENT, "regler"},
    {VG_RULE_PAYMENT, "reglez"},
    {VG_RULE_PAYMENT, "regularis*"},
    {VG_RULE_PAYMENT, "payer"},
    {VG_RULE_PAYMENT, "payez"},
    {VG_RULE_PAYMENT, "impaye*"},
    {VG_RULE_PAYMENT, "solde debiteur"},
    {VG_RULE_PAYMENT, "penalite*"},
    {VG_RULE_PAYMENT, "majoration"},
    {VG_RULE_PAYMENT, "amende"},
    {VG_RULE_PAYMENT, "avis de contravention"},
    {VG_RULE_PAYMENT, "affranchissement"},
    {VG_RULE_PAYMENT, "pay now"},
    {VG_RULE_PAYMENT, "fee"},
    {VG_RULE_PAYMENT, "fees"},
    {VG_RULE_PAYMENT, "outstanding"},
    {VG_RULE_PAYMENT, "unpaid"},
    {VG_RULE_PAYMENT, "overdue"},
    {VG_RULE_PAYMENT, "customs"},
    {VG_RULE_PAYMENT, "penalty"},
    /* amounts */
    {VG_RULE_AMOUNT, "# eur"},
    {VG_RULE_AMOUNT, "# euro"},
    {VG_RULE_AMOUNT, "# euros"},
    {VG_RULE_AMOUNT, "eur #"},
    {VG_RULE_AMOUNT, "#eur"},
    {VG_RULE_AMOUNT, "#euros"},
    {VG_RULE_AMOUNT, "# gbp"},
    {VG_RULE_AMOUNT, "gbp #"},
    {VG_RULE_AMOUNT, "usd #"},
    {VG_RULE_AMOUNT, "# usd"},
    /* lures */
    {VG_RULE_LURE, "remboursement"},
    {VG_RULE_LURE, "rembourse*"},
    {VG_RULE_LURE, "vous avez gagne"},
    {VG_RULE_LURE, "tirage au sort"},
    {VG_RULE_LURE, "gagnant*"},
    {VG_RULE_LURE, "felicitation*"},
    {VG_RULE_LURE, "cadeau*"},
    {VG_RULE_LURE, "bon d achat"},
    {VG_RULE_LURE, "recompense*"},
    {VG_RULE_LURE, "aide de l etat"},
    {VG_RULE_LURE, "aide exceptionnelle"},
    {VG_RULE_LURE, "vous etes eligible"},
    {VG_RULE_LURE, "etes eligible"},
    {VG_RULE_LURE, "eligible a"},
    {VG_RULE_LURE, "admissible"},
    {VG_RULE_LURE, "congratulations"},
    {VG_RULE_LURE, "you have won"},
    {VG_RULE_LURE, "you ve won"},
    {VG_RULE_LURE, "you won"},
    {VG_RULE_LURE, "winner"},
    {VG_RULE_LURE, "prize"},
    {VG_RULE_LURE, "claim"},
    {VG_RULE_LURE, "reward"},
    {VG_RULE_LURE, "gift card"},
    {VG_RULE_LURE, "voucher"},
    {VG_RULE_LURE, "refund"},
    {VG_RULE_LURE, "guaranteed"},
    {VG_RULE_LURE, "cash prize"},
    /* parcels */
    {VG_RULE_PARCEL, "votre colis"},
    {VG_RULE_PARCEL, "un colis"},
    {VG_RULE_PARCEL, "colis en attente"},
    {VG_RULE_PARCEL, "avis de passage"},
    {VG_RULE_PARCEL, "livrer votre"},
    {VG_RULE_PARCEL, "your parcel"},
    {VG_RULE_PARCEL, "your package"},
    {VG_RULE_PARCEL, "redelivery"},
    {VG_RULE_PARCEL, "your shipment"},
    /* calls to follow a link */
    {VG_RULE_ACTION, "cliquez"},
    {VG_RULE_ACTION, "cliquer"},
    {VG_RULE_ACTION, "cliquant"},
    {VG_RULE_ACTION, "via le lien"},
    {VG_RULE_ACTION, "le lien ci"},
    {VG_RULE_ACTION, "suivez le lien"},
    {VG_RULE_ACTION, "lien suivant"},
    {VG_RULE_ACTION, "en suivant le lien"},
    {VG_RULE_ACTION, "lien ci dessous"},
    {VG_RULE_ACTION, "click"},
    {VG_RULE_ACTION, "tap the link"},
    {VG_RULE_ACTION, "follow the link"},
    {VG_RULE_ACTION, "link below"},
    /* request verbs */
    {VG_RULE_VERB, "saisir"},
    {VG_RULE_VERB, "saisissez"},
    {VG_RULE_VERB, "communiquer"},
    {VG_RULE_VERB, "communiquez"},
    {VG_RULE_VERB, "transmettre"},
    {VG_RULE_VERB, "transmettez"},
    {VG_RULE_VERB, "confirmer"},
    {VG_RULE_VERB, "confirmez"},
    {VG_RULE_VERB, "renseigner"},
    {VG_RULE_VERB, "renseignez"},
    {VG_RULE_VERB, "indiquer"},
    {VG_RULE_VERB, "indiquez"},
    {VG_RULE_VERB, "entrer"},
    {VG_RULE_VERB, "entrez"},
    {VG_RULE_VERB, "fournir"},
    {VG_RULE_VERB, "fournissez"},
    {VG_RULE_VERB, "envoyer"},
    {VG_RULE_VERB, "envoyez"},
    {VG_RULE_VERB, "renvoyer"},
    {VG_RULE_VERB, "renvoyez"},
    {VG_RULE_VERB, "mettre a jour"},
    {VG_RULE_VERB, "mettez a jour"},
    {VG_RULE_VERB, "mise a jour de"},
    {VG_RULE_VERB, "valider"},
    {VG_RULE_VERB, "validez"},
    {VG_RULE_VERB, "verifier"},
    {VG_RULE_VERB, "verifiez"},
    {VG_RULE_VERB, "completer"},
    {VG_RULE_VERB, "completez"},
    {VG_RULE_VERB, "remplir"},
    {VG_RULE_VERB, "remplissez"},
    {VG_RULE_VERB, "enter"},
    {VG_RULE_VERB, "provide"},
    {VG_RULE_VERB, "confirm"},
    {VG_RULE_VERB, "send"},
    {VG_RULE_VERB, "reply with"},
    {VG_RULE_VERB, "update"},
    {VG_RULE_VERB, "verify"},
    {VG_RULE_VERB, "share"},
    {VG_RULE_VERB, "submit"},
    {VG_RULE_VERB, "validate"},
    /* what a request asks for: secrets */
    {VG_RULE_OBJ_CRED, "mot de passe"},
    {VG_RULE_OBJ_CRED, "mots de passe"},
    {VG_RULE_OBJ_CRED, "identifiants"},
    {VG_RULE_OBJ_CRED, "code"},
    {VG_RULE_OBJ_CRED, "code de confirmation"},
    {VG_RULE_OBJ_CRED, "code secret"},
    {VG_RULE_OBJ_CRED, "code confidentiel"},
    {VG_RULE_OBJ_CRED, "code pin"},
    {VG_RULE_OBJ_CRED, "pass securite"},
    {VG_RULE_OBJ_CRED, "password"},
    {VG_RULE_OBJ_CRED, "passcode"},
    {VG_RULE_OBJ_CRED, "pin"},
    {VG_RULE_OBJ_CRED, "login details"},
    {VG_RULE_OBJ_CRED, "credentials"},
    {VG_RULE_OBJ_CRED, "one time"},
    {VG_RULE_OBJ_CRED, "otp"},
    /* bank details */
    {VG_RULE_OBJ_BANK, "coordonnees bancaires"},
    {VG_RULE_OBJ_BANK, "informations bancaires"},
    {VG_RULE_OBJ_BANK, "donnees bancaires"},
    {VG_RULE_OBJ_BANK, "rib"},
    {VG_RULE_OBJ_BANK, "iban"},
    {VG_RULE_OBJ_BANK, "numero de carte"},
    {VG_RULE_OBJ_BANK, "carte bancaire"},
    {VG_RULE_OBJ_BANK, "cryptogramme"},
    {VG_RULE_OBJ_BANK, "cvv"},
    {VG_RULE_OBJ_BANK, "cvc"},
    {VG_RULE_OBJ_BANK, "date d expiration"},
    {VG_RULE_OBJ_BANK, "moyen de paiement"},
    {VG_RULE_OBJ_BANK, "mode de paiement"},
    {VG_RULE_OBJ_BANK, "card number"},
    {VG_RULE_OBJ_BANK, "card details"},
    {VG_RULE_OBJ_BANK, "bank details"},
    {VG_RULE_OBJ_BANK, "account number"},
    {VG_RULE_OBJ_BANK, "sort code"},
    {VG_RULE_OBJ_BANK, "billing information"},
    {VG_RULE_OBJ_BANK, "payment details"},
    {VG_RULE_OBJ_BANK, "payment information"},
    {VG_RULE_OBJ_BANK, "payment method"},
    /* personal data */
    {VG_RULE_OBJ_PERSO, "numero de securite sociale"},
    {VG_RULE_OBJ_PERSO, "securite sociale"},
    {VG_RULE_OBJ_PERSO, "nir"},
    {VG_RULE_OBJ_PERSO, "date de naissance"},
    {VG_RULE_OBJ_PERSO, "lieu de naissance"},
    {VG_RULE_OBJ_PERSO, "piece d identite"},
    {VG_RULE_OBJ_PERSO, "carte d identite"},
    {VG_RULE_OBJ_PERSO, "justificatif*"},
    {VG_RULE_OBJ_PERSO, "vos informations"},
    {VG_RULE_OBJ_PERSO, "votre identite"},
    {VG_RULE_OBJ_PERSO, "vos donnees"},
    {VG_RULE_OBJ_PERSO, "vos coordonnees"},
    {VG_RULE_OBJ_PERSO, "votre dossier"},
    {VG_RULE_OBJ_PERSO, "le formulaire"},
    {VG_RULE_OBJ_PERSO, "informations personnelles"},
    {VG_RULE_OBJ_PERSO, "votre compte"},
    {VG_RULE_OBJ_PERSO, "social security"},
    {VG_RULE_OBJ_PERSO, "date of birth"},
    {VG_RULE_OBJ_PERSO, "your identity"},
    {VG_RULE_OBJ_PERSO, "your information"},
    {VG_RULE_OBJ_PERSO, "your details"},
    {VG_RULE_OBJ_PERSO, "your account"},
    {VG_RULE_OBJ_PERSO, "personal information"},
    {VG_RULE_OBJ_PERSO, "personal details"},
    /* a relative in trouble writing from a new number */
    {VG_RULE_RELATIVE, "mon telephone est casse"},
    {VG_RULE_RELATIVE, "j ai casse mon telephone"},
    {VG_RULE_RELATIVE, "mon nouveau numero"},
    {VG_RULE_RELATIVE, "c est mon nouveau numero"},
    {VG_RULE_RELATIVE, "numero d une amie"},
    {VG_RULE_RELATIVE, "numero d un ami"},
    {VG_RULE_RELATIVE, "ecris moi sur whatsapp"},
    {VG_RULE_RELATIVE, "sur whatsapp"},
    {VG_RULE_RELATIVE, "maman c est moi"},
    {VG_RULE_RELATIVE, "papa c est moi"},
    {VG_RULE_RELATIVE, "j ai perdu mon telephone"},
    {VG_RULE_RELATIVE, "my phone broke"},
    {VG_RULE_RELATIVE, "my new number"},
    {VG_RULE_RELATIVE, "hi mum"},
    {VG_RULE_RELATIVE, "hi mom"},
    {VG_RULE_RELATIVE, "hi dad"},
    /* money asked of a relative */
    {VG_RULE_TRANSFER, "faire un virement"},
    {VG_RULE_TRANSFER, "me faire un virement"},
    {VG_RULE_TRANSFER, "m envoyer"},
    {VG_RULE_TRANSFER, "envoyer de l argent"},
    {VG_RULE_TRANSFER, "payer une facture"},
    {VG_RULE_TRANSFER, "avancer de l argent"},
    {VG_RULE_TRANSFER, "send me"},
    {VG_RULE_TRANSFER, "send money"},
    {VG_RULE_TRANSFER, "transfer"},
    {VG_RULE_TRANSFER, "pay a bill"},
    /* security advice, as genuine notices give it */
    {VG_RULE_ADVICE, "ne communiquez jamais"},
    {VG_RULE_ADVICE, "ne le communiquez"},
    {VG_RULE_ADVICE, "ne la communiquez"},
    {VG_RULE_ADVICE, "ne les communiquez"},
    {VG_RULE_ADVICE, "ne communiquez pas"},
    {VG_RULE_ADVICE, "ne partagez jamais"},
    {VG_RULE_ADVICE, "ne le partagez"},
    {VG_RULE_ADVICE, "ne jamais communiquer"},
    {VG_RULE_ADVICE, "ne vous demandera jamais"},
    {VG_RULE_ADVICE, "ne vous demanderons jamais"},
    {VG_RULE_ADVICE, "ne vous demande jamais"},
    {VG_RULE_ADVICE, "ne demande jamais"},
    {VG_RULE_ADVICE, "ne demandera jamais"},
    {VG_RULE_ADVICE, "ne demandons jamais"},
    {VG_RULE_ADVICE, "never share"},
    {VG_RULE_ADVICE, "do not share"},
    {VG_RULE_ADVICE, "don t share"},
    {VG_RULE_ADVICE, "never ask"},
    {VG_RULE_ADVICE, "will never ask"},
};

#define NPHRASES (sizeof(phrases) / sizeof(phrases[0]))
#define MAX_PHRASE_WORDS 6

typedef struct entry {
	uint16_t rule; /* VG_RULE_*, or VG_RULE_BRAND */
	int16_t brand; /* for VG_RULE_BRAND */
	uint8_t nw;
	const char *w[MAX_PHRASE_WORDS]; /* pattern words (point into store) */
	uint8_t wl[MAX_PHRASE_WORDS];
	int next; /* next entry with the same key, or -1 */
} entry;

struct vg_phrase_index {
	entry *e;
	size_t n;
	vg_strmap exact;  /* first word -> first entry */
	vg_strmap prefix; /* first three letters of a prefix word -> first entry */
	char **store;     /* keys and words */
	size_t nstore;
};

/* Keeps a copy of s[0..n) alive as long as the index. */
static char *keep(vg_phrase_index *ix, const char *s, size_t n)
{
	ix->store = vg_xrealloc(ix->store, (ix->nstore + 1) * sizeof(char *));
	char *c = vg_xmalloc(n + 1);
	memcpy(c, s, n);
	c[n] = 0;
	ix->store[ix->nstore++] = c;
	return c;
}

/* Adds a phrase (space-separated pattern words) to the index. */
static void add_phrase(vg_phrase_index *ix, int rule, int brand, const char *text)
{
	entry en = {(uint16_t)rule, (int16_t)brand, 0, {0}, {0}, -1};
	const char *p = text;
	while (*p && en.nw < MAX_PHRASE_WORDS) {
		while (*p == ' ')
			p++;
		size_t l = strcspn(p, " ");
		if (!l)
			break;
		en.w[en.nw] = keep(ix, p, l);
		en.wl[en.nw] = (uint8_t)l;
		en.nw++;
		p += l;
	}
	if (!en.nw)
		return;
	const char *first = en.w[0];
	size_t fl = en.wl[0];
	bool pre = first[fl - 1] == '*';
	vg_strmap *m = pre ? &ix->prefix : &ix->exact;
	const char *key = pre ? keep(ix, first, fl - 1 < 3 ? fl - 1 : 3) : first;
	int head = vg_strmap_get(m, key, strlen(key));
	en.next = head;
	ix->e = vg_xrealloc(ix->e, (ix->n + 1) * sizeof(*ix->e));
	ix->e[ix->n] = en;
	vg_strmap_put(m, key, (int)ix->n);
	ix->n++;
}

/* Builds the index of the rule phrases and the brand names. */
vg_phrase_index *vg_phrases_build(const vg_brands *b)
{
	vg_phrase_index *ix = vg_xcalloc(1, sizeof(*ix));
	for (size_t i = 0; i < NPHRASES; i++)
		add_phrase(ix, phrases[i].rule, -1, phrases[i].text);
	for (size_t i = 0; b && i < b->nnames; i++)
		if (!b->names[i].case_sensitive)
			add_phrase(ix, VG_RULE_BRAND, b->names[i].brand, b->names[i].s);
	return ix;
}

/* Frees the index. */
void vg_phrases_free(vg_phrase_index *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->nstore; i++)
		free(ix->store[i]);
	free(ix->store);
	free(ix->e);
	vg_strmap_free(&ix->exact);
	vg_strmap_free(&ix->prefix);
	free(ix);
}

/* Does text word t[0..tn) match pattern word p[0..pn)? '*' at the end is a
 * prefix, '#' a run of digits ('0' in folded text). */
static bool word_match(const char *p, size_t pn, const char *t, size_t tn)
{
	size_t i = 0, j = 0;
	while (i < pn) {
		if (p[i] == '*' && i == pn - 1)
			return true;
		if (p[i] == '#') {
			if (j >= tn || t[j] != '0')
				return false;
			while (j < tn && t[j] == '0')
				j++;
			i++;
			continue;
		}
		if (j >= tn || p[i] != t[j])
			return false;
		i++, j++;
	}
	return j == tn;
}

/* Checks entry e against the words from w[at]; true on a match. */
static bool entry_match(const entry *e, const vg_fold *f, const vg_word *w, size_t nw, size_t at)
{
	if (at + e->nw > nw)
		return false;
	for (size_t k = 0; k < e->nw; k++)
		if (!word_match(e->w[k], e->wl[k], f->s + w[at + k].off, w[at + k].len))
			return false;
	return true;
}

/* Calls fn for each phrase match, in text order. */
void vg_phrases_scan(const vg_phrase_index *ix, const vg_fold *f, const vg_word *w, size_t nw,
                     vg_phrase_fn fn, void *arg)
{
	for (size_t i = 0; i < nw; i++) {
		const char *t = f->s + w[i].off;
		size_t tn = w[i].len;
		int k = vg_strmap_get(&ix->exact, t, tn);
		for (; k >= 0; k = ix->e[k].next)
			if (entry_match(&ix->e[k], f, w, nw, i))
				fn(arg, ix->e[k].rule, ix->e[k].brand, i, ix->e[k].nw);
		if (t[0] == '0') {
			/* patterns starting with '#' are keyed with their digits as
			 * one '#': "00h" looks up "#h" */
			char key[32];
			size_t z = 0;
			while (z < tn && t[z] == '0')
				z++;
			if (tn - z < sizeof(key) - 1) {
				key[0] = '#';
				memcpy(key + 1, t + z, tn - z);
				k = vg_strmap_get(&ix->exact, key, tn - z + 1);
				for (; k >= 0; k = ix->e[k].next)
					if (entry_match(&ix->e[k], f, w, nw, i))
						fn(arg, ix->e[k].rule, ix->e[k].brand, i,
						   ix->e[k].nw);
			}
		}
		if (tn >= 3) {
			k = vg_strmap_get(&ix->prefix, t, 3);
			for (; k >= 0; k = ix->e[k].next)
				if (entry_match(&ix->e[k], f, w, nw, i))
					fn(arg, ix->e[k].rule, ix->e[k].brand, i, ix->e[k].nw);
		}
		/* prefixes shorter than three letters are keyed on themselves */
		for (size_t pl = 1; pl < 3 && pl < tn; pl++) {
			k = vg_strmap_get(&ix->prefix, t, pl);
			for (; k >= 0; k = ix->e[k].next)
				if (entry_match(&ix->e[k], f, w, nw, i))
					fn(arg, ix->e[k].rule, ix->e[k].brand, i, ix->e[k].nw);
		}
	}
}

/* ---- Identifiers in the original text ---- */

/* True for an ASCII letter or digit. */
static inline bool alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Collects up to max significant characters from s[i..n) (digits, and, if
 * letters, letters), skipping single separators; returns the end of the
 * span and the count in *got. */
static size_t collect(const char *s, size_t i, size_t n, char *buf, size_t max, size_t *got,
                      bool letters)
{
	size_t k = 0, j = i, end = i;
	while (j < n && k < max) {
		unsigned char c = (unsigned char)s[j];
		if ((c >= '0' && c <= '9') || (letters && alnum(c))) {
			buf[k++] = (char)c;
			j++;
			end = j;
		} else if ((c == ' ' || c == '.' || c == '-') && j + 1 < n &&
		           alnum((unsigned char)s[j + 1]) && k > 0) {
			j++;
		} else {
			break;
		}
	}
	*got = k;
	return end;
}

/* Finds a valid NIR (15 characters, key checked) in s[0..n); fills span. */
static bool find_nir(const char *s, size_t n, size_t *at, size_t *len)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(c == '1' || c == '2' || c == '3' || c == '4' || c == '7' || c == '8'))
			continue;
		if (i > 0 && alnum((unsigned char)s[i - 1]))
			continue;
		char buf[16];
		size_t got;
		size_t end = collect(s, i, n, buf, 15, &got, true);
		if (got != 15 || (end < n && alnum((unsigned char)s[end])))
			continue;
		vg_nir v;
		if (vg_nir_normalize(s + i, end - i, &v) == 0 && !(v.flags & VG_NIR_KEY_COMPUTED)) {
			*at = i;
			*len = end - i;
			return true;
		}
	}
	return false;
}

/* True when the 80 bytes before s[i] name the identifier ("identifiant",
 * "France Travail", "Pôle emploi"): alone, 7 digits and a letter are as
 * often an order or a parcel number. */
static bool ftid_context(const char *s, size_t i)
{
	static const char *const words[] = {"identifiant", "france travail", "pole emploi",
	                                    "pôle emploi", "francetravail",  "pole-emploi"};
	size_t a = i > 80 ? i - 80 : 0;
	char low[81];
	size_t n = i - a;
	for (size_t k = 0; k < n; k++)
		low[k] = (char)((s[a + k] >= 'A' && s[a + k] <= 'Z') ? s[a + k] | 0x20 : s[a + k]);
	low[n] = 0;
	/* accents of capital letters are left as they are: "PÔLE" is rare */
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (memmem(low, n, words[k], strlen(words[k])))
			return true;
	return false;
}

/* Finds a France Travail identifier written as 7 digits and a letter, next
 * to a word that names it. */
static bool find_ftid(const char *s, size_t n, size_t *at, size_t *len)
{
	for (size_t i = 0; i + 8 <= n; i++) {
		if (i > 0 && alnum((unsigned char)s[i - 1]))
			continue;
		size_t k = 0;
		while (k < 7 && s[i + k] >= '0' && s[i + k] <= '9')
			k++;
		if (k != 7 || !(s[i + 7] >= 'A' && s[i + 7] <= 'Z'))
			continue;
		if (i + 8 < n && alnum((unsigned char)s[i + 8]))
			continue;
		if (!ftid_context(s, i))
			continue;
		vg_ftid v;
		if (vg_ftid_normalize(s + i, 8, &v) == 0) {
			*at = i;
			*len = 8;
			return true;
		}
	}
	return false;
}

/* True when buf[0..k) is an IBAN with a valid ISO 7064 mod 97 check. */
static bool iban_ok(const char *buf, size_t k)
{
	if (k < 15 || k > 34 || !((buf[0] | 0x20) >= 'a' && (buf[0] | 0x20) <= 'z') ||
	    !((buf[1] | 0x20) >= 'a' && (buf[1] | 0x20) <= 'z') ||
	    !(buf[2] >= '0' && buf[2] <= '9') || !(buf[3] >= '0' && buf[3] <= '9'))
		return false;
	unsigned rem = 0;
	for (size_t i = 0; i < k; i++) {
		char c = buf[(i + 4) % k];
		unsigned v;
		if (c >= '0' && c <= '9')
			v = (unsigned)(c - '0');
		else
			v = (unsigned)((c | 0x20) - 'a') + 10;
		rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
	}
	return rem == 1;
}

/* Finds an IBAN (letters, digits, spaces) in s[0..n). */
static bool find_iban(const char *s, size_t n, size_t *at, size_t *len)
{
	for (size_t i = 0; i + 15 <= n; i++) {
		if (!((s[i] >= 'A' && s[i] <= 'Z') && s[i + 1] >= 'A' && s[i + 1] <= 'Z'))
			continue;
		if (i > 0 && alnum((unsigned char)s[i - 1]))
			continue;
		char buf[40];
		size_t got;
		size_t end = collect(s, i, n, buf, 34, &got, true);
		/* shorten from the right: the text may go on after the IBAN */
		for (size_t k = got; k >= 15; k--) {
			if (iban_ok(buf, k)) {
				*at = i;
				*len = end - i;
				return true;
			}
		}
	}
	return false;
}

/* Finds a payment card number (13 to 19 digits, Luhn) in s[0..n). */
static bool find_card(const char *s, size_t n, size_t *at, size_t *len)
{
	for (size_t i = 0; i + 13 <= n; i++) {
		if (!(s[i] >= '2' && s[i] <= '5') || (i > 0 && alnum((unsigned char)s[i - 1])))
			continue;
		char buf[20];
		size_t got;
		size_t end = collect(s, i, n, buf, 19, &got, false);
		if (got < 13 || got > 19 || (end < n && alnum((unsigned char)s[end])))
			continue;
		/* the networks' prefixes and lengths: Visa 4 (16), Mastercard
		 * 51-55 and 22-27 (16), American Express 34 and 37 (15) */
		bool visa = buf[0] == '4' && got == 16;
		bool mc = got == 16 && ((buf[0] == '5' && buf[1] >= '1' && buf[1] <= '5') ||
		                        (buf[0] == '2' && buf[1] >= '2' && buf[1] <= '7'));
		bool amex = got == 15 && buf[0] == '3' && (buf[1] == '4' || buf[1] == '7');
		if (!visa && !mc && !amex)
			continue;
		unsigned sum = 0;
		for (size_t k = 0; k < got; k++) {
			unsigned d = (unsigned)(buf[got - 1 - k] - '0');
			if (k & 1)
				d = d * 2 > 9 ? d * 2 - 9 : d * 2;
			sum += d;
		}
		if (sum % 10 == 0) {
			*at = i;
			*len = end - i;
			return true;
		}
	}
	return false;
}

/* Finds the identifiers of s[0..n); sets bits of *found (VG_IDENT_*) and
 * the span of the first of each kind. */
unsigned vg_find_identifiers(const char *s, size_t n, vg_ident_spans *sp)
{
	unsigned found = 0;
	memset(sp, 0, sizeof(*sp));
	if (find_nir(s, n, &sp->at[0], &sp->len[0]))
		found |= VG_IDENT_NIR;
	if (find_ftid(s, n, &sp->at[1], &sp->len[1]))
		found |= VG_IDENT_FTID;
	if (find_iban(s, n, &sp->at[2], &sp->len[2]))
		found |= VG_IDENT_IBAN;
	if (find_card(s, n, &sp->at[3], &sp->len[3]))
		found |= VG_IDENT_CARD;
	return found;
}

/* Finds the case-sensitive brand names ("Orange", "LCL") as whole words of
 * the original text; calls fn(arg, brand) for each. */
void vg_brand_names_cs(const vg_brands *b, const char *s, size_t n, void (*fn)(void *, int),
                       void *arg)
{
	for (size_t i = 0; i < b->nnames; i++) {
		const vg_brand_name *nm = &b->names[i];
		if (!nm->case_sensitive || nm->len == 0)
			continue;
		const char *p = s, *end = s + n;
		while ((p = memmem(p, (size_t)(end - p), nm->s, nm->len)) != NULL) {
			bool left = p == s || !alnum((unsigned char)p[-1]);
			bool right = p + nm->len == end || !alnum((unsigned char)p[nm->len]);
			if (left && right) {
				fn(arg, nm->brand);
				break;
			}
			p++;
		}
	}
}
