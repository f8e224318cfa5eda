"""WordPress 6 with a news theme, Jetpack sharing and related posts; Hangul slugs in permalinks."""

from __future__ import annotations

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
    paginate,
    rss,
    sitemap_index,
    urlset,
)

DEAD_PERMALINK = "/2026/09/30/" + quote("추석-연휴-종합상황실-운영") + "/"


def _date_label(text: str) -> str:
    y, m, d = text[:10].split("-")
    return f"{y}년 {int(m)}월 {int(d)}일"


class WordPress(Family):
    name = "wordpress"

    def article_path(self, site: Site, article: Article) -> str:
        y, m, d = article.published[:10].split("-")
        return f"/{y}/{m}/{d}/{quote(article.slug)}/"

    def image_path(self, site: Site, article: Article, index: int) -> str:
        y, m = article.published[:7].split("-")
        return f"/wp-content/uploads/{y}/{m}/hosu-{article.id}-{index + 1}-1024x683.jpg"

    def author_slug(self, site: Site, name: str) -> str:
        names = sorted({a.author for a in site.articles})
        return f"reporter{names.index(name) + 1}"

    def robots(self, view: View) -> str:
        return (
            "User-agent: *\n"
            "Disallow: /wp-admin/\n"
            "Allow: /wp-admin/admin-ajax.php\n"
            "Disallow: /wp-login.php\n"
            "Disallow: /?s=\n"
            "Disallow: /search/\n\n"
            f"Sitemap: {view.absolute('/wp-sitemap.xml')}\n"
        )

    # -- page parts ---------------------------------------------------------------------------

    def head(self, view: View, title: str, extra: str = "") -> str:
        site = view.site
        return (
            '<!doctype html>\n<html lang="ko-KR">\n<head>\n<meta charset="UTF-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n{extra}"
            f'<link rel="alternate" type="application/rss+xml" title="{esc(site.display)} &raquo; 피드" '
            f'href="{esc(view.absolute("/feed/"))}">\n'
            f"<link rel='stylesheet' id='newsup-style-css' href='{esc(view.absolute('/wp-content/themes/newsup/style.css?ver=6.6.2'))}' media='all'>\n"
            '<meta name="generator" content="WordPress 6.6.2">\n</head>\n'
        )

    def masthead(self, view: View, body_class: str) -> str:
        site = view.site
        menu = "".join(
            f'<li class="menu-item menu-item-type-taxonomy menu-item-object-category">'
            f'<a href="/category/{slug}/">{esc(name)}</a></li>'
            for slug, name in site.sections.items()
        )
        return (
            f'<body class="{body_class} wp-custom-logo">\n<div id="page" class="site">\n'
            '<a class="skip-link screen-reader-text" href="#content">콘텐츠로 건너뛰기</a>\n'
            '<header id="masthead" class="site-header"><div class="site-branding">'
            f'<p class="site-title"><a href="/" rel="home">{esc(site.display)}</a></p>'
            '<p class="site-description">호수공원 도시의 생활 뉴스</p></div>'
            f'<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{menu}'
            '<li class="menu-item"><a href="/wp-login.php">로그인</a></li></ul></nav>'
            '<form role="search" method="get" class="search-form" action="/"><label>'
            '<span class="screen-reader-text">검색:</span><input type="search" class="search-field" '
            'name="s"></label><input type="submit" class="search-submit" value="검색"></form>'
            "</header>\n"
            '<div id="content" class="site-content"><div id="primary" class="content-area">'
            '<main id="main" class="site-main">\n'
        )

    def sidebar_footer(self, view: View, exclude: int | None = None) -> str:
        site = view.site
        recent = "".join(
            f'<li><a href="{esc(self.article_path(site, a))}">{esc(a.title)}</a></li>'
            for a in view.articles[:5]
            if a.id != exclude
        )
        cats = "".join(
            f'<li class="cat-item"><a href="/category/{slug}/">{esc(name)}</a> '
            f"({len(view.in_section(slug))})</li>"
            for slug, name in site.sections.items()
        )
        return (
            "</main></div>\n"
            '<aside id="secondary" class="widget-area">'
            '<section id="recent-posts-2" class="widget widget_recent_entries">'
            f'<h2 class="widget-title">최근 글</h2><ul>{recent}</ul></section>'
            '<section id="categories-2" class="widget widget_categories">'
            f'<h2 class="widget-title">카테고리</h2><ul>{cats}</ul></section></aside>\n'
            "</div>\n"
            '<footer id="colophon" class="site-footer"><div class="site-info">'
            f"© 2026 {esc(site.display)} · 등록번호 경기 아 05678 · 발행인 정호수 · "
            f'제보 <a href="mailto:news@{esc(site.domain)}">news@{esc(site.domain)}</a> · '
            '<a href="https://wordpress.org/">Proudly powered by WordPress</a></div></footer>\n'
            "</div>\n<script src='/wp-includes/js/jquery/jquery.min.js?ver=3.7.1' id='jquery-core-js'>"
            "</script>\n</body>\n</html>\n"
        )

    # -- article ------------------------------------------------------------------------------

    def render_article(self, view: View, article: Article) -> str:
        site = view.site
        url = view.absolute(self.article_path(site, article))
        images = self.image_paths(site, article)
        section = site.sections[article.section]
        meta = (
            f'<link rel="canonical" href="{esc(url)}">\n'
            f"<link rel='shortlink' href='{esc(view.absolute(f'/?p={article.id}'))}'>\n"
            '<meta property="og:locale" content="ko_KR">\n<meta property="og:type" content="article">\n'
            f'<meta property="og:title" content="{esc(article.title)}">\n'
            f'<meta property="og:url" content="{esc(url)}">\n'
            f'<meta property="og:site_name" content="{esc(site.display)}">\n'
            f'<meta property="article:published_time" content="{article.published_at.isoformat()}">\n'
            + (
                f'<meta property="article:modified_time" content="{article.updated_at.isoformat()}">\n'
                if article.updated_at
                else ""
            )
            + (
                f'<meta property="og:image" content="{esc(view.absolute(images[0]))}">\n'
                if images
                else ""
            )
        )
        author_url = f"/author/{self.author_slug(site, article.author)}/"
        times = (
            f'<time class="entry-date published" datetime="{article.published_at.isoformat()}">'
            f"{_date_label(article.published)} {article.published[11:]}</time>"
        )
        if article.updated_at and article.updated:
            times += (
                f'<time class="updated" datetime="{article.updated_at.isoformat()}">'
                f"{_date_label(article.updated)} {article.updated[11:]}</time>"
            )
        figures = figure_positions(article)
        content = []
        for i, para in enumerate(article.paragraphs):
            for n in figures.get(i, []):
                content.append(
                    f'<figure class="wp-block-image size-large"><img decoding="async" width="1024" '
                    f'height="683" src="{esc(images[n])}" alt="" class="wp-image-{article.id * 10 + n}">'
                    f'<figcaption class="wp-element-caption">{esc(article.photos[n].caption)}</figcaption>'
                    "</figure>"
                )
            content.append(f"<p>{esc(para)}</p>")
        related = [a for a in view.in_section(article.section) if a.id != article.id][:2]
        related_rows = "".join(
            f'<div class="jp-relatedposts-post"><h4 class="jp-relatedposts-post-title">'
            f'<a class="jp-relatedposts-post-a" href="{esc(self.article_path(site, a))}">{esc(a.title)}</a>'
            f'</h4><p class="jp-relatedposts-post-context">&quot;{esc(section)}&quot;에서</p></div>'
            for a in related
        ) + (
            f'<div class="jp-relatedposts-post"><h4 class="jp-relatedposts-post-title">'
            f'<a class="jp-relatedposts-post-a" href="{esc(DEAD_PERMALINK)}">추석 연휴 종합상황실 운영</a>'
            "</h4></div>"
        )
        sharing = (
            '<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social '
            'sd-social-icon-text sd-sharing"><h3 class="sd-title">공유하기:</h3><div class="sd-content"><ul>'
            f'<li class="share-facebook"><a class="share-facebook sd-button" href="https://www.facebook.com/sharer/sharer.php?u={esc(quote(url, safe=""))}" '
            'target="_blank"><span>Facebook</span></a></li>'
            f'<li class="share-x"><a class="share-x sd-button" href="https://x.com/intent/post?url={esc(quote(url, safe=""))}" target="_blank">'
            "<span>X</span></a></li>"
            f'<li class="share-email"><a class="share-email sd-button" href="mailto:?subject={esc(quote(article.title))}">'
            "<span>이메일</span></a></li></ul></div></div></div>"
        )
        tags = ", ".join(
            f'<a href="/tag/{esc(quote(t))}/" rel="tag">{esc(t)}</a>' for t in article.tags
        )
        author_box = (
            '<div class="author-box"><div class="author-info">'
            f'<span class="author-name">{esc(article.author)} {esc(article.role)}</span>'
            + (
                f' <a class="author-email" href="mailto:{esc(article.email)}">{esc(article.email)}</a>'
                if article.email
                else ""
            )
            + f'<p class="author-more"><a href="{author_url}">작성한 글 모두 보기</a></p></div></div>'
        )
        cls = (
            f"post-{article.id} post type-post status-publish format-standard hentry "
            f"category-{article.section}" + (" has-post-thumbnail" if images else "")
        )
        return (
            self.head(view, f"{article.title} – {site.display}", meta)
            + self.masthead(view, f"post-template-default single single-post postid-{article.id}")
            + f'<article id="post-{article.id}" class="{cls}">\n<header class="entry-header">'
            f'<div class="entry-categories"><span class="cat-links"><a href="/category/{article.section}/" '
            f'rel="category tag">{esc(section)}</a></span></div>'
            f'<h1 class="entry-title">{esc(article.title)}</h1>'
            + (
                f'<h2 class="entry-subtitle">{esc(article.subtitle)}</h2>'
                if article.subtitle
                else ""
            )
            + f'<div class="entry-meta"><span class="posted-on"><a href="{esc(self.article_path(site, article))}" '
            f'rel="bookmark">{times}</a></span><span class="byline"> <span class="author vcard">'
            f'<a class="url fn n" href="{author_url}">{esc(article.author)} {esc(article.role)}</a></span></span>'
            "</div></header>\n"
            '<div class="entry-content">\n'
            + "\n".join(content)
            + "\n"
            + sharing
            + '<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline">'
            f'<em>관련</em></h3><div class="jp-relatedposts-items">{related_rows}</div></div>'
            "</div>\n"
            + f'<footer class="entry-footer"><span class="tags-links">태그: {tags}</span></footer>\n'
            + author_box
            + "</article>\n"
            '<nav class="navigation post-navigation" aria-label="글"><h2 class="screen-reader-text">'
            "글 내비게이션</h2>" + self.neighbours(view, article) + "</nav>\n"
            '<div id="comments" class="comments-area"><div id="respond" class="comment-respond">'
            '<h3 id="reply-title" class="comment-reply-title">댓글 남기기</h3>'
            f'<form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">'
            '<p class="comment-notes">이메일 주소는 공개되지 않습니다. 필수 필드는 *로 표시됩니다</p>'
            '<p class="comment-form-comment"><label for="comment">댓글 *</label>'
            '<textarea id="comment" name="comment" cols="45" rows="8" required></textarea></p>'
            f'<input type="hidden" name="comment_post_ID" value="{article.id}">'
            '<p class="form-submit"><input name="submit" type="submit" class="submit" value="댓글 달기"></p>'
            "</form></div></div>\n" + self.sidebar_footer(view, article.id)
        )

    def neighbours(self, view: View, article: Article) -> str:
        ordered = view.articles
        i = ordered.index(article)
        links = []
        if i + 1 < len(ordered):
            older = ordered[i + 1]
            links.append(
                f'<div class="nav-previous"><a href="{esc(self.article_path(view.site, older))}" '
                f'rel="prev">이전 글: {esc(older.title)}</a></div>'
            )
        if i > 0:
            newer = ordered[i - 1]
            links.append(
                f'<div class="nav-next"><a href="{esc(self.article_path(view.site, newer))}" '
                f'rel="next">다음 글: {esc(newer.title)}</a></div>'
            )
        return '<div class="nav-links">' + "".join(links) + "</div>"

    # -- lists, feeds, sitemaps -----------------------------------------------------------------

    def render_list(
        self, view: View, heading: str, items: list[Article], page: int, base: str, body_class: str
    ) -> tuple[str, int]:
        shown, pages = paginate(items, page)
        posts = "".join(
            f'<article id="post-{a.id}" class="post-{a.id} post type-post status-publish hentry '
            f'category-{a.section}"><header class="entry-header"><h2 class="entry-title">'
            f'<a href="{esc(self.article_path(view.site, a))}" rel="bookmark">{esc(a.title)}</a></h2>'
            f'<div class="entry-meta"><time class="entry-date published" datetime="{a.published_at.isoformat()}">'
            f"{_date_label(a.published)}</time></div></header>"
            f'<div class="entry-summary"><p>{esc(a.paragraphs[0][:100])} [&hellip;]</p></div></article>'
            for a in shown
        )
        nav = "".join(
            f'<span aria-current="page" class="page-numbers current">{n}</span>'
            if n == page
            else f'<a class="page-numbers" href="{esc(_page_url(base, n))}">{n}</a>'
            for n in range(1, pages + 1)
        )
        if page < pages:
            nav += f'<a class="next page-numbers" href="{esc(_page_url(base, page + 1))}">다음 &raquo;</a>'
        markup = (
            self.head(view, f"{heading} – {view.site.display}")
            + self.masthead(view, body_class)
            + f'<header class="page-header"><h1 class="page-title">{esc(heading)}</h1></header>\n'
            + posts
            + f'<nav class="navigation pagination" aria-label="글 페이지 매김"><div class="nav-links">{nav}</div></nav>\n'
            + self.sidebar_footer(view)
        )
        return markup, pages

    def handle(self, view: View, path: str, query: dict[str, str]) -> Response | None:
        site = view.site
        path = unquote(path)
        if path == "/" and "p" in query:
            article = view.article(article_id(query["p"]))
            if article is None:
                return None
            location = view.absolute(self.article_path(site, article))
            return Response(301, b"", "text/html; charset=UTF-8", headers={"Location": location})
        if path == "/" and "s" in query:
            items = [a for a in view.articles if query["s"] and query["s"] in a.title]
            return self.html(
                self.render_list(view, f"검색 결과: {query['s']}", items, 1, "/", "search")[0]
            )
        if path == "/feed/":
            feed = [(a, view.absolute(self.article_path(site, a))) for a in view.articles[:10]]
            return rss(view, site.display, view.absolute("/"), feed)
        if path == "/wp-sitemap.xml":
            maps = ["/wp-sitemap-posts-post-1.xml", "/wp-sitemap-taxonomies-category-1.xml"]
            return sitemap_index([view.absolute(m) for m in maps], newest_change(view.articles))
        if path == "/wp-sitemap-posts-post-1.xml":
            return urlset([(a, view.absolute(self.article_path(site, a))) for a in view.articles])
        if path == "/wp-sitemap-taxonomies-category-1.xml":
            rows = "".join(
                f"<url><loc>{esc(view.absolute(f'/category/{s}/'))}</loc></url>"
                for s in site.sections
            )
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
                f'schemas/sitemap/0.9">{rows}</urlset>\n'
            )
            return Response(
                200, body.encode(), "application/xml; charset=utf-8", newest_change(view.articles)
            )
        for article in view.articles:
            if unquote(self.article_path(site, article)) == path:
                return self.html(self.render_article(view, article), article.last_change)
        return self.handle_archive(view, path)

    def handle_archive(self, view: View, path: str) -> Response | None:
        parts = [p for p in path.split("/") if p]
        page = 1
        if len(parts) >= 2 and parts[-2] == "page" and parts[-1].isdigit():
            page, parts = int(parts[-1]), parts[:-2]
        if not parts:
            items, heading, base, cls = view.articles, view.site.display, "/", "home blog"
        elif len(parts) == 2 and parts[0] == "category" and parts[1] in view.site.sections:
            items = view.in_section(parts[1])
            heading = f"카테고리: {view.site.sections[parts[1]]}"
            base, cls = f"/category/{parts[1]}/", f"archive category category-{parts[1]}"
        elif len(parts) == 2 and parts[0] == "tag":
            items = [a for a in view.articles if parts[1] in a.tags]
            heading, base, cls = f"태그: {parts[1]}", f"/tag/{quote(parts[1])}/", "archive tag"
        elif len(parts) == 2 and parts[0] == "author":
            items = [a for a in view.articles if self.author_slug(view.site, a.author) == parts[1]]
            heading, base, cls = "글쓴이", f"/author/{parts[1]}/", "archive author"
        else:
            return None
        if not items:
            return None
        markup, pages = self.render_list(view, heading, items, page, base, cls)
        return self.html(markup, newest_change(items)) if page <= pages else None


def _page_url(base: str, n: int) -> str:
    return base if n == 1 else f"{base}page/{n}/"


FAMILY = WordPress()
