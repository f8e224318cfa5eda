"""A modern headless-CMS news site: JSON-LD NewsArticle, Open Graph, clean URLs, Google News sitemap."""

from __future__ import annotations

import json
from urllib.parse import quote, unquote

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
    sitemap_index,
    text_response,
    urlset,
)

# A deleted article: linked from the related box and still in the cached news sitemap.
DEAD_PATH = "/news/society/20260915/2990"
DEAD_TITLE = "추석 귀성길 정체 구간 안내"


def _stamp(text: str) -> str:
    return text.replace("-", ".")


class Modern(Family):
    name = "modern"

    def article_path(self, site: Site, article: Article) -> str:
        return f"/news/{article.section}/{article.published[:10].replace('-', '')}/{article.id}"

    def image_path(self, site: Site, article: Article, index: int) -> str:
        return f"/images/{article.published[:10].replace('-', '/')}/{article.id}-{index + 1}.jpg"

    def robots(self, view: View) -> str:
        return (
            "User-agent: *\n"
            "Disallow: /api/\n"
            "Disallow: /search\n"
            "Disallow: /print/\n"
            "Disallow: /admin/\n\n"
            "User-agent: GPTBot\nDisallow: /\n\n"
            f"Sitemap: {view.absolute('/sitemap.xml')}\n"
        )

    # -- page parts ---------------------------------------------------------------------------

    def shell(self, view: View, title: str, head: str, main: str) -> str:
        site = view.site
        nav = "".join(
            f'<a class="gnb__link" href="/news/{key}">{esc(name)}</a>'
            for key, name in site.sections.items()
        )
        most = "".join(
            f'<li class="rank__item"><span class="rank__num">{n}</span>'
            f'<a href="/article/{a.id}">{esc(a.title)}</a></li>'
            for n, a in enumerate(view.articles[:5], 1)
        )
        return (
            '<!DOCTYPE html>\n<html lang="ko">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n{head}"
            '<link rel="preload" href="/_next/static/css/app.css" as="style">\n</head>\n'
            '<body><div id="__next"><header class="gnb"><a class="gnb__logo" href="/">'
            f'{esc(site.display)}</a><nav class="gnb__nav">{nav}'
            '<a class="gnb__link" href="/latest">최신</a></nav>'
            '<form class="gnb__search" action="/search"><input name="q" placeholder="검색어를 입력하세요">'
            "</form></header>\n"
            f'<main class="layout">{main}'
            f'<aside class="rank"><h2 class="rank__title">많이 본 뉴스</h2><ol>{most}</ol></aside>'
            "</main>\n"
            '<footer class="footer"><p class="footer__corp">'
            f"(주){esc(site.display)} · 경기도 파주시 문산읍 통일로 100 · 청소년보호책임자 윤누리</p>"
            f'<p class="footer__copy">© {esc(site.display)}. 무단 전재·재배포 및 AI 학습 이용 금지</p>'
            "</footer></div>\n"
            '<script id="__NEXT_DATA__" type="application/json">{"page":"/news/[section]/[date]/[id]"}'
            "</script>\n</body>\n</html>\n"
        )

    # -- article ------------------------------------------------------------------------------

    def render_article(self, view: View, article: Article) -> str:
        site = view.site
        url = view.absolute(self.article_path(site, article))
        images = [view.absolute(p) for p in self.image_paths(site, article)]
        section = site.sections[article.section]
        author: dict[str, str] = {"@type": "Person", "name": article.author}
        if article.email:
            author["email"] = article.email
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "headline": article.title,
            "description": article.paragraphs[0][:150],
            "datePublished": article.published_at.isoformat(),
            "dateModified": (article.updated_at or article.published_at).isoformat(),
            "author": [author],
            "articleSection": section,
            "inLanguage": "ko-KR",
            "publisher": {
                "@type": "NewsMediaOrganization",
                "name": site.display,
                "logo": {"@type": "ImageObject", "url": view.absolute("/static/logo.png")},
            },
        }
        if article.subtitle:
            ld["alternativeHeadline"] = article.subtitle
        if images:
            ld["image"] = images
        # "</" inside a script would end it early; JSON allows the escaped form.
        ld_text = json.dumps(ld, ensure_ascii=False).replace("</", "<\\/")
        head = (
            f'<meta name="description" content="{esc(article.paragraphs[0][:150])}">\n'
            f'<link rel="canonical" href="{esc(url)}">\n'
            '<meta property="og:type" content="article">\n'
            f'<meta property="og:title" content="{esc(article.title)}">\n'
            f'<meta property="og:url" content="{esc(url)}">\n'
            f'<meta property="og:site_name" content="{esc(site.display)}">\n'
            + (f'<meta property="og:image" content="{esc(images[0])}">\n' if images else "")
            + f'<meta property="article:published_time" content="{article.published_at.isoformat()}">\n'
            + (
                f'<meta property="article:modified_time" content="{article.updated_at.isoformat()}">\n'
                if article.updated_at
                else ""
            )
            + f'<meta property="article:section" content="{esc(section)}">\n'
            f'<meta property="article:author" content="{esc(article.author)}">\n'
            f'<script type="application/ld+json">{ld_text}</script>\n'
        )
        times = (
            f'<time class="article-meta__date" datetime="{article.published_at.isoformat()}">'
            f"입력 {_stamp(article.published)}</time>"
        )
        if article.updated_at and article.updated:
            times += (
                f'<time class="article-meta__date article-meta__date--modified" '
                f'datetime="{article.updated_at.isoformat()}">수정 {_stamp(article.updated)}</time>'
            )
        figures = figure_positions(article)
        body = []
        for i, para in enumerate(article.paragraphs):
            for n in figures.get(i, []):
                body.append(
                    f'<figure class="article-image"><img src="{esc(self.image_paths(site, article)[n])}" '
                    f'alt="{esc(article.photos[n].caption)}" loading="lazy">'
                    f"<figcaption>{esc(article.photos[n].caption)}</figcaption></figure>"
                )
            body.append(f"<p>{esc(para)}</p>")
        related = [a for a in view.in_section(article.section) if a.id != article.id][:3]
        related_rows = (
            "".join(
                f'<li><a href="{esc(self.article_path(site, a))}">{esc(a.title)}</a></li>'
                for a in related
            )
            + f'<li><a href="{DEAD_PATH}">{DEAD_TITLE}</a></li>'
        )
        tags = "".join(
            f'<a class="tag" href="/tags/{esc(quote(t))}">#{esc(t)}</a>' for t in article.tags
        )
        reporter = (
            '<div class="reporter-card">'
            f'<a class="reporter-card__name" href="/reporter/{esc(quote(article.author))}">{esc(article.author)} '
            f"{esc(article.role)}</a>"
            + (
                f'<span class="reporter-card__email">{esc(article.email)}</span>'
                if article.email
                else ""
            )
            + '<button class="reporter-card__follow" type="button">기자 구독</button></div>'
        )
        main = (
            f'<article class="article" data-article-id="{article.id}">'
            f'<div class="article-header"><a class="section-badge" href="/news/{article.section}">'
            f"{esc(section)}</a>"
            f'<h1 class="article-title">{esc(article.title)}</h1>'
            + (
                f'<p class="article-subtitle">{esc(article.subtitle)}</p>'
                if article.subtitle
                else ""
            )
            + f'<div class="article-meta"><span class="byline">{esc(article.author)} {esc(article.role)}'
            f"</span>{times}</div>"
            '<div class="share-bar"><button type="button" data-share="kakao">카카오톡 공유</button>'
            '<button type="button" data-share="link">링크 복사</button>'
            f'<a href="/print/{article.id}" class="share-bar__print">인쇄</a></div></div>\n'
            '<div class="article-body" itemprop="articleBody">'
            + "\n".join(body)
            + "</div>\n"
            + reporter
            + (f'<div class="article-tags">{tags}</div>' if tags else "")
            + f'<p class="article-copyright">Copyright © {esc(site.display)}. All rights reserved.</p>'
            f'<section class="related"><h2>이 기사와 함께 많이 본 기사</h2><ul>{related_rows}</ul></section>'
            '<div class="ad ad--inline" data-slot="article-bottom">광고</div>'
            "</article>\n"
        )
        return self.shell(view, f"{article.title} | {site.display}", head, main)

    # -- lists and sitemaps ------------------------------------------------------------------

    def render_list(
        self, view: View, heading: str, items: list[Article], page: int, base: str
    ) -> tuple[str, int]:
        shown, pages = paginate(items, page)
        cards = "".join(
            f'<li class="card"><a class="card__link" href="{esc(self.article_path(view.site, a))}">'
            f'<strong class="card__title">{esc(a.title)}</strong>'
            f'<span class="card__summary">{esc(a.paragraphs[0][:90])}</span></a>'
            f'<span class="card__meta">{esc(view.site.sections[a.section])} · {_stamp(a.published)}</span></li>'
            for a in shown
        )
        links = "".join(
            f'<a class="pager__page{" is-current" if n == page else ""}" '
            f'href="{esc(base if n == 1 else f"{base}?page={n}")}">{n}</a>'
            for n in range(1, pages + 1)
        )
        main = (
            f'<section class="list"><h1 class="list__title">{esc(heading)}</h1>'
            f'<ul class="list__cards">{cards}</ul><nav class="pager">{links}</nav></section>'
        )
        return self.shell(view, f"{heading} | {view.site.display}", "", main), pages

    def handle(self, view: View, path: str, query: dict[str, str]) -> Response | None:
        site = view.site
        page = page_number(query)
        parts = [p for p in path.split("/") if p]
        if not parts or parts == ["latest"]:
            heading = "주요 뉴스" if not parts else "최신 뉴스"
            markup, pages = self.render_list(
                view, heading, view.articles, page, "/" if not parts else "/latest"
            )
            return self.html(markup, newest_change(view.articles)) if page <= pages else None
        if parts[0] == "news" and len(parts) == 2 and parts[1] in site.sections:
            items = view.in_section(parts[1])
            markup, pages = self.render_list(view, site.sections[parts[1]], items, page, path)
            return self.html(markup, newest_change(items)) if page <= pages else None
        if parts[0] in ("tags", "reporter") and len(parts) == 2:
            name = unquote(parts[1])
            items = [a for a in view.articles if name in a.tags or name == a.author]
            if not items:
                return None
            heading = f"#{name}" if parts[0] == "tags" else f"{name} 기자"
            markup, pages = self.render_list(view, heading, items, page, path)
            return self.html(markup, newest_change(items)) if page <= pages else None
        if parts[0] == "news" and len(parts) == 4:
            article = view.article(article_id(parts[3]))
            if article is None or self.article_path(site, article) != path:
                return None
            return self.html(self.render_article(view, article), article.last_change)
        if parts[0] == "article" and len(parts) == 2:
            article = view.article(article_id(parts[1]))
            if article is None:
                return None
            location = view.absolute(self.article_path(site, article))
            return Response(301, b"", "text/html; charset=utf-8", headers={"Location": location})
        if parts[0] == "print" and len(parts) == 2:
            article = view.article(article_id(parts[1]))
            if article is None:
                return None
            paras = "".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
            return self.html(
                f'<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">'
                f"<title>{esc(article.title)}</title></head><body><h1>{esc(article.title)}"
                f"</h1>{paras}</body></html>\n"
            )
        if path == "/sitemap.xml":
            months = sorted({a.published[:7] for a in view.articles}, reverse=True)
            maps = ["/sitemaps/news.xml"] + [f"/sitemaps/articles-{m}.xml" for m in months]
            return sitemap_index([view.absolute(m) for m in maps], newest_change(view.articles))
        if path == "/sitemaps/news.xml":
            return self.news_sitemap(view)
        if path.startswith("/sitemaps/articles-") and path.endswith(".xml"):
            month = path[len("/sitemaps/articles-") : -len(".xml")]
            items = [a for a in view.articles if a.published.startswith(month)]
            if not items:
                return None
            return urlset([(a, view.absolute(self.article_path(site, a))) for a in items])
        return None

    def news_sitemap(self, view: View) -> Response:
        rows = []
        for a in view.articles[:10]:
            rows.append(
                f"<url><loc>{esc(view.absolute(self.article_path(view.site, a)))}</loc><news:news>"
                f"<news:publication><news:name>{esc(view.site.display)}</news:name>"
                "<news:language>ko</news:language></news:publication>"
                f"<news:publication_date>{a.published_at.isoformat()}</news:publication_date>"
                f"<news:title>{esc(a.title)}</news:title></news:news></url>"
            )
        rows.append(
            f"<url><loc>{esc(view.absolute(DEAD_PATH))}</loc><news:news><news:publication>"
            f"<news:name>{esc(view.site.display)}</news:name><news:language>ko</news:language>"
            "</news:publication><news:publication_date>2026-09-15T08:00:00+09:00"
            f"</news:publication_date><news:title>{DEAD_TITLE}</news:title></news:news></url>"
        )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            + "".join(rows)
            + "</urlset>\n"
        )
        return text_response(body, "application/xml", newest_change(view.articles[:10]))


FAMILY = Modern()
