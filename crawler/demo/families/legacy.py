"""The old table-and-font CMS: sub_read.html?uid=N&section=scN, list.html, served as "euc-kr".

The headers and <meta> say euc-kr but the bytes are CP949 (its superset), as on the real sites:
syllables such as 똠 and 뷁 only exist in CP949. The article page carries every kind of
boilerplate of /work/shared/samples/seed_page_text.txt in the same order.
"""

from __future__ import annotations

from typing import ClassVar

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
)

# A deleted article, still linked from related boxes and the cached "많이 본 기사" list.
DEAD_UID = 1999
DEAD_TITLE = "[기고] 우리 동네 골목길을 걷다"


def _stamp(text: str) -> str:
    day, clock = text.split(" ")
    return f"{day.replace('-', '/')} [{clock}]"  # "2017/07/09 [14:18]"


class Legacy(Family):
    name = "legacy"
    static_pages: ClassVar[dict[str, str]] = {
        "/sub_html.html?id=company": "회사소개",
        "/sub_html.html?id=privacy": "개인정보취급방침",
        "/sub_html.html?id=ad": "광고문의",
    }
    charset = "cp949"
    declared_charset = "euc-kr"

    query_order = ("uid", "section", "page")

    def article_path(self, site: Site, article: Article) -> str:
        return f"/sub_read.html?uid={article.id}&section={article.section}"

    def image_path(self, site: Site, article: Article, index: int) -> str:
        stamp = article.published.replace("-", "").replace(" ", "").replace(":", "")
        return f"/imgdata/{site.domain.split('.')[0]}_co_kr/{stamp[:6]}/{stamp}{index + 1:02d}.jpg"

    def list_path(self, section: str, page: int = 1) -> str:
        return f"/list.html?section={section}" + (f"&page={page}" if page > 1 else "")

    def robots(self, view: View) -> str:
        return (
            "User-agent: *\n"
            "Disallow: /admin/\n"
            "Disallow: /search.html\n"
            "Disallow: /print.html\n"
            "Disallow: /bbs/\n"
        )

    # -- page parts ---------------------------------------------------------------------------

    def top(self, view: View, title: str, og: str = "") -> str:
        site = view.site
        menu = "".join(
            f'<td class="menu"><a href="{esc(self.list_path(code))}"><font class="menu_txt">'
            f"{esc(name)}</font></a></td>"
            for code, name in site.sections.items()
        )
        return (
            '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n<html>\n<head>\n'
            '<meta charset="euc-kr">\n'
            f"<title>{esc(title)}</title>\n{og}"
            '<link rel="stylesheet" type="text/css" href="/css/style.css">\n'
            '<script type="text/javascript" src="/js/common.js"></script>\n</head>\n'
            '<body leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">\n'
            '<table width="980" border="0" cellspacing="0" cellpadding="0" align="center">\n'
            '<tr><td class="top_util"><a href="/bbs/login.html">로그인</a> | '
            '<a href="/bbs/join.html">회원가입</a> | <a href="/admin/">관리자</a></td></tr>\n'
            f'<tr><td class="logo" height="90"><a href="/"><font size="6" color="#003399"><b>'
            f"{esc(site.display)}</b></font></a></td></tr>\n"
            f'<tr><td><table border="0" cellspacing="0" cellpadding="0"><tr>{menu}'
            '<td class="search"><form name="search" method="get" action="/search.html">'
            '<input type="text" name="keyword" size="12"><input type="submit" value="검색">'
            "</form></td></tr></table></td></tr>\n</table>\n"
        )

    def bottom(self, view: View) -> str:
        site = view.site
        return (
            '<table width="980" border="0" cellspacing="0" cellpadding="0" align="center">'
            '<tr><td class="copy"><a href="/sub_html.html?id=company">회사소개</a> | '
            '<a href="/sub_html.html?id=privacy">개인정보취급방침</a> | '
            '<a href="/sub_html.html?id=ad">광고문의</a><br>'
            f"{esc(site.display)} | 경기도 고양시 덕양구 화정로 55, 3층 | 대표전화 031-969-0000 | "
            f"등록일 2009년 3월 | 발행인·편집인 한명식<br>"
            f"Copyright ⓒ {esc(site.display)}. All rights reserved.</td></tr></table>\n"
            "</body>\n</html>\n"
        )

    def popular(self, view: View, exclude: int | None = None) -> str:
        items = [a for a in view.articles if a.id != exclude][:5]
        rows = "".join(
            f'<tr><td class="best_list"><font color="#ff6600"><b>{n}</b></font> '
            f'<a href="{esc(self.article_path(view.site, a))}">{esc(a.title)}</a></td></tr>'
            for n, a in enumerate(items, 1)
        )
        rows += (
            f'<tr><td class="best_list"><font color="#ff6600"><b>{len(items) + 1}</b></font> '
            f'<a href="/sub_read.html?uid={DEAD_UID}&amp;section=sc2">{DEAD_TITLE}</a></td></tr>'
        )
        return (
            '<table width="260" border="0" cellspacing="0" cellpadding="0" class="best">'
            '<tr><td class="best_title"><b>많이 본 기사</b></td></tr>'
            f"{rows}</table>\n"
        )

    def carousel(self, view: View, exclude: int) -> str:
        with_photo = [a for a in view.articles if a.photos and a.id != exclude][:2]
        if not with_photo:
            return ""
        first = with_photo[0]
        img = self.image_path(view.site, first, 0)
        return (
            '<table width="260" border="0" cellspacing="0" cellpadding="0" class="photo_box">'
            '<tr><td class="photo_title"><b>포토</b></td></tr>'
            '<tr><td class="photo_label">메인사진</td></tr>'
            f'<tr><td><a href="{esc(self.article_path(view.site, first))}"><img src="{esc(img)}" '
            'width="250" height="170" border="0" alt=""></a></td></tr>'
            f'<tr><td class="photo_txt"><a href="{esc(self.article_path(view.site, first))}">'
            f"{esc(first.title)}</a></td></tr>"
            f'<tr><td class="photo_num">1/{len(with_photo)}</td></tr></table>\n'
        )

    def title_block(self, article: Article, stamp: str) -> str:
        return (
            f'<tr><td class="news_title"><font size="5"><b>{esc(article.title)}</b></font></td></tr>'
            + (
                f'<tr><td class="news_subtitle"><font size="3" color="#555555">{esc(article.subtitle)}'
                "</font></td></tr>"
                if article.subtitle
                else ""
            )
            + f'<tr><td class="news_writer"><font size="2">{esc(article.author)} {esc(article.role)}'
            f" | {stamp}</font></td></tr>"
        )

    def photo(self, view: View, article: Article, n: int) -> str:
        return (
            '<table border="0" cellspacing="0" cellpadding="0" align="center" class="news_photo">'
            f'<tr><td><img src="{esc(self.image_path(view.site, article, n))}" width="500" border="0">'
            f'</td></tr><tr><td class="news_photo_txt"><font size="2" color="#666666">'
            f"{esc(article.photos[n].caption)}</font></td></tr></table>\n"
        )

    # -- article ------------------------------------------------------------------------------

    def render_article(self, view: View, article: Article) -> str:
        site = view.site
        section = site.sections[article.section]
        og = (
            f'<meta property="og:title" content="{esc(article.title)}">\n'
            f'<meta property="og:url" content="{esc(view.absolute(self.article_path(site, article)))}">\n'
        )
        first_stamp = f"기사입력 {_stamp(article.published)}"
        if article.updated:
            first_stamp += f" | 최종편집 {_stamp(article.updated)}"
        figures = figure_positions(article)
        lead_photos = figures.pop(0, [])
        chunks = [self.photo(view, article, n) for n in lead_photos]
        if article.deck:
            chunks.append(
                "".join(
                    f'<font color="#0066cc"><b>{esc(line)}</b></font><br>\n'
                    for line in article.deck
                )
                + "<br>&nbsp;<br>\n"
            )
        for i, para in enumerate(article.paragraphs):
            for n in figures.get(i, []):
                chunks.append(self.photo(view, article, n))
            # Old editors pad paragraphs with NBSPs and double spaces; normalisation cleans it.
            text = esc(para).replace(". ", ".  ", 1)
            chunks.append(("&nbsp;" if i % 2 else "") + text + " <br>\n<br>\n")
        reporter = f"{esc(article.author)} {esc(article.role)}"
        if article.email:
            reporter += f' <a href="mailto:{esc(article.email)}">{esc(article.email)}</a>'
        related = [a for a in view.in_section(article.section) if a.id != article.id][:2]
        related_rows = "".join(
            f'<tr><td>· <a href="{esc(self.article_path(site, a))}">{esc(a.title)}</a></td></tr>'
            for a in related
        ) + (
            f'<tr><td>· <a href="/sub_read.html?uid={DEAD_UID}&amp;section={article.section}">'
            f"{DEAD_TITLE}</a></td></tr>"
        )
        return (
            self.top(view, f"{site.display}", og)
            + '<table width="980" border="0" cellspacing="0" cellpadding="0" align="center"><tr>'
            '<td width="700" valign="top">\n'
            f'<table width="100%" class="location"><tr><td>HOME &gt; <a href="{esc(self.list_path(article.section))}">'
            f"{esc(section)}</a></td></tr></table>\n"
            '<table width="100%" border="0" cellspacing="0" cellpadding="0" class="news_head">'
            + self.title_block(article, first_stamp)
            + '</table>\n<table width="100%" class="news_tool"><tr><td align="right">'
            f'<a href="/print.html?uid={article.id}" target="_blank"><img src="/img/btn_print.gif" '
            'alt="프린트" border="0"></a> <a href="javascript:fontPlus();">'
            '<img src="/img/btn_plus.gif" alt="글자크게" border="0"></a> '
            '<a href="javascript:sendSns(\'facebook\');"><img src="/img/sns_facebook.gif" alt="페이스북" '
            'border="0"></a> <a href="javascript:sendSns(\'kakao\');"><img src="/img/sns_kakao.gif" '
            'alt="카카오스토리" border="0"></a></td></tr></table>\n'
            '<table width="100%" border="0" cellspacing="0" cellpadding="0" class="news_body">'
            + self.title_block(article, f"입력 : {_stamp(article.published)}")
            + '<tr><td class="news_text"><div id="news_body_area" style="line-height:160%;">\n'
            + "".join(chunks)
            + "</div></td></tr>\n"
            f'<tr><td class="news_reporter">{reporter}</td></tr>\n'
            f'<tr><td class="news_copyright"><font size="2">ⓒ {esc(site.display)} &amp; '
            f"{esc(site.domain)} 무단전재 및 재배포 금지</font></td></tr>\n"
            f'<tr><td class="news_more"><a href="/list.html?section={article.section}">'
            f"{esc(article.author)} {esc(article.role)}의 다른기사 보기</a></td></tr>\n"
            "</table>\n"
            f'<table width="100%" class="news_related"><tr><td><b>이 기사 좋아요</b></td></tr>{related_rows}'
            "</table>\n"
            '<form name="comment" method="post" action="/bbs/comment_ok.html">'
            '<table width="100%" class="comment"><tr><td><b>의견쓰기</b></td></tr>'
            '<tr><td>이름 <input type="text" name="name"> 비밀번호 <input type="password" name="pw">'
            '</td></tr><tr><td><textarea name="memo" rows="4" cols="80"></textarea></td></tr>'
            '<tr><td><ul class="spam"><li><img src="/bbs/zmSpamFree.php?re&amp;zsfimg" '
            'alt="도배방지 이미지">도배방지 이미지</li></ul>'
            '<input type="text" name="zsfCode" size="6"> <input type="submit" value="등록"></td></tr>'
            "</table></form>\n"
            '</td><td width="20"></td><td width="260" valign="top">\n'
            + self.carousel(view, article.id)
            + self.popular(view, article.id)
            + "</td></tr></table>\n"
            + self.bottom(view)
        )

    # -- lists --------------------------------------------------------------------------------

    def render_list(
        self, view: View, section: str | None, items: list[Article], page: int
    ) -> tuple[str, int]:
        shown, pages = paginate(items, page)
        heading = view.site.sections[section] if section else "최신기사"
        rows = "".join(
            f'<tr><td class="list_title"><a href="{esc(self.article_path(view.site, a))}">'
            f"<b>{esc(a.title)}</b></a></td></tr>"
            f'<tr><td class="list_txt">{esc(a.paragraphs[0][:80])}...</td></tr>'
            f'<tr><td class="list_date"><font size="1">{esc(a.author)} {esc(a.role)} | '
            f"{_stamp(a.published)}</font></td></tr>"
            for a in shown
        )
        nav = ""
        if section:
            nav = " ".join(
                f"<b>[{n}]</b>"
                if n == page
                else f'<a href="{esc(self.list_path(section, n))}">[{n}]</a>'
                for n in range(1, pages + 1)
            )
        markup = (
            self.top(view, view.site.display)
            + '<table width="980" border="0" cellspacing="0" cellpadding="0" align="center"><tr>'
            f'<td width="700" valign="top"><table width="100%" class="list"><tr><td class="list_head">'
            f"<b>{esc(heading)}</b></td></tr>{rows}</table>"
            f'<table width="100%"><tr><td align="center" class="paging">{nav}</td></tr></table>'
            '</td><td width="20"></td><td width="260" valign="top">'
            + self.popular(view)
            + "</td></tr></table>\n"
            + self.bottom(view)
        )
        return markup, pages

    def handle(self, view: View, path: str, query: dict[str, str]) -> Response | None:
        site = view.site
        if path in ("/", "/index.html"):
            markup, _ = self.render_list(view, None, view.articles[:8], 1)
            return self.html(markup, newest_change(view.articles))
        if path == "/sub_read.html":
            article = view.article(article_id(query.get("uid")))
            # Like the real CMS, the section parameter is decoration: any value serves the article.
            if article is None:
                return None
            return self.html(self.render_article(view, article), article.last_change)
        if path == "/list.html":
            section = query.get("section", "")
            if section not in site.sections:
                return None
            items = view.in_section(section)
            page = page_number(query)
            markup, pages = self.render_list(view, section, items, page)
            return self.html(markup, newest_change(items)) if page <= pages else None
        if path == "/print.html":
            article = view.article(article_id(query.get("uid")))
            if article is None:
                return None
            text = "<br><br>".join(esc(p) for p in article.deck + article.paragraphs)
            return self.html(
                f'<html><head><meta charset="euc-kr"><title>{esc(site.display)}</title></head>'
                f'<body onload="window.print()"><b>{esc(article.title)}</b><br>{text}</body></html>\n'
            )
        return None


FAMILY = Legacy()
