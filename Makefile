# ASSIST: every target bootstraps .venv itself. See README.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
FPXSIM_PORT ?= 5055
export DEMO_PASSWORD ?= Demo-Password-2026

.PHONY: run test e2e bench lint translations screenshots chromium postgres wrk clean fpxsim

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@ $(VENV)/.runtime

## make run: install, migrate, seed the demo data and serve on 127.0.0.1:$(PORT) with the embedded SQLite, with the
## simulated FPX exchange beside it on 127.0.0.1:$(FPXSIM_PORT) (keys made once in instance/; stopped with the portal).
run: $(VENV)/.runtime
	@export ASSIST_ENV=$${ASSIST_ENV:-development} \
	  FPX_URL=http://127.0.0.1:$(FPXSIM_PORT) FPX_SELLER_ID=SE00000001 FPX_EXCHANGE_ID=EX00000001 \
	  FPX_MERCHANT_KEY=$(CURDIR)/instance/fpx/merchant.key FPX_CERTIFICATE=$(CURDIR)/instance/fpxsim/fpxuat_current.cer \
	  FPX_SIM_ENABLED=1 FPXSIM_PORT=$(FPXSIM_PORT) FPXSIM_DATA_DIR=$(CURDIR)/instance/fpxsim \
	  FPXSIM_MERCHANT_CERT=$(CURDIR)/instance/fpx/merchant.crt \
	  FPXSIM_DIRECT_AC_URL=http://127.0.0.1:$(PORT)/fpx/direct-ac FPXSIM_INDIRECT_AC_URL=http://127.0.0.1:$(PORT)/fpx/indirect-ac; \
	$(BIN)/flask --app wsgi migrate && \
	$(BIN)/flask --app wsgi seed-demo && \
	$(BIN)/python -m core.fpx_keys instance/fpx --exchange-id EX00000001 >/dev/null && \
	$(BIN)/python -m fpxsim init >/dev/null && \
	$(BIN)/flask --app wsgi demo-mandates | $(BIN)/python -m fpxsim add-mandates >/dev/null && \
	echo "" && \
	echo "  ASSIST portal:  http://127.0.0.1:$(PORT)/" && \
	echo "  Employer login: employer@demo.assist.test / $$DEMO_PASSWORD" && \
	echo "  Second employer: employer2@demo.assist.test / $$DEMO_PASSWORD" && \
	echo "  Demo employer's team: clerk@demo.assist.test (Clerk), approver@demo.assist.test (Approver) / $$DEMO_PASSWORD" && \
	echo "  Officer login:  officer@demo.assist.test / $$DEMO_PASSWORD  (back office at /officer/)" && \
	echo "  Bank teller:    teller@demo.assist.test / $$DEMO_PASSWORD  (the bank counter at /counter/)" && \
	echo "  Second officer: officer2@demo.assist.test / $$DEMO_PASSWORD  (EFT maker-checker; payments desk at" && \
	echo "    /officer/payments/; the demo employer's SOCSO EFT is registered: PAYMENT, ELECTRONIC FUND TRANSFER)" && \
	echo "  Simulated FPX exchange: http://127.0.0.1:$(FPXSIM_PORT)/  (its log: instance/fpxsim.log; pay with" && \
	echo "    SBI Bank A to approve, SBI Bank B to decline, or choose the outcome on its bank page)" && \
	echo "  Direct debit: the demo employer has an approved SOCSO mandate (SBI Bank A, RM 5,000.00 a debit, twice a" && \
	echo "    month): PAYMENT, Direct Debit, SOCSO, Payment; PAYMENT HISTORY lists every payment" && \
	echo "  Emails are printed here (MAIL_BACKEND=console)." && \
	echo "" && \
	{ $(BIN)/python -m fpxsim >instance/fpxsim.log 2>&1 & SIM=$$!; \
	  trap 'kill $$SIM 2>/dev/null; wait $$SIM 2>/dev/null' EXIT INT TERM; \
	  PORT=$(PORT) $(BIN)/python -m webapp.serve; }

## make test: the whole suite on SQLite (core, web, browser), then store and service tests on PostgreSQL.
test: $(VENV)/.dev chromium postgres
	$(BIN)/ruff check .
	$(BIN)/pytest -q
	scripts/pg-throwaway.sh $(BIN)/pytest -q -m store

## make fpxsim: the simulated FPX exchange alone on 127.0.0.1:$${FPXSIM_PORT:-5055}, with a development
## merchant key in instance/fpx (made once). See README.md, "The simulated FPX exchange".
fpxsim: $(VENV)/.runtime
	$(BIN)/python -m core.fpx_keys instance/fpx --exchange-id $${FPXSIM_EXCHANGE_ID:-EX00000001}
	FPXSIM_MERCHANT_CERT=$${FPXSIM_MERCHANT_CERT:-instance/fpx/merchant.crt} exec $(BIN)/python -m fpxsim

e2e: $(VENV)/.dev chromium
	$(BIN)/pytest -q tests/e2e

$(VENV)/.bench: pyproject.toml $(VENV)/.dev
	$(BIN)/pip install -q -e '.[dev,bench]'
	@touch $@

bench: $(VENV)/.bench chromium wrk
	$(BIN)/python -m tests.bench

lint: $(VENV)/.dev
	$(BIN)/ruff check .

translations: $(VENV)/.dev
	$(BIN)/python scripts/i18n.py

screenshots: $(VENV)/.dev chromium
	$(BIN)/python scripts/screenshots.py

chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; }

clean:
	rm -rf $(VENV) instance .pg

wrk:
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
