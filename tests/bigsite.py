"""A large NDSoft site (hundreds of articles, long paginated sections) for incremental-crawl
figures that a 15-article demo site cannot show; served by `DemoSites(sites=[big_site()])`."""

from __future__ import annotations

import random
from dataclasses import replace

from crawler.demo.content import Article, site_by_name


def _vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    # Random 2-3 syllable Hangul words: distinct stories share few character 5-grams, as real
    # ones do (a small vocabulary would make every article a near-duplicate of every other).
    return [
        "".join(chr(0xAC00 + rng.randrange(11172)) for _ in range(rng.choice((2, 3))))
        for _ in range(size)
    ]


def big_site(n: int = 400, seed: int = 7):
    base = site_by_name("hangang-ilbo")
    rng = random.Random(seed)
    words = _vocabulary(rng)
    sections = list(base.sections)
    articles = []
    for i in range(n):
        day, minute = divmod(i, 24)
        paragraphs = tuple(
            " ".join(rng.choice(words) for _ in range(28)) + f" 기사{i}의 {p}번째 문단이다."
            for p in range(4)
        )
        articles.append(
            Article(
                30000 + i,
                sections[i % len(sections)],
                f"고양 소식 {i}번 {rng.choice(words)} {rng.choice(words)}",
                None,
                "홍길동",
                f"2026-{9 + day // 30:02d}-{1 + day % 30:02d} {minute:02d}:{i % 60:02d}",
                paragraphs,
                email="hong@hangangilbo.co.kr",
            )
        )
    return replace(base, name="big-ilbo", articles=tuple(articles))
