"""The default judge never loses a check to ONNX Runtime: where it cannot run, torch judges instead.

Each failure is simulated (no ONNX export is made here); the model is the shipped verifier, built once, and
each test counts the judges' builds of it (the torch model is built only to export or to judge with torch).
"""

from __future__ import annotations

import logging
import shutil
import sys

import numpy as np
import pytest

import verify.judge.nli_model
import verify.judge.onnx_backend
from verify.errors import ModelError
from verify.judge.backends import NLIJudge
from verify.judge.nli_model import build_model
from verify.settings import DEFAULT_VERIFIER

PAIRS = [
    ("Lavrov will visit Pyongyang in October, the ministry said.", "Lavrov plans to visit Pyongyang in October."),
    ("The ceasefire collapsed on Monday after heavy shelling.", "The ceasefire held."),
    ("Rain is expected across the region this weekend.", "The central bank raised interest rates."),
]


@pytest.fixture(scope="module")
def torch_model():
    return build_model(DEFAULT_VERIFIER)


@pytest.fixture
def builds(torch_model, monkeypatch) -> list:
    """The judges' builds of the torch model, one entry each (each one gets the once-built model)."""
    built = []

    def build(model_dir):
        built.append(model_dir)
        return torch_model
    monkeypatch.setattr(verify.judge.nli_model, "build_model", build)
    return built


@pytest.fixture
def judge_of(builds, monkeypatch, tmp_path):
    """A factory of judges on the once-built model, caching in ``tmp_path / "var"``; the per-user cache is
    ``tmp_path / "user"``."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user"))

    def judge_of(**kwargs) -> NLIJudge:
        return NLIJudge(DEFAULT_VERIFIER, **{"onnx_cache": tmp_path / "var", **kwargs})
    return judge_of


@pytest.fixture
def torch_probs(judge_of, builds):
    probs = judge_of(backend="torch").predict(PAIRS)
    assert len(builds) == 1
    builds.clear()
    return probs


def falls_back(judge: NLIJudge, torch_probs: np.ndarray, builds: list, caplog, why: str) -> None:
    """``judge`` judges with torch, gives torch's probabilities and says why in one warning (the model
    built once, by the export that failed or for torch)."""
    with caplog.at_level(logging.WARNING, logger="verify.judge"):
        probs = judge.predict(PAIRS)
    assert judge.runtime == "torch"
    assert np.array_equal(probs, torch_probs)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and warnings[0].startswith("judging with torch") and why in warnings[0], warnings
    assert builds == [DEFAULT_VERIFIER]


def test_the_default_backend_is_auto():
    from verify.settings import Settings

    assert NLIJudge(DEFAULT_VERIFIER).backend == Settings().backend == "auto"


def test_missing_onnxruntime_falls_back_to_torch(judge_of, torch_probs, builds, caplog, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import onnxruntime -> ImportError
    falls_back(judge_of(), torch_probs, builds, caplog, "onnxruntime and onnx must be installed")


def test_asked_for_by_name_onnx_says_why_it_cannot_run(judge_of, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(ModelError, match="the onnx judge backend cannot run: onnxruntime and onnx must be"):
        judge_of(backend="onnx").predict(PAIRS)


def test_a_failing_export_falls_back_to_torch_and_leaves_no_file(judge_of, torch_probs, builds, caplog,
                                                                monkeypatch, tmp_path):
    import torch

    def broken(*args, **kwargs):
        raise RuntimeError("Exporting the operator 'aten::foo' to ONNX opset version 17 is not supported")
    monkeypatch.setattr(torch.onnx, "export", broken)
    falls_back(judge_of(), torch_probs, builds, caplog,
               "the ONNX export failed (RuntimeError: Exporting the operator")
    assert list((tmp_path / "var").iterdir()) == []


def test_no_writable_cache_falls_back_to_torch(judge_of, torch_probs, builds, caplog, monkeypatch, tmp_path):
    (tmp_path / "a-file").write_text("")  # no folder can be made under a file, whoever runs the test
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file" / "cache"))
    falls_back(judge_of(onnx_cache=tmp_path / "a-file" / "onnx"), torch_probs, builds, caplog,
               "no folder to write")


def test_a_corrupt_cached_export_is_exported_again_once_then_torch_judges(judge_of, torch_probs, builds, caplog,
                                                                          monkeypatch, tmp_path):
    pytest.importorskip("onnxruntime")
    name = verify.judge.onnx_backend.export_name(DEFAULT_VERIFIER, None)
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / name).write_bytes(b"half an ONNX file")
    exports = []

    def truncated(loaded, path, scheme):  # an export that writes a broken file, as a full disk might
        exports.append(path)
        path.write_bytes(b"\x08\x07")
        return path
    monkeypatch.setattr(verify.judge.onnx_backend, "onnx_export", truncated)
    with caplog.at_level(logging.WARNING, logger="verify.judge"):
        probs = judge_of().predict(PAIRS)
    assert exports == [tmp_path / "var" / name]
    assert np.array_equal(probs, torch_probs)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 2 and "does not load" in warnings[0] and "exporting it again" in warnings[0]
    assert warnings[1].startswith("judging with torch: ONNX Runtime cannot load the export")
    assert builds == [DEFAULT_VERIFIER]  # for the export; torch then judges with the same model


def test_a_model_that_cannot_be_built_for_the_export_is_a_model_error_not_a_fallback(judge_of, monkeypatch):
    pytest.importorskip("onnxruntime")

    def unreadable(model_dir):
        raise OSError(f"{model_dir}/delta.safetensors: unexpected end of file")
    monkeypatch.setattr(verify.judge.nli_model, "build_model", unreadable)
    with pytest.raises(ModelError, match="cannot load the verifier model from .*unexpected end of file"):
        judge_of().predict(PAIRS)


def test_new_base_weights_get_a_new_export(monkeypatch):
    # the delta is half of the model: the base weights package's version is part of the export's name
    before = verify.judge.onnx_backend.export_name(DEFAULT_VERIFIER, None)
    monkeypatch.setattr(verify.judge.onnx_backend, "_base_version", lambda: "999.0")
    assert verify.judge.onnx_backend.export_name(DEFAULT_VERIFIER, None) != before


@pytest.mark.parametrize("backend", ["auto", "torch"])
def test_a_corrupt_delta_is_a_model_error(tmp_path, monkeypatch, backend):
    # the export's name hashes the delta, so no cached export stands in for it: the model is built, and fails
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user"))
    model = tmp_path / "verifier"
    shutil.copytree(DEFAULT_VERIFIER, model)
    (model / verify.judge.nli_model.DELTA_WEIGHTS).write_bytes(b"not a safetensors file")
    with pytest.raises(ModelError, match=f"cannot load the verifier model from {model}: .*header"):
        NLIJudge(model, backend=backend, onnx_cache=tmp_path / "var").predict(PAIRS)
