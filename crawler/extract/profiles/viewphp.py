"""The `news/view.php?no=N` family (a PHP news board many city weeklies share)."""

from crawler.extract.profiles.base import Profile, xpaths


class ViewPhp(Profile):
    name = "viewphp"
    version = "2015-01"
    article_urls = (r"/news/view\.php\?(?:[^#]*&)?no=\d+",)
    list_urls = (r"/news/list\.php", r"/news/section\.php")
    skip_urls = (r"/news/print\.php", r"/news/search\.php", r"/news/mail\.php")
    markers = ("view_tit", "view_info", "news/view.php", "view_con")
    title = xpaths('//*[contains(@class,"view_tit")]')
    subtitle = xpaths('//*[contains(@class,"view_subtit")]')
    byline = xpaths(
        '//*[contains(@class,"view_info")]//*[contains(@class,"writer")]',
        '//*[contains(@class,"view_reporter")]',
    )
    dateline = xpaths('//*[contains(@class,"view_info")]')
    section = xpaths('//*[contains(@class,"view_section")]')
    body = xpaths('//*[@id="news_body"]', '//*[contains(@class,"view_con")]')
    captions = xpaths(
        'ancestor::*[contains(@class,"img_box")][1]//*[contains(@class,"img_caption")]'
    )
    date_sources = ("visible", "meta")
