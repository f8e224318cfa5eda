"""Extraction: page bytes to article fields, pure functions run without Scrapy (charset, text, dates, bylines, boilerplate, profiles, the article verdict)."""
