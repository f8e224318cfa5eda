"""A crawl on several processes or machines (issue 27): Scrapy workers share one frontier and one
seen set through Redis (scrapy-redis's scheduler and dupefilter, with a per-site leased queue),
and send their articles and fetch records to one ingester on a Redis stream, which dedups and
stores them in SQLite as a one-process crawl does. Imported only under `--redis`."""
