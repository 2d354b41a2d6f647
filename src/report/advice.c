/*
 * advice.c: category names and labels, and the advice for people whose data
 * leaked.
 *
 * The general items follow the CNIL's advice after a data breach (be wary of
 * urgent messages, never give passwords or bank details by message, no
 * attachments or links, check account activity, report to
 * cybermalveillance.gouv.fr, strong passwords). The specific items say what
 * each exposed category changes: a NIR cannot be changed and, quoted in a
 * message, proves nothing; an address brings fake letters; and so on.
 *
 * Both tables are static and ordered; vg_advice_for() only filters them.
 * Texts are written for people, not lawyers: short sentences, no jargon.
 */
#include "vigie/advice.h"

#include <string.h>

/* ------------------------------------------------------------------ */
/* Categories                                                          */

static const struct {
	const char *name, *fr, *en;
} cats[VG_DATACAT_COUNT] = {
    [VG_DATACAT_NAME] = {"name", "Nom et prénom", "Name"},
    [VG_DATACAT_NIR] = {"nir", "Numéro de sécurité sociale (NIR)", "Social security number (NIR)"},
    [VG_DATACAT_DOB] = {"dob", "Date de naissance", "Date of birth"},
    [VG_DATACAT_FTID] = {"ft_id", "Identifiant France Travail", "France Travail identifier"},
    [VG_DATACAT_EMAIL] = {"email", "Adresse électronique", "Email address"},
    [VG_DATACAT_ADDRESS] = {"address", "Adresse postale", "Postal address"},
    [VG_DATACAT_PHONE] = {"phone", "Numéro de téléphone", "Phone number"},
    [VG_DATACAT_SEX] = {"sex", "Sexe", "Sex"},
    [VG_DATACAT_BIRTHPLACE] = {"birthplace", "Lieu de naissance", "Place of birth"},
    [VG_DATACAT_REGISTRATION] = {"registration", "Situation d'inscription", "Registration status"},
};

/* The stable string name of a category. */
const char *vg_datacat_name(vg_datacat c)
{
	return (unsigned)c < VG_DATACAT_COUNT ? cats[c].name : NULL;
}

/* The label of a category for people. */
const char *vg_datacat_label(vg_datacat c, vg_lang lang)
{
	if ((unsigned)c >= VG_DATACAT_COUNT)
		return NULL;
	return lang == VG_LANG_EN ? cats[c].en : cats[c].fr;
}

/* Parses a category's string name. */
int vg_datacat_parse(const char *s, size_t n, vg_datacat *out)
{
	for (unsigned c = 0; c < VG_DATACAT_COUNT; c++) {
		if (strlen(cats[c].name) == n && memcmp(cats[c].name, s, n) == 0) {
			*out = (vg_datacat)c;
			return 0;
		}
	}
	return VG_EINVAL;
}

/* ------------------------------------------------------------------ */
/* Advice                                                              */

#define B(c) VG_DATACAT_BIT(VG_DATACAT_##c)

static const struct advice {
	const char *code;
	uint32_t needs;
	const char *title_fr, *text_fr;
	const char *title_en, *text_en;
} advice[] = {
    /* What each exposed category changes, most serious first. */
    {"special_category", VG_ADVICE_SPECIAL, "Les données exposées peuvent révéler un handicap",
     "Votre présence dans les fichiers de Cap Emploi peut laisser deviner un handicap. Méfiez-"
     "vous des messages qui en parlent pour vous mettre en confiance (aide, allocation, "
     "reconnaissance de handicap, prime) : ne répondez pas, ne payez rien et vérifiez auprès de "
     "votre conseiller par ses coordonnées habituelles.",
     "The exposed data may reveal a disability",
     "Being in Cap Emploi's files may reveal a disability. Be wary of messages that mention it "
     "to gain your trust (support, allowance, disability recognition, bonus): do not reply, pay "
     "nothing, and check with your adviser through the usual contact details."},
    {"nir_permanent", B(NIR), "Votre numéro de sécurité sociale ne peut pas être changé",
     "Restez vigilant dans la durée : ce numéro vous suit toute votre vie. Un message qui cite "
     "votre numéro de sécurité sociale ne prouve rien sur son expéditeur : les escrocs le "
     "connaissent désormais. Ne le donnez jamais en réponse à un message ou à un appel.",
     "Your social security number cannot be changed",
     "Stay alert for a long time: this number is yours for life. A message quoting your social "
     "security number proves nothing about who sent it: fraudsters now know it. Never give it "
     "in reply to a message or a call."},
    {"ft_id_quoted", B(FTID), "Un message qui cite votre identifiant France Travail peut être faux",
     "Des escrocs peuvent vous écrire en se faisant passer pour France Travail et citer votre "
     "identifiant pour paraître sérieux. Pour tout ce qui concerne votre dossier, passez par "
     "votre espace personnel sur francetravail.fr ou l'application officielle, jamais par un lien "
     "reçu.",
     "A message quoting your France Travail identifier may be fake",
     "Fraudsters may write to you pretending to be France Travail, quoting your identifier to "
     "look genuine. For anything about your file, use your personal space on francetravail.fr or "
     "the official app, never a link you received."},
    {"registration_scams", B(REGISTRATION), "Méfiez-vous des messages sur vos allocations",
     "Les escrocs savent que vous êtes ou avez été inscrit à France Travail. « Votre allocation "
     "va être suspendue », « mettez à jour votre RIB » : ce sont des arnaques classiques. France "
     "Travail ne demande jamais vos coordonnées bancaires par SMS, courriel ou téléphone.",
     "Be wary of messages about your allowances",
     "Fraudsters know you are or were registered with France Travail. \"Your allowance will be "
     "suspended\", \"update your bank details\": these are classic scams. France Travail never "
     "asks for your bank details by text, email or phone."},
    {"identity_questions", B(NAME) | B(DOB),
     "Vos nom et date de naissance ne prouvent plus votre identité",
     "Ce sont les questions que posent souvent les banques et les administrations pour vérifier "
     "qui vous êtes. Quelqu'un qui les connaît au téléphone n'est pas forcément légitime. Si un "
     "organisme vous parle d'une démarche que vous n'avez pas faite (crédit, ouverture de "
     "compte, changement d'adresse), contactez-le vite par ses coordonnées officielles.",
     "Your name and date of birth no longer prove who you are",
     "Banks and public services often ask for them to check who you are. Someone on the phone "
     "who knows them is not necessarily genuine. If an organisation mentions a step you did not "
     "take (a loan, a new account, a change of address), contact it quickly through its "
     "official contact details."},
    {"address_mail_fraud", B(ADDRESS), "Méfiez-vous des courriers qui semblent officiels",
     "Avec votre adresse, des escrocs peuvent vous envoyer de faux courriers au nom de France "
     "Travail, de l'Assurance maladie (Ameli), des impôts ou d'un huissier, qui demandent un "
     "paiement, des papiers ou de rappeler un numéro. Vérifiez auprès de l'organisme par ses "
     "coordonnées officielles. Signalez à La Poste toute réexpédition de courrier que vous "
     "n'avez pas demandée.",
     "Be wary of letters that look official",
     "With your address, fraudsters can send you fake letters in the name of France Travail, "
     "the health insurance (Ameli), the tax office or a bailiff, asking for a payment, documents "
     "or a call back. Check with the organisation through its official contact details. Tell La "
     "Poste about any mail redirection you did not ask for."},
    {"phone_smishing", B(PHONE), "Attendez-vous à des SMS et des appels frauduleux",
     "Faux SMS (colis, carte Vitale, compte personnel de formation, France Travail) et faux "
     "conseillers au téléphone sont à prévoir. Ne rappelez pas le numéro donné : raccrochez et "
     "appelez l'organisme à son numéro habituel. Transférez les SMS suspects au 33700.",
     "Expect fraudulent texts and calls",
     "Expect fake texts (parcels, health card, training account, France Travail) and fake "
     "advisers on the phone. Do not call back the number given: hang up and call the "
     "organisation on its usual number. Forward suspicious texts to 33700."},
    {"email_phishing", B(EMAIL), "Attendez-vous à des courriels d'hameçonnage",
     "Des courriels imitant France Travail, l'Assurance maladie ou votre banque vont sans doute "
     "arriver à cette adresse. L'adresse de l'expéditeur peut être falsifiée. Si cette adresse "
     "vous sert d'identifiant quelque part, vérifiez que le mot de passe de ce compte est solide "
     "et n'est utilisé nulle part ailleurs.",
     "Expect phishing emails",
     "Emails imitating France Travail, the health insurance or your bank will probably reach "
     "this address. The sender's address can be forged. If you use this address to log in "
     "somewhere, make sure that account's password is strong and used nowhere else."},

    /* The CNIL's advice: always given. */
    {"urgent_messages", 0, "Méfiez-vous des messages urgents",
     "Un message qui vous presse (compte bloqué, allocation suspendue, amende, remboursement à "
     "réclamer) est un signe d'arnaque. Prenez le temps de vérifier auprès de l'organisme, par un "
     "moyen que vous connaissez déjà.",
     "Be wary of urgent messages",
     "A message that rushes you (account blocked, allowance suspended, fine, refund to claim) is "
     "a sign of a scam. Take the time to check with the organisation, through a means you "
     "already know."},
    {"no_credentials", 0,
     "Ne donnez jamais vos mots de passe ni vos coordonnées bancaires par message",
     "Aucun organisme sérieux ne vous demande par courriel, SMS ou téléphone votre mot de passe, "
     "votre numéro de carte bancaire ou un code reçu par SMS.",
     "Never give your passwords or bank details in reply to a message",
     "No genuine organisation asks by email, text or phone for your password, your bank card "
     "number or a code you received by text."},
    {"no_links", 0, "N'ouvrez pas les pièces jointes et ne cliquez pas sur les liens",
     "Dans un message inattendu, n'ouvrez pas les pièces jointes et ne suivez pas les liens. Pour "
     "aller sur un site, tapez vous-même son adresse ou utilisez l'application officielle.",
     "Do not open attachments or follow links",
     "In an unexpected message, do not open attachments or follow links. To visit a site, type "
     "its address yourself or use the official app."},
    {"check_accounts", 0, "Surveillez l'activité de vos comptes",
     "Regardez régulièrement vos comptes bancaires et vos espaces en ligne (France Travail, "
     "Ameli, impots.gouv.fr). Signalez tout de suite à l'organisme une opération que vous ne "
     "reconnaissez pas.",
     "Check your accounts' activity",
     "Look regularly at your bank accounts and your online accounts (France Travail, Ameli, "
     "impots.gouv.fr). Report at once to the organisation any transaction you do not recognise."},
    {"report_scams", 0, "Signalez les tentatives d'arnaque",
     "Le site cybermalveillance.gouv.fr vous aide et vous dit quoi faire si vous êtes victime. "
     "Vous pouvez aussi transférer les SMS frauduleux au 33700.",
     "Report scam attempts",
     "The cybermalveillance.gouv.fr site helps you and tells you what to do if you are a victim. "
     "You can also forward fraudulent texts to 33700."},
    {"strong_passwords", 0, "Utilisez des mots de passe solides et différents",
     "Un mot de passe long et différent pour chaque compte, surtout pour votre messagerie. Un "
     "gestionnaire de mots de passe aide à les retenir. Activez la double authentification quand "
     "elle est proposée.",
     "Use strong, different passwords",
     "A long, different password for each account, above all for your email. A password manager "
     "helps you remember them. Turn on two-step verification when it is offered."},
};

#undef B

_Static_assert(sizeof(advice) / sizeof(advice[0]) <= VG_ADVICE_MAX, "raise VG_ADVICE_MAX");

/* The advice for a set of exposed categories, specific items first. */
vg_advice_list vg_advice_for(uint32_t cats_mask, vg_lang lang)
{
	vg_advice_list l;
	memset(&l, 0, sizeof(l));
	for (size_t i = 0; i < sizeof(advice) / sizeof(advice[0]); i++) {
		const struct advice *a = &advice[i];
		if ((a->needs & cats_mask) != a->needs)
			continue;
		vg_advice_item *it = &l.item[l.n++];
		it->code = a->code;
		it->needs = a->needs;
		it->title = lang == VG_LANG_EN ? a->title_en : a->title_fr;
		it->text = lang == VG_LANG_EN ? a->text_en : a->text_fr;
	}
	return l;
}
