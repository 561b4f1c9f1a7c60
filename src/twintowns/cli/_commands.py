"""The commands of the ``twintowns`` program: arguments, text output and JSON output.

Each command is a :class:`Command`: its arguments, examples for ``--help``
and a handler ``(Context) -> exit code``.  Handlers import what they need
when they run, so ``twintowns place`` never imports the exporters or stats.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from twintowns.cli import EXIT_INVALID, EXIT_OK, Context, UsageError
from twintowns.cli._render import dump_json, fit_width, keyvalues, table

if TYPE_CHECKING:
    from twintowns.atlas import Atlas
    from twintowns.model import Partnership, Place

__all__ = ["COMMANDS", "EXPORT_FORMATS", "Command"]

#: ``twintowns.export.FORMATS``, repeated so that building the parser imports no exporter.
EXPORT_FORMATS = ("csv", "json", "geojson", "sqlite", "datasette")


class Command(NamedTuple):
    name: str
    help: str
    examples: Sequence[str]
    arguments: Callable[[argparse.ArgumentParser], None]
    handler: Callable[[Context], int]


# --------------------------------------------------------------------------- helpers


def _record(place: Place) -> dict[str, Any]:
    """A place as JSON: the export's record plus its human ``label``."""
    from twintowns.export import place_record

    record = place_record(place)
    record["label"] = place.label
    return record


def _pair(p: Partnership) -> dict[str, Any]:
    from twintowns.export import partnership_record

    record = partnership_record(p)
    record["a_label"], record["b_label"] = p.a.label, p.b.label
    return record


def _statuses(values: Sequence[str] | None) -> list[str] | None:
    """``--status a,b --status c`` as a list checked by the library's filter (None: all)."""
    if not values:
        return None
    from twintowns.filters import status_filter

    items = [v.strip() for value in values for v in value.split(",") if v.strip()]
    status_filter(items)  # raises ValueError naming a wrong status
    return items


def _kinds(values: Sequence[str] | None) -> list[str] | None:
    if not values:
        return None
    from twintowns.filters import kind_filter

    items = [v.strip() for value in values for v in value.split(",") if v.strip()]
    kind_filter(items)
    return items


def _add_status(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--status",
        action="append",
        metavar="S",
        help="only partnerships with this status: active, suspended, ended, proposed "
        "(comma-separated or repeated; default: all)",
    )


def _number(value: float, decimals: int = 1) -> str:
    return f"{value:,.{decimals}f}"


def _show(ctx: Context, headers: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> None:
    if rows:
        ctx.out(table(headers, rows, align=align, max_width=fit_width(ctx.stdout)))


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


# --------------------------------------------------------------------------- place


def _place_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", metavar="QUERY", help="a name ('Charlotte', 'Orange, FR') or an id")
    _place_country(p)


def _place_country(p: argparse.ArgumentParser) -> None:
    p.add_argument("--country", metavar="CODE", help="only places in this country (code or name)")


def _place(ctx: Context) -> int:
    place = ctx.place(ctx.args.query)
    partnerships = ctx.partnerships_of(place)
    by_status: dict[str, int] = {}
    for p in partnerships:
        by_status[p.status.value] = by_status.get(p.status.value, 0) + 1
    if ctx.json:
        dump_json(
            {
                "place": _record(place),
                "partnerships": {"total": len(partnerships), "by_status": by_status},
            },
            ctx.stdout,
        )
        return EXIT_OK
    counts = ", ".join(f"{n} {s}" for s, n in by_status.items())
    rows = [
        ("id", place.id),
        (
            "name",
            place.name if place.name == place.ascii_name else f"{place.name} ({place.ascii_name})",
        ),
        ("kind", place.kind.value),
        ("country", place.country + (f", {place.subdivision}" if place.subdivision else "")),
        ("continent", f"{place.continent.value} ({place.continent.label})"),
        ("coordinates", f"{place.latitude:.5f}, {place.longitude:.5f}"),
        ("timezone", place.timezone),
        ("population", "unknown" if place.population is None else f"{place.population:,}"),
    ]
    if place.wikidata:
        rows.append(("wikidata", place.wikidata))
    if place.aliases:
        rows.append(("aliases", "; ".join(place.aliases)))
    rows.append(("partnerships", f"{len(partnerships)}" + (f" ({counts})" if counts else "")))
    ctx.out(place.label)
    ctx.out(keyvalues(rows))
    return EXIT_OK


# --------------------------------------------------------------------------- search


def _search_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", metavar="QUERY", help="a name, typos allowed")
    p.add_argument("--limit", type=_positive, default=10, help="most results (default 10)")


def _search(ctx: Context) -> int:
    found = ctx.atlas().search(ctx.args.query, limit=ctx.args.limit)
    if ctx.json:
        dump_json({"query": ctx.args.query, "results": [_record(p) for p in found]}, ctx.stdout)
        return EXIT_OK
    if not found:
        ctx.err(f"twintowns: nothing resembles {ctx.args.query!r}")
        return EXIT_OK
    rows = [
        [
            p.name,
            p.subdivision or "",
            p.country,
            p.kind.value,
            "" if p.population is None else f"{p.population:,}",
            p.id,
        ]
        for p in found
    ]
    _show(ctx, ["Name", "Subdivision", "Country", "Kind", "Population", "Id"], rows, "llllrl")
    return EXIT_OK


# --------------------------------------------------------------------------- partners

_SORTS = ("name", "distance", "established")


def _partners_args(p: argparse.ArgumentParser) -> None:
    _place_args(p)
    _add_status(p)
    p.add_argument(
        "--kind",
        action="append",
        metavar="K",
        help="only this kind: sister, friendship, partner (comma-separated or repeated)",
    )
    p.add_argument("--sort", choices=_SORTS, default="name", help="row order (default: name)")
    p.add_argument("--unit", default="km", help="distance unit: km, mi, nmi, … (default km)")


def _partners(ctx: Context) -> int:
    from twintowns.geography import distance, parse_unit

    unit = parse_unit(ctx.args.unit)
    from twintowns.filters import kind_filter, status_filter

    statuses, kinds = status_filter(_statuses(ctx.args.status)), kind_filter(_kinds(ctx.args.kind))
    place = ctx.place(ctx.args.query)
    found = [
        p
        for p in ctx.partnerships_of(place)
        if (statuses is None or p.status in statuses) and (kinds is None or p.kind in kinds)
    ]
    rows = [(p, p.other(place), distance(place, p.other(place), unit=unit)) for p in found]
    if ctx.args.sort == "distance":
        rows.sort(key=lambda r: (r[2], r[1].name, r[1].id))
    elif ctx.args.sort == "established":
        # ISO partial dates sort as text: "1962" < "1962-02" < "1962-02-05" < "1963"
        rows.sort(key=lambda r: (r[0].established is None, str(r[0].established), r[1].name))
    if ctx.json:
        dump_json(
            {
                "place": _record(place),
                "unit": unit,
                "sort": ctx.args.sort,
                "count": len(rows),
                "partners": [
                    {
                        "partner": _record(other),
                        "kind": p.kind.value,
                        "status": p.status.value,
                        "established": None if p.established is None else str(p.established),
                        "ended": None if p.ended is None else str(p.ended),
                        "note": p.note,
                        "as_of": None if p.as_of is None else str(p.as_of),
                        "status_basis": p.status_basis.value,
                        "distance": d,
                    }
                    for p, other, d in rows
                ],
            },
            ctx.stdout,
        )
        return EXIT_OK
    ctx.out(f"{place.label}: {len(rows)} partner{'s' if len(rows) != 1 else ''}")
    _show(
        ctx,
        [
            "Partner",
            "Subdivision",
            "Country",
            "Kind",
            "Status",
            "Established",
            f"Distance ({unit})",
            "Basis",
            "As of",
        ],
        [
            [
                other.name,
                other.subdivision or "",
                other.country,
                p.kind.value,
                p.status.value if p.ended is None else f"{p.status.value} {p.ended}",
                "" if p.established is None else str(p.established),
                _number(d, 0),
                p.status_basis.value,
                "" if p.as_of is None else str(p.as_of),
            ]
            for p, other, d in rows
        ],
        "llllllrll",
    )
    notes = [(other, p.note) for p, other, _d in rows if p.note]
    if notes:
        ctx.out("Notes:")
        for other, note in notes:
            ctx.out(f"  {other.name}: {note}")
    if rows:
        ctx.out(
            "Basis listed: a source lists the tie, none states its status (active: no end "
            "known); confirmed: a dated source states the status. As of: the newest date a "
            "source lists the tie or states its status."
        )
    return EXIT_OK


# --------------------------------------------------------------------------- distance


def _distance_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", metavar="A", help="first place")
    p.add_argument("b", metavar="B", help="second place")
    p.add_argument("--unit", default="km", help="km, mi, nmi, m, ft (default km)")
    p.add_argument(
        "--method",
        choices=("haversine", "geodesic"),
        default="haversine",
        help="great circle on a sphere, or WGS-84 geodesic (needs geographiclib)",
    )


def _distance(ctx: Context) -> int:
    from twintowns.geography import bearing, distance, parse_unit

    unit = parse_unit(ctx.args.unit)
    a, b = ctx.place(ctx.args.a), ctx.place(ctx.args.b)
    value = distance(a, b, unit=unit, method=ctx.args.method)
    heading = bearing(a, b)
    if ctx.json:
        dump_json(
            {
                "from": _record(a),
                "to": _record(b),
                "distance": value,
                "unit": unit,
                "method": ctx.args.method,
                "initial_bearing": heading,
            },
            ctx.stdout,
        )
        return EXIT_OK
    ctx.out(
        f"{a.label} → {b.label}: {_number(value)} {unit} "
        f"({ctx.args.method}; initial bearing {heading:.1f}°)"
    )
    return EXIT_OK


# --------------------------------------------------------------------------- timediff


def _instant(text: str | None) -> dt.datetime:
    if text is None:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--at {text!r} is not an ISO 8601 date-time such as 2026-12-15T12:00+00:00"
        ) from None
    if value.tzinfo is None:
        raise UsageError(
            f"--at {text!r} has no UTC offset: add one (2026-12-15T12:00Z, …+01:00) so the "
            "instant, and so the daylight saving time in force, is unambiguous"
        )
    return value


def _offset(delta: dt.timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _timediff_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", metavar="A", help="first place")
    p.add_argument("b", metavar="B", help="second place")
    p.add_argument(
        "--at",
        metavar="ISO-DATETIME",
        help="the instant, with a UTC offset (default: now), e.g. 2026-12-15T12:00Z",
    )


def _timediff(ctx: Context) -> int:
    from twintowns.geography import local_time, time_difference

    a, b = ctx.place(ctx.args.a), ctx.place(ctx.args.b)
    at = _instant(ctx.args.at)
    delta = time_difference(a, b, at=at)
    here, there = local_time(a, at), local_time(b, at)
    if ctx.json:
        dump_json(
            {
                "from": _record(a),
                "to": _record(b),
                "at": at.astimezone(dt.UTC).isoformat(),
                "difference_hours": delta.total_seconds() / 3600,
                "difference": _offset(delta),
                "from_local": here.isoformat(),
                "to_local": there.isoformat(),
            },
            ctx.stdout,
        )
        return EXIT_OK
    if not delta:
        ctx.out(f"{b.label} has the same time as {a.label}")
    else:
        ahead = "ahead of" if delta > dt.timedelta(0) else "behind"
        ctx.out(f"{b.label} is {_offset(abs(delta))[1:]} h {ahead} {a.label}")
    for place, when in ((a, here), (b, there)):
        offset = when.utcoffset() or dt.timedelta(0)
        ctx.out(
            f"  {place.name}: {when:%Y-%m-%d %H:%M} {when.tzname()} "
            f"(UTC{_offset(offset)}, {place.timezone})"
        )
    return EXIT_OK


# --------------------------------------------------------------------------- stats


def _stats_args(p: argparse.ArgumentParser) -> None:
    from twintowns.cli import _Parser

    subs = p.add_subparsers(dest="stat", metavar="STAT", required=True, parser_class=_Parser)

    def sub(name: str, help_: str, example: str) -> argparse.ArgumentParser:
        s = subs.add_parser(
            name,
            help=help_,
            description=help_,
            epilog=f"example:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        # also accepted after the statistic's name (SUPPRESS keeps a value given before it)
        s.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
        s.add_argument("--data", metavar="PATH", default=argparse.SUPPRESS, help="use this dataset")
        _add_status(s)
        return s

    s = sub("top-places", "places with the most partnerships", "twintowns stats top-places -n 5")
    s.add_argument("-n", type=_positive, default=10, help="how many (default 10)")
    s.add_argument("--country", help="only places of this country (ISO code or name)")
    s.add_argument(
        "--international", action="store_true", help="count only partners in other countries"
    )
    s = sub(
        "partner-countries",
        "countries partnered with a country's places",
        "twintowns stats partner-countries US -n 5",
    )
    _country_args(s)
    s.add_argument("-n", type=_positive, default=None, help="show only the first N")
    s = sub(
        "continents", "continents of a place's partners", "twintowns stats continents Charlotte"
    )
    s.add_argument("query", metavar="QUERY")
    s = sub(
        "domestic",
        "partnerships within one country",
        "twintowns stats domestic JP -n 5",
    )
    _country_args(s)
    s.add_argument("-n", type=_positive, default=None, help="list only the first N")
    s = sub("same-name", "partnerships of two places with one name", "twintowns stats same-name")
    s.add_argument("-n", type=_positive, default=None, help="list only the first N")
    sub("by-decade", "partnerships established per decade", "twintowns stats by-decade")
    s = sub(
        "chain", "fewest partnerships linking two places", "twintowns stats chain Charlotte Paris"
    )
    s.add_argument("a", metavar="A")
    s.add_argument("b", metavar="B")


def _country_args(s: argparse.ArgumentParser) -> None:
    """COUNTRY, given as an argument or, as ``top-places`` takes it, with ``--country``."""
    s.add_argument("country", metavar="COUNTRY", nargs="?", help="ISO code or name")
    s.add_argument("--country", dest="country_option", metavar="COUNTRY", help="the same")


def _country(args: argparse.Namespace, *, required: bool) -> str | None:
    """The COUNTRY given (either way) as an ISO code, or None."""
    from twintowns.countries import lookup_country

    given, option = args.country, args.country_option
    if given is not None and option is not None and given != option:
        raise UsageError(f"two countries given: {given!r} and --country {option!r}")
    text = given if given is not None else option
    if text is None:
        if required:
            raise UsageError(f"stats {args.stat}: a COUNTRY is needed, e.g. US or 'Japan'")
        return None
    return lookup_country(text)


def _pairs_out(ctx: Context, found: list[Partnership], limit: int | None, what: str) -> None:
    shown = found if limit is None else found[:limit]
    if ctx.json:
        dump_json(
            {"what": what, "count": len(found), "partnerships": [_pair(p) for p in shown]},
            ctx.stdout,
        )
        return
    ctx.out(
        f"{len(found):,} {what}" + (f" (first {len(shown)})" if len(shown) < len(found) else "")
    )
    _show(
        ctx,
        ["Place", "Partner", "Kind", "Status", "Established"],
        [
            [p.a.label, p.b.label, p.kind.value, p.status.value, str(p.established or "")]
            for p in shown
        ],
        "lllll",
    )


def _stats(ctx: Context) -> int:
    from twintowns import stats

    args = ctx.args
    atlas = ctx.atlas()
    status = _statuses(args.status)
    if args.stat == "top-places":
        if args.country is not None:
            from twintowns.countries import lookup_country

            args.country = lookup_country(args.country)
        ranked = stats.top_places(
            atlas,
            args.n,
            country=args.country,
            international_only=args.international,
            status=status,
        )
        if ctx.json:
            dump_json(
                {"places": [{"place": _record(p), "partnerships": n} for p, n in ranked]},
                ctx.stdout,
            )
        else:
            _show(
                ctx,
                ["#", "Place", "Partnerships"],
                [[str(i), p.label, str(n)] for i, (p, n) in enumerate(ranked, start=1)],
                "rlr",
            )
    elif args.stat == "partner-countries":
        code = _country(args, required=True)
        assert code is not None
        counted = stats.partner_countries(atlas, code, status=status)[: args.n]
        if ctx.json:
            dump_json(
                {
                    "country": code,
                    "partners": [{"country": c, "partnerships": n} for c, n in counted],
                },
                ctx.stdout,
            )
        else:
            _show(ctx, ["Country", "Partnerships"], [[c, str(n)] for c, n in counted], "lr")
    elif args.stat == "continents":
        place = atlas.place(args.query)
        continents = sorted(stats.continents_of(atlas, place, status=status))
        if ctx.json:
            dump_json(
                {"place": _record(place), "continents": [c.value for c in continents]}, ctx.stdout
            )
        else:
            ctx.out(f"{place.label}: partners on {len(continents)} continent(s)")
            for c in continents:
                ctx.out(f"  {c.value}  {c.label}")
    elif args.stat == "domestic":
        code = _country(args, required=False)
        found = stats.domestic(atlas, code, status=status)
        _pairs_out(ctx, found, args.n, "domestic partnerships" + (f" in {code}" if code else ""))
    elif args.stat == "same-name":
        _pairs_out(ctx, stats.same_name(atlas, status=status), args.n, "same-name partnerships")
    elif args.stat == "by-decade":
        decades = stats.by_decade(atlas, status=status)
        dated = stats.dating(atlas, status=status)
        if ctx.json:
            dump_json(
                {
                    "decades": [{"decade": d, "partnerships": n} for d, n in decades.items()],
                    "dated": dated.dated,
                    "total": dated.total,
                    "by_precision": dict(dated.by_precision),
                    "by_domain": dict(dated.by_domain),
                },
                ctx.stdout,
            )
        else:
            _show(
                ctx,
                ["Decade", "Partnerships"],
                [[f"{d}s", str(n)] for d, n in decades.items()],
                "lr",
            )
            top = list(dated.by_domain.items())
            ctx.out(
                f"{dated.dated:,} of {dated.total:,} partnerships have an established date"
                + (
                    " (sources: "
                    + ", ".join(f"{d} {n}" for d, n in top[:5])
                    + (f", {len(top) - 5} other domains" if len(top) > 5 else "")
                    + ")"
                    if top
                    else ""
                )
            )
    else:  # chain
        a, b = atlas.place(args.a), atlas.place(args.b)
        chain = stats.shortest_chain(atlas, a, b, status=status)
        places = [a]
        for p in chain or []:
            places.append(p.other(places[-1]))
        if ctx.json:
            dump_json(
                {
                    "from": _record(a),
                    "to": _record(b),
                    "length": None if chain is None else len(chain),
                    "places": None if chain is None else [_record(p) for p in places],
                    "chain": None if chain is None else [_pair(p) for p in chain],
                },
                ctx.stdout,
            )
        elif chain is None:
            ctx.out(f"no chain of partnerships links {a.label} and {b.label}")
        else:
            ctx.out(f"{len(chain)} partnership(s): " + " → ".join(p.label for p in places))
    return EXIT_OK


# --------------------------------------------------------------------------- validate


def _validate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="an agreement in TOML or JSON")
    p.add_argument(
        "--policy",
        default="sci",
        help="sci (Sister Cities International, default), charlotte, redwood-city or paris",
    )


def _validate(ctx: Context) -> int:
    from twintowns import policies
    from twintowns.agreement import Agreement
    from twintowns.validation import validate

    policy = policies.by_name(ctx.args.policy)
    agreement = Agreement.from_file(ctx.args.file)
    report = validate(agreement, policy, atlas=ctx.atlas())
    if ctx.json:
        document = report.to_dict()
        document["file"] = ctx.args.file
        dump_json(document, ctx.stdout)
    else:
        ctx.out(report.format())
    return EXIT_OK if report.ok else EXIT_INVALID


# --------------------------------------------------------------------------- export


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS, help="the file format")
    p.add_argument(
        "--output",
        required=True,
        metavar="PATH",
        help="file to write (a folder for csv and datasette)",
    )
    p.add_argument("--place", metavar="QUERY", help="only this place, its partners and ties")
    _place_country(p)


def _progress(ctx: Context) -> Callable[[int, int], None] | None:
    isatty = getattr(ctx.stderr, "isatty", None)
    if isatty is None or not isatty():
        return None

    def show(done: int, total: int) -> None:
        share = done / total if total else 1.0
        bar = "#" * int(share * 30)
        ctx.stderr.write(f"\rexporting [{bar:<30}] {share:4.0%} {done:,}/{total:,}")
        if done == total:
            ctx.stderr.write("\n")
        ctx.stderr.flush()

    return show


def _export(ctx: Context) -> int:
    from twintowns.export import export, subset

    output = Path(ctx.args.output)
    if ctx.args.format == "csv" and output.suffix.lower() == ".csv" and not output.is_dir():
        raise UsageError(
            f"--format csv writes a folder of three files (places.csv, partnerships.csv, "
            f"metadata.json), but --output {ctx.args.output!r} looks like a file name: "
            "give a folder path"
        )
    if ctx.args.country is not None and ctx.args.place is None:
        raise UsageError("--country narrows --place: give --place too")
    atlas: Atlas = ctx.atlas()
    if ctx.args.place is not None:
        atlas = subset(atlas, ctx.place(ctx.args.place))
    paths = export(atlas, ctx.args.format, ctx.args.output, progress=_progress(ctx))
    if ctx.json:
        dump_json(
            {
                "format": ctx.args.format,
                "paths": [str(p) for p in paths],
                "places": len(atlas.places),
                "partnerships": len(atlas.partnerships),
            },
            ctx.stdout,
        )
    else:
        where = ", ".join(str(p) for p in paths)
        ctx.out(
            f"wrote {len(atlas.places):,} places and {len(atlas.partnerships):,} "
            f"partnerships as {ctx.args.format} to {where}"
        )
    return EXIT_OK


# --------------------------------------------------------------------------- map


def _map_args(p: argparse.ArgumentParser) -> None:
    _place_args(p)
    p.add_argument(
        "--output", required=True, metavar="FILE", help="FILE.svg, FILE.png or FILE.html"
    )
    _add_status(p)
    p.add_argument("--kind", action="append", metavar="K", help="only this partnership kind")
    p.add_argument(
        "--labels", choices=("auto", "names", "numbers"), default="auto", help="label style"
    )
    p.add_argument("--width", type=_positive, default=1200, help="width in pixels (default 1200)")
    p.add_argument(
        "--tiles",
        action="store_true",
        help="HTML only: a folium/Leaflet map on street tiles (needs twintowns[html] and the "
        "network when opened) instead of the self-contained offline map",
    )


def _map(ctx: Context) -> int:
    from twintowns.maps import render_map

    suffix = Path(ctx.args.output).suffix.lower()
    if suffix not in (".svg", ".png", ".html", ".htm"):
        raise UsageError(
            f"--output {ctx.args.output!r}: the map is written as SVG, PNG or HTML, "
            "chosen by the file name's ending (.svg, .png or .html)"
        )
    atlas = ctx.atlas()
    place = ctx.place(ctx.args.query)
    summary = render_map(
        atlas,
        place,
        path=ctx.args.output,
        status=_statuses(ctx.args.status),
        kind=_kinds(ctx.args.kind),
        labels=ctx.args.labels,
        width=ctx.args.width,
        tiles=ctx.args.tiles,
    )
    if ctx.json:
        dump_json(
            {
                "path": ctx.args.output,
                "format": summary.format,
                "place": _record(place),
                "partners": summary.partners,
                "arcs": summary.arcs,
                "crossings": summary.crossings,
                "labels": summary.labels,
                "bytes": summary.size,
            },
            ctx.stdout,
        )
    else:
        ctx.out(
            f"wrote the {summary.format.upper()} map of {place.label} with {summary.partners} "
            f"partner(s) to {ctx.args.output}"
        )
    return EXIT_OK


# --------------------------------------------------------------------------- serve


def _serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=_positive, default=8001, help="port (default 8001)")
    p.add_argument(
        "--folder",
        metavar="DIR",
        help="write the Datasette folder here and keep it (default: a temporary folder)",
    )


def _serve(ctx: Context) -> int:
    import tempfile
    from pathlib import Path

    from twintowns.geography import MissingDependencyError
    from twintowns.web import to_datasette

    try:
        from datasette.cli import cli as datasette_cli
    except ImportError as exc:
        raise MissingDependencyError(
            "serving the data needs the optional dependency datasette: pip install 'twintowns[web]'"
        ) from exc
    atlas: Atlas = ctx.atlas()
    with tempfile.TemporaryDirectory(prefix="twintowns-web-") as temporary:
        folder = Path(ctx.args.folder) if ctx.args.folder else Path(temporary)
        to_datasette(atlas, folder)
        url = f"http://{ctx.args.host}:{ctx.args.port}/"
        if ctx.json:
            document = {"url": url, "folder": str(folder), "places": len(atlas.places)}
            dump_json({**document, "partnerships": len(atlas.partnerships)}, ctx.stdout)
        else:
            ctx.out(
                f"serving {len(atlas.places):,} places and {len(atlas.partnerships):,} "
                f"partnerships from {folder} at {url} (Ctrl+C stops)"
            )
        ctx.stdout.flush()
        datasette_cli.main(
            ["serve", str(folder), "--host", ctx.args.host, "--port", str(ctx.args.port)],
            prog_name="datasette",
            standalone_mode=False,
        )
    return EXIT_OK


# --------------------------------------------------------------------------- registry

COMMANDS: tuple[Command, ...] = (
    Command(
        "place",
        "show one place: id, country, coordinates, time zone, partnerships",
        ("twintowns place Charlotte", "twintowns place 'Orange, FR' --json"),
        _place_args,
        _place,
    ),
    Command(
        "search",
        "fuzzy, typo-tolerant search of place names",
        ("twintowns search wroclav", "twintowns search Springfield --limit 20"),
        _search_args,
        _search,
    ),
    Command(
        "partners",
        "the partners of a place, with kind, status, date and distance",
        (
            "twintowns partners Charlotte",
            "twintowns partners Charlotte --status active --sort distance --unit mi",
        ),
        _partners_args,
        _partners,
    ),
    Command(
        "distance",
        "great-circle (or geodesic) distance between two places",
        ("twintowns distance Charlotte Arequipa --unit mi", "twintowns distance Paris Rome --json"),
        _distance_args,
        _distance,
    ),
    Command(
        "timediff",
        "time difference between two places at an instant (daylight saving time included)",
        ("twintowns timediff Charlotte Baoding --at 2026-12-15T12:00Z",),
        _timediff_args,
        _timediff,
    ),
    Command(
        "stats",
        "statistics: top-places, partner-countries, continents, domestic, same-name, "
        "by-decade, chain",
        ("twintowns stats top-places -n 5 --country US", "twintowns stats chain Charlotte Paris"),
        _stats_args,
        _stats,
    ),
    Command(
        "validate",
        "check an agreement file against a policy (exit code 1 when invalid)",
        (
            "twintowns validate agreement.toml",
            "twintowns validate agreement.json --policy charlotte",
        ),
        _validate_args,
        _validate,
    ),
    Command(
        "export",
        "write the data as CSV, JSON, GeoJSON, SQLite or a folder for Datasette "
        "(progress shown on a terminal)",
        (
            "twintowns export --format sqlite --output twintowns.sqlite",
            "twintowns export --format geojson --output charlotte.geojson --place Charlotte",
            "twintowns export --format datasette --output twintowns-web",
        ),
        _export_args,
        _export,
    ),
    Command(
        "map",
        "draw a world map of a place's partnerships (SVG, PNG or HTML)",
        (
            "twintowns map Charlotte --output charlotte.svg",
            "twintowns map Honolulu --output honolulu.html",
        ),
        _map_args,
        _map,
    ),
    Command(
        "serve",
        "serve the data as a website and JSON API with Datasette (needs twintowns[web])",
        ("twintowns serve", "twintowns serve --port 8080 --folder twintowns-web"),
        _serve_args,
        _serve,
    ),
)
