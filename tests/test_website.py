"""The published website, checked in a real browser (headless Debian Chromium).

The test builds the book with ``jupyter-book build . -W -n --keep-going`` unless
``_build/html`` is newer than every source of the book, then opens every page that
``_toc.yml`` lists and checks what a reader would see:

* every formula is typeset by MathJax, served from the site itself (no CDN);
* every image exists and has loaded (non-zero natural size);
* no page shows a traceback, an error output or a stderr output;
* at a laptop's width (1280 px) no table is wider than the text column, no published code
  cell holds only a comment (an empty box to a reader), and every figure has an alt text that
  says what it shows, not its file name.

The Chinese edition (``make book-zh``) is built here too, after the English one: every glued value on a Chinese
page equals the English page's, every page of both editions links to the same page in the other language, and the
Chinese pages pass the same layout checks.

The three layout checks run in the reader's browser on every page, and
``test_layout_checks_fail_on_a_page_made_to_fail`` shows on a small synthetic page that each
of them can fail.

Chromium and ChromeDriver come from Debian's packages (``chromium``,
``chromium-driver``); ``make test`` installs them when they are missing. Without
them this test fails with a message saying so; it never skips.
"""

import os
import posixpath
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
ZH_OUT = ROOT / "_build" / "zh_CN"
ZH_HTML = ZH_OUT / "_build" / "html"
BIN = Path(sys.executable).parent
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


# The three checks a reader at a laptop's width would make: a table wider than the text column (the
# reader must scroll sideways, or the last columns are cut off), a published code cell that holds only
# comments (an empty-looking box), and a figure whose alt text is missing or a file name (a screen
# reader reads the hash). Tables are measured in the rendered page, inside any scrolling wrapper.
_LAYOUT_SCRIPT = r"""
const main = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
const limit = main.getBoundingClientRect().right;
const wide = [];
main.querySelectorAll('table').forEach(table => {
    const right = table.getBoundingClientRect().right;
    if (right > limit + 1) {
        wide.push({overflow: Math.round(right - limit), text: table.innerText.trim().slice(0, 60)});
    }
});
const commentOnly = [];
main.querySelectorAll('div.cell div.cell_input pre').forEach(pre => {
    const lines = pre.innerText.split('\n').map(line => line.trim()).filter(line => line.length > 0);
    if (lines.every(line => line.startsWith('#'))) commentOnly.push(pre.innerText.trim().slice(0, 60));
});
const badAlt = [];
const fileName = /(^|[\/])[^\s\/]+\.(png|jpe?g|gif|svg|webp)$/i;
main.querySelectorAll('img').forEach(img => {
    const alt = (img.getAttribute('alt') || '').trim();
    const src = img.getAttribute('src') || '';
    if (!alt || alt === src || fileName.test(alt) || alt.includes('_images/')) {
        badAlt.push({src: src.slice(-40), alt: alt.slice(0, 60)});
    }
});
return {wide: wide, commentOnly: commentOnly, badAlt: badAlt};
"""


def _layout_problems(driver):
    """Return the wide tables, comment-only code cells and figures without a real alt text on the open page."""
    return driver.execute_script(_LAYOUT_SCRIPT)


def _layout_report(page, problems):
    lines = []
    for table in problems["wide"]:
        lines.append(f"{page}: a table is {table['overflow']} px wider than the text column ({table['text']!r})")
    for cell in problems["commentOnly"]:
        lines.append(f"{page}: a published code cell holds only a comment ({cell!r})")
    for image in problems["badAlt"]:
        lines.append(f"{page}: figure {image['src']} has alt text {image['alt']!r}, not a description")
    return lines


@pytest.mark.parametrize("page", toc_pages())
def test_page_reads_at_laptop_width(site, browser, page):
    path = site / f"{page}.html"
    if page == toc_pages()[0] and not path.exists():
        path = site / "index.html"
    browser.get(path.as_uri())
    problems = _layout_report(page, _layout_problems(browser))
    assert not problems, "\n".join(problems)


_PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def _synthetic_page(tmp_path, name, table_width, code, alt):
    """A page with the theme's structure: an article of 600 px, one table, one code cell, one figure."""
    alt_attribute = "" if alt is None else f' alt="{alt}"'
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<main><article class="bd-article" style="width: 600px; margin: 0; padding: 0">
<p>text</p>
<div class="cell docutils container"><div class="cell_input docutils container">
<div class="highlight-ipython3 notranslate"><div class="highlight"><pre>{code}</pre></div></div></div></div>
<div style="overflow-x: auto"><table style="width: {table_width}px"><tr><th>a</th><th>b</th></tr>
<tr><td>1</td><td>2</td></tr></table></div>
<img src="{_PIXEL}"{alt_attribute}>
</article></main></body></html>"""
    path = tmp_path / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    return path


def test_layout_checks_fail_on_a_page_made_to_fail(browser, tmp_path):
    good = _synthetic_page(tmp_path, "good", 500, "# a comment\nx = 1  # and code", "Test accuracy against the epoch")
    browser.get(good.as_uri())
    assert _layout_report("good", _layout_problems(browser)) == []

    bad = _synthetic_page(tmp_path, "bad", 900, "# install cell placeholder\n\n#   another comment",
                          "../_images/c70d0123abcd.png")
    browser.get(bad.as_uri())
    problems = _layout_problems(browser)
    assert [table["overflow"] for table in problems["wide"]] == [300]
    assert problems["commentOnly"] == ["# install cell placeholder\n\n#   another comment"]
    assert [image["alt"] for image in problems["badAlt"]] == ["../_images/c70d0123abcd.png"]
    assert len(_layout_report("bad", problems)) == 3

    for alt in (None, "", "figure.png", _PIXEL):
        page = _synthetic_page(tmp_path, "alt", 500, "x = 1", alt)
        browser.get(page.as_uri())
        assert len(_layout_problems(browser)["badAlt"]) == 1, f"alt text {alt!r} passed"

    empty_cell = _synthetic_page(tmp_path, "empty", 500, "", "A line chart of the loss")
    browser.get(empty_cell.as_uri())
    assert len(_layout_problems(browser)["commentOnly"]) == 1


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


# ---------------------------------------------------------------- the Chinese edition (make book-zh)

_ZH_FAILURE = []


@pytest.fixture(scope="session")
def zh_site(site):
    """The Chinese edition's HTML: rebuilt (``make book-zh``'s build) unless newer than every source.

    It asks for the English site first, whose rebuild clears ``_build``.
    """
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
def test_chinese_page_reads_at_laptop_width(zh_site, browser, page):
    browser.get(_page_file(zh_site, page).as_uri())
    problems = _layout_report(page, _layout_problems(browser))
    assert not problems, "\n".join(problems)
