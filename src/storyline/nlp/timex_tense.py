"""Tense of the clause around a time expression, from light word cues (no parser).

The rule: within the sentence (or ``;`` clause), every word that marks tense
is a cue; the cue nearest the expression (counted in words) decides, a tie
going to the cue before it.

- **future**: ``will``, ``'ll``, ``shall``, ``won't``, ``would``, ``expected``,
  ``scheduled``, ``plan(s/ned/ning)``, ``intend(s/ed)``, ``slated``,
  ``upcoming``, ``next``, ``coming``, ``tomorrow``; ``going/due/set/aim(s)``
  followed by ``to``; ``to be``; ``as soon as`` / ``as early as`` right before;
- **past**: ``was``, ``were``, ``had``, ``did``, ``said``, ``told``, ``ago``,
  ``yesterday``, ``last``, ``earlier``, ``recently``, common irregular past
  forms (``met``, ``came``, ``took``...), and ``-ed`` forms.

Exceptions, each a common news pattern:

- a past form right after *be* or a determiner is no cue: "will be **paid**",
  "is **heard**", "a still **unspecified** date" (the tense is elsewhere);
- ``was/were/is/are`` before a future form defers to it: "were **planning** to";
- a future form after ``had``/``had been`` is past: "had been **due** to expire
  Friday" (a plan of the past);
- a reporting verb (``said``, ``told``, ``added``...) after the expression and
  a comma dates the report, not the event: "... on Tuesday, officials said".

With no cue the tense is unknown (None) and the caller picks its default
(news reports mostly what happened: past).

Example:
    >>> text = "He said he will meet them on Friday."
    >>> tense_at(text, text.index("Friday"), text.index("Friday") + 6)
    'future'
"""

from __future__ import annotations

import re

_FUTURE = frozenset(
    "will 'll shall won't wont would 'd expected expects expect scheduled schedules "
    "upcoming intends intend intended aims aim plans plan planned planning due set going "
    "slated tomorrow next coming".split()
)
_PAST = frozenset(
    "was were had did said told ago wasn't weren't hadn't didn't came went took made gave "
    "met left began fell rose won lost held saw found got sold bought paid led ran spent "
    "struck brought thought knew became built fought flew broke drove spoke wrote stood "
    "sent kept felt heard meant sought taught caught chose forgot grew threw shot "
    "yesterday last earlier previously recently".split()
)
# "-ed" words that are not past verbs, or that point to the future.
_NOT_PAST_ED = frozenset(
    "need feed speed seed bed red hundred shed indeed breed based united proceed exceed "
    "succeed steed greed creed embed reed weed bleed freed agreed".split()
)
# An "-ed" word after these is an adjective ("a still unspecified date", "the planned cut").
_DETERMINERS = frozenset("a an the its their his her our this that these those still very".split())
# Cues that only count with the word after them: "going to", "due to", "set to".
_NEEDS_TO = frozenset({"going", "due", "set", "aims", "aim"})
# Past forms that point to the future ("were planning to", "was expected to").
_FUTURE_FORMS = frozenset(
    "plans plan planned planning expected expecting scheduled intends intended going set "
    "due slated poised".split()
)
# Reporting verbs: after the expression and a comma they date the report, not the event.
_REPORTING = frozenset("said says told added reported announced stated".split())
_PASSIVE = frozenset("be been being is are am 's 're".split())
_PERFECT = frozenset("has have had 've".split())

_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|'ll|'d")
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n|;")
# Abbreviations that end in a dot without ending the sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr gen col lt sgt rep sen gov pres prof inc corp co ltd no vs "
    "jan feb mar apr jun jul aug sep sept oct nov dec a.m p.m u.s u.k u.n e.g i.e".split()
)


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or ``;`` clause) around ``[start, end)``.

    A dot after a known abbreviation or a single capital letter ("U.S.",
    "Sept.") does not end a sentence.

    Example:
        >>> t = "It rained. Mr. Li left on Friday. Done."
        >>> t[slice(*sentence_bounds(t, 25, 31))]
        'Mr. Li left on Friday.'
    """
    left = 0
    for m in _SENTENCE_END.finditer(text, max(0, start - 400), start):
        if _ends_sentence(text, m.start()):
            left = m.end()
    right = len(text)
    for m in _SENTENCE_END.finditer(text, end, min(len(text), end + 400)):
        if _ends_sentence(text, m.start()):
            right = m.start() + 1
            break
    if left == 0 and start > 400:
        left = start - 400
    return left, min(right, max(end, len(text)))


def _ends_sentence(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return True
    word = re.search(r"([A-Za-z.]+)$", text[max(0, dot - 12) : dot])
    if not word:
        return True
    w = word.group(1).lower().strip(".")
    return not (w in _ABBREVIATIONS or len(w) == 1 or re.fullmatch(r"(?:[a-z]\.)+[a-z]", w))


def _cue(words: list[str], i: int) -> str | None:
    """The tense word ``i`` marks, given its neighbours, or None."""
    w = words[i].lower()
    nxt = words[i + 1].lower() if i + 1 < len(words) else ""
    prev = words[i - 1].lower() if i > 0 else ""
    had_been = prev == "been" and i >= 2 and words[i - 2].lower() == "had"
    if w in _FUTURE_FORMS and (prev == "had" or had_been):
        return "past"  # "had been due to expire Friday": a plan that belonged to the past
    if w in _NEEDS_TO:
        return "future" if nxt == "to" or (w in ("set", "due") and nxt in ("for", "on")) else None
    if w == "to" and nxt == "be":
        return "future"
    if w == "as" and prev in ("soon", "early") and i >= 2 and words[i - 2].lower() == "as":
        return "future"  # "as soon as Tuesday", "as early as next week"
    if w in _FUTURE:
        return "future"
    if w in ("was", "were", "is", "are") and nxt in _FUTURE_FORMS:
        return None  # "were planning to": the next word decides
    if w in _PAST or (w.endswith("ed") and len(w) > 4 and w not in _NOT_PAST_ED):
        if prev in _PASSIVE or prev in _DETERMINERS or prev in ("will", "would", "to"):
            return None  # "is heard", "will be paid", "a planned cut": the tense is elsewhere
        return "past"
    return None


def tense_at(text: str, start: int, end: int, max_gap: int | None = None) -> str | None:
    """The tense of the sentence around ``[start, end)``: "past", "future" or None.

    Args:
        text: the whole text.
        start, end: the time expression's offsets (its own words are not cues).
        max_gap: only cues at most this many words away count (None: any in the sentence).

    Returns:
        The tense of the nearest cue in the sentence; None without one.
    """
    left, right = sentence_bounds(text, start, end)
    words: list[str] = []
    positions: list[int] = []
    for m in _WORD.finditer(text, left, right):
        if start <= m.start() < end:
            continue
        words.append(m.group(0))
        positions.append(m.start())
    first_after = sum(1 for p in positions if p < start)
    best: tuple[int, int, str] | None = None
    for i in range(len(words)):
        cue = _cue(words, i)
        if cue is None:
            continue
        if i >= first_after and words[i].lower() in _REPORTING and "," in text[end : positions[i]]:
            continue  # "... on Tuesday, Castro said": the saying, not the event
        # Distance in words; a tie goes to the cue before (English puts the verb first).
        key = (first_after - 1 - i, 0, cue) if i < first_after else (i - first_after, 1, cue)
        if best is None or key[:2] < best[:2]:
            best = key
    if best is None or (max_gap is not None and best[0] > max_gap):
        return None
    return best[2]
