"""The house rules that keep the layers apart, checked on the source itself."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "skillcheck"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The skillcheck modules a file imports anywhere (in functions too), not for typing."""
    found: set[str] = set()
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # `from skillcheck.tui import app` imports the module skillcheck.tui.app
                if f"{base}.{alias.name}" in known:
                    found.add(f"{base}.{alias.name}")
                elif base in known:
                    found.add(base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(module_name(path))
    return found


def import_graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    known = set(files)
    return {name: imported_modules(path, known) for name, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return groups


def test_the_graph_sees_function_level_and_relative_imports() -> None:
    graph = import_graph()
    # cli imports these only inside its commands
    assert "skillcheck.tui.launch" in graph["skillcheck.cli.kiosk"]
    assert "skillcheck.validation" in graph["skillcheck.cli.content"]
    assert "skillcheck.digcomp" in graph["skillcheck.bank"]
    # and the cycle finder finds a planted cycle at depth three
    digcomp = graph["skillcheck.digcomp"] | {"skillcheck.cli.content"}
    planted = {**graph, "skillcheck.digcomp": digcomp}
    assert any("skillcheck.digcomp" in group for group in cycles(planted))


def test_no_import_cycle_outside_the_tui() -> None:
    outside = [
        group
        for group in cycles(import_graph())
        if any(not name.startswith("skillcheck.tui") for name in group)
    ]
    assert outside == []


def test_the_core_never_imports_textual() -> None:
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            forbidden = ("textual",) if path.name == "serve.py" else ("textual", "textual_serve")
            # serve.py is the one module pinned to textual-serve (its web server and page
            # script, which load no textual); the kiosk it starts is a separate process.
            assert not any(n.split(".")[0] in forbidden for n in names), path


def test_the_browser_server_loads_no_textual() -> None:
    import subprocess
    import sys

    code = "import sys, skillcheck.serve; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
