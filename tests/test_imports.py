"""The import contract: the package's layers import only downward, and nothing cycles.

Read from the source with :mod:`ast` (no import runs): every ``import`` of a
``twintowns`` module, noting whether it runs when the module is imported (at
module level, outside ``if TYPE_CHECKING:``) or later (inside a function: a
lazy import) or never (type checking only).  The contracts below fail the
suite when a lower layer imports a higher one; ``test_every_module_imports_alone``
then imports each module first in a fresh set of modules, as a program would.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs
import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "twintowns"


@attrs.frozen
class Import:
    """``source`` imports ``target``: at import time (``runtime``), lazily, or for types."""

    source: str
    target: str
    when: str  # "runtime" | "lazy" | "typing"
    line: int


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (SRC / relative).with_suffix(".py").is_file() or (
        SRC / relative / "__init__.py"
    ).is_file()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, base] if base else package)
    # ``from a import b`` imports the module a.b when there is one, else a name of a
    subs = [f"{base}.{alias.name}" for alias in node.names if _is_module(f"{base}.{alias.name}")]
    return subs or [base]


def imports_of(path: Path) -> list[Import]:
    """Every import of a ``twintowns`` module in the file at ``path``."""
    module = _module_name(path)
    tree = ast.parse(path.read_text("utf-8"), str(path))
    found: list[Import] = []

    def visit(nodes: Iterable[ast.AST], when: str) -> None:
        for node in nodes:
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in _targets(node, module, path.name == "__init__.py"):
                    if target == "twintowns" or target.startswith("twintowns."):
                        found.append(Import(module, target, when, node.lineno))
            elif isinstance(node, ast.If) and _is_type_checking(node.test):
                visit(node.body, "typing")
                visit(node.orelse, when)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(ast.iter_child_nodes(node), "lazy" if when == "runtime" else when)
            else:
                visit(ast.iter_child_nodes(node), when)

    visit(tree.body, "runtime")
    return found


def all_imports() -> list[Import]:
    return [i for path in sorted(PACKAGE.rglob("*.py")) for i in imports_of(path)]


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A cycle of ``graph`` as ``[a, b, …, a]``, or None when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def _runtime_graph(imports: Iterable[Import]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for i in imports:
        if i.when == "runtime" and i.target != i.source:
            graph.setdefault(i.source, set()).add(i.target)
    return graph


def _in(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _modules() -> list[str]:
    return sorted({_module_name(path) for path in PACKAGE.rglob("*.py")})


# ----------------------------------------------------------------------- the detector


def test_the_scanner_sees_runtime_lazy_and_typing_imports(tmp_path: Path) -> None:
    found = {(i.target, i.when) for i in imports_of(PACKAGE / "atlas.py")}
    assert ("twintowns.model", "runtime") in found
    assert ("twintowns.agreements.validation", "typing") in found
    assert ("twintowns.agreements.validation", "lazy") in found
    found = {(i.target, i.when) for i in imports_of(PACKAGE / "agreements" / "model.py")}
    assert (
        "twintowns.agreements.codec",
        "lazy",
    ) in found  # `from twintowns.agreements import codec`


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"x": {"y"}, "y": {"y"}}) == ["y", "y"]


# ----------------------------------------------------------------------- the contract


def test_no_import_cycle_at_import_time() -> None:
    assert find_cycle(_runtime_graph(all_imports())) is None


def test_model_and_errors_import_nothing_above_them() -> None:
    bad = [
        i
        for i in all_imports()
        if (i.source == "twintowns.errors")
        or (i.source == "twintowns.model" and i.target != "twintowns.errors")
    ]
    assert bad == []


def test_the_agreements_layer_imports_no_higher_layer() -> None:
    higher = (
        "twintowns.cli",
        "twintowns.maps",
        "twintowns.webmap",
        "twintowns.web",
        "twintowns.export",
        "twintowns.stats",
    )
    bad = [
        i for i in all_imports() if _in(i.source, "twintowns.agreements") and _in(i.target, *higher)
    ]
    assert bad == []


def test_the_rule_engine_imports_only_errors() -> None:
    bad = [
        i
        for i in all_imports()
        if i.source == "twintowns.agreements.rules" and i.target != "twintowns.errors"
    ]
    assert bad == []


AGREEMENT_MODULES = (
    "twintowns.agreement",
    "twintowns.policies",
    "twintowns.rules",
    "twintowns.validation",
    "twintowns.agreements",
)

#: The core the agreements layer stands on: none of it imports agreements when imported.
CORE = (
    "twintowns.errors",
    "twintowns.model",
    "twintowns.schema",
    "twintowns.atlas",
    "twintowns.records",
    "twintowns.dataset",
    "twintowns.lookup",
    "twintowns.geography",
    "twintowns.spatial",
    "twintowns.filters",
    "twintowns.countries",
    "twintowns.normalize",
)


def test_the_core_does_not_import_agreements_when_imported() -> None:
    """The atlas reaches validation only inside ``Atlas.validate`` (a lazy import)."""
    bad = [
        i
        for i in all_imports()
        if _in(i.source, *CORE) and _in(i.target, *AGREEMENT_MODULES) and i.when == "runtime"
    ]
    assert bad == []


#: Inside agreements, each layer imports (when imported) only from layers below it.
AGREEMENT_LAYERS = (
    ("twintowns.agreements.model", "twintowns.agreements.positions", "twintowns.agreements.rules"),
    ("twintowns.agreements.document", "twintowns.agreements.context"),
    ("twintowns.agreements.codec",),
    ("twintowns.agreements.policies",),
    ("twintowns.agreements.validation",),
)


def _layer(module: str) -> int | None:
    for n, layer in enumerate(AGREEMENT_LAYERS):
        if _in(module, *layer):
            return n
    return None


def test_agreement_layers_import_only_downward() -> None:
    bad = []
    for i in all_imports():
        source, target = _layer(i.source), _layer(i.target)
        if i.when == "runtime" and source is not None and target is not None and target > source:
            bad.append(i)
    assert bad == []


#: The package's layers, lowest first (docs/architecture.md draws them).  A module
#: imports only from its own layer or lower ones, when imported and lazily alike;
#: within the features layer, one feature does not import another.
PACKAGE_LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("domain", ("twintowns.errors", "twintowns.model")),
    (
        "support",
        (
            "twintowns.normalize",
            "twintowns.countries",
            "twintowns.files",
            "twintowns.filters",
            "twintowns.lazy",
            "twintowns.schema",
        ),
    ),
    ("data", ("twintowns.columns", "twintowns.records", "twintowns.views")),
    ("lookup and geography", ("twintowns.lookup", "twintowns.geography", "twintowns.spatial")),
    ("atlas", ("twintowns.atlas",)),
    ("loading", ("twintowns.dataset",)),
    ("features", (*AGREEMENT_MODULES, "twintowns.stats", "twintowns.export", "twintowns.web")),
    ("maps", ("twintowns.maps", "twintowns.webmap")),
    ("command line", ("twintowns.cli", "twintowns.__main__")),
    ("package", ("twintowns",)),
)

#: The features: each stands on the layers below and on no other feature.
FEATURES = (AGREEMENT_MODULES, ("twintowns.stats",), ("twintowns.export", "twintowns.web"))

#: Imports that go up a layer on purpose, each made only when called (never at import
#: time), with the reason.
UPWARD_ON_PURPOSE = {
    ("twintowns.atlas", "twintowns.agreements.validation"): (
        "Atlas.validate() is a shortcut to the agreements layer's validate_atlas()"
    ),
    ("twintowns.atlas", "twintowns.dataset"): (
        "the bundled atlas pickles as a reference to twintowns.load()"
    ),
    ("twintowns.cli", "twintowns"): "--version shows the package's __version__",
    ("twintowns.geography", "twintowns.dataset"): (
        "a place given by name is looked up in the bundled atlas, loaded on first use"
    ),
}


def package_layer(module: str) -> int:
    """The rank of ``module``'s layer in :data:`PACKAGE_LAYERS` (the longest prefix wins)."""
    best = (-1, -1)
    for rank, (_name, prefixes) in enumerate(PACKAGE_LAYERS):
        for prefix in prefixes:
            if _in(module, prefix) and len(prefix) > best[1]:
                best = (rank, len(prefix))
    assert best[0] >= 0, f"{module} is in no layer of PACKAGE_LAYERS"
    return best[0]


def _feature(module: str) -> int | None:
    return next((n for n, f in enumerate(FEATURES) if _in(module, *f)), None)


def test_every_module_has_a_layer() -> None:
    for module in _modules():
        package_layer(module)


def test_the_package_imports_only_downward() -> None:
    bad = []
    for i in all_imports():
        if i.when == "typing":
            continue
        source, target = package_layer(i.source), package_layer(i.target)
        upward = target > source
        if upward and i.when == "lazy" and (i.source, i.target) in UPWARD_ON_PURPOSE:
            continue
        across = _feature(i.source) is not None and _feature(i.target) not in (
            None,
            _feature(i.source),
        )
        if upward or across:
            bad.append(i)
    assert bad == [], "imports against the layers (PACKAGE_LAYERS in this file): " + ", ".join(
        f"{i.source}:{i.line} -> {i.target} ({i.when})" for i in bad
    )


def test_the_upward_imports_on_purpose_exist() -> None:
    """Every allowed exception is still used (else it should go from the list)."""
    made = {(i.source, i.target) for i in all_imports() if i.when == "lazy"}
    assert set(UPWARD_ON_PURPOSE) <= made


#: Modules allowed over MAX_LINES lines, with the reason (docs/architecture.md lists them).
LONG_MODULES = {
    "databuild/build.py": "the build's stages and their small helpers over one BuildState, "
    "about 90 functions each within the complexity limit; split when a stage grows",
    "databuild/resolve.py": "one resolver whose ~25 methods share the gazetteer, polygons "
    "and the report lists they fill; splitting means passing all of that across",
    "databuild/gazetteer.py": "the gazetteer's tables and the admin-1 mapping built from them",
    "databuild/curation.py": "the reader and checks of the curation files' five tables",
    "src/twintowns/model.py": "the domain objects (Place, Partnership, PartialDate, enums) "
    "with their validators and doctests; one concern, the model",
    "src/twintowns/geography.py": "distances, bearings, time differences and great-circle "
    "geometry: one concern, spherical geometry, each function with its doctest",
    "src/twintowns/dataset.py": "the validating readers of a user's dataset in its four "
    "formats, sharing the row checks that report file, row and column",
    "src/twintowns/records.py": "the two record stores (built objects, columns + CSV lines) "
    "behind one interface",
    "src/twintowns/columns.py": "the binary columns' layout, its writer and its checked reader",
    "src/twintowns/spatial.py": "one spatial index with its two backends (k-d tree, grid) "
    "and the exact distance kernel both share, so their answers stay identical",
}
MAX_LINES = 500


def test_long_modules_are_listed_with_a_reason() -> None:
    root = PACKAGE.parent.parent
    files = [*PACKAGE.rglob("*.py"), *(root / "databuild").glob("*.py")]
    long = {
        f.relative_to(root).as_posix()
        for f in files
        if len(f.read_text("utf-8").splitlines()) > MAX_LINES
    }
    assert long <= set(LONG_MODULES), sorted(long - set(LONG_MODULES))


# ----------------------------------------------------------------------- at run time


def test_every_module_imports_alone() -> None:
    """Each module imported first, with no twintowns module loaded before it."""
    modules = [m for m in _modules() if not m.endswith("__main__")]
    code = (
        "import importlib, sys\n"
        "failed = []\n"
        f"for name in {modules!r}:\n"
        "    for loaded in [m for m in sys.modules if m.split('.')[0] == 'twintowns']:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as exc:\n"
        "        failed.append(f'{name}: {type(exc).__name__}: {exc}')\n"
        "print('\\n'.join(failed))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    assert result.stdout.strip() == ""
    assert len(modules) > 40


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("twintowns.agreement", "twintowns.agreements"),
        ("twintowns.rules", "twintowns.agreements"),
        ("twintowns.policies", "twintowns.agreements.policies"),
        ("twintowns.validation", "twintowns.agreements"),
    ],
)
def test_the_old_modules_re_export_the_same_objects(old: str, new: str) -> None:
    import importlib

    before, after = importlib.import_module(old), importlib.import_module(new)
    for name in before.__all__:
        assert getattr(before, name) is getattr(after, name), f"{old}.{name}"
