"""The published website, checked in a real browser (headless Debian Chromium).

The test builds the book with ``jupyter-book build . -W -n --keep-going`` unless
``_build/html`` is newer than every source of the book, then opens every page that
``_toc.yml`` lists and checks what a reader would see:

* every formula is typeset by MathJax, served from the site itself (no CDN);
* every image exists and has loaded (non-zero natural size);
* no page shows a traceback, an error output or a stderr output.

Chromium and ChromeDriver come from Debian's packages (``chromium``,
``chromium-driver``); ``make test`` installs them when they are missing. Without
them this test fails with a message saying so; it never skips.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
# Chromium's background services try to reach Google's hosts; this machine has no network.
CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--window-size=1280,1600",
)


def toc_pages():
    """Return the docnames that ``_toc.yml`` lists, root first."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [str(Path(p).with_suffix("")) for p in pages]


def _sources():
    yield from (ROOT / name for name in ("_config.yml", "_toc.yml", "references.bib"))
    yield from (ROOT / "book").rglob("*.ipynb")
    yield from (ROOT / "book").rglob("*.md")
    yield from (ROOT / "companion").rglob("*.py")


_BUILD_FAILURE = []  # a failed build is reported once, not rebuilt for every page


@pytest.fixture(scope="session")
def site():
    """The built site: rebuilt unless a build newer than every source exists."""
    if _BUILD_FAILURE:
        pytest.fail(_BUILD_FAILURE[0])
    index = HTML / "index.html"
    newest = max(p.stat().st_mtime for p in _sources() if p.exists())
    if not index.exists() or index.stat().st_mtime < newest:
        shutil.rmtree(ROOT / "_build", ignore_errors=True)
        command = [str(Path(sys.executable).with_name("jupyter-book")), "build", ".", "-W", "-n", "--keep-going"]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            warnings = [line for line in done.stdout.splitlines() + done.stderr.splitlines() if "WARNING" in line]
            _BUILD_FAILURE.append("book build failed:\n" + "\n".join(warnings[-40:] or [done.stderr[-4000:]]))
            pytest.fail(_BUILD_FAILURE[0])
    assert index.exists()
    return HTML


@pytest.fixture(scope="session")
def browser():
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        pytest.fail(
            f"headless Chromium is needed for the website test but {', '.join(missing)} is missing; "
            "install Debian's packages with `make browser` (apt-get install chromium chromium-driver)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def test_toc_lists_pages():
    pages = toc_pages()
    assert len(pages) >= 3
    assert len(set(pages)) == len(pages), "a page is listed twice in _toc.yml"


def _math_status(driver):
    """Wait for MathJax to finish, then count raw and typeset formulas."""
    return driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const count = () => ({
            raw: document.querySelectorAll('.math:not(:has(mjx-container))').length,
            typeset: document.querySelectorAll('mjx-container').length,
            mathjax: typeof window.MathJax !== 'undefined' && !!window.MathJax.startup,
        });
        if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
            MathJax.startup.promise.then(() => done(count()), () => done(count()));
        } else {
            setTimeout(() => done(count()), 2000);
        }
        """
    )


def _images(driver):
    return driver.execute_script(
        """
        return Array.from(document.querySelectorAll('article img, .bd-article img')).map(img => ({
            src: img.getAttribute('src'), complete: img.complete, width: img.naturalWidth,
        }));
        """
    )


@pytest.mark.parametrize("page", toc_pages())
def test_page_renders(site, browser, page):
    path = site / f"{page}.html"
    if page == toc_pages()[0] and not path.exists():
        path = site / "index.html"
    assert path.exists(), f"{page} is in _toc.yml but {path.relative_to(ROOT)} was not built"
    browser.set_script_timeout(30)
    browser.get(path.as_uri())
    text = browser.find_element("tag name", "body").text

    assert "Traceback (most recent call last)" not in text, f"{page} shows a traceback"
    errors = browser.find_elements("css selector", ".output.traceback, .output.error, .output.stderr, .cell_output .stderr")
    assert not errors, f"{page} shows {len(errors)} error/stderr output(s)"

    math = _math_status(browser)
    if math["typeset"] or math["raw"]:
        assert math["mathjax"], f"{page} has math but MathJax did not load"
        assert math["raw"] == 0, f"{page}: {math['raw']} formula(s) left as raw TeX"

    for image in _images(browser):
        source = (path.parent / image["src"]).resolve() if not image["src"].startswith("data:") else None
        assert source is None or source.exists(), f"{page}: image {image['src']} does not exist"
        assert image["complete"] and image["width"] > 0, f"{page}: image {image['src']} did not load"

    scripts = browser.execute_script(
        "return Array.from(document.scripts).map(s => s.src).filter(s => s.includes('mathjax'));"
    )
    assert all(src.startswith("file:") for src in scripts), f"{page} loads MathJax from the network: {scripts}"


def test_site_totals(site, browser, record_property):
    """Count pages, figures and typeset formulas over the whole site (reported in the test output)."""
    pages = figures = formulas = 0
    for page in toc_pages():
        path = site / f"{page}.html"
        if not path.exists():
            path = site / "index.html"
        browser.get(path.as_uri())
        formulas += _math_status(browser)["typeset"]
        figures += sum(1 for image in _images(browser) if image["width"] > 0 and "logo" not in (image["src"] or ""))
        pages += 1
    record_property("pages", pages)
    print(f"website: {pages} pages, {figures} figures, {formulas} typeset formulas")
    assert pages == len(toc_pages())
    assert figures > 0 and formulas > 0
