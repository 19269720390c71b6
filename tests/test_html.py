"""HTML reader: main text, metadata with provenance, multi-post pages, hostile markup."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.config import Config
from storyline.errors import IngestError
from storyline.ingest.html import html_fragment_text, read_html
from storyline.ingest.readers import read_input
from storyline.model import Published

FIXTURES = Path(__file__).parent / "fixtures" / "readers"
PARA = "<p>" + "The committee reviewed the annual figures and published its findings. " * 4 + "</p>"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def page(body: str, head: str = "", lang: str = "") -> str:
    attr = f' lang="{lang}"' if lang else ""
    return f"<html{attr}><head>{head}</head><body>{body}</body></html>"


# --- main text ---------------------------------------------------------------


def test_article_text_is_plain_paragraphs_without_page_furniture() -> None:
    rec = read_html(fixture("article.html"), "article.html", Config())
    lines = rec.text.split("\n")
    assert lines[1].startswith("The harbour bridge in Port Alden reopened")
    assert lines[-1].startswith("Local businesses on the eastern bank")
    assert len(lines) == 5  # headline + four paragraphs, one per line
    for furniture in (
        "Home",
        "Weather",
        "Share on Facebook",
        "COMMENT-ONE",
        "COMMENT-TWO",
        "TRACKER-SCRIPT-TEXT",
        "INLINE-SCRIPT-TEXT",
        "newsletter",
        "Copyright",
        "By Mira",
        "<",
    ):
        assert furniture not in rec.text
    assert rec.parts == ()


def test_article_metadata_and_provenance() -> None:
    rec = read_html(fixture("article.html"), "article.html", Config())
    assert rec.title == "Harbour bridge reopens after storm repairs"
    assert rec.author == "Mira Okonkwo"
    assert rec.outlet == "The Coastal Ledger"
    # The canonical link is relative and no page URL is known: og:url is used.
    assert rec.url == "https://ledger.example.com/news/harbour-bridge-reopens"
    # The full timestamp from article:published_time, not the modified time.
    assert rec.published == Published("2021-03-14T08:30:00+00:00", "second", "html-meta")
    assert rec.language == "en"
    assert rec.provenance == (
        ("author", "html-meta"),
        ("language", "html-lang"),
        ("outlet", "html-meta"),
        ("published", "html-meta"),
        ("title", "html-meta"),
        ("url", "html-meta"),
    )


def test_relative_canonical_link_resolves_against_the_page_url() -> None:
    rec = read_html(fixture("article.html"), "a", Config(), url="https://ledger.example.com/x?a=1")
    assert rec.url == "https://ledger.example.com/news/harbour-bridge-reopens"


def test_jsonld_timestamp_and_outlet_without_url() -> None:
    rec = read_html(fixture("jsonld.html"), "jsonld.html", Config())
    assert rec.published == Published("2023-09-02T16:45:00-04:00", "second", "html-meta")
    assert rec.author == "Dev Patel"
    assert rec.outlet == "Northfield Notes"  # JSON-LD WebSite name
    assert rec.url is None
    assert "url" not in dict(rec.provenance)


def test_outlet_from_url_host_only_when_url_is_given() -> None:
    html = page("<article><h1>Water prices</h1>" + PARA + PARA + "</article>")
    bare = read_html(html, "p.html", Config())
    assert bare.outlet is None and bare.url is None
    assert "outlet" not in dict(bare.provenance)
    given_url = read_html(html, "p.html", Config(), url="https://www.tidings.example/a/1")
    assert given_url.outlet == "tidings.example"
    assert given_url.url == "https://www.tidings.example/a/1"
    assert dict(given_url.provenance)["outlet"] == "url-host"
    assert dict(given_url.provenance)["url"] == "source-url"


def test_outlet_is_not_the_canonical_host() -> None:
    # trafilatura falls back to the canonical link's host; that is no outlet name.
    head = '<link rel="canonical" href="https://news.example.org/story">'
    rec = read_html(page("<article>" + PARA + PARA + "</article>", head), "p", Config())
    assert rec.url == "https://news.example.org/story"
    assert rec.outlet is None


def test_dates_in_the_body_text_are_never_publication_dates() -> None:
    # trafilatura's date search alone returns 2019-11-04 for this page.
    rec = read_html(fixture("body_date.html"), "body_date.html", Config())
    assert "2019-11-04" in rec.text
    assert rec.published is None
    assert "published" not in dict(rec.provenance)


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ('<span class="date">March 5, 2020</span>', "2020-03-05"),
        ('<time datetime="2020-03-05">5 March</time>', "2020-03-05"),
        ('<abbr class="published" title="2020-03-05">5 Mar</abbr>', "2020-03-05"),
        ("<p>We met on March 5, 2020 at the hall.</p>", None),
    ],
)
def test_day_dates_from_date_markup_only(markup: str, expected: str | None) -> None:
    html = page(f"<article><h1>Budget</h1>{markup}{PARA}{PARA}</article>")
    rec = read_html(html, "p", Config())
    if expected is None:
        assert rec.published is None
    else:
        assert rec.published == Published(expected, "day", "html-meta")


def test_meta_timestamp_beats_day_only_values() -> None:
    head = (
        '<meta name="date" content="2020-03-05">'
        '<meta property="og:published_time" content="2020-03-05T07:10Z">'
    )
    rec = read_html(page("<article>" + PARA + PARA + "</article>", head), "p", Config())
    assert rec.published == Published("2020-03-05T07:10+00:00", "minute", "html-meta")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en-GB", "en"), ("FR", "fr"), ("pt_BR", "pt"), ("", None), ("english", None), ("zho", None)],
)
def test_language_from_html_lang(lang: str, expected: str | None) -> None:
    rec = read_html(page("<article>" + PARA + "</article>", lang=lang), "p", Config())
    assert rec.language == expected
    assert (dict(rec.provenance).get("language") == "html-lang") is (expected is not None)


# --- pages of several posts -------------------------------------------------


def test_blog_page_splits_into_posts_with_their_own_metadata() -> None:
    rec = read_html(fixture("blog.html"), "blog.html", Config(), url="https://valley.example/")
    assert [p.source for p in rec.parts] == ["blog.html#post-1", "blog.html#post-2"]
    first, second = rec.parts
    assert first.title == "River levels fall again"
    assert first.author == "Ana Varga"
    assert first.published == Published("2022-05-12T18:05:00+02:00", "second", "html-meta")
    assert first.url == "https://valley.example/2022/05/river-levels"
    assert "Kessel Bridge" in first.text and "orchards" not in first.text
    assert second.title == "Late blossom in the orchards"
    assert second.author == "Peter Lind"
    assert second.published == Published("2022-05-03", "day", "html-meta")
    assert second.url == "https://valley.example/2022/05/orchard-blossom"
    assert "cherry orchards" in second.text and "Kessel" not in second.text
    for part in rec.parts:
        assert part.outlet == "Valley Field Notes"
        assert part.language == "en"
        assert dict(part.provenance)["published"] == "html-meta"
    # The page keeps all the text; its own metadata comes from its head only.
    assert "Kessel Bridge" in rec.text and "cherry orchards" in rec.text
    assert rec.title == "Field notes from the valley"
    assert rec.author is None and rec.published is None


def test_short_posts_and_teasers_in_asides_are_not_posts() -> None:
    rec = read_html(fixture("blog.html"), "blog.html", Config())
    assert len(rec.parts) == 2
    assert not any("Back next week" in p.text or "mountain pass" in p.text for p in rec.parts)


def test_split_articles_off_gives_one_record() -> None:
    config = Config().replace(html={"split_articles": False})
    rec = read_html(fixture("blog.html"), "blog.html", config)
    assert rec.parts == ()
    assert "Kessel Bridge" in rec.text


def test_nested_articles_do_not_split() -> None:
    # Replies nested inside the story are not separate posts of the page.
    rec = read_html(fixture("nested.html"), "nested.html", Config())
    assert rec.parts == ()
    assert rec.language == "de"


def cards(n: int, cls: str = "card") -> str:
    return "".join(f'<article class="{cls}"><h3>Card {i}</h3>{PARA}</article>' for i in range(n))


MAIN = "<article><h1>Main story</h1>" + PARA * 6 + "</article>"


@pytest.mark.parametrize(
    ("head", "body", "posts"),
    [
        ("", cards(3), 3),
        # A page that says it is one article: the cards are related stories.
        ('<meta property="og:type" content="article">', MAIN + cards(3), 0),
        ('<script type="application/ld+json">{"@type": "NewsArticle"}</script>', cards(3), 0),
        # ... unless it is a live blog, whose updates are posts.
        (
            '<meta property="og:type" content="article"><script type="application/ld+json">'
            '{"@type": ["LiveBlogPosting"], "liveBlogUpdate": []}</script>',
            cards(3),
            3,
        ),
        # One candidate with most of the words: a story with teaser cards.
        ("", MAIN + cards(2), 0),
        # Comments marked up as articles are not posts.
        ("", f'<div>{PARA}</div><ol class="comment-list">{cards(3, "reply")}</ol>', 0),
        ("", cards(3, "comment-body"), 0),
    ],
    ids=["cards", "og-article", "jsonld-article", "live-blog", "dominant", "comments", "comment"],
)
def test_when_a_page_is_split(head: str, body: str, posts: int) -> None:
    rec = read_html(page(body, head), "p", Config())
    assert len(rec.parts) == posts


def test_hentry_divs_split_when_there_are_no_article_elements() -> None:
    posts = "".join(
        f'<div class="hentry"><h2>Post {i}</h2>{PARA}'
        f'<abbr class="published" title="2021-06-0{i}">June {i}</abbr></div>'
        for i in (1, 2, 3)
    )
    rec = read_html(page(posts), "p", Config())
    assert [p.title for p in rec.parts] == ["Post 1", "Post 2", "Post 3"]
    assert [p.published.value for p in rec.parts if p.published] == [
        "2021-06-01",
        "2021-06-02",
        "2021-06-03",
    ]


def test_read_input_dispatches_html() -> None:
    data = (FIXTURES / "article.html").read_bytes()
    (rec,) = list(read_input("article.html", "article.html", data, Config()))
    assert rec.title == "Harbour bridge reopens after storm repairs"


# --- hostile and broken markup ----------------------------------------------


HOSTILE = {
    "onerror": f"<article>{PARA}<img src=x onerror=\"alert('pwned')\"><p>Tail.</p>{PARA}</article>",
    "script": f"<article>{PARA}<script>document.write('evil')</script>{PARA}</article>",
    "svg": f"<article>{PARA}<svg onload=alert(1)><script>alert(2)</script></svg></article>",
    "iframe": f'<article>{PARA}<iframe src="javascript:alert(3)">alert(4)</iframe></article>',
    "comments": f"<!-- alert(5) --><article>{PARA}<!-- alert(6) --></article>",
    "broken": f"<article><p>unclosed <b>bold <i>italic {PARA}<div><span></p></article><<<>>>",
    "huge_attr": f'<article><p title="{"A" * 2_000_000}">x</p>{PARA}</article>',
    "null_bytes": f"<article>{PARA}\x00\x00{PARA}</article>",
    "xml_decl": f"<?xml version='1.0' encoding='iso-8859-1'?><article>{PARA}</article>",
    "ld_json_bomb": '<script type="application/ld+json">' + "[" * 50_000 + "]" * 50_000
    + f"</script><article>{PARA}</article>",
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_markup_gives_plain_text_never_code(name: str) -> None:
    rec = read_html(page(HOSTILE[name]), name, Config())
    assert "The committee reviewed" in rec.text
    for payload in ("alert(", "onerror", "document.write", "<script", "javascript:"):
        assert payload not in rec.text


def test_escaped_markup_stays_literal_text() -> None:
    html = page(f"<article>{PARA}<p>The box showed &lt;script&gt;x()&lt;/script&gt; to all.</p>")
    rec = read_html(html, "p", Config())
    assert "The box showed <script>x()</script> to all." in rec.text


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n ",
        "<html><body></body></html>",
        "<html><frameset><frame src='a.html'></frameset></html>",
        "<html><body><script>only('a script')</script></body></html>",
    ],
    ids=["empty", "blank", "no-body-text", "frameset", "script-only"],
)
def test_pages_without_text_raise_ingest_error(html: str) -> None:
    with pytest.raises(IngestError) as err:
        read_html(html, "bad.html", Config())
    assert err.value.source == "bad.html"
    assert err.value.reason == "no article text found in the HTML"


@pytest.mark.parametrize("before", ["", PARA])
def test_deep_nesting_gives_a_record_or_ingest_error_quickly(before: str) -> None:
    deep = "<div>" * 100_000 + PARA + "</div>" * 100_000
    try:
        rec = read_html(page(before + deep), "deep.html", Config())
    except IngestError as e:
        assert not before  # text before the nesting must survive
        assert e.reason == "no article text found in the HTML"
    else:
        assert "The committee reviewed" in rec.text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            ["<div>", "</div>", "<p>", "</p>", "<article>", "<script>", "</script>", "<!--",
             "-->", "<b", ">", "&amp;", "&#0;", "\x00", "<time datetime='2020-99-99'>",
             "words of text ", "<img onerror=x>", "<![CDATA[", "<meta content='2020'>"]
        ) | st.text(max_size=20),
        max_size=60,
    )
)  # fmt: skip
def test_random_markup_gives_a_record_or_ingest_error(pieces: list[str]) -> None:
    try:
        rec = read_html("".join(pieces), "fuzz", Config())
    except IngestError:
        return
    assert rec.text and rec.text == rec.text.strip()
    assert "\n\n" not in rec.text


# --- fragments ------------------------------------------------------------


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("<p>One &amp; two</p><p>Three</p>", "One & two\nThree"),
        ("<ul><li>a</li><li>b</li></ul>tail", "a\nb\ntail"),
        ("line one<br>line two<br/>line three", "line one\nline two\nline three"),
        ("<p>keep <b>inline</b>  words\n together</p>", "keep inline words together"),
        ("<p>x</p><script>alert(1)</script><style>p{}</style><p>y</p>", "x\ny"),
        ("<img src=x onerror=alert(1)>caption", "caption"),
        ("<p>&lt;script&gt; is text &#169; &nbsp;here</p>", "<script> is text © here"),
        ("Plain text &amp; more\n\nSecond paragraph", "Plain text & more\nSecond paragraph"),
        ("", ""),
        ("   ", ""),
        ("<p></p><div> </div>", ""),
    ],
)
def test_html_fragment_text(fragment: str, expected: str) -> None:
    assert html_fragment_text(fragment) == expected


def test_html_fragment_text_survives_deep_nesting() -> None:
    text = html_fragment_text("<span>" * 50_000 + "deep" + "</span>" * 50_000 + "<p>after</p>")
    assert isinstance(text, str)
