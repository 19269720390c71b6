"""Remove page furniture from extracted text, recording every cut.

The cleaner works on whole lines. A line is furniture when a rule from
``data/furniture.toml`` matches it, or when a structural rule here does (date
lines, tag lists, captions after a photo credit, trailing "latest news"
blocks, stray lines in another script, the headline). Everything else stays,
including quotes and commentary an outlet added.

Each removed line becomes a :class:`~storyline.model.Removal` with its reason,
so the original text can be rebuilt and every cut audited.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from storyline.ingest.dates import NUMERIC_DATE, WRITTEN_DATE
from storyline.model import Document, Removal

# Reasons whose lines carry metadata (see metadata.py).
METADATA_REASONS = ("title", "dateline", "byline", "credit", "tags")


@dataclass(frozen=True, slots=True)
class Rule:
    reason: str
    max_words: int
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class Rules:
    rules: tuple[Rule, ...]
    related_headings: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class Line:
    start: int
    end: int
    """End of the line's text, before its newline."""
    stop: int
    """End including the newline, if any."""
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True, slots=True)
class CleanResult:
    """Cleaned text and what was cut from the input to get it."""

    text: str
    removed: tuple[Removal, ...]


@lru_cache(maxsize=4)
def load_rules(name: str = "furniture.toml") -> Rules:
    """Load and compile a furniture rule file shipped in ``ingest/data``."""
    raw = tomllib.loads(resources.files("storyline.ingest.data").joinpath(name).read_text("utf-8"))
    rules = tuple(
        Rule(
            r["reason"],
            int(r.get("max_words", 12)),
            tuple(re.compile(p, re.IGNORECASE) for p in r["patterns"]),
        )
        for r in raw["rule"]
    )
    headings = tuple(re.compile(p, re.IGNORECASE) for p in raw["related_headings"]["patterns"])
    return Rules(rules, headings)


def split_lines(text: str) -> list[Line]:
    """Lines of ``text`` with their offsets."""
    lines = []
    pos = 0
    for chunk in text.splitlines(keepends=True):
        body = chunk.rstrip("\n")
        lines.append(Line(pos, pos + len(body), pos + len(chunk), body))
        pos += len(chunk)
    return lines


def match_rule(text: str, rules: Rules | None = None) -> tuple[str, str | None] | None:
    """Classify one line by the rule file: ``(reason, name)`` or None.

    >>> match_rule("Source: The Daily Planet")
    ('credit', 'The Daily Planet')
    """
    rules = rules or load_rules()
    s = text.strip()
    if not s:
        return None
    nwords = len(s.split())
    for rule in rules.rules:
        if nwords > rule.max_words:
            continue
        for pattern in rule.patterns:
            m = pattern.search(s)
            if m:
                name = m.groupdict().get("name")
                return rule.reason, name.strip(" .,|") if name else None
    return None


_DATELINE_NOISE = re.compile(
    r"\d[\d,.]*\s*(?:view count|views?|comments?|reads|shares)\b|"
    r"\b(?:posted |written |published )?by\s+[^\s|,]+(?:\s+[A-Z][^\s|,]*){0,2}|"
    r"\b(?:published|updated|posted|last updated|modified|created|date|on|at|gmt|utc|"
    r"[ecmp][sd]t|cet|cest|msk|am|pm|a\.m\.|p\.m\.|comments?|view count|views?)\b|"
    r"[|•·—–\-:,/()]|\d{1,2}[:.]\d{2}",
    re.IGNORECASE,
)


def is_dateline(text: str) -> bool:
    """True for a short line that is a date plus furniture ("2020-01-05 17:45 | 3 comments")."""
    if len(text.split()) > 14:
        return False
    m = WRITTEN_DATE.search(text) or NUMERIC_DATE.search(text)
    if not m:
        return False
    rest = _DATELINE_NOISE.sub(" ", text[: m.start()] + " " + text[m.end() :])
    return len(re.findall(r"[^\W\d_]{2,}", rest)) <= 1


_LIST_PREFIX = re.compile(r"^(?:tags?|filed under|categories|category|labels?|topics?)\s*:", re.I)
_LIST_SEPARATORS = re.compile(r"\s*[|•·»]\s*")


def list_kind(text: str) -> str | None:
    """``"tags"`` for a tag line, ``"list"`` for a separator-joined list of short items."""
    s = text.strip()
    if _LIST_PREFIX.match(s):
        return "tags"
    if not _LIST_SEPARATORS.search(s) or s.endswith((".", '"', "”")) or len(s.split()) > 40:
        return None
    items = [i.strip() for part in _LIST_SEPARATORS.split(s) for i in part.split(",")]
    items = [i for i in items if i]
    if len(items) < 2 or any(len(i.split()) > 6 for i in items):
        return None
    return "list"


@lru_cache(maxsize=4096)
def _script(ch: str) -> str:
    if ch < "\x80":
        return "LATIN"  # the common case, without a Unicode name lookup
    try:
        return unicodedata.name(ch).split(" ")[0]
    except ValueError:
        return "UNKNOWN"


_ASCII_LETTER = re.compile(r"[A-Za-z]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _letters_by_script(text: str) -> dict[str, int]:
    # ASCII letters are counted in one regex pass; only other characters need a lookup.
    counts: dict[str, int] = {}
    latin = len(_ASCII_LETTER.findall(text))
    if latin:
        counts["LATIN"] = latin
    for ch in _NON_ASCII.findall(text):
        if ch.isalpha():
            s = _script(ch)
            counts[s] = counts.get(s, 0) + 1
    return counts


def dominant_script(text: str) -> str | None:
    counts = _letters_by_script(text)
    total = sum(counts.values())
    if not total:
        return None
    script, n = max(counts.items(), key=lambda kv: kv[1])
    return script if n >= 0.8 * total else None


def _is_stray(text: str, dominant: str | None) -> bool:
    if dominant is None or len(text.split()) > 20:
        return False
    counts = _letters_by_script(text)
    total = sum(counts.values())
    return total >= 3 and counts.get(dominant, 0) < 0.4 * total


@lru_cache(maxsize=16384)
def classify_line(text: str, rules: Rules | None = None, dominant: str | None = None) -> str | None:
    """The furniture reason of one line on its own, without context, or None.

    ``dominant`` is the page's main script (see :func:`dominant_script`); lines mostly
    in another script are ``stray``. A separator-joined list comes back as ``list``.
    Cached (bounded): the post splitter and the cleaner classify the same lines.
    """
    s = text.strip()
    if not s:
        return None
    hit = match_rule(s, rules)
    if hit:
        return hit[0]
    if is_dateline(s):
        return "dateline"
    if kind := list_kind(s):
        return kind
    if _is_stray(s, dominant):
        return "stray"
    return None


def is_headline(text: str) -> bool:
    """A line shaped like a headline: 3 to 30 words, no closing full stop."""
    s = text.strip()
    n = len(s.split())
    return 3 <= n <= 30 and not s.endswith((".", ",", ";", ":", '"', "”", "'", "’", "|", "-"))


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s.lower()).strip()


def clean_text(text: str, *, title: str | None = None, rules: Rules | None = None) -> CleanResult:
    """Remove furniture lines from ``text``.

    Args:
        text: extracted article text, paragraphs on their own lines.
        title: the title the container gave, if any; a first line equal to it is cut
            as ``title``. Without one, a headline-shaped first line is cut as ``title``.
        rules: a rule set from :func:`load_rules` (default: the shipped one).

    Returns:
        The cleaned text and the removals, with offsets into ``text``.

    >>> r = clean_text("Mayor opens bridge\\nThe mayor opened the new bridge on Monday morning.\\n"
    ...                "Share this story!\\n")
    >>> r.text, [x.reason for x in r.removed]
    ('The mayor opened the new bridge on Monday morning.\\n', ['title', 'share'])
    """
    rules = rules or load_rules()
    lines = split_lines(text)
    reasons: list[str | None] = [None] * len(lines)
    dominant = dominant_script(text)

    for i, line in enumerate(lines):
        reasons[i] = classify_line(line.text, rules, dominant)

    _mark_lists(lines, reasons)
    _keep_inner_strays(lines, reasons)
    _mark_captions(lines, reasons)
    _mark_related_block(lines, reasons, rules)
    _mark_title(lines, reasons, title)
    _mark_edge_blanks(lines, reasons)
    return _apply(text, lines, reasons)


def _mark_lists(lines: list[Line], reasons: list[str | None]) -> None:
    # A list right after a date or byline is the post's tags; elsewhere it is a menu.
    for i, r in enumerate(reasons):
        if r != "list":
            continue
        near = [reasons[j] for j in range(max(0, i - 3), i)]
        reasons[i] = "tags" if {"dateline", "byline"} & set(near) else "navigation"


def _keep_inner_strays(lines: list[Line], reasons: list[str | None]) -> None:
    # A line in another script is page furniture only at the edges of the page (a
    # widget title after the article); inside the article it is a quotation or a
    # name in its own script, and stays.
    body = [i for i, r in enumerate(reasons) if r is None and lines[i].text.strip()]
    if not body:
        return
    for i, r in enumerate(reasons):
        if r == "stray" and body[0] < i < body[-1]:
            reasons[i] = None


def _mark_captions(lines: list[Line], reasons: list[str | None]) -> None:
    for i, line in enumerate(lines):
        if reasons[i] != "photo-credit":
            continue
        # A bare credit ("© AFP / Jane Roe") is followed by its caption; a credit with
        # the caption glued on is often followed by the caption again.
        j = _next_nonblank(lines, i + 1)
        if j is None or reasons[j] is not None:
            continue
        nxt = lines[j].text.strip()
        glued = line.words > 8
        if (
            not glued
            and nxt
            and lines[j].words <= 45
            and len(re.findall(r"[.!?](?:\s|$)", nxt)) <= 2
        ):
            reasons[j] = "caption"
        elif glued and _norm(nxt)[:60] and _norm(nxt)[:60] in _norm(line.text):
            reasons[j] = "caption"


def _mark_related_block(lines: list[Line], reasons: list[str | None], rules: Rules) -> None:
    total = sum(line.words for line in lines) or 1
    seen = 0
    for i, line in enumerate(lines):
        seen += line.words
        s = line.text.strip()
        if not s or reasons[i] is not None or seen < 0.5 * total:
            continue
        if not any(p.search(s) for p in rules.related_headings):
            continue
        after = [k for k in range(i + 1, len(lines)) if lines[k].text.strip()]
        # Only a block of short link-like lines to the end of the page counts.
        if any(lines[k].words > 15 and reasons[k] is None for k in after):
            continue
        reasons[i] = "related"
        for k in after:
            if reasons[k] is None:
                reasons[k] = "related"


def _mark_title(lines: list[Line], reasons: list[str | None], title: str | None) -> None:
    first = next((i for i, r in enumerate(reasons) if r is None and lines[i].text.strip()), None)
    if first is None:
        return
    s = lines[first].text.strip()
    if title is not None:
        if _norm(s) == _norm(title):
            reasons[first] = "title"
        return
    following = _next_kept(lines, reasons, first + 1)
    if following is not None and is_headline(s) and lines[following].words >= 8:
        reasons[first] = "title"


def _mark_edge_blanks(lines: list[Line], reasons: list[str | None]) -> None:
    kept = [i for i, r in enumerate(reasons) if r is None and lines[i].text.strip()]
    if not kept:
        return
    for i in list(range(0, kept[0])) + list(range(kept[-1] + 1, len(lines))):
        if reasons[i] is None:
            reasons[i] = "blank"


def _next_nonblank(lines: list[Line], start: int) -> int | None:
    return next((k for k in range(start, len(lines)) if lines[k].text.strip()), None)


def _next_kept(lines: list[Line], reasons: list[str | None], start: int) -> int | None:
    return next(
        (k for k in range(start, len(lines)) if reasons[k] is None and lines[k].text.strip()),
        None,
    )


def _apply(text: str, lines: list[Line], reasons: list[str | None]) -> CleanResult:
    out: list[str] = []
    removed: list[Removal] = []
    at = 0
    for line, reason in zip(lines, reasons, strict=True):
        chunk = text[line.start : line.stop]
        if reason is None:
            out.append(chunk)
            at += len(chunk)
        else:
            removed.append(Removal(at, line.start, line.stop, chunk, reason))
    cleaned = "".join(out)
    # The last kept line keeps no dangling blank lines, but one final newline is fine.
    return CleanResult(cleaned, tuple(removed))


def clean_document(doc: Document, *, title: str | None = None) -> Document:
    """Stage ``clean.rules.v1``: clean ``doc.text``; a cleaned document comes back as is."""
    if doc.removed:
        return doc
    result = clean_text(doc.text, title=doc.title if title is None else title)
    return replace(doc, text=result.text, removed=result.removed)


def passthrough(doc: Document) -> Document:
    """Stage used when cleaning is switched off: the text stays as extracted."""
    return doc
