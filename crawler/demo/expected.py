"""The expected article records, made from the same content as the pages.

`python -m crawler.demo.expected` rewrites crawler/demo/expected.json; a test fails when it is stale.
"""

from __future__ import annotations

import json
from pathlib import Path

from crawler.demo.content import SITES, Article, Site, iso
from crawler.demo.families import family_of

EXPECTED_JSON = Path(__file__).with_name("expected.json")


def expected_record(site: Site, article: Article) -> dict:
    family = family_of(site)
    return {
        "site": site.name,
        "path": family.article_path(site, article),
        "title": article.title,
        "subtitle": article.subtitle,
        "author": article.author,
        "author_email": article.email,
        "published": iso(article.published),
        "updated": iso(article.updated),
        "section": site.sections[article.section],
        "body": article.body,
        "images": [
            {"path": path, "caption": photo.caption}
            for path, photo in zip(family.image_paths(site, article), article.photos, strict=True)
        ],
        "dup_group": article.dup_group,
    }


def expected_records() -> list[dict]:
    return [expected_record(site, article) for site in SITES for article in site.articles]


def expected_json_text() -> str:
    return json.dumps(expected_records(), ensure_ascii=False, indent=1) + "\n"


def main() -> None:
    EXPECTED_JSON.write_text(expected_json_text(), encoding="utf-8")
    print(f"wrote {len(expected_records())} records to {EXPECTED_JSON}")


if __name__ == "__main__":
    main()
