"""Weights in pieces small enough to travel to a GPU machine, and back into a model folder.

    python -m verify.training.carry pack   MODEL_DIR OUT_DIR --parts 2
    python -m verify.training.carry unpack OUT_DIR/part-* --into RESTORED_DIR
    python3 verify/training/carry.py stage --pkg PKG --data CARRY/data --nli NLI MODULE ...   # on the GPU

``stage`` (standard library only, run by path from the repository root) lays out what a GPU run
imports: the named ``verify/training`` modules and ``verify/judge/nli_model.py`` in ``PKG`` (not the
whole package, whose ``__init__`` pulls in the API), and the carried training data, xz-compressed to
travel, as the gzip files the loaders read (``train_3way``, ``train_2way_aux``; ``dev_3way`` copied).

``pack`` stores each matrix as int8 with one float32 scale per row (symmetric; the largest
magnitude of a row maps to 127), every other tensor as fp16, and splits the tensors over
``--parts`` folders of about equal size; the first folder also holds the model's config and
tokenizer files. ``unpack`` restores float32 weights (``model.safetensors``) beside those files.
A row's error is at most half a step (its largest magnitude / 254): fine-tuning starts from a
copy indistinguishable in accuracy, at a quarter of the size (all-mpnet-base-v2: 438 MB to 110 MB).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

WEIGHTS = "model.safetensors"
SIDE_FILES = ("config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json")


def pack(model_dir: Path, out_dir: Path, parts: int) -> list[Path]:
    """Write ``parts`` folders ``out_dir/part-1`` ... holding ``model_dir``'s weights (see the module)."""
    import torch
    from safetensors.torch import load_file, save_file

    weights = load_file(str(model_dir / WEIGHTS))
    packed: dict[str, dict[str, torch.Tensor]] = {}
    for name, t in weights.items():
        if t.is_floating_point() and t.ndim == 2:
            scale = t.abs().amax(dim=1, keepdim=True).clamp(min=1e-12) / 127
            packed[name] = {f"{name}::q": torch.round(t / scale).to(torch.int8), f"{name}::s": scale.float()}
        elif t.is_floating_point():
            packed[name] = {name: t.half()}
        else:
            packed[name] = {name: t}
    size = {n: sum(v.numel() * v.element_size() for v in d.values()) for n, d in packed.items()}
    target, folders, current, filled = sum(size.values()) / parts, [], {}, 0.0
    for name, tensors in packed.items():
        current.update(tensors)
        filled += size[name]
        if filled >= target * (len(folders) + 1) and len(folders) < parts - 1:
            folders.append(current)
            current = {}
    folders.append(current)
    paths = []
    for i, tensors in enumerate(folders, 1):
        path = out_dir / f"part-{i}"
        path.mkdir(parents=True, exist_ok=True)
        save_file({k: v.contiguous() for k, v in tensors.items()}, str(path / "weights.safetensors"))
        if i == 1:
            for side in SIDE_FILES:
                if (model_dir / side).is_file():
                    shutil.copy(model_dir / side, path / side)
        paths.append(path)
    return paths


def unpack(parts: list[Path], into: Path) -> Path:
    """Restore the float32 model folder ``into`` from the packed ``parts`` (any order)."""
    import torch
    from safetensors.torch import load_file, save_file

    into.mkdir(parents=True, exist_ok=True)
    stored: dict[str, torch.Tensor] = {}
    for part in parts:
        stored.update(load_file(str(part / "weights.safetensors")))
        for side in SIDE_FILES:
            if (part / side).is_file():
                shutil.copy(part / side, into / side)
    weights = {}
    for key, t in stored.items():
        if key.endswith("::q"):
            name = key[:-3]
            weights[name] = t.float() * stored[f"{name}::s"]
        elif not key.endswith("::s"):
            weights[key] = t.float() if t.is_floating_point() else t
    save_file(weights, str(into / WEIGHTS))
    return into


def stage(pkg: Path, modules: list[str], data: Path, nli: Path) -> None:
    """See the module: the training modules in ``pkg``, the carried data inflated into ``nli``."""
    import gzip
    import lzma

    repo = Path(__file__).resolve().parents[2]
    for sub in ("verify/training", "verify/judge"):
        (pkg / sub).mkdir(parents=True, exist_ok=True)
        for init in (pkg / "verify" / "__init__.py", pkg / sub / "__init__.py"):
            init.touch()
    for name in modules:
        shutil.copy(repo / "verify" / "training" / f"{name}.py", pkg / "verify" / "training")
    shutil.copy(repo / "verify" / "judge" / "nli_model.py", pkg / "verify" / "judge")
    nli.mkdir(parents=True, exist_ok=True)
    for name in ("train_3way", "train_2way_aux"):
        with lzma.open(data / f"{name}.jsonl.xz") as src, gzip.open(nli / f"{name}.jsonl.gz", "wb", 1) as dst:
            shutil.copyfileobj(src, dst)
    shutil.copy(data / "dev_3way.jsonl.gz", nli)  # reported only: the cards' "dev_3way"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m verify.training.carry", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    pk = sub.add_parser("pack")
    pk.add_argument("model_dir", type=Path)
    pk.add_argument("out_dir", type=Path)
    pk.add_argument("--parts", type=int, default=2)
    up = sub.add_parser("unpack")
    up.add_argument("parts", type=Path, nargs="+")
    up.add_argument("--into", type=Path, required=True)
    st = sub.add_parser("stage")
    st.add_argument("modules", nargs="+", help="verify/training modules the run imports")
    st.add_argument("--pkg", type=Path, required=True)
    st.add_argument("--data", type=Path, required=True, help="the carried data folder (xz files)")
    st.add_argument("--nli", type=Path, required=True)
    args = p.parse_args(argv)
    needs = {"pack": lambda: [args.model_dir / WEIGHTS],
             "unpack": lambda: [part / "weights.safetensors" for part in args.parts],
             "stage": lambda: [args.data / n for n in ("train_3way.jsonl.xz", "train_2way_aux.jsonl.xz", "dev_3way.jsonl.gz")]}[args.cmd]()
    missing = next((path for path in needs if not path.is_file()), None)
    if missing is not None:
        print(f"error: {missing} not found", file=sys.stderr)
        return 2
    if args.cmd == "stage":
        stage(args.pkg, args.modules, args.data, args.nli)
        return 0
    if args.cmd == "pack":
        for path in pack(args.model_dir, args.out_dir, args.parts):
            print(path, sum(f.stat().st_size for f in path.iterdir()) // 2**20, "MiB")
        return 0
    unpack(args.parts, args.into)
    return 0


if __name__ == "__main__":
    sys.exit(main())
