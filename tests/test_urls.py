from crawler.crawl.urls import canonical_url, same_site


def test_tracking_parameters_and_fragment_dropped_id_kept():
    url = "http://Example.kr/news/articleView.html?utm_source=fb&idxno=1234&fbclid=x#comment"
    assert canonical_url(url) == "http://example.kr/news/articleView.html?idxno=1234"


def test_query_sorted_so_spellings_agree():
    a = canonical_url("http://x.kr/sub_read.html?uid=77&section=sc3")
    b = canonical_url("http://x.kr/sub_read.html?section=sc3&uid=77")
    assert a == b


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
