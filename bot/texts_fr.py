"""The French interface catalogue (#12): the same message ids and placeholders as
`bot.texts.EN` (tests/test_texts_fr.py checks both). Quotes stay in their own language.

The templates are written here with plain spaces; `typeset` gives them French typography
(#10): a no-break space before a colon and a narrow one before ; ! ? and inside « », so a
phone never starts a line with the sign."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

NBSP, NARROW_NBSP = "\u00a0", "\u202f"
_FRENCH_SPACES = ((" :", NBSP + ":"), (" ;", NARROW_NBSP + ";"), (" !", NARROW_NBSP + "!"),
                  (" ?", NARROW_NBSP + "?"), ("« ", "«" + NARROW_NBSP),
                  (" »", NARROW_NBSP + "»"))


def typeset(template: str) -> str:
    """`template` with no-break spaces before : ; ! ? and inside « » (French typography)."""
    for plain, french in _FRENCH_SPACES:
        template = template.replace(plain, french)
    return template


_TEMPLATES: Mapping[str, str] = {
    "cmd_ask": "Posez une question sur la guerre au Mali et au Sahel",
    "cmd_sources": "Liste des documents d'où viennent les citations",
    "cmd_help": "Comment poser une question, avec des exemples",
    "cmd_start": "Présentation",
    "cmd_reindex": "Modérateurs : reconstruire l'index à partir du dossier du corpus",
    "cmd_add_telegram":
        "Modérateurs : ajouter des documents (légende /add) ou articles : /add https://…",
    "cmd_add_discord":
        "Modérateurs : ajouter documents, archives (.zip, .tar.gz) ou articles par lien",
    "cmd_remove_telegram": "Modérateurs : retirer un document : /remove FICHIER",
    "cmd_remove_discord": "Modérateurs : retirer un document du corpus",
    "cmd_stats": "Modérateurs : chiffres du corpus et de l'usage",
    "cmd_alias_telegram":
        "Modérateurs : un autre nom pour un acteur ou un lieu : /alias GSIM = JNIM",
    "cmd_alias_discord": "Modérateurs : un autre nom pour un acteur ou un lieu, ex. GSIM = JNIM",
    "cmd_cite_telegram": "Modérateurs : comment un document est cité : /cite FICHIER "
                         "outlet=… date=… url=…",
    "cmd_cite_discord": "Modérateurs : voir ou fixer comment un document est cité",
    "param_citation": "clé=valeur … : outlet, date, updated, author, url, language ; vide : "
                      "afficher",
    "cite_usage": "Usage : /cite FICHIER clé=valeur … (clés : outlet, date, updated, author, "
                  "url, language ; valeurs avec espaces entre guillemets : "
                  "outlet=\"Al Jazeera\"). /cite FICHIER seul montre comment il est cité.",
    "not_in_corpus": "{file} n'est pas dans le corpus (voir /sources).",
    "cite_saved": "✅ Citation de {file} enregistrée (sans réindexation).",
    "cite_shown": "Comment {file} est cité :",
    "param_question": "Votre question, ex. Qui Wagner a-t-il combattu à Tinzaouatene ?",
    "param_document": "Un fichier .txt, .md ou .html, ou un .zip ou .tar.gz de tels fichiers",
    "param_url":
        "Liens d'articles à récupérer et ajouter (http:// ou https://, séparés par des espaces)",
    "param_file": "Le nom de fichier du document, tel que /sources l'affiche",
    "param_alias": "NOUVEAU NOM = NOM CONNU, ex. GSIM = JNIM ; vide : liste des ajouts",
    "passage": "passage {number}",
    "passages_of": "Passages {first} à {last} sur {total}",
    "more": "Suite ▸",
    "back": "◂ Retour",
    "corpus_empty": "Le corpus est vide : aucun document à citer pour l'instant.",
    "corpus_size": "{documents} documents, {passages} passages",
    "n_passages": "{count} passages",
    "page_of": "Page {page} sur {pages}",
    "rest_too_long": "… (la suite de cette section est trop longue pour être affichée ici)",
    "part_of": "partie {part} sur {parts}",
    "link": "lien",
    "showing_for": "Résultats pour {words}",
    "you_wrote": "{searched} (vous avez écrit {typed})",
    "searched_french": "Question en français : cherché {words}",
    "searched_translated": "Traduit : cherché {words}",
    "mentions_nothing": "Rien dans le corpus ne mentionne {names}.",
    "names_or": "{names} ou {last}",
    "found_nothing": "Je n'ai rien trouvé dans le corpus sur {question}.",
    "nothing_title": "Rien dans le corpus",
    "covered_instead": "Le corpus couvre ceci ; touchez un nom pour le demander :",
    "only_quotes": "Je ne fais que citer des passages d'un ensemble choisi de documents et ne "
                   "réponds jamais d'ailleurs. Voir /sources pour ce que couvre le corpus, ou "
                   "essayez d'autres mots.",
    "ask_keywords": "Posez une vraie question avec quelques mots-clés, par exemple :",
    "see_sources": "Voir /sources pour ce que couvre le corpus.",
    "intro": "Je réponds aux questions sur la guerre au Mali et au Sahel en citant des "
             "passages sourcés de {documents} documents ({span} ; {languages}) ; je "
             "n'écris jamais de réponse moi-même.",
    "intro_how": "Envoyez une question en privé, ou /ask dans un groupe. /sources liste "
                 "les documents.",
    "intro_examples": "Essayez :",
    "example_1": "Qui Wagner a-t-il combattu à Tinzaouatene ?",
    "example_2": "Quand les troupes françaises ont-elles quitté le Mali ?",
    "example_3": "Qu'est-ce que la Coordination des mouvements de l'Azawad ?",
    "cited_as": "Cité ainsi : {line}",
    "outlet_unknown": "⚠ source inconnue",
    "date_unknown": "⚠ date inconnue",
    "no_url": "⚠ pas d'URL",
    "reported_about": "publié le {published} ; faits : {event}",
    "updated_on": "mis à jour le {updated}",
    "updated_about": "mis à jour le {updated} ; faits : {event}",
    "months_short": "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.",
    "months_long": "janvier février mars avril mai juin juillet août septembre octobre "
                   "novembre décembre",
    "something_went_wrong":
        "Désolé, une erreur s'est produite. Veuillez réessayer plus tard.",
    "expired": "Cette réponse a expiré. Posez la question à nouveau.",
    "button_expired": "Ce bouton a expiré — posez la question à nouveau.",
    "gone": "Ce passage n'est plus dans le corpus. Posez la question à nouveau.",
    "thanks": "Merci, votre avis a été enregistré.",
    "not_counted": "Ce vote ne porte pas sur un passage de cette réponse ; rien n'a été "
                   "enregistré.",
    "no_such_page": "Cette page n'existe pas ; rien n'a changé.",
    "busy": "⏳ Une réindexation est déjà en cours. Réessayez quand elle sera terminée.",
    "download_failed": "❌ La pièce jointe n'a pas pu être téléchargée. Réessayez.",
    "too_large": "❌ Ce fichier est trop gros ({size:,} octets ; la limite est de {limit:,} "
                 "octets).",
    "flood": "Vous posez des questions plus vite que je ne peux chercher. Attendez environ "
             "{seconds} secondes, puis reposez la question.",
    "button_flood": "Vous appuyez sur les boutons plus vite que je ne peux envoyer. Attendez "
                    "environ {seconds} secondes.",
    "failed": "❌ /{what} a échoué{why}. Rien n'a changé : l'index précédent continue de "
              "répondre. Corrigez la cause, puis réessayez ; les détails sont dans le journal.",
    "rejected": "❌ {reason}",
    "refused": "Désolé, seuls les modérateurs peuvent faire cela.",
    "anonymous_refused":
        "Désolé, je ne sais pas qui vous êtes : vous publiez au nom du groupe (« Rester "
        "anonyme » est activé pour vos droits d'administrateur, ou vous publiez en tant que "
        "canal), et seuls les modérateurs peuvent faire cela. Désactivez « Rester anonyme » "
        "dans les réglages d'administration du groupe, ou envoyez-moi la commande en privé.",
    "add_usage": "Envoyez un fichier .txt, .md ou .html (ou un .zip ou .tar.gz de tels "
                 "fichiers) avec la légende /add (ou répondez /add à un tel fichier), ou "
                 "/add suivi du lien d'un article : /add https://…",
    "adding_several": "⏳ Ajout de {count} élément(s)…",
    "add_added": "✅ {file} ajouté",
    "add_added_from": "✅ {file} ajouté (depuis {source})",
    "add_skipped": "⏭ {source} ignoré : {reason}",
    "near_duplicate": "⚠ {article} reprend presque {original} ({percent}\u202f% des mêmes "
                      "formulations) : ajouté quand même ; /remove {article} s'il s'agit du "
                      "même article.",
    "adding_progress": "⏳ Ajout… {done}/{total}",
    "add_more": "… et {count} de plus (voir le journal d'audit)",
    "over_limit": "{size:,} octets ; la limite est de {limit:,}",
    "add_summary": "{added} ajouté(s), {skipped} ignoré(s).",
    "not_a_link": "ni un lien (http:// ou https://) ni une pièce jointe",
    "remove_usage": "Usage : /remove FICHIER (voir /sources pour les noms de fichiers).",
    "ask_usage": "Usage : /ask QUESTION, ex. /ask {example}",
    "unknown_command": "Je ne connais pas cette commande. Voir /help.",
    "guest_full_answer": "Tous les passages et leurs sources en discussion privée",
    "inline_hint_text": "Posez-moi une question sur la guerre au Mali et au Sahel, ex. @{bot} "
                        "{example}",
    "inline_nothing": "Rien dans le corpus sur « {question} »",
    "inline_nothing_text": "Je n'ai rien trouvé dans le corpus sur « {question} ». Voir "
                           "/sources pour ce qu'il couvre.",
    "not_your_answer": "Seule la personne qui a posé la question peut feuilleter cette "
                       "réponse. Posez la vôtre pour en avoir une à feuilleter.",
    "sent_privately": "Envoyé en discussion privée avec moi.",
    "inline_hint": "Posez une question sur la guerre au Mali et au Sahel",
    "no_added_aliases": "Aucun alias n'a encore été ajouté avec /alias. Ajoutez-en un : "
                        "/alias GSIM = JNIM",
    "alias_not_saved": "❌ L'alias n'a pas été enregistré et rien n'a changé ; voir le journal.",
    "stats_title": "📊 Statistiques",
    "stats_corpus": "Corpus",
    "stats_today": "Aujourd'hui",
    "stats_feedback": "Avis",
    "stats_unanswered": "Questions les plus posées sans réponse",
    "stats_corpus_line":
        "{documents} documents, {passages} passages (génération {generation})",
    "stats_today_line": "{questions} questions, {rate} sans rien trouvé",
    "asked_times": "posée {count} fois",
    "corpus_now": "{documents} documents, {passages} passages (génération {generation}, "
                  "en {seconds} s)",
    "reindexed": "✅ Index reconstruit : {corpus}.",
    "skipped_files": "Ignorés : {names}.",
    "names_and_more": "{names} et {count} de plus",
    "adding_file": "⏳ Ajout de {file}…",
    "removing_file": "⏳ Retrait de {file}…",
    "added_file": "✅ {file} ajouté. Le corpus compte maintenant : {corpus}.",
    "removed_file": "🗑 {file} retiré. Le corpus compte maintenant : {corpus}.",
    "alias_added": "✅ {new} = {preferred} : pris en compte dans les recherches dès "
                   "maintenant, sans réindexation.",
    "added_aliases_title": "Alias ajoutés avec /alias",
    "lines_more": "… et {count} de plus",
    "reindexing": "⏳ Réindexation…",
    "reindexing_documents": "⏳ Réindexation… {done}/{total} documents",
    "reindexing_stage_files": "⏳ Réindexation : {stage} {done}/{total} fichiers…",
    "reindexing_stage": "⏳ Réindexation : {stage}…",
    "stage_reading": "lecture",
    "stage_preparing": "nettoyage, découpage et analyse",
    "stage_building": "construction",
    "stage_publishing": "publication",
    "telegram_rejected_token":
        "Telegram a refusé TELEGRAM_BOT_TOKEN ; vérifiez le jeton donné par @BotFather",
    "discord_rejected_token":
        "Discord a refusé DISCORD_BOT_TOKEN ; vérifiez le jeton du bot dans le portail "
        "développeur",
    "no_token": "aucun jeton de bot : exportez TELEGRAM_BOT_TOKEN et/ou DISCORD_BOT_TOKEN",
    "because": " : {reason}",
    "heading": "{label} :",
    # pourquoi un document, un alias ou une citation est refusé
    "name_with_folders": "Le nom de fichier doit être un simple nom, sans dossiers.",
    "name_characters": "Utilisez un nom de fichier fait de lettres, de chiffres, de « . », "
                       "« _ », « - » ou d'espaces (100 caractères au plus).",
    "name_extension": "Seuls les documents {extensions} peuvent être ajoutés.",
    "name_reserved": "Ce nom de fichier est réservé ; choisissez-en un autre.",
    "name_as_listed": "Le nom de fichier doit être un simple nom, tel que /sources l'affiche, "
                      "sans dossiers.",
    "cite_unknown_key": "Clé inconnue {key}= ; utilisez {keys}.",
    "not_indexed_yet": "{file} n'est pas encore indexé ; lancez d'abord /reindex.",
    "alias_common_word": "« {name} » est un mot courant ; il ne peut pas désigner un nom.",
    "alias_too_many": "Il y a déjà {count} alias ajoutés ; un opérateur peut les déplacer "
                      "dans search.aliases_file.",
    "alias_same_entry": "« {name} » est déjà un nom de {preferred}.",
    "alias_taken": "« {name} » désigne déjà {preferred}. Pour donner un autre nom à "
                   "{preferred} : /alias NOUVEAU NOM = {name}",
    "corpus_missing": "Le dossier du corpus est introuvable (démonté ou renommé ?) ; rien n'a "
                      "changé et l'index précédent ({documents} documents) continue de "
                      "répondre.",
    "corpus_unusable": "Le dossier du corpus ne contient aucun document utilisable "
                       "({skipped} fichier(s) ignoré(s)) ; rien n'a changé et l'index "
                       "précédent ({documents} documents) continue de répondre.",
    "already_in_corpus": "{file} est déjà dans le corpus ; retirez-le d'abord avec /remove.",
    "same_text": "{article} a le même texte que {original}, déjà dans le corpus ; non ajouté.",
    "file_too_large": "{file} fait {size:,} octets ; la limite est de {limit:,}.",
    "no_article_text": "{file} : aucun texte d'article après nettoyage.",
    "no_such_article": "{file} n'a pas d'article n° {number} (articles : {articles}).",
    "none_indexed": "aucun indexé",
    "only_article": "{article} est le seul article de {file} : /remove {file}",
    # pourquoi un élément d'un /add est ignoré
    "archive_refused": "{why} ; rien n'en a été ajouté",
    "archive_too_large": "{archive} fait {size:,} octets ; la limite est de {limit:,}",
    "archive_unreadable": "{archive} n'a pas pu être lu comme une archive ({error})",
    "archive_empty": "{archive} ne contient aucun document",
    "archive_too_many": "{archive} contient plus de {limit} documents",
    "archive_unpacks_over": "{archive} se décompresse en plus de {limit:,} octets",
    "member_same_name": "un autre élément s'appelle aussi {name}",
    "member_larger": "plus de {limit:,} octets",
    "member_outside": "un chemin qui sort de l'archive",
    "member_not_regular": "pas un fichier ordinaire (un lien ou un périphérique)",
    "member_archive": "une archive dans l'archive",
    "member_type": "pas un document {extensions}",
    "not_readable": "illisible ({error})",
    "page_unreadable": "la page n'a pas pu être lue ({error})",
    "article_too_large": "l'article fait {size:,} octets ; la limite est de {limit:,}",
    "add_failed_because": "échec : {reason}",
    "attachment_not_downloaded": "La pièce jointe n'a pas pu être téléchargée. Réessayez.",
    # pourquoi un /reindex, /add ou /remove a échoué
    "disk_full": "le disque est plein",
    "not_writable": "le bot n'a pas le droit d'écrire dans son dossier de données",
    "disk_error": "le disque a signalé une erreur",
    "file_error": "une erreur de fichier ({error})",
    "unexpected_error": "une erreur inattendue",
    # pourquoi un article n'a pas pu être récupéré (index/fetch.py)
    "fetch_blank_url": "l'adresse est vide ou contient des espaces ou des caractères de "
                       "contrôle",
    "fetch_invalid_url": "{url} n'est pas une adresse web valide",
    "fetch_scheme": "seules les adresses http:// et https:// peuvent être récupérées, pas "
                    "{scheme}",
    "fetch_no_scheme": "une adresse sans http:// ni https://",
    "fetch_credentials": "les adresses avec un nom d'utilisateur ou un mot de passe ne sont "
                         "pas récupérées ; retirez la partie avant « @ »",
    "fetch_no_host": "l'adresse n'a pas de nom d'hôte",
    "fetch_invalid_host": "{host} n'est pas un nom d'hôte valide",
    "fetch_ipv6_zone": "les adresses IPv6 avec une zone (%…) ne sont pas récupérées",
    "fetch_invalid_ipv6": "{host} n'est pas une adresse IPv6 valide",
    "fetch_invalid_ipv4": "{host} n'est pas une adresse IPv4 valide",
    "fetch_private_literal": "{host} est une adresse {kind} ; seuls les sites web publics "
                             "peuvent être récupérés (fetch.allow_private est désactivé)",
    "fetch_private_resolved": "{host} renvoie à une adresse {kind} ; seuls les sites web "
                              "publics peuvent être récupérés (fetch.allow_private est "
                              "désactivé)",
    "fetch_address_loopback": "de bouclage",
    "fetch_address_link_local": "locale au lien",
    "fetch_address_multicast": "de multidiffusion",
    "fetch_address_unspecified": "non spécifiée",
    "fetch_address_reserved": "réservée",
    "fetch_address_private": "privée",
    "fetch_address_non_public": "non publique",
    "fetch_dns": "le nom d'hôte {host} est introuvable",
    "fetch_timeout": "le site a mis plus de {seconds:g} s à envoyer la page "
                     "(fetch.timeout_seconds)",
    "fetch_redirects": "la page redirige plus de {count} fois (fetch.max_redirects)",
    "fetch_other_site": "la page redirige vers un autre site ({host}) : {url} ; ajoutez "
                        "plutôt cette adresse si c'est celle de l'article",
    "fetch_no_location": "le serveur a répondu {status} sans dire vers où",
    "fetch_http_error": "le serveur a répondu {status}",
    "fetch_not_html": "l'adresse renvoie du {mime}, pas une page web ; seuls les articles "
                      "HTML peuvent être récupérés",
    "fetch_encoding": "le site a envoyé la page compressée en {encoding}, que le bot ne sait "
                      "pas lire",
    "fetch_too_large": "la page dépasse {size} (fetch.max_bytes) ; elle n'a pas été "
                       "téléchargée",
    "fetch_size_mb": "{megabytes:g} Mo",
    "fetch_size_bytes": "{count:,} octets",
    "fetch_connection": "impossible de récupérer la page sur {host} : {detail}",
    "fetch_bad_certificate": "son certificat HTTPS n'est pas valide ({message})",
    "fetch_connection_refused": "la connexion a été refusée",
    "fetch_no_answer": "il n'a pas répondu à temps",
    "fetch_damaged": "ses données compressées sont endommagées",
    "fetch_bad_http": "il n'a pas répondu en HTTP valide",
    "fetch_system_error": "{error}",
    "fetch_unreadable_html": "la page est vide ou n'est pas du HTML lisible",
    "fetch_paywall": "l'article est réservé aux abonnés : seul un court extrait ({words} "
                     "mots) se lit sans abonnement",
    "fetch_listing": "la page est une liste d'articles (une rubrique ou un sommaire), pas un "
                     "article ; ajoutez l'adresse de l'article lui-même",
    # pourquoi un document ne peut pas être lu (index/ingest.py)
    "file_empty": "{file} : fichier vide",
    "file_utf16_no_bom": "{file} : semble être du texte UTF-16 sans indicateur d'ordre des "
                         "octets ; enregistrez-le en UTF-8",
    "file_binary_nul": "{file} : fichier binaire (octets NUL), pas un document texte",
    "file_binary_control": "{file} : fichier binaire (caractères de contrôle), pas un "
                           "document texte",
    "file_damaged_text": "{file} : texte {encoding} endommagé ; enregistrez-le en UTF-8",
    "file_not_text": "{file} : ni du texte UTF-8 ni du Windows-1252",
    "file_over_limit": "{file} : {size} octets, au-delà de la limite de {limit} octets",
    "file_unreadable": "{file} : illisible ({error})",
    "file_outside_link": "{file} : un lien qui sort du dossier du corpus, non indexé",
    "file_no_article": "{file} : aucun texte d'article après nettoyage",
    "file_all_removed": "{file} : tous ses articles ont été retirés",
    "file_duplicate": "{file} reprend {first} (même texte après nettoyage), non indexé",
    "file_note": "{note}",  # une remarque sur un fichier de citation, en anglais seulement
    # pourquoi une citation ne peut pas être enregistrée (index/citation.py)
    "sidecar_link": "{file} est un lien ; modifiez le fichier vers lequel il pointe",
    "sidecar_unreadable": "{problem} ; corrigez d'abord {file} à la main",
    "cite_no_document": "{file} : document introuvable",
    "cite_bad_key": "clé inconnue {key} ; clés connues : {keys}",
    "cite_too_long": "{key} : plus de {limit} caractères",
    "cite_bad_date": "{key} : {value} n'est pas une date (AAAA-MM-JJ)",
    "cite_bad_url": "url : {value} ne commence pas par http:// ou https://",
    "cite_bad_language": "language : {value} n'est pas un code de langue comme en ou fr",
    # pourquoi une ligne /alias ne peut pas être lue (index/lexicon.py)
    "alias_syntax": "Écrivez-le ainsi : NOUVEAU NOM = NOM CONNU, par exemple « GSIM = JNIM ».",
    "alias_no_name": "Il faut de chaque côté un nom avec une lettre ou un chiffre. Écrivez-le "
                     "ainsi : NOUVEAU NOM = NOM CONNU, par exemple « GSIM = JNIM ».",
    "alias_too_long": "Un nom peut compter au plus {limit} caractères.",
    "alias_same_names": "Les deux noms sont identiques.",
    "fetch_too_little_text": "la page a trop peu de texte d'article ({words} mots, il en faut "
                             "au moins {needed}) ; elle ne ressemble pas à un article",
}

FR: Mapping[str, str] = MappingProxyType({key: typeset(template)
                                          for key, template in _TEMPLATES.items()})
