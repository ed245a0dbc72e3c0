"""The NLI judge: (premise, hypothesis) pairs -> 3-way probabilities.

A thin wrapper over the cross-encoder; everything downstream works on the
probability arrays it returns, so tests can hand in a fake judge.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from verify.errors import ModelError
from verify.judge.nli_model import LABELS

LOG = logging.getLogger(__name__)
BACKENDS = ("torch", "onnx")
DEFAULT_ONNX_CACHE = Path(__file__).resolve().parents[2] / "var" / "onnx"  # the repository's var/ (ignored by git)
ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class Judge(Protocol):
    """Anything that scores (premise, hypothesis) pairs.

    ``predict`` returns an ``(n, 3)`` float array of probabilities in the order
    of :data:`verify.judge.nli_model.LABELS` (supports, contradicts, neutral).
    """

    def predict(self, pairs: list[tuple[str, str]]) -> np.ndarray: ...


class NLIJudge:
    """The trained cross-encoder, loaded lazily on first use.

    Args:
        model_dir: a Crosscheck delta directory or a Hugging Face NLI model dir.
        batch_size: pairs per forward pass. Defaults to 32.
        threads: torch intra-op threads; None keeps torch's default.
        quantize: int8 dynamic quantisation of the linear layers (faster, slightly less accurate).
        backend: ``"torch"`` (default) or ``"onnx"``: ONNX Runtime on an ONNX export of the
            model, made once and cached in ``onnx_cache`` (with ``quantize``: int8 weights per
            channel, the fastest variant; see ``bench/bench_judge.py``).
        onnx_cache: folder for the exported ONNX files. Defaults to ``var/onnx``.
    """

    def __init__(self, model_dir: Path, batch_size: int = 32, threads: int | None = None,
                 quantize: bool = False, backend: str = "torch", onnx_cache: Path | None = None):
        if backend not in BACKENDS:
            raise ValueError(f"unknown judge backend {backend!r}; expected one of {BACKENDS}")
        self.model_dir = Path(model_dir)
        self.batch_size = batch_size
        self.threads = threads
        self.quantize = quantize
        self.backend = backend
        self.onnx_cache = Path(onnx_cache) if onnx_cache else DEFAULT_ONNX_CACHE
        self._loaded = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._loaded is None:
                self._loaded = self._load_model()
            return self._loaded

    def _load_model(self):
        import torch

        from verify.judge.nli_model import load_model

        if self.threads:
            torch.set_num_threads(self.threads)
        try:
            loaded = load_model(self.model_dir)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"cannot load the verifier model from {self.model_dir}: {exc}") from exc
        if self.backend == "onnx":
            try:
                loaded.model = OnnxModel(onnx_export(loaded, self.model_dir, self.onnx_cache, self.quantize),
                                         self.threads)
            except ImportError as exc:
                raise ModelError(f"the onnx backend needs onnxruntime and onnx installed: {exc}") from exc
        elif self.quantize:
            loaded.model = quantize_int8(loaded.model)
        LOG.info("loaded verifier from %s (%s%s)", self.model_dir, self.backend, ", int8" if self.quantize else "")
        return loaded

    @property
    def temperature(self) -> float:
        return self._load().temperature

    def logits(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """Raw logits for each (premise, hypothesis) pair, shape ``(n, 3)``, in LABELS order."""
        if not pairs:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        import torch

        loaded = self._load()
        order = [loaded.labels.index(name) for name in LABELS]
        # Sort by length so each batch pads little; restore the order at the end.
        by_length = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        out = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(by_length), self.batch_size):
                idx = by_length[start:start + self.batch_size]
                enc = loaded.tokenizer([pairs[i][0] for i in idx], [pairs[i][1] for i in idx],
                                       truncation=True, max_length=loaded.max_length, padding=True,
                                       return_tensors="pt")
                logits = loaded.model(**enc).logits.float().numpy()
                out[idx] = logits[:, order]
        return out

    def predict(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """Calibrated probabilities for each (premise, hypothesis) pair, shape ``(n, 3)``."""
        return softmax(self.logits(pairs) / self.temperature) if pairs else self.logits(pairs)


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)


def quantize_int8(model):
    """Dynamic int8 quantisation of the linear layers (about 1.7x faster on CPU; see bench)."""
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def onnx_export(loaded, model_dir: Path, cache: Path, quantize: bool) -> Path:
    """The ONNX file of a loaded verifier, exported (and int8-quantised) once, then reused.

    The file name holds a hash of the model's weights and config, so a retrained or
    recalibrated model gets a new export; files are written under a temporary name and
    renamed, so an interrupted export never leaves a broken file behind.
    """
    import hashlib
    import os
    import tempfile
    import warnings

    import onnxruntime
    import torch

    digest = hashlib.sha256()
    for name in sorted(os.listdir(model_dir)):
        if (model_dir / name).is_file():
            digest.update(name.encode())
            digest.update((model_dir / name).read_bytes())
    digest.update(f"{onnxruntime.__version__} {torch.__version__}".encode())
    path = cache / f"verifier-{digest.hexdigest()[:16]}{'-int8' if quantize else ''}.onnx"
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
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
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            out = Path(tmp) / "int8.onnx"
            root = logging.getLogger()
            level = root.level
            root.setLevel(logging.ERROR)  # its advice to pre-process is for static quantisation
            try:
                quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, per_channel=True)
            finally:
                root.setLevel(level)
        os.replace(out, path)
    LOG.info("exported the verifier to %s", path)
    return path


class OnnxModel:
    """An ONNX Runtime session behind the call the judge makes of a torch model."""

    def __init__(self, path: Path, threads: int | None = None):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]

    def __call__(self, **enc):
        import torch

        feeds = {k: enc[k].numpy().astype(np.int64) for k in self.inputs}
        return _Output(torch.from_numpy(self.session.run(None, feeds)[0]))


class _Output:
    def __init__(self, logits):
        self.logits = logits
