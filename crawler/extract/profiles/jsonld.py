"""Modern sites that describe the article in JSON-LD (NewsArticle) and Open Graph.

No CMS family in common; what they share is the metadata, so this profile trusts it for title,
author, dates and section and finds the body by itemprop or the generic rules.
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

    def headline(self, doc, metas, ld, site_name, body_el=None):
        # The visible <h1> of these templates is often the section name; JSON-LD is the headline.
        raw = ld.get("headline")
        if isinstance(raw, str) and raw.strip():
            return meta.strip_site_name(raw, site_name)
        return super().headline(doc, metas, ld, site_name, body_el)
