"""The data model of the claims layer: one numeric claim in one sentence.

Offsets are character offsets into ``Document.text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storyline.events.model import Arg

__all__ = ["CLAIM_MODALITIES", "Claim", "claim_from_dict"]

CLAIM_MODALITIES = ("reported", "denied", "estimated", "planned", "negated")
"""How a figure is put: stated or reported, denied, estimated, planned, or
negated ("no casualties": a value-0 claim)."""


@dataclass(frozen=True, slots=True)
class Claim:
    """A number with what it counts, whose it is, when it holds and who says so.

    Attributes:
        doc_id: the document.
        start, end, text: the number phrase ("more than 5,200"), ``text ==
            Document.text[start:end]``.
        value, low, high, approximate, hedge, unit: as
            :class:`storyline.claims.numbers.Number` (``low``/``high`` None when open).
        counted: what is counted: the lemma of the head noun ("troop"), or
            "killed"/"wounded"/"casualties" for casualty verbs; "" when unknown.
        owner, place: whose ("US troops") and where ("in Iraq") when the phrase says.
        date, date_precision, date_source: as :class:`storyline.events.model.EventMention`.
        modality: one of :data:`CLAIM_MODALITIES`.
        predicate: the lemma of the verb the number's phrase depends on ("moved" in
            "3,400 residents were moved" -> "move"), "" when there is none.
        speaker: who asserts it ("X said", "according to X"), when the text says.
        sentence_start, sentence_end: the sentence holding the number.
    """

    doc_id: str
    start: int
    end: int
    text: str
    value: float | int
    low: float | int | None
    high: float | int | None
    approximate: bool
    hedge: str | None
    unit: str
    counted: str
    owner: Arg | None
    place: Arg | None
    date: str | None
    date_precision: str | None
    date_source: str
    modality: str
    speaker: Arg | None
    sentence_start: int
    sentence_end: int
    predicate: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; :func:`claim_from_dict` reverses it."""
        d: dict[str, Any] = {name: getattr(self, name) for name in self.__slots__}  # type: ignore[attr-defined]
        for name in ("owner", "place", "speaker"):
            arg = d[name]
            d[name] = arg.to_dict() if arg is not None else None
        return d


def claim_from_dict(d: dict[str, Any]) -> Claim:
    """The inverse of :meth:`Claim.to_dict`."""
    args = {k: (Arg(**d[k]) if d.get(k) else None) for k in ("owner", "place", "speaker")}
    return Claim(**{**d, **args})
