/*
 * app.js: vigie's page (docs/api.md, docs/web.md). Plain JavaScript, no
 * framework, no third-party request: the Content-Security-Policy allows only
 * this file, app.css and same-origin fetch().
 *
 * Three flows:
 *  - the public check: POST /v1/public/check, then the code sent to the
 *    person, POST /v1/public/verify, then what leaked and the attestation
 *    (GET /v1/public/attestation);
 *  - a password: SHA-1 in the browser, only the 5 first hex characters go to
 *    GET /range/{prefix} (with Add-Padding), the match is made here;
 *  - a message: POST /v1/scan, verdict, score and reasons.
 *
 * Every string exists in French and English (STRINGS below); elements with
 * data-i18n="key" carry the French text in index.html for the first paint
 * and are rewritten when the language changes.
 */
'use strict';

(function () {
	/* ------------------------------------------------------------------ */
	/* Strings                                                             */
	/* ------------------------------------------------------------------ */

	var STRINGS = {
		fr: {
			'title': 'Vigie — après la fuite de données',
			'skip': 'Aller au contenu',
			'tagline': "Service d'information après la fuite de données",
			'lang.switch': 'English',
			'lang.switch.label': 'Display the page in English',
			'lang.now': 'La page est maintenant en français.',
			'toc.title': 'Sur cette page',
			'toc.check': 'Mes données ont-elles fuité ?',
			'toc.password': 'Mon mot de passe est-il connu ?',
			'toc.scan': 'Ce message est-il authentique ?',
			'toc.privacy': 'Ce que cette page envoie',
			'h1': 'Après la fuite de données : vérifier, comprendre, se protéger',
			'lead': "Des données personnelles de demandeurs d'emploi ont été dérobées. Cette page vous permet de savoir ce qui vous concerne, de vérifier un mot de passe et de reconnaître un message frauduleux.",
			'noscript': "Cette page a besoin de JavaScript pour fonctionner. Rien n'est envoyé tant qu'il est désactivé.",

			'check.title': 'Mes données ont-elles fuité ?',
			'check.intro': 'Indiquez votre adresse électronique ou votre numéro de téléphone. Si elle ou il figure dans les fichiers dérobés, nous y envoyons un code : vous seul pourrez voir le résultat.',
			'check.kind.legend': 'Ce que vous voulez vérifier',
			'check.kind.email': 'Mon adresse électronique',
			'check.kind.phone': 'Mon numéro de téléphone mobile',
			'check.value.email': 'Adresse électronique',
			'check.value.phone': 'Numéro de téléphone mobile',
			'check.hint.email': 'Par exemple : prenom.nom@exemple.fr',
			'check.hint.phone': 'Par exemple : 06 12 34 56 78 ou +33 6 12 34 56 78',
			'check.submit': 'Recevoir un code',
			'check.empty.email': 'Saisissez votre adresse électronique.',
			'check.empty.phone': 'Saisissez votre numéro de téléphone.',
			'check.bad.email': "Cette adresse électronique n'est pas valide : il manque le signe @ ou le nom de domaine.",
			'check.invalid': function (why) {
				return "Ce que vous avez saisi n'est pas valide" + (why ? ' : ' + why : '.');
			},
			'check.sending': 'Envoi de la demande…',
			'check.step2.title': 'Saisissez le code reçu',
			'check.sent.email': "Si cette adresse figure dans les fichiers, un code à 6 chiffres vient d'y être envoyé. Il est valable 15 minutes.",
			'check.sent.phone': "Si ce numéro figure dans les fichiers, un code à 6 chiffres vient de lui être envoyé par SMS. Il est valable 15 minutes.",
			'check.sent.none': "Vous ne recevez rien ? Regardez dans les courriers indésirables. Si rien n'arrive, c'est sans doute que cette adresse ou ce numéro ne figure pas dans les fichiers.",
			'check.code.label': 'Code à 6 chiffres',
			'check.code.submit': 'Voir le résultat',
			'check.code.bad': 'Le code comporte exactement 6 chiffres.',
			'check.code.wrong': function (n) {
				return n === 1 ? 'Ce code est incorrect. Il vous reste 1 essai.'
					: n > 1 ? 'Ce code est incorrect. Il vous reste ' + n + ' essais.'
						: 'Ce code est incorrect.';
			},
			'check.code.expired': "Ce code a expiré, a déjà servi ou n'est plus valable. Recommencez la vérification pour en recevoir un nouveau.",
			'check.verifying': 'Vérification du code…',
			'check.restart': 'Recommencer',
			'check.result.title': 'Ce qui a fuité vous concernant',
			'check.exposed': 'Vos données figurent dans les fichiers dérobés.',
			'check.exposed.text': "Voici les informations qui ont fuité avec votre adresse ou votre numéro, d'où elles viennent, et ce que nous vous conseillons de faire.",
			'check.notexposed': 'Aucune donnée vous concernant ne figure dans les fichiers.',
			'check.categories': 'Données exposées',
			'check.sources': 'Fichiers concernés',
			'check.special': "(*) Fichier à caractère sensible : y figurer peut révéler une information protégée par l'article 9 du RGPD (par exemple une situation de handicap). Cette information ne concerne que vous.",
			'check.advice': 'Que faire maintenant ?',
			'check.attestation': "Télécharger l'attestation d'exposition",
			'check.attestation.hint': "L'attestation est un document signé par l'organisme. Joignez-la à une plainte ou à une contestation de fraude.",
			'check.again': 'Vérifier une autre adresse ou un autre numéro',
			'check.shown': 'Résultat affiché.',

			'cat.name': 'Nom et prénom',
			'cat.nir': 'Numéro de sécurité sociale (NIR)',
			'cat.dob': 'Date de naissance',
			'cat.ft_id': 'Identifiant France Travail',
			'cat.email': 'Adresse électronique',
			'cat.address': 'Adresse postale',
			'cat.phone': 'Numéro de téléphone',
			'cat.sex': 'Sexe',
			'cat.birthplace': 'Lieu de naissance',
			'cat.registration': "Situation d'inscription",

			'pw.title': 'Mon mot de passe est-il connu des pirates ?',
			'pw.intro': 'Vérifiez si un mot de passe figure dans les listes de mots de passe divulgués. Votre mot de passe ne quitte pas votre appareil.',
			'pw.label': 'Mot de passe à vérifier',
			'pw.show': 'Afficher le mot de passe',
			'pw.submit': 'Vérifier le mot de passe',
			'pw.empty': 'Saisissez le mot de passe à vérifier.',
			'pw.nocrypto': "Votre navigateur ne permet pas de calculer l'empreinte du mot de passe ici (il faut une connexion sécurisée, https). Rien n'a été envoyé.",
			'pw.checking': 'Vérification du mot de passe…',
			'pw.found.title': 'Ce mot de passe a fuité.',
			'pw.found': function (n, fmt) {
				return n === 1 ? 'Il apparaît 1 fois dans les listes de mots de passe divulgués.'
					: 'Il apparaît ' + fmt + ' fois dans les listes de mots de passe divulgués.';
			},
			'pw.found.advice': "Ne l'utilisez plus : changez-le partout où vous vous en servez, en commençant par votre messagerie. Les pirates essaient ces mots de passe en premier.",
			'pw.notfound.title': "Ce mot de passe n'apparaît pas dans les listes connues.",
			'pw.notfound': "Cela ne prouve pas qu'il est solide : il peut être deviné sans avoir fuité. Utilisez un mot de passe différent pour chaque compte.",
			'pw.strength': 'Solidité (indication approximative, calculée sur votre appareil) :',
			'pw.level.0': 'très faible',
			'pw.level.1': 'faible',
			'pw.level.2': 'moyenne',
			'pw.level.3': 'bonne',
			'pw.strength.tip': 'Un bon mot de passe est long : par exemple quatre mots sans lien entre eux, ou une phrase. Un gestionnaire de mots de passe aide à les retenir.',
			'pw.sent': function (p) { return 'Envoyé au service : seulement « ' + p + ' », les 5 premiers caractères de l\u2019empreinte SHA-1.'; },

			'scan.title': 'Ce message est-il authentique ?',
			'scan.intro': "Vous avez reçu un SMS ou un courriel au nom de France Travail, de l'Assurance maladie, des impôts ou de votre banque ? Collez-le ici : nous vous disons s'il présente les signes d'une arnaque, et pourquoi.",
			'scan.kind.legend': 'Type de message',
			'scan.kind.sms': 'SMS',
			'scan.kind.email': 'Courriel',
			'scan.label': 'Texte du message',
			'scan.hint': "Copiez tout le texte, liens compris. Pour un courriel, vous pouvez coller la source complète (« Afficher l'original ») : les en-têtes seront aussi vérifiés.",
			'scan.submit': 'Analyser le message',
			'scan.empty': 'Collez le texte du message à analyser.',
			'scan.checking': 'Analyse du message…',
			'scan.verdict.phishing': 'Hameçonnage : ce message est frauduleux.',
			'scan.verdict.suspicious': "Suspect : ce message présente des signes d'arnaque.",
			'scan.verdict.legitimate': "Aucun signe d'arnaque détecté.",
			'scan.advice.phishing': "Ne cliquez sur aucun lien, ne répondez pas, ne donnez rien. Supprimez-le. Pour un SMS, transférez-le d'abord au 33700.",
			'scan.advice.suspicious': "Ne cliquez pas et ne répondez pas. En cas de doute, contactez l'organisme par ses coordonnées habituelles (son site officiel, son application, le numéro au dos de votre carte), jamais par celles du message.",
			'scan.advice.legitimate': "Restez prudent : un message peut être frauduleux sans que cela se voie. Ne donnez jamais un mot de passe, un code reçu par SMS ou vos coordonnées bancaires en réponse à un message.",
			'scan.score': function (s) { return 'Score de risque : ' + s + ' (de 0, aucun risque, à 1, fraude certaine)'; },
			'scan.reasons': 'Pourquoi',
			'scan.noreasons': 'Aucun élément particulier relevé.',
			'scan.up': "Signe d'arnaque :",
			'scan.down': 'Élément rassurant :',

			'privacy.title': "Ce que cette page envoie, et ce qu'elle n'envoie pas",
			'privacy.check.t': 'Votre adresse ou votre numéro',
			'privacy.check.d': "Ils sont envoyés au service, qui les compare aux fichiers sous une forme chiffrée. La réponse affichée est la même qu'ils figurent ou non dans les fichiers : personne ne peut s'en servir pour savoir si un proche y figure. Seule la personne qui reçoit le code voit le résultat. Ils ne sont pas conservés en clair, sauf le temps d'envoyer le code.",
			'privacy.pw.t': 'Votre mot de passe',
			'privacy.pw.d': "Il ne quitte jamais votre appareil. Votre navigateur calcule son empreinte (SHA-1, 40 caractères) et n'envoie que les 5 premiers. Le service renvoie toutes les empreintes connues qui commencent ainsi, plus des leurres, et la comparaison se fait sur votre appareil.",
			'privacy.scan.t': 'Le message que vous collez',
			'privacy.scan.d': "Il est envoyé au service pour être analysé, puis oublié : il n'est ni enregistré ni transmis à quiconque.",
			'privacy.none.t': "Rien d'autre",
			'privacy.none.d': "Pas de cookie, pas de mesure d'audience, aucune ressource chargée depuis un autre site.",
			'footer.help': "Victime d'une arnaque ? Le site cybermalveillance.gouv.fr vous dit quoi faire. Transférez les SMS frauduleux au 33700.",
			'footer.about': 'Vigie, logiciel libre (GPL 3 ou ultérieure).',

			'err.network': 'Le service ne répond pas. Vérifiez votre connexion et réessayez dans un instant.',
			'err.rate': function (min) {
				return min > 1 ? 'Trop de demandes. Réessayez dans ' + min + ' minutes.'
					: 'Trop de demandes. Réessayez dans une minute.';
			},
			'err.toolarge': 'Le texte est trop long pour être analysé.',
			'err.generic': "Une erreur s'est produite. Réessayez plus tard."
		},
		en: {
			'title': 'Vigie — after the data leak',
			'skip': 'Skip to content',
			'tagline': 'Information service after the data leak',
			'lang.switch': 'Français',
			'lang.switch.label': 'Afficher la page en français',
			'lang.now': 'The page is now in English.',
			'toc.title': 'On this page',
			'toc.check': 'Has my data leaked?',
			'toc.password': 'Is my password known?',
			'toc.scan': 'Is this message genuine?',
			'toc.privacy': 'What this page sends',
			'h1': 'After the data leak: check, understand, protect yourself',
			'lead': "Personal data of job seekers was stolen. This page lets you find out what concerns you, check a password and recognise a fraudulent message.",
			'noscript': 'This page needs JavaScript to work. Nothing is sent while it is turned off.',

			'check.title': 'Has my data leaked?',
			'check.intro': 'Enter your email address or phone number. If it is in the stolen files, we send a code to it: only you will be able to see the result.',
			'check.kind.legend': 'What you want to check',
			'check.kind.email': 'My email address',
			'check.kind.phone': 'My mobile phone number',
			'check.value.email': 'Email address',
			'check.value.phone': 'Mobile phone number',
			'check.hint.email': 'For example: firstname.lastname@example.fr',
			'check.hint.phone': 'For example: 06 12 34 56 78 or +33 6 12 34 56 78',
			'check.submit': 'Get a code',
			'check.empty.email': 'Enter your email address.',
			'check.empty.phone': 'Enter your phone number.',
			'check.bad.email': 'This email address is not valid: the @ sign or the domain name is missing.',
			'check.invalid': function (why) {
				return 'What you entered is not valid' + (why ? ': ' + why : '.');
			},
			'check.sending': 'Sending the request…',
			'check.step2.title': 'Enter the code you received',
			'check.sent.email': 'If this address is in the files, a 6-digit code has just been sent to it. It is valid for 15 minutes.',
			'check.sent.phone': 'If this number is in the files, a 6-digit code has just been sent to it by text message. It is valid for 15 minutes.',
			'check.sent.none': 'Nothing arrived? Look in your spam folder. If nothing comes, this address or number is most likely not in the files.',
			'check.code.label': '6-digit code',
			'check.code.submit': 'See the result',
			'check.code.bad': 'The code has exactly 6 digits.',
			'check.code.wrong': function (n) {
				return n === 1 ? 'This code is wrong. You have 1 attempt left.'
					: n > 1 ? 'This code is wrong. You have ' + n + ' attempts left.'
						: 'This code is wrong.';
			},
			'check.code.expired': 'This code has expired, has already been used or is no longer valid. Start the check again to get a new one.',
			'check.verifying': 'Checking the code…',
			'check.restart': 'Start again',
			'check.result.title': 'What leaked about you',
			'check.exposed': 'Your data is in the stolen files.',
			'check.exposed.text': 'Here is the information that leaked with your address or number, where it comes from, and what we advise you to do.',
			'check.notexposed': 'No data about you is in the files.',
			'check.categories': 'Exposed data',
			'check.sources': 'Files concerned',
			'check.special': '(*) Sensitive file: being in it may reveal information protected by article 9 of the GDPR (for example a disability). This information concerns only you.',
			'check.advice': 'What to do now?',
			'check.attestation': 'Download the exposure certificate',
			'check.attestation.hint': 'The certificate is a document signed by the organisation. Attach it to a police complaint or to a fraud dispute.',
			'check.again': 'Check another address or number',
			'check.shown': 'Result shown.',

			'cat.name': 'Name',
			'cat.nir': 'Social security number (NIR)',
			'cat.dob': 'Date of birth',
			'cat.ft_id': 'France Travail identifier',
			'cat.email': 'Email address',
			'cat.address': 'Postal address',
			'cat.phone': 'Phone number',
			'cat.sex': 'Sex',
			'cat.birthplace': 'Place of birth',
			'cat.registration': 'Registration status',

			'pw.title': 'Is my password known to attackers?',
			'pw.intro': 'Check whether a password is in the lists of leaked passwords. Your password does not leave your device.',
			'pw.label': 'Password to check',
			'pw.show': 'Show the password',
			'pw.submit': 'Check the password',
			'pw.empty': 'Enter the password to check.',
			'pw.nocrypto': 'Your browser cannot compute the password\u2019s hash here (a secure connection, https, is needed). Nothing was sent.',
			'pw.checking': 'Checking the password…',
			'pw.found.title': 'This password has leaked.',
			'pw.found': function (n, fmt) {
				return n === 1 ? 'It appears once in the lists of leaked passwords.'
					: 'It appears ' + fmt + ' times in the lists of leaked passwords.';
			},
			'pw.found.advice': 'Stop using it: change it wherever you use it, starting with your email. Attackers try these passwords first.',
			'pw.notfound.title': 'This password is not in the known lists.',
			'pw.notfound': 'That does not prove it is strong: it can be guessed without having leaked. Use a different password for each account.',
			'pw.strength': 'Strength (a rough indication, computed on your device):',
			'pw.level.0': 'very weak',
			'pw.level.1': 'weak',
			'pw.level.2': 'fair',
			'pw.level.3': 'good',
			'pw.strength.tip': 'A good password is long: for example four unrelated words, or a sentence. A password manager helps you remember them.',
			'pw.sent': function (p) { return 'Sent to the service: only \u201c' + p + '\u201d, the first 5 characters of the SHA-1 hash.'; },

			'scan.title': 'Is this message genuine?',
			'scan.intro': 'Did you get a text or an email in the name of France Travail, the health insurance (Ameli), the tax office or your bank? Paste it here: we tell you whether it shows the signs of a scam, and why.',
			'scan.kind.legend': 'Kind of message',
			'scan.kind.sms': 'Text message (SMS)',
			'scan.kind.email': 'Email',
			'scan.label': 'Text of the message',
			'scan.hint': 'Copy all the text, links included. For an email, you can paste the full source ("Show original"): the headers will be checked too.',
			'scan.submit': 'Analyse the message',
			'scan.empty': 'Paste the text of the message to analyse.',
			'scan.checking': 'Analysing the message…',
			'scan.verdict.phishing': 'Phishing: this message is fraudulent.',
			'scan.verdict.suspicious': 'Suspicious: this message shows signs of a scam.',
			'scan.verdict.legitimate': 'No sign of a scam found.',
			'scan.advice.phishing': 'Do not click any link, do not reply, give nothing. Delete it. For a text message, first forward it to 33700.',
			'scan.advice.suspicious': 'Do not click and do not reply. If in doubt, contact the organisation through its usual contact details (its official site, its app, the number on your card), never those in the message.',
			'scan.advice.legitimate': 'Stay careful: a message can be fraudulent without showing it. Never give a password, a code received by text or your bank details in reply to a message.',
			'scan.score': function (s) { return 'Risk score: ' + s + ' (from 0, no risk, to 1, certain fraud)'; },
			'scan.reasons': 'Why',
			'scan.noreasons': 'Nothing in particular was found.',
			'scan.up': 'Sign of a scam:',
			'scan.down': 'Reassuring sign:',

			'privacy.title': 'What this page sends, and what it does not',
			'privacy.check.t': 'Your address or number',
			'privacy.check.d': 'They are sent to the service, which compares them with the files in an encrypted form. The answer shown is the same whether or not they are in the files: nobody can use it to find out whether someone else is. Only the person who receives the code sees the result. They are not kept in clear, except while the code is sent.',
			'privacy.pw.t': 'Your password',
			'privacy.pw.d': 'It never leaves your device. Your browser computes its hash (SHA-1, 40 characters) and sends only the first 5. The service returns every known hash that starts the same way, plus decoys, and the comparison is made on your device.',
			'privacy.scan.t': 'The message you paste',
			'privacy.scan.d': 'It is sent to the service to be analysed, then forgotten: it is neither stored nor passed on to anyone.',
			'privacy.none.t': 'Nothing else',
			'privacy.none.d': 'No cookie, no audience measurement, nothing loaded from another site.',
			'footer.help': 'Victim of a scam? The cybermalveillance.gouv.fr site tells you what to do. Forward fraudulent text messages to 33700.',
			'footer.about': 'Vigie, free software (GPL 3 or later).',

			'err.network': 'The service is not answering. Check your connection and try again in a moment.',
			'err.rate': function (min) {
				return min > 1 ? 'Too many requests. Try again in ' + min + ' minutes.'
					: 'Too many requests. Try again in a minute.';
			},
			'err.toolarge': 'The text is too long to be analysed.',
			'err.generic': 'Something went wrong. Try again later.'
		}
	};

	var lang = 'fr';

	/* The string for key in the current language; functions get args. */
	function t(key) {
		var v = STRINGS[lang][key];
		if (v === undefined) {
			console.error('vigie: missing string ' + lang + ':' + key);
			v = STRINGS.fr[key];
			if (v === undefined)
				return key;
		}
		if (typeof v === 'function')
			return v.apply(null, Array.prototype.slice.call(arguments, 1));
		return v;
	}

	function $(id) { return document.getElementById(id); }

	/* Creates an element with a class and a text. */
	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls)
			e.className = cls;
		if (text !== undefined && text !== null)
			e.textContent = text;
		return e;
	}

	function announce(text) {
		var s = $('status');
		s.textContent = '';
		/* A new text node in the live region, so repeated texts are read. */
		window.setTimeout(function () { s.textContent = text; }, 50);
	}

	function showError(id, text, input) {
		var e = $(id);
		e.textContent = text;
		e.hidden = !text;
		if (input) {
			if (text)
				input.setAttribute('aria-invalid', 'true');
			else
				input.removeAttribute('aria-invalid');
		}
	}

	function setBusy(form, busy) {
		var b = form.querySelector('button[type="submit"]');
		b.disabled = busy;
		b.setAttribute('aria-busy', busy ? 'true' : 'false');
	}

	/* French typography for texts from the server: a non-breaking space
	 * before ? : ! ; » and after «, so a line never starts with a colon. */
	function typo(s, l) {
		if (l !== 'fr' || typeof s !== 'string')
			return s;
		return s.replace(/ ([?:!;\u00bb])/g, '\u00a0$1').replace(/\u00ab /g, '\u00ab\u00a0');
	}

	function formatNumber(n) {
		try {
			return new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB').format(n);
		} catch (e) {
			return String(n);
		}
	}

	/* ------------------------------------------------------------------ */
	/* API                                                                 */
	/* ------------------------------------------------------------------ */

	/* fetch() a JSON route; resolves to {status, data, headers}, or
	 * rejects on a network error. */
	function api(method, path, body) {
		var url = path + (path.indexOf('?') < 0 ? '?' : '&') + 'lang=' + lang;
		var opt = { method: method, cache: 'no-store', credentials: 'same-origin', headers: {} };
		if (body !== undefined) {
			opt.headers['Content-Type'] = 'application/json';
			opt.body = JSON.stringify(body);
		}
		return fetch(url, opt).then(function (res) {
			return res.text().then(function (txt) {
				var data = null;
				try { data = JSON.parse(txt); } catch (e) { data = null; }
				return { status: res.status, data: data, headers: res.headers };
			});
		});
	}

	function errCode(r) {
		return r.data && r.data.error && r.data.error.code ? r.data.error.code : '';
	}

	/* The text for an error answer the flows do not handle themselves. */
	function genericError(r) {
		if (r.status === 429) {
			var s = parseInt(r.headers.get('Retry-After') || '60', 10);
			return t('err.rate', Math.max(1, Math.ceil((isNaN(s) ? 60 : s) / 60)));
		}
		if (r.status === 413)
			return t('err.toolarge');
		return t('err.generic');
	}

	/* ------------------------------------------------------------------ */
	/* (a) The public check                                                */
	/* ------------------------------------------------------------------ */

	var check = { kind: 'email', request: null, session: null, result: null, resultLang: 'fr' };

	function checkKind() {
		var r = document.querySelector('input[name="kind"]:checked');
		return r ? r.value : 'email';
	}

	function updateCheckKind() {
		var kind = checkKind();
		var input = $('check-value');
		$('check-value-label').textContent = t('check.value.' + kind);
		$('check-value-hint').textContent = t('check.hint.' + kind);
		if (kind === 'phone') {
			input.type = 'tel';
			input.setAttribute('inputmode', 'tel');
			input.setAttribute('autocomplete', 'tel');
		} else {
			input.type = 'email';
			input.setAttribute('inputmode', 'email');
			input.setAttribute('autocomplete', 'email');
		}
		$('check-sent').textContent = t('check.sent.' + (check.request ? check.kind : kind));
	}

	function showStep(n) {
		$('check-step1').hidden = n !== 1;
		$('check-step2').hidden = n !== 2;
		$('check-step3').hidden = n !== 3;
	}

	function onCheckSubmit(ev) {
		ev.preventDefault();
		var form = ev.target;
		var input = $('check-value');
		var kind = checkKind();
		var value = input.value.trim();
		showError('check-error', '', input);
		if (!value) {
			showError('check-error', t('check.empty.' + kind), input);
			input.focus();
			return;
		}
		if (kind === 'email' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
			showError('check-error', t('check.bad.email'), input);
			input.focus();
			return;
		}
		setBusy(form, true);
		announce(t('check.sending'));
		api('POST', '/v1/public/check', { kind: kind, value: value }).then(function (r) {
			setBusy(form, false);
			if (r.status === 202 && r.data && r.data.request) {
				check.kind = kind;
				check.request = r.data.request;
				$('check-sent').textContent = t('check.sent.' + kind);
				$('code-value').value = '';
				showError('code-error', '', $('code-value'));
				showStep(2);
				announce(t('check.sent.' + kind));
				$('check-step2-title').focus();
				return;
			}
			var msg;
			if (errCode(r) === 'invalid-identifier')
				msg = t('check.invalid', typo(r.data.error.message || '', lang));
			else
				msg = genericError(r);
			showError('check-error', msg, input);
			input.focus();
		}, function () {
			setBusy(form, false);
			showError('check-error', t('err.network'), input);
		});
	}

	function onCodeSubmit(ev) {
		ev.preventDefault();
		var form = ev.target;
		var input = $('code-value');
		var code = input.value.replace(/[\s-]/g, '');
		showError('code-error', '', input);
		if (!/^[0-9]{6}$/.test(code)) {
			showError('code-error', t('check.code.bad'), input);
			input.focus();
			return;
		}
		setBusy(form, true);
		announce(t('check.verifying'));
		api('POST', '/v1/public/verify', { request: check.request, code: code }).then(function (r) {
			setBusy(form, false);
			if (r.status === 200 && r.data) {
				check.result = r.data;
				check.session = r.data.session || null;
				check.resultLang = lang;
				input.value = '';
				renderCheckResult();
				showStep(3);
				announce(t('check.shown'));
				$('check-result-title').focus();
				return;
			}
			var c = errCode(r);
			if (c === 'bad-code') {
				var left = r.data.error.attempts_left;
				if (left === undefined)
					left = r.data.attempts_left;
				showError('code-error', t('check.code.wrong', typeof left === 'number' ? left : -1), input);
				if (left === 0)
					input.disabled = true;
			} else if (c === 'expired') {
				showError('code-error', t('check.code.expired'), input);
			} else {
				showError('code-error', genericError(r), input);
			}
			if (!input.disabled)
				input.focus();
		}, function () {
			setBusy(form, false);
			showError('code-error', t('err.network'), input);
		});
	}

	function restartCheck() {
		check.request = null;
		check.session = null;
		check.result = null;
		$('code-value').disabled = false;
		$('check-result').textContent = '';
		showError('code-error', '', $('code-value'));
		showError('check-error', '', $('check-value'));
		showStep(1);
		updateCheckKind();
		$('check-value').focus();
	}

	function renderCheckResult() {
		var d = check.result;
		var root = $('check-result');
		root.textContent = '';
		if (!d)
			return;
		var box;
		if (d.exposed === false) {
			box = el('div', 'box good');
			var tg = el('p', 'title');
			tg.appendChild(el('span', 'icon', '\u2714\uFE0E')).setAttribute('aria-hidden', 'true');
			tg.appendChild(document.createTextNode(t('check.notexposed')));
			box.appendChild(tg);
			root.appendChild(box);
		} else {
			box = el('div', 'box info');
			var ti = el('p', 'title');
			ti.appendChild(el('span', 'icon', '\u2139\uFE0E')).setAttribute('aria-hidden', 'true');
			ti.appendChild(document.createTextNode(t('check.exposed')));
			box.appendChild(ti);
			box.appendChild(el('p', null, t('check.exposed.text')));
			root.appendChild(box);
		}

		var cats = Array.isArray(d.categories) ? d.categories : [];
		if (cats.length) {
			root.appendChild(el('h4', null, t('check.categories')));
			var ul = el('ul', 'tags');
			ul.id = 'categories';
			cats.forEach(function (c, i) {
				var label = STRINGS[lang]['cat.' + c];
				if (label === undefined)
					label = (Array.isArray(d.category_labels) && d.category_labels[i]) || c;
				var li = el('li', null, label);
				li.setAttribute('data-category', c);
				ul.appendChild(li);
			});
			root.appendChild(ul);
		}

		var sources = Array.isArray(d.sources) ? d.sources : [];
		var special = Array.isArray(d.special_sources) ? d.special_sources : [];
		if (sources.length) {
			root.appendChild(el('h4', null, t('check.sources')));
			var us = el('ul', 'sources');
			sources.forEach(function (s) {
				us.appendChild(el('li', null, special.indexOf(s) >= 0 ? s + ' (*)' : s));
			});
			root.appendChild(us);
			if (special.length || d.special_category)
				root.appendChild(el('p', 'special', t('check.special')));
		}

		var advice = Array.isArray(d.advice) ? d.advice : [];
		if (advice.length) {
			root.appendChild(el('h4', null, t('check.advice')));
			var ol = el('ol', 'advice');
			ol.id = 'advice';
			/* The advice texts come from the server, in the language of the
			 * request: say so to screen readers. */
			ol.setAttribute('lang', check.resultLang);
			advice.forEach(function (a) {
				var li = el('li');
				if (a.code)
					li.setAttribute('data-code', a.code);
				li.appendChild(el('span', 't', typo(a.title || '', check.resultLang)));
				if (a.text)
					li.appendChild(el('span', null, typo(a.text, check.resultLang)));
				ol.appendChild(li);
			});
			root.appendChild(ol);
		}

		var link = $('attestation');
		if (check.session) {
			link.hidden = false;
			link.href = '/v1/public/attestation?session=' + encodeURIComponent(check.session) +
				'&lang=' + lang;
		} else {
			link.hidden = true;
		}
	}

	/* ------------------------------------------------------------------ */
	/* (b) Password                                                        */
	/* ------------------------------------------------------------------ */

	var pw = { state: null };

	var COMMON = ['password', 'motdepasse', 'azerty', 'qwerty', 'qwertz', '123456', '12345',
		'654321', 'abcdef', 'abc123', 'iloveyou', 'jetaime', 'soleil', 'bonjour', 'doudou',
		'loulou', 'chouchou', 'marseille', 'paris', 'france', 'admin', 'welcome', 'letmein',
		'monkey', 'dragon', 'football', 'princess', 'secret', 'master', 'sunshine', 'azertyuiop',
		'qwertyuiop', 'aaaaaa', '000000', '111111', '123123', 'nicolas', 'camille', 'julien'];

	/*
	 * A rough strength level, 0 (very weak) to 3 (good): the length and the
	 * kinds of characters give an upper bound of the guesses, then common
	 * words, keyboard runs, repeats and dates take most of it away. It is a
	 * hint, not zxcvbn: the page says so. A leaked password is always 0.
	 */
	function strength(p, leaked) {
		if (leaked)
			return 0;
		var chars = Array.from(p);
		var len = chars.length;
		var pool = 0;
		if (/[a-z]/.test(p)) pool += 26;
		if (/[A-Z]/.test(p)) pool += 26;
		if (/[0-9]/.test(p)) pool += 10;
		if (/[^a-zA-Z0-9]/.test(p)) pool += 33;
		var bits = len * Math.log2(Math.max(pool, 2));
		var low = p.toLowerCase().replace(/[@4]/g, 'a').replace(/3/g, 'e').replace(/[1!]/g, 'i')
			.replace(/0/g, 'o').replace(/\$/g, 's');
		var hits = 0;
		COMMON.forEach(function (w) {
			if (low.indexOf(w) >= 0)
				hits += w.length;
		});
		bits -= Math.min(hits, len) * 3.5;
		var distinct = new Set(chars).size;
		if (distinct <= 2)
			bits = Math.min(bits, 10);
		else if (distinct < len / 2)
			bits -= 10;
		if (/(19|20)[0-9]{2}$/.test(p))
			bits -= 6;
		if (/^[A-Z][a-z]+[0-9]{1,4}[^a-zA-Z0-9]?$/.test(p))
			bits -= 10; /* "Prenom2024!" */
		if (len < 8)
			return 0;
		if (bits < 40)
			return 1;
		if (bits < 60 || len < 12)
			return 2;
		return 3;
	}

	function toHex(buf) {
		var b = new Uint8Array(buf);
		var s = '';
		for (var i = 0; i < b.length; i++)
			s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
		return s.toUpperCase();
	}

	function onPasswordSubmit(ev) {
		ev.preventDefault();
		var form = ev.target;
		var input = $('pw-value');
		var p = input.value;
		showError('pw-error', '', input);
		pw.state = null;
		$('pw-result').textContent = '';
		if (!p) {
			showError('pw-error', t('pw.empty'), input);
			input.focus();
			return;
		}
		if (!window.crypto || !window.crypto.subtle) {
			showError('pw-error', t('pw.nocrypto'), input);
			return;
		}
		setBusy(form, true);
		announce(t('pw.checking'));
		window.crypto.subtle.digest('SHA-1', new TextEncoder().encode(p)).then(function (h) {
			var hex = toHex(h);
			var prefix = hex.slice(0, 5);
			var suffix = hex.slice(5);
			return fetch('/range/' + prefix, {
				method: 'GET',
				cache: 'no-store',
				credentials: 'omit',
				headers: { 'Add-Padding': 'true' }
			}).then(function (res) {
				if (!res.ok)
					throw { status: res.status, headers: res.headers };
				return res.text();
			}).then(function (body) {
				var count = 0;
				body.split(/\r?\n/).forEach(function (line) {
					var i = line.indexOf(':');
					if (i === 35 && line.slice(0, 35).toUpperCase() === suffix)
						count = parseInt(line.slice(36), 10) || 0; /* padding lines have 0 */
				});
				pw.state = { prefix: prefix, count: count, level: strength(p, count > 0) };
				renderPassword();
			});
		}).then(function () {
			setBusy(form, false);
		}, function (e) {
			setBusy(form, false);
			var msg = e && e.status ? genericError({ status: e.status, headers: e.headers })
				: t('err.network');
			showError('pw-error', msg, input);
		});
	}

	function renderPassword() {
		var root = $('pw-result');
		root.textContent = '';
		var s = pw.state;
		if (!s)
			return;
		var box = el('div', s.count > 0 ? 'box bad' : 'box good');
		box.id = 'pw-verdict';
		box.setAttribute('data-found', s.count > 0 ? 'true' : 'false');
		box.setAttribute('data-count', String(s.count));
		var title = el('p', 'title');
		title.appendChild(el('span', 'icon', s.count > 0 ? '\u2716\uFE0E' : '\u2714\uFE0E'))
			.setAttribute('aria-hidden', 'true');
		title.appendChild(document.createTextNode(t(s.count > 0 ? 'pw.found.title' : 'pw.notfound.title')));
		box.appendChild(title);
		if (s.count > 0) {
			box.appendChild(el('p', null, t('pw.found', s.count, formatNumber(s.count))));
			box.appendChild(el('p', null, t('pw.found.advice')));
		} else {
			box.appendChild(el('p', null, t('pw.notfound')));
		}
		root.appendChild(box);
		var st = el('p', 'strength');
		st.id = 'pw-strength';
		st.setAttribute('data-level', String(s.level));
		st.appendChild(document.createTextNode(t('pw.strength') + ' '));
		st.appendChild(el('strong', null, t('pw.level.' + s.level)));
		root.appendChild(st);
		if (s.level < 3)
			root.appendChild(el('p', 'hint', t('pw.strength.tip')));
		root.appendChild(el('p', 'hint', t('pw.sent', s.prefix)));
	}

	/* ------------------------------------------------------------------ */
	/* (c) Is this message genuine?                                        */
	/* ------------------------------------------------------------------ */

	var scan = { kind: 'sms', text: null, result: null, resultLang: 'fr' };

	function runScan(form) {
		setBusy(form, true);
		announce(t('scan.checking'));
		var input = $('scan-text');
		return api('POST', '/v1/scan', { kind: scan.kind, text: scan.text }).then(function (r) {
			setBusy(form, false);
			if (r.status === 200 && r.data && r.data.verdict) {
				scan.result = r.data;
				scan.resultLang = lang;
				renderScan();
				announce(t('scan.verdict.' + r.data.verdict));
				return;
			}
			showError('scan-error', genericError(r), input);
		}, function () {
			setBusy(form, false);
			showError('scan-error', t('err.network'), input);
		});
	}

	function onScanSubmit(ev) {
		ev.preventDefault();
		var input = $('scan-text');
		var text = input.value;
		var k = document.querySelector('input[name="scan-kind"]:checked');
		showError('scan-error', '', input);
		scan.result = null;
		$('scan-result').textContent = '';
		if (!text.trim()) {
			showError('scan-error', t('scan.empty'), input);
			input.focus();
			return;
		}
		scan.kind = k ? k.value : 'sms';
		scan.text = text;
		runScan(ev.target);
	}

	function renderScan() {
		var root = $('scan-result');
		root.textContent = '';
		var d = scan.result;
		if (!d)
			return;
		var v = d.verdict;
		var cls = v === 'phishing' ? 'bad' : v === 'suspicious' ? 'warn' : 'good';
		var icon = v === 'phishing' ? '\u2716\uFE0E' : v === 'suspicious' ? '\u26A0\uFE0E' : '\u2714\uFE0E';
		var box = el('div', 'box ' + cls);
		box.id = 'scan-verdict';
		box.setAttribute('data-verdict', v);
		var title = el('p', 'title');
		title.appendChild(el('span', 'icon', icon)).setAttribute('aria-hidden', 'true');
		title.appendChild(document.createTextNode(t('scan.verdict.' + v)));
		box.appendChild(title);
		box.appendChild(el('p', null, t('scan.advice.' + v)));
		root.appendChild(box);

		var score = typeof d.score === 'number' ? d.score : 0;
		var sc = el('div', 'score');
		var sp = el('p', null, t('scan.score', score.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB',
			{ minimumFractionDigits: 2, maximumFractionDigits: 2 })));
		sp.id = 'scan-score';
		sc.appendChild(sp);
		var m = document.createElement('meter');
		m.min = 0;
		m.max = 1;
		m.low = 0.3;
		m.high = 0.7;
		m.optimum = 0;
		m.value = score;
		m.setAttribute('aria-hidden', 'true');
		sc.appendChild(m);
		root.appendChild(sc);

		root.appendChild(el('h4', null, t('scan.reasons')));
		var reasons = Array.isArray(d.reasons) ? d.reasons : [];
		if (!reasons.length) {
			root.appendChild(el('p', null, t('scan.noreasons')));
			return;
		}
		var ul = el('ul', 'reasons');
		ul.id = 'scan-reasons';
		ul.setAttribute('lang', scan.resultLang);
		reasons.forEach(function (r) {
			var down = typeof r.weight === 'number' && r.weight < 0;
			var li = el('li', down ? 'down' : 'up');
			if (r.code)
				li.setAttribute('data-code', r.code);
			li.appendChild(el('span', 'icon', down ? '\u2714\uFE0E' : '!')).setAttribute('aria-hidden', 'true');
			var body = el('span');
			body.appendChild(el('span', 'visually-hidden', t(down ? 'scan.down' : 'scan.up') + ' '));
			body.appendChild(document.createTextNode(typo(r.message || r.code || '', scan.resultLang)));
			if (r.detail)
				body.appendChild(el('span', 'detail', r.detail));
			li.appendChild(body);
			ul.appendChild(li);
		});
		root.appendChild(ul);
	}

	/* ------------------------------------------------------------------ */
	/* Language                                                            */
	/* ------------------------------------------------------------------ */

	function applyLang(announceIt) {
		document.documentElement.lang = lang;
		document.title = t('title');
		var nodes = document.querySelectorAll('[data-i18n]');
		for (var i = 0; i < nodes.length; i++)
			nodes[i].textContent = t(nodes[i].getAttribute('data-i18n'));
		var sw = $('lang-switch');
		sw.textContent = t('lang.switch');
		sw.setAttribute('lang', lang === 'fr' ? 'en' : 'fr');
		sw.setAttribute('aria-label', t('lang.switch.label'));
		updateCheckKind();
		renderCheckResult();
		renderPassword();
		/* Errors shown in the old language would stay: clear them. */
		['check-error', 'code-error', 'pw-error', 'scan-error'].forEach(function (id) {
			$(id).hidden = true;
			$(id).textContent = '';
		});
		if (scan.result && scan.resultLang !== lang)
			runScan($('scan-form')); /* the reasons come from the server */
		var url = new URL(window.location.href);
		if (lang === 'fr')
			url.searchParams.delete('lang');
		else
			url.searchParams.set('lang', lang);
		window.history.replaceState(null, '', url.pathname + url.search + url.hash);
		if (announceIt)
			announce(t('lang.now'));
	}

	/* ------------------------------------------------------------------ */
	/* Start                                                               */
	/* ------------------------------------------------------------------ */

	function init() {
		var q = new URLSearchParams(window.location.search).get('lang');
		lang = q === 'en' ? 'en' : 'fr';
		applyLang(false);

		$('lang-switch').addEventListener('click', function () {
			lang = lang === 'fr' ? 'en' : 'fr';
			applyLang(true);
		});
		var radios = document.querySelectorAll('input[name="kind"]');
		for (var i = 0; i < radios.length; i++)
			radios[i].addEventListener('change', updateCheckKind);
		$('check-form').addEventListener('submit', onCheckSubmit);
		$('code-form').addEventListener('submit', onCodeSubmit);
		$('check-restart').addEventListener('click', restartCheck);
		$('check-again').addEventListener('click', restartCheck);
		$('pw-form').addEventListener('submit', onPasswordSubmit);
		$('pw-show').addEventListener('change', function (e) {
			$('pw-value').type = e.target.checked ? 'text' : 'password';
		});
		$('scan-form').addEventListener('submit', onScanSubmit);

		/* The forms work only with this script: enable them now. */
		var buttons = document.querySelectorAll('form button[type="submit"]');
		for (var j = 0; j < buttons.length; j++)
			buttons[j].disabled = false;
		document.documentElement.setAttribute('data-ready', 'true');
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', init);
	else
		init();
}());
