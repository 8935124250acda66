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

# Reproduce the shipped checkpoints from scratch (about 2 hours on 2 CPU cores: the model cards'
# training times add up to 2.0 h; the playground takes minutes): the playground
# (design 3 = playground v2: collisions, launches and shelves behind screens), every shipped world
# model on the same clips with its step budget, then its voe-mini metrics in its card. Which models
# and how many steps each come from their records in models/registry.py (`shipped_steps`).
PLAYGROUND ?= runs/playground-v2
CKPT ?= models/checkpoints
checkpoints: $(STAMP)
	$(VENV)/bin/voebench generate --split train --clips 3000 --seed 100 --design 3 --workers 2 --out $(PLAYGROUND) --quiet
	set -e; shipped=$$($(PY) -c "from voebench.models.registry import shipped_steps; \
	  [print(name, steps) for name, steps in shipped_steps()]"); \
	printf '%s\n' "$$shipped" | while read -r name steps; do \
	  train="$(VENV)/bin/voebench train --model $$name --data $(PLAYGROUND) --out $(CKPT) --seed 0 --steps $$steps --quiet"; \
	  echo "$$train"; $$train || exit 1; \
	done
	$(VENV)/bin/voebench generate --suite voe-mini --out runs/voe-mini --quiet
	$(PY) -c "from pathlib import Path; from voebench.benchmark.card_metrics import record; \
	  from voebench.models.registry import SHIPPED; \
	  [print(n, record(n, Path('runs/voe-mini'), Path('runs/card') / n)) for n in SHIPPED]"
