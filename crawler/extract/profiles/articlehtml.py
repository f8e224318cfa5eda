"""The `news/article.html?no=N` family (a hosted news-builder used by many regional papers)."""

from crawler.extract.profiles.base import Profile, xpaths


class ArticleHtml(Profile):
    name = "articlehtml"
    version = "2016-01"
    article_urls = (r"/news/article\.html\?(?:[^#]*&)?no=\d+",)
    list_urls = (r"/news/article_list(?:_all)?\.html", r"/news/section(?:_list_all)?\.html")
    skip_urls = (r"/news/article_print\.html", r"/news/search_result\.html", r"/news/mail_form")
    markers = ("arl_view_title", "smartOutput", "news/article.html", "arv_info")
    title = xpaths(
        '//*[contains(@class,"arl_view_title")]//*[contains(@class,"title")]'
        "[not(contains(@class,'subtitle'))]"
    )
    subtitle = xpaths('//*[contains(@class,"arl_view_title")]//*[contains(@class,"subtitle")]')
    byline = xpaths('//*[contains(@class,"arv_info")]', '//*[contains(@class,"arv_reporter")]')
    dateline = xpaths('//*[contains(@class,"arv_info")]//*[contains(@class,"art_info")]')
    section = xpaths('//*[contains(@class,"arv_section")]')
    body = xpaths('//*[@id="news_body_area"]')
    captions = xpaths('ancestor::table[1]//td[contains(@class,"caption")]')
    date_sources = ("visible", "jsonld", "meta")
