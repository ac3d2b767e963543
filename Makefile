# ldkit: two commands on a fresh machine with Python 3.11 and pip.
#   make demo   set up .venv and run the demo end to end
#   make test   set up .venv and run every check: ruff, pytest, nbval
#   make lab    open JupyterLab on the workbench notebooks

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test lint pytest nbval lab bench notebooks clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lab,dask]'
	@rm -f $(VENV)/.installed-* && touch $@

demo: $(STAMP)
	$(BIN)/ldkit demo --out demo-output

test: lint pytest nbval

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

pytest: $(STAMP)
	$(BIN)/python -m pytest -q --doctest-modules tests src/ldkit

nbval: $(STAMP)
	$(BIN)/python -m pytest -q --nbval --nbval-current-env \
		--nbval-sanitize-with src/ldkit/nbval_sanitize.cfg notebooks

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

# Re-execute the workbench notebooks in place and store their outputs (for nbval).
notebooks: $(STAMP)
	$(BIN)/python -m ldkit._notebooks notebooks/*.ipynb

bench: $(STAMP)
	$(BIN)/python benchmarks/cli_startup.py
	$(BIN)/python benchmarks/needs_scale.py
	$(BIN)/python benchmarks/plans_scale.py
	$(BIN)/python benchmarks/batch_throughput.py
	$(BIN)/python benchmarks/input_hardening.py

clean:
	rm -rf demo-output .pytest_cache .ruff_cache .hypothesis
