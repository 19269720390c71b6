"""The arguments of an event mention: actors, targets, location, date and quantities.

Helpers of :mod:`storyline.events.mentions`, reading the spaCy parse around a
trigger; arguments become :class:`storyline.events.model.Arg` spans of
``Document.text`` keyed by the entity mention covering their head
(:class:`EntityIndex`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from storyline.entities.mentions import Mention
from storyline.events.lexicon import Lexicon
from storyline.events.model import Arg
from storyline.model import Document
from storyline.nlp.timex import Timex

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

PARTICLES = frozenset({"back", "out", "down", "up", "off", "over", "together", "away"})
"""Adverbs and prepositions that, right after a verb, act as its particle ("pulled out")."""
_LOCATION_LABELS = frozenset({"GPE", "LOC", "FAC"})
# A date after these words bounds a period ("the largest since 2019"): not the event's date.
_BOUND_WORD = re.compile(r"\b(?:since|until|till|before|after)\s+$", re.IGNORECASE)
_ERA_PRECISIONS = frozenset({"century", "decade"})


def misparsed_subject(verb: Token) -> Token | None:
    """The subject the small model hung the verb on: "Tanks massed along ..." parsed as a
    noun ROOT with the verb as its modifier (acl); None for a real modifier."""
    head = verb.head
    if verb.dep_ == "acl" and head.dep_ == "ROOT" and head.pos_ in ("NOUN", "PROPN", "PRON"):
        return head
    return None


def conjuncts(tok: Token) -> list[Token]:
    return [tok, *(c for c in tok.children if c.dep_ == "conj" and c.pos_ == tok.pos_)]


def participants(tok: Token, pred: Token, typ: str, lex: Lexicon) -> tuple[list, list]:
    """Actor and target head tokens of an event."""
    actors: list[Token] = []
    targets: list[Token] = []
    theme = typ in lex.word_list("theme_object_types")
    # Actors: the predicate's subject, inherited up xcomp/conj/acomp chains ("is expected
    # to reject": the passive subject of the verb above), never from a reporting verb.
    node = pred
    subject_deps = ("nsubj", "csubj")
    reporting = lex.word_list("reporting_verbs")
    for _ in range(4):
        subj = [c for c in node.children if c.dep_ in subject_deps]
        agent = [
            g for c in node.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"
        ]
        if not subj and not agent and misparsed_subject(node) is not None:
            subj = [node.head]
        if subj or agent:
            head = (subj or agent)[0]
            if head.tag_ in ("WP", "WDT") and node.dep_ == "relcl":
                head = node.head  # "the men who attacked": the men
            actors = conjuncts(head)
            break
        if node.dep_ not in ("xcomp", "conj", "acomp", "ccomp", "advcl", "prep", "pcomp"):
            break
        if node.head.i == node.i:
            break
        node = node.head
        if node.lemma_.lower() in reporting:
            break
        subject_deps = ("nsubj", "csubj", "nsubjpass")
    if not actors and tok.pos_ != "VERB":  # "Iran's attack", "an attack by rebels"
        for c in tok.children:
            heads = [c] if c.dep_ == "poss" else []
            if c.dep_ == "prep" and c.lower_ == "by":
                heads = [g for g in c.children if g.dep_ == "pobj"]
            if heads:
                actors = conjuncts(heads[0])
                break
    # Targets: the object (not for a moved theme), then the type's prepositions.
    preps = lex.target_preps.get(typ, frozenset())
    not_targets = lex.word_list("not_target_objects")
    sources = [tok] if tok.i == pred.i else [tok, pred]
    inner = []
    if typ == "THREATEN":  # "threatened to kill the hostages": the threatened act's target
        inner = [c for c in pred.children if c.dep_ in ("xcomp", "ccomp", "dobj")]
    for src in sources + inner:
        objects = [c for c in src.children if c.dep_ in ("dobj", "nsubjpass", "dative")]
        objects += [  # "voted down the budget": a particle parsed as a preposition
            g
            for c in src.children
            if c.dep_ == "prep" and c.lower_ in PARTICLES and c.i == src.i + 1
            for g in c.children
            if g.dep_ == "pobj"
        ]
        for c in objects:
            if src.pos_ != "VERB" or theme or c.i == tok.i or c.dep_ == "dative":
                continue
            if c.lemma_.lower() in not_targets or (typ == "THREATEN" and _is_event(c, lex)):
                continue
            targets.extend(conjuncts(c))
        if src in inner:
            continue
        for c in src.children:
            if c.dep_ in ("prep", "dative") and c.lower_ in preps:
                targets.extend(g for g in c.children if g.dep_ == "pobj" and not _is_time(g))
            elif c.dep_ == "dobj" and c.pos_ == "NOUN":  # "sent weapons ... to X", "sanctions on X"
                for obj in conjuncts(c):
                    for p in obj.children:
                        if p.dep_ in ("prep", "dative") and p.lower_ in preps:
                            targets.extend(g for g in p.children if g.dep_ == "pobj")
    return actors, _unique(targets)


def _is_time(tok: Token) -> bool:
    """A date or time ("on Wednesday"): never a target."""
    return tok.ent_type_ in ("DATE", "TIME")


def _is_event(tok: Token, lex: Lexicon) -> bool:
    """A noun naming an event ("threatened sanctions"): what is threatened, not its target."""
    return tok.lemma_.lower() in lex.nouns


def _unique(toks: list) -> list:
    seen: set[int] = set()
    return [t for t in toks if not (t.i in seen or seen.add(t.i))]


def location(tok: Token, pred: Token, targets: list, ents: EntityIndex, lex: Lexicon) -> Arg | None:
    """The first "in/at/near X" on the event whose X is a GPE, LOC or FAC entity."""
    preps = lex.word_list("location_preps")
    for src in (pred, tok, *targets):
        for c in src.children:
            if c.dep_ == "prep" and c.lower_ in preps:
                for g in c.children:
                    if g.dep_ == "pobj":
                        m = ents.covering(g, _LOCATION_LABELS)
                        if m is not None:
                            return Arg(m.start, m.end, m.text, m.key)
    return None


def date_of(
    doc: Document, sent: Span, tok: Token, pred: Token, timexes: Sequence[Timex]
) -> tuple[str | None, str | None, str, Arg | None]:
    """``(value, precision, source, span)``: the sentence's date nearest the trigger.

    A DATE or TIME expression of the sentence with a value (one inside the
    predicate's subtree first), else the publication date, else unknown. A
    century or decade dates the event only from inside that subtree ("the wars of
    the 20th century"): elsewhere in the sentence it is an era, often part of a
    name ("at 21st Century Wire"), not when this event happened.
    """
    inside = [
        t
        for t in timexes
        if sent.start_char <= t.start
        and t.end <= sent.end_char
        and t.type in ("DATE", "TIME")
        and t.value
        and not t.value.endswith("_REF")
        and not _BOUND_WORD.search(doc.text[max(sent.start_char, t.start - 8) : t.start])
    ]
    if inside:
        subtree = (pred.left_edge.idx, pred.right_edge.idx + len(pred.right_edge.text))
        attached = [
            t
            for t in inside
            if subtree[0] <= t.start
            and t.end <= subtree[1]
            and (t.precision not in _ERA_PRECISIONS or _in_clause(t, tok, pred))
        ]
        near = attached or [t for t in inside if t.precision not in _ERA_PRECISIONS]
        if near:
            best = min(near, key=lambda t: abs(t.start - tok.idx))
            return best.value, best.precision, "sentence", Arg(best.start, best.end, best.text)
    if doc.published is not None:
        return doc.published.value, doc.published.precision, "published", None
    return None, None, "unknown", None


def _in_clause(t: Timex, tok: Token, pred: Token) -> bool:
    """Whether the expression hangs on the trigger or its predicate before any other
    verb: "invaded in the 19th century", not "as X of 21st Century Wire reported"."""
    span = tok.doc.char_span(t.start, t.end, alignment_mode="expand")
    if span is None:
        return False
    head = span.root
    while head.i not in (tok.i, pred.i):
        if head.i == head.head.i or head.pos_ in ("VERB", "AUX"):
            return False
        head = head.head
    return True


def quantities(tok: Token, pred: Token) -> list[dict[str, Any]]:
    """Number phrases attached to the trigger: its object, passive subject, casualty participle."""
    heads = [c for src in {tok.i: tok, pred.i: pred}.values() for c in src.children]
    heads += [
        g
        for c in pred.children
        if c.dep_ == "advcl" and c.lemma_.lower() in ("kill", "wound", "injure")
        for g in c.children
    ]
    out = []
    for c in heads:
        if c.dep_ not in ("dobj", "nsubjpass"):
            continue
        nums = [c] if c.like_num else [g for g in c.children if g.dep_ == "nummod"]
        if nums:
            first = min(nums[0].left_edge.i, nums[0].i)
            span = tok.doc[first : c.i + 1]
            out.append({"start": span.start_char, "end": span.end_char, "text": span.text})
    return out


class EntityIndex:
    """Entity mentions by character offset, to turn argument heads into :class:`Arg`."""

    def __init__(self, mentions: Sequence[Mention]) -> None:
        self._ms = sorted((m for m in mentions if m.kind != "role"), key=lambda m: m.start)
        self._starts = [m.start for m in self._ms]

    def covering(self, tok: Token, labels: frozenset[str] | None = None) -> Mention | None:
        """The entity mention that holds ``tok``, or None."""
        i = bisect_right(self._starts, tok.idx) - 1
        if i >= 0:
            m = self._ms[i]
            if m.start <= tok.idx < m.end and (labels is None or m.label in labels):
                return m
        return None

    def arg(self, head: Token) -> Arg:
        """The argument a head token stands for: the entity covering it, else its phrase.

        The phrase is the head with its left modifiers, and an "of X" right after it
        ("Thousands of students"); its key stays empty.
        """
        m = self.covering(head)
        if m is not None:
            return Arg(m.start, m.end, m.text, m.key)
        doc = head.doc
        start = head.left_edge.i
        end = head.i + 1
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ == "of" and c.i == end:
                end = c.right_edge.i + 1
        while start < head.i and doc[start].is_punct:
            start += 1
        span = doc[start:end]
        return Arg(span.start_char, span.end_char, span.text)
