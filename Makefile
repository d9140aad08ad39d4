# Walloon Matchmaker: `make run` serves the app on its embedded defaults; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app matchmaker
HOST ?= 127.0.0.1
PORT ?= 5000
# Links in mail point at the address `make run` serves, unless MATCHMAKER_BASE_URL says otherwise.
BASE_URL = MATCHMAKER_BASE_URL=$${MATCHMAKER_BASE_URL:-http://$(HOST):$(PORT)}
# On the loopback address `make run` answers to that address and localhost only (so it does not
# warn that any Host is answered); on another address, set MATCHMAKER_TRUSTED_HOSTS yourself.
ifeq ($(HOST),127.0.0.1)
TRUSTED = MATCHMAKER_TRUSTED_HOSTS=$${MATCHMAKER_TRUSTED_HOSTS:-'["127.0.0.1", "localhost"]'}
endif

.PHONY: run serve test install install-dev install-prod translations messages lint audit db clean \
	check-directory

# Plain http on the loopback address: the session cookie cannot be marked Secure here.
# The app reads its secret key from instance/secret_key (generated once) when
# MATCHMAKER_SECRET_KEY is not set, so the plain `flask` commands of the README work too.
run: install translations db
	$(BASE_URL) $(TRUSTED) MATCHMAKER_SESSION_COOKIE_SECURE=false $(FLASK) run --host $(HOST) --port $(PORT)

# Production-style serving with gunicorn (set MATCHMAKER_SECRET_KEY and MATCHMAKER_DATABASE_URL).
serve: install-prod translations
	$(FLASK) db upgrade
	$(VENV)/bin/gunicorn -c gunicorn.conf.py 'matchmaker:create_app()'

# The suite on every core (pytest-xdist); each worker has its own databases, ports and Redis keys.
test: install-dev
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .

# The shipped directory: every row's rules, both languages, sources, no duplicates, its size.
check-directory: install instance/secret_key
	$(SECRET) $(FLASK) directory check matchmaker/data/organizations.csv \
		--min-rows 350 --min-per-sector 25

# Static security checks of our code and known vulnerabilities in the installed packages:
# says how many packages pip-audit could audit, and fails when it audited none unless
# AUDIT_OFFLINE=1 (no vulnerability data reachable, e.g. behind an offline mirror).
audit: install-dev
	$(VENV)/bin/bandit -q -r matchmaker -ll
	$(PY) -m tools.dependency_audit

db: install translations instance/secret_key
	$(FLASK) db upgrade
	$(FLASK) seed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
install-prod: $(VENV)/.installed-prod

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-prod: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[prod]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

translations: install
	$(VENV)/bin/pybabel compile -d matchmaker/translations

# After changing user-facing text: refresh the catalogs, then translate the new French entries.
messages: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		-o matchmaker/translations/messages.pot .
	$(VENV)/bin/pybabel update -i matchmaker/translations/messages.pot -d matchmaker/translations \
		--no-fuzzy-matching --ignore-obsolete --width 100

instance/secret_key:
	mkdir -p instance
	umask 077 && $(PY) -c "import secrets; print(secrets.token_hex(32))" > $@

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache test-artifacts
