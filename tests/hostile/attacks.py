"""Ways a guidance source can try to read a file from outside the project.

Each attack takes the project and a secret file outside it (``secret.txt``, with a PNG,
an SVG and a CSV of the same secret beside it) and changes the project so that a build
without a sandbox would publish the secret. The single tests and the property test both
use them; ``SECRET`` is the token that must never appear in any output.
"""

from __future__ import annotations

import os
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

SECRET = "TOKEN-7f3a91c4-outside-the-project"  # noqa: S105 (a marker, not a password)


def png_with_secret() -> bytes:
    """A 1x1 PNG whose tEXt chunk holds the secret: a copied image leaks it byte for byte."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", b"Comment\x00" + SECRET.encode())
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def make_secrets(folder: Path) -> Path:
    """The secret files outside the project; returns the folder holding them."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "secret.txt").write_text(f"{SECRET}\n")
    (folder / "secret.rst").write_text(f"Secret page\n===========\n\n{SECRET}\n")
    (folder / "secret.csv").write_text(f"a,b\n{SECRET},1\n")
    (folder / "secret.css").write_text(f'body::after {{ content: "{SECRET}"; }}\n')
    (folder / "secret.png").write_bytes(png_with_secret())
    (folder / "secret.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        f"<text>{SECRET}</text></svg>"
    )
    (folder / "tree").mkdir(exist_ok=True)
    (folder / "tree" / "leak.rst").write_text(f"Leak\n====\n\n{SECRET}\n")
    return folder


def chapter(project: Path) -> Path:
    return project / "guidance" / "second.rst"


def append(project: Path, text: str) -> tuple[Path, int]:
    """Add ``text`` to the second chapter; returns the file and the line it starts at."""
    path = chapter(project)
    before = path.read_text()
    path.write_text(before + "\n" + text + "\n")
    return path, len(before.splitlines()) + 2


def rel(target: Path, start: Path) -> str:
    return os.path.relpath(target, start)


Attack = Callable[[Path, Path], None]


def include_stdlib_form(project: Path, secrets: Path) -> None:
    import docutils.parsers.rst

    standard = Path(docutils.parsers.rst.__file__).parent / "include"
    append(project, f".. include:: <{rel(secrets / 'secret.txt', standard)}>")


def include_relative(project: Path, secrets: Path) -> None:
    append(project, f".. include:: {rel(secrets / 'secret.txt', chapter(project).parent)}")


def download_role(project: Path, secrets: Path) -> None:
    target = rel(secrets / "secret.txt", chapter(project).parent)
    append(project, f"Get :download:`the file <{target}>`.")


def csv_table_absolute(project: Path, secrets: Path) -> None:
    append(project, f".. csv-table:: Data\n   :file: {secrets / 'secret.csv'}\n")


def symlinked_rst(project: Path, secrets: Path) -> None:
    (project / "guidance" / "leak.rst").symlink_to(secrets / "secret.rst")
    append(project, ".. toctree::\n   :hidden:\n\n   leak")


def symlinked_folder(project: Path, secrets: Path) -> None:
    (project / "guidance" / "more").symlink_to(secrets / "tree", target_is_directory=True)
    append(project, ".. toctree::\n   :hidden:\n\n   more/leak")


def glob_image_symlink(project: Path, secrets: Path) -> None:
    pictures = project / "guidance" / "pictures"
    pictures.mkdir()
    (pictures / "pic.png").symlink_to(secrets / "secret.png")
    append(project, ".. image:: pictures/pic.*\n   :alt: A picture")


def literalinclude(project: Path, secrets: Path) -> None:
    target = rel(secrets / "secret.txt", chapter(project).parent)
    append(project, f".. literalinclude:: {target}")


def svg_external_reference(project: Path, secrets: Path) -> None:
    (project / "guidance" / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="20" height="20"><image xlink:href="file://{secrets / "secret.svg"}" '
        'width="20" height="20"/></svg>'
    )
    append(project, ".. image:: evil.svg\n   :alt: A drawing")


def css_import(project: Path, secrets: Path) -> None:
    append(
        project,
        f'.. raw:: html\n\n   <style>@import url("file://{secrets / "secret.css"}");</style>',
    )


def raw_html_file(project: Path, secrets: Path) -> None:
    target = rel(secrets / "secret.txt", chapter(project).parent)
    append(project, f".. raw:: html\n   :file: {target}\n")


def figure_relative(project: Path, secrets: Path) -> None:
    target = rel(secrets / "secret.png", chapter(project).parent)
    append(project, f".. figure:: {target}\n   :alt: A figure\n\n   The caption.")


def theme_static_symlink(project: Path, secrets: Path) -> None:
    # The project's override of the site theme's static files (copied into _static/).
    static = project / "templates" / "guidebuild" / "static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "extra.css").symlink_to(secrets / "secret.css")


def hard_link(project: Path, secrets: Path) -> None:
    os.link(secrets / "secret.txt", project / "guidance" / "notes.txt")
    append(project, ".. literalinclude:: notes.txt")


def fifo_source(project: Path, secrets: Path) -> None:
    os.mkfifo(project / "guidance" / "pipe.rst")


def dev_zero_source(project: Path, secrets: Path) -> None:
    (project / "guidance" / "zero.rst").symlink_to("/dev/zero")


def raw_remote_image(project: Path, secrets: Path) -> None:
    append(project, '.. raw:: html\n\n   <img src="http://127.0.0.1:9/pixel.png" alt="">')


ALL: dict[str, Attack] = {
    attack.__name__: attack
    for attack in (
        include_stdlib_form,
        include_relative,
        download_role,
        csv_table_absolute,
        symlinked_rst,
        symlinked_folder,
        glob_image_symlink,
        literalinclude,
        svg_external_reference,
        css_import,
        raw_html_file,
        figure_relative,
        theme_static_symlink,
        hard_link,
        fifo_source,
        dev_zero_source,
        raw_remote_image,
    )
}
"""Every attack, by name."""
SPECIAL = ("fifo_source", "dev_zero_source")
"""The attacks that make an unbounded reader hang rather than leak."""


def leaked(out: Path) -> list[Path]:
    """Every file below ``out`` whose bytes hold the secret (PDF streams uncompressed)."""
    found = []
    for path in sorted(out.rglob("*")):
        if path.is_symlink():
            # The build publishes by swapping links to versioned folders inside ``out``;
            # a link anywhere else is what an attack would leave.
            if not path.resolve().is_relative_to(out.resolve()):
                found.append(path)
            continue
        if not path.is_file():
            continue
        data = path.read_bytes()
        if SECRET.encode() in data or (path.suffix == ".pdf" and _pdf_holds(path)):
            found.append(path)
    return found


def _pdf_holds(path: Path) -> bool:
    """Whether any stream of the PDF, inflated, holds the secret."""
    data = path.read_bytes()
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        try:
            inflated = zlib.decompressobj().decompress(match[1], 50_000_000)
        except zlib.error:
            continue
        if SECRET.encode() in inflated:
            return True
    return False


def conf_extra_path(project: Path, secrets: Path) -> None:
    """conf.py's html_extra_path naming a folder outside the project."""
    with (project / "conf.py").open("a") as conf:
        conf.write(f"\nhtml_extra_path = [{str(secrets / 'tree')!r}]\n")


def conf_intersphinx(project: Path, secrets: Path) -> None:
    """conf.py asking intersphinx for an inventory on the network."""
    with (project / "conf.py").open("a") as conf:
        conf.write(
            '\nextensions = [*extensions, "sphinx.ext.intersphinx"]\n'
            'intersphinx_mapping = {"py": ("http://127.0.0.1:9/", None)}\n'
        )


CONF_ATTACKS: dict[str, Attack] = {a.__name__: a for a in (conf_extra_path, conf_intersphinx)}
"""Settings in conf.py (trusted code) that would still reach outside: refused as well."""
