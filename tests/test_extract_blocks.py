"""Body element to paragraphs and images (crawler/extract/profiles/blocks.py)."""

from __future__ import annotations

import pytest
from lxml import html

from crawler.extract.profiles import blocks, generic
from pipelines.extract import NotAnArticle, extract_page


def body(markup: str) -> html.HtmlElement:
    return html.fragment_fromstring(f"<div id='b'>{markup}</div>")


def test_br_and_blocks_split_paragraphs_inline_markup_does_not() -> None:
    root = body("첫 <b>문단</b>입니다.<br><br>둘째&nbsp; 문단<p>셋째 <a href='#'>링크</a> 문단</p>")
    assert blocks.text_blocks(root) == ["첫 문단입니다.", "둘째 문단", "셋째 링크 문단"]


def test_prune_drops_widgets_hidden_parts_and_scripts_but_keeps_the_root() -> None:
    root = body(
        "<p>본문</p><div class='share-box'>페이스북</div><div style='display: none'>숨김</div>"
        "<script>var x = 1;</script><div class='view_copyright'>저작권자</div>"
        "<!-- 주석 --><ins class='adsbygoogle'></ins><p>끝</p>"
    )
    root.set("class", "article comment-free")
    blocks.prune(root)
    assert blocks.text_blocks(root) == ["본문", "끝"]


def test_images_take_their_captions_out_of_the_text() -> None:
    root = body(
        "<figure><img data-src='/p/1.jpg' src='data:image/gif;base64,R0l'>"
        "<figcaption>사진 설명 하나</figcaption></figure>"
        "<table><tr><td><img src='2.jpg'></td></tr><tr><td>사진 설명 둘</td></tr></table>"
        "<img src='/img/btn_print.gif'><img src='/p/3.jpg' width='1' height='1'>"
        "<p>본문</p>"
    )
    images = blocks.take_images(root, "http://x.kr/news/a.html", generic.CAPTIONS)
    assert images == [
        {"url": "http://x.kr/p/1.jpg", "caption": "사진 설명 하나"},
        {"url": "http://x.kr/news/2.jpg", "caption": "사진 설명 둘"},
    ]
    assert blocks.text_blocks(root) == ["본문"]


@pytest.mark.parametrize("raw", [b"", b"   ", b"<html></html>"])
def test_empty_or_broken_bytes_are_not_articles(raw: bytes) -> None:
    with pytest.raises(NotAnArticle) as caught:
        extract_page(raw, "http://x.kr/news/articleView.html?idxno=1", {})
    assert caught.value.reason in {"broken_html", "no_title", "no_body"}


_STORY = "<p>" + "시의회는 9일 본회의를 열어 내년도 예산안을 의결했다. " * 8 + "</p>"


def test_prune_drops_small_widgets_a_named_body_nests_by_their_furniture_words() -> None:
    # An author box, a tag list and a print button inside "entry-content": DOM_WORDS miss them
    # ("post-author", "mvp-post-tags", "wprm-recipe-print"), the density walk's words do not.
    root = body(
        _STORY + "<div class='post-author'><p><strong>Über den Autor</strong></p>"
        "<p>Christoph schreibt hier über das Angeln.</p></div>"
        "<div class='mvp-post-tags'><span>Related Topics</span><a href='/t'>Games</a></div>"
        "<p><a class='wprm-recipe-print'>Rezept drucken</a></p>"
    )
    blocks.prune(root)
    assert blocks.text_blocks(root) == [_STORY[3:-4].strip()]


def test_prune_keeps_story_sections_whose_class_names_an_ad_slot_or_a_toc_entry() -> None:
    # "TestReport__Section--Ads", id "TOC_TITLE_2": sections of the story that carry an ad slot
    # or a table-of-contents anchor; their prose is text. A section past a share of the body
    # is never a widget either.
    root = body(
        _STORY + "<section class='TestReport__Section--Ads'>" + _STORY + "</section>"
        "<div class='content_body' id='TOC_TITLE_2'>" + _STORY + "</div>" + _STORY * 4
    )
    blocks.prune(root)
    assert len(blocks.text_blocks(root)) == 7
