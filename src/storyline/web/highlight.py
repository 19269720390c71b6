"""Split a document's text into segments for highlighting, without writing any HTML.

Evidence spans overlap (a name inside a quote inside a claim's sentence) and
removed furniture sits between characters. :func:`segments` cuts the text at
every span boundary, so each segment carries the set of spans covering it; the
template renders each one as an element whose text Jinja escapes. Text is
never concatenated with markup.

Example:
    >>> from storyline.web.snapshot import Mark
    >>> [s.text for s in segments("Ana met Bo", [Mark(0, 3, "entity", "e1", "Ana")], [])]
    ['Ana', ' met Bo']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storyline.model import Removal
from storyline.web.snapshot import Mark


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text (or a removed piece of furniture) and the evidence over it."""

    text: str
    start: int
    end: int
    marks: tuple[Mark, ...] = ()
    anchors: tuple[str, ...] = ()
    """Fragment ids (``e-START-END``) of the spans that begin here."""
    removed: Removal | None = None

    @property
    def kinds(self) -> str:
        """CSS classes: ``m-entity m-event ...`` for the kinds of marks over it."""
        return " ".join(sorted({f"m-{m.kind}" for m in self.marks}))

    @property
    def title(self) -> str:
        """A tooltip naming what each mark is evidence of."""
        return "; ".join(f"{m.kind}: {m.label}" for m in self.marks)


def anchor(start: int, end: int) -> str:
    """The fragment id that points at the span ``[start, end)``."""
    return f"e-{start}-{end}"


def segments(text: str, marks: Sequence[Mark], removed: Sequence[Removal]) -> list[Segment]:
    """Cut ``text`` at every boundary of ``marks``; put each removal where it stood.

    Marks outside the text are dropped (a section from another version of the
    store must not break the page).
    """
    n = len(text)
    good = [m for m in marks if 0 <= m.start < m.end <= n]
    cuts = {0, n}
    for m in good:
        cuts.update((m.start, m.end))
    cuts.update(r.at for r in removed if 0 <= r.at <= n)
    points = sorted(cuts)
    starts: dict[int, list[Mark]] = {}
    for m in good:
        starts.setdefault(m.start, []).append(m)
    cuts_removed: dict[int, list[Removal]] = {}
    for r in sorted(removed, key=lambda r: (r.at, r.start)):
        cuts_removed.setdefault(min(max(r.at, 0), n), []).append(r)
    active: list[Mark] = []
    out: list[Segment] = []
    for a, b in zip(points, points[1:] + [None], strict=True):
        for r in cuts_removed.get(a, ()):
            out.append(Segment(r.text, a, a, removed=r))
        if b is None:
            break
        active = [m for m in active if m.end > a] + starts.get(a, [])
        begun = tuple(dict.fromkeys(anchor(m.start, m.end) for m in starts.get(a, [])))
        out.append(Segment(text[a:b], a, b, tuple(active), begun))
    return out
