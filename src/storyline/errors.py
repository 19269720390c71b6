"""The exception hierarchy. Catch :class:`StorylineError` to catch them all.

- :class:`ConfigError`: a config file or option is wrong; the message says how to fix it.
- :class:`IngestError`: one input could not be read; ``source`` names it, ``reason`` says why.
- :class:`StageError`: a pipeline stage failed or broke its contract.
- :class:`StoreError`: the store could not be opened, read or written.
- :class:`MissingExtraError`: an optional dependency is not installed.
"""

from __future__ import annotations


class StorylineError(Exception):
    """Base class of every error storyline raises on purpose."""


class ConfigError(StorylineError):
    """A configuration value is missing, unknown or out of range."""


class IngestError(StorylineError):
    """An input could not be turned into documents.

    Args:
        source: the path, URL or ``path#record`` that failed.
        reason: one line saying why, meant for the user.
    """

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class StageError(StorylineError):
    """A pipeline stage raised, or returned something other than a Document."""


class StoreError(StorylineError):
    """The store could not be opened, migrated, read or written."""


class MissingExtraError(StorylineError):
    """An optional dependency is missing; the message names the extra to install."""
