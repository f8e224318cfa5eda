"""Boilerplate rules as data: every kind Korean local news pages print around an article.

Two layers. `DOM_RULES` drop whole elements before text is taken (class/id words and XPaths);
`LINE_RULES` judge one normalised paragraph that survived the DOM layer (a legacy CMS often
prints widgets as bare text inside the article cell). `TAIL_MARKERS` are headings after which
nothing belongs to the article (galleries, related lists, comment forms). The clean stage walks
these tables; it holds no rule of its own apart from "repeats of the title, byline and captions".
"""

from __future__ import annotations

import bisect
import functools
import re

from crawler.extract.linekinds import (
    AD,
    ANTI_SPAM,
    CAPTION,
    COMMENT,
    COPYRIGHT,
    CREDIT,
    DATELINE,
    GALLERY,
    RELATED,
    SHARE,
    TIPOFF,
    LineRule,
)
from crawler.extract.linekinds import rule as _rule
from crawler.extract.western import STORY_ENDS, WESTERN_LINE_RULES, WESTERN_TAIL_MARKERS

_SENTENCE_END = re.compile(r"(?:다|했음|함)[.\"'”’]*$")


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
    # The masthead every Korean paper prints by law (신문법): its registration number beside its
    # publisher, editor or youth-protection officer, a footer however the template lays it out.
    _rule(
        COPYRIGHT,
        r"^(?=.*등록\s*번호)(?=.*(?:발행|편집)(?:\s*[·ㆍ,/]\s*(?:발행|편집))?\s*인|.*청소년\s*보호\s*책임자)",
        400,
    ),
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

_ALL_LINE_RULES = LINE_RULES + WESTERN_LINE_RULES


def _rules_by_length(
    rules: tuple[LineRule, ...],
) -> tuple[list[int], list[tuple[tuple, tuple]]]:
    """The rules that apply to a line, worked out once per length band rather than per line:
    `limits` are the rules' distinct `max_len`s, ascending, and band i (lines longer than
    limits[i - 1], at most limits[i]) has (every rule that fits, those that do not spare
    sentences), each a tuple of (search, kind) in the rules' order. Both are one object when
    no rule of the band spares sentences."""
    limits = sorted({r.max_len for r in rules})
    bands = []
    for limit in limits:
        fits = [r for r in rules if limit <= r.max_len]
        every = tuple((r.pattern.search, r.kind) for r in fits)
        unspared = tuple((r.pattern.search, r.kind) for r in fits if not r.spare_sentences)
        bands.append((every, unspared if len(unspared) < len(every) else every))
    return limits, bands


_LINE_LIMITS, _LINE_BANDS = _rules_by_length(_ALL_LINE_RULES)

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


@functools.lru_cache(maxsize=4096)
def line_kind(line: str) -> str | None:
    """The boilerplate kind of one normalised paragraph, or None when it may be article text.

    Cached: the answer depends on the line alone, the clean stage asks twice for a page's
    lines (its body, then its captions) and a site prints its boilerplate lines on every page."""
    band = bisect.bisect_left(_LINE_LIMITS, len(line))
    if band == len(_LINE_LIMITS):
        return None  # longer than any rule reads
    rules, unspared = _LINE_BANDS[band]
    if unspared is not rules and _SENTENCE_END.search(line):
        rules = unspared
    for search, kind in rules:
        if search(line):
            return kind
    return None


def _heading(line: str) -> tuple[str, str]:
    """A heading line as the Korean markers are written and as the Western ones are."""
    line = line.strip(" []<>【】·•-")
    return line, line.rstrip(":.… ").lower()


def is_tail_marker(line: str) -> bool:
    korean, western = _heading(line)
    return korean in TAIL_MARKERS or western in WESTERN_TAIL_MARKERS


def ends_story(marker: str) -> bool:
    """A tail heading after which nothing of the story comes: a Korean one (관련기사, 많이 본
    뉴스: the layout always puts them last) or the comments'. A Western "Related" box may
    stand inside the text."""
    korean, western = _heading(marker)
    return korean in TAIL_MARKERS or western in STORY_ENDS


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
