"""엔디소프트 (NDSoft) news solution: `/news/articleView.html?idxno=N`.

Hundreds of Korean local papers run it. The 2019+ responsive skin ("user-wrap", header
`article-view-header`) and the older table skin ("View_Title") are two versions of one family.
"""

from crawler.extract.profiles.base import Profile, xpaths


class NDSoft(Profile):
    name = "ndsoft"
    version = "2019-03"
    article_urls = (r"/news/articleView\.html\?(?:[^#]*&)?idxno=\d+",)
    list_urls = (r"/news/articleList\.html", r"/news/curationView\.html")
    skip_urls = (
        r"/news/article(?:Print|Email|Scrap)\.html", r"/member/", r"/admin/", r"[?&]sc_word=",
        r"/news/(?:reply|comment)", r"/news/photo/",
    )  # fmt: skip
    markers = ("article-view-content-div", "articleView.html", "/news/photo/", "user-wrap")
    title = xpaths(
        '//header[contains(@class,"article-view-header")]//*[contains(@class,"heading")]'
        "[not(contains(@class,'subheading'))]",
        '//div[contains(@class,"article-head-title")]',
        '//*[@class="View_Title"]//strong',
    )
    subtitle = xpaths(
        '//header[contains(@class,"article-view-header")]//*[contains(@class,"subheading")]',
        '//*[contains(@class,"article-head-sub")]',
    )
    byline = xpaths(
        '//article[contains(@class,"writer")]//div[contains(@class,"info")]',
        '//ul[contains(@class,"infomation")]/li[i[contains(@class,"icon-user")]]',
        '//*[@class="View_Info"]',
    )
    dateline = xpaths(
        '//ul[contains(@class,"infomation")]',
        '//*[@class="View_Info"]',
    )
    body = xpaths('//*[@id="article-view-content-div"]', '//*[@id="articleBody"]')


class NDSoftTable(NDSoft):
    """The pre-2019 table skin of the same CMS: same URLs, different markup."""

    name = "ndsoft-2012"
    version = "2012-01"
    markers = ("View_Title", "View_Info", "articleBody", "articleView.html")
    title = xpaths('//*[@class="View_Title"]//strong', '//*[@class="View_Title"]')
    subtitle = xpaths('//*[@class="View_SmTitle"]')
    byline = xpaths('//*[@class="View_Info"]')
    dateline = xpaths('//*[@class="View_Info"]')
    section = xpaths('//*[contains(@class,"view_r_section")]')
    body = xpaths('//*[@id="articleBody"]')
