"""Who speaks: the cue words (``data/cues.toml``) and the speaker of a cue.

A speaker is an :class:`storyline.events.model.Arg`. When the entity layer found the
speaker's name, the Arg is that name mention (its span and key), even when the text
at the cue is a pronoun or a role noun: "he said" points at the earlier "Mara
Lindqvist", so the corpus layer can map the quote to her canonical entity. A role
noun no name stands behind ("the spokesman", "officials") is kept as written with
key "". A pronoun with no earlier name, or no subject at all, gives no speaker.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storyline.entities.mentions import Mention
from storyline.events.model import Arg

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["CUES_PATH", "Cues", "Speakers", "load_cues"]

CUES_PATH = Path(__file__).with_name("data") / "cues.toml"
_SPEAKER_LABELS = frozenset({"PERSON", "ORG", "NORP"})
_GROUP_LABELS = frozenset({"ORG", "NORP"})
_SUBJECTS = ("nsubj", "nsubjpass")
_PLACE_PREPOSITIONS = frozenset("in at near from into across outside inside".split())
MAX_HEADER_WORDS = 4
"""The longest untagged "Name:" header read as a speaker."""
_PRONOUN_WINDOW = 2
"""Sentences back that "they" may look for a group."""


@dataclass(frozen=True, slots=True)
class Cues:
    """The cue words: speech verb lemmas, source prepositions, role nouns, pronouns."""

    verbs: frozenset[str]
    according: tuple[str, ...]
    roles: frozenset[str]
    person_pronouns: frozenset[str]
    group_pronouns: frozenset[str]


@lru_cache(maxsize=8)
def load_cues(path: str = "") -> Cues:
    """The cues from a TOML file (empty: the one shipped with storyline), cached."""
    with open(path or CUES_PATH, "rb") as f:
        data: dict[str, Any] = tomllib.load(f)
    return Cues(
        verbs=frozenset(data["verbs"]["speech"]),
        according=tuple(data["phrases"]["source_prepositions"]),
        roles=frozenset(data["roles"]["nouns"]),
        person_pronouns=frozenset(data["pronouns"]["person"]),
        group_pronouns=frozenset(data["pronouns"]["group"]),
    )


class Speakers:
    """Speaker resolution over one parsed document and its entity mentions."""

    def __init__(
        self,
        parsed: Doc,
        mentions: Sequence[Mention],
        cues: Cues,
        quoted: Sequence[tuple[int, int]] = (),
    ) -> None:
        self.parsed = parsed
        self.text = parsed.text  # Doc.text joins every token on each call: read it once
        self.cues = cues
        self._quoted = list(quoted)
        names = [m for m in mentions if m.kind != "role"]
        self._names = sorted(names, key=lambda m: m.start)
        self._starts = [m.start for m in self._names]
        self._roles = sorted((m for m in mentions if m.kind == "role"), key=lambda m: m.start)

    # --- cue words -------------------------------------------------------------

    def _in_quote(self, char: int) -> bool:
        return any(a < char < b for a, b in self._quoted)

    def is_cue(self, tok: Token) -> bool:
        """A speech verb outside quoted words (or an "according to")."""
        if self._in_quote(tok.idx):
            return False
        if self.is_according(tok):
            return True
        return tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in self.cues.verbs

    def is_according(self, tok: Token) -> bool:
        """The word "according" of an "according to X"."""
        nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
        return (
            nxt is not None
            and f"{tok.lower_} {nxt.lower_}" in self.cues.according
            and not self._in_quote(tok.idx)
        )

    def cue_arg(self, tok: Token) -> Arg:
        """The cue as a span: the verb, or both words of "according to"."""
        end = tok.idx + len(tok.text)
        if self.is_according(tok):
            nxt = tok.nbor(1)
            end = nxt.idx + len(nxt.text)
        return Arg(tok.idx, end, self.text[tok.idx : end])

    # --- speakers ----------------------------------------------------------------

    def _covering(self, tok: Token) -> Mention | None:
        i = bisect_left(self._starts, tok.idx + 1) - 1
        if i >= 0:
            m = self._names[i]
            if m.start <= tok.idx < m.end:
                return m
        return None

    def _role_covering(self, tok: Token) -> Mention | None:
        for m in self._roles:
            if m.start <= tok.idx < m.end:
                return m
        return None

    @staticmethod
    def _arg(m: Mention) -> Arg:
        return Arg(m.start, m.end, m.text, m.key)

    def _named_by_key(self, key: str, before: int) -> Mention | None:
        """The name mention with this key nearest before ``before`` (else the first after)."""
        same = [m for m in self._names if m.key == key]
        earlier = [m for m in same if m.start < before]
        return earlier[-1] if earlier else (same[0] if same else None)

    def subject(self, cue: Token) -> Token | None:
        """The token that names who speaks for a cue."""
        if self.is_according(cue):
            to = cue.nbor(1)
            phrase = cue.doc[to.i + 1 : max(cue.right_edge.i, to.right_edge.i) + 1]
            named = [t for t in phrase if self._covering(t) is not None]
            objs = [c for c in to.children if c.dep_ == "pobj"]
            objs = objs or [c for c in cue.children if c.dep_ == "pobj"]
            return (named or objs or [None])[0]
        node = cue
        for _ in range(3):
            subj = [c for c in node.children if c.dep_ in _SUBJECTS and not self._in_quote(c.idx)]
            if subj:
                return subj[0]
            if node.dep_ not in ("advcl", "conj", "xcomp") or node.head.i == node.i:
                break
            node = node.head
        # A parse that missed the subject: a name right after the verb ("said Mara Lindqvist").
        for tok in cue.doc[cue.i + 1 : cue.i + 3]:
            if self._covering(tok) is not None:
                return tok
        return None

    def of_cue(self, cue: Token) -> tuple[Arg | None, str | None]:
        """The speaker of a cue and how it was found, or ``(None, None)``."""
        subj = self.subject(cue)
        if subj is None:
            return None, None
        return self.resolve(subj)

    def resolve(self, subj: Token) -> tuple[Arg | None, str | None]:
        """A subject token as a speaker: a name, a pronoun's antecedent, a role."""
        m = self._covering(subj)
        if m is not None and m.label in _SPEAKER_LABELS | {"GPE"}:
            return self._arg(m), "named"
        for c in subj.children:  # "Her rival, Stig Aalto, said"
            if c.dep_ == "appos":
                am = self._covering(c)
                if am is not None and am.label in _SPEAKER_LABELS:
                    return self._arg(am), "named"
        low = subj.lower_
        if subj.pos_ == "PRON":
            if low in self.cues.person_pronouns:
                ante = self._antecedent(subj.idx, frozenset({"PERSON"}), None)
                return (self._arg(ante), "pronoun") if ante else (None, None)
            if low in self.cues.group_pronouns:
                ante = self._antecedent(subj.idx, _GROUP_LABELS, _PRONOUN_WINDOW)
                return (self._arg(ante), "pronoun") if ante else (None, None)
            return None, None
        role = self._role_covering(subj)
        if role is not None:
            named = self._named_by_key(role.key, subj.idx)
            if named is not None:
                return self._arg(named), "role"
        lemma = subj.lemma_.lower()
        if lemma in self.cues.roles and not _plural_or_indefinite(subj):
            earlier = [
                r for r in self._roles if r.end <= subj.idx and lemma in r.text.lower().split()
            ]
            if earlier:
                named = self._named_by_key(earlier[-1].key, subj.idx)
                if named is not None:
                    return self._arg(named), "role"
        if subj.pos_ in ("NOUN", "PROPN"):
            start = subj.left_edge.idx
            end = subj.idx + len(subj.text)
            text = self.text[start:end]
            return Arg(start, end, text), "named" if subj.pos_ == "PROPN" else "role"
        return None, None

    def _antecedent(self, before: int, labels: frozenset[str], window: int | None):
        """The nearest earlier name mention with one of ``labels``, outside quoted words.

        A name that is a clause's subject wins over a nearer one that is not
        ("Helga Sorensen runs the clinic in Dunmore. ... she said": Sorensen, even if the
        model typed the place Dunmore as a person); a name after a place preposition
        ("in Dunmore") is never taken.
        """
        floor = -1
        if window is not None:
            sents = [s for s in self.parsed.sents if s.start_char < before]
            floor = sents[-min(window + 1, len(sents))].start_char if sents else -1
        found = [
            m
            for m in self._names
            if floor <= m.start < before and m.label in labels and not self._in_quote(m.start)
        ]
        found = [m for m in found if not self._after_place_preposition(m)]
        subjects = [m for m in found if self._is_subject(m)]
        best = subjects or found
        return best[-1] if best else None

    def _head_token(self, m: Mention) -> Token | None:
        span = self.parsed.char_span(m.start, m.end)
        return span.root if span is not None else None

    def _is_subject(self, m: Mention) -> bool:
        tok = self._head_token(m)
        if tok is None:
            return False
        if tok.dep_ == "appos":
            tok = tok.head
        return tok.dep_ in _SUBJECTS

    def _after_place_preposition(self, m: Mention) -> bool:
        tok = self._head_token(m)
        return tok is not None and tok.dep_ == "pobj" and tok.head.lower_ in _PLACE_PREPOSITIONS

    def before_colon(self, frame: Sequence[Token]) -> Arg | None:
        """``X: "..."``: the last person or group named before the colon, in its sentence."""
        if not frame:
            return None
        lo, hi = frame[0].idx, frame[-1].idx
        inside = [
            m for m in self._names if lo <= m.start and m.end <= hi and m.label in _SPEAKER_LABELS
        ]
        if inside:
            return self._arg(inside[-1])
        words = [t for t in frame[:-1] if not t.is_punct]
        if 0 < len(words) <= MAX_HEADER_WORDS and all(t.pos_ == "PROPN" for t in words):
            # A "Name:" header the model did not tag: the name as written, with no key.
            start, end = words[0].idx, words[-1].idx + len(words[-1].text)
            return Arg(start, end, self.text[start:end])
        return None


def _plural_or_indefinite(tok: Token) -> bool:
    """ "officials", "a spokesman": a new, unnamed speaker, not one named before."""
    if tok.tag_ in ("NNS", "NNPS"):
        return True
    return any(c.dep_ == "det" and c.lower_ in ("a", "an", "one", "another") for c in tok.children)
