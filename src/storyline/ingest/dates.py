"""Publication dates: parse a date string into :class:`Published` with its precision.

Only strings that look like dates are parsed; anything else gives None, never a
guess. Relative expressions ("yesterday") are not publication dates.
"""

from __future__ import annotations

import re
from datetime import datetime

from storyline.model import Published

_ISO = re.compile(
    r"^\s*(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?)?)?\s*$"
)
_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_TIME = (
    r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?"
    r"(?:\s*(?:GMT|UTC|[A-Z]{2,4}T?))?)?"
)
# "January 15, 2020", "Jan. 15, 2020 12:30", "15 January 2020", "Wednesday, 15 Jan 2020"
WRITTEN_DATE = re.compile(
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    rf"(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+\d{{4}}){_TIME}",
    re.IGNORECASE,
)
# "2020-01-05 17:45", "2020/01/05", "05.01.2020"
NUMERIC_DATE = re.compile(
    r"\b(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}\.\d{1,2}\.\d{4})"
    r"(?:[T ,]+\d{1,2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
)


def parse_published(value: str | None, method: str) -> Published | None:
    """Parse a date string from metadata or a date line.

    >>> parse_published("2020-01-05 17:45", "dateline")
    Published(value='2020-01-05T17:45', precision='minute', method='dateline')
    """
    if not value:
        return None
    value = value.strip()
    if len(value) > 80:
        return None
    m = _ISO.match(value)
    if m:
        return _from_iso(m, method)
    if not (WRITTEN_DATE.search(value) or NUMERIC_DATE.search(value)):
        return None
    return _from_dateparser(value, method)


def _from_iso(m: re.Match[str], method: str) -> Published | None:
    y, mo, d = m["y"], m["m"], m["d"]
    try:
        if d is None:
            if mo is None:
                return Published(y, "year", method)
            datetime(int(y), int(mo), 1)
            return Published(f"{y}-{int(mo):02d}", "month", method)
        dt = datetime(int(y), int(mo), int(d), int(m["H"] or 0), int(m["M"] or 0), int(m["S"] or 0))
    except ValueError:
        return None
    tz = m["tz"] or ""
    if tz == "Z":
        tz = "+00:00"
    elif tz and ":" not in tz:
        tz = f"{tz[:3]}:{tz[3:]}"
    if m["H"] is None:
        return Published(iso_text(dt, "day"), "day", method)
    if m["S"] is None:
        return Published(iso_text(dt, "minute") + tz, "minute", method)
    return Published(iso_text(dt, "second") + tz, "second", method)


def iso_text(dt: datetime, precision: str) -> str:
    """``dt`` as ISO 8601 cut to ``precision``, the year always four digits.

    (``strftime("%Y")`` writes year 1 as ``"1"`` on glibc, which no reader takes for a date.)
    """
    text = f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}"
    if precision in ("minute", "second"):
        text += f"T{dt.hour:02d}:{dt.minute:02d}"
    if precision == "second":
        text += f":{dt.second:02d}"
    return text


def _from_dateparser(value: str, method: str) -> Published | None:
    import dateparser  # slow import: only when a written date needs it

    has_time = bool(re.search(r"\d{1,2}[:.]\d{2}(?!\d)", value.split(",")[-1] + " " + value))
    settings = {
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "DATE_ORDER": "DMY" if re.search(r"\d{1,2}\.\d{1,2}\.\d{4}", value) else "MDY",
        "REQUIRE_PARTS": ["day", "month", "year"],
    }
    match = WRITTEN_DATE.search(value) or NUMERIC_DATE.search(value)
    assert match is not None
    dt = dateparser.parse(match.group(0), languages=["en"], settings=settings)
    if dt is None:
        return None
    if has_time and (dt.hour or dt.minute):
        return Published(iso_text(dt, "minute"), "minute", method)
    return Published(iso_text(dt, "day"), "day", method)
