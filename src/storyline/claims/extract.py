"""Numeric claims per document: the number, what it counts, whose, when, who says so.

For each sentence of the spaCy parse, :func:`storyline.claims.numbers.find_numbers`
finds the numbers (those inside a time expression are dropped); the parse then says

- **counted**: the lemma of the noun the number modifies ("5,200 US troops" ->
  "troop", "dozens of people" -> "people"), or the casualty class when the number is
  the object or passive subject of a casualty verb ("killed 80", "80 people were
  killed" -> "killed"; "wounded", "injured" -> "wounded");
- **owner** and **place**: an entity mention inside the noun phrase before the noun
  ("US troops" -> US), else a country adjective on the noun ("British troops" -> the United
  Kingdom, from ``entities/data/demonyms.toml``), and one after "in"/"at" under the noun or
  its verb ("in Iraq");
- **speaker**: "according to X", else the subject of a reporting verb above the number;
- **modality**: "denied" under "deny", "estimated" ("an estimated", "estimated"),
  "planned" ("will deploy", "plans to"), else "reported";
- negated figures ("no casualties", "none were killed") become value-0 claims.

The date is the sentence's DATE time expression, else the publication date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from storyline.claims.model import Claim
from storyline.claims.numbers import Number, find_numbers
from storyline.entities.mentions import Mention
from storyline.events.model import Arg
from storyline.model import Document
from storyline.nlp.timex import Timex

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["claims_for"]

_CASUALTY_VERBS = {"kill": "killed", "wound": "wounded", "injure": "wounded", "hurt": "wounded"}
_REPORTING = frozenset(
    "say tell report claim announce state estimate deny confirm add insist put "
    "according reveal disclose".split()
)
_PLAN = frozenset({"plan", "intend", "aim", "expect", "propose", "pledge", "promise"})
_PLACE_PREPS = frozenset({"in", "at", "near", "across", "inside", "from"})
# Verbs whose subject holds, sends or spends what their object counts: "Valdoria will
# send 2,500 troops" (owner Valdoria), "the company reported a profit of $3 million".
_OWNER_VERBS = frozenset({
    "have", "hold", "own", "keep", "send", "deploy", "station", "cut", "cancel", "spend",
    "carry", "report", "repair", "approve", "employ", "lose", "build", "field", "operate",
})  # fmt: skip
_NEGATED = re.compile(
    r"\b(?:(?P<cas>no (?:casualties|injuries|fatalities|deaths|one (?:was|were) (?:killed|hurt|"
    r"injured|wounded))|nobody (?:was|were) (?:killed|hurt|injured|wounded)|"
    r"none (?:was|were|of them (?:was|were)) (?:killed|hurt|injured|wounded)))\b",
    re.IGNORECASE,
)


def claims_for(
    doc: Document,
    parsed: Doc,
    mentions: Sequence[Mention] = (),
    timexes: Sequence[Timex] = (),
) -> list[Claim]:
    """The numeric claims of one document, in text order.

    Args:
        doc: the document (its ``text`` is what ``parsed`` parsed).
        parsed: its spaCy parse.
        mentions: its entity mentions (owners, places and speakers take their keys).
        timexes: its time expressions (numbers inside one are not claims; a DATE
            expression of the sentence dates the claim).

    Returns:
        :class:`Claim` items; offsets into ``doc.text``.
    """
    out: list[Claim] = []
    for sent in parsed.sents:
        s0 = sent.start_char
        date = _date(doc, sent, timexes)
        for num in find_numbers(sent.text):
            start, end = s0 + num.start, s0 + num.end
            if any(t.start < end and start < t.end for t in timexes):
                continue
            out.append(_claim(doc, parsed, sent, num, start, end, mentions, date))
        for m in _NEGATED.finditer(sent.text):
            start, end = s0 + m.start(), s0 + m.end()
            low = m.group(0).lower()
            counted = (
                "killed"
                if ("killed" in low or "death" in low or "fatalit" in low)
                else "casualties"
            )
            if any(w in low for w in ("hurt", "injur", "wounded")):
                counted = "wounded"
            zero = Number(m.start(), m.end(), m.group(0), 0, 0, 0)
            base = _claim(doc, parsed, sent, zero, start, end, mentions, date)
            out.append(_replace(base, counted=counted, modality="negated"))
    return sorted(out, key=lambda c: (c.start, c.end))


def _replace(c: Claim, **kw: object) -> Claim:
    from dataclasses import replace

    return replace(c, **kw)  # type: ignore[arg-type]


def _date(
    doc: Document, sent: Span, timexes: Sequence[Timex]
) -> tuple[str | None, str | None, str]:
    inside = [
        t
        for t in timexes
        if sent.start_char <= t.start
        and t.end <= sent.end_char
        and t.type == "DATE"
        and t.value
        and not t.value.endswith("_REF")
    ]
    if inside:
        return inside[0].value, inside[0].precision, "sentence"
    if doc.published is not None:
        return doc.published.value, doc.published.precision, "published"
    return None, None, "unknown"


def _arg(doc: Document, mentions: Sequence[Mention], start: int, end: int) -> Arg:
    for m in mentions:
        if m.start < end and start < m.end:
            return Arg(m.start, m.end, m.text, m.key)
    return Arg(start, end, doc.text[start:end])


def _mention_in(
    mentions: Sequence[Mention], start: int, end: int, labels: tuple[str, ...]
) -> Mention | None:
    for m in mentions:
        if start <= m.start and m.end <= end and m.label in labels:
            return m
    return None


def _claim(
    doc: Document,
    parsed: Doc,
    sent: Span,
    num: Number,
    start: int,
    end: int,
    mentions: Sequence[Mention],
    date: tuple[str | None, str | None, str],
) -> Claim:
    span = parsed.char_span(start, end, alignment_mode="expand")
    tok = span.root if span is not None and len(span) else sent.root
    counted, noun, verb = _counted(tok, num)
    owner = place = None
    if noun is not None:
        left = noun.left_edge.idx
        m = _mention_in(mentions, left, noun.idx, ("GPE", "NORP", "ORG", "PERSON"))
        if m is not None:
            owner = Arg(m.start, m.end, m.text, m.key)
        else:
            owner = _demonym_owner(noun) or _owner_phrase(doc, noun, verb, mentions)
    for head in (h for h in (noun, verb) if h is not None):
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ in _PLACE_PREPS:
                for pobj in prep.children:
                    if pobj.dep_ == "pobj":
                        m = _mention_in(
                            mentions,
                            pobj.left_edge.idx,
                            pobj.idx + len(pobj),
                            ("GPE", "LOC", "FAC"),
                        )
                        if m is not None and place is None:
                            place = Arg(m.start, m.end, m.text, m.key)
    speaker, modality = _speaker_modality(doc, sent, tok, num, mentions)
    return Claim(
        doc_id=doc.id,
        start=start,
        end=end,
        text=doc.text[start:end],
        value=num.value,
        low=num.low,
        high=num.high,
        approximate=num.approximate,
        hedge=num.hedge,
        unit=num.unit,
        counted=counted,
        owner=owner,
        place=place,
        date=date[0],
        date_precision=date[1],
        date_source=date[2],
        modality=modality,
        speaker=speaker,
        sentence_start=sent.start_char,
        sentence_end=sent.end_char,
        predicate=verb.lemma_.lower() if verb is not None else "",
    )


def _demonym_owner(noun: Token) -> Arg | None:
    """A country adjective on the counted noun: "400 British troops" are the United
    Kingdom's. The key is the country's, so it meets "UK troops" and "Britain's troops"."""
    from storyline.entities.gazetteer import demonym_country, load_gazetteer
    from storyline.entities.keys import entity_key

    for c in noun.children:
        if c.dep_ in ("amod", "compound") and c.i < noun.i:
            country = demonym_country(c.text)
            if country is not None:
                entry = load_gazetteer().lookup(country)
                key = entry.key if entry is not None else entity_key(country)
                return Arg(c.idx, c.idx + len(c.text), c.text, key)
    return None


def _owner_phrase(
    doc: Document, noun: Token, verb: Token | None, mentions: Sequence[Mention]
) -> Arg | None:
    """Whose the counted thing is when no name precedes it: a possessive ("the city's
    water", "Kestrel's navy") or the subject of a verb of holding or sending."""
    for t in (noun, noun.head if noun.dep_ == "pobj" else None):
        if t is None:
            continue
        poss = [c for c in t.children if c.dep_ == "poss" and c.pos_ in ("NOUN", "PROPN")]
        if poss:
            p = poss[0]
            return _arg(doc, mentions, p.left_edge.idx, p.idx + len(p))
    obj = noun if noun.dep_ == "dobj" else noun.head if noun.head.dep_ == "dobj" else None
    if obj is not None and verb is not None and obj.head.i == verb.i:
        if verb.lemma_.lower() in _OWNER_VERBS:
            subj = [c for c in verb.children if c.dep_ == "nsubj" and c.pos_ in ("NOUN", "PROPN")]
            if subj:
                s = subj[0]
                return _arg(doc, mentions, s.left_edge.idx, s.idx + len(s))
    return None


def _counted(tok: Token, num: Number) -> tuple[str, Token | None, Token | None]:
    """``(counted, noun, verb)``: what the number counts, its noun and the verb above."""
    noun = None
    t = tok
    if t.pos_ in ("NOUN", "PROPN") and t.dep_ not in ("nummod", "quantmod") and not t.like_num:
        noun = t
    elif t.dep_ in ("nummod", "quantmod", "amod", "compound") and t.head.pos_ in ("NOUN", "PROPN"):
        noun = t.head
    for c in t.children:  # "dozens of people", "13 of the missiles"
        if noun is None or noun.i == t.i:
            if c.dep_ == "prep" and c.lower_ == "of":
                pobj = [g for g in c.children if g.dep_ == "pobj"]
                if pobj:
                    noun = pobj[0]
    if noun is not None and noun.like_num:
        noun = None
    top = noun if noun is not None else tok
    verb = top.head if top.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "pobj") else None
    if top.dep_ == "pobj" and verb is not None:
        verb = verb.head
    if (
        verb is not None
        and verb.lemma_.lower() in _CASUALTY_VERBS
        and top.dep_ in ("nsubjpass", "dobj")
    ):
        return _CASUALTY_VERBS[verb.lemma_.lower()], noun, verb
    for c in top.children:  # "80 people killed" (reduced relative)
        if c.dep_ in ("acl", "relcl") and c.lemma_.lower() in _CASUALTY_VERBS:
            return _CASUALTY_VERBS[c.lemma_.lower()], noun, c
    if noun is None:
        return ("" if num.unit == "count" else num.unit), None, verb
    return noun.lemma_.lower(), noun, verb


def _speaker_modality(
    doc: Document, sent: Span, tok: Token, num: Number, mentions: Sequence[Mention]
) -> tuple[Arg | None, str]:
    speaker = None
    for t in sent:
        if t.lower_ == "according" and t.i + 1 < sent.end and parsed_to(t):
            pobj = [g for c in t.children for g in c.children if g.dep_ == "pobj"]
            if pobj:
                p = pobj[0]
                speaker = _arg(doc, mentions, p.left_edge.idx, p.idx + len(p))
    modality = "reported"
    hedge = (num.hedge or "").lower()
    if "estimated" in hedge:
        modality = "estimated"
    a = tok
    while True:
        lem = a.lemma_.lower()
        if lem == "deny":
            modality = "denied"
        elif lem == "estimate" and modality == "reported":
            modality = "estimated"
        elif (
            a.pos_ in ("VERB", "AUX")
            and modality == "reported"
            and (
                lem in _PLAN
                or any(c.dep_ == "aux" and c.lower_ in ("will", "shall") for c in a.children)
            )
        ):
            modality = "planned"
        if speaker is None and lem in _REPORTING and a.i != tok.i:
            subj = [c for c in a.children if c.dep_ == "nsubj"]
            if subj:
                s = subj[0]
                speaker = _arg(doc, mentions, s.left_edge.idx, s.idx + len(s))
        if a.head.i == a.i:
            break
        a = a.head
    return speaker, modality


def parsed_to(tok: Token) -> bool:
    """True when ``tok`` is "according" followed by "to"."""
    return tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to"
