"""The robustness suite: every public function and command fed arbitrary input.

Each public function of every public module (and every method of
:class:`~twintowns.Atlas`) is called with arbitrary arguments: text with
control characters and lone surrogates, huge and non-finite numbers,
fractions and decimals, extreme and naive datetimes, containers of those.
It must answer or raise a :class:`~twintowns.TwinTownsError` (plus the
matching built-in); anything else fails the test.  Parameters typed as an
Atlas, a Partnership, an Agreement, a policy, a stream or a callback get
valid objects (the type checker guards those); every other parameter gets
arbitrary values, mixed with meaningful ones so that calls get past the
first check.  Datasets get malformed files in every format; the command
line gets arbitrary arguments for every command.

Bounds (so that CI stays fast): :data:`EXAMPLES` examples per function and
per command, :data:`FILE_EXAMPLES` per dataset format; documented in
``docs/robustness.md``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import inspect
import io
import json
import sqlite3
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import twintowns
from twintowns.atlas import Atlas
from twintowns.cli import main
from twintowns.errors import TwinTownsError
from twintowns.export import to_csv, to_json, to_sqlite

#: Examples per public function and per command.
EXAMPLES = 40
#: Examples per dataset format.
FILE_EXAMPLES = 60

_SETTINGS = settings(
    max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)

MEANINGFUL = st.sampled_from(
    [
        "Charlotte",
        "Orange",
        "Orange, FR",
        "Arequipa",
        "gn:1",
        "gn:2",
        "km",
        "mi",
        "sister",
        "active",
        "ended",
        "city",
        "US",
        "FR",
        "UTC",
        "Europe/Paris",
        "csv",
        "json",
        "sqlite",
        "1962-02-05",
        "sci",
        "",
        " ",
        "\ud800",
        "S\udcff",
        "tt:\x00\x1b[2J",
        "x" * 201,
        "x" * 600,
    ]
)
TEXT = st.one_of(
    MEANINGFUL,
    st.text(max_size=30),
    st.text(st.characters(categories=["Cc", "Cs", "Zl", "Zp", "Cf", "Mn"]), max_size=10),
)
NUMBER = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, -1, 2**63, 10**400, -(10**400), 10**8]),
    st.floats(),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e-300, 1e300, -0.0]),
    st.just(Fraction(10**400)),
    st.sampled_from([Decimal("NaN"), Decimal("1e400"), Decimal("35.2")]),
    st.booleans(),
)
MOMENT = st.one_of(
    st.datetimes(timezones=st.sampled_from([dt.UTC, None])),
    st.sampled_from(
        [
            dt.datetime(1, 1, 1, tzinfo=dt.UTC),
            dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC),
            dt.datetime.min,
            dt.datetime.max,
        ]
    ),
    st.dates(),
)
SCALAR = st.one_of(TEXT, NUMBER, MOMENT, st.none(), st.just(b"\xff"))
ANYTHING = st.one_of(
    SCALAR,
    st.tuples(NUMBER, NUMBER),
    st.lists(SCALAR, max_size=3),
    st.lists(st.tuples(NUMBER, NUMBER), max_size=3),
    st.dictionaries(TEXT, SCALAR, max_size=3),
)

# parameters the type checker guards: they get valid objects
_GUARDED = ("Atlas", "Partnership", "Agreement", "Policy", "Callable", "Progress", "TextIO", "IO")


def _public_functions() -> list[tuple[str, Callable[..., Any]]]:
    modules = [
        "twintowns",
        "twintowns.countries",
        "twintowns.dataset",
        "twintowns.export",
        "twintowns.filters",
        "twintowns.geography",
        "twintowns.lookup",
        "twintowns.maps",
        "twintowns.normalize",
        "twintowns.policies",
        "twintowns.schema",
        "twintowns.stats",
        "twintowns.validation",
    ]
    found: dict[str, Callable[..., Any]] = {}
    for name in modules:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", ()):
            value = getattr(module, attr)
            if inspect.isfunction(value) and value.__module__.startswith("twintowns"):
                found.setdefault(f"{value.__module__}.{value.__qualname__}", value)
    from twintowns.agreements import Agreement
    from twintowns.model import PartialDate, Partnership, Place

    for extra in (
        Place,
        Partnership,
        PartialDate,
        PartialDate.parse,
        PartialDate.coerce,
        PartialDate.sort_key,
        Agreement.from_dict,
        Agreement.from_json,
        Agreement.from_toml,
        Agreement.from_file,
    ):
        found[f"{extra.__module__}.{extra.__qualname__}"] = extra
    return sorted(found.items())


def _atlas_methods() -> list[str]:
    return sorted(
        name
        for name, value in vars(Atlas).items()
        if inspect.isfunction(value) and not name.startswith("_")
    )


FUNCTIONS = _public_functions()


def _parameters(function: Callable[..., Any]) -> list[inspect.Parameter]:
    target = function.__init__ if inspect.isclass(function) else function
    params = list(inspect.signature(target).parameters.values())
    return [p for p in params if p.name not in ("self", "cls")]


def _is_path(param: inspect.Parameter) -> bool:
    return param.name in ("path", "folder", "file") or "PathLike" in str(param.annotation)


@st.composite
def _arguments(  # noqa: C901, PLR0912 -- one branch per parameter type the public functions take
    draw: st.DrawFn, function: Callable[..., Any], atlas: Atlas, folder: Path
) -> tuple[list[Any], dict[str, Any]]:
    from twintowns.agreements import Agreement
    from twintowns.agreements.policies import SISTER_CITIES_INTERNATIONAL

    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    places = st.sampled_from(atlas.places)
    for param in _parameters(function):
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        annotation = str(param.annotation)
        required = param.default is param.empty
        if not required and not draw(st.booleans()):
            continue
        if _is_path(param):
            name = draw(
                st.text(st.characters(codec="utf-8", exclude_characters="/\x00"), max_size=12)
            )
            value: Any = str(folder / (name or "x")) if name not in (".", "..") else str(folder)
        elif "Policy" in annotation:
            value = draw(st.sampled_from([SISTER_CITIES_INTERNATIONAL, "sci", "paris"]))
            if "AtlasContext" in annotation:
                continue
        elif "Atlas" in annotation:
            value = atlas
        elif "Partnership" in annotation and "Place" not in annotation:
            value = draw(st.sampled_from(atlas.partnerships))
        elif "Agreement" in annotation:
            other = st.sampled_from(["Charlotte", "Orange", "Nowhere", "Zürich", "x" * 201])
            value = Agreement(parties=(atlas.places[0], draw(st.one_of(places, other))))
        elif any(word in annotation for word in _GUARDED):
            if not required:
                continue
            value = io.StringIO() if "IO" in annotation else None
        elif annotation in ("Place",):
            value = draw(places)
        elif "Place" in annotation:
            value = draw(st.one_of(places, ANYTHING))
        else:
            value = draw(ANYTHING)
        if param.kind == param.KEYWORD_ONLY:
            kwargs[param.name] = value
        else:
            args.append(value)
    return args, kwargs


def _check(function: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]) -> None:
    try:
        function(*args, **kwargs)
    except TwinTownsError:
        pass
    except OSError:  # the file system's own answers (documented pass-through)
        pass
    except Exception as error:  # pragma: no cover - a finding
        raise AssertionError(
            f"{function.__qualname__}(*{args!r:.300}, **{kwargs!r:.300}) raised "
            f"{type(error).__name__}: {error}"
        ) from error


@pytest.mark.parametrize(("name", "function"), FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_every_public_function_raises_only_documented_errors(
    name: str,
    function: Callable[..., Any],
    small_atlas: Atlas,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    monkeypatch.chdir(folder)

    @_SETTINGS
    @given(_arguments(function, small_atlas, folder))
    def run(arguments: tuple[list[Any], dict[str, Any]]) -> None:
        _check(function, *arguments)

    run()


@pytest.mark.parametrize("method", _atlas_methods())
def test_every_atlas_method_raises_only_documented_errors(
    method: str,
    small_atlas: Atlas,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    function = getattr(small_atlas, method)
    folder = tmp_path_factory.mktemp("fuzz")

    @_SETTINGS
    @given(_arguments(getattr(Atlas, method), small_atlas, folder))
    def run(arguments: tuple[list[Any], dict[str, Any]]) -> None:
        _check(function, *arguments)

    run()


# ----------------------------------------------------------------------- files


@pytest.fixture(scope="module")
def exports(small_atlas: Atlas, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("exports")
    to_csv(small_atlas, folder / "csv")
    to_json(small_atlas, folder / "d.json")
    to_sqlite(small_atlas, folder / "d.sqlite")
    return {
        "places.csv": (folder / "csv" / "places.csv").read_bytes(),
        "partnerships.csv": (folder / "csv" / "partnerships.csv").read_bytes(),
        "metadata.json": (folder / "csv" / "metadata.json").read_bytes(),
        "d.json": (folder / "d.json").read_bytes(),
        "d.sqlite": (folder / "d.sqlite").read_bytes(),
    }


@st.composite
def _mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few bytes replaced, inserted, deleted or the file cut short."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["replace", "insert", "delete", "cut", "junk"]))
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        if how == "replace" and out:
            out[at] = draw(st.integers(0, 255))
        elif how == "insert":
            out[at:at] = draw(
                st.sampled_from([b"\xff", b"\xef\xbb\xbf", b'"', b",", b"\n", b"\x00", b"[" * 2000])
            )
        elif how == "delete":
            del out[at : at + draw(st.integers(1, 20))]
        elif how == "cut":
            del out[at:]
        else:
            out[at:at] = draw(st.binary(max_size=40))
    return bytes(out)


def _load_only_dataset_errors(path: Path) -> None:
    with contextlib.suppress(TwinTownsError):
        twintowns.load(path)


_FILE_SETTINGS = settings(
    max_examples=FILE_EXAMPLES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


@pytest.mark.parametrize("target", ["places.csv", "partnerships.csv", "metadata.json"])
def test_malformed_csv_datasets(
    target: str, exports: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("csv")

    @_FILE_SETTINGS
    @given(_mutated(exports[target]))
    def run(data: bytes) -> None:
        for name in ("places.csv", "partnerships.csv", "metadata.json"):
            (folder / name).write_bytes(data if name == target else exports[name])
        _load_only_dataset_errors(folder)

    run()


def test_malformed_json_datasets(
    exports: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("json") / "d.json"
    document = json.loads(exports["d.json"])

    @_FILE_SETTINGS
    @given(
        st.one_of(
            _mutated(exports["d.json"]),
            st.builds(
                lambda key, value, which, i: json.dumps(
                    _replace(document, which, i, key, value)
                ).encode("utf-8", "surrogatepass"),
                st.sampled_from(["id", "name", "latitude", "aliases", "a", "b", "kind", "x"]),
                st.one_of(
                    SCALAR.filter(lambda v: not isinstance(v, bytes | dt.date)), st.lists(TEXT)
                ),
                st.sampled_from(["places", "partnerships"]),
                st.integers(0, 4),
            ),
        )
    )
    def run(data: bytes) -> None:
        path.write_bytes(data)
        _load_only_dataset_errors(path)

    run()


def _replace(document: dict[str, Any], which: str, i: int, key: str, value: Any) -> dict[str, Any]:
    copy: dict[str, Any] = json.loads(json.dumps(document))
    records = copy[which]
    record = records[i % len(records)]
    if isinstance(value, Decimal | Fraction):
        value = float(value)
    if value is None and key in record:
        del record[key]
    else:
        record[key] = value
    return copy


def test_malformed_sqlite_datasets(
    exports: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("sqlite")
    path = folder / "d.sqlite"

    @_FILE_SETTINGS
    @given(
        st.one_of(
            _mutated(exports["d.sqlite"]),
            st.tuples(
                st.sampled_from(
                    [
                        "UPDATE places SET {c} = ? WHERE id IN (SELECT id FROM places LIMIT 1)",
                        "UPDATE places SET {c} = ?",
                        "UPDATE partnerships SET note = ?",
                        "UPDATE metadata SET value = ?",
                        "UPDATE place_aliases SET alias = ?",
                        "DELETE FROM places WHERE id = 'gn:1' AND ? IS NOT NULL",
                        "DROP TABLE partnerships; SELECT ?",
                    ]
                ),
                st.sampled_from(["name", "latitude", "population", "kind", "timezone", "id"]),
                st.one_of(
                    TEXT,
                    NUMBER.filter(
                        lambda v: (
                            not isinstance(v, Fraction | Decimal)
                            and (not isinstance(v, int) or abs(v) < 2**63)
                        )
                    ),
                    st.just(b"\xff\xfe"),
                ),
            ),
        )
    )
    def run(change: bytes | tuple[str, str, Any]) -> None:
        path.write_bytes(exports["d.sqlite"] if isinstance(change, tuple) else change)
        if isinstance(change, tuple):
            sql, column, value = change
            with sqlite3.connect(path) as connection:
                connection.execute("PRAGMA ignore_check_constraints = ON")
                statements = sql.format(c=column).split("; ")
                try:
                    for statement in statements:
                        connection.execute(statement, (value,) if "?" in statement else ())
                except (sqlite3.Error, UnicodeEncodeError):
                    return
            connection.close()
        _load_only_dataset_errors(path)

    run()


# ----------------------------------------------------------------------- command line

_COMMANDS = {
    "place": ["QUERY", "--country", "TEXT"],
    "search": ["QUERY", "--limit", "TEXT"],
    "partners": ["QUERY", "--status", "TEXT", "--kind", "TEXT", "--sort", "TEXT", "--unit", "TEXT"],
    "distance": ["QUERY", "QUERY", "--unit", "TEXT", "--method", "TEXT"],
    "timediff": ["QUERY", "QUERY", "--at", "TEXT"],
    "stats": ["TEXT", "TEXT", "-n", "TEXT", "--country", "TEXT"],
    "validate": ["FILE", "--policy", "TEXT"],
    "export": ["--format", "TEXT", "--output", "FILE", "--place", "QUERY"],
    "map": ["QUERY", "--output", "FILE", "--labels", "TEXT", "--width", "TEXT"],
}

_ARG = st.one_of(
    MEANINGFUL,
    st.sampled_from(
        [
            "0001-01-01T00:00Z",
            "9999-12-31T23:59+14:00",
            "2026-06-01T12:00",
            "top-places",
            "chain",
            "by-decade",
            "same-name",
            "-1",
            "0",
            "999999999999999999999",
            "x.svg",
            "x.pdf",
            "x.csv",
            "geojson",
            "haversine",
            "geodesic",
            "name",
            "distance",
            "numbers",
        ]
    ),
    st.text(max_size=12),
    st.text(st.characters(categories=["Cc", "Cs"]), max_size=4),
)


@st.composite
def _argv(draw: st.DrawFn, command: str, folder: Path) -> list[str]:
    argv = [command]
    for token in _COMMANDS[command]:
        if token.startswith("-"):
            if draw(st.booleans()):
                argv.append(token)
            continue
        if token == "FILE":
            name = draw(st.sampled_from(["x.svg", "x.json", "x.pdf", "x.csv", "out", "a.toml"]))
            argv.append(str(folder / name))
        else:
            argv.append(draw(_ARG))
    if draw(st.booleans()):
        argv.append("--json")
    return argv


@pytest.mark.parametrize("command", sorted(_COMMANDS))
def test_every_command_exits_cleanly(
    command: str,
    small_atlas: Atlas,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path_factory.mktemp("cli")
    to_csv(small_atlas, folder / "data")
    (folder / "a.toml").write_text('[[parties]]\nplace = "Charlotte"\n[[parties]]\nplace = "x"\n')
    monkeypatch.chdir(folder)

    @_SETTINGS
    @given(_argv(command, folder))
    def run(argv: list[str]) -> None:
        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr("sys.stdout", out)
        monkeypatch.setattr("sys.stderr", err)
        code = main([*argv, "--data", str(folder / "data")])
        assert code in (0, 1, 2), (argv, code, err.getvalue())
        assert "Traceback" not in err.getvalue()
        if "--json" in argv and code != 0 and out.getvalue():
            out.getvalue().encode("utf-8")  # valid UTF-8 …
            json.loads(out.getvalue())  # … and valid JSON

    run()


def test_the_bounds_stated_in_the_docs_are_the_ones_used() -> None:
    page = (Path(__file__).parent.parent / "docs" / "robustness.md").read_text("utf-8")
    assert (
        f"| each public function ({len(FUNCTIONS)}) and each `Atlas` method "
        f"({len(_atlas_methods())}) | {EXAMPLES} |" in page
    )
    assert f"| each command ({len(_COMMANDS)}) | {EXAMPLES} |" in page
    assert f"JSON, SQLite) | {FILE_EXAMPLES} |" in page
