import pytest

from crawler.crawl.sites import ConfigError, load_config, parse_config

GOOD = """
[[site]]
name = "goyang-ilbo"
home = "https://www.example.kr/"

[[site]]
name = "newsview"
home = "http://127.0.0.12:8080/"
charset = "cp949"
max_pages = 50
feeds = ["http://127.0.0.12:8080/rss.xml"]

[report]
stale_hours = 48
"""


def test_good_config_with_defaults_and_extra_tables():
    config = parse_config(GOOD)
    first, second = config.sites
    assert (first.name, first.profile, first.max_pages, first.feeds) == (
        "goyang-ilbo",
        "auto",
        2000,
        (),
    )
    assert second.charset == "cp949" and second.max_pages == 50 and second.host == "127.0.0.12"
    assert config.extra == {"report": {"stale_hours": 48}}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('[[site]]\nname = "a"\n', "site 'a': missing home URL"),
        (
            '[[site]]\nname = "a"\nhome = "http://x/"\n[[site]]\nname = "a"\nhome = "http://y/"\n',
            "site 'a': duplicate name",
        ),
        (
            '[[site]]\nname = "a"\nhome = "http://x/"\nprofile = "nope"\n',
            "site 'a': unknown profile 'nope'",
        ),
        ('[[site]]\nname = "a"\nhome = "http://x/\n', "not valid TOML"),
        ('[[site]]\nname = "A B"\nhome = "http://x/"\n', "name must match"),
        ('[[site]]\nname = "a"\nhome = "ftp://x/"\n', "home must be an http(s) URL"),
        ('[[site]]\nname = "a"\nhome = "http://x/"\ncharset = "klingon"\n', "unknown charset"),
        ('[[site]]\nname = "a"\nhome = "http://x/"\nmax_page = 3\n', "unknown key(s) max_page"),
        ("", "no [[site]] tables"),
    ],
)
def test_bad_config_names_file_site_and_reason(text, reason):
    with pytest.raises(ConfigError) as info:
        parse_config(text, "my-sites.toml")
    assert str(info.value).startswith("my-sites.toml: ")
    assert reason in str(info.value)


def test_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "absent.toml")
    bad = tmp_path / "cp949.toml"
    bad.write_bytes('[[site]]\nname = "a"\nhome = "http://x/"\n# 고양\n'.encode("cp949"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(bad)


def test_unknown_top_level_table_is_rejected():
    with pytest.raises(ConfigError, match=r"unknown table\(s\) crawel"):
        parse_config('[crawel]\ndownload_delay = 1\n[[site]]\nname = "a"\nhome = "http://x/"\n')


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        (float, "fast", "must be a number >= 0"),
        (float, -1, "must be a number >= 0"),
        (int, 2.5, "must be a whole number >= 0"),
        (float, True, "must be a number >= 0"),
        (bool, 1, "must be true or false"),
        (str, 3, "must be a string"),
    ],
)
def test_check_table_names_the_key_and_the_kind(kind, value, message):
    from crawler.crawl.sites import check_table

    with pytest.raises(ConfigError, match=f"x.toml: \\[t\\]: key {message}"):
        check_table("x.toml: [t]", {"key": value}, {"key": kind})
    assert check_table("x.toml: [t]", {}, {"key": kind}) == {}
