"""Quotes of one document: direct and indirect, each with its cue and speaker.

Direct quotes are the passages inside quotation marks (:mod:`storyline.quotes.marks`);
a passage is kept when a speech cue or a colon introduces it, or when it is a whole
sentence following another quote with nothing between them. Short passages with no
cue ("peace plan", a title) are scare quotes and are not quotes. Indirect quotes are
the clauses of speech verbs ("X said that ...", "X warned the roof could fall") and
the clauses that "according to X" qualifies.

The speaker is read from the cue (:mod:`storyline.quotes.speakers`): the cue verb's
subject when it is a name, a pronoun resolved to the nearest earlier compatible
name, a role noun ("the spokesman") linked through an apposition the entity layer
found, the name before a colon, or, for a follow-on quote, the previous quote's
speaker. A speaker the text does not name is None.

Example:
    >>> parsed = load_nlp()(doc.text)                      # doctest: +SKIP
    >>> [(q.kind, q.text, q.speaker.text) for q in quotes_for(doc, parsed, ms)]  # doctest: +SKIP
    [('direct', 'We won,', 'Mara Lindqvist')]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from storyline.entities.mentions import Mention
from storyline.model import Document
from storyline.quotes.marks import Passage, quoted_passages
from storyline.quotes.model import Quote
from storyline.quotes.speakers import Speakers, load_cues

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["quotes_for"]

MAX_CUE_GAP = 9
"""Tokens between a closing mark and its cue verb at most ("," Aisha Karimi of the ... said)."""
SCARE_WORDS = 2
"""A passage of this many words or fewer with no cue is a scare quote or a title."""
NAME_WORDS = 6
"""A quoted passage of at most this many words, all capitalised, is a name, not speech."""
_WH = frozenset("how what why when where whether if who which whom".split())
_TERMINATOR = re.compile(r"(?<!\b[A-Z][a-z])(?<!\b[A-Z])[.!?](?=\s|$)")


def _span(parsed: Doc, tokens: Sequence[Token]) -> tuple[int, int] | None:
    toks = [t for t in tokens if not (t.is_punct or t.is_space)]
    if not toks:
        return None
    return min(t.idx for t in toks), max(t.idx + len(t.text) for t in toks)


def _sentences(parsed: Doc, start: int, end: int) -> tuple[int, int]:
    """Start of the sentence holding ``start`` and end of the one holding ``end``."""
    s, e = start, end
    for sent in parsed.sents:
        if sent.start_char <= start < sent.end_char:
            s = min(s, sent.start_char)
        if sent.start_char < end <= sent.end_char:
            e = max(e, sent.end_char)
    return s, e


def _sentence_of(parsed: Doc, char: int) -> Span | None:
    for sent in parsed.sents:
        if sent.start_char <= char < sent.end_char:
            return sent
    return None


def _inside(char: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= char <= b for a, b in spans)


def _after_cue(parsed: Doc, p: Passage, fences: Sequence[tuple[int, int]], sp: Speakers):
    """The speech verb right after a closing mark: ``"...," said X`` / ``"...," X said``."""
    sent = _sentence_of(parsed, p.close_at)
    if sent is None:
        return None
    seen = 0
    for tok in parsed[sent.start : sent.end]:
        if tok.idx <= p.close_at:
            continue
        if _inside(tok.idx, fences) or tok.text in ".!?;":
            return None
        if sp.is_cue(tok):
            return tok
        seen += 1
        if seen > MAX_CUE_GAP:
            return None
    return None


def _before_cue(parsed: Doc, p: Passage, fences: Sequence[tuple[int, int]], sp: Speakers):
    """``X said: "..."`` / ``X said, "..."`` / ``X: "..."``: (cue token or None, colon, frame)."""
    sent = _sentence_of(parsed, max(p.open_at - 1, 0))
    if sent is None or p.open_at == 0:
        return None, False, []
    frame = [t for t in parsed[sent.start : sent.end] if t.idx < p.open_at]
    frame = [t for t in frame if not _inside(t.idx, fences)]
    if not frame or frame[-1].text not in (":", ","):
        return None, False, []
    colon = frame[-1].text == ":"
    for tok in reversed(frame):
        if tok.text in ".!?;" or (tok.text == '"' and tok.idx < p.open_at):
            break
        if sp.is_cue(tok):
            return tok, colon, frame
    return None, colon, frame


def _name_like(body: str) -> bool:
    """A short passage of capitalised words only, with no closing punctuation: a name
    or title in quotation marks ("Task Force Iraq", "Operation Desert Fox")."""
    words = body.split()
    return (
        1 < len(words) <= NAME_WORDS
        and body[-1:] not in ",.!?…"
        and all(w[:1].isupper() or w[:1].isdigit() for w in words)
    )


def _scare(text: str, p: Passage) -> bool:
    return len(text[p.start : p.end].split()) <= SCARE_WORDS


def _sentence_like(text: str, p: Passage) -> bool:
    """A whole sentence: it starts with a capital and ends with punctuation."""
    body = text[p.start : p.end]
    if not body[:1].isupper():
        return False
    return body[-1:] in ".!?…" or (body[-1:] == "," and not _scare(text, p))


def _nothing_between(text: str, prev: Quote, p: Passage) -> bool:
    """Only the previous quote's own attribution lies between it and this passage."""
    between = text[prev.end : p.open_at].strip(" \t\n\"“”’'")
    if not between:
        return True
    return not _TERMINATOR.search(between[:-1]) and "\n\n" not in between.strip()


def _direct(doc: Document, parsed: Doc, sp: Speakers) -> list[Quote]:
    text = doc.text
    passages = quoted_passages(text)
    fences = [(p.open_at, p.close_at) for p in passages]
    out: list[Quote] = []
    for p in passages:
        cue = _after_cue(parsed, p, fences, sp)
        colon = False
        frame: list[Token] = []
        if cue is None:
            cue, colon, frame = _before_cue(parsed, p, fences, sp)
        s_start, s_end = _sentences(parsed, p.open_at, p.close_at + 1)
        body = text[p.start : p.end]
        speaker, how = None, None
        if cue is not None:
            speaker, how = sp.of_cue(cue)
            if colon and how == "named":
                how = "colon"
        elif colon:
            speaker = sp.before_colon(frame)
            how = "colon" if speaker is not None else None
        if cue is None and speaker is None:
            prev = out[-1] if out else None
            if not _sentence_like(text, p):
                continue  # a scare quote, a title: no cue and not a sentence
            if prev is not None and prev.speaker is not None and _nothing_between(text, prev, p):
                speaker, how = prev.speaker, "previous"
        elif cue is not None and _scare(text, p) and body[-1:] not in ",.!?":
            continue  # "described the plan as 'a farce'": a cue-less phrase, not speech
        elif _name_like(body):
            continue  # "commander of 'Task Force Iraq', declaring...": a name, not speech
        cue_arg = sp.cue_arg(cue) if cue is not None else None
        out.append(
            Quote(doc.id, p.start, p.end, body, "direct", cue_arg, speaker, how, s_start, s_end)
        )
    return out


def _clause(verb: Token) -> Token | None:
    """The reported clause of a speech verb: its ccomp, not a wh-question."""
    for c in verb.children:
        if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX"):
            first = c.left_edge
            if first.lower_ in _WH:
                return None
            if any(g.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for g in c.children):
                return c
    return None


def _negated(verb: Token) -> bool:
    return any(c.dep_ == "neg" for c in verb.children)


def _indirect(doc: Document, parsed: Doc, sp: Speakers, direct: Sequence[Quote]) -> list[Quote]:
    fences = [(q.start - 1, q.end + 1) for q in direct]
    cue_tokens = {q.cue.start for q in direct if q.cue is not None}
    out: list[Quote] = []
    for tok in parsed:
        if tok.idx in cue_tokens or _inside(tok.idx, fences):
            continue
        if sp.is_according(tok):
            clause = [
                t
                for t in tok.head.subtree
                if not (tok.left_edge.i <= t.i <= tok.right_edge.i) and not _inside(t.idx, fences)
            ]
            if tok.head.i == tok.i or not clause:
                continue
            clause_tokens = _contiguous(clause, tok)
        elif sp.is_cue(tok) and not _negated(tok):
            comp = _clause(tok)
            if comp is None:
                continue
            clause_tokens = [t for t in comp.subtree if not (t.dep_ == "mark" and t.head == comp)]
            if any(_inside(t.idx, fences) for t in clause_tokens):
                continue
        else:
            continue
        bounds = _span(parsed, clause_tokens)
        if bounds is None:
            continue
        start, end = bounds
        speaker, how = sp.of_cue(tok)
        s_start, s_end = _sentences(parsed, start, end)
        s_start, s_end = min(s_start, tok.idx), max(s_end, tok.idx + len(tok.text))
        out.append(
            Quote(
                doc.id,
                start,
                end,
                doc.text[start:end],
                "indirect",
                sp.cue_arg(tok),
                speaker,
                how,
                s_start,
                s_end,
            )
        )
    return out


def _contiguous(clause: list[Token], cue: Token) -> list[Token]:
    """The run of clause tokens on the far side of an "according to" phrase."""
    before = [t for t in clause if t.i < cue.i]
    after = [t for t in clause if t.i > cue.right_edge.i]
    side = after if len([t for t in after if not t.is_punct]) >= len(before) else before
    return side


def quotes_for(
    doc: Document, parsed: Doc, mentions: Sequence[Mention] = (), *, cues: str = ""
) -> list[Quote]:
    """The direct and indirect quotes of one document, in text order.

    Args:
        doc: the document (its ``text`` is what ``parsed`` was made from).
        parsed: its spaCy parse (see :mod:`storyline.nlp.parse`).
        mentions: its entity mentions (:func:`storyline.entities.mentions.mentions_for`);
            without them no speaker gets an entity key.
        cues: path of a cues TOML; empty for the one shipped (``data/cues.toml``).

    Returns:
        Quotes sorted by offset; every ``text == doc.text[start:end]``.

    Raises:
        ValueError: the parse is of another text.
    """
    if parsed.text != doc.text:
        raise ValueError(f"the parse of {doc.id} is not of its text")
    direct_spans = [(p.open_at, p.close_at) for p in quoted_passages(doc.text)]
    sp = Speakers(parsed, mentions, load_cues(cues), direct_spans)
    direct = _direct(doc, parsed, sp)
    indirect = _indirect(doc, parsed, sp, direct)
    return sorted([*direct, *indirect], key=lambda q: (q.start, q.end))
