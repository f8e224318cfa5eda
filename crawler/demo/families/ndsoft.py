"""엔디소프트 "뉴스 솔루션" (NDSoft): articleView.html?idxno=N, articleList.html, /rss/*.xml."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import ClassVar
from urllib.parse import quote

from crawler.demo.content import Article, Site
from crawler.demo.families.base import (
    Family,
    Response,
    View,
    article_id,
    esc,
    figure_positions,
    newest_change,
    page_number,
    paginate,
    rss,
)

# A deleted article: still in every "관련기사" box and in the cached RSS feed, never served.
DEAD_IDXNO = 10399
DEAD_TITLE = "[포토] 가을 햇살 아래 호수공원 산책"


def _stamp(text: str) -> str:
    return text.replace("-", ".")  # "2026-11-02 10:31" -> "2026.11.02 10:31"


class NDSoft(Family):
    name = "ndsoft"
    static_pages: ClassVar[dict[str, str]] = {"/com/company.html": "회사소개"}

    query_order = ("sc_section_code", "sc_area", "sc_word", "view_type", "page")

    def article_path(self, site: Site, article: Article) -> str:
        return f"/news/articleView.html?idxno={article.id}"

    def image_path(self, site: Site, article: Article, index: int) -> str:
        month = article.published[:7].replace("-", "")
        return f"/news/photo/{month}/{article.id}_{2200 + article.id % 97 * 3 + index}_{index + 1}31.jpg"

    def list_path(
        self, section: str | None = None, page: int = 1, word: str | None = None, area: str = "I"
    ) -> str:
        """A list page: a section, all articles, or a tag (area I) / search (area A) result."""
        if word is not None:
            query = f"sc_area={area}&sc_word={quote(word)}&"
        else:
            query = f"sc_section_code={section}&" if section else ""
        return f"/news/articleList.html?{query}view_type=sm" + (f"&page={page}" if page > 1 else "")

    def list_page(self, page: int, **where: str) -> str:
        return self.list_path(page=page, **where)

    def robots(self, view: View) -> str:
        return (
            "User-agent: *\n"
            "Disallow: /admin/\n"
            "Disallow: /member/\n"
            "Disallow: /news/articlePrint.html\n"
            "Disallow: /news/articleEmail.html\n"
            "Disallow: /news/articleList.html?sc_area=A\n"
        )

    # -- page parts ---------------------------------------------------------------------------

    def head(self, view: View, title: str, extra: str = "") -> str:
        site = view.site
        return (
            '<!DOCTYPE html>\n<html lang="ko">\n<head>\n<meta charset="utf-8">\n'
            '<meta http-equiv="X-UA-Compatible" content="IE=edge">\n'
            '<meta name="viewport" content="width=device-width,initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n{extra}"
            f'<link rel="alternate" type="application/rss+xml" title="{esc(site.display)} 전체기사" '
            f'href="{view.absolute("/rss/allArticle.xml")}">\n'
            '<link rel="stylesheet" href="/css/layout.css?v=20261020">\n'
            "</head>\n"
        )

    def masthead(self, view: View) -> str:
        nav = "".join(
            f'<li><a href="{esc(self.list_path(code))}">{esc(name)}</a></li>'
            for code, name in view.site.sections.items()
        )
        return (
            '<body>\n<div id="user-wrap" class="user-wrap">\n<header id="user-header" class="user-header">'
            '<div class="header-top"><ul class="auto-util"><li><a href="/member/login.html">로그인</a></li>'
            '<li><a href="/member/join.html">회원가입</a></li></ul></div>'
            f'<h1 class="logo"><a href="/"><img src="/image/logo/toplogo.png" alt="{esc(view.site.display)}"></a></h1>'
            '<form class="search-form" action="/news/articleList.html" method="get">'
            '<input type="hidden" name="sc_area" value="A"><input type="hidden" name="view_type" value="sm">'
            '<input type="text" name="sc_word" title="검색어 입력"><button type="submit">검색</button></form>'
            f'<nav id="user-gnb" class="user-gnb"><ul class="gnb-menu">'
            f'<li><a href="{esc(self.list_path())}">전체기사</a></li>{nav}</ul></nav>'
            "</header>\n"
        )

    def footer(self, view: View) -> str:
        site = view.site
        return (
            '<footer id="user-footer" class="user-footer"><div class="footer-menu">'
            '<a href="/com/company.html">회사소개</a> <a href="/member/privacy.html">개인정보처리방침</a> '
            '<a href="/member/youth.html">청소년보호정책</a></div>'
            f'<address class="address">{esc(site.display)} | 경기도 고양시 일산동구 중앙로 1275 | '
            f"대표전화 031-900-1234 | 등록번호 경기 아 01234 | 발행·편집인 김한강</address>"
            f'<div class="copyright">Copyright © 2026 {esc(site.display)}. All rights reserved. '
            f"mail to news@{esc(site.domain)}</div></footer>\n</div>\n</body>\n</html>\n"
        )

    def popular(self, view: View, exclude: int | None = None) -> str:
        items = [a for a in view.articles if a.id != exclude][:5]
        rows = "".join(
            f'<li class="item"><a href="{esc(self.article_path(view.site, a))}">'
            f'<em class="number">{n}</em><span class="auto-titles">{esc(a.title)}</span></a></li>'
            for n, a in enumerate(items, 1)
        )
        return (
            '<aside class="aside-box"><article class="box-skin design-2">'
            '<header class="header"><h2 class="title">많이 본 뉴스</h2></header>'
            f'<section class="content"><ul class="auto-article">{rows}</ul></section></article></aside>\n'
        )

    # -- article ------------------------------------------------------------------------------

    def render_article(self, view: View, article: Article) -> str:
        site = view.site
        section = site.sections[article.section]
        url = view.absolute(self.article_path(site, article))
        images = self.image_paths(site, article)
        meta = (
            f'<meta name="description" content="{esc(article.paragraphs[0][:150])}">\n'
            '<meta property="og:type" content="article">\n'
            f'<meta property="og:site_name" content="{esc(site.display)}">\n'
            f'<meta property="og:title" content="{esc(article.title)} - {esc(site.display)}">\n'
            f'<meta property="og:url" content="{esc(url)}">\n'
            + (
                f'<meta property="og:image" content="{esc(view.absolute(images[0]))}">\n'
                if images
                else ""
            )
            + f'<meta property="article:section" content="{esc(section)}">\n'
            f'<meta property="article:published_time" content="{article.published_at.isoformat()}">\n'
            + (
                f'<meta property="article:modified_time" content="{article.updated_at.isoformat()}">\n'
                if article.updated_at
                else ""
            )
            + f'<link rel="canonical" href="{esc(url)}">\n'
        )
        info = [
            f'<li><i class="icon-user-o"></i> {esc(article.author)} {esc(article.role)}</li>',
            f'<li><i class="icon-clock-o"></i> 입력 {_stamp(article.published)}</li>',
        ]
        if article.updated:
            info.append(f'<li><i class="icon-clock-o"></i> 수정 {_stamp(article.updated)}</li>')
        info.append('<li><i class="icon-comment-o"></i> 댓글 0</li>')
        share = (
            '<div class="share-btns"><ul class="share">'
            '<li><button type="button" class="btns facebook" title="페이스북">페이스북</button></li>'
            '<li><button type="button" class="btns twitter" title="엑스(트위터)">엑스(트위터)</button></li>'
            '<li><button type="button" class="btns kakaotalk" title="카카오톡">카카오톡</button></li>'
            '<li><button type="button" class="btns url" title="URL복사">URL복사</button></li></ul>'
            '<ul class="option"><li><button type="button" class="btns fontsize">글씨키우기</button></li>'
            f'<li><a href="/news/articlePrint.html?idxno={article.id}" class="btns print" '
            'target="_blank">프린트</a></li>'
            f'<li><a href="/news/articleEmail.html?idxno={article.id}" class="btns email">기사'
            "메일보내기</a></li></ul></div>"
        )
        header = (
            '<header class="article-view-header">'
            f'<nav class="breadcrumbs"><a href="/">홈</a> <a href="{esc(self.list_path(article.section))}">'
            f"{esc(section)}</a></nav>"
            f'<h3 class="heading">{esc(article.title)}</h3>'
            + (f'<h4 class="subheading">{esc(article.subtitle)}</h4>' if article.subtitle else "")
            + f'<article class="info-group"><ul class="infomation">{"".join(info)}</ul></article>'
            + share
            + "</header>\n"
        )
        figures = figure_positions(article)
        body = []
        for i, para in enumerate(article.deck + article.paragraphs):
            for n in figures.get(i - len(article.deck), []) if i >= len(article.deck) else []:
                body.append(
                    '<figure class="photo-layout image photo-center" style="display:table;">'
                    f'<img src="{esc(images[n])}" alt="{esc(article.photos[n].caption)}">'
                    f"<figcaption>{esc(article.photos[n].caption)}</figcaption></figure>"
                )
            body.append(f"<p>{esc(para)}</p>")
        writer = (
            '<article class="writer"><div class="profile"><img src="/image/reporter/'
            f'{article.id % 7}.jpg" alt=""></div><div class="info">'
            f'<strong class="name">{esc(article.author)} {esc(article.role)}</strong>'
            + (
                f'<a href="mailto:{esc(article.email)}" class="mail">{esc(article.email)}</a>'
                if article.email
                else ""
            )
            + '<a href="/news/articleList.html?sc_area=I&amp;view_type=sm" class="more">다른기사 보기</a>'
            "</div></article>"
        )
        tags = "".join(
            f'<li><a href="/news/articleList.html?sc_area=I&amp;sc_word={esc(quote(t))}'
            f'&amp;view_type=sm" class="tag">#{esc(t)}</a></li>'
            for t in article.tags
        )
        related = [a for a in view.in_section(article.section) if a.id != article.id][:3]
        related_rows = (
            "".join(
                f'<li><a href="{esc(self.article_path(site, a))}">{esc(a.title)}</a></li>'
                for a in related
            )
            + f'<li><a href="/news/articleView.html?idxno={DEAD_IDXNO}">{DEAD_TITLE}</a></li>'
        )
        page = (
            self.head(view, f"{article.title} - {site.display}", meta)
            + self.masthead(view)
            + '<div id="user-container" class="user-container"><div class="user-content">\n'
            + '<section class="article-view">'
            + header
            + '<article class="grid body"><div class="article-body">\n'
            '<article id="article-view-content-div" class="article-veiw-body view-page font-size17" '
            'itemprop="articleBody">\n'
            + "\n".join(body)
            + "\n</article>\n"
            + writer
            + f'<div class="view-copyright">저작권자 © {esc(site.display)} 무단전재 및 재배포 금지</div>\n'
            + (f'<div class="tag-group"><ul class="tag">{tags}</ul></div>' if tags else "")
            + '<div class="view-editors"><button type="button" class="btns like">좋아요 0</button>'
            '<button type="button" class="btns hate">싫어요 0</button></div>'
            + '<article class="relation"><header class="header"><h2 class="title">관련기사</h2></header>'
            f'<ul class="links">{related_rows}</ul></article>\n'
            + '<div id="article-view-comment" class="comment-area"><h3 class="title">댓글</h3>'
            '<p class="notice">댓글을 작성하려면 로그인해 주세요.</p>'
            '<form method="post" action="/news/comment.php"><textarea name="comment" '
            'placeholder="타인의 권리를 침해하거나 명예를 훼손하는 댓글은 운영원칙에 따라 제재를 받을 수 있습니다.">'
            '</textarea><button type="submit">등록</button></form><p class="empty">'
            "등록된 댓글이 없습니다.</p></div>\n"
            + "</div></article></section>\n"
            + self.popular(view, article.id)
            + "</div></div>\n"
            + self.footer(view)
        )
        return page

    # -- lists, feeds, print --------------------------------------------------------------------

    def render_list(
        self,
        view: View,
        heading: str,
        items: list[Article],
        page: int,
        link_for_page: Callable[[int], str],
    ) -> tuple[str, int]:
        shown, pages = paginate(items, page)
        rows = []
        for a in shown:
            images = self.image_paths(view.site, a)
            thumb = (
                f'<a href="{esc(self.article_path(view.site, a))}" class="thumb">'
                f'<img src="{esc(images[0])}" alt=""></a>'
                if images
                else ""
            )
            rows.append(
                f'<li>{thumb}<div class="view-cont"><h4 class="titles">'
                f'<a href="{esc(self.article_path(view.site, a))}">{esc(a.title)}</a></h4>'
                f'<p class="lead line-6x2"><a href="{esc(self.article_path(view.site, a))}">'
                f"{esc(a.paragraphs[0][:90])}…</a></p>"
                f'<span class="byline"><em>{esc(view.site.sections[a.section])}</em>'
                f"<em>{esc(a.author)} {esc(a.role)}</em><em>{_stamp(a.published)}</em></span></div></li>"
            )
        nav = "".join(
            f'<li class="pagination-page{" current" if n == page else ""}">'
            f'<a href="{esc(link_for_page(n))}">{n}</a></li>'
            for n in range(1, pages + 1)
        )
        if page < pages:
            nav += f'<li class="pagination-next"><a href="{esc(link_for_page(page + 1))}">다음</a></li>'
        markup = (
            self.head(view, f"{heading} - {view.site.display}")
            + self.masthead(view)
            + '<div id="user-container" class="user-container"><div class="user-content">'
            f'<section class="article-list"><header class="article-list-header"><h3 class="heading">'
            f'{esc(heading)}</h3><span class="total">총 {len(items)}건의 기사가 있습니다.</span></header>'
            f'<section id="section-list" class="section-body"><ul class="type2">{"".join(rows)}</ul>'
            f'</section><ul class="pagination">{nav}</ul></section>'
            + self.popular(view)
            + "</div></div>\n"
            + self.footer(view)
        )
        return markup, pages

    def handle(self, view: View, path: str, query: dict[str, str]) -> Response | None:
        site = view.site
        if path in ("/", "/index.html"):
            markup, _ = self.render_list(view, "주요뉴스", view.articles, 1, self.list_page)
            return self.html(markup, newest_change(view.articles))
        if path == "/news/articleView.html":
            article = view.article(article_id(query.get("idxno")))
            return (
                self.html(self.render_article(view, article), article.last_change)
                if article
                else None
            )
        if path == "/news/articlePrint.html":
            article = view.article(article_id(query.get("idxno")))
            if not article:
                return None
            paras = "".join(f"<p>{esc(p)}</p>" for p in article.deck + article.paragraphs)
            return self.html(
                self.head(view, f"{article.title} - {site.display}")
                + f'<body class="print"><h1>{esc(article.title)}</h1>'
                f'<div class="info">{esc(article.author)} {esc(article.role)} | 입력 {_stamp(article.published)}</div>'
                f'<div id="article-view-content-div">{paras}</div>'
                "<script>window.print();</script></body></html>\n"
            )
        if path == "/news/articleList.html":
            return self.handle_list(view, query)
        if path == "/rss/allArticle.xml":
            items = [(a, view.absolute(self.article_path(site, a))) for a in view.articles[:20]]
            gone = view.absolute(f"/news/articleView.html?idxno={DEAD_IDXNO}")
            return rss(
                view,
                f"{site.display} 전체기사",
                view.absolute("/"),
                items,
                deleted=((DEAD_TITLE, gone),),
            )
        if path.startswith("/rss/") and path.endswith(".xml"):
            code = path[len("/rss/") : -len(".xml")]
            if code not in site.sections:
                return None
            items = [(a, view.absolute(self.article_path(site, a))) for a in view.in_section(code)]
            return rss(
                view,
                f"{site.display} {site.sections[code]}",
                view.absolute(self.list_path(code)),
                items,
            )
        return None

    def handle_list(self, view: View, query: dict[str, str]) -> Response | None:
        page = page_number(query)
        word = query.get("sc_word")
        code = query.get("sc_section_code")
        link: Callable[[int], str]
        if word is not None:
            items = [
                a
                for a in view.articles
                if word in a.tags or (query.get("sc_area") == "A" and word in a.title)
            ]
            heading = f"'{word}' 검색결과"
            link = partial(self.list_page, word=word, area=query.get("sc_area", "I"))
        elif code:
            if code not in view.site.sections:
                return None
            items, heading = view.in_section(code), view.site.sections[code]
            link = partial(self.list_page, section=code)
        else:
            items, heading, link = view.articles, "전체기사", self.list_page
        markup, pages = self.render_list(view, heading, items, page, link)
        if page > pages:
            return None
        return self.html(markup, newest_change(items))


FAMILY = NDSoft()
