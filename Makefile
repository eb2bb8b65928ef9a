# Two entry points: `make ask Q="..."` (set up, index if needed, answer) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
EXPLAINER := $(VENV)/bin/explainer
Q ?= Who is Lisa Kenna?
SRC := bot index tests scripts

.PHONY: install index ask test lint bench eval

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# The CPU build of torch that lies on this machine's disk; never the CUDA download.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[test,eval]'
	touch $@

install: $(VENV)/.installed

index: install
	$(EXPLAINER) reindex --quiet

ask: index
	$(EXPLAINER) ask "$(Q)"

lint: install
	$(VENV)/bin/ruff check $(SRC)
	$(VENV)/bin/ruff format --check $(SRC)
	$(VENV)/bin/mypy

test: install lint
	./scripts/install-browser.sh
	./scripts/install-compose.sh
	$(PY) -m pytest -q

eval: index
	$(EXPLAINER) eval

bench: index
	$(PY) scripts/bench_reindex.py
	$(PY) scripts/bench_answer.py
