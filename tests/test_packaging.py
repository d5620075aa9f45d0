"""companion as an installable library: its wheel and sdist, installed outside the repository.

The wheel is built from this checkout (``python -m build``), installed non-editable into a fresh
virtual environment in a temporary folder, with the third-party versions of ``requirements.lock``
(``-c``), and used there the way a reader would: first without TensorFlow, then with ``choosing-loss-functions[tf]``.
pip takes the packages from its cache or the package index.
"""

import json
import os
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

import companion

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
SMALL_CSV = ROOT / "tests" / "data" / "small.csv"
QUIET_PIP = {"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}

# What must work without TensorFlow, in a venv that has only companion's own dependencies.
WITHOUT_TF = """
import sys
import numpy as np
import companion as cp
from companion import datasets, gradients, information, losses, plotting, scratch
assert abs(cp.entropy([0.5, 0.5], base=2) - 1.0) < 1e-12
assert losses.mean_squared_error(np.zeros((2, 3)), np.ones((2, 3))).tolist() == [1.0, 1.0]
assert gradients.GRADIENTS and set(gradients.GRADIENTS) <= set(losses.REFERENCE_LOSSES)
split = datasets.circles()
assert split.X_train.shape == (500, 2)
net = scratch.TwoLayerNet.random(2, 4, 1, seed=0)
assert net.forward(split.X_train[:3]).shape == (3, 1)
print(cp.format_mean([0.81, 0.83, 0.82]), "|", cp.paired_difference([0.8, 0.9, 0.85], [0.7, 0.85, 0.8]).n)
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
with plotting.style():
    fig, ax = plt.subplots()
assert "tensorflow" not in sys.modules and "keras" not in sys.modules
try:
    import tensorflow
except ImportError:
    print("no tensorflow")
"""


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], check=True,
                   capture_output=True, text=True, env={**os.environ, **QUIET_PIP})
    wheels, sdists = list(out.glob("*.whl")), list(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1
    return wheels[0], sdists[0]


def test_wheel_holds_the_package_only_at_the_one_version(dist):
    wheel, _ = dist
    assert wheel.name == f"choosing_loss_functions-{companion.__version__}-py3-none-any.whl"
    names = zipfile.ZipFile(wheel).namelist()
    packages = {name.split("/")[0] for name in names}
    assert packages == {"companion", f"choosing_loss_functions-{companion.__version__}.dist-info"}
    assert "companion/compare.py" in names and "companion/__main__.py" in names
    assert {"companion/metrics/__init__.py", "companion/metrics/calibration.py"} <= set(names)
    entry_points = zipfile.ZipFile(wheel).read(f"choosing_loss_functions-{companion.__version__}.dist-info/entry_points.txt")
    assert b"companion = companion.__main__:main" in entry_points


def test_sdist_holds_no_tests_or_notebooks(dist):
    _, sdist = dist
    names = tarfile.open(sdist).getnames()
    top = f"choosing_loss_functions-{companion.__version__}"
    assert f"{top}/companion/compare.py" in names and f"{top}/LICENSE" in names
    assert not [n for n in names if n.endswith(".ipynb") or "/tests/" in n or "/book/" in n]


def _venv(path):
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    return path / "bin" / "python"


def _run(args, cwd, **kwargs):
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=900,
                          env={**os.environ, **QUIET_PIP, "TF_CPP_MIN_LOG_LEVEL": "3"}, **kwargs)


def test_wheel_installs_outside_the_repository_and_runs_compare(dist, tmp_path):
    wheel, _ = dist
    python = _venv(tmp_path / "venv")
    work = tmp_path / "work"
    work.mkdir()
    install = _run([python, "-m", "pip", "install", "--quiet", str(wheel), "-c", LOCK], cwd=work)
    assert install.returncode == 0, install.stderr[-2000:]

    # Without TensorFlow: every NumPy/scikit-learn/matplotlib helper, and the command line's help.
    plain = _run([python, "-c", WITHOUT_TF], cwd=work)
    assert plain.returncode == 0, plain.stderr[-2000:]
    assert plain.stdout.splitlines() == ["0.82 ± 0.01 | 3", "no tensorflow"]
    where = _run([python, "-c", "import companion; print(companion.__file__)"], cwd=work)
    assert str(tmp_path / "venv") in where.stdout and str(ROOT) not in where.stdout
    for command in ([tmp_path / "venv" / "bin" / "companion", "compare", "--help"],
                    [python, "-m", "companion", "compare", "--help"]):
        helped = _run(command, cwd=work)
        assert helped.returncode == 0 and "--problem" in helped.stdout, helped.stderr[-2000:]

    # With the tf extra: the entry point trains on a CSV file.
    extra = _run([python, "-m", "pip", "install", "--quiet", f"choosing-loss-functions[tf] @ {wheel.as_uri()}", "-c", LOCK],
                 cwd=work)
    assert extra.returncode == 0, extra.stderr[-2000:]
    ran = _run([tmp_path / "venv" / "bin" / "companion", "compare", "--problem", SMALL_CSV, "--target", "label",
                "--losses", "binary_crossentropy,hinge", "--seeds", "2", "--epochs", "2", "--format", "json"],
               cwd=work)
    assert ran.returncode == 0, ran.stderr[-2000:]
    records = json.loads(ran.stdout)
    assert [r["loss"] for r in records] == ["binary_crossentropy", "hinge"]
    assert all(0.0 <= r["test_mean"] <= 1.0 for r in records)
    bad = _run([tmp_path / "venv" / "bin" / "companion", "compare", "--problem", "nowhere.csv", "--target", "y"],
               cwd=work)
    assert bad.returncode == 2 and "error" in bad.stderr and "Traceback" not in bad.stderr
