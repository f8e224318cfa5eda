"""One module per CMS family; each exposes FAMILY, an instance of families.base.Family."""

from __future__ import annotations

from crawler.demo.content import Site
from crawler.demo.families import legacy, modern, ndsoft, wordpress
from crawler.demo.families.base import Family

FAMILIES: dict[str, Family] = {m.FAMILY.name: m.FAMILY for m in (ndsoft, legacy, wordpress, modern)}


def family_of(site: Site) -> Family:
    return FAMILIES[site.family]
