"""The Chinese edition: catalogues, glued values in translated prose, the language link, the reader checks.

* ``tools.translation_status``: every translated message keeps its source's roles, glue keys, inline code, math
  and link targets (in any order), and every page of ``_toc.yml`` except the reference pages has a catalogue.
* ``book/_ext/translated_glue.py``: on a small synthetic book, a glued value inside a translated paragraph is the
  English one, and a translation that names a key the notebook does not glue fails the build.

The built edition is checked with the English site in tests/test_website.py (one test module, so that one worker
builds both).
"""

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from test_website import toc_pages
from tools import translation_status as ts

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


# ---------------------------------------------------------------- markup check

@pytest.mark.parametrize("source, translation", [
    ("Accuracy {glue:text}`acc:.3f` and loss {glue:text}`loss:.2f`.", "损失 {glue:text}`loss:.2f`，准确率 {glue:text}`acc:.3f`。"),
    ("See {ref}`guide` and [the API](api.md), with $p^2$ and `cp.fit`.", "见 `cp.fit`、$p^2$、{ref}`guide` 和[接口](api.md)。"),
    ("$$a = b$$", "$$a  =  b$$"),
    ("See {ref}`the guide <choosing-guide>` and {doc}`Calibration <calibration>`.",
     "见{ref}`决策指南 <choosing-guide>`和{doc}`校准 <calibration>`。"),
])
def test_markup_in_any_order_passes(source, translation):
    assert ts.markup_difference(source, translation) == ([], [])


@pytest.mark.parametrize("source, translation, missing, extra", [
    ("It is {glue:text}`acc:.3f`.", "它是 {glue:text}`acc:.2f`。", ["{glue:text}`acc:.3f`"], ["{glue:text}`acc:.2f`"]),
    ("It is {glue:text}`acc:.3f`.", "它是 0.812。", ["{glue:text}`acc:.3f`"], []),
    ("With $p$.", "用 $q$。", ["$p$"], ["$q$"]),
    ("See [the guide](choosing.ipynb).", "见[指南](intro.ipynb)。", ["link:choosing.ipynb"], ["link:intro.ipynb"]),
    ("Call `fit`.", "调用 fit。", ["`fit`"], []),
    ("See {ref}`the guide <choosing-guide>`.", "见{ref}`指南 <choosing>`。", ["{ref}`<choosing-guide>`"],
     ["{ref}`<choosing>`"]),
])
def test_a_changed_role_key_math_link_or_code_is_reported(source, translation, missing, extra):
    assert ts.markup_difference(source, translation) == (missing, extra)


def test_every_translated_message_keeps_its_markup():
    problems = {page: ts.page_status(path)[3] for page, path in ts.catalogues().items()}
    assert {page: p for page, p in problems.items() if p} == {}


def test_every_page_but_the_reference_pages_has_a_catalogue():
    pages = set(toc_pages()) - set(ts.REFERENCE_PAGES)
    missing = sorted(pages - set(ts.catalogues()))
    assert not missing, f"no catalogue for {missing}: run `make locale`"
    assert not set(ts.REFERENCE_PAGES) & set(ts.catalogues())


def test_status_report_counts_and_fails_on_a_markup_problem(tmp_path):
    folder = tmp_path / "zh_CN" / "LC_MESSAGES" / "book"
    folder.mkdir(parents=True)
    (folder / "x.po").write_text(textwrap.dedent('''\
        msgid ""
        msgstr "Content-Type: text/plain; charset=utf-8\\n"

        msgid "Kept {glue:text}`a:.1f`."
        msgstr "保留 {glue:text}`a:.1f`。"

        #, fuzzy
        msgid "Changed."
        msgstr "旧的。"

        msgid "Open."
        msgstr ""

        msgid "Lost {glue:text}`b:.1f`."
        msgstr "丢了。"
        '''), encoding="utf-8")
    assert ts.page_status(folder / "x.po")[:3] == (2, 1, 1)
    import io

    out = io.StringIO()
    assert ts.report(tmp_path, out=out) == 1
    assert "book/x" in out.getvalue() and "missing: {glue:text}`b:.1f`" in out.getvalue()


# ---------------------------------------------------------------- the glue fix, on a synthetic book

def _tiny_book(path, translation):
    """A one-notebook Sphinx project that glues ``acc`` and translates its one paragraph as ``translation``."""
    (path / "locale" / "zh_CN" / "LC_MESSAGES").mkdir(parents=True)
    notebook = {
        "cells": [
            {"cell_type": "markdown", "id": "prose", "metadata": {}, "source": "# Title\n\nThe accuracy is {glue:text}`acc:.3f`."},
            {"cell_type": "code", "id": "glue", "execution_count": 1, "metadata": {}, "source": "glue('acc', 0.8123)",
             "outputs": [{"output_type": "display_data", "metadata": {"scrapbook": {"name": "acc", "mime_prefix": ""}},
                          "data": {"text/plain": "0.8123"}}]},
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"},
                     "language_info": {"name": "python", "pygments_lexer": "ipython3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    (path / "index.ipynb").write_text(json.dumps(notebook))
    (path / "conf.py").write_text(textwrap.dedent(f"""\
        import sys
        sys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})
        extensions = ["myst_nb", "translated_glue"]
        nb_execution_mode = "off"
        language = "zh_CN"
        locale_dirs = ["locale/"]
        gettext_compact = False
        """))
    (path / "locale" / "zh_CN" / "LC_MESSAGES" / "index.po").write_text(textwrap.dedent(f'''\
        msgid ""
        msgstr "Content-Type: text/plain; charset=utf-8\\n"

        msgid "The accuracy is {{glue:text}}`acc:.3f`."
        msgstr "{translation}"
        '''), encoding="utf-8")


def _build_tiny(path):
    return subprocess.run([str(BIN / "sphinx-build"), "-W", "-q", "-b", "html", str(path), str(path / "_out")],
                          capture_output=True, text=True)


def test_a_glued_value_in_a_translated_paragraph_is_the_english_one(tmp_path):
    _tiny_book(tmp_path, "准确率为 {glue:text}`acc:.3f`。")
    done = _build_tiny(tmp_path)
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "_out" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'准确率为 <span class="pasted-text">0\.812</span>', html)


def test_a_translation_naming_a_key_the_notebook_does_not_glue_fails_the_build(tmp_path):
    _tiny_book(tmp_path, "准确率为 {glue:text}`accuracy:.3f`。")
    done = _build_tiny(tmp_path)
    assert done.returncode != 0
    assert "accuracy" in done.stderr
