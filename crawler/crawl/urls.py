"""URL canonicalisation: the one spelling of an article URL that the store keeps unique."""

from __future__ import annotations

import hashlib
import html
import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus, unquote_plus, urlsplit, urlunsplit
from weakref import WeakKeyDictionary

from w3lib.url import canonicalize_url, safe_url_string

# Parameters that identify a visit, not a page. Anything else stays: Korean CMSes put the article
# id in the query (idxno, uid, no), so a query string is never dropped wholesale.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "igshid",
        "yclid",
        "_ga",
        "ref",
        "from",
        "sns",
        "mc_cid",
        "mc_eid",
        "replyAll",
        "reply_sc_order_by",
        "page_type",
    }
)
TRACKING_PREFIXES = ("utm_",)
# Parameters a list page appends to the article links it shows (gnuboard's page, category and
# search state: `&page=2`, `&sca=정치`, `&sfl=wr_subject&stx=…`): dropped from a URL that names
# one article by a numeric id, kept on list URLs, whose page they are.
LIST_CONTEXT_PARAMS = frozenset(
    {"page", "sca", "sfl", "stx", "sop", "spt", "sst", "sod", "sw", "cpage", "pg", "pageno"}
)
ARTICLE_ID_PARAMS = frozenset(
    {
        "wr_id", "idxno", "uid", "no", "idx", "aid", "nid", "seq", "document_srl",
        "article_id", "articleid", "art_id", "news_id", "newsid", "ntt_id", "bbs_no",
    }
)  # fmt: skip


def _is_tracking(name: str) -> bool:
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def _names_one_article(query: list[tuple[str, str]]) -> bool:
    return any(k.lower() in ARTICLE_ID_PARAMS and v.isdigit() for k, v in query)


# A page's links repeat from page to page (navigation, the same article in every list), and the
# spider, the dupefilter and the extract stage each ask for the same URL: w3lib's canonicalize_url
# was a tenth of the crawl's CPU. A few thousand recent spellings cost about a megabyte.
@lru_cache(maxsize=4096)
def canonical_url(url: str) -> str:
    """The article's URL as the store keeps it: tracking parameters, an article URL's list
    context and the fragment dropped, percent-encoding made uniform (Hangul slugs become
    %-escaped UTF-8 whichever way the page wrote them), host lower-cased, and the query in the
    order the site wrote it, so that the stored URL still opens the page on a server that reads
    its parameters in order. Spellings that differ only in order are one by `url_key`."""
    parts = urlsplit(safe_url_string(url.strip()))
    query = [_pair(piece) for piece in parts.query.split("&") if piece]
    query = [(k, eq, v) for k, eq, v in query if not _is_tracking(k)]
    if _names_one_article([(k, v) for k, _eq, v in query]):
        query = [(k, eq, v) for k, eq, v in query if k.lower() not in LIST_CONTEXT_PARAMS]
    base = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))
    joined = canonicalize_url(base, keep_fragments=False)
    if not query:
        return joined
    # latin-1 both ways: the query's bytes come back as they were, whatever the site's charset;
    # a bare key (`?news&id=3`) stays bare.
    return (
        joined
        + "?"
        + "&".join(
            quote_plus(k, encoding="latin-1") + eq + quote_plus(v, encoding="latin-1")
            for k, eq, v in query
        )
    )


def _pair(piece: str) -> tuple[str, str, str]:
    key, eq, value = piece.partition("=")
    return unquote_plus(key, "latin-1"), eq, unquote_plus(value, "latin-1")


@lru_cache(maxsize=4096)
def url_key(url: str) -> str:
    """The identity of a URL: `canonical_url` with its query sorted (Scrapy's fingerprint
    convention). Two links that differ only in their parameters' order are one request, one
    article; nothing is ever sent to this spelling. Stores written before the stored URL kept
    the site's order hold this form."""
    return canonicalize_url(canonical_url(url), keep_fragments=False)


# An entity left in a URL's text: a feed's <link> in CDATA keeps "&amp;" that an HTML attribute
# would have decoded.
_ENTITY = re.compile(r"&(?:amp|#0*38|#x0*26);", re.IGNORECASE)


@lru_cache(maxsize=4096)  # a link recurs on every page of its site, as for canonical_url
def request_url(url: str, encoding: str = "utf-8") -> str:
    """The URL to send for a link as the page, feed or sitemap wrote it (already made absolute):
    entities decoded, the fragment dropped and the percent-encoding a browser applies (a raw
    space or Hangul escaped, the path as UTF-8 and the query in the page's `encoding`), and
    nothing else: no parameter reordered or dropped, `%zz` and a bare key (`?news&id=3`) kept.
    Servers key pages, caches and signatures by the raw request target; the canonical form
    (`canonical_url`) is for identity only, as in Scrapy's request fingerprints."""
    url = url.strip()
    if "&" in url and _ENTITY.search(url):
        url = html.unescape(url)
    return safe_url_string(url.partition("#")[0], encoding)


class CanonicalFingerprinter:
    """Scrapy's REQUEST_FINGERPRINTER_CLASS: two requests are one when their URLs have one
    identity (`url_key`: query order, tracking parameters, an article link's list context),
    whatever spelling each request is sent with."""

    def __init__(self) -> None:
        self._cache: WeakKeyDictionary[Any, bytes] = WeakKeyDictionary()

    @classmethod
    def from_crawler(cls, crawler: Any) -> CanonicalFingerprinter:
        return cls()

    def fingerprint(self, request: Any) -> bytes:
        found = self._cache.get(request)
        if found is None:
            digest = hashlib.sha1(request.method.encode())
            digest.update(url_key(request.url).encode())
            digest.update(request.body or b"")
            found = self._cache[request] = digest.digest()
        return found


# What only urlsplit reads right in a netloc: userinfo, an IPv6 literal, a query or fragment
# straight after the host ("http://x.kr?p=1").
_NETLOC_PARSES = re.compile(r"[@\[?#]")


def same_site(url: str, host: str) -> bool:
    """True when url is on host or one of its subdomains (www. and m. variants included)."""
    netloc = url.split("/", 3)[2] if url.startswith(("http://", "https://")) else ""
    if netloc and not _NETLOC_PARSES.search(netloc):  # every link of every page: no parse
        other = netloc.partition(":")[0].lower()
    else:
        other = (urlsplit(url).hostname or "").lower()
    host = host.lower()
    strip = lambda h: h.removeprefix("www.")
    return other == host or strip(other) == strip(host) or other.endswith("." + strip(host))
