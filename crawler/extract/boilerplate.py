"""Boilerplate rules as data: every kind Korean local news pages print around an article.

Two layers. `DOM_RULES` drop whole elements before text is taken (class/id words and XPaths);
`LINE_RULES` judge one normalised paragraph that survived the DOM layer (a legacy CMS often
prints widgets as bare text inside the article cell). `TAIL_MARKERS` are headings after which
nothing belongs to the article (galleries, related lists, comment forms). The clean stage walks
these tables; it holds no rule of its own apart from "repeats of the title, byline and captions".
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple


class LineRule(NamedTuple):
    kind: str
    pattern: re.Pattern[str]
    max_len: int  # a long paragraph that merely mentions "광고" or "ⓒ" is article text
    spare_sentences: bool  # a line ending like a reported sentence ("…밝혔다.") is article text


def _rule(kind: str, pattern: str, max_len: int = 80, spare_sentences: bool = False) -> LineRule:
    return LineRule(kind, re.compile(pattern, re.IGNORECASE), max_len, spare_sentences)


_SENTENCE_END = re.compile(r"(?:다|했음|함)[.\"'”’]*$")


# Kinds (named in the issue); each has a fixture line in tests/test_clean.py.
ANTI_SPAM = "anti_spam"  # "도배방지 이미지" captcha under comment forms
GALLERY = "gallery"  # "포토", "메인사진", "1/2" carousel counters
DATELINE = "dateline"  # "기자 | 기사입력 …", "입력 : …" repeats
COPYRIGHT = "copyright"  # "저작권자 ©", "ⓒ", "무단전재 및 재배포 금지"
RELATED = "related"  # "관련기사", "많이 본 기사"
SHARE = "share"  # share buttons, print, font size
COMMENT = "comment"  # comment forms
TIPOFF = "tipoff"  # tip-off and subscription prompts, sponsorship
AD = "ad"
CREDIT = "credit"  # "사진=고양시 제공": a photo credit left in the text, caption material
CAPTION = "caption"  # "[사진] 9일 열린 …": a photo caption printed as a line of the text

LINE_RULES: tuple[LineRule, ...] = (
    _rule(
        ANTI_SPAM, r"^(?:[•·*\-]\s*)?(?:도배\s*방지\s*(?:이미지|키|문자)?|자동\s*등록\s*방지.*)$"
    ),
    _rule(GALLERY, r"^(?:포토|메인\s*사진|포토\s*뉴스|사진\s*더보기|이전\s*사진|다음\s*사진)$"),
    _rule(GALLERY, r"^\d{1,3}\s*/\s*\d{1,3}$"),
    _rule(GALLERY, r"^(?:이전|다음|prev|next|◀|▶|<|>)$"),
    _rule(
        DATELINE, r"^(?:기사)?(?:입력|등록|승인|수정|송고|업데이트)\s*[:：]?\s*\d{2,4}[./\-년]", 60
    ),
    _rule(COPYRIGHT, r"^[\[<(【〈]?\s*(?:저작권자|copyright|ⓒ|©|\(c\)\s)", 120),
    _rule(COPYRIGHT, r"무단\s*전재.{0,20}(?:재배포|금지)|재배포\s*금지|AI\s*학습.{0,10}금지", 140),
    _rule(
        RELATED,
        r"^.{0,12}(?:관련\s*기사|많이\s*본\s*(?:기사|뉴스)|인기\s*기사|주요\s*기사|최신\s*기사|"
        r"추천\s*기사|기자의\s*다른\s*기사|이\s*시각\s*주요\s*뉴스|포토\s*뉴스|"
        r"핫\s*이슈)\s*[\]>】]?.{0,12}$",
        40,
        spare_sentences=True,
    ),
    _rule(
        SHARE,
        r"^(?:(?:기사\s*)?공유(?:하기)?|페이스북|트위터|카카오톡|카카오스토리|네이버\s*밴드|"
        r"밴드|URL\s*복사|링크\s*복사|스크랩|인쇄(?:하기)?|프린트|글자\s*크기|"
        r"가+|본문\s*글씨\s*(?:키우기|줄이기)|기사\s*저장|이메일|[+\-]|"
        r"이\s*기사를\s*공유합니다|SNS\s*기사보내기|기사\s*보내기|좋아요|추천\s*\d*)$",
    ),
    _rule(
        COMMENT,
        r"^(?:댓글(?:\s*\d+)?|댓글\s*(?:쓰기|달기|보기|정렬|입력)|\d+\s*/\s*\d+\s*자?|"
        r"로그인|비밀번호|이름|등록|취소|최신순|추천순|답글(?:\s*쓰기)?|"
        r"댓글\s*운영\s*원칙.*|욕설.*삭제.*)$",
        60,
    ),
    _rule(
        TIPOFF,
        r"(?:기사\s*제보|제보\s*(?:하기|전화|메일)|뉴스\s*제보|독자\s*제보|구독\s*신청|"
        r"구독하기|뉴스레터|후원\s*(?:하기|계좌|안내)|독자\s*후원|카카오톡\s*채널|"
        r"채널\s*추가|이\s*기사를\s*후원)",
        100,
        spare_sentences=True,
    ),
    _rule(AD, r"^[-–\s]*(?:광고|AD|advertisement|sponsored|스폰서|\[광고\]|PR)[-–\s]*$"),
    _rule(
        CREDIT, r"^[\[(<]?\s*(?:사진|자료|그래픽|영상|이미지|출처)\s*[=:/]\s*[^=]{1,30}[\])>]?$", 40
    ),
    _rule(CAPTION, r"^[\[【]\s*(?:사진|포토|그래픽)\s*[\]】]\s*\S", 200),
)

# The same kinds as other languages print them (real pages of shared/corpus: German, English,
# French, Italian, Polish, Spanish): only short lines that are nothing but the label.
WESTERN_LINE_RULES: tuple[LineRule, ...] = (
    _rule(
        RELATED,
        r"^(?:related(?: articles?| posts?| stories| topics| content| news)?|read (?:more|also|next)|"
        r"more (?:from|on|stories)\b.*|you (?:may|might) also like|see also|auch interessant|"
        r"lesen sie (?:auch|hier|mehr)\b.*|weitere (?:artikel|beiträge|themen|nachrichten)|"
        r"mehr (?:zum thema|dazu|aus der sendung)\b.*|das könnte (?:sie|dich) auch interessieren|"
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
_ALL_LINE_RULES = LINE_RULES + WESTERN_LINE_RULES

# "△ 9일 열린 … 모습": the triangle many papers print before a caption under the photo. The same
# mark lists agenda items ("△ 조례안 심사 △ 예산안"), which are article text; those come in runs
# or share the line, a caption stands alone (pipelines/clean.py reads the neighbours).
CAPTION_MARK = re.compile(r"^[△▲]\s*[^△▲]+$")
CAPTION_MAX_LEN = 200

# A paragraph equal to one of these ends the article: what follows is gallery, lists, comments.
TAIL_MARKERS: frozenset[str] = frozenset({
    "도배방지 이미지", "도배방지", "포토", "메인사진", "관련기사", "관련 기사", "많이 본 기사",
    "많이본 기사", "많이본기사", "인기기사", "주요기사", "댓글", "댓글쓰기", "이 기사를 공유합니다",
    "기자의 다른 기사", "이 기자의 다른 기사", "포토뉴스",
})  # fmt: skip

# Element class/id words that are never article text, matched as whole tokens in @class/@id.
DOM_WORDS: dict[str, tuple[str, ...]] = {
    ANTI_SPAM: ("captcha", "spam", "antispam"),
    GALLERY: ("slide", "slider", "carousel", "gallery", "swiper", "photo-news", "photonews"),
    # Not "copy": "article-copy" is the body text itself on many sites; line rules catch "ⓒ …".
    COPYRIGHT: ("copyright", "view-copyright"),
    RELATED: ("related", "relation", "rel-news", "popular", "most-viewed", "ranking",
              "article-list", "news-list", "more-news", "hot-news", "recommend",
              "view-editors-list", "relatedposts", "yarpp",
              # Other languages' "see also" boxes (lee-tambien, veja-tambem, saiba-mais),
              # and breadcrumbs: lists of links, not text.
              "tambien", "tambem", "saiba", "breadcrumb", "breadcrumbs", "recirculation", "linkbox", "wp-embedded-content"),
    SHARE: ("share", "sns", "social", "sharing", "sns-share", "font-size", "fontsize",
            "util", "utility", "article-util", "btn-share", "scrap", "print-btn"),
    COMMENT: ("comment", "comments", "reply", "cmt", "disqus", "comment-form", "respond"),
    TIPOFF: ("subscribe", "newsletter", "donation", "tip-off", "jebo"),
    AD: ("ad", "ads", "advert", "advertisement", "banner", "adsense", "google-ad", "dable",
         "adspot", "adsbygoogle", "sponsor", "promotion", "disclaimer", "disclosure",
         "code-block"),
}  # fmt: skip
# Tags that never hold article text.
DOM_TAGS: tuple[str, ...] = (
    "script", "style", "noscript", "iframe", "form", "button", "input", "select", "textarea",
    "svg", "nav", "aside", "template", "object", "embed", "ins",
)  # fmt: skip


def line_kind(line: str) -> str | None:
    """The boilerplate kind of one normalised paragraph, or None when it may be article text."""
    sentence = bool(_SENTENCE_END.search(line))
    for rule in _ALL_LINE_RULES:
        if rule.spare_sentences and sentence:
            continue
        if len(line) <= rule.max_len and rule.pattern.search(line):
            return rule.kind
    return None


# Headings after which a page shows only related lists and comments, in other languages.
WESTERN_TAIL_MARKERS: frozenset[str] = frozenset({
    "related", "related articles", "related posts", "related stories", "you may also like",
    "you might also like", "comments", "leave a reply", "auch interessant", "kommentare",
    "das könnte sie auch interessieren", "das könnte dich auch interessieren", "weitere artikel",
    "ähnliche artikel", "ähnliche beiträge", "à lire aussi", "leggi anche", "czytaj także",
    "über den autor", "über die autorin", "about the author",
})  # fmt: skip


def is_tail_marker(line: str) -> bool:
    line = line.strip(" []<>【】·•-")
    return line in TAIL_MARKERS or line.rstrip(":.… ").lower() in WESTERN_TAIL_MARKERS


_COMMENT_MARKERS = frozenset({"comments", "leave a reply", "kommentare"})


def ends_story(marker: str) -> bool:
    """A tail heading after which nothing of the story comes: a Korean one (관련기사, 많이 본
    뉴스: the layout always puts them last) or the comments'. A Western "Related" box may
    stand inside the text."""
    line = marker.strip(" []<>【】·•-")
    return line in TAIL_MARKERS or line.rstrip(":.… ").lower() in _COMMENT_MARKERS


def dom_token_kind(tokens: set[str]) -> str | None:
    """The kind whose class/id word appears among an element's tokens, or None."""
    for kind, words in DOM_WORDS.items():
        if tokens.intersection(words):
            return kind
    return None


_WHOLE = re.compile(r"[\s_]+")
_PARTS = re.compile(r"[\s_\-]+")


def element_kind(el) -> str | None:
    """The boilerplate kind an element's class and id announce, or None."""
    return words_kind(f"{el.get('class', '')} {el.get('id', '')}".lower())


@functools.lru_cache(maxsize=8192)
def words_kind(words: str) -> str | None:
    """The boilerplate kind of lower-cased class and id words ("view-copyright sns_share")."""
    # Tokens whole ("view-copyright") and in parts ("view", "copyright"), so that one word list
    # serves "share-box", "sns_share" and "btn-share" alike. Cached: a site repeats its classes
    # on every page, and the answer depends on the string alone.
    if not words.strip():
        return None
    tokens = set(_WHOLE.split(words)) | set(_PARTS.split(words))
    tokens.discard("")
    return dom_token_kind(tokens)
