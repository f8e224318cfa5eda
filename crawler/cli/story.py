"""`krnews story ID|URL`: the versions of one story in time order, and what each added and cut
against the first (sentence by sentence, crawler/store/sentences.py), in the terminal, as JSON
or as a side-by-side HTML page. Reads the store on a plain read-only sqlite3 connection."""

from __future__ import annotations

import html
import json
from pathlib import Path

import click

from crawler.crawl.settings import KRNEWS_DB
from crawler.query.terminal import for_terminal
from crawler.store import reuse, sentences
from crawler.store.reader import StoreMissingError, open_read_only


def _story_of(conn, ref: str) -> int | None:
    if ref.isdigit():
        row = conn.execute("SELECT coalesce(dup_of, id) FROM articles WHERE id = ?", [int(ref)])
    else:
        row = conn.execute(
            "SELECT coalesce(dup_of, id) FROM articles WHERE url = ? UNION ALL "
            "SELECT coalesce(a.dup_of, a.id) FROM url_aliases u JOIN articles a "
            "ON a.id = u.article_id WHERE u.alias = ? LIMIT 1",
            [ref, ref],
        )
    found = row.fetchone()
    return found[0] if found else None


def diff(first: list[str], version: list[str], found: sentences.Alignment) -> list[tuple]:
    """(kind, first sentence or None, version sentence or None) in reading order: matched
    sentences side by side (kind "="), cut ones ("-") where they stood in the first."""
    out: list[tuple] = []
    matched = {j: i for i, j in found.pairs}
    used = {i for i, _ in found.pairs}
    shown = 0  # first sentences up to here are shown
    for j, text in enumerate(version):
        i = matched.get(j)
        if i is None:
            out.append(("+", None, text))
            continue
        for k in range(shown, i):
            if k not in used:
                out.append(("-", first[k], None))
        shown = max(shown, i + 1)
        out.append(("=", first[i], text))
    out += [("-", first[k], None) for k in range(shown, len(first)) if k not in used]
    return out


def story_data(conn, story: int) -> dict:
    """The story's versions in time order, each with its figures and its diff to the first."""
    found = conn.execute(
        "SELECT id, site, published, fetched_at, title, url, body FROM articles "
        "WHERE id = ? OR dup_of = ?",
        [story, story],
    ).fetchall()
    by_id = {r[0]: r for r in found}
    ordered = reuse.order(conn, [r[:4] for r in found])
    first = by_id[ordered[0].id]
    first_sentences = sentences.split(first[6])
    versions = []
    for position, v in enumerate(ordered):
        _, site, published, _, title, url, body = by_id[v.id]
        mine = sentences.split(body)
        aligned = sentences.align(first_sentences, mine)
        versions.append(
            {
                "article_id": v.id,
                "site": site,
                "title": title,
                "published": published,
                "url": url,
                "position": position,
                "order_basis": v.basis,
                "lag_minutes": reuse.minutes_after(ordered[0], v),
                "sentences": len(mine),
                "copied_share": round(aligned.copied_share, 4),
                "kept_share": round(aligned.kept_share, 4),
                "headline_only": position > 0
                and aligned.exact
                and sentences.key(title or "") != sentences.key(first[4] or ""),
                "diff": diff(first_sentences, mine, aligned) if position else [],
            }
        )
    return {"story": story, "first_id": first[0], "versions": versions}


@click.command("story")
@click.argument("ref", metavar="ID|URL")
@click.option("--db", default=KRNEWS_DB, show_default=True, help="The store to read.")
@click.option("--json", "as_json", is_flag=True, help="The versions and their diffs as JSON.")
@click.option(
    "--html", "html_file", type=click.Path(dir_okay=False, path_type=Path),
    help="Write the versions side by side to this HTML file.",
)  # fmt: skip
def story_command(ref: str, db: str, as_json: bool, html_file: Path | None) -> None:
    """One story's versions in time order: who ran it first, what each copied, added and cut.

    Sentences a version added against the first are marked "+", those it cut "-".
    """
    try:
        conn = open_read_only(Path(db))
    except StoreMissingError:
        raise click.UsageError(f"no store at {db}") from None
    try:
        story = _story_of(conn, ref)
        if story is None:
            raise click.UsageError(f"no article {ref!r} in {db}")
        data = story_data(conn, story)
    finally:
        conn.close()
    if html_file is not None:
        html_file.write_text(render_html(data), encoding="utf-8")
    if as_json:
        for v in data["versions"]:
            v["added"] = [t for kind, _, t in v["diff"] if kind == "+"]
            v["cut"] = [t for kind, t, _ in v["diff"] if kind == "-"]
            del v["diff"]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif html_file is None:
        _echo(data)


def _line(text: str | None) -> str:
    return for_terminal(text, keep_newlines=False)


def _echo(data: dict) -> None:
    versions = data["versions"]
    click.echo(click.style(f"story {data['story']}: {len(versions)} versions", bold=True))
    for v in versions:
        when = (v["published"] or "no published time")[:16]
        lag = "first" if v["position"] == 0 else f"+{v['lag_minutes'] or 0} min"
        head = f"[{v['position'] + 1}] {v['article_id']}  {_line(v['site'])}  {when}  {lag}"
        click.echo(f"\n{click.style(head, bold=True)}  ({v['order_basis']})")
        click.echo(f"    {_line(v['title'])}\n    {_line(v['url'])}")
        if v["position"] == 0:
            continue
        added = sum(kind == "+" for kind, *_ in v["diff"])
        cut = sum(kind == "-" for kind, *_ in v["diff"])
        note = "  headline only" if v["headline_only"] else ""
        click.echo(
            f"    copied {v['copied_share']:.0%}  kept {v['kept_share']:.0%}  "
            f"added {added}  cut {cut}{note}"
        )
        for kind, old, new in v["diff"]:
            if kind == "+":
                click.echo(click.style(f"  + {_line(new)}", fg="green"))
            elif kind == "-":
                click.echo(click.style(f"  - {_line(old)}", fg="red"))


_CSS = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%;"
    "margin-bottom:2em}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;"
    "width:50%}.add{background:#e6ffec}.cut{background:#ffebe9}"
)


def render_html(data: dict) -> str:
    """The first version beside each other one, sentence by sentence; all page text escaped."""
    esc = html.escape
    versions = data["versions"]
    first = versions[0]
    parts = [
        "<!doctype html><html lang='ko'><head><meta charset='utf-8'>",
        f"<title>story {data['story']}</title><style>{_CSS}</style></head><body>",
        f"<h1>story {data['story']}: {len(versions)} versions</h1>",
    ]
    for v in versions[1:]:
        parts.append(
            f"<h2>{esc(v['site'])} +{v['lag_minutes'] or 0} min: copied {v['copied_share']:.0%}, "
            f"kept {v['kept_share']:.0%}</h2><table><tr><th>{esc(first['site'])}: "
            f"{esc(first['title'] or '')}</th><th>{esc(v['site'])}: {esc(v['title'] or '')}"
            "</th></tr>"
        )
        for kind, old, new in v["diff"]:
            left = "cut" if kind == "-" else ""
            right = "add" if kind == "+" else ""
            parts.append(
                f"<tr><td class='{left}'>{esc(old or '')}</td>"
                f"<td class='{right}'>{esc(new or '')}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


command = story_command
