from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.ingest.posts import find_posts

PARA = "The river rose again overnight and the ferry to the island stayed in its harbour " * 3


def footer(date: str, n: int) -> str:
    return f"{date}\nPosted by islander |\nWeather | ferry, river |\n{n} Comments\n"


def test_footer_style_blog(fixtures) -> None:
    text = (fixtures / "articles" / "harvest-blog.txt").read_text()
    posts = find_posts(text)
    assert len(posts) == 2
    assert posts[0].start == 0 and posts[-1].end == len(text)
    assert posts[0].end == posts[1].start
    assert text[posts[0].start : posts[0].end].rstrip().endswith("Leave a comment")
    assert text[posts[1].start :].startswith("Our neighbour Tomas")


def test_header_style_blog() -> None:
    text = (
        "March 2, 2024 | Posted by islander |\n2 Comments\n" + PARA + "\n"
        "March 1, 2024 | Posted by islander |\n1 Comment\n" + PARA + "\n"
    )
    posts = find_posts(text)
    assert len(posts) == 2
    assert text[posts[1].start :].startswith("March 1, 2024")


def test_single_article_with_dates_is_not_split() -> None:
    # A chronology inside one article: dates on their own lines but no post footers.
    text = "\n".join(f"March {d}, 2024\n{PARA}" for d in (1, 2, 3))
    assert find_posts(text) == []


def test_one_footer_is_not_a_multi_post_page() -> None:
    assert find_posts(PARA + "\n" + footer("March 2, 2024", 3)) == []


def test_posts_need_their_own_words() -> None:
    text = "Short.\n" + footer("March 2, 2024", 1) + "Tiny.\n" + footer("March 1, 2024", 0)
    assert find_posts(text) == []


def test_trailing_text_without_footer_becomes_a_post() -> None:
    text = PARA + "\n" + footer("March 2, 2024", 1) + PARA + "\n" + footer("March 1, 2024", 2)
    text += PARA + "\n"
    assert len(find_posts(text)) == 3


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from([PARA, footer("May 1, 2024", 2), "", "Leave a comment"]), max_size=12
    ).map("\n".join)
)
def test_posts_partition_the_page(text: str) -> None:
    posts = find_posts(text)
    if posts:
        assert posts[0].start == 0 and posts[-1].end == len(text)
        for a, b in zip(posts, posts[1:], strict=False):
            assert a.end == b.start and a.start < a.end
