"""The generic URL shapes as data, for judge_url (verdict.py): links never fetched, static
pages, and the article and list shapes no profile claims."""

from __future__ import annotations

import re


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# Pages no reader of an article wants, by reason: never fetched. Words are matched as tokens of
# the URL (between "/", ".", "_", "-", "?", "&", "="), so that a footprint, a comment column or
# SharedDocs is not a print view, a comment form or a share button.
_B, _E = r"(?:^|[/_.?&=-])", r"(?:$|[/_.?&=#-])"
URL_SKIP: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("scheme_url", _rx(r"^(?:mailto|javascript|tel):")),
    # A "print" folder is a print view only when an id or nothing follows it ("/print/123",
    # "/print/?id=5"): one holding named documents is a paper's print edition
    # ("/spiegel/print/d-161500790.html").
    (
        "print_url",
        re.compile(
            rf"(?i:{_B}print(?:view|_?popup)?(?:$|[_.?&=#-]|/\d*(?:$|[/?#.&])))"
            r"|[a-z]Print(?:$|[A-Z_.?/])"
        ),
    ),
    (
        "search_url",
        _rx(r"/search(?:$|[/_.?#-])", r"[?&](?:q|query|keyword|search|sc_word|s|stx)="),
    ),
    ("tag_url", _rx(r"/tags?/|[?&]tag=")),
    (
        "login_url",
        _rx(rf"{_B}(?:log_?in|log_?out|sign_?in|sign_?up|join|register){_E}", r"/member/"),
    ),
    (
        "comment_url",
        _rx(
            rf"{_B}(?:comment|reply)(?:_?(?:ok|write|list|update|delete|form|popup))?"
            r"\.(?:php|html?|asp|aspx|jsp)",
            r"[?&](?:replytocom|comment_?id|reply_?id)=",
        ),
    ),
    ("admin_url", _rx(r"/(?:wp-)?admin(?:$|[/_.?])", r"/adm/")),
    ("share_url", _rx(rf"{_B}(?:share|sendsns|sns_?share){_E}", r"[?&]sns=")),
    (
        "file_url",
        _rx(
            r"\.(?:jpe?g|png|gif|webp|bmp|svg|ico|pdf|hwpx?|docx?|xlsx?|pptx?|zip|rar|7z|mp3|mp4|"
            r"avi|wmv)(?:$|[?#])",
            r"(?:^|[/_.-])(?:download|filedown|file_?down)\w*\.(?:php|asp|aspx|jsp|do|html?)",
            r"/file/",
        ),
    ),
)
# Static pages of a paper (회사소개, 개인정보처리방침, 이용약관, 청소년보호정책, 오시는 길): never
# fetched when the URL says so, never stored when the page does. Matched on the unquoted URL.
# A bare path word is static only when no paper names a section so ("/policy", "/youth" and
# "/history" are sections too); the sub_*.html and co_id= forms are a CMS's static pages.
_STATIC_PATHS = (
    r"company|about|about[-_]?us|intro|introduce|greeting|privacy|terms|agreement|provision|"
    r"location|contact"
)
_STATIC_WORDS = rf"{_STATIC_PATHS}|policy|youth|map|ci|history|organization|ethics|advertise"
URL_STATIC = _rx(
    rf"/(?:{_STATIC_PATHS})(?:[-_][a-z]+)?(?:\.(?:html?|php|asp|jsp))?/?$",
    rf"/sub_?(?:{_STATIC_WORDS})\w*\.(?:html?|php|asp|jsp)$",
    rf"[?&](?:co_id|mid|page_id|menu)=(?:{_STATIC_WORDS})(?:&|$)",
    r"/(?:회사-?소개|신문사-?소개|개인정보-?처리-?방침|개인정보-?보호-?정책|이용-?약관|"
    r"청소년-?보호-?정책|(?:찾아)?오시는-?길|윤리-?강령)(?:\.\w+)?/?$",
)
# Article shapes no family claims. An article match is fetched as an article.
URL_ARTICLE = _rx(
    r"(?:view|read|article|news|story|detail|content|show)[^/?]*\?(?:[^#]*&)?"
    r"(?:[a-z_]*id|idx|idxno|no|uid|num|seq|aid|art_?id|key|code)=\d+",
    r"/(?:news|article|articles|view|story|stories|read)/(?:[\w-]+/)*\d{4,}(?:\.html?)?/?$",
    r"/\d{6,}(?:\.html?)?/?$",
    r"board\.php\?(?:[^#]*&)?wr_id=\d+",  # gnuboard, which many small papers run on
    r"[?&]document_srl=\d+",  # XpressEngine / Rhymix
    # A headline slug under an article path (Next.js and headless CMSes): "/article/a-b-c".
    r"/(?:article|articles|story|stories|post|posts)/[^/?#]+-[^/?#]+-[^/?#]+/?$",
)
# Lists whatever the site: a gnuboard board without a post (`bo_table` without `wr_id`: the
# board's list, a category tab `sca=`, a page of it) is never an article. Followed as lists and
# never offered as pages.
URL_SURE_LIST = _rx(r"/board\.php\?(?:(?!wr_id=)[^#])*bo_table=(?:(?!wr_id=)[^#])*$")
# List shapes no family claims: followed as lists, and offered as pages too, because a
# trailing "/" or a "news" path is as often an article permalink of an unknown site.
URL_LIST = _rx(
    r"list|section|category|/sub\.html|[?&]page=\d+|/page/\d+|/news/?$|/$",
    r"/(?:latest|recent|all|today|ranking|popular)/?$|/news/[a-z][a-z-]*/?$",
    # an XpressEngine / Rhymix module without a document: a board's list, or a page module
    r"[?&]mid=[\w-]+(?:&(?!document_srl=|act=)[^#&]*)*$",
)
