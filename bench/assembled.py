"""The crawler a user would assemble from the same packages, for bench/crawl.py (issue 27).

A Scrapy spider as Scrapy's own spiders do it: `SitemapSpider` reads each site's robots.txt for
its Sitemap: lines and walks sitemap indexes and url sets (`scrapy.utils.sitemap`); every HTML
page's in-site links (Scrapy's `LinkExtractor`) are followed, and its RSS/Atom feeds (`<link
rel="alternate">`) are read with lxml as XMLFeedSpider does (each item's link). robots.txt is
obeyed (Scrapy's project template turns ROBOTSTXT_OBEY on). Every page goes through
`trafilatura.bare_extraction(with_metadata=True)`; what has text is an article. Its body gets a
datasketch `MinHash` over the same shingles as ours (5-grams, whitespace collapsed, 128
permutations), queried against an in-memory `MinHashLSH` at our link threshold (0.37), and one
`sqlite_utils` upsert per article (`dup_of`: the first near-duplicate the LSH returned).

`ASSEMBLED` is the peer's source (run with `python -c`, like bench/crawl.py's other peers);
`non_article_rows` scores any list of stored URLs against the demo's truth.
"""

from __future__ import annotations

import sqlite3
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from crawler.crawl.urls import url_key
from crawler.store.dedup import THRESHOLD
from crawler.store.minhash import NGRAM, NUM_PERM

ASSEMBLED = """
import json, re, resource, sys, time
from urllib.parse import urljoin, urlsplit
import scrapy
import sqlite_utils
import trafilatura
from datasketch import MinHash, MinHashLSH
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.http import TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import SitemapSpider
homes = json.load(open({homes!r}))
db = sqlite_utils.Database({db!r})
lsh = MinHashLSH(threshold={threshold!r}, num_perm={num_perm!r})
WS = re.compile(r"\\s+")
extra = {{"pages": 0, "stored": 0}}
FEEDS = ('//link[@rel="alternate"][contains(@type, "rss") or contains(@type, "atom")]/@href')
class Peer(SitemapSpider):
    name = "assembled"
    sitemap_urls = [urljoin(home, "/robots.txt") for home in homes]
    links = LinkExtractor()
    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.counted, signal=signals.response_received)
        return spider
    def counted(self, response, request, spider):
        extra["pages"] += 1
    async def start(self):
        async for request in super().start():
            yield request
        for url in homes:
            yield scrapy.Request(url, callback=self.parse)
    def parse(self, response):
        # Lists, not generators: Scrapy reads a generator callback's source, and code run with
        # `python -c` has none.
        if not isinstance(response, TextResponse):
            return []
        self.store(response)
        host = urlsplit(response.url).netloc
        found = [link.url for link in self.links.extract_links(response)]
        feeds = [response.urljoin(href) for href in response.xpath(FEEDS).getall()]
        return [
            scrapy.Request(url, callback=self.parse)
            for url in found if urlsplit(url).netloc == host
        ] + [
            scrapy.Request(url, callback=self.parse_feed)
            for url in feeds if urlsplit(url).netloc == host
        ]
    def parse_feed(self, response):
        selector = scrapy.Selector(response, type="xml")
        selector.remove_namespaces()
        urls = selector.xpath("//item/link/text() | //entry/link/@href").getall()
        return [scrapy.Request(url.strip(), callback=self.parse) for url in urls]
    def store(self, response):
        doc = trafilatura.bare_extraction(response.text, url=response.url, with_metadata=True)
        if doc is None or not doc.text:
            return
        text = WS.sub(" ", doc.text).strip()
        grams = {{text[i : i + {ngram!r}] for i in range(max(1, len(text) - {ngram!r} + 1))}}
        minhash = MinHash(num_perm={num_perm!r})
        minhash.update_batch([gram.encode("utf-8") for gram in grams])
        near = lsh.query(minhash)
        if response.url not in lsh:
            lsh.insert(response.url, minhash)
        db["articles"].upsert({{
            "url": response.url, "site": urlsplit(response.url).netloc, "title": doc.title,
            "author": doc.author, "date": doc.date, "text": doc.text,
            "dup_of": next((key for key in near if key != response.url), None),
        }}, pk="url")
        extra["stored"] += 1
settings = dict({settings!r}, ROBOTSTXT_OBEY=True, TELNETCONSOLE_ENABLED=False,
                REMOTE_CONTROL_ENABLED=False)
"""


def assembled_code(homes: str, db: str, settings: dict) -> str:
    """The peer's source, without the common end (bench/crawl.py's PEER_RUN)."""
    return ASSEMBLED.format(
        homes=homes, db=db, settings=settings, threshold=THRESHOLD, num_perm=NUM_PERM, ngram=NGRAM
    )


def stored_urls(db: str, column: str = "url") -> list[str]:
    """The URLs of every row of a store's `articles` table (ours or the peer's)."""
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute(f"SELECT {column} FROM articles")]


def non_article_rows(urls: list[str], truth: list[str]) -> tuple[int, int]:
    """(rows that are not an expected article, expected articles without a row). A row is an
    expected article when its url_key is one of the truth's and no earlier row had that key: a
    list, a static page, a print or second copy of an article are the rest."""
    wanted = {url_key(url) for url in truth}
    seen = Counter(url_key(url) for url in urls)
    extra = sum(n for key, n in seen.items() if key not in wanted)
    copies = sum(n - 1 for key, n in seen.items() if key in wanted)
    return extra + copies, len(wanted - set(seen))
