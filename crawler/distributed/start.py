"""Starting a worker: join the run the ingester announced in Redis (its sites file, settings and
run id), then run the crawl's Scrapy components with scrapy-redis's scheduler, the per-site
leased queue and the shared seen set in place of Scrapy's own."""

from __future__ import annotations

import logging
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from crawler.crawl.exits import CrawlAborted
from crawler.distributed.link import CURRENT, EX_UNAVAILABLE, Keys, connect


def limit_seconds(settings: dict) -> float:
    """The run's time limit (KRNEWS_MAX_SECONDS; the default run limit when none)."""
    return float(settings.get("KRNEWS_MAX_SECONDS") or 3600)


def spawn(url: str, token: str, verbose: bool, wait: float) -> subprocess.Popen:
    """A local worker of the run `token`, started before the run is announced (even before
    the ingester has the store's lock): its start-up (Python, Scrapy, the extractor) overlaps
    the ingester's, and it joins once the run is there. The ingester ends it if it never is."""
    args = [sys.executable, "-m", "crawler", "worker", "--redis", url, "--run", token]
    args += ["--wait", str(wait)]
    return subprocess.Popen([*args, "--verbose"] if verbose else args)


def worker_pipelines() -> dict[str, int | None]:
    """The crawl's item pipelines in a worker: extract and clean; dedup and the store are the
    ingester's, and the cleaned article goes to it (Outbox)."""
    from crawler.crawl import settings as base

    return {
        **base.ITEM_PIPELINES,
        "pipelines.dedup.DedupPipeline": None,
        "pipelines.store.StorePipeline": None,
        "crawler.distributed.worker.Outbox": 300,
    }


def worker_settings(url: str, keys: Keys, worker: str, run: dict) -> dict[str, Any]:
    """The Scrapy settings a worker adds to the crawl's own (crawler/crawl/settings.py)."""
    from crawler.crawl import settings as base

    extensions = {**base.EXTENSIONS, "crawler.crawl.run.CrawlRun": None}
    extensions["crawler.distributed.worker.WorkerRun"] = 100
    pipelines = worker_pipelines()
    return {
        **run["settings"],
        "REDIS_URL": url,
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_CLASS": "crawler.distributed.queue.SiteQueue",
        "SCHEDULER_QUEUE_KEY": keys.queue,
        "SCHEDULER_DUPEFILTER_KEY": keys.seen,
        "DUPEFILTER_CLASS": "crawler.distributed.dupefilter.SharedFilter",
        "EXTENSIONS": extensions,
        "ITEM_PIPELINES": pipelines,
        "KRNEWS_RUN_TOKEN": keys.token,
        "KRNEWS_RUN_ID": run["run_id"],
        "KRNEWS_WORKER_ID": worker,
        "KRNEWS_EXPECTED_WORKERS": run["workers"],
        "KRNEWS_PROGRESS": False,
        "KRNEWS_STARTED": time.monotonic() - (time.time() - run["started"]),
    }


def join(client: Any, token: str | None, wait: float) -> tuple[Keys, dict]:
    deadline = time.monotonic() + wait
    while True:
        current = token or (client.get(CURRENT) or b"").decode()
        if current:
            raw = client.hget(Keys(current).run, "run")
            if raw is not None:
                return Keys(current), pickle.loads(raw)
        if time.monotonic() >= deadline:
            raise CrawlAborted("no crawl to join in Redis (start `krnews crawl --redis`)", 0)
        time.sleep(0.1)


def _preload() -> None:
    """Scrapy's and the crawl's components imported before the run is there: a worker the
    ingester starts spends that time while the ingester publishes the store's skip lists."""
    from scrapy.utils.misc import load_object

    from crawler.crawl import settings as base

    pipelines = [path for path, order in worker_pipelines().items() if order is not None]
    handlers = base.DOWNLOAD_HANDLERS.values()
    middlewares = [path for path, order in base.DOWNLOADER_MIDDLEWARES.items() if order is not None]
    for path in [*pipelines, *middlewares, *handlers]:
        load_object(path)


def run_worker(url: str, token: str | None = None, wait: float = 30.0, verbose: bool = False):
    """One worker, to the end of the run; returns its exit code (69: Redis unreachable)."""
    import warnings

    from scrapy.crawler import CrawlerProcess
    from scrapy.exceptions import ScrapyDeprecationWarning
    from scrapy.settings import Settings

    from crawler.crawl.sites import load_config
    from crawler.distributed.worker import WorkerSpider, worker_id

    # scrapy-redis 0.9.1 still passes `spider` to the stats and calls Spider.log()
    warnings.filterwarnings("ignore", category=ScrapyDeprecationWarning, module="scrapy_redis")
    client = connect(url)
    _preload()
    keys, run = join(client, token, wait)
    worker = worker_id()
    client.sadd(keys.workers, worker)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sites.toml"
        path.write_text(run["config"], encoding="utf-8")
        config = load_config(str(path))
    settings = Settings()
    settings.setmodule("crawler.crawl.settings", priority="project")
    for key, value in worker_settings(url, keys, worker, run).items():
        settings.set(key, value, priority="cmdline")
    level = logging.INFO if verbose else logging.WARNING
    settings.set("LOG_LEVEL", logging.getLevelName(level), priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(WorkerSpider)
    failures: list[Any] = []
    process.crawl(crawler, config=config, site=",".join(run["sites"])).addErrback(failures.append)
    process.start(install_signal_handlers=False)
    if failures:
        import redis

        error = failures[0].value
        if isinstance(error, redis.RedisError):
            raise CrawlAborted(f"lost Redis at {url}: {error}", EX_UNAVAILABLE)
        raise CrawlAborted(f"the worker failed to start: {error}", 70)
    return 0
