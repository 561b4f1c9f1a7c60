"""The hand-reviewed tables of databuild/tables/ and the sources' checksum manifest."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from databuild import checksums, countries, gazetteer, reviewed
from databuild.build import SOURCES_META


def test_every_shipped_table_parses_with_its_schema() -> None:
    admin1 = reviewed.load_admin1()
    assert set(admin1) == {"AU", "CA", "DE", "FR", "IT"}
    assert admin1["DE"]["02"] == "DE-BY"
    assert all(code.startswith(cc + "-") for cc, t in admin1.items() for code in t.values())
    english = reviewed.load_english_subdivisions()
    assert english["Bavaria"] == "DE-BY" and english["Vilnius County"] == "LT-VL"
    names = reviewed.load_country_names()
    assert names["Scotland"] == ("GB", "GB-SCT", "constituent country of the UK")
    assert names["Kosovo"][:2] == ("XK", None)
    deps = reviewed.load_dependencies()
    assert "GU" in deps["US"] and deps["NO"] == ("SJ",)
    sources = reviewed.load_sources()
    assert [s.get("ref") for s in sources][:5] == [
        "wpcont",
        "wpcountry",
        "wikidata",
        "wikidata-2026",
        "wikidata-2016",
    ]
    assert all({"name", "license"} <= set(s) for s in sources)


def test_the_build_uses_the_shipped_tables() -> None:
    assert reviewed.load_admin1() == gazetteer.ADMIN1_TABLE
    assert reviewed.load_english_subdivisions() == gazetteer.ENGLISH_SUBDIVISIONS
    assert reviewed.load_country_names() == countries.DECISIONS
    assert reviewed.load_dependencies() == countries.DEPENDENCIES
    assert reviewed.load_sources() == SOURCES_META
    assert countries.country_code("Northern Ireland") == ("GB", "GB-NIR")


def test_the_tables_ship_beside_the_curation() -> None:
    folder = Path(reviewed.__file__).parent / "tables"
    assert folder == reviewed.TABLES_DIR
    assert {p.name for p in folder.iterdir()} >= {
        reviewed.ADMIN1_FILE,
        reviewed.ENGLISH_SUBDIVISIONS_FILE,
        reviewed.COUNTRY_NAMES_FILE,
        reviewed.DEPENDENCIES_FILE,
        reviewed.SOURCES_FILE,
        checksums.MANIFEST.name,
    }


@pytest.mark.parametrize(
    ("parse", "text", "fragment"),
    [
        (reviewed.parse_admin1, '[AU]\n"01" = "NZ-AUK"\n', "not a subdivision of AU"),
        (reviewed.parse_admin1, '[Au]\n"01" = "AU-ACT"\n', "a country must match"),
        (reviewed.parse_admin1, '[AU]\n"1x1" = "AU-ACT"\n', "the admin1 code must match"),
        (reviewed.parse_admin1, "[AU]\n", "non-empty table"),
        (reviewed.parse_admin1, "[AU\n", "not TOML"),
        (reviewed.parse_english_subdivisions, '[subdivisions]\n"Tyrol" = "Tirol"\n', "ISO 3166-2"),
        (reviewed.parse_english_subdivisions, '[regions]\n"Tyrol" = "AT-7"\n', "[subdivisions]"),
        (reviewed.parse_english_subdivisions, '[subdivisions]\n" Tyrol" = "AT-7"\n', "spaces"),
        (reviewed.parse_country_names, "name,code\nWales,GB\n", "the header must be"),
        (reviewed.parse_country_names, "name,country,subdivision,why\nX,GB\n", "4 fields"),
        (
            reviewed.parse_country_names,
            "name,country,subdivision,why\nWales,GB,FR-BRE,why\n",
            "country_names.csv:2: FR-BRE is not a subdivision of GB",
        ),
        (
            reviewed.parse_country_names,
            "name,country,subdivision,why\nWales,GB,,\n",
            "needs a reason",
        ),
        (
            reviewed.parse_country_names,
            "name,country,subdivision,why\nWales,GB,,a\nWales,GB,,b\n",
            "country_names.csv:3: the name 'Wales' is empty or repeated",
        ),
        (reviewed.parse_dependencies, '[dependencies]\nFR = ["nc"]\n', "a territory must match"),
        (reviewed.parse_dependencies, "[dependencies]\nFR = []\n", "must list its territories"),
        (reviewed.parse_sources, '[[source]]\nname = "x"\n', "#1: keys ['name']; required"),
        (
            reviewed.parse_sources,
            '[[source]]\nname = "x"\nlicense = "y"\nurl = "z"\n',
            "allowed",
        ),
        (reviewed.parse_sources, '[[source]]\nname = ""\nlicense = "y"\n', "non-empty string"),
        (reviewed.parse_sources, 'name = "x"\n', "[[source]] entries only"),
    ],
)
def test_table_mistakes_name_file_and_entry(parse: object, text: str, fragment: str) -> None:
    assert callable(parse)
    with pytest.raises(reviewed.TableError) as info:
        parse(text)
    assert fragment in str(info.value)


def test_the_manifest_pins_every_source_file() -> None:
    manifest = checksums.load_manifest()
    assert len(manifest) == 27
    # the three the sources README gives, unchanged
    assert manifest["wikidata-cities-2026/cities.csv"].startswith("e20d322f")
    assert manifest["wikidata-p190-2016/names.tsv"].startswith("d088a22a")
    assert manifest["wikidata-p190-2016/relations.tsv"].startswith("97a24bcf")
    assert {rel.split("/")[0] for rel in manifest} == {
        "wikidata-cities-2026",
        "wikidata-eu",
        "wikidata-p190-2016",
        "wikipedia-continent-lists",
        "wikipedia-country-lists",
    }
    assert "README.md" not in manifest


@pytest.mark.parametrize(
    "line",
    ["0" * 63 + "  a.csv", "0" * 64 + " a.csv", "0" * 64 + "  /etc/passwd", "0" * 64 + "  ../x"],
)
def test_manifest_mistakes(line: str) -> None:
    with pytest.raises(reviewed.TableError, match=r"sources\.sha256:1: "):
        checksums.parse_manifest(line + "\n")


def _folder(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "a.csv").write_bytes(b"a,b\n1,2\n")
    (tmp_path / "b.tsv").write_bytes(b"x\ty\n")
    return {
        "lists/a.csv": hashlib.sha256(b"a,b\n1,2\n").hexdigest(),
        "b.tsv": hashlib.sha256(b"x\ty\n").hexdigest(),
    }


def test_verify_accepts_the_pinned_files(tmp_path: Path) -> None:
    checksums.verify(tmp_path, _folder(tmp_path))
    checksums.verify(tmp_path, {})  # nothing pinned: nothing checked


def test_a_changed_byte_names_the_file_expected_and_found(tmp_path: Path) -> None:
    manifest = _folder(tmp_path)
    (tmp_path / "lists" / "a.csv").write_bytes(b"a,b\n1,3\n")
    found = hashlib.sha256(b"a,b\n1,3\n").hexdigest()
    with pytest.raises(checksums.ChecksumError) as info:
        checksums.verify(tmp_path, manifest)
    assert str(info.value) == (
        f"{tmp_path / 'lists' / 'a.csv'}: sha256 {found}, expected {manifest['lists/a.csv']}"
    )


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    manifest = _folder(tmp_path)
    (tmp_path / "b.tsv").unlink()
    with pytest.raises(checksums.ChecksumError) as info:
        checksums.verify(tmp_path, manifest)
    assert str(info.value) == f"{tmp_path / 'b.tsv'}: missing (expected sha256 {manifest['b.tsv']})"


def test_the_build_stops_before_reading_a_changed_source(tmp_path: Path) -> None:
    from databuild import build

    manifest = _folder(tmp_path)
    (tmp_path / "b.tsv").write_bytes(b"x\tz\n")
    with pytest.raises(checksums.ChecksumError, match=r"b\.tsv: sha256 [0-9a-f]{64}, expected"):
        build.run(tmp_path, tmp_path / "out", tmp_path / "report", checksums=manifest)
    assert not (tmp_path / "out").exists()
