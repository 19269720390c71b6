from __future__ import annotations

import subprocess
import sys
import types

import storyline


def test_all_matches_public_names() -> None:
    public = {
        n
        for n in dir(storyline)
        if not n.startswith("_") and not isinstance(getattr(storyline, n), types.ModuleType)
    }
    assert set(storyline.__all__) - {"__version__"} == public


def test_import_loads_no_heavy_module() -> None:
    code = (
        "import sys, storyline; "
        "heavy = {'trafilatura', 'dateparser', 'pyarrow', 'py3langid', 'feedparser', 'httpx', "
        "'warcio', 'spacy'}; print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_errors_share_a_base() -> None:
    for name in ("ConfigError", "IngestError", "StageError", "StoreError", "MissingExtraError"):
        assert issubclass(getattr(storyline, name), storyline.StorylineError)
