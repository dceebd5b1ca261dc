# inboxbot — the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: help install system-deps demo console test unit integration e2e screenshots lint format eval train bench clean

help:
	@echo "make demo         install, then run the main job on the bundled sample mailbox (no servers needed)"
	@echo "make console      the staff web console on the demo data (prints a demo admin's password)"
	@echo "make test         install everything (Debian packages too), lint, and run the whole test suite"
	@echo "make unit | integration | e2e   one tier of the suite"
	@echo "make screenshots  retake docs/screenshots/ (the console on the demo data, in Chromium)"
	@echo "make lint         ruff and mypy"
	@echo "make eval [EVAL_SETS=DIR]  classifier precision/recall on every labelled set (or DIR)"
	@echo "make train [WRITE=1]  retrain the classifier's second opinion, print its held-out calibration"
	@echo "make bench        speed and memory benchmarks"

$(STAMP): pyproject.toml
	PYTHON=$(PYTHON) bash scripts/install-system-deps.sh venv
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

system-deps:
	bash scripts/install-system-deps.sh test

# The embedded defaults: Maildir var/maildir, SQLite var/inboxbot.db, outgoing mail to var/outbox/.
demo: $(STAMP)
	rm -rf var/maildir var/outbox var/inboxbot.db var/inboxbot.db-wal var/inboxbot.db-shm
	mkdir -p var
	cp -r samples/maildir var/maildir
	$(BIN)/inboxbot db upgrade
	$(BIN)/inboxbot run-once
	$(BIN)/inboxbot tickets list --status all
	@echo "Acknowledgements are in var/outbox/. Look closer: $(BIN)/inboxbot tickets show HB-$$(date +%Y)-000001"
	@echo "Work the tickets in the web console: make console"

# The console on the demo data, with a demo admin whose new password is printed (a fresh one each time).
DEMO_ADMIN := demo-admin@1texno.kz
console: $(STAMP)
	@[ -f var/inboxbot.db ] || $(MAKE) --no-print-directory demo
	@password=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(12))'); \
	  if $(BIN)/inboxbot staff list | grep -q '^$(DEMO_ADMIN) '; then \
	    echo "$$password" | $(BIN)/inboxbot staff password $(DEMO_ADMIN) --password-stdin >/dev/null; \
	  else \
	    echo "$$password" | $(BIN)/inboxbot staff add $(DEMO_ADMIN) --name "Demo admin" --role admin --password-stdin >/dev/null; \
	  fi; \
	  echo "Console: http://127.0.0.1:8080/  sign in as $(DEMO_ADMIN) with password $$password  (Ctrl-C stops it)"
	$(BIN)/inboxbot serve

test: system-deps $(STAMP) lint
	$(BIN)/pytest -q

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

integration: system-deps $(STAMP)
	$(BIN)/pytest -q tests/integration

e2e: system-deps $(STAMP)
	$(BIN)/pytest -q tests/e2e

# The queue and a ticket page on the demo data, taken by the browser test and copied to docs/.
screenshots: system-deps $(STAMP)
	INBOXBOT_UPDATE_SCREENSHOTS=1 $(BIN)/pytest -q -p no:cacheprovider \
		tests/e2e/browser/test_screenshots.py
	@echo "Updated docs/screenshots/queue.png and ticket.png: look at them before committing."

lint: $(STAMP)
	$(BIN)/ruff check inboxbot tests bench
	$(BIN)/ruff format --check inboxbot tests bench
	$(BIN)/mypy inboxbot

format: $(STAMP)
	$(BIN)/ruff format inboxbot tests bench
	$(BIN)/ruff check --fix inboxbot tests bench

# Every labelled set that is no longer held out (never corpus-heldout-7: it is frozen for round 7).
EVAL_SETS ?= tests/data/corpus-dev tests/data/corpus-blind tests/data/corpus-blind-2 tests/data/corpus-blind-3 \
	tests/data/corpus-blind-4 tests/data/corpus-heldout-5 tests/data/corpus-heldout-6

eval: $(STAMP)
	@for set in $(EVAL_SETS); do echo "== $$set"; $(PY) -m inboxbot.evaluate $$set || exit 1; echo; done

train: $(STAMP)
	$(PY) -m inboxbot.model_training $(if $(WRITE),--write,)

bench: system-deps $(STAMP)
	$(PY) -m bench.classify_bench
	$(PY) -m bench.import_bench
	$(PY) -m bench.sla_bench
	$(PY) -m bench.console_bench
	$(PY) -m bench.backlog_bench
	$(PY) -m bench.idle_bench
	$(PY) -m bench.oneclick_bench

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
