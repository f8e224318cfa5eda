from crawler.crawl.urls import canonical_url, request_url, same_site, url_key


def test_tracking_parameters_and_fragment_dropped_id_kept():
    url = "http://Example.kr/news/articleView.html?utm_source=fb&idxno=1234&fbclid=x#comment"
    assert canonical_url(url) == "http://example.kr/news/articleView.html?idxno=1234"


def test_spellings_that_differ_in_order_are_one_identity_and_the_stored_url_keeps_the_order():
    a = "http://x.kr/sub_read.html?uid=77&section=sc3"
    b = "http://x.kr/sub_read.html?section=sc3&uid=77"
    assert url_key(a) == url_key(b)
    # the stored URL opens the page on a server that answers only the order it links
    assert canonical_url(a) == a and canonical_url(b) == b


def test_a_link_is_requested_as_a_browser_sends_it():
    cases = {
        # entities decoded (a feed's CDATA keeps them), fragment dropped, nothing reordered
        "http://x.kr/v.php?uid=3&amp;section=sc1#top": "http://x.kr/v.php?uid=3&section=sc1",
        # a raw space escaped, a stray % kept as the browser keeps it, a bare key kept bare
        "http://x.kr/a b.php?q=1 2&x=%zz&news&id=3": "http://x.kr/a%20b.php?q=1%202&x=%zz&news&id=3",
        # raw Hangul: path as UTF-8; an escaped slug left as the page wrote it (lower-case hex)
        "http://x.kr/2026/11/02/고양시-축제/": "http://x.kr/2026/11/02/"
        "%EA%B3%A0%EC%96%91%EC%8B%9C-%EC%B6%95%EC%A0%9C/",
        "http://x.kr/%ea%b3%a0/?p=1": "http://x.kr/%ea%b3%a0/?p=1",
        # list context and tracking parameters are sent: only identity drops them
        "http://x.kr/bbs/board.php?wr_id=5&bo_table=news&page=2&utm_source=fb": (
            "http://x.kr/bbs/board.php?wr_id=5&bo_table=news&page=2&utm_source=fb"
        ),
    }
    for linked, sent in cases.items():
        assert request_url(linked) == sent, linked
    # a query in a cp949 page is sent in the page's encoding, as a browser does
    assert (
        request_url("http://x.kr/list.php?sca=정치", "cp949")
        == "http://x.kr/list.php?sca=%C1%A4%C4%A1"
    )


def test_identity_keeps_a_query_in_another_charset_byte_for_byte():
    url = "http://x.kr/list.php?sca=%C1%A4%C4%A1&page=2"
    assert canonical_url(url) == url
    assert canonical_url("http://x.kr/v.php?news&id=3") == "http://x.kr/v.php?news&id=3"


def test_hangul_slug_escaped_uniformly():
    raw = canonical_url("http://x.kr/2026/11/02/고양시-축제/")
    escaped = canonical_url(
        "http://x.kr/2026/11/02/%EA%B3%A0%EC%96%91%EC%8B%9C-%EC%B6%95%EC%A0%9C/"
    )
    assert raw == escaped and "%EA%B3%A0" in raw


def test_same_site_www_and_subdomains():
    assert same_site("http://www.x.kr/a", "x.kr") and same_site("http://m.x.kr/a", "www.x.kr")
    assert not same_site("http://y.kr/a", "x.kr") and not same_site(
        "http://127.0.0.12:80/", "127.0.0.11"
    )


def test_list_context_dropped_from_an_article_url_kept_on_a_list_url():
    article = "http://x.kr/bbs/board.php?bo_table=news&wr_id=12"
    for extra in (
        "&page=2",
        "&sca=%EC%A0%95%EC%B9%98",
        "&sfl=wr_subject&stx=고양&sop=and",
        "&spt=-1",
    ):
        assert canonical_url(article + extra + "&gclid=abc") == article
    assert canonical_url("http://x.kr/news/news_view.php?no=2041&section=1&page=3") == (
        "http://x.kr/news/news_view.php?no=2041&section=1"
    )
    listing = "http://x.kr/bbs/board.php?bo_table=news&page=2&sca=%EC%A0%95%EC%B9%98"
    assert canonical_url(listing) == listing


def test_links_join_as_urljoin_does():
    """spiders.links joins "/path" links without urljoin's parse; the result must not differ."""
    from urllib.parse import urljoin, urlsplit

    from spiders.links import _joined

    bases = [
        "http://127.0.0.51:8080/news/articleList.html?sc_section_code=S1N1&view_type=sm",
        "https://www.예시신문.kr/고양시-축제/",
        "http://host.kr",
        "http://host.kr?x=1",
    ]
    hrefs = [
        "/news/articleView.html?idxno=123",
        "/고양시-축제/",
        "/a/../b/./c",
        "//other.kr/x",
        "articleView.html?idxno=5",
        "?page=2",
        "../up.html",
        "http://host.kr/abs#frag",
        "/p?q=1#top",
        "/back\\slash",
        "/a\nb\tc",
        "/a b;p?q=/./x",
    ]
    for base in bases:
        parts = urlsplit(base)
        origin = f"{parts.scheme}://{parts.netloc}"
        for href in hrefs:
            assert _joined(base, origin, href) == urljoin(base, href), (base, href)


def test_same_site_reads_the_host_as_urlsplit_does():
    from urllib.parse import urlsplit

    for url in [
        "http://127.0.0.51:8080/news/1",
        "https://WWW.Host.kr/a",
        "https://user:pw@host.kr:443/a",
        "http://[::1]:80/x",
        "http://m.host.kr",
        "ftp://host.kr/x",
        "http://host.kr?x=1",
        "http://news.host.kr#top",
        "http://other.kr?r=host.kr",
    ]:
        assert same_site(url, "host.kr") == same_site(
            "http://" + (urlsplit(url).hostname or "") + "/", "host.kr"
        ), url
