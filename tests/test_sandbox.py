"""Nothing the build does reaches the network or reads files outside the project."""

from __future__ import annotations

import http.server
import os
import re
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from guidebuild.resources import PRINT_THEME, theme_dir
from tests.conftest import run_cli, tree_digest


def print_css_override(project: Path) -> Path:
    """The project's own copy of the print theme's stylesheet, which replaces the package's."""
    css = project / "templates" / PRINT_THEME / "static" / "print.css"
    css.parent.mkdir(parents=True)
    css.write_text((theme_dir(PRINT_THEME) / "static" / "print.css").read_text())
    return css


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []  # noqa: RUF012 (shared on purpose: the test reads it)

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/svg+xml")
        self.end_headers()
        self.wfile.write(b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[tuple[str, list[str]]]:
    _CountingHandler.requests = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", _CountingHandler.requests
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def opened_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every file:// URL that urllib (WeasyPrint's fetcher) opens during the test."""
    opened: list[str] = []
    original = urllib.request.FileHandler.file_open

    def spy(self: urllib.request.FileHandler, req: urllib.request.Request) -> Any:
        opened.append(req.full_url)
        return original(self, req)

    monkeypatch.setattr(urllib.request.FileHandler, "file_open", spy)
    return opened


def add_raw_html(project: Path, html: str) -> tuple[Path, int]:
    chapter = project / "guidance" / "second.rst"
    text = chapter.read_text() + "\n.. raw:: html\n\n   " + html + "\n"
    chapter.write_text(text)
    return chapter, len(text.splitlines())


def test_attachment_outside_the_project_is_refused(
    make_project, tmp_path: Path, opened_files: list[str]
) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    project = make_project("tiny")
    chapter, line = add_raw_html(
        project, f'<a rel="attachment" href="file://{secret}">the secret</a>'
    )
    # One process, so that the spy sees what WeasyPrint opens.
    result = run_cli(project, "build", "-q", "--jobs", "1")
    assert result.exit_code == 1
    assert result.output == (
        "Error: the PDF asks for files outside the project or on the network, "
        "which guidebuild never reads\n"
        f"  {chapter}:{line}: names file://{secret}\n"
    )
    assert not any(str(secret) in url for url in opened_files)
    # The spy sees what the PDF does read: the figure inside the project.
    assert any(url.endswith("diagram.svg") for url in opened_files)
    assert not (project / "_build" / "pdf").exists()


def test_image_from_a_local_server_is_never_requested(
    make_project, local_server: tuple[str, list[str]]
) -> None:  # type: ignore[no-untyped-def]
    base, requests = local_server
    project = make_project("tiny")
    url = f"{base}/pixel.svg"
    chapter, line = add_raw_html(project, f'<img src="{url}" alt="A pixel">')
    result = run_cli(project, "build", "-q")
    assert result.exit_code == 1
    assert f"  {chapter}:{line}: names {url}\n" in result.output
    assert requests == []
    # The server does answer: a request from the test itself is counted.
    with urllib.request.urlopen(url) as response:  # noqa: S310 (our own loopback server)
        assert response.status == 200
    assert requests == ["/pixel.svg"]


def test_stylesheet_from_the_network_is_refused(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    css = print_css_override(project)
    css.write_text('@import url("https://fonts.example.com/font.css");\n' + css.read_text())
    result = run_cli(project, "build", "-q")
    assert result.exit_code == 1
    assert f"  {css}:1: names https://fonts.example.com/font.css\n" in result.output


def test_a_refused_pdf_resource_leaves_the_old_output(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    assert run_cli(project, "build", "-q").exit_code == 0
    before = tree_digest(project / "_build")
    add_raw_html(project, '<a rel="attachment" href="file:///etc/hostname">host</a>')
    assert run_cli(project, "build", "-q").exit_code == 1
    assert tree_digest(project / "_build") == before


OUTSIDE_DIRECTIVES = {
    "include": ".. include:: {path}",
    "literalinclude": ".. literalinclude:: {path}",
    "csv-table file": ".. csv-table:: Data\n   :file: {path}",
    "raw file": ".. raw:: html\n   :file: {path}",
    "image": ".. image:: {path}\n   :alt: Secret",
    "figure": ".. figure:: {path}\n   :alt: Secret",
}


@pytest.mark.parametrize("name", sorted(OUTSIDE_DIRECTIVES))
def test_directives_cannot_read_outside_the_project(
    make_project, tmp_path: Path, name: str
) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.txt"
    secret.write_text("top,secret\n")
    project = make_project("tiny")
    chapter = project / "guidance" / "second.rst"
    # Sphinx reads "/x" as relative to the sources, so the way out is "../..".
    relative = os.path.relpath(secret, chapter.parent)
    text = chapter.read_text() + "\n" + OUTSIDE_DIRECTIVES[name].format(path=relative) + "\n"
    chapter.write_text(text)
    line = len(chapter.read_text().splitlines()) - OUTSIDE_DIRECTIVES[name].count("\n")
    result = run_cli(project, "build", "-q", "--no-pdf")
    assert result.exit_code == 1
    assert (
        f"  {chapter}:{line}: guidebuild refuses to read {relative}: outside the project"
        in result.output
    )
    assert not (project / "_build" / "html").exists()
    leaked = [
        p
        for p in (project / "_build").rglob("*")
        if p.is_file() and b"top,secret" in p.read_bytes()
    ]
    assert leaked == []


@pytest.mark.parametrize(
    "directive",
    [
        ".. csv-table:: Data\n   :url: {base}/data.csv",
        ".. raw:: html\n   :url: {base}/page.html",
        ".. image:: {base}/pixel.svg\n   :alt: A pixel",
    ],
)
def test_directives_cannot_fetch_urls(
    make_project, local_server: tuple[str, list[str]], directive: str
) -> None:  # type: ignore[no-untyped-def]
    base, requests = local_server
    project = make_project("tiny")
    chapter = project / "guidance" / "second.rst"
    chapter.write_text(chapter.read_text() + "\n" + directive.format(base=base) + "\n")
    result = run_cli(project, "build", "-q", "--no-pdf")
    assert result.exit_code == 1
    assert f"guidebuild refuses to read {base}/" in result.output
    assert requests == []


def test_directives_inside_the_project_still_work(make_project) -> None:  # type: ignore[no-untyped-def]
    project = make_project("tiny")
    (project / "guidance" / "data.csv").write_text("Word,Meaning\nmentee,the one helped\n")
    (project / "guidance" / "snippet.txt").write_text("Included words.\n")
    (project / "extra.txt").write_text("From the project root.\n")
    chapter = project / "guidance" / "second.rst"
    chapter.write_text(
        chapter.read_text()
        + "\n.. include:: snippet.txt\n"
        + "\n.. literalinclude:: ../extra.txt\n"
        + "\n.. csv-table:: Data\n   :file: data.csv\n   :header-rows: 1\n"
    )
    result = run_cli(project, "build", "-q", "--no-pdf")
    assert result.exit_code == 0, result.output
    page = re.sub(r"<[^>]+>", "", (project / "_build" / "html" / "second.html").read_text())
    for text in ("Included words.", "From the project root.", "the one helped"):
        assert text in page


@pytest.mark.parametrize("form", ["absolute", "relative"])
def test_css_url_outside_the_project_is_refused(make_project, tmp_path: Path, form: str) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    project = make_project("tiny")
    css = print_css_override(project)
    # The stylesheet is read from the single page's _static folder in the cache.
    served = project / "_build" / ".cache" / "singlehtml" / "_static"
    url = f"file://{secret}" if form == "absolute" else os.path.relpath(secret, served)
    css.write_text(css.read_text() + f'\nbody {{ background: url("{url}"); }}\n')
    result = run_cli(project, "build", "-q", "--jobs", "1")
    assert result.exit_code == 1
    assert f"names file://{secret}" in result.output or f"names {url}" in result.output
    assert not (project / "_build" / "pdf").exists()
