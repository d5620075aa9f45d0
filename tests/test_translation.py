"""The Chinese edition: catalogues, glued values in translated prose, the language link, the reader checks.

* ``tools.translation_status``: every translated message keeps its source's roles, glue keys, inline code, math
  and link targets (in any order), and every page of ``_toc.yml`` except the reference pages has a catalogue.
* ``book/_ext/translated_glue.py``: on a small synthetic book, a glued value inside a translated paragraph is the
  English one, and a translation that names a key the notebook does not glue fails the build.
* The built edition (``make book-zh``; rebuilt here unless a build newer than every source exists): every glued
  value on a Chinese page equals the English page's, every page of both editions links to its counterpart, and the
  Chinese pages pass the English pages' reader checks (tests/test_website.py).
"""

import json
import posixpath
import re
import shutil
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from test_website import _layout_problems, _layout_report, _sources, browser, site, toc_pages  # noqa: F401
from tools import translation_status as ts

ROOT = Path(__file__).resolve().parents[1]
ZH_OUT = ROOT / "_build" / "zh_CN"
ZH_HTML = ZH_OUT / "_build" / "html"
BIN = Path(sys.executable).parent


# ---------------------------------------------------------------- markup check

@pytest.mark.parametrize("source, translation", [
    ("Accuracy {glue:text}`acc:.3f` and loss {glue:text}`loss:.2f`.", "损失 {glue:text}`loss:.2f`，准确率 {glue:text}`acc:.3f`。"),
    ("See {ref}`guide` and [the API](api.md), with $p^2$ and `cp.fit`.", "见 `cp.fit`、$p^2$、{ref}`guide` 和[接口](api.md)。"),
    ("$$a = b$$", "$$a  =  b$$"),
])
def test_markup_in_any_order_passes(source, translation):
    assert ts.markup_difference(source, translation) == ([], [])


@pytest.mark.parametrize("source, translation, missing, extra", [
    ("It is {glue:text}`acc:.3f`.", "它是 {glue:text}`acc:.2f`。", ["{glue:text}`acc:.3f`"], ["{glue:text}`acc:.2f`"]),
    ("It is {glue:text}`acc:.3f`.", "它是 0.812。", ["{glue:text}`acc:.3f`"], []),
    ("With $p$.", "用 $q$。", ["$p$"], ["$q$"]),
    ("See [the guide](choosing.ipynb).", "见[指南](intro.ipynb)。", ["link:choosing.ipynb"], ["link:intro.ipynb"]),
    ("Call `fit`.", "调用 fit。", ["`fit`"], []),
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


# ---------------------------------------------------------------- the built edition

_ZH_FAILURE = []


@pytest.fixture(scope="session")
def zh_site():
    """The Chinese edition's HTML: rebuilt (``make book-zh``'s build) unless newer than every source."""
    if _ZH_FAILURE:
        pytest.fail(_ZH_FAILURE[0])
    index = ZH_HTML / "index.html"
    sources = [*_sources(), *(ROOT / "locale").rglob("*.po"), *(ROOT / "book" / "_ext").glob("*.py")]
    newest = max(p.stat().st_mtime for p in sources if p.exists())
    if not index.exists() or index.stat().st_mtime < newest:
        shutil.rmtree(ZH_OUT, ignore_errors=True)
        config = ZH_OUT / "_config.yml"
        subprocess.run([sys.executable, "-m", "tools.edition", "zh_CN", str(config)], cwd=ROOT, check=True)
        command = [str(BIN / "jupyter-book"), "build", ".", "--config", str(config), "--path-output", str(ZH_OUT),
                   "-W", "-n", "--keep-going"]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            warnings = [line for line in done.stdout.splitlines() + done.stderr.splitlines() if "WARNING" in line]
            _ZH_FAILURE.append("Chinese build failed:\n" + "\n".join(warnings[-40:] or [done.stderr[-4000:]]))
            pytest.fail(_ZH_FAILURE[0])
    return ZH_HTML


def _page_file(html_root, page):
    path = html_root / f"{page}.html"
    return path if path.exists() else html_root / "index.html"


def _pasted(path):
    return Counter(re.findall(r'<span class="pasted-text">(.*?)</span>', path.read_text(encoding="utf-8")))


def _language_link(path):
    match = re.search(r'<a class="btn btn-sm language-switch" href="([^"]+)"', path.read_text(encoding="utf-8"))
    return match and match.group(1)


@pytest.mark.parametrize("page", toc_pages())
def test_every_glued_value_on_a_chinese_page_equals_the_english_one(site, zh_site, page):
    english, chinese = _pasted(_page_file(site, page)), _pasted(_page_file(zh_site, page))
    assert chinese == english


@pytest.mark.parametrize("page", toc_pages())
def test_every_page_links_to_the_same_page_in_the_other_language(site, zh_site, page):
    english_link = _language_link(_page_file(site, page))
    chinese_link = _language_link(_page_file(zh_site, page))
    # As deployed: the Chinese edition under zh_CN/ of the English site.
    assert posixpath.normpath(posixpath.join(posixpath.dirname(page), english_link)) == f"zh_CN/{page}.html"
    assert posixpath.normpath(posixpath.join("zh_CN", posixpath.dirname(page), chinese_link)) == f"{page}.html"
    assert (zh_site / f"{page}.html").exists() and (site / f"{page}.html").exists()


@pytest.mark.parametrize("page", toc_pages())
def test_chinese_page_reads_at_laptop_width(zh_site, browser, page):  # noqa: F811
    browser.get(_page_file(zh_site, page).as_uri())
    problems = _layout_report(page, _layout_problems(browser))
    assert not problems, "\n".join(problems)
