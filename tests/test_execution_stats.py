"""Tests for benchmarks.execution_stats, the command behind `make stats` and the page *Execution statistics*.

The timings themselves depend on the machine and are not tested; what is tested is that a chapter's
models are counted in its own kernel, that the table adds up, and that the committed table covers
every chapter of the book (a new chapter needs `make stats` before it lands).
"""

import re

import nbformat
import pytest

from benchmarks import execution_stats as stats


def test_chapters_follow_the_table_of_contents():
    chapters = stats.chapters()
    assert chapters[0].stem == "intro"
    assert all(path.suffix == ".ipynb" and path.exists() for path in chapters)
    assert len({path.stem for path in chapters}) == len(chapters)


def test_a_chapters_models_are_counted_in_its_kernel(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("import companion.training as training\n"
                                  "training._TRAINED['fit'] += 2\ntraining._TRAINED['replicates'] += 5"),
        nbformat.v4.new_code_cell("print(sorted(training.models_trained().items()))"),
    ]
    client_output = "[('fit', 2), ('fit_keras', 0), ('replicates', 5)]\n"
    notebook.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text=client_output)]
    for count, cell in enumerate(notebook.cells, start=1):
        cell.execution_count = count
    path = tmp_path / "counting.ipynb"
    nbformat.write(notebook, path)
    row = stats.measure(path)
    assert row["passed"], row["output"]
    assert row["models"] == 7 and row["counts"] == {"fit": 2, "fit_keras": 0, "replicates": 5}
    assert row["seconds"] > 0 and row["title"] == "counting"


def test_the_table_adds_up_and_names_machine_date_and_budget():
    rows = [dict(chapter="a", title="A | B", seconds=10.4, models=3, counts={"fit": 3}),
            dict(chapter="b", seconds=20.2, models=12, counts={"fit": 2, "replicates": 10})]
    text = stats.render(rows, "2026-12-04", "Some CPU, 2 cores")
    lines = text.splitlines()
    assert lines[2] == "| [A \\| B](a.ipynb) | 10 | 3 | 0 |"
    assert lines[3] == "| [b](b.ipynb) | 20 | 12 | 10 |"
    assert lines[4] == "| **all 2 chapters** | **31** | **15** | **10** |"
    assert "2026-12-04" in text and "Some CPU, 2 cores" in text and f"{stats.BUDGET_SECONDS} s" in text


def test_the_committed_table_covers_every_chapter_within_the_budget():
    text = stats.TABLE.read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| \[.+?\]\((\w+)\.ipynb\) \| (\d+) \|", text, flags=re.MULTILINE))
    assert sorted(rows) == sorted(path.stem for path in stats.chapters()), "run `make stats` after adding a chapter"
    assert all(int(seconds) <= stats.BUDGET_SECONDS for seconds in rows.values())
    assert re.search(r"Measured on \d{4}-\d{2}-\d{2} on ", text)


@pytest.mark.parametrize("argv, message", [
    (["--write", "book/intro.ipynb"], "--write rewrites the whole table"),
    (["book/no_such_chapter.ipynb"], "no such notebook"),
])
def test_bad_arguments_exit_with_2(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        stats.main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
