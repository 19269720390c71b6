"""The data model of the quote layer: one direct or indirect quote in one document.

Offsets are character offsets into ``Document.text``. A quote's speaker is an
:class:`storyline.events.model.Arg` whose ``key`` is the entity key of the
speaker's entity mention (so the corpus layer can map it to the canonical
entity), or "" when the speaker phrase names no entity ("the spokesman" with no
name in the text). A speaker the text does not give at all is ``None``.

Example:
    >>> q = Quote("d", 1, 9, "We won.", "direct", sentence_start=0, sentence_end=20)
    >>> quote_from_dict(q.to_dict()) == q
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storyline.events.model import Arg

__all__ = ["QUOTE_KINDS", "SPEAKER_HOWS", "Quote", "quote_from_dict"]

QUOTE_KINDS = ("direct", "indirect")
"""Direct: the words inside quotation marks. Indirect: a reported clause ("X said that ...")."""

SPEAKER_HOWS = ("named", "pronoun", "role", "colon", "previous")
"""How the speaker was found: the cue's subject is a name, a pronoun resolved to an earlier
name, a role noun ("the spokesman"), a colon introduction ("X: ..."), or the speaker of the
quote just before (a follow-on quote with no cue of its own)."""


@dataclass(frozen=True, slots=True)
class Quote:
    """One quote.

    Attributes:
        doc_id: the document.
        start, end: the quoted span: inside the marks (direct) or the reported clause
            (indirect).
        text: ``Document.text[start:end]``.
        kind: "direct" or "indirect".
        cue: the speech verb or phrase ("said", "according to"), when there is one.
        speaker: who speaks: for a name, the name's span; for a pronoun, a role or a
            follow-on quote, the span of the mention it was resolved to (or the role
            words themselves, with ``key`` "", when no name stands behind them).
        speaker_how: one of :data:`SPEAKER_HOWS`, or None with no speaker.
        sentence_start, sentence_end: the sentence(s) the quote sits in.
    """

    doc_id: str
    start: int
    end: int
    text: str
    kind: str
    cue: Arg | None = None
    speaker: Arg | None = None
    speaker_how: str | None = None
    sentence_start: int = 0
    sentence_end: int = 0

    def __post_init__(self) -> None:
        if self.kind not in QUOTE_KINDS:
            raise ValueError(f"quote kind {self.kind!r} is not one of {QUOTE_KINDS}")
        if self.speaker_how is not None and self.speaker_how not in SPEAKER_HOWS:
            raise ValueError(f"speaker_how {self.speaker_how!r} is not one of {SPEAKER_HOWS}")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad quote span {self.start}:{self.end}")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; :func:`quote_from_dict` reverses it."""
        return {
            "doc_id": self.doc_id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "cue": self.cue.to_dict() if self.cue else None,
            "speaker": self.speaker.to_dict() if self.speaker else None,
            "speaker_how": self.speaker_how,
            "sentence_start": self.sentence_start,
            "sentence_end": self.sentence_end,
        }


def quote_from_dict(d: dict[str, Any]) -> Quote:
    """The inverse of :meth:`Quote.to_dict`."""
    return Quote(
        **{
            **d,
            "cue": Arg(**d["cue"]) if d.get("cue") else None,
            "speaker": Arg(**d["speaker"]) if d.get("speaker") else None,
        }
    )
