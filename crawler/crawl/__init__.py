"""The crawl: Scrapy settings, the site registry, the run's life (lock, extension, ledger, deadline), middlewares, dupefilter, URL rules, reasons and exit codes."""
