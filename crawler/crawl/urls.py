"""URL canonicalisation: the one spelling of an article URL that the store keeps unique."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

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
    """Tracking parameters, an article URL's list context and the fragment dropped, query
    sorted, percent-encoding made uniform (Hangul slugs become %-escaped UTF-8 whichever way
    the page wrote them), host lower-cased."""
    parts = urlsplit(url.strip())
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    if _names_one_article(query):
        query = [(k, v) for k, v in query if k.lower() not in LIST_CONTEXT_PARAMS]
    stripped = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), ""))
    return canonicalize_url(stripped, keep_fragments=False)


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
