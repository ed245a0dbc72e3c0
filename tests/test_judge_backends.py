"""The judge's runtimes agree: ONNX Runtime fp32 (the default) matches torch; int8 stays close; exports are
cached, found in the per-user cache, and made again when a cached one is broken.

With a cached export that loads, the judge never builds the torch model (only the tokenizer, the labels
and the temperature are read). The failures that make the default judge fall back to torch:
``test_judge_fallback.py``.
"""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

import verify.judge.nli_model
import verify.judge.onnx_backend
from verify.judge.backends import NLIJudge
from verify.settings import DEFAULT_VERIFIER

pytest.importorskip("onnxruntime")

PAIRS = [
    ("Lavrov will visit Pyongyang in October, the ministry said.", "Lavrov plans to visit Pyongyang in October."),
    ("Lavrov will visit Pyongyang in October, the ministry said.", "Lavrov visited Seoul in December."),
    ("The ceasefire collapsed on Monday after heavy shelling.", "The ceasefire held."),
    ("Kim Jong Un met Vladimir Putin at the Vostochny spaceport.", "The two leaders met in Russia."),
    ("Rain is expected across the region this weekend.", "The central bank raised interest rates."),
    ("A man is playing a guitar on stage.", "A person is performing music."),
    ("A man is playing a guitar on stage.", "Nobody is on the stage."),
    ("Exports rose 12% in September from a year earlier.", "Exports fell in September."),
]


@pytest.fixture(scope="module")
def torch_probs():
    return NLIJudge(DEFAULT_VERIFIER, backend="torch").predict(PAIRS)


@pytest.fixture(scope="module")
def fp32_export(onnx_cache):
    """The default judge's probabilities and its fp32 export, in the test session's cache (``conftest``:
    made once per session, by whichever test first loads the default judge, never in the repository)."""
    judge = NLIJudge(DEFAULT_VERIFIER)
    probs = judge.predict(PAIRS)
    assert judge.runtime == "onnx"
    exported = onnx_cache / verify.judge.onnx_backend.export_name(DEFAULT_VERIFIER, None)
    assert exported.is_file() and not [p for p in onnx_cache.iterdir() if p.is_dir()]  # no export left half-made
    return probs, exported


@pytest.fixture
def builds(monkeypatch) -> list:
    """The torch model's builds, one entry each (the real build)."""
    built, build = [], verify.judge.nli_model.build_model

    def counted(model_dir):
        built.append(model_dir)
        return build(model_dir)
    monkeypatch.setattr(verify.judge.nli_model, "build_model", counted)
    return built


def no_torch_model(monkeypatch) -> None:
    """Make any build of the torch model fail the test."""
    def build(model_dir):
        raise AssertionError(f"the torch model of {model_dir} was built")
    monkeypatch.setattr(verify.judge.nli_model, "build_model", build)


def test_the_default_judge_is_onnx_fp32_and_matches_torch(torch_probs, fp32_export):
    probs, _ = fp32_export
    assert probs.shape == torch_probs.shape
    assert np.abs(probs - torch_probs).max() < 1e-5


@pytest.mark.parametrize("backend", ["auto", "onnx"])
def test_a_cached_export_judges_without_building_the_torch_model(torch_probs, fp32_export, monkeypatch, backend):
    probs, _ = fp32_export
    no_torch_model(monkeypatch)
    judge = NLIJudge(DEFAULT_VERIFIER, backend=backend)
    fresh = judge.predict(PAIRS)
    assert judge.runtime == "onnx" and np.array_equal(fresh, probs)
    assert np.abs(fresh - torch_probs).max() < 1e-5
    assert judge.temperature == verify.judge.nli_model.read_delta_config(DEFAULT_VERIFIER)["temperature"]


def test_a_missing_export_builds_the_torch_model_once_to_make_it(fp32_export, tmp_path, monkeypatch, builds):
    probs, exported = fp32_export
    exports = []

    def export(loaded, path, scheme):  # the real export, as the fixture made it, without exporting again
        exports.append(type(loaded.model).__name__)
        shutil.copyfile(exported, path)
        return path
    monkeypatch.setattr(verify.judge.onnx_backend, "onnx_export", export)
    judge = NLIJudge(DEFAULT_VERIFIER, onnx_cache=tmp_path)
    assert np.array_equal(judge.predict(PAIRS), probs) and judge.runtime == "onnx"
    assert builds == [DEFAULT_VERIFIER] and exports == ["BertForSequenceClassification"]


def test_the_per_user_cache_serves_when_the_repository_cache_cannot_be_written(fp32_export, tmp_path,
                                                                               monkeypatch):
    probs, exported = fp32_export
    user = tmp_path / "xdg" / "crosscheck" / "onnx"
    user.mkdir(parents=True)
    os.link(exported, user / exported.name)
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(verify.judge.onnx_backend, "onnx_export", None)  # would fail if called: no export
    no_torch_model(monkeypatch)
    judge = NLIJudge(DEFAULT_VERIFIER, onnx_cache=tmp_path / "a-file" / "onnx")
    assert np.array_equal(judge.predict(PAIRS), probs) and judge.runtime == "onnx"


def test_a_corrupt_cached_export_is_replaced(fp32_export, tmp_path, monkeypatch, caplog, builds):
    probs, exported = fp32_export
    (tmp_path / exported.name).write_bytes(exported.read_bytes()[:100_000])  # an export cut short

    def export(loaded, path, scheme):  # the real export, as the fixture made it, without exporting again
        shutil.copyfile(exported, path)
        return path
    monkeypatch.setattr(verify.judge.onnx_backend, "onnx_export", export)
    judge = NLIJudge(DEFAULT_VERIFIER, onnx_cache=tmp_path)
    assert np.array_equal(judge.predict(PAIRS), probs) and judge.runtime == "onnx"
    assert "does not load" in caplog.text and "judging with torch" not in caplog.text
    assert (tmp_path / exported.name).read_bytes() == exported.read_bytes()
    assert builds == [DEFAULT_VERIFIER]  # the torch model, built for the export made again


def test_onnx_int8_stays_close_and_the_export_is_reused(torch_probs, tmp_path, monkeypatch):
    probs = NLIJudge(DEFAULT_VERIFIER, backend="onnx", quantize=True, onnx_cache=tmp_path).predict(PAIRS)
    assert np.abs(probs - torch_probs).max() < 0.2
    assert (probs.argmax(1) == torch_probs.argmax(1)).mean() >= 0.75
    exported = sorted(tmp_path.glob("*.onnx"))
    assert len(exported) == 1 and exported[0].name.endswith("-int8.onnx")
    stamp = exported[0].stat().st_mtime_ns
    # the same batch (dynamic int8 scales activations per batch, so batch mates matter a little)
    no_torch_model(monkeypatch)
    again = NLIJudge(DEFAULT_VERIFIER, backend="onnx", quantize=True, onnx_cache=tmp_path).predict(PAIRS)
    assert np.allclose(again, probs, atol=1e-5)
    assert exported[0].stat().st_mtime_ns == stamp and len(list(tmp_path.iterdir())) == 1


def test_onnx_int8_inner_layers_is_its_own_export_and_keeps_the_edge_layers_fp32(torch_probs, tmp_path):
    import onnx

    probs = NLIJudge(DEFAULT_VERIFIER, backend="onnx", quantize=True, scheme="inner-layers",
                     onnx_cache=tmp_path).predict(PAIRS)
    assert np.abs(probs - torch_probs).max() < 0.2
    assert (probs.argmax(1) == torch_probs.argmax(1)).mean() >= 0.75
    exported = sorted(tmp_path.glob("*.onnx"))
    assert len(exported) == 1 and exported[0].name.endswith("-int8-inner.onnx")
    nodes = onnx.load(str(exported[0])).graph.node
    int8 = [n.name for n in nodes if n.op_type == "MatMulInteger"]
    assert any("layer.1/" in n for n in int8) and not any("layer.0/" in n or "layer.5/" in n for n in int8)
    assert any(n.op_type == "Gather" and n.input[0].endswith("word_embeddings.weight") for n in nodes)


def test_unknown_scheme_is_refused():
    with pytest.raises(ValueError, match="unknown int8 scheme"):
        NLIJudge(DEFAULT_VERIFIER, backend="onnx", quantize=True, scheme="int4")


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="unknown judge backend"):
        NLIJudge(DEFAULT_VERIFIER, backend="tensorrt")
