"""The site registry: `sites.toml` (DESIGN.md §3) loaded and checked before any request."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_LIST_KEYS = ("feeds", "sitemaps", "sections")
_KNOWN_KEYS = {"name", "home", "profile", "charset", "max_pages", "user_agent", *_LIST_KEYS}
DEFAULT_MAX_PAGES = 2000


class ConfigError(ValueError):
    """A sites.toml that cannot be used; the message names the file, the site and the reason."""


@dataclass(frozen=True)
class Site:
    name: str
    home: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    profile: str = "auto"
    charset: str | None = None
    max_pages: int = DEFAULT_MAX_PAGES
    user_agent: str | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.home).hostname or ""


@dataclass(frozen=True)
class Config:
    sites: tuple[Site, ...]
    path: Path | None = None
    # Top-level tables other than [[site]] (e.g. [crawl], [report]) for the modules that read them.
    extra: dict = field(default_factory=dict)


def _known_profiles() -> set[str]:
    from crawler.extract.profiles import profile_names

    return set(profile_names()) | {"auto"}


def _check_url(value: object, where: str, key: str) -> str:
    if not isinstance(value, str) or urlsplit(value).scheme not in ("http", "https"):
        raise ConfigError(f"{where}: {key} must be an http(s) URL, got {value!r}")
    if not urlsplit(value).hostname:
        raise ConfigError(f"{where}: {key} has no host: {value!r}")
    return value


def _site(raw: object, index: int, source: str, profiles: set[str]) -> Site:
    where = f"{source}: site #{index + 1}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: each [[site]] must be a table")
    name = raw.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise ConfigError(f"{where}: name must match [a-z0-9-]+ (got {name!r})")
    where = f"{source}: site {name!r}"
    unknown = set(raw) - _KNOWN_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    if "home" not in raw:
        raise ConfigError(f"{where}: missing home URL")
    home = _check_url(raw["home"], where, "home")
    lists: dict[str, tuple[str, ...]] = {}
    for key in _LIST_KEYS:
        values = raw.get(key, [])
        if not isinstance(values, list):
            raise ConfigError(f"{where}: {key} must be a list of URLs")
        lists[key] = tuple(_check_url(v, where, key) for v in values)
    profile = raw.get("profile", "auto")
    if profile not in profiles:
        raise ConfigError(
            f"{where}: unknown profile {profile!r} (known: {', '.join(sorted(profiles))})"
        )
    charset = raw.get("charset")
    if charset is not None:
        import codecs

        try:
            codecs.lookup(charset)
        except (LookupError, TypeError):
            raise ConfigError(f"{where}: unknown charset {charset!r}") from None
    max_pages = raw.get("max_pages", DEFAULT_MAX_PAGES)
    if not isinstance(max_pages, int) or isinstance(max_pages, bool) or max_pages < 1:
        raise ConfigError(f"{where}: max_pages must be a positive integer")
    user_agent = raw.get("user_agent")
    if user_agent is not None and not isinstance(user_agent, str):
        raise ConfigError(f"{where}: user_agent must be a string")
    return Site(
        name,
        home,
        profile=profile,
        charset=charset,
        max_pages=max_pages,
        user_agent=user_agent,
        **lists,
    )


# Top-level tables besides [[site]], each read by its own module (checked with `check_table`).
KNOWN_TABLES = ("crawl", "report")
_NOUNS = {
    bool: "true or false",
    str: "a string",
    int: "a whole number >= 0",
    float: "a number >= 0",
}


def check_table(where: str, table: object, kinds: Mapping[str, type]) -> dict:
    """A table of options checked against {key: bool | str | int | float}; an unknown key or a
    value of the wrong kind is a ConfigError that names the key."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    checked = {}
    for key, value in table.items():
        if key not in kinds:
            known = ", ".join(sorted(kinds))
            raise ConfigError(f"{where}: unknown key {key!r} (known: {known})")
        kind = kinds[key]
        if kind in (bool, str):
            ok = isinstance(value, kind)
        else:  # bool is an int subclass, and `stale_hours = true` is a typo, not a number
            numeric = (int,) if kind is int else (int, float)
            ok = isinstance(value, numeric) and not isinstance(value, bool) and value >= 0
        if not ok:
            raise ConfigError(f"{where}: {key} must be {_NOUNS[kind]}, got {value!r}")
        checked[key] = kind(value)
    return checked


def parse_config(text: str, source: str = "sites.toml") -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    raw_sites = data.pop("site", None)
    unknown = set(data) - set(KNOWN_TABLES)
    if unknown:
        raise ConfigError(
            f"{source}: unknown table(s) {', '.join(sorted(unknown))} "
            f"(known: [[site]], {', '.join(f'[{t}]' for t in KNOWN_TABLES)})"
        )
    if not raw_sites or not isinstance(raw_sites, list):
        raise ConfigError(f"{source}: no [[site]] tables")
    profiles = _known_profiles()
    sites = [_site(raw, i, source, profiles) for i, raw in enumerate(raw_sites)]
    seen: set[str] = set()
    for site in sites:
        if site.name in seen:
            raise ConfigError(f"{source}: site {site.name!r}: duplicate name")
        seen.add(site.name)
    return Config(tuple(sites), extra=data)


def load_config(path: str | Path) -> Config:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 ({exc.reason})") from None
    config = parse_config(text, str(path))
    return Config(config.sites, path, config.extra)
