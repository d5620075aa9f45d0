"""The decision guide of book/choosing.ipynb agrees with its data and with the verdicts it cites.

The guide's rows live in ``book/_data/guide.yml``; ``tools/guide.py`` renders them into the notebook's cells
with ids ``guide-...`` and reads the glued results the rows cite. A re-run of a chapter that flips a verdict
(say, the generalised cross-entropy no longer beats the cross-entropy under label noise) changes the stored
glue output, and the row that recommends it fails here, so the recommendation is revisited before it is
published. To change a row: edit the YAML file, run ``python -m tools.guide --write``, and this test passes.
"""
import json

import pytest

from tools import guide

DATA = guide.load()
CHECKS = guide.check(DATA)
ROW_IDS = [row["id"] for part in ("lookup", "complications") for row in DATA[part]]


def test_every_row_has_tagged_evidence():
    assert len(DATA["lookup"]) >= 10 and DATA["complications"] and DATA["reverse"]
    assert len(ROW_IDS) == len(set(ROW_IDS)), "row ids must be unique"
    for row_id, item in guide.evidence_items(DATA):
        assert item["tag"] in guide.TAGS, (row_id, item)
        assert item["link"].split(":", 1)[0] in ("ref", "doc"), (row_id, item)
        if "key" in item:
            assert item["tag"] == "measured" and item["notebook"].endswith(".ipynb"), (row_id, item)
        for verdict in item.get("verdict", []):
            assert verdict in guide.VERDICTS, (row_id, verdict)
    assert any(row["id"] == "default" for row in DATA["lookup"]), "the guide needs a row for the undecided"


def test_the_lookup_has_every_column():
    columns = {"predict", "output", "keras", "pytorch", "estimates", "judge", "decide", "evidence"}
    for row in DATA["lookup"]:
        assert columns <= set(row), (row["id"], columns - set(row))


def test_the_reverse_lookup_covers_the_common_metrics():
    metrics = {row["metric"] for row in DATA["reverse"]}
    for metric in ("F1", "PR-AUC", "ROC-AUC", "log loss", "Brier score", "accuracy", "RMSE", "MAE", "RMSLE",
                   "MAPE", "pinball", "IoU, Dice"):
        assert metric in metrics
    for row in DATA["reverse"]:
        assert set(row["rows"]) <= set(ROW_IDS), row


def test_the_notebook_holds_the_rendered_guide():
    cells = {cell.get("id"): "".join(cell["source"]) for cell in
             json.loads(guide.NOTEBOOK.read_text(encoding="utf-8"))["cells"]}
    for cell_id, source in guide.render(DATA).items():
        assert cell_id in cells, f"book/choosing.ipynb has no cell {cell_id}"
        assert cells[cell_id] == source, (
            f"cell {cell_id} differs from book/_data/guide.yml: run `python -m tools.guide --write`")


def test_some_rows_are_checked_against_their_verdicts():
    assert sum("verdict" in item for _, item in guide.evidence_items(DATA)) >= 15


@pytest.mark.parametrize("row, where, problem", CHECKS, ids=[f"{row}-{where}" for row, where, _ in CHECKS])
def test_each_cited_verdict_agrees_with_its_row(row, where, problem):
    assert problem is None, f"row {row!r} cites {where}: {problem}"


def test_a_flipped_verdict_fails(monkeypatch):
    """The check can fail: the same rows against stored outputs whose verdicts were flipped."""
    real = guide.stored_glue

    def flipped(notebook):
        swap = {"better": "worse", "worse": "better"}
        values = {}
        for key, value in real(notebook).items():
            if isinstance(value, str) and guide.verdict_of(value) in swap:
                head, rest = value.split(":", 1) if ":" in value else (value, "")
                word = head.split(",")[0].split(" ")[0]
                value = head.replace(word, swap[word], 1) + (":" + rest if rest else "")
            values[key] = value
        return values

    monkeypatch.setattr(guide, "stored_glue", flipped)
    failed = [where for _, where, problem in guide.check(DATA) if problem]
    strong = [f"{item['notebook']}::{item['key']}" for _, item in guide.evidence_items(DATA)
              if item.get("verdict") in (["better"], ["worse"])]
    assert len(strong) >= 8 and set(strong) <= set(failed), set(strong) - set(failed)


def test_a_missing_key_fails(monkeypatch):
    monkeypatch.setattr(guide, "stored_glue", lambda notebook: {})
    assert all(problem == "no such glue key in the stored outputs" for _, _, problem in guide.check(DATA))


@pytest.mark.parametrize("text, verdict, sign", [
    ("better: -0.09 (95% CI -0.09 to -0.08), Holm p < 0.05, 20 replicates", "better", "-"),
    ("worse, by less than 0.05: +0.009 (95% CI +0.006 to +0.012), Holm p < 0.05", "worse by less than", "+"),
    ("equivalent within ±0.01: 0.00 (95% CI -0.01 to 0.00), equivalence Holm p < 0.05", "equivalent", "0"),
    ("not determined by this experiment: ×1.1 (unadjusted 95% CI ×0.9 to ×1.3), Holm p ≥ 0.05",
     "not determined", "+"),
    ("better: 95% CI inside [-0.3, -0.1], Holm p < 0.001, 40 replicates", "better", "-"),
    ("not determined by this experiment: 95% CI inside [-0.05, +0.05], Holm p ≥ 0.05", "not determined", "0"),
    ("0.82", None, "+"),
])
def test_verdict_and_sign_are_read_from_the_glued_line(text, verdict, sign):
    assert guide.verdict_of(text) == verdict
    assert guide.sign_of(text) == sign
