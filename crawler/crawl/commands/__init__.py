"""Scrapy commands of the project (COMMANDS_MODULE): `scrapy crawl news` is `krnews crawl`."""
