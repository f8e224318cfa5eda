"""Bundled replica Korean local-news sites (four CMS families) with their expected articles."""
