# cqgov — the two commands: `make run` (the portal at http://127.0.0.1:5000)
# and `make test` (the whole test suite). Everything else here serves them.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.cqgov-installed
# Debian/Ubuntu packages needed to build the pinned Python dependencies.
SYSTEM_PACKAGES := python3-venv python3-dev gcc libpq-dev libmagic1
# apt-get without questions, as root or through sudo; waits for another apt run.
APT_GET = DEBIAN_FRONTEND=noninteractive $$sudo apt-get -q -o DPkg::Lock::Timeout=900
APT_INSTALL = sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	$(APT_GET) update && $(APT_GET) install -y

.PHONY: run test bench install system-deps browser-deps lint format clean

run: install
	$(BIN)/python -m ckanext.cqgov.bootstrap run

test: install browser-deps
	$(BIN)/python -m ckanext.cqgov.bootstrap test $(PYTEST_ARGS)

# Search benchmark (not part of `make test`): BENCH_ARGS="--datasets 20000" etc.
BENCH_ARGS ?= --datasets 100000
bench: install
	$(BIN)/python benchmarks/search_bench.py $(BENCH_ARGS)

install: $(STAMP)

# (the C extension, _scan.c, is built by the editable install: a change to it
# reinstalls)
$(STAMP): requirements.txt setup.py ckanext-cqgov/ckanext/cqgov/desensitize/_scan.c
	@$(MAKE) --no-print-directory system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e . --config-settings editable_mode=compat
	touch $(STAMP)

# Installs, through apt-get, what building the Python dependencies needs and is
# missing. Nothing happens when everything is already there.
system-deps:
	@missing=""; \
	$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	$(PYTHON) -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' || missing="$$missing python3-dev"; \
	command -v gcc >/dev/null || missing="$$missing gcc"; \
	command -v pg_config >/dev/null || missing="$$missing libpq-dev"; \
	ldconfig -p 2>/dev/null | grep -q libmagic.so.1 || missing="$$missing libmagic1"; \
	if [ -n "$$missing" ]; then \
	  echo "[cqgov] installing system packages:$$missing"; \
	  $(APT_INSTALL) $$missing; \
	fi

# The browser tests (tests/browser/) drive Debian's Chromium through Playwright
# and need CJK fonts to render Chinese pages; Playwright never downloads a browser.
browser-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	dpkg-query -W -f='$${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'ok installed' \
	  || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  echo "[cqgov] installing browser test packages:$$missing"; \
	  $(APT_INSTALL) $$missing; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .local
