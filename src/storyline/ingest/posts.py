"""Split a page that holds several dated posts (a blog front page) into posts.

Stage ``posts.footer.v1``. A post boundary is a *footer block*: a run of
furniture lines that holds a date line and at least one other post-footer line
(a byline such as "Posted by ...", a tag list, a comment counter or prompt).
Blogs put that block after each post (footer style) or before it (header
style); the side with the article text left over decides which. A lone date
line never splits a page: chronologies inside articles stay whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from storyline.ingest.clean import classify_line, dominant_script, load_rules, split_lines

_FOOTER_REASONS = frozenset({"dateline", "byline", "list", "tags", "comments", "share", "counter"})
_MARKERS = frozenset({"byline", "list", "tags", "comments"})
_MIN_POST_WORDS = 30


@dataclass(frozen=True, slots=True)
class PostSpan:
    """One post: ``[start, end)`` of the page text."""

    start: int
    end: int


def find_posts(text: str, *, min_posts: int = 2) -> list[PostSpan]:
    """Cut ``text`` into posts; an empty list when it is not a multi-post page.

    >>> page = ("Words " * 40 + "\\nJanuary 2, 2020\\nPosted by ann |\\n2 Comments\\n") * 2
    >>> [(p.start, p.end) for p in find_posts(page)]
    [(0, 284), (284, 568)]
    """
    lines = split_lines(text)
    rules = load_rules()
    dominant = dominant_script(text)
    reasons = [classify_line(line.text, rules, dominant) for line in lines]

    blocks: list[tuple[int, int]] = []  # line index ranges [first, last]
    i = 0
    while i < len(lines):
        if reasons[i] not in _FOOTER_REASONS:
            i += 1
            continue
        j = i
        found: set[str] = set()
        k = i
        while k < len(lines) and (reasons[k] in _FOOTER_REASONS or not lines[k].text.strip()):
            if reasons[k]:
                found.add(reasons[k])  # type: ignore[arg-type]
                j = k
            k += 1
        if "dateline" in found and found & _MARKERS:
            blocks.append((i, j))
        i = k
    if len(blocks) < min_posts:
        return []

    def words(a: int, b: int) -> int:
        return sum(line.words for line, r in zip(lines[a:b], reasons[a:b], strict=True) if not r)

    lead = words(0, blocks[0][0])
    tail = words(blocks[-1][1] + 1, len(lines))
    cuts: list[int]
    if lead >= _MIN_POST_WORDS or tail < _MIN_POST_WORDS:
        # Footer style: each post ends with its block.
        cuts = [lines[last].stop for _, last in blocks]
        if tail >= _MIN_POST_WORDS:
            cuts.append(len(text))
        else:
            cuts[-1] = len(text)
        starts = [0, *cuts[:-1]]
    else:
        # Header style: each post starts with its block.
        starts = [0] + [lines[first].start for first, _ in blocks[1:]]
        cuts = [*starts[1:], len(text)]
    spans = [PostSpan(a, b) for a, b in zip(starts, cuts, strict=True)]
    # A post needs words of its own: otherwise this was not a list of posts.
    if sum(1 for s in spans if _body_words(text[s.start : s.end]) >= _MIN_POST_WORDS) < min_posts:
        return []
    return spans


def _body_words(text: str) -> int:
    rules = load_rules()
    return sum(len(line.split()) for line in text.split("\n") if not classify_line(line, rules))
