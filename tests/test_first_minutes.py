"""The first ten minutes (issue 13): the example config loads, README's commands paste as they
are, the report's format follows the file name."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from test_report_data import build_scenario

from crawler.cli import main
from crawler.crawl.sites import load_config
from crawler.query.report.build import format_for
from crawler.query.report.config import load_config as load_report_config

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_example_sites_toml_loads_with_its_report_table():
    config = load_config(ROOT / "sites.example.toml")
    assert [site.name for site in config.sites] == ["goyang-ilbo", "paju-times", "newsview"]
    thresholds, names = load_report_config(ROOT / "sites.example.toml")
    assert thresholds.stale_hours == 48 and names == ["goyang-ilbo", "paju-times", "newsview"]
    assert "sites.example.toml" in README


def test_readme_commands_after_the_quick_start_use_the_venv():
    after = README[README.index("## Quick start") :]
    blocks = re.findall(r"```(?:sh|cron)\n(.*?)```", after, re.DOTALL)
    commands = [line for block in blocks for line in block.splitlines() if line.strip()]
    bare = [c for c in commands if re.search(r"(^|[\s;&])(krnews|datasette|scrapy) ", c)]
    assert commands and bare == [], bare
    assert "fonts-noto-cjk" in README


def test_report_format_follows_the_file_name(tmp_path):
    assert [format_for(Path(n)) for n in ("r.md", "r.html", "r.json", "r.txt", "r")] == [
        "md", "html", "json", "text", "text",
    ]  # fmt: skip
    assert format_for(None) == "text"
    build_scenario(tmp_path / "news.db").close()
    out = tmp_path / "r.md"
    result = CliRunner().invoke(
        main, ["report", "--db", str(tmp_path / "news.db"), "-o", str(out), "--since", "30d"]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Crawl status") and "| status | site |" in text
