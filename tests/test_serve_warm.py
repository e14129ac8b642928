"""``guidebuild serve``: the warm loop gives what a clean build gives; only loopback Hosts.

Issue 14 (the warm editing loop, its correctness) and issue 10 (the Host check and odd
paths).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from guidebuild.serve import Generation, allowed_host, serving
from tests.conftest import run_cli, tree_digest
from tests.test_incremental import theme_override
from tests.test_serve import read_until


@pytest.fixture
def server(tmp_path: Path) -> Iterator[int]:
    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    (site / "index.html").write_text("<html><body>home</body></html>")
    (site / "sub" / "page.html").write_text("<html><body>sub</body></html>")
    (site / ".cache").mkdir()
    (site / ".cache" / "secret").write_text("not for readers")
    with serving(site, 0, Generation()) as running:
        yield int(running.server_address[1])


def get(port: int, path: str, host: str | None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
    if host is not None:
        connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def test_only_loopback_hosts_at_its_own_port_are_answered(server: int) -> None:
    for host in (f"127.0.0.1:{server}", f"localhost:{server}", f"LOCALHOST:{server}"):
        assert get(server, "/", host) == (200, get(server, "/", f"127.0.0.1:{server}")[1])
    assert get(server, "/sub/page.html", f"[::1]:{server}")[0] == 200
    for host in (
        "evil.example",
        f"evil.example:{server}",
        "127.0.0.1",  # no port
        f"127.0.0.1:{server + 1}",
        f"localhost.evil.example:{server}",
        f"127.0.0.1.nip.io:{server}",
        "",
        None,
    ):
        status, body = get(server, "/", host)
        assert status == 400, host
        assert b"home" not in body


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/%00", 400),
        ("/index.html%00.png", 400),
        ("/" + "a" * 8000, 414),
        ("/../../etc/passwd", 400),
        ("/sub/../index.html", 400),
        ("/%2e%2e/%2e%2e/etc/passwd", 400),
        ("/sub%2Fpage.html", 400),
        ("/sub%5cpage.html", 400),
        ("/%ff%fe", 400),
        ("/.cache/secret", 404),
        ("/no-such-page.html", 404),
        ("/sub/page.html?x=%00", 200),
    ],
)
def test_odd_paths_get_a_4xx_never_a_traceback(
    server: int, path: str, status: int, capfd: pytest.CaptureFixture[str]
) -> None:
    got, body = get(server, path, f"127.0.0.1:{server}")
    assert got == status
    assert b"not for readers" not in body
    assert "Traceback" not in capfd.readouterr().err


def test_allowed_host_parses_ports_and_ipv6() -> None:
    assert allowed_host("[::1]:8000", 8000)
    assert not allowed_host("::1:8000", 8000)
    assert not allowed_host("[::1]", 8000)
    assert not allowed_host("127.0.0.1:08000x", 8000)


def wait_for(check: object, what: str, limit: float = 300) -> None:
    deadline = time.monotonic() + limit
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.mark.slow
def test_a_scripted_edit_sequence_serves_what_a_clean_build_makes(  # type: ignore[no-untyped-def]
    make_project, tmp_path: Path
) -> None:
    project: Path = make_project("tiny")
    css = theme_override(project)  # before serve starts, so templates/ is watched
    process = subprocess.Popen(
        [sys.executable, "-m", "guidebuild", "serve", "--port", "0"],
        cwd=project,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert process.stderr is not None
    lines: list[str] = []
    url = read_until(process.stderr, r"on (http://127\.0\.0\.1:(\d+)/)", 120)
    port = int(url[2])

    def collect() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)

    collector = threading.Thread(target=collect, daemon=True)
    collector.start()

    def page(name: str) -> str:
        status, body = get(port, f"/{name}", f"127.0.0.1:{port}")
        return body.decode() if status == 200 else ""

    chapter = project / "guidance" / "second.rst"
    first = project / "guidance" / "first.rst"
    original = chapter.read_text()
    try:
        # 1. A paragraph added, with a word that will go again.
        chapter.write_text(original + "\nZanzibarian quokkas visit.\n")
        wait_for(lambda: "Zanzibarian quokkas" in page("second.html"), "the first edit")
        # 2. A broken edit: the last good site stays up, and the error is shown.
        chapter.write_text(original + "\nZanzibarian quokkas visit.\n\nSee :rec:`nowhere`.\n")
        wait_for(
            lambda: any("unknown recommendation 'nowhere'" in line for line in lines),
            "the broken edit's error",
        )
        assert "Zanzibarian quokkas" in page("second.html")
        # 3. Fixed, with the word gone; another page edited in the same save.
        chapter.write_text(original + "\nA fixed paragraph.\n")
        first.write_text(first.read_text() + "\nWombats too.\n")
        wait_for(lambda: "A fixed paragraph." in page("second.html"), "the fix")
        wait_for(lambda: "Wombats too." in page("first.html"), "the second page")
        # 4. A theme edit: a fresh application.
        css.write_text(css.read_text() + "\n/* warm edit */\n")
        wait_for(lambda: "warm edit" in page(f"_static/{css.name}"), "the theme edit")

        clean_site, clean_pdf = tmp_path / "clean-site", tmp_path / "clean-pdf"
        assert run_cli(project, "build", "-q", "--no-pdf", "--out", str(clean_site)).exit_code == 0
        assert run_cli(project, "build", "-q", "--no-html", "--out", str(clean_pdf)).exit_code == 0
        # The theme edit rewrites every page, one file at a time: the served site may be
        # part-way through that publication when the clean builds finish, so wait for it
        # to settle, then compare (a site that never settles fails with the difference).
        clean = tree_digest(clean_site / "html")
        with contextlib.suppress(AssertionError):
            wait_for(
                lambda: tree_digest(project / "_build" / "serve" / "html") == clean,
                "the served site to equal a clean build",
                limit=120,
            )
        served = tree_digest(project / "_build" / "serve" / "html")
        assert "zanzibarian" not in served["searchindex.js"].decode()
        assert served == clean
        # The PDF is rendered after the site: it may trail it for a while, never be wrong.
        name = "tiny-guidance.pdf"
        served_pdf = project / "_build" / "serve-pdf" / "pdf" / name
        wanted = (clean_pdf / "pdf" / name).read_bytes()
        wait_for(
            lambda: served_pdf.is_file() and served_pdf.read_bytes() == wanted,
            "the PDF of the last edit",
        )
    except BaseException as error:
        error.add_note("".join(lines))
        raise
    finally:
        process.terminate()
        process.wait(timeout=60)
        collector.join(timeout=30)
        process.stderr.close()
    assert "Traceback" not in "".join(lines)


@pytest.mark.slow
def test_the_pdf_worker_merges_requests_and_is_never_more_than_one_behind(  # type: ignore[no-untyped-def]
    make_project, tmp_path: Path
) -> None:
    from guidebuild.progress import Progress
    from guidebuild.serve import PdfWorker

    project: Path = make_project("tiny")
    said: list[str] = []
    progress = Progress.for_stream(sys.stderr, quiet=True)
    progress.say = said.append  # type: ignore[method-assign]
    worker = PdfWorker(project, progress)
    try:
        chapter = project / "guidance" / "second.rst"
        for number in range(6):
            chapter.write_text(chapter.read_text() + f"\nEdit number {number}.\n")
            worker.request(fresh=number == 0)
        # The first request starts a render; the other five, sent while it runs or
        # before it starts, are merged into at most one more.
        with worker.done:
            assert worker.done.wait_for(lambda: worker.answered == worker.sent == 6, timeout=300)
        assert 1 <= worker.renders <= 2, said
    finally:
        worker.stop()
    clean = tmp_path / "clean"
    assert run_cli(project, "build", "-q", "--no-html", "--out", str(clean)).exit_code == 0
    name = "tiny-guidance.pdf"
    served = project / "_build" / "serve-pdf" / "pdf" / name
    assert served.read_bytes() == (clean / "pdf" / name).read_bytes()


def test_an_edit_reuses_the_application_and_publishes_only_what_changed(  # type: ignore[no-untyped-def]
    make_project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import guidebuild.build.pipeline
    from guidebuild.serve import SiteBuilder

    # The tiny project has no checklists: the framework check is given a note to say.
    monkeypatch.setattr(
        guidebuild.build.pipeline, "check_frameworks", lambda *_: ["checked by no item: x"]
    )
    project: Path = make_project("tiny")
    builder = SiteBuilder(project)
    try:
        published, said = builder.build()
        assert published > 10
        app = builder.sphinx._app
        site = builder.site
        before = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
        chapter = project / "guidance" / "second.rst"
        chapter.write_text(chapter.read_text() + "\nOne paragraph more.\n")
        published, said_again = builder.build([chapter])
        assert builder.sphinx._app is app, "a new Sphinx application for a chapter edit"
        # The framework check's notes are said once, not after every edit.
        assert "checked by no item: x" in said
        assert "checked by no item: x" not in said_again
        touched = {p.name for p, mtime in before.items() if p.stat().st_mtime_ns != mtime}
        assert touched == {"second.html", "searchindex.js", "gb-search-text.js"}
        assert published == 3
        # The search page's text is made from the doctree read after the edit.
        assert "One paragraph more." in (site / "_static" / "gb-search-text.js").read_text()
        # Nothing changed: nothing published (and the browser is not reloaded).
        assert builder.build([chapter])[0] == 0
        # A theme edit is not a chapter edit: a fresh application.
        css = theme_override(project)
        css.write_text(css.read_text() + "\n/* x */\n")
        builder.build([css])
        assert builder.sphinx._app is not app
    finally:
        builder.close()


def test_a_warm_single_page_shows_the_edit(make_project) -> None:  # type: ignore[no-untyped-def]
    # What serve's PDF worker renders: Sphinx keeps the doctrees it loaded for the life of
    # its environment, and assembled the single page from those before the edit.
    from guidebuild.build.pipeline import pdf_overrides
    from guidebuild.build.sphinx import WarmSphinx

    project: Path = make_project("tiny")
    cache = project / "_build" / "warm"
    sphinx = WarmSphinx(
        srcdir=project / "guidance",
        confdir=project,
        outdir=cache / "singlehtml",
        doctreedir=cache / "doctrees",
        builder="singlehtml",
        overrides=pdf_overrides({"guidebuild_draft": False}),
    )
    try:
        sphinx.build(fresh=True)
        chapter = project / "guidance" / "second.rst"
        chapter.write_text(chapter.read_text() + "\nA paragraph about zebras.\n")
        sphinx.build()
        assert "A paragraph about zebras." in (cache / "singlehtml" / "index.html").read_text()
    finally:
        sphinx.close()


def test_edits_the_watcher_could_not_see_are_found_by_their_bytes(tmp_path: Path) -> None:
    from guidebuild.serve import changed_files, contents

    (tmp_path / "guidance").mkdir()
    kept, edited, removed, conf = (
        tmp_path / "guidance" / "kept.rst",
        tmp_path / "guidance" / "edited.rst",
        tmp_path / "guidance" / "removed.rst",
        tmp_path / "conf.py",
    )
    for path in (kept, edited, removed, conf):
        path.write_text("x")
    watched = [tmp_path / "guidance", conf, tmp_path / "gone"]
    before = contents(watched)
    kept.write_text("x")  # saved again, the same: a copy or checkout just before serve
    edited.write_text("y")
    removed.unlink()
    added = tmp_path / "guidance" / "added.rst"
    added.write_text("x")
    assert changed_files(watched, before) == sorted([edited, removed, added])
    assert changed_files(watched, contents(watched)) == []


def test_the_catch_up_never_opens_a_fifo_or_follows_a_link_out_of_the_project(
    tmp_path: Path,
) -> None:
    from guidebuild.serve import changed_files, contents

    guidance = tmp_path / "project" / "guidance"
    guidance.mkdir(parents=True)
    os.mkfifo(guidance / "fifo.rst")  # opened, it would hang serve at start
    outside = tmp_path / "secret.txt"
    outside.write_text("not the project's")
    (guidance / "link.rst").symlink_to(outside)
    before = contents([guidance])
    assert sorted(before) == [guidance / "link.rst"]
    outside.write_text("changed, but never read")
    assert changed_files([guidance], before) == []
    (guidance / "link.rst").unlink()
    (guidance / "link.rst").symlink_to(tmp_path / "elsewhere.txt")
    assert changed_files([guidance], before) == [guidance / "link.rst"]
