"""tools/pdf_check.py: the checks of the PDF edition, on small made-up logs, notebooks and texts.

The PDF itself is built and checked by ``make pdf`` (TeX is not needed here).
"""

import json

import pytest

from tools import pdf_check

LOG = """\
Overfull \\hbox (3.1pt too wide) in paragraph at lines 10--12
Underfull \\hbox (badness 10000) in paragraph at lines 13--14
Overfull \\hbox (54.76077pt too wide) in paragraph at lines 9205--9207
Missing character: There is no ᵀ (U+1D40) in font FreeMono/m/n/10!
"""


def test_overfull_boxes_over_the_threshold_only():
    assert pdf_check.overfull_boxes(LOG, 5.0) == [(54.76077, "in paragraph at lines 9205--9207")]
    assert len(pdf_check.overfull_boxes(LOG, 3.0)) == 2
    assert pdf_check.overfull_boxes("Underfull \\hbox (badness 10000)", 0.0) == []


def test_missing_characters_are_reported():
    assert pdf_check.missing_characters(LOG) == ["Missing character: There is no ᵀ (U+1D40) in font FreeMono/m/n/10!"]
    assert pdf_check.missing_characters("no such line") == []


def _notebook(tmp_path, cells):
    path = tmp_path / "chapter.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    return path


def _glue(name, text):
    return {"output_type": "display_data", "metadata": {"scrapbook": {"name": name, "mime_prefix": "x"}},
            "data": {"application/papermill.record/text/plain": text}}


def test_glued_numbers_are_the_quoted_numeric_values(tmp_path):
    path = _notebook(tmp_path, [
        {"cell_type": "markdown", "metadata": {}, "source": ["# A title\n", "Mean {glue:text}`mean`, sd {glue:text}`sd`,"
                                                             " verdict {glue:text}`verdict`, unquoted never."]},
        {"cell_type": "code", "metadata": {}, "source": "", "execution_count": 1,
         "outputs": [_glue("mean", "0.8125"), _glue("sd", "'−0.02'"), _glue("verdict", "'better'"),
                     _glue("unquoted", "12.5")]},
    ])
    assert pdf_check.glued_numbers(path) == ["0.8125", "−0.02"]  # longest first; text and unquoted values left out
    assert pdf_check.title(path) == "A title"


def test_title_drops_inline_code_marks(tmp_path):
    page = tmp_path / "api.md"
    page.write_text("# The `companion` API\n\ntext\n", encoding="utf-8")
    assert pdf_check.title(page) == "The companion API"
    page.write_text("no heading\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no '# ' title"):
        pdf_check.title(page)


def test_normalise_joins_hyphenated_lines_and_minus_signs():
    assert pdf_check.normalise("Cross-entropy and KL di-\n  vergence −0.5") == "Cross-entropy and KL divergence -0.5"


def test_every_chapter_of_the_toc_is_found():
    names = [path.name for path in pdf_check.chapters()]
    assert names[0] == "intro.ipynb" and "bibliography.md" in names and "regression.ipynb" in names
