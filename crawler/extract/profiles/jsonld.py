"""Modern sites that describe the article in JSON-LD (NewsArticle) and Open Graph.

No CMS family in common; what they share is the metadata, so this profile trusts it for author,
dates and section and finds the body by itemprop or the generic rules. The headline is the
visible one when it agrees with JSON-LD's (often reworded); the <h1> of these templates is
often the section name, which does not agree (crawler/extract/profiles/naming.py).
"""

from crawler.extract.profiles import meta
from crawler.extract.profiles.base import Profile, xpaths


class JsonLd(Profile):
    name = "jsonld"
    version = "2020-01"
    body_is_sure = False  # itemprop=articleBody sits on the first <p> of some templates
    markers = ('"NewsArticle"', "og:title")
    marker_xpaths = (meta.has_ld_type("NewsArticle"),)
    body = xpaths('//*[@itemprop="articleBody"]', '//article//*[contains(@class,"article-body")]')
    date_sources = ("jsonld", "meta", "visible")
