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

# The numeric paths a reader's CPU may take. Every stored output must hold on each of them.
# `make test` runs the default path (TensorFlow's defaults on this CPU); `make test-matrix` adds the
# other three, so that in CI each path runs once. oneDNN reads ONEDNN_MAX_CPU_ISA to cap the
# instruction set it dispatches, which stands in for an older CPU (`ONEDNN_VERBOSE=1` prints the ISA
# it picked); XLA, which compiles companion.fit_replicates, reads --xla_cpu_max_isa for the same.
# `make test` runs one pytest worker per core (-n auto), each driving its own kernel, so TensorFlow's
# thread pools would put several threads on every core; its default path gives each process one
# thread (measured on 2 cores: nbval over the book 156 s -> 134 s, every output the same). The avx2
# and sse41 paths keep TensorFlow's own thread counts, so multi-threaded kernels stay proven.
MATRIX             := onednn-off avx2 sse41
PATH_ENV_default   := TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 OMP_NUM_THREADS=1
PATH_ENV_onednn-off := TF_ENABLE_ONEDNN_OPTS=0 OMP_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1
PATH_ENV_avx2      := ONEDNN_MAX_CPU_ISA=AVX2 XLA_FLAGS=--xla_cpu_max_isa=AVX2
PATH_ENV_sse41     := ONEDNN_MAX_CPU_ISA=SSE41 XLA_FLAGS=--xla_cpu_max_isa=SSE4_2
NUMERIC_ENV        := $(PATH_ENV_onednn-off)
# What every path runs: the unit tests, the doctests and nbval over every notebook. The website,
# packaging, install-cell and execution-statistics tests involve no numeric path (they read stored
# outputs, install packages or time chapters), so they run once, in `make test`.
# `make test-matrix MATRIX_TARGETS=book/binary.ipynb` checks one notebook on the three paths;
# `make test-matrix MATRIX="default onednn-off avx2 sse41"` runs all four (the default again too).
MATRIX_TARGETS     ?= tests companion book
MATRIX_PYTEST      = -m pytest $(MATRIX_TARGETS) $(PYTEST_OPTS)
PYTEST_OPTS        := --ignore=tests/test_website.py --ignore=tests/test_packaging.py --ignore=tests/test_execution_stats.py \
                      --ignore=tests/test_install_cell.py -q -o addopts="" \
                      -n auto --dist loadfile --doctest-modules --nbval --nbval-current-env \
                      --nbval-cell-timeout=1200 --nbval-sanitize-with=tests/sanitize.cfg -p no:cacheprovider -ra

# `make test-latest`: the newest releases inside the ranges, in a venv of their own.
LATEST := .venv-latest
PIP_COMPILE := $(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --strip-extras \
               --allow-unsafe --extra tf --extra book --extra lab -o requirements.lock pyproject.toml requirements.txt

# The PDF edition needs TeX (xelatex, latexmk), the fonts of _config.yml and poppler-utils (tools/pdf_check.py):
# about 85 MB of Debian packages, installed when missing.
TEX_PACKAGES := texlive-xetex texlive-latex-recommended texlive-fonts-recommended texlive-latex-extra latexmk \
                fonts-freefont-otf fonts-dejavu-core poppler-utils
PDF          := _build/latex/choosing-loss-functions.pdf

# The website test drives Debian's Chromium; install it when missing (root, or sudo).
CHROMIUM     ?= /usr/bin/chromium
CHROMEDRIVER ?= /usr/bin/chromedriver
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help venv lab pdf tex lock lock-upgrade browser test test-numeric test-matrix test-latest unit book book-zh locale translation-status execute benchmark stats dist install-cell clean

help:
	@echo "make book          build the website into _build/html (warnings are errors)"
	@echo "make book-zh       build the Chinese edition into _build/html/zh_CN (warnings are errors)"
	@echo "make locale        extract the messages and update locale/zh_CN/LC_MESSAGES/*.po"
	@echo "make translation-status  translated, fuzzy and untranslated messages per page; markup check"
	@echo "make test          unit tests + nbval over every notebook"
	@echo "make lab           open the chapters in JupyterLab, from the locked .venv"
	@echo "make venv          make .venv exactly the lock again (removes packages installed by hand)"
	@echo "make test-numeric  make test with oneDNN off and one thread"
	@echo "make test-matrix   unit tests + nbval on the numeric paths make test does not take: $(MATRIX)"
	@echo "                   (MATRIX_TARGETS=book/x.ipynb for one notebook, MATRIX=avx2 for one path)"
	@echo "make test-latest   nbval with the newest releases inside the ranges (non-blocking)"
	@echo "make lock          re-compile requirements.lock after a change to the ranges"
	@echo "make lock-upgrade  re-compile requirements.lock with the newest releases"
	@echo "make execute       re-execute notebooks in place (NB=book/x.ipynb for one)"
	@echo "make benchmark     time model.fit against companion's fast path, seeding and replicates"
	@echo "make stats         time every chapter under nbval, count its models, rewrite the statistics page"
	@echo "                   (NB=book/x.ipynb: one chapter against the time budget, nothing written)"
	@echo "make dist          build companion's wheel and sdist into dist/"
	@echo "make install-cell  write the install cell (from _config.yml's repository.url) into every chapter"
	@echo "make pdf           build the PDF edition into $(PDF) and check it (tools/pdf_check.py)"
	@echo "make tex           install Debian's TeX packages for make pdf"
	@echo "make browser       install Debian's chromium + chromium-driver (website test)"
	@echo "make clean         remove _build"

# The venv is exactly the lock (pip-sync removes what it does not list), plus companion itself.
# Targets that need the venv sync it when requirements.lock or pyproject.toml is newer than the stamp;
# `make venv` syncs every time (about 10 s when nothing changed), so a package installed by hand is removed
# again and the environment test passes. LOCK, PIP_SYNC and SYNC_ONLY (skip installing companion) are
# variables so that tests/test_environment.py can run the same recipe on a throw-away venv, offline.
LOCK     := requirements.lock
PIP_SYNC  = $(BIN)/pip-sync
define SYNC_VENV
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/pip-sync || $(BIN)/python -m pip install --quiet -r $(LOCK)
	$(PIP_SYNC) --quiet $(LOCK)
	$(if $(SYNC_ONLY),,$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .)
	touch $(STAMP)
endef

$(STAMP): requirements.lock pyproject.toml
	$(SYNC_VENV)

venv:
	$(SYNC_VENV)

# JupyterLab (locked, extra `lab` of pyproject.toml) on the chapters, with the kernel settings nbval uses: the
# IPython profile of config/ipython and TensorFlow's quiet log, both exported above. A chapter run here prints
# what its stored outputs show. LAB_OPTS passes options, e.g. LAB_OPTS="--no-browser --port 8890". As root (a
# container), Jupyter refuses to start without --allow-root, so it is added there.
LAB_OPTS ?=
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=book $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_OPTS)

browser:
	@if [ ! -x $(CHROMIUM) ] || [ ! -x $(CHROMEDRIVER) ]; then \
	  echo "installing Debian's chromium and chromium-driver for tests/test_website.py"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

tex:
	@if ! command -v xelatex >/dev/null || ! command -v latexmk >/dev/null || ! command -v pdftotext >/dev/null \
	    || ! fc-list | grep -q FreeSerif || ! fc-list | grep -q "DejaVu Sans Mono"; then \
	  echo "installing Debian's TeX packages for make pdf: $(TEX_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES) >/dev/null; \
	fi

# The PDF from the stored outputs (execution is off, as for the website). SOURCE_DATE_EPOCH is the commit's time,
# so two builds of one commit carry the same dates; the title page prints none. After `make book`, the PDF is
# copied into the website, whose download menu links it (book/_ext/pdf_download.py).
pdf: $(STAMP) tex
	rm -rf _build/latex
	SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct 2>/dev/null || echo 0) FORCE_SOURCE_DATE=1 \
	  $(BIN)/jupyter-book build . --builder pdflatex
	$(BIN)/python -m tools.pdf_check $(PDF)
	if [ -d _build/html ]; then cp $(PDF) _build/html/; fi

test: $(STAMP) browser
	env $(PATH_ENV_default) $(BIN)/python -m pytest

test-numeric: $(STAMP) browser
	env $(NUMERIC_ENV) $(BIN)/python -m pytest

# Every path, one after the other (each already uses both cores); -k reports every failing path.
test-matrix: $(STAMP)
	@$(MAKE) --no-print-directory -k $(addprefix matrix-,$(MATRIX))

matrix-%: $(STAMP)
	@echo "=== numeric path $*: $(or $(PATH_ENV_$*),TensorFlow's defaults)"
	@start=$$(date +%s); env $(PATH_ENV_$*) $(BIN)/python $(MATRIX_PYTEST); rc=$$?; \
	  echo "=== numeric path $*: exit $$rc in $$(( $$(date +%s) - start )) s"; exit $$rc

lock: $(STAMP)
	$(PIP_COMPILE)

lock-upgrade: $(STAMP)
	$(PIP_COMPILE) --upgrade

# Non-blocking: lists the packages that moved past the lock, then which stored outputs moved.
test-latest:
	rm -rf $(LATEST) && $(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --upgrade -r requirements.txt
	$(LATEST)/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@echo "=== packages that moved past requirements.lock (< lock, > newest)"
	@grep -E '^[A-Za-z0-9_.-]+==' requirements.lock | tr 'A-Z_' 'a-z-' | sort > $(LATEST)/lock.txt
	@$(LATEST)/bin/python -m pip freeze --all --exclude-editable | tr 'A-Z_' 'a-z-' | sort > $(LATEST)/latest.txt
	@diff $(LATEST)/lock.txt $(LATEST)/latest.txt | grep '^[<>]' || echo "none"
	-$(LATEST)/bin/python -m pytest book $(PYTEST_OPTS)
	@echo "test-latest is informational: a failure above is a printed number that moved with the newest releases."

unit: $(STAMP)
	$(BIN)/python -m pytest tests companion

book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going

# The Chinese edition, from the same notebooks and stored outputs (README, "The Chinese edition"). Each build has
# its own output folder (a shared doctree fails); the edition is then copied under the English site as zh_CN/, so
# that both deploy as one static site. The reference pages (API, execution statistics, bibliography) keep English.
ZH_OUT    := _build/zh_CN
LOCALE    := locale/zh_CN/LC_MESSAGES
I18N_OUT  := _build/gettext
book-zh: $(STAMP)
	$(BIN)/python -m tools.edition zh_CN $(ZH_OUT)/_config.yml
	$(BIN)/jupyter-book build . --config $(ZH_OUT)/_config.yml --path-output $(ZH_OUT) -W -n --keep-going
	rm -rf _build/html/zh_CN && mkdir -p _build/html && cp -r $(ZH_OUT)/_build/html _build/html/zh_CN

locale: $(STAMP)
	$(BIN)/jupyter-book build . --builder custom --custom-builder gettext --path-output $(I18N_OUT) -q
	$(BIN)/python -m tools.translation_status --update $(I18N_OUT)/_build/gettext

translation-status: $(STAMP)
	$(BIN)/python -m tools.translation_status

# Top to bottom, in a fresh kernel per notebook, failing on the first error.
execute: $(STAMP)
	@for nb in $(NB); do \
	  echo "executing $$nb"; \
	  $(BIN)/jupyter-execute --inplace --timeout=1200 --kernel_name=python3 "$$nb" || exit 1; \
	done

benchmark: $(STAMP)
	$(BIN)/python -m benchmarks.training
	$(BIN)/python -m benchmarks.seeding
	$(BIN)/python -m benchmarks.replicates

# Every chapter alone under nbval: seconds, models trained, the budget (CONTRIBUTING.md, "Time budget").
stats: $(STAMP)
	$(BIN)/python -m benchmarks.execution_stats $(if $(filter command line,$(origin NB)),$(NB),--write)

# After a change of repository.url or companion.__version__; then `make execute`.
install-cell: $(STAMP)
	$(BIN)/python -m tools.install_cell --write

dist: $(STAMP)
	$(BIN)/python -m build --outdir dist .
	rm -rf build companion.egg-info

clean:
	rm -rf _build dist build
