"""The 2000s table-layout CMS of `sub_read.html?uid=N` (the seed page's family).

Served as EUC-KR (really CP949), everything in nested tables with <font> tags; the title block is
printed twice (above the tools and again inside the body table), the dateline is
"기자 | 기사입력 2017/07/09 [14:18]", and the article is one <div> of <br>-separated text.
"""

from crawler.extract.profiles.base import Profile, xpaths


class Legacy(Profile):
    name = "legacy"
    version = "2009-01"
    article_urls = (r"/(?:news/)?sub_read\.html\?(?:[^#]*&)?uid=\d+",)
    list_urls = (r"/(?:news/)?(?:list|sub_list)\.html\?", r"/(?:news/)?sub\.html\?section=")
    skip_urls = (
        r"/print\.html", r"/search\.html", r"/bbs/(?:comment|login|join|zmSpamFree)", r"/admin/",
        r"/sub_html\.html",
    )  # fmt: skip
    markers = ("news_body_area", "sub_read.html", "news_title", "zmSpamFree")
    title = xpaths(
        '//table[contains(@class,"news_head")]//td[contains(@class,"news_title")]',
        '//td[contains(@class,"news_title")]',
        '//*[contains(@class,"read_title")]',
    )
    subtitle = xpaths(
        '//table[contains(@class,"news_head")]//td[contains(@class,"news_subtitle")]',
        '//td[contains(@class,"news_subtitle")]',
    )
    byline = xpaths(
        '//td[contains(@class,"news_reporter")]', '//td[contains(@class,"news_writer")]'
    )
    dateline = xpaths('//table[contains(@class,"news_head")]//td[contains(@class,"news_writer")]')
    section = xpaths('//table[contains(@class,"location")]//a')
    body = xpaths('//*[@id="news_body_area"]')
    captions = xpaths('ancestor::table[1]//td[contains(@class,"news_photo_txt")]')
    # The page has no machine-readable times; only the visible dateline is there.
    date_sources = ("visible",)
