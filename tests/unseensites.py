"""Four Korean news sites of layouts no profile knows, served on 127.0.0.61-64 for the tests.

- `goyang-now`: a modern Next.js site (CSS-module class names, `<article>`, JSON-LD
  NewsArticle, Open Graph), slug URLs without a number, a sitemap that lists /about and /privacy;
- `bupyeong`: a gnuboard board paper (`board.php?bo_table=news&wr_id=12`) whose list links
  append `&page=2` and `&sca=정치`;
- `ilsan-post`: a pretty-URL CMS whose documents are also served at `/?p=123`, Hangul-slug
  permalinks ending in `/`, static pages with Hangul slugs too;
- `hanbit`: a 2000s table layout in CP949 (declared `euc-kr`) with 회사소개 pages.

Every article page names its canonical URL. `UnseenSites.expected` is what the store must hold;
`page(site, path)` renders one page without a server (the fixtures under tests/fixtures/unseen/).
"""

from __future__ import annotations

import html as _html
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar, Self
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from tests.unseen_news import BUPYEONG, GIMPO_XE, GOYANG_NOW, HANBIT, ILSAN_POST, Story

e = _html.escape


def _iso(published: str) -> str:
    return published.replace(" ", "T") + ":00+09:00"


def _dotted(published: str) -> str:
    return published.replace("-", ".")


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200


NOT_FOUND = Page(b"<html><body><h1>404 Not Found</h1></body></html>", status=404)

# Prose every static page carries: long enough that length alone never tells it from an article.
ABOUT_TEXT = (
    (
        "{name}은 지역 주민의 목소리를 전하는 풀뿌리 언론입니다. 2005년 창간 이래 지역 의회와 행정을 "
        "감시하고 이웃의 삶을 기록해 왔습니다."
    ),
    (
        "우리는 정확하고 공정한 보도를 원칙으로 삼으며, 광고주와 권력으로부터 독립된 편집권을 지켜 "
        "나가겠습니다. 독자 여러분의 제보와 의견을 언제나 기다립니다."
    ),
    "발행인 겸 편집인: 홍길동 · 등록번호: 경기 아 00123 · 등록일: 2005년 3월 2일",
)
PRIVACY_TEXT = (
    (
        "{name}(이하 '회사')은 이용자의 개인정보를 중요하게 생각하며 「개인정보 보호법」을 준수하고 "
        "있습니다. 회사는 개인정보처리방침을 통해 이용자가 제공하는 개인정보가 어떠한 용도와 방식으로 "
        "이용되고 있는지 알려드립니다."
    ),
    (
        "1. 수집하는 개인정보 항목: 회사는 회원가입, 기사 제보, 구독 신청을 위해 이름, 이메일 주소, "
        "휴대전화 번호를 수집합니다."
    ),
    (
        "2. 개인정보의 보유 및 이용 기간: 회사는 개인정보 수집 및 이용 목적이 달성된 후에는 해당 "
        "정보를 지체 없이 파기합니다."
    ),
)


def _static(name: str, kind: str) -> tuple[str, tuple[str, ...]]:
    title, text = {
        "about": ("회사소개", ABOUT_TEXT),
        "privacy": ("개인정보처리방침", PRIVACY_TEXT),
        "terms": ("이용약관", PRIVACY_TEXT),
        "youth": ("청소년보호정책", PRIVACY_TEXT),
        "map": ("오시는 길", ABOUT_TEXT),
    }[kind]
    return title, tuple(t.format(name=name) for t in text)


class UnseenSite:
    """One site: a name, a host, its stories and a router from (path, query) to a page."""

    name: str
    title: str  # the paper's name as printed
    host: str
    stories: tuple[Story, ...]

    def __init__(self) -> None:
        self.base = f"http://{self.host}"

    def route(self, path: str, query: dict[str, str]) -> Page:
        raise NotImplementedError

    def canonical_path(self, story: Story) -> str:
        raise NotImplementedError

    def expected(self) -> list[dict]:
        return [
            {
                "site": self.name,
                "url": self.base + self.canonical_path(s),
                "title": s.title,
                "subtitle": s.subtitle,
                "author": s.author,
                "published": _iso(s.published),
                "body": "\n".join(s.paragraphs),
                "caption": s.caption,
            }
            for s in self.stories
        ]

    def story(self, key: int) -> Story | None:
        return next((s for s in self.stories if s.id == key), None)

    def static_paths(self) -> list[str]:
        return []


# -- goyang-now: Next.js, CSS modules, JSON-LD ----------------------------------------------


class GoyangNow(UnseenSite):
    name = "goyang-now"
    title = "고양나우"
    host = "127.0.0.61"
    stories = GOYANG_NOW
    slugs: ClassVar[dict[int, str]] = {
        10481: "goyang-council-youth-ordinance",
        10482: "ilsan-lake-park-bike-lights",
        10483: "goyang-flower-show-opens",
        10484: "daegok-transfer-center",
        10485: "wondang-market-online",
        10486: "goyang-living-wage-2025",
    }

    def canonical_path(self, story: Story) -> str:
        return f"/article/{self.slugs[story.id]}"

    def _shell(self, head: str, main: str) -> bytes:
        nav = (
            '<header class="Header_wrap__a8dK2"><a class="Header_logo__Pq1" href="/">'
            f'{self.title}</a><nav class="Gnb_gnb__x1Lm">'
            '<a href="/news">전체기사</a><a href="/news?section=politics">정치</a>'
            '<a href="/news?section=society">사회</a><a href="/news?section=culture">문화</a>'
            '<a href="/search?q=">검색</a><a href="/login">로그인</a></nav></header>'
        )
        footer = (
            '<footer class="Footer_footer__Zz0"><a href="/about">회사소개</a> '
            '<a href="/privacy">개인정보처리방침</a> <a href="/terms">이용약관</a>'
            f"<p>© {self.title}. All rights reserved.</p></footer>"
        )
        return (
            f'<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">{head}'
            '<link rel="stylesheet" href="/_next/static/css/8a1f.css"></head><body>'
            f'<div id="__next">{nav}<main class="Layout_main__Qe1f">{main}</main>{footer}</div>'
            '<script id="__NEXT_DATA__" type="application/json">{"props":{},"page":"/"}</script>'
            '<script src="/_next/static/chunks/main-3f2a.js" defer></script></body></html>'
        ).encode()

    def _cards(self, stories, tracking: str = "") -> str:
        return "".join(
            f'<li class="ArticleCard_card__b2X"><a href="{self.canonical_path(s)}{tracking}">'
            f'<h3 class="ArticleCard_title__k9P">{e(s.title)}</h3></a>'
            f'<p class="ArticleCard_lead__m3Q">{e(s.paragraphs[0])}</p></li>'
            for s in stories
        )

    def article(self, s: Story) -> bytes:
        url = self.base + self.canonical_path(s)
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": s.title,
            "datePublished": _iso(s.published),
            "author": [{"@type": "Person", "name": s.author}],
            "publisher": {"@type": "Organization", "name": self.title},
            "mainEntityOfPage": url,
        }
        head = (
            f"<title>{e(s.title)} | {self.title}</title>"
            f'<meta property="og:type" content="article"><meta property="og:url" content="{url}">'
            f'<meta property="og:title" content="{e(s.title)} | {self.title}">'
            f'<meta property="og:site_name" content="{self.title}">'
            f'<meta property="article:published_time" content="{_iso(s.published)}">'
            f'<link rel="canonical" href="{url}">'
            f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
        )
        sub = f'<h2 class="Headline_sub__R2m">{e(s.subtitle)}</h2>' if s.subtitle else ""
        paras = "".join(f"<p>{e(p)}</p>" for p in s.paragraphs)
        main = (
            '<article class="Article_article__Zx3">'
            f'<div class="Headline_wrap__k1W"><span class="Headline_section__p0">{s.section}</span>'
            f'<h1 class="Headline_title__x9Q">{e(s.title)}</h1>{sub}'
            f'<div class="Byline_byline__u7T"><span class="Byline_name__Qw2">{s.author} 기자</span>'
            f'<time datetime="{_iso(s.published)}">입력 {_dotted(s.published)}</time></div></div>'
            '<div class="ArticleBody_body__Hh2">'
            f'<figure class="Photo_photo__c3V"><img src="/images/{s.id}.jpg" alt="">'
            f"<figcaption>{e(s.caption)}</figcaption></figure>{paras}"
            f'<p class="ArticleBody_copyright__o2L">ⓒ {self.title} 무단전재 및 재배포 금지</p>'
            "</div>"
            '<div class="Share_share__z8"><a href="/article/'
            f'{self.slugs[s.id]}/print">인쇄</a><a href="/tag/{quote("고양시")}">#고양시</a></div>'
            "</article>"
            '<aside class="Popular_popular__l2"><h2>많이 본 기사</h2><ul>'
            f"{self._cards(self.stories[:3], '?utm_source=popular&utm_medium=web')}</ul></aside>"
        )
        return self._shell(head, main)

    def static(self, kind: str) -> bytes:
        title, text = _static(self.title, kind)
        head = (
            f"<title>{title} | {self.title}</title>"
            f'<meta property="og:type" content="website"><meta property="og:title" content="{title}">'
        )
        paras = "".join(f"<p>{e(p)}</p>" for p in text)
        return self._shell(
            head, f'<section class="Static_page__w1"><h1>{title}</h1>{paras}</section>'
        )

    def listing(self, stories) -> bytes:
        head = f'<title>전체기사 | {self.title}</title><meta property="og:type" content="website">'
        return self._shell(head, f'<ul class="ArticleList_list__a0">{self._cards(stories)}</ul>')

    def static_paths(self) -> list[str]:
        return ["/about", "/privacy", "/terms"]

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path == "/robots.txt":
            text = f"User-agent: *\nDisallow: /search\nSitemap: {self.base}/sitemap.xml\n"
            return Page(text.encode(), "text/plain")
        if path == "/sitemap.xml":
            locs = [self.canonical_path(s) for s in self.stories] + self.static_paths()
            urls = "".join(f"<url><loc>{self.base}{p}</loc></url>" for p in locs)
            xml = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            return Page(xml.encode(), "application/xml")
        if path == "/":
            head = f'<title>{self.title}</title><meta property="og:type" content="website">'
            return Page(self._shell(head, f"<ul>{self._cards(self.stories)}</ul>"))
        if path == "/news":
            return Page(self.listing(self.stories))
        if path in ("/about", "/privacy", "/terms"):
            return Page(self.static(path[1:]))
        by_slug = {f"/article/{slug}": key for key, slug in self.slugs.items()}
        if path in by_slug:
            return Page(self.article(self.story(by_slug[path])))
        return NOT_FOUND


# -- bupyeong: gnuboard 5 --------------------------------------------------------------------


CATEGORIES = ("정치", "사회", "경제", "문화")


class Bupyeong(UnseenSite):
    name = "bupyeong"
    title = "부평뉴스"
    host = "127.0.0.62"
    stories = BUPYEONG

    def canonical_path(self, story: Story) -> str:
        return f"/bbs/board.php?bo_table=news&wr_id={story.id}"

    def _shell(self, title: str, content: str, canonical: str | None = None) -> bytes:
        link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
        return (
            '<!doctype html><html lang="ko"><head><meta charset="utf-8">'
            f"<title>{e(title)}</title>{link}"
            '<link rel="stylesheet" href="/theme/basic/css/default.css"></head><body>'
            '<div id="hd"><div id="logo"><a href="/">'
            f'<img src="/img/logo.png" alt="{self.title}"></a></div>'
            '<div class="hd_sch_wr"><form action="/bbs/search.php"><input name="stx"></form></div>'
            '<ul class="hd_login"><li><a href="/bbs/login.php">로그인</a></li>'
            '<li><a href="/bbs/register.php">회원가입</a></li></ul>'
            '<nav id="gnb"><ul><li><a href="/bbs/board.php?bo_table=news">뉴스</a></li>'
            + "".join(
                f'<li><a href="/bbs/board.php?bo_table=news&amp;sca={quote(c)}">{c}</a></li>'
                for c in CATEGORIES
            )
            + "</ul></nav></div>"
            f'<div id="wrapper"><div id="container">{content}</div></div>'
            '<div id="ft"><div id="ft_link"><a href="/bbs/content.php?co_id=company">회사소개</a>'
            '<a href="/bbs/content.php?co_id=privacy">개인정보처리방침</a>'
            '<a href="/bbs/content.php?co_id=provision">서비스이용약관</a></div>'
            f'<div id="ft_copy">Copyright © {self.title}. All rights reserved.</div></div>'
            "</body></html>"
        ).encode()

    def list_rows(self, stories, extra: str) -> str:
        return "".join(
            f'<tr><td class="td_num2">{s.id}</td><td class="td_subject"><div class="bo_tit">'
            f'<a href="/bbs/board.php?bo_table=news&amp;wr_id={s.id}{extra}">{e(s.title)}</a>'
            f'</div></td><td class="td_name sv_use"><span class="sv_member">{s.author}</span></td>'
            f'<td class="td_datetime">{s.published[5:10]}</td></tr>'
            for s in stories
        )

    def listing(self, query: dict[str, str]) -> bytes:
        page = int(query.get("page", "1") or 1)
        sca = query.get("sca")
        stories = [s for s in self.stories if not sca or s.section == sca]
        stories = sorted(stories, key=lambda s: s.published, reverse=True)
        chunk = stories[(page - 1) * 3 : page * 3]
        extra = (f"&amp;sca={quote(sca)}" if sca else "") + (
            f"&amp;page={page}" if page > 1 else ""
        )
        pages = (len(stories) + 2) // 3
        sca_q = f"&amp;sca={quote(sca)}" if sca else ""
        pager = "".join(
            f'<a href="/bbs/board.php?bo_table=news{sca_q}&amp;page={n}" class="pg_page">{n}</a>'
            for n in range(1, pages + 1)
        )
        content = (
            '<div id="bo_list"><div id="bo_cate"><ul id="bo_cate_ul">'
            '<li><a href="/bbs/board.php?bo_table=news">전체</a></li>'
            + "".join(
                f'<li><a href="/bbs/board.php?bo_table=news&amp;sca={quote(c)}">{c}</a></li>'
                for c in CATEGORIES
            )
            + '</ul></div><div class="tbl_head01 tbl_wrap"><table><caption>뉴스 목록</caption>'
            f"<tbody>{self.list_rows(chunk, extra)}</tbody></table></div>"
            f'<nav class="pg_wrap"><span class="pg">{pager}</span></nav></div>'
        )
        return self._shell(f"뉴스 {page} 페이지 | {self.title}", content)

    def article(self, s: Story) -> bytes:
        url = self.base + self.canonical_path(s)
        paras = s.paragraphs
        body = (
            f"<p>{e(paras[0])}</p>"
            f'<p><img src="/data/editor/2406/{s.id}.jpg" alt=""></p><p>△ {e(s.caption)}</p>'
            + "".join(f"<p>{e(p)}</p>" for p in paras[1:])
        )
        sub = f'<p class="bo_v_sub"><strong>{e(s.subtitle)}</strong></p>' if s.subtitle else ""
        content = (
            '<article id="bo_v" style="width:100%">'
            '<header><h2 id="bo_v_title">'
            f'<span class="bo_v_cate">{s.section}</span> <span class="bo_v_tit">{e(s.title)}</span>'
            f"</h2></header>{sub}"
            '<section id="bo_v_info"><h2>페이지 정보</h2><div class="profile_info">'
            f'<div class="profile_info_ct"><span class="sound_only">작성자</span> '
            f'<strong><span class="sv_member">{s.author}</span></strong>'
            f'<strong><i class="fa fa-clock-o"></i> {s.published[2:]}</strong></div></div>'
            '</section><section id="bo_v_atc"><h2 id="bo_v_atc_title">본문</h2>'
            f'<div id="bo_v_con">{body}<p>{s.author} 기자 {s.email}</p></div></section>'
            '<div id="bo_v_share"><a href="#" class="btn_share">공유</a></div>'
            '<ul class="bo_v_nb"><li><a href="/bbs/board.php?bo_table=news&amp;wr_id='
            f'{s.id + 1}">다음글</a></li></ul>'
            '<section id="bo_vc"><h2>댓글목록</h2><p id="bo_vc_empty">등록된 댓글이 없습니다.</p>'
            "</section></article>"
        )
        return self._shell(f"{s.title} > 뉴스 | {self.title}", content, canonical=url)

    def static(self, co_id: str) -> bytes:
        kind = {"company": "about", "privacy": "privacy", "provision": "terms"}[co_id]
        title, text = _static(self.title, kind)
        paras = "".join(f"<p>{e(p)}</p>" for p in text)
        content = f'<article id="ctt"><header><h1>{title}</h1></header><div id="ctt_con">{paras}</div></article>'
        return self._shell(f"{title} | {self.title}", content)

    def static_paths(self) -> list[str]:
        return [f"/bbs/content.php?co_id={c}" for c in ("company", "privacy", "provision")]

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path == "/robots.txt":
            return Page(b"User-agent: *\nDisallow: /adm/\n", "text/plain")
        if path in ("/", "/index.php"):
            # The front page shows notices only; the news is on the board and its pages.
            content = (
                '<div class="latest"><h2><a href="/bbs/board.php?bo_table=news">뉴스</a></h2>'
                '<p class="notice">부평뉴스 창간 15주년 독자 사은 행사 안내</p></div>'
            )
            return Page(self._shell(self.title, content))
        if path == "/bbs/board.php" and query.get("bo_table") == "news":
            key = query.get("wr_id")
            if key is None:
                return Page(self.listing(query))
            story = self.story(int(key)) if key.isdigit() else None
            return Page(self.article(story)) if story else NOT_FOUND
        if path == "/bbs/content.php" and query.get("co_id") in ("company", "privacy", "provision"):
            return Page(self.static(query["co_id"]))
        return NOT_FOUND


# -- ilsan-post: pretty URLs, also served at /?p=N -------------------------------------------


class IlsanPost(UnseenSite):
    name = "ilsan-post"
    title = "일산포스트"
    host = "127.0.0.63"
    stories = ILSAN_POST
    slugs: ClassVar[dict[int, str]] = {
        123: "고양시-축제",
        124: "백석동-요진-부지-합의",
        125: "애니골-골목형-상점가",
        126: "킨텍스-제3전시장",
        127: "주민자치회-전면-시행",
        128: "아람누리-리모델링",
    }
    statics: ClassVar[dict[str, str]] = {
        "회사소개": "about",
        "개인정보처리방침": "privacy",
        "오시는-길": "map",
    }

    def canonical_path(self, story: Story) -> str:
        return f"/news/{quote(self.slugs[story.id])}/"

    def _shell(self, title: str, content: str, head: str = "") -> bytes:
        nav = "".join(
            f'<li><a href="/section/{quote(c)}/">{c}</a></li>'
            for c in ("정치", "사회", "경제", "문화")
        )
        return (
            '<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">'
            f"<title>{e(title)}</title>{head}</head><body>"
            f'<div class="site-top"><a class="brand" href="/">{self.title}</a>'
            f'<ul class="menu">{nav}</ul><a href="/?s=">검색</a></div>'
            f'<div class="container"><div class="main-col">{content}</div>'
            '<div class="side-col"><div class="widget popular"><h3>많이 본 기사</h3><ol>'
            + "".join(f'<li><a href="/?p={s.id}">{e(s.title)}</a></li>' for s in self.stories[:4])
            + "</ol></div></div></div>"
            '<div class="site-foot">'
            + " ".join(f'<a href="/{quote(k)}/">{k.replace("-", " ")}</a>' for k in self.statics)
            + f"<p>© {self.title}</p></div></body></html>"
        ).encode()

    def article(self, s: Story) -> bytes:
        url = self.base + self.canonical_path(s)
        head = (
            f'<link rel="canonical" href="{url}">'
            f'<meta property="og:type" content="article"><meta property="og:url" content="{url}">'
            f'<meta property="og:title" content="{e(s.title)}">'
            f'<meta property="og:site_name" content="{self.title}">'
        )
        sub = f'<p class="post-deck">{e(s.subtitle)}</p>' if s.subtitle else ""
        paras = s.paragraphs
        body = (
            f'<p><img src="/files/2024/08/{s.id}.jpg" alt=""></p><p>[사진] {e(s.caption)}</p>'
            + "".join(f"<p>{e(p)}</p>" for p in paras)
        )
        content = (
            f'<div class="post-wrap"><div class="post-cat"><a href="/section/{quote(s.section)}/">'
            f"{s.section}</a></div>"
            f'<h1 class="post-headline">{e(s.title)}</h1>{sub}'
            f'<div class="post-meta">{s.author} 기자 · 승인 {_dotted(s.published)}</div>'
            f'<div class="post-text">{body}</div>'
            f'<div class="post-reporter">{s.author} 기자 {s.email}</div>'
            '<div class="post-tags"><a href="/tag/고양시/">#고양시</a></div>'
            "</div>"
        )
        return self._shell(f"{s.title} > 뉴스 | {self.title}", content, head)

    def listing(self, section: str | None) -> bytes:
        stories = [s for s in self.stories if section is None or s.section == section]
        items = "".join(
            f'<li class="list-item"><a href="{self.canonical_path(s)}">{e(s.title)}</a>'
            f"<span>{_dotted(s.published)[:10]}</span></li>"
            for s in stories
        )
        return self._shell(f"{section or '뉴스'} | {self.title}", f'<ul class="list">{items}</ul>')

    def static(self, slug: str) -> bytes:
        title, text = _static(self.title, self.statics[slug])
        paras = "".join(f"<p>{e(p)}</p>" for p in text)
        content = f'<div class="page-wrap"><h1 class="page-title">{title}</h1><div class="page-text">{paras}</div></div>'
        return self._shell(f"{title} | {self.title}", content)

    def static_paths(self) -> list[str]:
        return [f"/{quote(k)}/" for k in self.statics]

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path == "/robots.txt":
            text = f"User-agent: *\nSitemap: {self.base}/sitemap.xml\n"
            return Page(text.encode(), "text/plain")
        if path == "/sitemap.xml":
            locs = [self.canonical_path(s) for s in self.stories] + self.static_paths()
            urls = "".join(f"<url><loc>{self.base}{p}</loc></url>" for p in locs)
            xml = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            return Page(xml.encode(), "application/xml")
        if path == "/" and "p" in query:
            story = self.story(int(query["p"])) if query["p"].isdigit() else None
            return Page(self.article(story)) if story else NOT_FOUND
        if path == "/" and not query:
            return Page(self.listing(None))
        if path.startswith("/section/"):
            return Page(self.listing(path.split("/")[2]))
        by_slug = {f"/news/{slug}/": key for key, slug in self.slugs.items()}
        if path in by_slug:
            return Page(self.article(self.story(by_slug[path])))
        if path.strip("/") in self.statics:
            return Page(self.static(path.strip("/")))
        return NOT_FOUND


# -- hanbit: a 2000s table layout in CP949 ---------------------------------------------------


class Hanbit(UnseenSite):
    name = "hanbit"
    title = "충청한빛일보"
    host = "127.0.0.64"
    stories = HANBIT
    statics: ClassVar[dict[str, str]] = {
        "/company.html": "about",
        "/sub_about.html": "about",
        "/sub_privacy.html": "privacy",
        "/sub_youth.html": "youth",
        "/sub_map.html": "map",
    }
    content_type = "text/html; charset=euc-kr"

    def canonical_path(self, story: Story) -> str:
        return f"/news/news_view.php?no={story.id}"

    def _shell(self, title: str, content: str, head: str = "") -> bytes:
        menu = "".join(
            f'<td><a href="/news/news_list.php?section={n}"><font color="#ffffff">{c}</font></a></td>'
            for n, c in enumerate(("정치", "사회", "경제", "문화"), 1)
        )
        page = (
            '<html><head><meta http-equiv="Content-Type" content="text/html; charset=euc-kr">'
            f"<title>{e(title)}</title>{head}</head>"
            '<body leftmargin="0" topmargin="0"><center>'
            '<table width="900" border="0" cellpadding="0" cellspacing="0"><tr>'
            f'<td><a href="/"><img src="/img/top_logo.gif" border="0" alt="{self.title}"></a></td>'
            '<td align="right"><a href="/company.html">회사소개</a> | '
            '<a href="/member/login.php">로그인</a></td></tr></table>'
            f'<table width="900" bgcolor="#003366"><tr>{menu}</tr></table>'
            '<table width="900" border="0" cellpadding="0" cellspacing="0"><tr>'
            f'<td width="680" valign="top">{content}</td>'
            '<td width="220" valign="top" bgcolor="#f4f4f4">'
            '<table width="100%"><tr><td><b>많이 본 뉴스</b></td></tr>'
            + "".join(
                f'<tr><td><a href="{self.canonical_path(s)}">{e(s.title)}</a></td></tr>'
                for s in self.stories[:4]
            )
            + "</table></td></tr></table>"
            '<table width="900"><tr><td align="center"><font size="2" color="#666666">'
            '<a href="/company.html">회사소개</a> | <a href="/sub_about.html">신문사 소개</a> | '
            '<a href="/sub_privacy.html">개인정보처리방침</a> | '
            '<a href="/sub_youth.html">청소년보호정책</a> | <a href="/sub_map.html">오시는 길</a>'
            f"<br>Copyright ⓒ {self.title} All rights reserved.</font></td></tr></table>"
            "</center></body></html>"
        )
        return page.encode("cp949")

    def article(self, s: Story) -> bytes:
        url = self.base + self.canonical_path(s)
        sub = (
            f'<tr><td style="padding:4px 0"><font size="3" color="#555555">{e(s.subtitle)}</font>'
            "</td></tr>"
            if s.subtitle
            else ""
        )
        paras = "<br><br>\n".join(e(p) for p in s.paragraphs)
        content = (
            '<table width="100%" border="0" cellpadding="0" cellspacing="0">'
            f'<tr><td class="loc"><font size="2">홈 &gt; 뉴스 &gt; {s.section}</font></td></tr>'
            f'<tr><td style="padding:10px 0"><b><font size="5">{e(s.title)}</font></b></td></tr>'
            f"{sub}"
            f'<tr><td align="right"><font size="2" color="#888888">{s.author} 기자 | '
            f"기사입력 {s.published.replace('-', '/')}</font>"
            f' <a href="/news/news_print.php?no={s.id}">[인쇄]</a></td></tr>'
            '<tr><td style="padding:15px 0;line-height:160%"><font size="3">'
            '<table align="center" border="0"><tr><td>'
            f'<img src="/news/photo/{s.id}.jpg" width="400" border="0"></td></tr></table>'
            f"△ {e(s.caption)}<br><br>\n{paras}<br><br>\n"
            f"{s.author} 기자 {s.email}</font></td></tr>"
            "</table>"
        )
        head = f'<link rel="canonical" href="{url}">'
        return self._shell(f"{s.title} > 뉴스 | {self.title}", content, head)

    def listing(self, section: int, page: int) -> bytes:
        name = ("정치", "사회", "경제", "문화")[section - 1]
        stories = [s for s in self.stories if s.section == name]
        rows = "".join(
            f'<tr><td><a href="{self.canonical_path(s)}&amp;section={section}&amp;page={page}">'
            f"{e(s.title)}</a></td><td>{s.published[:10]}</td></tr>"
            for s in stories
        )
        return self._shell(f"{name} > 뉴스 | {self.title}", f'<table width="100%">{rows}</table>')

    def static(self, path: str) -> bytes:
        title, text = _static(self.title, self.statics[path])
        paras = "<br><br>".join(e(p) for p in text)
        content = (
            f'<table width="100%"><tr><td><b><font size="4">{title}</font></b></td></tr>'
            f'<tr><td style="line-height:160%"><font size="3">{paras}</font></td></tr></table>'
        )
        return self._shell(f"{title} | {self.title}", content)

    def static_paths(self) -> list[str]:
        return list(self.statics)

    def route(self, path: str, query: dict[str, str]) -> Page:
        if path == "/robots.txt":
            return NOT_FOUND  # a 2000s site has none
        if path in ("/", "/index.html"):
            rows = "".join(
                f'<tr><td><a href="{self.canonical_path(s)}"><b>{e(s.title)}</b></a><br>'
                f"<font size=2>{e(s.paragraphs[0])}</font></td></tr>"
                for s in self.stories
            )
            return Page(self._shell(self.title, f"<table>{rows}</table>"), self.content_type)
        if path == "/news/news_view.php":
            key = query.get("no", "")
            story = self.story(int(key)) if key.isdigit() else None
            return Page(self.article(story), self.content_type) if story else NOT_FOUND
        if path == "/news/news_list.php":
            section = int(query.get("section", "1") or 1)
            page = int(query.get("page", "1") or 1)
            if not 1 <= section <= 4:
                return NOT_FOUND
            return Page(self.listing(section, page), self.content_type)
        if path in self.statics:
            return Page(self.static(path), self.content_type)
        return NOT_FOUND


SITE_CLASSES: tuple[type[UnseenSite], ...] = (GoyangNow, Bupyeong, IlsanPost, Hanbit)


def page(site: UnseenSite, path_qs: str) -> Page:
    parts = urlsplit(path_qs)
    return site.route(unquote(parts.path), dict(parse_qsl(parts.query, keep_blank_values=True)))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        server = self.server
        server.requests.append((server.site.name, self.path))
        answer = page(server.site, self.path)
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, format, *args) -> None:
        pass


class UnseenSites:
    """The four sites, each on its own 127.0.0.6x host and an ephemeral port."""

    def __init__(self, names: tuple[str, ...] | None = None) -> None:
        self._classes = [c for c in SITE_CLASSES if names is None or c.name in names]
        self.servers: list[ThreadingHTTPServer] = []
        self.site_objects: list[UnseenSite] = []
        self.requests: list[tuple[str, str]] = []

    def __enter__(self) -> Self:
        for cls in self._classes:
            server = ThreadingHTTPServer((cls.host, 0), _Handler)
            server.daemon_threads = True
            site = cls()
            site.host = f"{cls.host}:{server.server_address[1]}"
            site.base = f"http://{site.host}"
            server.site, server.requests = site, self.requests
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)
            self.site_objects.append(site)
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()

    @property
    def sites(self) -> list[dict[str, str]]:
        return [{"name": s.name, "home": s.base + "/"} for s in self.site_objects]

    @property
    def expected(self) -> list[dict]:
        return [record for s in self.site_objects for record in s.expected()]

    def static_urls(self) -> list[str]:
        return [s.base + p for s in self.site_objects for p in s.static_paths()]


# -- the XE layout, for a fixture only -------------------------------------------------------


def xe_page(s: Story = GIMPO_XE, base: str = "http://www.gimpomirae.kr") -> tuple[str, bytes]:
    url = f"{base}/index.php?mid=news&document_srl={s.id}"
    paras = "".join(f"<p>{e(p)}</p>" for p in s.paragraphs)
    body = (
        f'<p style="text-align:center"><img src="{base}/files/attach/images/{s.id}.jpg" alt=""></p>'
        f'<p style="text-align:center">[사진] {e(s.caption)}</p>{paras}'
        f"<p>{s.author} 기자 {s.email}</p>"
    )
    doc = (
        '<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">'
        f"<title>{e(s.title)} - 뉴스 - 김포미래신문</title>"
        f'<link rel="canonical" href="{url}">'
        '<meta name="generator" content="Rhymix"><link rel="stylesheet" '
        'href="/common/css/rhymix.scss"></head><body>'
        '<div id="header"><h1 class="logo"><a href="/">김포미래신문</a></h1>'
        '<ul class="gnb"><li><a href="/index.php?mid=news">뉴스</a></li>'
        '<li><a href="/index.php?mid=opinion">오피니언</a></li></ul></div>'
        '<div id="content"><div class="board"><div class="read_header">'
        f'<span class="category">{s.section}</span>'
        f'<h1><a href="{url}">{e(s.title)}</a></h1>'
        f'<p class="sub_title">{e(s.subtitle)}</p>'
        f'<p class="meta"><a href="#" class="member_4">{s.author}</a>'
        f'<span class="date">{_dotted(s.published)}</span><span class="read">조회 수 312</span></p>'
        f'</div><div class="read_body"><div class="document_{s.id}_4 xe_content">{body}</div></div>'
        '<div class="read_footer"><div class="tns"><a class="document_print" href="#">인쇄</a>'
        "</div></div>"
        '<div class="feedback"><div class="fbHeader"><h2>댓글 0</h2></div></div>'
        "</div></div>"
        '<div id="footer"><a href="/index.php?mid=about">회사소개</a> '
        '<a href="/index.php?mid=privacy">개인정보처리방침</a><p>© 김포미래신문</p></div>'
        "</body></html>"
    )
    return url, doc.encode()
