# Every target is idempotent. `make demo` and `make test` are the two entry points.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
# Lab size for lab-up / demo (override: make demo CONTROLLERS=3 SWITCHES_IOS=2 SWITCHES_PROCURVE=1)
CONTROLLERS ?= 2
SWITCHES_IOS ?= 1
SWITCHES_AOSCX ?= 1
SWITCHES_PROCURVE ?= 0

.PHONY: setup demo test unit lint sanity molecule lab-up lab-down bench docs clean

setup:
	@./scripts/setup.sh

lab-up: setup
	@$(BIN)/python -m emulators.lab up --controllers $(CONTROLLERS) --ios $(SWITCHES_IOS) --aoscx $(SWITCHES_AOSCX) --procurve $(SWITCHES_PROCURVE)

lab-down: setup
	@$(BIN)/python -m emulators.lab down

demo: setup
	@# From factory state every time: the demo shows the whole way to a hardened lab.
	@$(BIN)/python -m emulators.lab up --fresh --controllers $(CONTROLLERS) --ios $(SWITCHES_IOS) --aoscx $(SWITCHES_AOSCX) --procurve $(SWITCHES_PROCURVE)
	$(BIN)/ansible-playbook playbooks/harden.yml
	$(BIN)/ansible-playbook playbooks/audit.yml
	@$(BIN)/python scripts/report_summary.py reports/latest

unit: setup
	$(BIN)/pytest -n 2 tests/unit

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ansible-lint --profile production
	$(BIN)/python scripts/gen_controls_doc.py --check
	$(BIN)/python scripts/gen_module_docs.py --check

sanity: setup
	@./scripts/sanity.sh

molecule: setup
	$(BIN)/molecule test --all

test: setup unit lint sanity molecule
	@echo "make test: all suites passed"

bench: setup
	$(BIN)/python scripts/bench.py

docs: setup
	$(BIN)/python scripts/gen_controls_doc.py
	$(BIN)/python scripts/gen_module_docs.py

clean: lab-down
	rm -rf reports build .pytest_cache .ruff_cache
