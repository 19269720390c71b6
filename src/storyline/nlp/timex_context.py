"""What a resolver gets and gives: the :class:`Ctx` around a match and the :class:`Resolved` value.

Kept apart from the resolvers so both resolver modules share one definition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from storyline.nlp.timex_calendar import Period, fine_enough
from storyline.nlp.timex_tense import tense_at


@dataclass(frozen=True, slots=True)
class Resolved:
    """A matched expression's normalised form (see :class:`storyline.nlp.timex.Timex`)."""

    type: str
    value: str | None
    precision: str | None
    anchored: bool
    method: str
    period: Period | None = None
    end_value: str | None = None


@dataclass(frozen=True, slots=True)
class Ctx:
    """The context a resolver reads.

    ``anchor`` is the publication date; ``ref`` the last date the text named
    before this expression (what "a year earlier" or "the following day"
    counts from); ``quarter_ref`` a quarter named shortly before (a results
    story's paragraph); ``day_ref`` a day named shortly before (for clock
    times and parts of the day).
    """

    text: str
    anchor: Period | None
    ref: Period | None = None
    quarter_ref: Period | None = None
    day_ref: Period | None = None

    def tense(self, m: re.Match[str], max_gap: int | None = None) -> str | None:
        """The tense of the sentence around the match (see :mod:`timex_tense`).

        ``max_gap``: only a cue at most this many words away counts.
        """
        return tense_at(self.text, m.start(), m.end(), max_gap)

    def needs(self, precision: str) -> Period | None:
        """The anchor when it is at least as fine as ``precision``, else None."""
        return self.anchor if fine_enough(self.anchor, precision) else None

    def previous_word(self, m: re.Match[str]) -> str:
        """The word just before the match, lower-cased ("" at the start)."""
        w = re.search(
            r"([A-Za-z]+|[$%\d][\d.,]*)\W*$", self.text[max(0, m.start() - 40) : m.start()]
        )
        return w.group(1).lower() if w else ""

    def next_text(self, m: re.Match[str], n: int = 30) -> str:
        """Up to ``n`` characters after the match."""
        return self.text[m.end() : m.end() + n]


def found(
    kind: str,
    period: Period | None,
    method: str,
    *,
    anchored: bool,
    unresolved: str | None = None,
    precision: str | None = None,
    end_value: str | None = None,
) -> Resolved:
    """A :class:`Resolved` for a calendar period, or an unresolved one when there is none.

    Args:
        kind: TIMEX3 type ("DATE", "TIME").
        period: the resolved period, or None when it could not be resolved.
        method: how it was derived (the rule name and the resolution).
        anchored: whether the publication date was used.
        unresolved: the underspecified value to give without a period
            ("XXXX-WXX-5"), or None.
        precision: the precision of that underspecified value.
        end_value: the end of a range ("1998-99").
    """
    if period is None:
        rule = method.split(":", 1)[0]
        return Resolved(kind, unresolved, precision, False, f"{rule}:unanchored")
    return Resolved(kind, period.value(), period.precision, anchored, method, period, end_value)


def day_period(d: date) -> Period:
    """The day period of a date."""
    return Period(d, "day")


def mid_sentence(ctx: Ctx, m: re.Match[str]) -> bool:
    """Whether the match follows a lower-case word or a comma (so capitals mark a name)."""
    return bool(re.search(r"[a-z,']\s*[\"'“]*\s*$", ctx.text[max(0, m.start() - 6) : m.start()]))
