# ldkit: two commands on a fresh machine with Python 3.11 and pip.
#   make demo   set up .venv and run the demo end to end
#   make test   set up .venv and run every check: ruff, pytest, nbval
#   make lab    open JupyterLab on the workbench notebooks
#   make render run the demo and render its decks, workbooks, HTML reports and two plan
#               documents to PNG pages under demo-output/rendered (LibreOffice headless and
#               Chromium; on Debian: apt-get install libreoffice-impress libreoffice-calc
#               libreoffice-writer chromium poppler-utils imagemagick fonts-crosextra-carlito,
#               which ../shared/tools/render installs on first use)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test lint pytest nbval lab bench notebooks clean render

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

RENDER ?= $(firstword $(wildcard ../shared/tools/render /work/shared/tools/render))
DELIVER := demo-output/demo-bio/deliverables

render: $(STAMP)
	@test -n "$(RENDER)" || { echo "render: no ../shared/tools/render (set RENDER=path)"; exit 2; }
	@test -d $(DELIVER) || $(BIN)/ldkit demo --out demo-output
	for kind in pptx xlsx html; do $(RENDER) -o demo-output/rendered/$$kind $(DELIVER)/*.$$kind; done
	$(RENDER) -o demo-output/rendered/plans $$(ls $(DELIVER)/plans/p*.html | head -1) \
		$$(ls $(DELIVER)/plans/p*.docx | sed -n 2p)
	@echo "Look at demo-output/rendered/*/*-sheet.png (every page of each file at once)."

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

# Re-execute the workbench notebooks in place and store their outputs (for nbval).
notebooks: $(STAMP)
	$(BIN)/python -m ldkit._notebooks notebooks/*.ipynb

# Every benchmark prints wall time, peak memory, the ratio to a baseline measured in the
# same run and a `target:` line (ok or MISSED); the load average tells how busy the machine was.
BENCHMARKS := cli_startup needs_scale plans_scale batch_throughput demo_time input_hardening

bench: $(STAMP)
	@uptime
	@status=0; for b in $(BENCHMARKS); do echo "== benchmarks/$$b.py"; \
		$(BIN)/python benchmarks/$$b.py || status=1; done; exit $$status

clean:
	rm -rf demo-output .pytest_cache .ruff_cache .hypothesis
