"""``python -m verify check`` loads only what a check runs: the packages' names load on first use
(README, "Cold start of verify check")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import index
import verify

ROOT = Path(__file__).resolve().parent.parent
NOT_FOR_A_CHECK = ["index.build.update", "index.ingest.read", "index.shards.sharded_index", "markdown_it",
                   "verify.workbench.notes", "verify.workbench.export", "sentence_transformers", "sklearn", "pandas"]


def _loaded_after(code: str) -> list[str]:
    """Which of :data:`NOT_FOR_A_CHECK` a fresh interpreter holds after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps([m for m in {NOT_FOR_A_CHECK!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.splitlines()[-1])


def test_the_check_command_module_imports_no_build_workbench_or_model_library():
    assert _loaded_after("import verify.cli, verify.verifier") == []


def test_every_public_name_still_resolves():
    for package in (index, verify):
        for name in package.__all__:
            assert getattr(package, name) is not None
        assert set(package.__all__) <= set(dir(package))
