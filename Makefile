# The two commands: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check --quiet
PORT   ?= 8000
export PORT

.PHONY: run test install test-deps browser-deps translations bench clean

# Reinstall only when pyproject.toml changes, so a second `make run` starts in seconds.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -e .
	# compile the dispatch search now (numba, ~20 s once), not in the first plan's time limit
	$(PY) -c "import app.dispatch.strings"
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(PY) -m app.cli run

# Playwright cannot download its own browser here: use Debian's Chromium and CJK fonts.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then \
		echo "Installing Debian chromium and fonts-noto-cjk (needs root)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

test-deps: $(VENV)/.installed-test browser-deps

test: test-deps
	$(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

translations: $(VENV)/.installed-test
	$(VENV)/bin/pybabel extract -F babel.cfg -o app/translations/messages.pot --no-location --sort-output .
	$(VENV)/bin/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --ignore-obsolete

bench: $(VENV)/.installed
	$(PIP) install -e '.[bench]'
	$(PY) bench/solver.py

clean:
	rm -rf $(VENV) data
