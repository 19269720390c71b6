"""Text made safe to print on a terminal.

Article text is hostile: an escape sequence in a title or a quote could recolour, retitle or
rewrite the analyst's terminal, and a bidirectional override could make one name read as
another. Every line the CLI prints passes through :func:`terminal_safe`, which shows such
characters as visible escapes (``\\u001b``, ``\\u202e``) instead. The escapes are JSON's own,
so ``--json`` output, which goes the same way, stays valid JSON and reads back as the same
text; stored text keeps the characters, so evidence offsets stay true.
"""

from __future__ import annotations

__all__ = ["terminal_safe"]

_CONTROLS = [c for c in (*range(0x00, 0x20), *range(0x7F, 0xA0)) if c not in (0x09, 0x0A)]
_BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]
_TABLE = {c: f"\\u{c:04x}" for c in (*_CONTROLS, *_BIDI)}


def terminal_safe(text: str) -> str:
    """``text`` with control and bidirectional-override characters shown as escapes.

    Newlines and tabs are kept.

    >>> terminal_safe("fired\\x1b[31m 13\\u202e")
    'fired\\\\u001b[31m 13\\\\u202e'
    """
    return text.translate(_TABLE)
