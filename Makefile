# Two commands do all set-up on a fresh Debian/Ubuntu machine:
#   make site   check the definitions, build the manual and the PDFs into site/
#   make test   run every test (unit, PDF, end-to-end browser)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PYVER  := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
STAMP  := $(VENV)/.installed-$(PYVER)
TESTSTAMP := $(VENV)/.installed-test-$(PYVER)
SYSDEPS := $(VENV)/.system-deps

# Quiet the MkDocs 2 / Material end-of-life banners in build logs.
export NO_MKDOCS_2_WARNING := 1

.PHONY: site site-offline test test-fast test-setup serve check pdf schema lint bench bench-all setup system-deps clean

setup: $(STAMP) $(SYSDEPS)

# What building needs (requirements.lock); the test tools (requirements-test.lock: pytest, playwright,
# hypothesis, ruff, pypdf …) only for the test targets, so an intranet server that runs make site
# does not get them.
test-setup: $(STAMP) $(SYSDEPS) $(TESTSTAMP)

$(TESTSTAMP): requirements-test.lock $(STAMP)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-test.lock
	@touch $@

# Python 3.11, 3.12 or 3.13 (PYTHON=python3.13 make test); a .venv made by another version is remade.
$(STAMP): pyproject.toml requirements.lock
	@test -n "$(PYVER)" || { echo "找不到 $(PYTHON)：请安装 Python 3.11–3.13，或指定 PYTHON=python3.12"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "需要 Python 3.11 或更新版本，$(PYTHON) 是 $(PYVER)"; exit 1; }
	@if [ -x $(BIN)/python ] && [ "$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')" != "$(PYVER)" ]; then \
		echo "重建 $(VENV)：它由另一版本的 Python 创建"; rm -rf $(VENV); fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

$(SYSDEPS): scripts/system-deps.sh | $(STAMP)
	@scripts/system-deps.sh
	@touch $@

system-deps:
	@scripts/system-deps.sh

check: setup
	$(BIN)/procgen check

schema: setup
	$(BIN)/procgen schema

# procgen build: the site is built in a staging folder beside site/ and swapped in whole (an atomic
# directory exchange) only when everything succeeded, so a failed or killed build never leaves a
# half-written site/; two builds at once run one after the other (generator/render/publish.py).
site: setup
	$(BIN)/procgen build
	@echo "手册已生成：site/index.html（PDF 在 site/pdf/）"

site-offline: setup
	$(BIN)/procgen build --offline
	@echo "离线版已生成：site-offline/ 与 site-offline.zip（解压后直接打开 index.html）"

pdf: setup
	$(BIN)/procgen pdf

serve: setup
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# ruff (lint and format), mypy on generator/ (pyproject.toml [tool.mypy]).
lint: test-setup
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/procgen schema && git diff --exit-code --stat -- schemas/ || (echo "schemas/ 与模型不一致：请运行 make schema 并提交" && exit 1)
	$(BIN)/python -m pytest -q -n auto --dist loadgroup

# The edit-test loop: no site build, no PDFs, no browser, no server (tests marked slow in tests/conftest.py).
test-fast: lint
	$(BIN)/python -m pytest -q -n auto -m "not slow"

# The targets of issue 25 (check at 1,008 documents, in git beside outside git at 96 and 1,008, the preview,
# manual.pdf after one change), one table in bench/RESULTS.md: about 10 minutes on 2 cores.
bench: test-setup
	$(BIN)/python bench/issue25.py

# Everything: the site against plain MkDocs at 12, 96 and 1,008 documents, PDFs against bare WeasyPrint,
# the site in git at 1,008 documents, PDF sizes (an hour or more on 2 cores).
bench-all: test-setup
	$(BIN)/python bench/run.py
	$(BIN)/python bench/git_history.py
	$(BIN)/python bench/pdf_bench.py
	$(BIN)/python bench/manual_bench.py
	$(BIN)/python bench/pdf_size.py
	$(BIN)/python bench/issue25.py

clean:
	rm -rf site site-offline site-offline.zip .build .cache
