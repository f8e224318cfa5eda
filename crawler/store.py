"""The SQLite store (DESIGN.md §4): schema, migrations, one transaction per article.

CONTRACT (other modules build against these names; keep them):
    Store(path)                       open (create) the db: WAL, foreign keys, migrations applied
    Store.db                          the sqlite_utils.Database
    Store.save_article(article)       -> (article_id, stored: bool); one transaction: article row,
                                      images, dedup state, FTS; re-saving an unchanged article
                                      changes nothing and returns stored=False
    Store.known_urls(site)            -> set of article URLs already stored for the site
    Store.start_run(sites, pid)       -> run_id (row in `runs`, status 'running')
    Store.finish_run(run_id, status, exit_code, counts: dict)
    Store.record_fetch(run_id, site, url, kind, status=None, error=None)
    Store.record_site_run(run_id, site, pages=0, articles=0, duplicates=0, errors=0)
    Store.upsert_site(name, home, profile=None, success=False)
    Store.http_cache_get(url) / http_cache_put(url, etag, last_modified)
    Store.close()

The `article` dict passed to save_article has the `articles` columns of DESIGN.md §4 except id,
dup_of, similarity (dedup computes those) plus `images`: [{"url", "caption"}] and whatever the
dedup stage adds (see pipelines/dedup.py).
"""
