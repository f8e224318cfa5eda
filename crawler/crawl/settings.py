"""Scrapy settings: the one place for every tunable (STYLE.md, on Scrapy).

`krnews crawl` and `scrapy crawl news -a sites=sites.toml` both start from here; the CLI only
overrides what its options say (db path, log level, time limit).
"""

from typing import Any

from crawler import __version__

BOT_NAME = "krnews"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
# `scrapy crawl news` is `krnews crawl` (crawler/crawl/commands/crawl.py).
COMMANDS_MODULE = "crawler.crawl.commands"

# An honest User-Agent with a contact URL; a site in sites.toml may set its own `user_agent`, and
# operators set KRNEWS_CONTACT_URL (or the setting) to their own page.
KRNEWS_CONTACT_URL = "https://github.com/kr-news-crawler/kr-news-crawler"
USER_AGENT = f"kr-news-crawler/{__version__} (+{KRNEWS_CONTACT_URL})"

# robots.txt is obeyed by crawler.crawl.middlewares.RobotsMiddleware instead of Scrapy's own: the spider
# needs the file anyway (Sitemap: lines, Crawl-delay), and this way it is fetched once per site.
ROBOTSTXT_OBEY = False

# Politeness: few requests per site at once, a delay between them, adapted to the server's latency.
CONCURRENT_REQUESTS = 64
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
# A site's delay is a floor between its requests (a robots.txt Crawl-delay too): Scrapy's
# jitter (0.5x-1.5x by default) would send every other request early.
DOWNLOAD_DELAY_JITTER = 0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Faults: give up on a silent server, retry 5xx and resets with backoff, cap page size.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
DOWNLOAD_FAIL_ON_DATALOSS = True
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 2
RETRY_BACKOFF_MAX = 60
REDIRECT_MAX_TIMES = 10
# The longest a site may make the crawl wait between its requests (robots.txt Crawl-delay) or
# after a "slow down" (429 / 503 Retry-After), in seconds: crawler.crawl.politeness.
KRNEWS_MAX_CRAWL_DELAY = 30.0
DNS_TIMEOUT = 20
COOKIES_ENABLED = False
# Nothing listens that the user did not ask for: no telnet console, and no remote-control HTTP
# endpoint (Scrapy 2.19 turns it on by default; it runs Python sent to it, and each run leaves a
# token file in ~/.local/state/scrapy/job_files/). `-s REMOTE_CONTROL_ENABLED=1` turns it back on.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Scrapy starts this many asyncio tasks for the output of every response. Our pipelines are
# synchronous, so more than a few buys nothing; at the default 100 the tasks alone cost a sixth of
# the crawl's CPU (profiled on 32 demo sites).
CONCURRENT_ITEMS = 8

DOWNLOADER_MIDDLEWARES = {
    "crawler.crawl.middlewares.RobotsMiddleware": 95,
    "crawler.crawl.middlewares.ConditionalGetMiddleware": 580,
    # Every redirect hop judged before it is followed: loops, off the site, known articles.
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.crawl.redirects.GuardedMetaRefreshMiddleware": 580,
    "crawler.crawl.redirects.GuardedRedirectMiddleware": 600,
    # No private, loopback or link-local address unless the site's home is on one.
    "crawler.crawl.redirects.AddressGuardMiddleware": 96,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.crawl.middlewares.BackoffRetryMiddleware": 550,
}

# What a run asks: an article already stored, or a link gone in an earlier run, is never requested,
# and a site's requests stop at its max_pages.
DUPEFILTER_CLASS = "crawler.crawl.dupefilter.StoredArticleFilter"
# A request is sent as the page wrote its URL; its identity (the duplicate filter's fingerprint)
# is the URL's canonical form: one request per article however its links spell it.
REQUEST_FINGERPRINTER_CLASS = "crawler.crawl.urls.CanonicalFingerprinter"

# The run's ledger (crawler.crawl.ledger) sits next to the spider, so it sees each callback's own output.
SPIDER_MIDDLEWARES = {
    "crawler.crawl.middlewares.LedgerMiddleware": 1100,
}
# Scrapy's HTTP/1.1 handler, with downloads in flight that a stopping run can cancel.
DOWNLOAD_HANDLERS = {
    "http": "crawler.crawl.deadline.StoppableDownloadHandler",
    "https": "crawler.crawl.deadline.StoppableDownloadHandler",
}

EXTENSIONS = {
    # The run's life: the lock, the store, the `runs` row, `fetches` rows, the end of the run.
    "crawler.crawl.run.CrawlRun": 100,
    "crawler.crawl.progress.ProgressLine": 500,
    "crawler.crawl.deadline.RunDeadline": 510,
}
# The time limit of a run (`krnews crawl --max-minutes`), in seconds (0: none). At the limit, or
# on SIGTERM/SIGINT, no new request is made and those in flight get KRNEWS_STOP_GRACE seconds.
# Without one, a run still ends within the hour: a site that paces the crawl (Crawl-delay, "slow
# down") must not hold the store's lock, and every cron run after it, for longer.
KRNEWS_MAX_SECONDS = 3600
KRNEWS_STOP_GRACE = 5.0
# time.monotonic() when the command started (set by crawler.cli.execute_crawl): the time limit
# counts from there.
KRNEWS_STARTED = None
# crawler.crawl.deadline handles SIGTERM and SIGINT (first: stop cleanly; second: at once).
KRNEWS_HANDLE_SIGNALS = True
# The live progress line shows only on a terminal, and never with --quiet.
KRNEWS_PROGRESS = True

ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.clean.CleanPipeline": 200,
    "pipelines.dedup.DedupPipeline": 300,
    "pipelines.store.StorePipeline": 400,
}

# The store (DESIGN.md §4); the CLI passes --db here. Every command's default --db is this one.
KRNEWS_DB = "news.db"
# The sites file `krnews crawl` and `krnews report` read by default (DESIGN.md §3).
KRNEWS_SITES = "sites.toml"
# A line seen in this many stored articles of one site is that site's boilerplate (the clean
# stage; three, not two: one story re-posted in a second section must not teach its own lines).
# Read by boilerplate_min_articles, the same for the clean and the store stage.
KRNEWS_BOILERPLATE_MIN_ARTICLES = 3
# How many list pages deep a section's pagination is followed in one run (the incremental rule
# stops earlier: after a page whose articles are all known).
KRNEWS_MAX_LIST_PAGES = 50
# A link that answered 404/410 is not asked again for this many days.
KRNEWS_GONE_DAYS = 7

LOG_LEVEL = "INFO"
LOG_FORMATTER = "crawler.crawl.logformatter.PageLogFormatter"
# A dropped item is a page that is not an article (a list, a tag page): normal, not a warning.
# Pages lost to a fault (charset, extract errors) are logged by the spider and kept in `fetches`.
DEFAULT_DROPITEM_LOG_LEVEL = "DEBUG"
LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"
FEED_EXPORT_ENCODING = "utf-8"


def boilerplate_min_articles(settings: Any) -> int:
    """KRNEWS_BOILERPLATE_MIN_ARTICLES of the crawl's settings: the one place it is read (the
    clean and the store stage hand it to crawler.store.learned.BoilerplateMemory)."""
    return int(settings.get("KRNEWS_BOILERPLATE_MIN_ARTICLES") or KRNEWS_BOILERPLATE_MIN_ARTICLES)
