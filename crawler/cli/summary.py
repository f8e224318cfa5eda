"""A run's summary as the commands print it: the per-site table and the one line."""

from __future__ import annotations

import click


def print_summary(summary: dict, *, table: bool) -> None:
    if not summary:
        return
    if table and summary.get("per_site"):
        rows = summary["per_site"]
        width = max(len("site"), *(len(r["site"]) for r in rows))
        header = (
            f"{'site':<{width}}  {'pages':>6}  {'articles':>8}  {'duplicates':>10}  {'errors':>6}"
        )
        click.echo(header)
        click.echo("-" * len(header))
        for r in rows:
            click.echo(
                f"{r['site']:<{width}}  {r['pages']:>6}  {r['articles']:>8}  "
                f"{r['duplicates']:>10}  {r['errors']:>6}"
            )
    # The table is the command's output (stdout, also when piped); the one-line summary goes
    # with the log on stderr, so that cron mails it and a pipe gets only the table.
    click.echo(summary_line(summary), err=True)


CUT_SHORT = {
    "time_limit": "cut short by {detail}",
    "stopped": "stopped by {detail}",
    "budget": "cut short by {detail}",
}


def summary_line(summary: dict) -> str:
    """The run's one line; a run cut short says by what, and that the next run goes on."""
    cut = CUT_SHORT.get(summary["status"])
    why = (
        f" ({cut.format(detail=summary.get('stop_detail') or summary['status'])}; "
        "the next run does the rest)"
        if cut
        else ""
    )
    return (
        f"krnews: run {summary['id']} {summary['status']} in {summary['seconds']}s{why}: "
        f"{summary['pages']} pages, {summary['articles']} new articles, "
        f"{summary['duplicates']} duplicates, {summary['errors']} errors "
        f"(exit {summary['exit_code']})"
    )
