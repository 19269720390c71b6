"""storyline: turn a pile of news articles about one story into evidence-linked structure.

Importing the package loads no model and reads no data; each stage loads what
it needs on first use.

>>> import storyline
>>> report = storyline.analyze(["articles/"], db="case.db")  # doctest: +SKIP
>>> storyline.export("json", db="case.db", out="case.json")  # doctest: +SKIP

The result queries whose names are also subpackages (``entities``, ``events``,
``claims``, ``quotes``) live in :mod:`storyline.api`: ``storyline.api.events(db=...)``.
"""

from storyline.api import (
    analyze,
    clean,
    conflicts,
    dataframe,
    documents,
    export,
    report,
    sources,
    stories,
    timeline,
)
from storyline.config import Config, load_config
from storyline.errors import (
    ConfigError,
    IngestError,
    MissingExtraError,
    StageError,
    StoreError,
    StorylineError,
)
from storyline.model import Document, Failure, IngestReport, Published, Removal, Span

__version__ = "0.1.0"

__all__ = [
    "Config",
    "ConfigError",
    "Document",
    "Failure",
    "IngestError",
    "IngestReport",
    "MissingExtraError",
    "Published",
    "Removal",
    "Span",
    "StageError",
    "StoreError",
    "StorylineError",
    "__version__",
    "analyze",
    "clean",
    "conflicts",
    "dataframe",
    "documents",
    "export",
    "load_config",
    "report",
    "sources",
    "stories",
    "timeline",
]
