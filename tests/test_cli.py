"""The ``twintowns`` command line.

* in-process runs of :func:`twintowns.cli.main` against a small hand-made
  dataset (``--data``), where every answer is known exactly;
* end to end: the installed console script in subprocesses, every command,
  both output modes, and the failure paths with their exit codes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import twintowns
from tests.strategies import text_characters
from twintowns.atlas import Atlas
from twintowns.cli import build_parser, main
from twintowns.cli.commands import COMMANDS
from twintowns.cli.commands.export import EXPORT_FORMATS
from twintowns.cli.render import table, text_width, truncate
from twintowns.export import FORMATS, to_csv
from twintowns.geography import distance

ROOT = Path(__file__).resolve().parent.parent

# --------------------------------------------------------------------------- rendering


def test_text_width_counts_terminal_columns() -> None:
    assert text_width("Wrocław") == 7
    assert text_width("名古屋") == 6  # wide characters take two columns
    assert text_width("Zu\u0308rich") == 6  # a combining mark takes none
    assert text_width("") == 0


def test_truncate_respects_wide_characters() -> None:
    assert truncate("名古屋市", 5) == "名古…"
    assert text_width(truncate("名古屋市", 5)) <= 5
    assert truncate("Arequipa", 8) == "Arequipa"
    assert truncate("Arequipa", 6) == "Arequ…"


# more than the profile's 100: cheap, and wide or zero-width characters are rare draws
@settings(max_examples=200)
@given(
    st.lists(
        st.lists(
            st.text(text_characters(), max_size=8),
            min_size=3,
            max_size=3,
        ),
        max_size=6,
    )
)
def test_table_columns_line_up(rows: list[list[str]]) -> None:
    rows = [[cell.strip() or "x" for cell in row] for row in rows]
    text = table(["A", "名前", "C"], rows, align="lrl")
    lines = text.split("\n")
    assert len(lines) == len(rows) + 2
    # the second column is right-aligned: its last character ends in the same column everywhere
    widths = [max(text_width(r[i]) for r in [["A", "名前", "C"], *rows]) for i in range(3)]
    for line, row in zip(lines[2:], rows, strict=True):
        prefix_end = widths[0] + 2 + widths[1]
        head = ""
        used = 0
        for char in line:
            if used >= prefix_end and text_width(char) > 0:  # zero-width marks go along
                break
            head += char
            used += text_width(char)
        assert text_width(head) == prefix_end
        assert head.endswith(row[1])


def test_table_fits_the_width_it_is_given() -> None:
    rows = [["Saint Petersburg, RU-SPE, RU", "東京都千代田区丸の内一丁目", "109"]]
    text = table(["Place", "Address", "N"], rows, align="llr", max_width=40)
    assert all(text_width(line) <= 40 for line in text.split("\n"))
    assert "…" in text and text.split("\n")[2].endswith("109")


# --------------------------------------------------------------------------- in process


@pytest.fixture(scope="module")
def small_data(small_atlas: Atlas, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("small")
    to_csv(small_atlas, folder)
    return str(folder)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_place_text_and_json(capsys: pytest.CaptureFixture[str], small_data: str) -> None:
    code, out, err = run(capsys, "place", "Charlotte", "--data", small_data)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Charlotte, US-NC, US"
    assert "  id            gn:1" in lines
    assert "  partnerships  2 (1 active, 1 suspended)" in lines
    code, out, _ = run(capsys, "place", "Charlotte", "--json", "--data", small_data)
    document = json.loads(out)
    assert code == 0
    assert (
        document["place"]["id"] == "gn:1" and document["place"]["label"] == "Charlotte, US-NC, US"
    )
    assert document["partnerships"] == {"total": 2, "by_status": {"active": 1, "suspended": 1}}
    assert set(document["place"]) >= {"name", "country", "latitude", "longitude", "timezone"}


def test_partners_table_sort_and_filters(
    capsys: pytest.CaptureFixture[str], small_data: str, small_atlas: Atlas
) -> None:
    code, out, _ = run(capsys, "partners", "Charlotte", "--data", small_data)
    lines = out.splitlines()
    assert code == 0 and lines[0] == "Charlotte, US-NC, US: 2 partners"
    assert lines[1].split() == [
        "Partner",
        "Subdivision",
        "Country",
        "Kind",
        "Status",
        "Established",
        "Distance",
        "(km)",
        "Basis",
        "As",
        "of",
    ]
    assert lines[3].split()[:5] == ["Arequipa", "PE", "sister", "active", "1962-02-05"]
    assert lines[4].split()[:4] == ["Voronezh", "RU", "sister", "suspended"]
    km = distance(small_atlas.place("gn:1"), small_atlas.place("gn:2"))
    assert lines[3].split()[-3:] == [f"{km:,.0f}", "listed", "2026"]
    assert lines[4].split()[-2:] == ["confirmed", "2026-11-23"]
    assert "Notes:" in lines and "  Voronezh: suspended by council vote 2022-03-28" in lines
    _, out, _ = run(
        capsys,
        "partners",
        "Charlotte",
        "--sort",
        "distance",
        "--json",
        "--unit",
        "mi",
        "--data",
        small_data,
    )
    document = json.loads(out)
    assert document["unit"] == "mi" and document["sort"] == "distance"
    found = [(p["partner"]["name"], p["distance"]) for p in document["partners"]]
    assert [name for name, _ in found] == ["Arequipa", "Voronezh"]
    assert found[0][1] == pytest.approx(
        distance(small_atlas.place("gn:1"), small_atlas.place("gn:2"), unit="mi")
    )
    _, out, _ = run(
        capsys, "partners", "Charlotte", "--status", "suspended", "--json", "--data", small_data
    )
    only = json.loads(out)["partners"]
    assert [(p["partner"]["name"], p["status"], p["established"]) for p in only] == [
        ("Voronezh", "suspended", "1991")
    ]
    _, out, _ = run(capsys, "partners", "Kyiv", "--kind", "sister", "--json", "--data", small_data)
    assert json.loads(out)["partners"] == []
    _, out, _ = run(
        capsys,
        "partners",
        "Kyiv",
        "--kind",
        "partner,sister",
        "--sort",
        "established",
        "--data",
        small_data,
    )
    assert "Düsseldorf" in out


def test_distance_and_timediff(
    capsys: pytest.CaptureFixture[str], small_data: str, small_atlas: Atlas
) -> None:
    code, out, _ = run(capsys, "distance", "Charlotte", "Arequipa", "--json", "--data", small_data)
    document = json.loads(out)
    a, b = small_atlas.place("gn:1"), small_atlas.place("gn:2")
    assert code == 0 and document["distance"] == distance(a, b) and document["unit"] == "km"
    assert document["from"]["id"] == "gn:1" and document["to"]["id"] == "gn:2"
    code, out, _ = run(
        capsys,
        "distance",
        "Charlotte",
        "Arequipa",
        "--unit",
        "miles",
        "--method",
        "geodesic",
        "--data",
        small_data,
    )
    value = distance(a, b, unit="mi", method="geodesic")
    assert out == (
        f"Charlotte, US-NC, US → Arequipa, PE: {value:,.1f} mi "
        f"(geodesic; initial bearing {twintowns.bearing(a, b):.1f}°)\n"
    )
    code, out, _ = run(
        capsys,
        "timediff",
        "Charlotte",
        "Voronezh",
        "--at",
        "2026-07-01T12:00Z",
        "--data",
        small_data,
    )
    assert code == 0
    assert out.splitlines() == [
        "Voronezh, RU is 07:00 h ahead of Charlotte, US-NC, US",
        "  Charlotte: 2026-07-01 08:00 EDT (UTC-04:00, America/New_York)",
        "  Voronezh: 2026-07-01 15:00 MSK (UTC+03:00, Europe/Moscow)",
    ]
    _, out, _ = run(
        capsys,
        "timediff",
        "Voronezh",
        "Charlotte",
        "--at",
        "2026-12-01T12:00+01:00",
        "--json",
        "--data",
        small_data,
    )
    document = json.loads(out)
    assert document["difference_hours"] == -8.0 and document["difference"] == "-08:00"
    assert document["at"] == "2026-12-01T11:00:00+00:00"
    assert document["from_local"] == "2026-12-01T14:00:00+03:00"
    _, out, _ = run(capsys, "timediff", "Kyiv", "Kyiv", "--data", small_data)
    assert out.startswith("Kyiv, UA has the same time as Kyiv, UA")


def test_search_and_stats(capsys: pytest.CaptureFixture[str], small_data: str) -> None:
    code, out, _ = run(capsys, "search", "Orang", "--json", "--data", small_data)
    results = json.loads(out)["results"]
    assert code == 0 and {r["country"] for r in results} == {"US", "FR", "AU"}
    _, out, _ = run(capsys, "search", "Dusseldorff", "--data", small_data)
    assert out.splitlines()[2].split()[0] == "Düsseldorf"
    _, out, _ = run(capsys, "stats", "top-places", "-n", "2", "--json", "--data", small_data)
    top = [(r["place"]["id"], r["partnerships"]) for r in json.loads(out)["places"]]
    assert top == [("gn:1", 2), ("gn:3", 2)]
    _, out, _ = run(capsys, "stats", "same-name", "--data", small_data)
    assert out.splitlines()[0] == "2 same-name partnerships"
    _, out, _ = run(capsys, "stats", "--json", "continents", "Charlotte", "--data", small_data)
    assert json.loads(out)["continents"] == ["EU", "SA"]
    _, out, _ = run(
        capsys, "stats", "chain", "Arequipa", "Voronezh", "--json", "--data", small_data
    )
    chain = json.loads(out)
    assert chain["length"] == 2 and [p["id"] for p in chain["places"]] == ["gn:2", "gn:1", "gn:8"]
    _, out, _ = run(capsys, "stats", "chain", "Arequipa", "Kyiv", "--data", small_data)
    assert out.startswith("no chain of partnerships links")
    _, out, _ = run(capsys, "stats", "by-decade", "--json", "--data", small_data)
    assert json.loads(out) == {
        "decades": [{"decade": 1960, "partnerships": 1}, {"decade": 1990, "partnerships": 1}],
        "dated": 2,
        "total": 5,
        "by_precision": {"day": 1, "year": 1},
        "by_domain": {},
    }
    _, out, _ = run(capsys, "stats", "by-decade", "--data", small_data)
    assert out.splitlines()[-1] == "2 of 5 partnerships have an established date"
    _, out, _ = run(
        capsys, "stats", "partner-countries", "United States", "--json", "--data", small_data
    )
    assert json.loads(out) == {
        "country": "US",
        "partners": [
            {"country": "AU", "partnerships": 1},
            {"country": "FR", "partnerships": 1},
            {"country": "PE", "partnerships": 1},
            {"country": "RU", "partnerships": 1},
        ],
    }
    _, out, _ = run(capsys, "stats", "domestic", "--json", "--data", small_data)
    assert json.loads(out)["count"] == 0


def test_lookup_failures_exit_2_with_one_line_each(
    capsys: pytest.CaptureFixture[str], small_data: str
) -> None:
    code, out, err = run(capsys, "place", "Orange", "--data", small_data)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "twintowns: 'Orange' is ambiguous; candidates:",
        "Orange, US-CA, US (gn:3)",
        "Orange, AU-NSW, AU (gn:5)",
        "Orange, FR-PAC, FR (gn:4)",
    ]
    code, out, err = run(capsys, "partners", "Charlote", "--json", "--data", small_data)
    assert code == 2
    lines = err.splitlines()
    assert lines[:3] == [
        "twintowns: no place matches 'Charlote'",
        "did you mean:",
        "Charlotte, US-NC, US",
    ]
    error = json.loads(out)["error"]
    assert error["type"] == "place_not_found" and error["suggestions"][0] == "Charlotte, US-NC, US"
    code, out, _ = run(capsys, "distance", "Orange", "Kyiv", "--json", "--data", small_data)
    error = json.loads(out)["error"]
    assert code == 2 and error["type"] == "ambiguous_place" and len(error["candidates"]) == 3


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["partners", "Kyiv", "--status", "closed"], "unknown status 'closed'"),
        (["partners", "Kyiv", "--kind", "twin"], "unknown kind 'twin'"),
        (["distance", "Kyiv", "Orange, FR", "--unit", "furlong"], "unknown unit 'furlong'"),
        (["timediff", "Kyiv", "Orange, FR", "--at", "2026-07-01T12:00"], "has no UTC offset"),
        (["timediff", "Kyiv", "Orange, FR", "--at", "noon"], "is not an ISO 8601 date-time"),
        (["search", "Kyiv", "--limit", "0"], "must be at least 1"),
        (["stats", "top-places", "--country", "Atlantis"], "unknown country: 'Atlantis'"),
        (["stats", "partner-countries", "Atlantis"], "unknown country: 'Atlantis'"),
        (["stats", "partner-countries"], "a COUNTRY is needed"),
        (["stats", "domestic", "US", "--country", "JP"], "two countries given"),
        (["place"], "the following arguments are required: QUERY"),
        (["stats"], "required: STAT"),
        (["export", "--format", "xlsx", "--output", "x"], "invalid choice: 'xlsx'"),
        (["nonsense"], "invalid choice: 'nonsense'"),
        ([], "usage: twintowns"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], small_data: str, argv: list[str], message: str
) -> None:
    extra = (
        ["--data", small_data]
        if len(argv) > 1 and argv[0] in ("partners", "distance", "timediff", "search", "stats")
        else []
    )
    code, out, err = run(capsys, *argv, *extra)
    assert code == 2 and out == ""
    assert message in err


def test_bad_dataset_and_unwritable_output_exit_2(
    capsys: pytest.CaptureFixture[str], small_data: str, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "place", "Kyiv", "--data", str(tmp_path / "none"))
    assert code == 2 and "no such dataset" in err
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    code, out, err = run(
        capsys,
        "export",
        "--format",
        "json",
        "--output",
        str(blocker / "out.json"),
        "--json",
        "--data",
        small_data,
    )
    assert code == 2 and "no such folder" in err and str(blocker) in err
    assert json.loads(out)["error"]["type"] == "os_error"


def test_export_every_format(
    capsys: pytest.CaptureFixture[str], small_data: str, small_atlas: Atlas, tmp_path: Path
) -> None:
    assert EXPORT_FORMATS == FORMATS
    for fmt in FORMATS:
        target = tmp_path / ("out-csv" if fmt == "csv" else f"out.{fmt}")
        code, out, err = run(
            capsys,
            "export",
            "--format",
            fmt,
            "--output",
            str(target),
            "--json",
            "--data",
            small_data,
        )
        document = json.loads(out)
        assert code == 0 and err == ""  # no progress bar when stderr is not a terminal
        assert document["places"] == len(small_atlas.places) and document["format"] == fmt
        assert all(Path(p).exists() for p in document["paths"])
    assert twintowns.load(tmp_path / "out.json") == small_atlas
    assert twintowns.load(tmp_path / "out-csv") == small_atlas
    assert twintowns.load(tmp_path / "out.sqlite") == small_atlas
    code, out, _ = run(
        capsys,
        "export",
        "--format",
        "csv",
        "--output",
        str(tmp_path / "one"),
        "--place",
        "Charlotte",
        "--data",
        small_data,
    )
    assert out.startswith("wrote 3 places and 2 partnerships as csv to ")
    assert twintowns.load(tmp_path / "one").degree("gn:1") == 2


def test_every_command_has_help_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for spec in COMMANDS:
        assert spec.name in out
        code, out_sub, _ = run(capsys, spec.name, "--help")
        assert code == 0 and "examples:" in out_sub and "--json" in out_sub, spec.name
    for stat in (
        "top-places",
        "partner-countries",
        "continents",
        "domestic",
        "same-name",
        "by-decade",
        "chain",
    ):
        code, out_sub, _ = run(capsys, "stats", stat, "--help")
        assert code == 0 and "example:" in out_sub
    assert run(capsys, "--version")[1].strip() == f"twintowns {twintowns.__version__}"
    assert build_parser().prog == "twintowns"


# --------------------------------------------------------------------------- layout


def test_every_command_is_one_module_in_the_dispatch_table() -> None:
    import importlib

    from twintowns.cli.commands import HANDLERS

    names = [spec.name for spec in COMMANDS]
    assert len(set(names)) == len(names) == len(HANDLERS)
    for spec in COMMANDS:
        assert HANDLERS[spec.name] is spec.handler
        module = importlib.import_module(f"twintowns.cli.commands.{spec.name}")
        assert module.COMMAND is spec, spec.name
        assert spec.handler.__module__ == spec.arguments.__module__ == module.__name__


def test_every_statistic_is_in_the_stats_table(capsys: pytest.CaptureFixture[str]) -> None:
    from twintowns.cli.commands.stats import STATISTICS

    names = [s.name for s in STATISTICS]
    assert len(set(names)) == len(names) == 7
    code, out, _ = run(capsys, "stats", "--help")
    assert code == 0
    assert all(name in out for name in names)
    code, _, err = run(capsys, "stats", "no-such-statistic")
    assert code == 2 and "invalid choice" in err


def test_the_command_line_uses_no_private_name_of_another_module() -> None:
    """Every name a module of ``twintowns.cli`` imports from twintowns is public."""
    import ast

    found = []
    for path in sorted((ROOT / "src" / "twintowns" / "cli").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("twintowns"):
                parts = [*(node.module or "").split("."), *(a.name for a in node.names)]
                private = [p for p in parts if p.startswith("_") and not p.startswith("__")]
                if private:
                    found.append(f"{path.name}:{node.lineno}: {node.module} {private}")
    assert found == []


# --------------------------------------------------------------------------- end to end

SCRIPT = Path(sys.executable).with_name("twintowns")


@pytest.fixture(scope="module")
def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "COLUMNS"}


def cli(env: dict[str, str], *argv: str, module: bool = False) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "twintowns"] if module else [str(SCRIPT)]
    return subprocess.run(
        [*command, *argv], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_console_script_is_installed() -> None:
    assert SCRIPT.is_file(), "pip install -e . creates the twintowns console script"


@pytest.mark.parametrize(
    ("argv", "check"),
    [
        (["place", "Charlotte"], "Charlotte, US-NC, US"),
        (["search", "wroclav"], "Wrocław"),
        (["partners", "Charlotte", "--sort", "established"], "Arequipa"),
        (["distance", "Charlotte", "Arequipa", "--unit", "mi"], " mi (haversine"),
        (["timediff", "Charlotte", "Baoding", "--at", "2026-12-15T12:00Z"], "13:00 h ahead"),
        (["stats", "top-places", "-n", "3", "--country", "US"], "Partnerships"),
        (["stats", "partner-countries", "US", "-n", "3"], "Country"),
        (["stats", "continents", "Charlotte"], "Europe"),
        (["stats", "domestic", "JP", "-n", "2"], "domestic partnerships in JP"),
        (["stats", "domestic", "--country", "Japan", "-n", "2"], "domestic partnerships in JP"),
        (["stats", "partner-countries", "--country", "US", "-n", "3"], "Country"),
        (["stats", "same-name", "-n", "2"], "same-name partnerships"),
        (["stats", "by-decade"], "1990s"),
        (["stats", "chain", "Charlotte", "Arequipa"], "1 partnership(s)"),
    ],
)
def test_e2e_every_command_in_both_modes(env: dict[str, str], argv: list[str], check: str) -> None:
    text = cli(env, *argv)
    assert (text.returncode, text.stderr) == (0, "")
    assert check in text.stdout
    machine = cli(env, *argv, "--json")
    assert (machine.returncode, machine.stderr) == (0, "")
    document = json.loads(machine.stdout)
    assert isinstance(document, dict) and "error" not in document


def test_e2e_charlotte_partners(env: dict[str, str]) -> None:
    document = json.loads(cli(env, "partners", "Charlotte", "--json").stdout)
    names = {p["partner"]["name"] for p in document["partners"]}
    assert {"Arequipa", "Krefeld", "Baoding", "Voronezh", "Limoges", "Wrocław", "Kumasi"} <= names
    voronezh = next(p for p in document["partners"] if p["partner"]["name"] == "Voronezh")
    assert voronezh["status"] == "suspended" and voronezh["established"] == "1991"
    active = json.loads(cli(env, "partners", "Charlotte", "--status", "active", "--json").stdout)
    assert "Voronezh" not in {p["partner"]["name"] for p in active["partners"]}
    # python -m twintowns is the same program
    assert (
        cli(env, "place", "Charlotte", module=True).stdout == cli(env, "place", "Charlotte").stdout
    )


def test_e2e_unknown_and_ambiguous_places(env: dict[str, str]) -> None:
    unknown = cli(env, "place", "Xyzzyville")
    assert unknown.returncode == 2 and unknown.stdout == ""
    lines = unknown.stderr.splitlines()
    assert lines[:2] == ["twintowns: no place matches 'Xyzzyville'", "did you mean:"]
    assert len(lines) >= 3
    ambiguous = cli(env, "partners", "Springfield", "--json")
    assert ambiguous.returncode == 2
    lines = ambiguous.stderr.splitlines()
    assert lines[0] == "twintowns: 'Springfield' is ambiguous; candidates:"
    assert len(lines) >= 3 and all(line.startswith("Springfield, ") for line in lines[1:])
    error = json.loads(ambiguous.stdout)["error"]
    assert error["type"] == "ambiguous_place" and error["candidates"] == lines[1:]


_VALID = """\
kind = "sister"
signed = "2023-11-14"

[[parties]]
place = "Charlotte, North Carolina"
[parties.approval]
body = "Charlotte City Council"
date = "2023-10-23"
[[parties.signatories]]
name = "Vi Lyles"
office = "Mayor"
highest_official = true

[[parties]]
place = "Arequipa"
[parties.approval]
body = "Concejo Municipal"
date = "2023-10-01"
[[parties.signatories]]
name = "Víctor Hugo Rivera"
office = "Alcalde"
highest_official = true
"""


def test_e2e_validate(env: dict[str, str], tmp_path: Path) -> None:
    agreement = tmp_path / "agreement.toml"
    agreement.write_text(_VALID.replace("Arequipa", "Nagoya"), encoding="utf-8")
    ok = cli(env, "validate", str(agreement))
    assert ok.returncode == 0 and "valid" in ok.stdout.splitlines()[0]
    report = json.loads(cli(env, "validate", str(agreement), "--json").stdout)
    assert report["ok"] is True and report["policy"] and report["file"] == str(agreement)
    # Charlotte's own policy wants citizen involvement and pledged money: invalid, exit code 1
    invalid = cli(env, "validate", str(agreement), "--policy", "charlotte")
    assert invalid.returncode == 1 and "INVALID" in invalid.stdout
    report = json.loads(
        cli(env, "validate", str(agreement), "--policy", "charlotte", "--json").stdout
    )
    assert report["ok"] is False and report["counts"]["error"] >= 1
    # a malformed file: exit code 2 and where the problem is
    broken = tmp_path / "broken.toml"
    broken.write_text('kind = "sister"\n[[parties]]\nplace = \n', encoding="utf-8")
    bad = cli(env, "validate", str(broken), "--json")
    assert bad.returncode == 2
    assert "line 3" in bad.stderr and str(broken) in bad.stderr
    error = json.loads(bad.stdout)["error"]
    assert error["type"] == "agreement_error" and error["line"] == 3
    missing = cli(env, "validate", str(tmp_path / "none.toml"))
    assert missing.returncode == 2 and "No such file" in missing.stderr
    policy = cli(env, "validate", str(agreement), "--policy", "nowhere")
    assert policy.returncode == 2 and "unknown policy 'nowhere'" in policy.stderr


def test_e2e_export_quiet_when_piped(env: dict[str, str], tmp_path: Path) -> None:
    target = tmp_path / "charlotte.geojson"
    done = cli(
        env, "export", "--format", "geojson", "--output", str(target), "--place", "Charlotte"
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("wrote ") and target.is_file()
    document = json.loads(target.read_text("utf-8"))
    assert document["type"] == "FeatureCollection" and len(document["features"]) >= 15
    machine = json.loads(
        cli(
            env,
            "export",
            "--format",
            "sqlite",
            "--output",
            str(tmp_path / "c.sqlite"),
            "--place",
            "Charlotte",
            "--json",
        ).stdout
    )
    assert machine["format"] == "sqlite" and machine["partnerships"] >= 7
    blocked = cli(env, "export", "--format", "csv", "--output", str(target / "sub"))
    assert blocked.returncode == 2 and "twintowns: " in blocked.stderr
    unwritable = cli(
        env, "export", "--format", "json", "--output", "/proc/twintowns.json", "--json"
    )
    assert unwritable.returncode == 2 and "/proc/twintowns.json" in unwritable.stderr
    assert json.loads(unwritable.stdout)["error"]["type"] == "os_error"


def test_e2e_export_shows_progress_on_a_terminal(env: dict[str, str], tmp_path: Path) -> None:
    primary, secondary = pty.openpty()
    try:
        done = subprocess.run(
            [str(SCRIPT), "export", "--format", "json", "--output", str(tmp_path / "all.json")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=secondary,
            text=True,
            timeout=120,
            check=False,
        )
        os.close(secondary)
        secondary = -1
        shown = b""
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        if secondary >= 0:
            os.close(secondary)
        os.close(primary)
    assert done.returncode == 0
    text = shown.decode("utf-8")
    assert "exporting [" in text and "100%" in text
    # (the bundled data may be rebuilt while the tests run: compare with what was written)
    places, partnerships = (int(n.replace(",", "")) for n in done.stdout.split()[1:5:3])
    loaded = twintowns.load(tmp_path / "all.json")
    assert (len(loaded.places), len(loaded.partnerships)) == (places, partnerships)


def test_e2e_map_and_usage_errors(env: dict[str, str], tmp_path: Path) -> None:
    target = tmp_path / "charlotte.svg"
    drawn = json.loads(cli(env, "map", "Charlotte", "--output", str(target), "--json").stdout)
    assert drawn["format"] == "svg" and drawn["partners"] >= 7
    assert target.read_text("utf-8").lstrip().startswith(("<svg", "<?xml"))
    html = tmp_path / "charlotte.html"
    text = cli(env, "map", "Charlotte", "--output", str(html), "--status", "active")
    assert (text.returncode, text.stderr) == (0, "")
    assert text.stdout.startswith("wrote the HTML map of Charlotte, US-NC, US with ")
    assert html.stat().st_size > 1000
    nowhere = cli(env, "map", "Charlotte", "--output", str(tmp_path / "no" / "map.svg"))
    assert nowhere.returncode == 2 and nowhere.stderr.startswith("twintowns: ")
    usage = cli(env, "partners")
    assert usage.returncode == 2 and "usage: twintowns partners" in usage.stderr
    at = cli(env, "timediff", "Charlotte", "Baoding", "--at", "2026-12-15 12:00", "--json")
    assert at.returncode == 2 and json.loads(at.stdout)["error"]["type"] == "usage_error"


def test_e2e_map_html_offline_by_default_tiles_on_request(
    env: dict[str, str], tmp_path: Path
) -> None:
    offline = tmp_path / "honolulu.html"
    done = json.loads(cli(env, "map", "Honolulu", "--output", str(offline), "--json").stdout)
    text = offline.read_text("utf-8")
    # Honolulu's East Asian partners get an inset (issue 20), where every name fits
    assert done["format"] == "html" and done["labels"] == "names"
    honolulu = len(twintowns.load().partners("Honolulu"))
    assert done["bytes"] == offline.stat().st_size and text.count("<tr data-number=") == honolulu
    assert "<script src" not in text and "leaflet" not in text.casefold()
    pytest.importorskip("folium")
    tiles = tmp_path / "tiles.html"
    done = json.loads(
        cli(env, "map", "Honolulu", "--output", str(tiles), "--tiles", "--json").stdout
    )
    assert done["labels"] == "popups" and "leaflet" in tiles.read_text("utf-8").casefold()


def test_e2e_nothing_is_written_to_the_users_disk(env: dict[str, str], tmp_path: Path) -> None:
    """The program answers from the bundled data alone: no cache, no index in the home folder."""
    home, cache = tmp_path / "home", tmp_path / "cache"
    home.mkdir()
    cache.mkdir()
    own = {**env, "HOME": str(home), "XDG_CACHE_HOME": str(cache)}
    first = cli(own, "place", "Charlotte")
    again = cli(own, "partners", "Paris", "--json")
    assert first.returncode == again.returncode == 0
    assert first.stdout.startswith("Charlotte, US-NC, US\n")
    assert json.loads(again.stdout)["place"]["country"] == "FR"
    assert list(home.iterdir()) == list(cache.iterdir()) == []


def test_e2e_timediff_default_is_now(env: dict[str, str]) -> None:
    document = json.loads(cli(env, "timediff", "Charlotte", "Baoding", "--json").stdout)
    at = dt.datetime.fromisoformat(document["at"])
    assert abs((dt.datetime.now(dt.UTC) - at).total_seconds()) < 120
    assert document["difference_hours"] in (12.0, 13.0)


def test_starting_the_program_imports_no_heavy_module() -> None:
    code = (
        "import sys, twintowns.cli; twintowns.cli.build_parser(); "
        "print(' '.join(sorted(sys.modules)))"
    )
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    heavy = {
        "twintowns.dataset",
        "twintowns.export",
        "twintowns.stats",
        "twintowns.maps",
        "twintowns.validation",
        "twintowns.lookup",
        "numpy",
        "pandas",
        "networkx",
        "sqlite3",
    }
    assert not loaded & heavy, sorted(loaded & heavy)


def test_partners_and_place_answer_without_numpy_pycountry_or_a_build() -> None:
    """What the two start-up commands need ships in the package (columns.bin: the columns,
    the name table and the adjacency): they import neither numpy nor pycountry."""
    code = (
        "import sys\n"
        "from twintowns.cli import main\n"
        "assert main(['partners', 'Charlotte']) == 0\n"
        "assert main(['place', 'Charlotte', '--json']) == 0\n"
        "print(sorted({'numpy', 'pycountry', 'twintowns.spatial'} & set(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"
    assert "Charlotte, US-NC, US: " in done.stdout


def test_a_command_line_builds_the_options_of_its_command_alone_and_parses_the_same() -> None:
    import shlex

    from twintowns.cli import _build_parser

    full = build_parser()

    def sub(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        found: argparse.ArgumentParser = action.choices[name]
        return found

    for spec in COMMANDS:
        one = _build_parser(spec.name)
        assert one.format_help() == full.format_help()
        assert sub(one, spec.name).format_help() == sub(full, spec.name).format_help()
        for example in spec.examples:
            argv = shlex.split(example)[1:]
            assert one.parse_args(argv) == full.parse_args(argv), example


def test_narrow_terminals_cut_text_but_never_numbers() -> None:
    rows = [["Arequipa", "PE", "5,824"], ["Baoding", "CN", "11,607"]]
    text = table(["Partner", "Country", "Distance (km)"], rows, align="llr", max_width=26)
    lines = text.split("\n")
    assert all(text_width(line) <= 26 for line in lines)
    assert lines[2].endswith("5,824") and lines[3].endswith("11,607")
    assert lines[0].endswith("Distance (km)") and "…" in lines[0]
