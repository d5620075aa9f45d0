"""Link the PDF edition from every page's download menu.

sphinx-book-theme's download menu offers the page's source and "Print to PDF" (the browser's print of one
page). This extension adds the whole book as a PDF, ``choosing-loss-functions.pdf`` at the site's root, which
``make pdf`` builds and copies into ``_build/html`` (the publish workflow runs ``make book`` then ``make pdf``).
It runs after the theme has built the menu (priority 502 > the theme's 501).
"""

PDF_NAME = "choosing-loss-functions.pdf"


def add_pdf_button(app, pagename, templatename, context, doctree):
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].append({
                "type": "link",
                "url": context["pathto"](PDF_NAME, 1),
                "text": "book .pdf",
                "tooltip": "Download the whole book as a PDF",
                "icon": "fas fa-book",
                "label": "download-book-pdf-button",
            })


def setup(app):
    app.connect("html-page-context", add_pdf_button, priority=502)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
