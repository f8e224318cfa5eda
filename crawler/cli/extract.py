"""`krnews extract`: extract and clean run on saved pages, one JSON object per page."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import click

from crawler.query.terminal import for_terminal


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--url", help="The page's address (for profile detection); one FILE only.")
def extract(files: tuple[str, ...], url: str | None) -> None:
    """Run extract and clean on saved pages and print one JSON object per page."""
    from crawler.extract.charset import CharsetError
    from pipelines.clean import clean_article
    from pipelines.extract import NotAnArticle, extract_page

    if url and len(files) > 1:
        raise click.UsageError("--url gives the address of a single page")
    failed = False
    for name in files:
        path = Path(name)
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        page_url = url or path.resolve().as_uri()
        try:
            article = clean_article(extract_page(raw, page_url))
        except NotAnArticle as exc:
            click.echo(f"krnews: {name}: not an article ({exc})", err=True)
            failed = True
            continue
        except CharsetError as exc:
            click.echo(f"krnews: {name}: cannot decode ({exc})", err=True)
            failed = True
            continue
        article.pop("paragraphs", None)
        article.pop("aliases", None)  # the store's business; the output is the article's columns
        line = json.dumps(article, ensure_ascii=False)
        click.echo(for_terminal(line) if sys.stdout.isatty() else line)
    sys.exit(1 if failed else 0)


command = extract
