# Two commands matter: `make demo` and `make test`. Everything they need is
# installed here from the lock file, into .venv, using uv bootstrapped with pip.
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: demo test test-sqlite test-postgres install install-test serve bench lint vendor clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --inexact --python $(PYTHON)
	touch $@

$(VENV)/.installed-test: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --inexact --extra test --python $(PYTHON)
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

demo: install
	$(VENV)/bin/warmline demo

serve: install
	$(VENV)/bin/warmline serve

test: install-test
	./scripts/run-tests

bench: install-test
	@if ls bench/bench_*.py >/dev/null 2>&1; then \
		for b in bench/bench_*.py; do $(VENV)/bin/python $$b || exit 1; done; \
	else echo "No benchmarks yet: later issues add them under bench/."; fi

# One benchmark: make bench-import runs bench/bench_import.py (BENCH_ARGS passes options).
bench-%: install-test
	$(VENV)/bin/python bench/bench_$*.py $(BENCH_ARGS)

vendor:
	./scripts/vendor-static

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache
