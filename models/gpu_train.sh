#!/usr/bin/env bash
# How the shipped verifier was trained on a lent GPU (see MODEL_CARD.md, "Training procedure").
#
#   bash models/gpu_train.sh prepare   # here: .devcarry/ (git-ignored; name it in the call's carry) with an fp16
#                                      # copy of the MiniLM weights and the licence-filtered training data as xz
#                                      # (fits the 64 MiB transfer)
#   bash models/gpu_train.sh train     # on the GPU machine, with .devcarry carried: three configurations
#                                      # side by side; the best on the held-out split is split into $OUT/delta.part.*
#
# Selection never reads dev_3way: each run exports its best checkpoint on the grouped held-out split of
# train_3way (verify/training/holdout.py: seed 13, 3% per dataset, the same split in every run, whatever
# its --seed), and the best of the runs is chosen on that figure (holdout.best_of). dev_3way travels only
# to be reported: each card carries the exported checkpoint's dev_3way beside its held-out figure.
#
# The working tree travels with every call: move models/verifier/delta.safetensors out of it while
# calling (54 MB carried + 22 MB delta is over the 64 MiB limit), and back afterwards.
# Back here: cat delta.part.* > models/verifier/delta.safetensors, copy crosscheck_verifier.json,
# then `make calibrate` (the temperature and the stance map, both fitted on the
# held-out split the new card says the model never saw) and `make eval`.
set -euo pipefail
CARRY=.devcarry
case "${1:-}" in
prepare)
    mkdir -p "$CARRY/base" "$CARRY/data"
    "${PYTHON:-.venv/bin/python}" - "$CARRY" "${NLI:-../shared/nli}" <<'PY'
import gzip, json, lzma, shutil, sys
from pathlib import Path
from safetensors.torch import load_file, save_file
from verify.judge.nli_model import base_model_dir
from verify.training.train_data import AUX_DATASETS, excluded

carry, base = Path(sys.argv[1]), base_model_dir()
for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
    shutil.copy(base / name, carry / "base" / name)
weights = load_file(str(base / "model.safetensors"))
save_file({k: (v.half() if v.is_floating_point() else v).contiguous() for k, v in weights.items()},
          str(carry / "base" / "model.safetensors"))
nli = Path(sys.argv[2])
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
    # GPU_TMP: a scratch folder; GPU_FLAGS="" for a CPU dry run on a tiny .devcarry (bf16 on a CPU crawls)
    R=$(pwd); MIN=${MIN:-8.2}; T=${GPU_TMP:-/tmp}; FLAGS=${GPU_FLAGS---bf16}
    rm -rf "$T/runs"; mkdir -p "$T/runs"
    # verify/__init__ imports the whole API (pydantic, ...); training needs these modules only (standard
    # library, torch and transformers)
    python3 verify/training/carry.py stage --pkg "$T/pkg" --data "$CARRY/data" --nli "$T/nli" \
        train loop batches train_data holdout metrics
    common="--data $T/nli --base-dir $R/$CARRY/base $FLAGS --fit-schedule --max-minutes $MIN --patience 1000
            --checkpoint-every 1000000 --threads 4 --eval-every 500"
    run() { (cd "$T/pkg" && PYTHONPATH="$T/pkg" python3 -m verify.training.train $common --work "$T/runs/$1" \
                --out "$T/runs/$1/out" "${@:2}") > "$T/runs/$1.log" 2>&1; }
    run A --batch-size 128 --lr 1.2e-4 --epochs 4 --seed 13 &   # the shipped model's configuration
    run B --batch-size 128 --lr 1.2e-4 --epochs 6 &
    run C --batch-size 96 --lr 1e-4 --epochs 8 &
    wait
    grep -h "selecting on\|done at step" "$T"/runs/[ABC].log | tee "$OUT/summary.txt"
    grep -hv "pairs/s" "$T"/runs/[ABC].log > "$OUT/logs.txt"
    best=$(cd "$T/pkg" && PYTHONPATH="$T/pkg" python3 - "$T/runs" 2>>"$OUT/summary.txt" <<'PY'
import json, sys
from pathlib import Path
from verify.training.holdout import best_of
exported = {r: Path(sys.argv[1]) / r / "out" / "crosscheck_verifier.json" for r in "ABC"}
cards = {r: json.loads(path.read_text())["card"] for r, path in exported.items() if path.is_file()}
if not cards:
    sys.exit("error: no run exported a checkpoint (none reached an evaluation)")
for r, c in cards.items():
    print(r, "held-out", c["held_out"], "dev_3way (reported only)", c["dev_3way"], file=sys.stderr)
print(best_of(cards))
PY
)
    echo "best on the held-out split: $best" | tee -a "$OUT/summary.txt"
    cp "$T/runs/$best/out/crosscheck_verifier.json" "$OUT/"
    split -b 15M "$T/runs/$best/out/delta.safetensors" "$OUT/delta.part." ;;
*)
    echo "usage: bash models/gpu_train.sh prepare|train" >&2; exit 2 ;;
esac
