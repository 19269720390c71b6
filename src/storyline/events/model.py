"""The data model of the event layer: arguments and event mentions.

An :class:`EventMention` is one sentence's report of an event, found per document
(:mod:`storyline.events.mentions`); the corpus-level merger
(:mod:`storyline.events.merge`) groups mentions of the same real event.
Offsets are character offsets into ``Document.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
    "OTHER",
)  # fmt: skip
"""The PLOVER event types storyline assigns; OTHER where none fits."""

MODALITIES = (
    "happened", "reported", "denied", "threatened", "planned", "hypothetical", "negated",
)  # fmt: skip
"""How the text presents an event: as fact, as someone's report, denied, threatened
or pledged, planned or future, hypothetical (conditional), or negated ("did not")."""


@dataclass(frozen=True, slots=True)
class Arg:
    """A participant, place or source of an event: a span of ``Document.text``.

    ``key`` is the entity key of the entity mention the span holds
    (:attr:`storyline.entities.mentions.Mention.key`), or "" when the span names
    no entity the entity layer found.
    """

    start: int
    end: int
    text: str
    key: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "key": self.key}


@dataclass(frozen=True, slots=True)
class EventMention:
    """One report of an event in one sentence.

    Attributes:
        doc_id: the document.
        start, end: the trigger (the verb or noun that names the event).
        text: the trigger as written; ``lemma`` its lemma.
        type: a PLOVER type (:data:`PLOVER_TYPES`).
        sentence_start, sentence_end: the sentence holding the trigger.
        actors, targets: who did it, to whom or what.
        location: where, when the sentence says.
        date, date_precision: a TIMEX3 value and its precision; ``date_source``
            "sentence" (a time expression of the sentence), "published" (the
            document's publication date: the event happened on or before it) or
            "unknown" (``date`` None).
        date_span: the time expression used, when ``date_source`` is "sentence".
        modality: one of :data:`MODALITIES`.
        attribution: who says so ("according to AFP", "X said"), if the text says.
        rule: the lexicon entry or rule that typed the trigger (for audit).
    """

    doc_id: str
    start: int
    end: int
    text: str
    lemma: str
    type: str
    sentence_start: int
    sentence_end: int
    actors: tuple[Arg, ...] = ()
    targets: tuple[Arg, ...] = ()
    location: Arg | None = None
    date: str | None = None
    date_precision: str | None = None
    date_source: str = "unknown"
    date_span: Arg | None = None
    modality: str = "happened"
    attribution: Arg | None = None
    rule: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (arguments as dicts); :func:`mention_from_dict` reverses it."""
        return {
            "doc_id": self.doc_id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "lemma": self.lemma,
            "type": self.type,
            "sentence_start": self.sentence_start,
            "sentence_end": self.sentence_end,
            "actors": [a.to_dict() for a in self.actors],
            "targets": [a.to_dict() for a in self.targets],
            "location": self.location.to_dict() if self.location else None,
            "date": self.date,
            "date_precision": self.date_precision,
            "date_source": self.date_source,
            "date_span": self.date_span.to_dict() if self.date_span else None,
            "modality": self.modality,
            "attribution": self.attribution.to_dict() if self.attribution else None,
            "rule": self.rule,
            "extra": dict(self.extra),
        }


def _arg(d: dict[str, Any] | None) -> Arg | None:
    return Arg(**d) if d else None


def mention_from_dict(d: dict[str, Any]) -> EventMention:
    """The inverse of :meth:`EventMention.to_dict`."""
    return EventMention(
        **{
            **d,
            "actors": tuple(Arg(**a) for a in d["actors"]),
            "targets": tuple(Arg(**a) for a in d["targets"]),
            "location": _arg(d["location"]),
            "date_span": _arg(d["date_span"]),
            "attribution": _arg(d["attribution"]),
        }
    )
