# The two set-up commands of the README (`make book`, `make test`) create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NB     ?= $(sort $(wildcard book/*.ipynb))

# Progress bars are for people at a terminal, never for stored notebook outputs.
export COMPANION_PROGRESS ?= 0
# TensorFlow's C++ log: TF_CPP_MIN_LOG_LEVEL silences what it logs after start-up; the lines it
# writes while loading are kept out of notebook outputs by the kernel profile in config/ipython
# (see the comment there).
export TF_CPP_MIN_LOG_LEVEL ?= 3
export IPYTHONDIR := $(CURDIR)/config/ipython

# A stand-in for a reader's different CPU: another numeric path (no oneDNN) and a single thread.
NUMERIC_ENV := TF_ENABLE_ONEDNN_OPTS=0 OMP_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1

# The website test drives Debian's Chromium; install it when missing (root, or sudo).
CHROMIUM     ?= /usr/bin/chromium
CHROMEDRIVER ?= /usr/bin/chromedriver
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help venv browser test test-numeric unit book execute benchmark clean

help:
	@echo "make book          build the website into _build/html (warnings are errors)"
	@echo "make test          unit tests + nbval over every notebook"
	@echo "make test-numeric  make test with oneDNN off and one thread"
	@echo "make execute       re-execute notebooks in place (NB=book/x.ipynb for one)"
	@echo "make benchmark     time model.fit against companion's fast path"
	@echo "make browser       install Debian's chromium + chromium-driver (website test)"
	@echo "make clean         remove _build"

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

browser:
	@if [ ! -x $(CHROMIUM) ] || [ ! -x $(CHROMEDRIVER) ]; then \
	  echo "installing Debian's chromium and chromium-driver for tests/test_website.py"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

test: $(STAMP) browser
	$(BIN)/python -m pytest

test-numeric: $(STAMP) browser
	env $(NUMERIC_ENV) $(BIN)/python -m pytest

unit: $(STAMP)
	$(BIN)/python -m pytest tests companion

book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going

# Top to bottom, in a fresh kernel per notebook, failing on the first error.
execute: $(STAMP)
	@for nb in $(NB); do \
	  echo "executing $$nb"; \
	  $(BIN)/jupyter-execute --inplace --timeout=1200 --kernel_name=python3 "$$nb" || exit 1; \
	done

benchmark: $(STAMP)
	$(BIN)/python -m benchmarks.training

clean:
	rm -rf _build
