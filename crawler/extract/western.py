"""Boilerplate as pages in other languages print it (real pages of shared/corpus: German,
English, French, Italian, Polish, Spanish): line rules of the same kinds as the Korean ones in
crawler/extract/boilerplate.py, and the headings after which a page shows no more of the story."""

from __future__ import annotations

from crawler.extract.linekinds import (
    AD,
    CAPTION,
    COMMENT,
    CREDIT,
    DATELINE,
    RELATED,
    SHARE,
    TIPOFF,
    LineRule,
)
from crawler.extract.linekinds import rule as _rule

# Only short lines that are nothing but the label.
WESTERN_LINE_RULES: tuple[LineRule, ...] = (
    _rule(
        RELATED,
        r"^(?:related(?: articles?| posts?| stories| topics| content| news)?|read (?:more|also|next)|"
        r"more (?:from|on|stories)\b.*|you (?:may|might) also like|see also|auch interessant|"
        r"lesen sie (?:auch|hier|mehr)\b.*|"
        r"weitere (?:artikel|beiträge|themen|nachrichten|inhalte)(?: (?:aus|zu|zum|von)\b.{0,30})?|"
        r"(?:sie|du) könnte(?:n|st) auch an .{0,30}interessiert sein|audios et vidéos sur le sujet|"
        r"mehr (?:zum thema|dazu|aus der sendung)\b.*|"
        r"(?:das(?: thema)? )?könnte (?:sie|dich) auch interessieren|"
        r"inhaltsverzeichnis|table of contents|inhalt dieses artikels|"
        r"ähnliche (?:artikel|beiträge)|à lire aussi\b.*|lire aussi|voir aussi|leggi anche|"
        r"zobacz (?:też|także)|czytaj (?:też|także|więcej)|lee también|leer más)\s*[:.…»]*$",
        60,
    ),
    _rule(
        SHARE,
        r"^(?:share(?: this)?(?: article| post| story)?|teilen|(?:diesen )?artikel teilen|"
        r"möchten sie den artikel teilen\?|like it\? share it!|tweet|pin it|pinnen|drucken|"
        r"(?:rezept |artikel )?drucken|print(?: this)?|whatsapp|facebook|twitter|linkedin|xing|"
        r"gefällt mir(?: wird geladen\.*)?|wird geladen\.*|bild anzeigen)\s*[:!.…]*$",
        50,
    ),
    _rule(
        COMMENT,
        r"^(?:\d+\s+)?(?:comments?|kommentare?|kommentar(?:e)? schreiben|leave a (?:reply|comment)|"
        r"write a comment|kommentare insgesamt:?.*|(?:noch )?keine kommentare|"
        r"war der artikel nützlich\?|\(?noch keine bewertungen\)?|info zur bewertung)\s*[:.]*$",
        40,
    ),
    # "Lea también: <headline>", "Read more: <headline>": a link to another story, introduced
    # the way 관련기사 introduces one.
    _rule(
        RELATED,
        r"^(?:lea(?: también| más)?|vea también|le puede interesar|puedes ver|mira|mire|"
        r"veja também|leia também|read more|read also|also read|see also|auch lesen|"
        r"lesen sie (?:auch|hier)|mehr themen|zum weiterlesen|à lire aussi|lire aussi|"
        r"leggi anche|czytaj (?:też|także|więcej)|zobacz (?:też|także)|dowiedz się więcej)"
        r"\s*[:：»]\s*.{0,160}$",
        200,
    ),
    _rule(
        RELATED,
        r"^(?:notas relacionadas|czytaj więcej w\b.*|dowiedz się więcej|schon gelesen\??|"
        r"lust auf mehr\??|weitere informationen|weitere tourentipps|noch mehr infos für dich|"
        r"verwandte themen(?:bereiche)?|entdecke weitere\b.*)"
        r"\s*[:.…]*$",
        60,
    ),
    # Buttons and links that templates print as a line of their own.
    _rule(
        SHARE,
        r"^(?:zurück(?: zur (?:startseite|übersicht|listenansicht))?|back(?: to top)?|"
        r"print recipe|jump to recipe|drukuj|pdf(?: version)?|quellen (?:anzeigen|ausblenden))"
        r"\s*[:.…»]*$",
        40,
    ),
    _rule(
        TIPOFF,
        r"^(?:(?:jetzt |zum )?newsletter (?:abonnieren|anmelden)|zum newsletter anmelden|"
        r"subscribe (?:now|to (?:our|email|the)\b.*)|sign up for (?:our )?newsletter.*|"
        r"receive our (?:\w+ )?newsletter|stay up[- ]to[- ]date\b.*|"
        # The letters-page prompt, the other languages' 제보 line.
        r"we want to hear what you think\b.*|submit (?:a|your) letter\b.*)\s*[:.!]*$",
        80,
    ),
    # Newsletter and paywall pleas inside a line: "Never miss … by signing up to our newsletter".
    _rule(
        TIPOFF,
        r"\bsign(?:ing)? up (?:to|for) (?:our|the)\b.{0,40}newsletter|receive our (?:\w+ )?"
        r"newsletter|\bsubscribe now to\b|\bplease subscribe\b|\balready a subscriber\b",
        200,
    ),
    # A page's own metadata labels left as a line: "Aktualisiert:", "Last Modified:".
    _rule(
        CREDIT,
        r"^(?:aktualisiert(?: am)?|last modified|release date|von|kontakt|telefon|titelbild|"
        r"quellenangaben)\s*:?\s*$",
        30,
    ),
    # "Publiziert: 03.04.2020, 12:35", "Aktualisiert am 17.01.2021.", a bare "23.10.2018".
    _rule(
        DATELINE,
        r"^(?:(?:aktualisiert|publiziert|veröffentlicht|updated|published)(?: am| on)?\s*:?\s*)?"
        r"\d{1,2}\.\d{1,2}\.\d{2,4}(?:,?\s*\d{1,2}:\d{2}(?: uhr)?)?\.?$",
        50,
    ),
    # WordPress's entry meta under a post ("Dieser Eintrag wurde veröffentlicht in Podcast …
    # von …. Permanentlink.", "This entry was posted in News by …").
    _rule(
        CREDIT,
        r"^(?:dieser (?:eintrag|beitrag) wurde (?:am .{0,40} )?veröffentlicht|"
        r"this (?:entry|post) was posted|cette entrée a été publiée|questa voce è stata pubblicata)"
        r"\b.{0,200}$",
        260,
    ),
    # Appeals and app promotions a template prints under every story.
    _rule(
        TIPOFF,
        r"^(?:if you (?:enjoyed|liked|value) (?:reading )?this (?:post|article|story)\b.{0,160}|"
        r"for the latest .{0,60}\bdownload (?:the|our) .{0,60}\bapps?\b.{0,60})$",
        240,
    ),
    _rule(
        RELATED,
        r"^(?:vorschau auf den nächsten artikel|nächster artikel|vorheriger artikel|"
        r"next (?:article|post|story)|previous (?:article|post|story))\s*[:.…»]*$",
        40,
    ),
    _rule(AD, r"^(?:was sind cookies|what are cookies|qu'est-ce qu'un cookie)\s*\??$", 30),
    # "Abbildung 4: klassische Schwachschicht.", "Figure 2: …": a caption printed as text.
    _rule(CAPTION, r"^(?:abbildung|abb\.|figure|fig\.)\s*\d{0,3}\s*:\s*\S", 250),
    _rule(AD, r"^[-–\s]*(?:anzeige|werbung|advertisement|publicité|pubblicità|reklama)[-–\s:]*$"),
    # "ANZEIGE - Heute mal …", "*Werbung. Dieser Beitrag enthält …", "Anzeige, enthält
    # Affiliate Links": the ad label leading a line of its own.
    _rule(
        AD,
        r"^[*\s]*(?:anzeige|werbung|advertisement|sponsored|amazon[- ]tipp)\s*[-–:,.|]\s*\S.*$",
        220,
    ),
    _rule(
        RELATED,
        r"^(?:tags?|schlagw(?:ö|o)rte?r?|kategorien?|categor(?:y|ies)|filed under|posted in|"
        r"themen(?: in diesem artikel)?)\s*:.{0,120}$|^themen in diesem artikel$",
        140,
    ),
    _rule(
        CREDIT,
        r"^\(?(?:fotos?|photos?|bild(?:quelle)?|credits?|crédits? photos?|image(?: illustrative)?|"
        r"beitragsbild|titelbild|quelle|foto\s*/\s*grafik)\s*:.{1,80}\)?$|"
        r"^(?:photograph|photo|foto|bild)s? (?:by|von)\b.{1,60}$",
        100,
    ),
)

# Headings after which a page shows only related lists and comments, in other languages.
WESTERN_TAIL_MARKERS: frozenset[str] = frozenset({
    "related", "related articles", "related posts", "related stories", "you may also like",
    "you might also like", "comments", "leave a reply", "auch interessant", "kommentare",
    "das könnte sie auch interessieren", "das könnte dich auch interessieren", "weitere artikel",
    "ähnliche artikel", "ähnliche beiträge", "à lire aussi", "leggi anche", "czytaj także",
    "über den autor", "über die autorin", "about the author",
})  # fmt: skip
# Of those, the ones after which nothing of the story can follow (the comments, the author's
# box); after the others a teaser box may stand inside the text (pipelines/clean.py).
STORY_ENDS = frozenset({
    "comments", "leave a reply", "kommentare", "über den autor", "über die autorin",
    "about the author",
})  # fmt: skip
