# Crosscheck: `make run` serves the app on the bundled corpus; `make test` runs the test suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
INDEX ?= var/index
CORPUS ?= data/corpus
PORT ?= 8501

.PHONY: run test screenshots browser-deps index eval bench train calibrate clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch is pinned to the CPU build in requirements.txt, so no CUDA packages are pulled in.
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# Incremental: a no-op when the corpus is unchanged, re-embeds only changed files otherwise; then
# stores the analyses of the passages that have none (checks read them instead of parsing).
index: $(VENV)/.installed
	$(PY) -m index build --corpus $(CORPUS) --out $(INDEX)
	$(PY) -m verify analyse --index $(INDEX)

run: $(VENV)/.installed index
	CROSSCHECK_INDEX=$(INDEX) CROSSCHECK_CORPUS=$(CORPUS) $(VENV)/bin/streamlit run app.py \
		--server.headless true --server.port $(PORT) --browser.gatherUsageStats false

test: $(VENV)/.installed browser-deps
	$(PY) -m pytest tests -q

# Re-take the README's screenshots (docs/*.png) with the browser test.
screenshots: $(VENV)/.installed browser-deps
	CROSSCHECK_SCREENSHOTS=docs $(PY) -m pytest tests/test_browser.py -q

# The browser test drives the system's Chromium (Debian package) through Playwright; it never
# runs `playwright install`. Installs chromium when it is missing (with sudo unless root).
CHROMIUM ?= /usr/bin/chromium
browser-deps:
	@if [ -x "$(CHROMIUM)" ]; then echo "chromium: $(CHROMIUM)"; else \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	fi

eval: $(VENV)/.installed
	$(PY) -m verify.evaluate

# Long-running: resumes from runs/verifier/checkpoint.pt, or from the shipped weights on a new
# machine; exports the best model on the held-out split of train_3way (dev_3way only reported) to
# models/verifier. Run it in the background.
NLI ?= ../shared/nli
train: $(VENV)/.installed
	$(PY) -m verify.training.train --data $(NLI) --out models/verifier --work runs/verifier --continue-from models/verifier

# The NLI softmax temperature (fitted on the held-out split of train_3way, reported on dev_3way; the shipped model, which
# trained on that split, keeps its own), then the source-confidence map (training-side fact rows as small corpora).
calibrate: $(VENV)/.installed
	$(PY) -m verify.training.calibrate --nli $(NLI)
	$(PY) -m verify.training.calibrate --stance

# The store at scale (stand-in encoder, synthetic corpus; STORE_SENTENCES=1000000 for the 1M figures).
STORE_SENTENCES ?= 100000
bench: $(VENV)/.installed
	$(PY) -m bench.bench_index
	$(PY) -m bench.bench_index --synthetic $(STORE_SENTENCES) --store-only
	$(PY) -m bench.bench_shards --sentences 20000 --shards 4 --ray
	$(PY) -m bench.bench_check
	$(PY) -m bench.bench_judge

clean:
	rm -rf $(VENV) var
