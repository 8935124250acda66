# Two commands do all the set-up: `make demo` runs the main job, `make test` the tests.
# Each creates the virtual environment from scratch when it is missing or stale.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test venv clean checkpoints

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# The CPU wheel of torch 2.13.0 is at hand; a bare `torch` would pull a multi-GB CUDA build.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# The main job on the seconds-scale suite: generate -> evaluate every bundled model -> leaderboard.
demo: $(STAMP)
	$(VENV)/bin/voebench run --suite voe-v2-mini --runs runs
	@echo "contact sheets:"; ls runs/voe-v2-mini/previews/contact_*.png

test: $(STAMP)
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) runs

# Reproduce the shipped checkpoints from scratch (about 3 hours on 2 CPU cores): the playground
# (design 3 = playground v2: collisions, launches and shelves behind screens), every model on the
# same clips with a fixed step budget, then its voe-mini metrics in its card.
PLAYGROUND ?= runs/playground-v2
CKPT ?= models/checkpoints
SHIPPED = jepa-frame jepa-frame-gru vjepa-tubelet pixel-predictor object-jepa object-jepa-nomemory object-jepa-pixels
checkpoints: $(STAMP)
	$(VENV)/bin/voebench generate --split train --clips 3000 --seed 100 --design 3 --workers 2 --out $(PLAYGROUND) --quiet
	$(VENV)/bin/voebench train --model jepa-frame --data $(PLAYGROUND) --out $(CKPT) --seed 0 --steps 2500 --quiet
	$(VENV)/bin/voebench train --model jepa-frame-gru --data $(PLAYGROUND) --out $(CKPT) --seed 0 --steps 2500 --quiet
	$(VENV)/bin/voebench train --model vjepa-tubelet --data $(PLAYGROUND) --out $(CKPT) --seed 0 --steps 3500 --quiet
	$(VENV)/bin/voebench train --model pixel-predictor --data $(PLAYGROUND) --out $(CKPT) --seed 0 --steps 1000 --quiet
	$(VENV)/bin/voebench train --model object-jepa --data $(PLAYGROUND) --out $(CKPT) --seed 0 --steps 4500 --quiet
	$(VENV)/bin/voebench train --model object-jepa-nomemory --data $(PLAYGROUND) --out $(CKPT) --seed 0 --steps 4500 --quiet
	$(VENV)/bin/voebench train --model object-jepa-pixels --data $(PLAYGROUND) --out $(CKPT) --seed 0 --steps 4500 --quiet
	$(VENV)/bin/voebench generate --suite voe-mini --out runs/voe-mini --quiet
	$(PY) -c "from pathlib import Path; from voebench.benchmark.card_metrics import record; \
	  [print(n, record(n, Path('runs/voe-mini'), Path('runs/card') / n)) for n in '$(SHIPPED)'.split()]"
