#!/usr/bin/env bash
# How the shipped verifier was trained on a lent GPU (see MODEL_CARD.md, "Training procedure").
#
#   bash models/gpu_train.sh prepare   # here: .devcarry/ with an fp16 copy of the MiniLM weights and the
#                                      # licence-filtered training data as xz (fits the 64 MiB transfer)
#   bash models/gpu_train.sh train     # on the GPU machine, with .devcarry carried: three configurations
#                                      # side by side; the best on dev_3way is split into $OUT/delta.part.*
#
# The working tree travels with every call: move models/verifier/delta.safetensors out of it while
# calling (54 MB carried + 22 MB delta is over the 64 MiB limit), and back afterwards.
# Back here: cat delta.part.* > models/verifier/delta.safetensors, copy crosscheck_verifier.json,
# then `make calibrate` and `make eval`.
set -euo pipefail
CARRY=.devcarry
case "${1:-}" in
prepare)
    grep -qx "/$CARRY/" .git/info/exclude 2>/dev/null || echo "/$CARRY/" >> .git/info/exclude
    mkdir -p "$CARRY/base" "$CARRY/data"
    .venv/bin/python - "$CARRY" <<'PY'
import gzip, json, lzma, shutil, sys
from pathlib import Path
from safetensors.torch import load_file, save_file
from verify.judge.nli_model import base_model_dir
from verify.training.train import AUX_DATASETS, excluded

carry, base = Path(sys.argv[1]), base_model_dir()
for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
    shutil.copy(base / name, carry / "base" / name)
weights = load_file(str(base / "model.safetensors"))
save_file({k: (v.half() if v.is_floating_point() else v).contiguous() for k, v in weights.items()},
          str(carry / "base" / "model.safetensors"))
nli = Path("../shared/nli")
for name, keep in (("train_3way", lambda r: not excluded(r, False)),
                   ("train_2way_aux", lambda r: r["dataset"] in AUX_DATASETS and not excluded(r, False))):
    with gzip.open(nli / f"{name}.jsonl.gz", "rt") as src, lzma.open(carry / "data" / f"{name}.jsonl.xz", "wt", preset=9) as dst:
        for line in src:
            if keep(json.loads(line)):
                dst.write(line)
shutil.copy(nli / "dev_3way.jsonl.gz", carry / "data")
PY
    du -sh "$CARRY" ;;
train)
    export PYTHONUNBUFFERED=1
    R=$(pwd); MIN=${MIN:-8.2}
    rm -rf /tmp/runs; mkdir -p /tmp/nli /tmp/runs /tmp/pkg/verify/training /tmp/pkg/verify/judge
    # verify/__init__ imports the whole API (pydantic, ...); training needs two modules only
    cp verify/training/train.py /tmp/pkg/verify/training/ && cp verify/judge/nli_model.py /tmp/pkg/verify/judge/
    touch /tmp/pkg/verify/__init__.py /tmp/pkg/verify/training/__init__.py /tmp/pkg/verify/judge/__init__.py
    python3 - "$CARRY" <<'PY'
import gzip, lzma, shutil, sys
for name in ("train_3way", "train_2way_aux"):
    with lzma.open(f"{sys.argv[1]}/data/{name}.jsonl.xz") as src, gzip.open(f"/tmp/nli/{name}.jsonl.gz", "wb", 1) as dst:
        shutil.copyfileobj(src, dst)
shutil.copy(f"{sys.argv[1]}/data/dev_3way.jsonl.gz", "/tmp/nli/")
PY
    common="--data /tmp/nli --base-dir $R/$CARRY/base --bf16 --fit-schedule --max-minutes $MIN --patience 1000
            --checkpoint-every 1000000 --threads 4 --eval-every 500"
    run() { (cd /tmp/pkg && PYTHONPATH=/tmp/pkg python3 -m verify.training.train $common --work "/tmp/runs/$1" \
                --out "/tmp/runs/$1/out" "${@:2}") > "/tmp/runs/$1.log" 2>&1; }
    run A --batch-size 128 --lr 1.2e-4 --epochs 4 --seed 13 &   # the shipped model
    run B --batch-size 128 --lr 1.2e-4 --epochs 6 &
    run C --batch-size 96 --lr 1e-4 --epochs 8 &
    wait
    grep -h "done at step" /tmp/runs/[ABC].log | tee "$OUT/summary.txt"
    cat /tmp/runs/[ABC].log | grep -v "pairs/s" > "$OUT/logs.txt"
    best=$(python3 -c "
import json
print(max('ABC', key=lambda r: json.load(open(f'/tmp/runs/{r}/out/crosscheck_verifier.json'))['card']['dev_3way']['accuracy']))")
    echo "best: $best" | tee -a "$OUT/summary.txt"
    cp "/tmp/runs/$best/out/crosscheck_verifier.json" "$OUT/"
    split -b 15M "/tmp/runs/$best/out/delta.safetensors" "$OUT/delta.part." ;;
*)
    echo "usage: bash models/gpu_train.sh prepare|train" >&2; exit 2 ;;
esac
