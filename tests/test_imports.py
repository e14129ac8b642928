"""One-way imports: no part of guidebuild imports a part that imports it back.

The graph is read from the source (every import, also those inside functions, which run
later but are dependencies all the same; ``if TYPE_CHECKING:`` imports too). Parts are
the packages (``guidebuild.forms``) and top-level modules (``guidebuild.fields``); a second
check looks at single modules, so that a package's ``__init__`` and its modules do not
import each other either.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import guidebuild

SRC = Path(guidebuild.__file__).parent
PACKAGES = sorted(p.parent.name for p in SRC.glob("*/__init__.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in SRC.rglob("*.py")}


def imported(path: Path) -> set[str]:
    """The guidebuild modules ``path`` imports (a name imported from a package counts as
    its submodule when there is one)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("guidebuild."))
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").startswith("guidebuild")
        ):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else str(node.module))
    return found & MODULES.keys()


def part(module: str) -> str:
    return ".".join(module.split(".")[:2])


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


MODULE_GRAPH = {name: imported(path) - {name} for name, path in MODULES.items()}


def test_the_parts_import_one_way() -> None:
    graph: dict[str, set[str]] = {}
    for name, targets in MODULE_GRAPH.items():
        graph.setdefault(part(name), set()).update(
            part(t) for t in targets if part(t) != part(name)
        )
    assert len(graph) > 10  # the graph was really read
    assert graph["guidebuild.build"] >= {"guidebuild.forms", "guidebuild.sphinxext"}
    assert cycles(graph) == []


def test_no_module_imports_one_that_imports_it_back() -> None:
    # The package itself (guidebuild/__init__) holds only the version: everything may use it.
    graph = {n: {t for t in ts if t != "guidebuild"} for n, ts in MODULE_GRAPH.items()}
    assert cycles(graph) == []


def test_the_checker_sees_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_imports_alone(package: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import guidebuild.{package}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
