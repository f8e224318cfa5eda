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
