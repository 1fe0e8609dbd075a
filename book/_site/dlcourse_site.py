"""Sphinx extension for the dlcourse book (loaded through ``local_extensions`` in _config.yml).

- ``{repo}`path``` links a file of the repository at the address set once in _config.yml
  (``repository: url``). While that address is still the placeholder, it shows the path without
  a link, and the repository and launch buttons are left out: they would lead nowhere.
- Adds the book's stylesheet (``static/dlcourse.css``: wide equations scroll), and gives the
  theme a default colour mode (without one a reader's first visit logs a console error).
- Fixes the scripts of every page. Sphinx 7.4 adds a script that an extension registers after
  the HTML builder started (sphinx-thebe's ``const THEBE_JS_URL = ...`` and sphinx-togglebutton's
  selector) twice: once when it is registered (file name ``None``) and once more from the
  registry when writing starts (file name ``""``), and its duplicate check tells the two apart.
  Declaring the ``const`` twice is a JavaScript error on every page. Each script is kept once;
  and with live code off (``launch_buttons: thebe: false``) sphinx-thebe's scripts and
  stylesheet, which Jupyter Book always loads, are left out altogether.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes

PLACEHOLDER_REPOSITORY = "https://github.com/YOUR-ORG/dlcourse"
STATIC = Path(__file__).parent / "static"


def repository_is_set(url: str | None) -> bool:
    """True when _config.yml names a real repository rather than the placeholder."""
    url = (url or "").strip().rstrip("/")
    return bool(url) and url != PLACEHOLDER_REPOSITORY and "YOUR-ORG" not in url


def repository_file_url(url: str, branch: str, path: str) -> str:
    """The web address of ``path`` (relative to the repository root) on ``branch``."""
    return f"{url.strip().rstrip('/')}/blob/{branch or 'main'}/{path.lstrip('/')}"


def _configure(app, config):
    options = config.html_theme_options
    if not repository_is_set(options.get("repository_url")):
        # Nothing to point at: no repository/edit/issues button, no Binder/JupyterHub launch.
        for button in ("use_repository_button", "use_edit_page_button", "use_issues_button"):
            options[button] = False
        options.pop("repository_url", None)
        options["launch_buttons"] = {}
    # The theme reads the reader's light/dark choice from localStorage and falls back to this
    # default; without one, a first visit logs "Got invalid theme mode" as a console error.
    config.html_context.setdefault("default_mode", "auto")
    config.html_static_path.append(str(STATIC))
    app.add_css_file("dlcourse.css")


def repo_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    config = inliner.document.settings.env.config
    theme = config.html_theme_options
    path = text.strip()
    literal = nodes.literal(path, path)
    if not repository_is_set(theme.get("repository_url")):
        return [literal], []
    url = repository_file_url(theme["repository_url"], theme.get("repository_branch", ""), path)
    return [nodes.reference(rawtext, "", literal, refuri=url)], []


def _live_code_is_off(app) -> bool:
    launch = app.config.html_theme_options.get("launch_buttons") or {}
    return not launch.get("thebe")


def _is_thebe(asset) -> bool:
    return ("thebe" in (asset.filename or "")
            or "THEBE_JS_URL" in asset.attributes.get("body", ""))


def _fix_page_assets(app, pagename, templatename, context, doctree):
    drop_thebe = _live_code_is_off(app)
    for key in ("script_files", "css_files"):
        kept, seen = [], set()
        for asset in context.get(key) or []:
            attributes = tuple(sorted(asset.attributes.items()))
            identity = (asset.filename or "", asset.priority, attributes)
            if identity in seen or (drop_thebe and _is_thebe(asset)):
                continue
            seen.add(identity)
            kept.append(asset)
        context[key] = kept


def setup(app):
    app.connect("config-inited", _configure)
    app.add_role("repo", repo_role)
    app.connect("html-page-context", _fix_page_assets, priority=1000)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
