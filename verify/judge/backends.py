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
from verify.judge.onnx_backend import SCHEMES, OnnxUnavailable, onnx_model, user_cache_dir

LOG = logging.getLogger(__name__)
BACKENDS = ("auto", "torch", "onnx")
"""``auto``: ONNX Runtime where it works, else torch (one warning says why); ``onnx``: ONNX Runtime or
:class:`ModelError`; ``torch``: torch."""
DEFAULT_ONNX_CACHE = Path(__file__).resolve().parents[2] / "var" / "onnx"  # the repository's var/ (ignored by git)


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
        threads: intra-op threads of torch and of the ONNX Runtime session; None keeps each one's default
            (one per core).
        quantize: int8 dynamic quantisation of the linear layers (faster, slightly less accurate).
        backend: ``"auto"`` (default), ``"onnx"`` or ``"torch"``. ``onnx``: ONNX Runtime on an ONNX
            export of the model, made once and cached (with ``quantize``: int8 weights by ``scheme``;
            see ``bench/bench_judge.py``); fp32 gives torch's probabilities within 1e-5, faster.
            ``auto``: the same, but where ONNX Runtime cannot run (not installed, the export fails,
            no cache folder can be written, the session does not load) it logs one warning and
            judges with torch, so a check never fails for want of it. :attr:`runtime` says which ran.
        onnx_cache: folder for the exported ONNX files, tried before the per-user cache
            (:func:`verify.judge.onnx_backend.user_cache_dir`). Defaults to ``var/onnx``.
        scheme: the onnx backend's int8 scheme with ``quantize``: ``"per-channel"`` (default) or
            ``"inner-layers"`` (:mod:`verify.judge.onnx_backend`).
        spin: let the ONNX Runtime session's idle threads spin (off: see :class:`OnnxModel`).
    """

    def __init__(self, model_dir: Path, batch_size: int = 32, threads: int | None = None,
                 quantize: bool = False, backend: str = "auto", onnx_cache: Path | None = None,
                 scheme: str = "per-channel", spin: bool = False):
        if backend not in BACKENDS:
            raise ValueError(f"unknown judge backend {backend!r}; expected one of {BACKENDS}")
        if scheme not in SCHEMES:
            raise ValueError(f"unknown int8 scheme {scheme!r}; expected one of {SCHEMES}")
        self.model_dir = Path(model_dir)
        self.batch_size = batch_size
        self.threads = threads
        self.quantize = quantize
        self.backend = backend
        self.onnx_cache = Path(onnx_cache) if onnx_cache else DEFAULT_ONNX_CACHE
        self.scheme = scheme
        self.spin = spin
        self.runtime: str | None = None
        """The runtime that judges, ``"torch"`` or ``"onnx"``, once the model is loaded (None before)."""
        self._loaded = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._loaded is None:
                self._loaded = self._load_model()
            return self._loaded

    def _load_model(self):
        """The verifier the judge runs: ONNX Runtime on a cached export needs only the tokenizer and the
        model's labels and temperature; the torch model is built only to export, or to judge with torch."""
        import torch

        from verify.judge import nli_model

        if self.threads:
            torch.set_num_threads(self.threads)
        loaded = self._model_error(nli_model.load_parts)
        runtime = "torch"
        if self.backend != "torch":
            caches = [c for c in dict.fromkeys([self.onnx_cache, user_cache_dir()]) if c is not None]
            try:
                session = onnx_model(lambda: self._with_torch_model(loaded), self.model_dir, caches,
                                     self.scheme if self.quantize else None, self.threads, self.spin)
                loaded.model = session  # the torch model an export built (if any) is dropped here
                runtime = "onnx"
            except OnnxUnavailable as exc:
                if self.backend == "onnx":  # asked for by name: say so rather than run something else
                    raise ModelError(f"the onnx judge backend cannot run: {exc}") from exc
                LOG.warning("judging with torch: %s", exc)
        if runtime == "torch":
            self._with_torch_model(loaded)
            if self.quantize:
                loaded.model = quantize_int8(loaded.model)
        self.runtime = runtime
        LOG.info("loaded verifier from %s (%s%s)", self.model_dir, runtime,
                 f", int8 {self.scheme if runtime == 'onnx' else 'dynamic'}" if self.quantize else "")
        return loaded

    def _with_torch_model(self, loaded):
        """``loaded`` with its torch model, built now unless an export already built it."""
        from verify.judge import nli_model

        if loaded.model is None:
            loaded.model = self._model_error(nli_model.build_model)
        return loaded

    def _model_error(self, read):
        """``read(self.model_dir)``, its failure to read the model said as :class:`ModelError`."""
        from safetensors import SafetensorError  # a delta file cut short or not safetensors at all

        try:
            return read(self.model_dir)
        except (OSError, ValueError, KeyError, SafetensorError) as exc:
            raise ModelError(f"cannot load the verifier model from {self.model_dir}: {exc}") from exc

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
