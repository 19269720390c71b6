"""Quotation marks: where each quoted passage opens and closes, by character scan.

News text quotes with straight (") and curly (“ ”) double marks, and now and then
with single curly marks (‘ ’). A quote that runs over several paragraphs follows
the convention of an opening mark at the start of each new paragraph and a
closing mark only at the end; :func:`quoted_passages` joins such paragraphs into
one passage. A mark left open at the end of a paragraph whose next paragraph does
not reopen it is dropped (nothing is guessed about where it ends). Single marks
are read only at the top level, and only where they cannot be an apostrophe
(‘ after a space or the start of a line, ’ not between letters); single marks
inside a double-quoted passage are part of it.

Example:
    >>> [(p.start, p.end) for p in quoted_passages('He said "we won" today.')]
    [(9, 15)]
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Passage", "quoted_passages"]

_OPEN = "“"
_CLOSE = "”"
_STRAIGHT = '"'


@dataclass(frozen=True, slots=True)
class Passage:
    """A quoted passage: the marks at ``open_at`` and ``close_at``; the words at ``start:end``.

    ``start:end`` is the text inside the outer marks with surrounding spaces trimmed;
    for a passage over several paragraphs it includes the paragraph breaks and the
    reopening marks between them.
    """

    open_at: int
    close_at: int
    start: int
    end: int
    paragraphs: int = 1


def _passage(text: str, open_at: int, close_at: int, paragraphs: int) -> Passage | None:
    start, end = open_at + 1, close_at
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Passage(open_at, close_at, start, end, paragraphs) if end > start else None


def _double(text: str) -> list[Passage]:
    out: list[Passage] = []
    open_at: int | None = None
    paragraphs = 1
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\n" and open_at is not None:
            # A paragraph ends inside a quote: it goes on only if the next line reopens it.
            j = i
            while j < n and text[j].isspace():
                j += 1
            if j < n and text[j] in (_OPEN, _STRAIGHT) and "\n" in text[i:j]:
                paragraphs += 1
                i = j + 1
                continue
            open_at = None
        elif c == _OPEN:
            open_at, paragraphs = i, 1  # an unclosed earlier mark is dropped
        elif c == _CLOSE:
            if open_at is not None:
                p = _passage(text, open_at, i, paragraphs)
                if p is not None:
                    out.append(p)
            open_at = None
        elif c == _STRAIGHT:
            if open_at is None:
                open_at, paragraphs = i, 1
            else:
                p = _passage(text, open_at, i, paragraphs)
                if p is not None:
                    out.append(p)
                open_at = None
        i += 1
    return out


def _single(text: str, taken: list[Passage]) -> list[Passage]:
    """Top-level ‘ … ’ passages outside every double-quoted one, within one paragraph."""
    out: list[Passage] = []
    inside = [(p.open_at, p.close_at) for p in taken]
    i = 0
    n = len(text)
    while i < n:
        if text[i] != "‘" or any(a <= i <= b for a, b in inside):
            i += 1
            continue
        if i > 0 and not (text[i - 1].isspace() or text[i - 1] in "([—–-"):
            i += 1
            continue
        j = i + 1
        close = None
        while j < n and text[j] != "\n":
            nxt = text[j + 1] if j + 1 < n else " "
            if text[j] == "’" and not nxt.isalnum():
                close = j
                break
            j += 1
        if close is None:
            i += 1
            continue
        p = _passage(text, i, close, 1)
        if p is not None:
            out.append(p)
        i = close + 1
    return out


def quoted_passages(text: str) -> list[Passage]:
    """Every quoted passage of ``text``, in order (nested quotes stay inside their outer one).

    Args:
        text: the document text.

    Returns:
        Passages sorted by position, none overlapping another.
    """
    double = _double(text)
    return sorted(double + _single(text, double), key=lambda p: p.open_at)
