"""The generic rules' finders (crawler/extract/profiles/lookup.py) select exactly what the XPaths they
replaced selected, on every fixture page and on real pages of the corpus."""

from __future__ import annotations

import pytest
from eval_gate import PAGES, UNSEEN, fixtures
from lxml import etree

from crawler.extract.charset import decode_html
from crawler.extract.profiles import generic
from crawler.extract.profiles.lookup import ByClass, ClassContains, page_index
from pipelines.extract import parse_html


def _cls(*words: str) -> str:
    return " or ".join(f'contains(concat(" ",normalize-space(@class)," ")," {w} ")' for w in words)


# The XPaths as they were: the specification the finders are held to.
REFERENCE = {
    "TITLE": (
        '//*[@itemprop="headline"]',
        f"//h1[{_cls(*generic.TITLE_CLASSES)}]",
        f"//h2[{_cls(*generic.TITLE_CLASSES)}]",
        "//article//h1",
        f"//*[{_cls(*generic.HEADLINE_CLASSES)}]",
        "//h1",
        "//h2",
    ),
    "SUBTITLE": (f"//*[{_cls(*generic.SUBTITLE_CLASSES)}]",),
    "DECK_AFTER_HEADLINE": (
        (
            "//h1/following-sibling::*[1][self::h2 or self::h3 or self::p or self::div]"
            '[not(.//a)][contains(@class,"sub") or contains(@class,"deck") or self::h2]'
        ),
        (
            "//header[.//h1 or .//h2]/following-sibling::*[1][self::p or self::div or self::h3]"
            '[not(.//a)][contains(@class,"sub") or contains(@class,"deck")]'
        ),
    ),
    "BYLINE": (
        '//*[@itemprop="author"]',
        '//*[@rel="author"]',
        f"//*[{_cls(*generic.BYLINE_CLASSES)}]",
        (
            '//*[@class or @id][contains(@class,"info") or contains(@id,"info") '
            'or contains(@class,"byline")]'
        ),
    ),
    "DATELINE": (
        "//time/@datetime",
        '//*[@itemprop="datePublished"]/@content',
        f"//*[{_cls(*generic.DATE_CLASSES)}]",
        (
            '//*[@class or @id][contains(@class,"date") or contains(@id,"date") '
            'or contains(@class,"info") or contains(@id,"info")]'
        ),
    ),
    "BODY": (
        '//*[@itemprop="articleBody"]',
        "//*[" + " or ".join(f'@id="{i}"' for i in generic.BODY_IDS) + "]",
        f"//*[{_cls(*generic.BODY_CLASSES)}]",
    ),
}

SNIPPETS = [
    """<html><body><header class="top"><h1 class="logo">사이트</h1></header>
    <h1 class="title entry-title">고양시 축제 개막</h1><p class="sub_tit">부제목</p>
    <div class="art_info"><span class="writer">홍길동 기자</span><time datetime="2024-05-12">
    </time></div><div itemprop="articleBody" id="articleBody" class="article-body x">본문</div>
    <a rel="author" href="/a">홍길동</a><span itemprop="author">홍길동</span>
    <div id="dateinfo" class="  date  "><meta itemprop="datePublished" content="2024-05-12">
    </div><!-- comment --><article><h1>기사 제목</h1><h2>소제목</h2></article></body></html>""",
    "<html><body><p>no classes at all</p></body></html>",
]


def _pages():
    docs = [parse_html(s) for s in SNIPPETS]
    for root in (PAGES, UNSEEN):
        for fixture in fixtures(root):
            text, _ = decode_html(fixture.body, fixture.headers)
            docs.append(parse_html(text))
    return docs


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_finders_select_what_the_xpaths_selected(name):
    finders = getattr(generic, name)
    assert len(finders) == len(REFERENCE[name])
    for doc in _pages():
        for finder, expr in zip(finders, REFERENCE[name], strict=True):
            want = [str(v) if isinstance(v, str) else v for v in etree.XPath(expr)(doc)]
            got = [str(v) if isinstance(v, str) else v for v in finder(doc)]
            assert got == want, (name, expr)


def test_tokens_are_whole_words_and_case_matters():
    doc = parse_html(
        '<html><body><div class="article-body-wrap">a</div><div class="Article-Body">b</div>'
        '<div class="x\tarticle-body\n">c</div></body></html>'
    )
    assert [el.text for el in ByClass("article-body")(doc)] == ["c"]
    assert [el.text for el in ClassContains(("article-body",))(doc)] == ["a", "c"]


def test_one_walk_per_page():
    doc = parse_html('<html><body><p class="date">2024</p></body></html>')
    assert page_index(doc) is page_index(doc)
    assert page_index(doc.find("body")) is page_index(doc)  # any element reads its document


def _profile_rules():
    from crawler.extract.profiles import PROFILES

    fields = ("title", "subtitle", "byline", "dateline", "section", "body", "remove")
    for profile in PROFILES:
        for name in fields:
            for rule in getattr(profile, name):
                yield profile.name, name, rule


def test_profile_rules_read_from_the_index_select_what_their_xpaths_select():
    docs = _pages()
    compiled = [(p, f, r) for p, f, r in _profile_rules() if not isinstance(r, etree.XPath)]
    assert len(compiled) > 20  # most rules have the common shapes
    for profile, field, rule in compiled:
        expr = rule.source
        for doc in docs:
            assert rule(doc) == etree.XPath(expr)(doc), (profile, field, expr)


def test_the_page_text_is_scanned_once_per_word_list():
    english = page_index(parse_html("<html><body><p>Posted by the editor</p></body></html>"))
    korean = page_index(parse_html("<html><body><p>홍길동 기자 입력 2024.05.12</p></body></html>"))
    assert not english.has_hangul and korean.has_hangul
    assert korean.mentions(("기자",)) and not korean.mentions(("특파원",))
    assert korean._found[("기자",)] is True  # kept for the next fallback that asks
