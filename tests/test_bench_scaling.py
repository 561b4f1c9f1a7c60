"""The scaling benchmark's synthetic atlas loads through the bundled data's own path.

``benchmarks/bench_scaling.py`` writes ``factor`` copies of the bundled data with
the data build's columns writer and loads them with
:func:`twintowns.dataset._read_bundled`; here at twice the bundled size, every
record built (so every check of the columnar store runs on every record).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import twintowns
from benchmarks import bench_scaling
from twintowns.atlas import Atlas
from twintowns.records import ColumnarRecords


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple[int, int]]:
    folder = tmp_path_factory.mktemp("scaling") / "x2"
    return folder, bench_scaling.write_synthetic(folder, 2, seed=7)


@pytest.fixture(scope="module")
def atlas(synthetic: tuple[Path, tuple[int, int]]) -> Atlas:
    return bench_scaling.load_synthetic(synthetic[0])


def test_two_copies_of_every_record(synthetic: tuple[Path, tuple[int, int]], atlas: Atlas) -> None:
    bundled = twintowns.load()
    n, m = len(bundled), bundled._records.partnership_count()
    assert synthetic[1] == (2 * n, 2 * m)
    assert isinstance(atlas._records, ColumnarRecords)
    assert len(atlas) == 2 * n
    # every record built: each passes the store's checks against the columns
    assert len(tuple(atlas.places)) == 2 * n
    assert len(tuple(atlas.partnerships)) == 2 * m
    assert {p.id.split(":", 1)[0] for p in atlas.places} == {"s000", "s001"}


def test_copy_zero_is_the_bundled_data_and_copy_one_is_renamed_and_moved(atlas: Atlas) -> None:
    charlotte = twintowns.load().place("Charlotte", country="US")
    same = atlas.place("Charlotte", country="US")
    assert same.id == f"s000:{charlotte.id}"
    assert (same.name, same.latitude, same.longitude, same.wikidata) == (
        charlotte.name,
        charlotte.latitude,
        charlotte.longitude,
        charlotte.wikidata,
    )
    copy = atlas.place("Charlotte 1", country="US")
    assert copy.id == f"s001:{charlotte.id}"
    assert copy.wikidata is None
    assert copy.aliases == tuple(f"{a} 1" for a in charlotte.aliases)
    assert 0 < math.dist(copy.coordinates, charlotte.coordinates) <= 0.03 * math.sqrt(2)
    # the partnerships of each copy are among that copy's places
    partners = {p.id for p in atlas.partners(copy)}
    assert partners == {f"s001:{p.id}" for p in twintowns.load().partners(charlotte)}
    for p in atlas.partnerships_of(copy):
        assert p.claimed_by <= {p.a.id, p.b.id}


def _answers(atlas: Atlas, name: str) -> str | None:
    try:
        return atlas.place(name).id
    except LookupError:
        return None


def test_the_other_names_are_copied(atlas: Atlas) -> None:
    bundled = twintowns.load()
    # a name found only in names.csv (no place's name or alias) that names one place
    folded = {n.casefold() for p in bundled.places for n in (p.name, p.ascii_name, *p.aliases)}
    text = (Path(twintowns.__file__).parent / "data" / "names.csv").read_text("utf-8")
    pid, other = next(
        (pid, name)
        for pid, names in (line.split(",", 1) for line in text.splitlines()[1:])
        if '"' not in names
        for name in names.split("|")
        if name.casefold() not in folded and _answers(bundled, name) == pid
    )
    assert _answers(atlas, other) == f"s000:{pid}"
    assert _answers(atlas, f"{other} 1") == f"s001:{pid}"


def test_every_row_of_the_table_is_measured(
    synthetic: tuple[Path, tuple[int, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    measured = bench_scaling._measure(synthetic[0], seed=3)
    for key, _label, _total in bench_scaling._ROWS:
        assert math.isfinite(measured[key]) and measured[key] >= 0, key
    assert measured["load_ms"] > 0
    same = {**dict.fromkeys(measured, 1.0), "places": 1, "partnerships": 1}
    bench_scaling._table([1, 2], {1: same, 2: same})
    table = capsys.readouterr().out
    for _key, label, total in bench_scaling._ROWS:
        line = next(line for line in table.splitlines() if line.startswith(f"| {label} |"))
        growth = "0.50" if total else "1.00"  # the same values at twice the size
        assert line.endswith((f" {growth} |", f" {growth} ({growth}) |")), line


def test_a_size_without_room_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="not started"):
        bench_scaling._check_room(tmp_path, 10**7)
    with pytest.raises(ValueError, match="factor"):
        bench_scaling.write_synthetic(tmp_path, 0, seed=1)


def test_kept_files_are_reused_only_when_the_same_code_made_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[list[str]] = []

    def generate(args: list[str]) -> dict[str, float]:
        made.append(args)
        Path(args[1]).mkdir(parents=True)
        return {"places": 3.0, "partnerships": 2.0, "seconds": 1.0, "peak_mib": 1.0, "mib": 1.0}

    monkeypatch.setattr(bench_scaling, "_json_from", generate)
    folder = tmp_path / "x1"
    first = bench_scaling._files_for(folder, 1, 7, keep=True)
    again = bench_scaling._files_for(folder, 1, 7, keep=True)
    assert len(made) == 1 and first["places"] == again["places"] == 3.0
    assert again["seconds"] == 0.0  # reused: nothing generated
    bench_scaling._files_for(folder, 1, 8, keep=True)  # another seed: made again
    assert len(made) == 2
    record = json.loads((folder / bench_scaling.MADE).read_text("utf-8"))
    record["digest"] = "0" * 64  # files some other generator made
    (folder / bench_scaling.MADE).write_text(json.dumps(record), "utf-8")
    bench_scaling._files_for(folder, 1, 8, keep=True)
    assert len(made) == 3
    bench_scaling._files_for(folder, 1, 8, keep=False)  # without --keep: always made
    assert len(made) == 4
