"""The Datasette folder (twintowns.web), served in-process by Datasette's own test client."""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from twintowns import Atlas
from twintowns.export import export, subset
from twintowns.model import Status
from twintowns.web import DATABASE, QUERIES, datasette_metadata, to_datasette

datasette_app = pytest.importorskip("datasette.app")  # the [web] extra (in [dev])


@pytest.fixture(scope="module")
def folder(atlas: Atlas, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("web") / "twintowns-web"
    assert [p.name for p in to_datasette(atlas, target)] == ["twintowns.db", "metadata.json"]
    return target


def get_all(folder: Path, *urls: str) -> list[tuple[int, Any]]:
    """Answer ``urls`` as ``datasette FOLDER`` would, in-process (no server, no network)."""
    site = datasette_app.Datasette(config_dir=folder)

    async def fetch() -> list[tuple[int, Any]]:
        answers = []
        for url in urls:
            response = await site.client.get(url)
            answers.append((response.status_code, response.json()))
        return answers

    return asyncio.run(fetch())


def test_canned_queries_answer(atlas: Atlas, folder: Path) -> None:
    charlotte = atlas.place("Charlotte, US-NC")
    (s1, partners), (s2, by_id), (s3, suspended), (s4, top) = get_all(
        folder,
        "/twintowns/partners_of_place.json?place=charlotte&_shape=array",
        f"/twintowns/partners_of_place.json?place={charlotte.id}&_shape=array",
        "/twintowns/suspended_since_2022.json?_shape=array",
        "/twintowns/top_places.json?_shape=array",
    )
    assert (s1, s2, s3, s4) == (200, 200, 200, 200)
    # partners of a place: by name (any case) and by id; every row of the documented shape
    assert all(
        list(row)
        == [
            "home_id",
            "home_label",
            "partner_id",
            "partner",
            "country",
            "kind",
            "status",
            "established",
            "ended",
            "note",
        ]
        for row in partners
    )
    mine = [row for row in partners if row["home_id"] == charlotte.id]
    assert mine == by_id
    expected = {
        (
            p.other(charlotte).id,
            p.status.value,
            None if p.established is None else str(p.established),
        )
        for p in atlas.partnerships_of(charlotte)
    }
    assert {(r["partner_id"], r["status"], r["established"]) for r in mine} == expected
    assert len(mine) == len(expected) and mine[0]["home_label"] == "Charlotte, US-NC"
    # suspended since 2022: exactly the atlas's suspended ties dated 2022 or later
    want = {
        p.ids
        for p in atlas.partnerships
        if p.status is Status.SUSPENDED and p.ended is not None and str(p.ended) >= "2022"
    }
    assert {(r["a_id"], r["b_id"]) for r in suspended} == want and want
    assert [r["suspended"] for r in suspended] == sorted(
        (r["suspended"] for r in suspended), reverse=True
    )
    voronezh = next(r for r in suspended if r["place_b"] == "Voronezh")
    assert voronezh["place_a"] == "Charlotte" and voronezh["urls"].split()
    # top places: the counts of the atlas, most first
    counts = Counter(pid for p in atlas.partnerships for pid in p.ids)
    names = {place.id: place.name for place in atlas.places}
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], names[kv[0]], kv[0]))
    assert len(top) == 100
    assert [(r["id"], r["partnerships"]) for r in top[:5]] == ranked[:5]


def test_metadata_facets_and_descriptions_are_served(atlas: Atlas, folder: Path) -> None:
    (s1, meta), (s2, table), (s3, places), (s4, bad) = get_all(
        folder,
        "/-/metadata.json",
        "/twintowns/partnerships.json?_size=1",
        "/twintowns/places.json?_size=1&country=US",
        "/twintowns/partners_of_place.json?place=Nowhere-at-all&_shape=array",
    )
    assert (s1, s2, s3, s4) == (200, 200, 200, 200)
    written = json.loads((folder / "metadata.json").read_text("utf-8"))
    assert meta == written == json.loads(json.dumps(datasette_metadata(atlas)))
    assert meta["license"] == "CC BY-SA 4.0" and "Wikipedia" in meta["source"]
    assert sorted(meta["databases"][DATABASE]["queries"]) == sorted(QUERIES)
    assert set(table["facet_results"]) == {"status", "kind"}
    statuses = {r["value"]: r["count"] for r in table["facet_results"]["status"]["results"]}
    assert statuses == dict(Counter(p.status.value for p in atlas.partnerships))
    assert set(places["facet_results"]) == {"country", "kind", "continent"}
    assert places["filtered_table_rows_count"] == sum(p.country == "US" for p in atlas.places)
    assert bad == []
    # every column of every table has a description
    tables = meta["databases"][DATABASE]["tables"]
    db = sqlite3.connect(folder / "twintowns.db")
    try:
        for name in (
            "places",
            "partnerships",
            "partners",
            "partnership_references",
            "place_aliases",
        ):
            columns = [row[1] for row in db.execute(f"PRAGMA table_info({name})")]
            assert list(tables[name]["columns"]) == columns, name
    finally:
        db.close()


def test_export_format_and_errors(atlas: Atlas, tmp_path: Path) -> None:
    small = tmp_path / "charlotte"
    paths = export(subset(atlas, "Charlotte, US-NC"), "datasette", small)
    assert paths == [small / "twintowns.db", small / "metadata.json"]
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError, match="not a folder"):
        to_datasette(atlas, tmp_path / "file")
    with pytest.raises(FileNotFoundError):
        to_datasette(atlas, tmp_path / "missing" / "web")
    assert not (tmp_path / "missing").exists()


def test_twintowns_serve_answers_on_loopback(tmp_path: Path) -> None:
    """``twintowns serve`` for real: Datasette on 127.0.0.1, asked over HTTP, then stopped."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tmp_path / "web"
    server = subprocess.Popen(
        [sys.executable, "-m", "twintowns", "serve", "--port", str(port), "--folder", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert first.startswith("serving ") and f"http://127.0.0.1:{port}/" in first
        url = (
            f"http://127.0.0.1:{port}/twintowns/partners_of_place.json?place=Charlotte&_shape=array"
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    rows = json.load(response)
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, "the server stopped"
                assert time.monotonic() < deadline, "no answer within 60 s"
                time.sleep(0.3)
        assert "Krefeld" in {row["partner"] for row in rows if row["home_id"] == "gn:4460243"}
        assert (folder / "twintowns.db").is_file() and (folder / "metadata.json").is_file()
    finally:
        server.terminate()
        server.wait(timeout=30)
