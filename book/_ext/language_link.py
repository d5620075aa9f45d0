"""A link on every page to the same page in the book's other language.

The English edition is built into ``_build/html`` and the Chinese one into ``_build/html/zh_CN`` (``make book-zh``
copies it there), so the two editions deploy as one static site. Every page's header gets a button (the template
``book/_templates/language-switch.html``, styled by ``book/_static/language-switch.css``, placed before the theme's
own header buttons in the same row) that points to the page of
the same name in the other edition: ``book/x.html`` links to ``zh_CN/book/x.html`` and back.
"""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "_templates"
STATIC = Path(__file__).resolve().parents[1] / "_static"
OTHER = {  # language of the edition being built -> the other edition's folder (from the site root), label, language
    "zh_CN": ("..", "English", "en", "Read this page in English"),
    "en": ("zh_CN", "中文", "zh-CN", "阅读本页的中文版"),
}


def language_href(pagename, language):
    """The relative address of ``pagename`` in the other edition, seen from ``pagename`` in ``language``'s edition.

    >>> language_href("book/information", "en")
    '../zh_CN/book/information.html'
    >>> language_href("book/information", "zh_CN")
    '../../book/information.html'
    >>> language_href("index", "en")
    'zh_CN/index.html'
    """
    folder = OTHER[language if language in OTHER else "en"][0]
    up = "../" * pagename.count("/")
    return f"{up}{folder}/{pagename}.html"


def _configure(app, config):
    config.templates_path = [*config.templates_path, str(TEMPLATES)]
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    options = dict(config.html_theme_options or {})
    buttons = options.get("article_header_end", ["article-header-buttons.html"])
    if isinstance(buttons, str):
        buttons = [name.strip() for name in buttons.split(",")]
    if "language-switch.html" not in buttons:
        options["article_header_end"] = ["language-switch.html", *buttons]
    config.html_theme_options = options


def _page_context(app, pagename, templatename, context, doctree):
    language = app.config.language or "en"
    _, label, hreflang, title = OTHER[language if language in OTHER else "en"]
    context["language_link"] = {"href": language_href(pagename, language), "label": label, "hreflang": hreflang,
                                "title": title}


def setup(app):
    app.add_css_file("language-switch.css")
    app.connect("config-inited", _configure)
    app.connect("html-page-context", _page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
