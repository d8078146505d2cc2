"""The layer table of DESIGN.md, enforced by reading every module's imports with ``ast``.

Every ``import x`` and ``from x import y`` counts, relative ones resolved, at the top of a module and inside
functions alike (a lazy import is still an arrow); only imports under ``if TYPE_CHECKING:`` are ignored.
Each rule is also checked against an injected violation, so a rule that stopped matching would be seen.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("studio", "pipelines", "timedtext")
HEAVY = ("torch", "diffusers", "transformers")
QT = ("PySide6", "shiboken6")


@dataclass(frozen=True)
class Import:
    target: str  # the full dotted name imported (for "from a.b import c": "a.b.c" and "a.b")
    line: int
    top_level: bool  # runs when the module is imported (not inside a function)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, is_package: bool = False) -> list[Import]:
    """Every import in ``source`` (the module ``module``), with relative imports resolved."""
    found: list[Import] = []
    package = module if is_package else module.rpartition(".")[0]

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for sub in child.orelse:
                    visit(sub, top)
                continue
            if isinstance(child, ast.Import):
                found.extend(Import(a.name, child.lineno, top) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (child.level - 1)] if child.level > 1 else anchor
                    base = ".".join([*anchor, base] if base else anchor)
                found.append(Import(base, child.lineno, top))
                found.extend(Import(f"{base}.{a.name}", child.lineno, top) for a in child.names if a.name != "*")
            visit(child, top and not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    visit(ast.parse(source), True)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _under(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def problems(module: str, imports: list[Import], path: Path | None = None) -> list[str]:
    """The layer rules a module breaks, one line each."""
    out: list[str] = []
    file_name = path.name if path is not None else module.rpartition(".")[2] + ".py"
    for imp in imports:
        t = imp.target
        where = f"{module}:{imp.line} imports {t}"
        if _under(module, "studio.model", "studio.edit", "studio.io"):
            if _under(t, *HEAVY, *QT):
                out.append(f"{where}: model/edit/io import neither Qt nor torch nor diffusers nor transformers")
            if _under(
                t,
                "pipelines",
                "studio.scheduler",
                "studio.render",
                "studio.produce",
                "studio.storyboard",
                "studio.gui",
                "studio.cli",
            ):
                out.append(f"{where}: model/edit/io import nothing above them")
            if _under(module, "studio.model") and _under(t, "studio") and not _under(t, "studio.model"):
                out.append(f"{where}: the model imports nothing of ours")
            if _under(module, "studio.edit") and _under(t, "studio.io"):
                out.append(f"{where}: edit imports only the model")
        if _under(module, "studio.render") and _under(
            t, "pipelines", "studio.scheduler", "studio.produce", "studio.storyboard", "studio.gui", "studio.cli"
        ):
            out.append(f"{where}: render imports no pipelines and nothing above it")
        if _under(module, "studio.scheduler") and _under(t, "studio") and not _under(t, "studio.scheduler"):
            out.append(f"{where}: the scheduler imports only pipelines' protocol and registry")
        if (
            _under(module, "studio.scheduler")
            and _under(t, "pipelines")
            and t != "pipelines"
            and not _under(t, "pipelines.base", "pipelines.registry")
        ):
            out.append(f"{where}: the scheduler reaches engines only through pipelines.registry")
        if _under(module, "studio.produce") and _under(
            t, "studio.render", "studio.storyboard", "studio.gui", "studio.cli", *HEAVY, *QT
        ):
            out.append(f"{where}: produce sits under render-free layers: model, edit, io, scheduler")
        if _under(module, "pipelines", "timedtext") and _under(t, "studio"):
            out.append(f"{where}: generators know nothing of the application")
        if _under(module, "timedtext") and _under(t, "pipelines"):
            out.append(f"{where}: timedtext is neutral: it imports nothing of ours")
        if (
            imp.top_level
            and _under(t, *HEAVY)
            and not (
                _under(module, "pipelines")
                and file_name.startswith("neural_")
                or _under(module, "pipelines.image_to_3d.nerf")
            )
        ):
            out.append(f"{where} at import time: only pipelines/*/neural_*.py and the NeRF import torch there")
        if _under(t, "studio.gui") and not (_under(module, "studio.gui") or module == "studio.cli.cmd_gui"):
            out.append(f"{where}: only the GUI and the CLI's gui command import the GUI")
        if _under(t, *QT) and not _under(module, "studio.gui"):
            out.append(f"{where}: only the GUI imports Qt")
    return out


def all_modules() -> list[tuple[str, Path]]:
    return [(module_name(p), p) for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]


def test_every_module_keeps_to_the_layer_table():
    found = []
    for module, path in all_modules():
        found += problems(
            module, imports_of(path.read_text(encoding="utf-8"), module, path.name == "__init__.py"), path
        )
    assert found == [], "\n".join(found)


def test_the_reader_sees_lazy_relative_and_from_imports():
    src = (
        "from . import changes\nfrom ..model import Clip\ndef f():\n    import torch\n    from PySide6 import QtCore\n"
    )
    names = {(i.target, i.top_level) for i in imports_of(src, "studio.edit.operations")}
    assert {
        ("studio.edit.changes", True),
        ("studio.model.Clip", True),
        ("torch", False),
        ("PySide6.QtCore", False),
    } <= names


INJECTED = [
    ("studio.model.entities", "import torch", "neither Qt nor torch"),
    ("studio.edit.operations", "from PySide6 import QtCore", "neither Qt nor torch"),
    ("studio.io.media", "def f():\n    from diffusers import DiffusionPipeline", "neither Qt nor torch"),
    ("studio.io.media", "from studio.scheduler import Scheduler", "nothing above them"),
    ("studio.model.time", "from studio.io import load_project", "the model imports nothing of ours"),
    ("studio.render.mixer", "def f():\n    from pipelines.voice import captions", "render imports no pipelines"),
    ("studio.render.plan", "from ..produce import recipes", "render imports no pipelines"),
    ("studio.scheduler.journal", "from studio.render import render_timeline", "scheduler imports only"),
    ("studio.scheduler.queue", "from pipelines.voice.speech import list_voices", "only through pipelines.registry"),
    ("pipelines.sfx.draft", "import torch", "only pipelines/*/neural_*.py and the NeRF"),
    ("pipelines.sfx.draft", "from studio.model import Clip", "know nothing of the application"),
    ("studio.storyboard.make", "def f():\n    from studio.gui.session import ProjectSession", "only the GUI"),
    ("studio.cli.cmd_render", "from studio.gui import app", "only the GUI"),
    ("studio.produce.jobs", "from studio.render import render_timeline", "produce sits under"),
    ("timedtext", "from pipelines.base import Request", "timedtext is neutral"),
]


@pytest.mark.parametrize("module, line, rule", INJECTED, ids=[f"{m}+{r}" for m, _, r in INJECTED])
def test_an_injected_violation_of_each_rule_is_caught(module, line, rule):
    assert problems(module, imports_of("import json\n", module)) == []
    found = problems(module, imports_of(f"import json\n{line}\n", module))
    assert any(rule in p for p in found), found


def test_allowed_arrows_pass():
    assert (
        problems(
            "pipelines.video.neural_ltx", imports_of("import torch\nimport diffusers\n", "pipelines.video.neural_ltx")
        )
        == []
    )
    assert problems("studio.cli.cmd_gui", imports_of("from studio.gui import app\n", "studio.cli.cmd_gui")) == []
    assert (
        problems("studio.render.captions", imports_of("from timedtext import to_srt\n", "studio.render.captions")) == []
    )


def test_no_two_modules_import_each_other():
    modules = dict(all_modules())
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = {i.target for i in imports_of(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")}
        graph[module] = {t for t in targets if t in modules and t != module and not module.startswith(t + ".")}
    circles = sorted({tuple(sorted((a, b))) for a, targets in graph.items() for b in targets if a in graph.get(b, ())})
    assert circles == [], circles
