"""WordPress news themes: `/?p=N` or dated permalinks, `wp-content` assets."""

from crawler.extract.profiles.base import Profile, xpaths


class WordPress(Profile):
    name = "wordpress"
    version = "2021-01"
    body_is_sure = False  # "entry-content" also names gallery and widget blocks
    article_urls = (r"/\?p=\d+$", r"/20\d\d/\d\d/(?:\d\d/)?[^/?#]+/?$")
    list_urls = (r"/category/", r"/page/\d+/?$", r"/author/")
    skip_urls = (
        r"/tag/", r"[?&]s=", r"/wp-admin/", r"/wp-login\.php", r"/feed/?$", r"[?&]share=",
        r"/wp-content/uploads/", r"#respond", r"[?&]replytocom=", r"/attachment/",
    )  # fmt: skip
    generator = r"wordpress"
    markers = ("wp-content", "wp-includes", "entry-content")
    title = xpaths('//h1[contains(@class,"entry-title")]', '//h1[contains(@class,"post-title")]')
    subtitle = xpaths('//*[contains(@class,"entry-subtitle")]')
    byline = xpaths('//*[contains(@class,"author-box")]', '//*[contains(@class,"byline")]')
    dateline = xpaths('//time[contains(@class,"published")]/@datetime')
    section = xpaths('//*[contains(@class,"cat-links")]/a')
    body = xpaths('//div[contains(@class,"entry-content")]')
