"""``twintowns stats STAT``: statistics over the partnerships.

Each statistic is a :class:`Statistic` (its arguments and its handler) in
:data:`STATISTICS`; ``twintowns stats`` adds one sub-command per entry and runs
the one named.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from twintowns.cli.commands.common import add_status, pair, positive, record, show, status_list
from twintowns.cli.context import EXIT_OK, Command, Context, Parser, UsageError
from twintowns.cli.render import dump_json

if TYPE_CHECKING:
    from twintowns.atlas import Atlas
    from twintowns.model import Partnership

__all__ = ["COMMAND", "STATISTICS", "Statistic"]


class Statistic(NamedTuple):
    """One statistic: its name, help, an example, the function that adds its own
    arguments, and its handler ``(context, atlas, statuses or None)``."""

    name: str
    help: str
    example: str
    arguments: Callable[[argparse.ArgumentParser], None]
    handler: Callable[[Context, Atlas, list[str] | None], None]


# --------------------------------------------------------------------------- shared


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


def _limit_args(s: argparse.ArgumentParser) -> None:
    s.add_argument("-n", type=positive, default=None, help="list only the first N")


def _pairs_out(ctx: Context, found: list[Partnership], limit: int | None, what: str) -> None:
    shown = found if limit is None else found[:limit]
    if ctx.json:
        dump_json(
            {"what": what, "count": len(found), "partnerships": [pair(p) for p in shown]},
            ctx.stdout,
        )
        return
    ctx.out(
        f"{len(found):,} {what}" + (f" (first {len(shown)})" if len(shown) < len(found) else "")
    )
    show(
        ctx,
        ["Place", "Partner", "Kind", "Status", "Established"],
        [
            [p.a.label, p.b.label, p.kind.value, p.status.value, str(p.established or "")]
            for p in shown
        ],
        "lllll",
    )


# --------------------------------------------------------------------------- top-places


def _top_places_args(s: argparse.ArgumentParser) -> None:
    s.add_argument("-n", type=positive, default=10, help="how many (default 10)")
    s.add_argument("--country", help="only places of this country (ISO code or name)")
    s.add_argument(
        "--international", action="store_true", help="count only partners in other countries"
    )


def _top_places(ctx: Context, atlas: Atlas, status: list[str] | None) -> None:
    from twintowns import stats

    args = ctx.args
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
            {"places": [{"place": record(p), "partnerships": n} for p, n in ranked]},
            ctx.stdout,
        )
    else:
        show(
            ctx,
            ["#", "Place", "Partnerships"],
            [[str(i), p.label, str(n)] for i, (p, n) in enumerate(ranked, start=1)],
            "rlr",
        )


# --------------------------------------------------------------------------- partner-countries


def _partner_countries_args(s: argparse.ArgumentParser) -> None:
    _country_args(s)
    s.add_argument("-n", type=positive, default=None, help="show only the first N")


def _partner_countries(ctx: Context, atlas: Atlas, status: list[str] | None) -> None:
    from twintowns import stats

    code = _country(ctx.args, required=True)
    assert code is not None
    counted = stats.partner_countries(atlas, code, status=status)[: ctx.args.n]
    if ctx.json:
        dump_json(
            {
                "country": code,
                "partners": [{"country": c, "partnerships": n} for c, n in counted],
            },
            ctx.stdout,
        )
    else:
        show(ctx, ["Country", "Partnerships"], [[c, str(n)] for c, n in counted], "lr")


# --------------------------------------------------------------------------- continents


def _continents_args(s: argparse.ArgumentParser) -> None:
    s.add_argument("query", metavar="QUERY")


def _continents(ctx: Context, atlas: Atlas, status: list[str] | None) -> None:
    from twintowns import stats

    place = atlas.place(ctx.args.query)
    continents = sorted(stats.continents_of(atlas, place, status=status))
    if ctx.json:
        dump_json({"place": record(place), "continents": [c.value for c in continents]}, ctx.stdout)
    else:
        ctx.out(f"{place.label}: partners on {len(continents)} continent(s)")
        for c in continents:
            ctx.out(f"  {c.value}  {c.label}")


# --------------------------------------------------------------------------- domestic, same-name


def _domestic_args(s: argparse.ArgumentParser) -> None:
    _country_args(s)
    _limit_args(s)


def _domestic(ctx: Context, atlas: Atlas, status: list[str] | None) -> None:
    from twintowns import stats

    code = _country(ctx.args, required=False)
    found = stats.domestic(atlas, code, status=status)
    _pairs_out(ctx, found, ctx.args.n, "domestic partnerships" + (f" in {code}" if code else ""))


def _same_name(ctx: Context, atlas: Atlas, status: list[str] | None) -> None:
    from twintowns import stats

    _pairs_out(ctx, stats.same_name(atlas, status=status), ctx.args.n, "same-name partnerships")


# --------------------------------------------------------------------------- by-decade


def _no_args(s: argparse.ArgumentParser) -> None:
    """A statistic with only the options every statistic takes."""


def _by_decade(ctx: Context, atlas: Atlas, status: list[str] | None) -> None:
    from twintowns import stats

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
        return
    show(
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


# --------------------------------------------------------------------------- chain


def _chain_args(s: argparse.ArgumentParser) -> None:
    s.add_argument("a", metavar="A")
    s.add_argument("b", metavar="B")


def _chain(ctx: Context, atlas: Atlas, status: list[str] | None) -> None:
    from twintowns import stats

    a, b = atlas.place(ctx.args.a), atlas.place(ctx.args.b)
    chain = stats.shortest_chain(atlas, a, b, status=status)
    places = [a]
    for p in chain or []:
        places.append(p.other(places[-1]))
    if ctx.json:
        dump_json(
            {
                "from": record(a),
                "to": record(b),
                "length": None if chain is None else len(chain),
                "places": None if chain is None else [record(p) for p in places],
                "chain": None if chain is None else [pair(p) for p in chain],
            },
            ctx.stdout,
        )
    elif chain is None:
        ctx.out(f"no chain of partnerships links {a.label} and {b.label}")
    else:
        ctx.out(f"{len(chain)} partnership(s): " + " → ".join(p.label for p in places))


# --------------------------------------------------------------------------- the table

#: Every statistic, in the order ``twintowns stats --help`` lists them.
STATISTICS: tuple[Statistic, ...] = (
    Statistic(
        "top-places",
        "places with the most partnerships",
        "twintowns stats top-places -n 5",
        _top_places_args,
        _top_places,
    ),
    Statistic(
        "partner-countries",
        "countries partnered with a country's places",
        "twintowns stats partner-countries US -n 5",
        _partner_countries_args,
        _partner_countries,
    ),
    Statistic(
        "continents",
        "continents of a place's partners",
        "twintowns stats continents Charlotte",
        _continents_args,
        _continents,
    ),
    Statistic(
        "domestic",
        "partnerships within one country",
        "twintowns stats domestic JP -n 5",
        _domestic_args,
        _domestic,
    ),
    Statistic(
        "same-name",
        "partnerships of two places with one name",
        "twintowns stats same-name",
        _limit_args,
        _same_name,
    ),
    Statistic(
        "by-decade",
        "partnerships established per decade",
        "twintowns stats by-decade",
        _no_args,
        _by_decade,
    ),
    Statistic(
        "chain",
        "fewest partnerships linking two places",
        "twintowns stats chain Charlotte Paris",
        _chain_args,
        _chain,
    ),
)

_BY_NAME = {statistic.name: statistic for statistic in STATISTICS}


def arguments(p: argparse.ArgumentParser) -> None:
    subs = p.add_subparsers(dest="stat", metavar="STAT", required=True, parser_class=Parser)
    for statistic in STATISTICS:
        s = subs.add_parser(
            statistic.name,
            help=statistic.help,
            description=statistic.help,
            epilog=f"example:\n  {statistic.example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        # also accepted after the statistic's name (SUPPRESS keeps a value given before it)
        s.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
        s.add_argument("--data", metavar="PATH", default=argparse.SUPPRESS, help="use this dataset")
        add_status(s)
        statistic.arguments(s)


def run(ctx: Context) -> int:
    atlas = ctx.atlas()
    status = status_list(ctx.args.status)
    _BY_NAME[ctx.args.stat].handler(ctx, atlas, status)
    return EXIT_OK


COMMAND = Command(
    "stats",
    "statistics: top-places, partner-countries, continents, domestic, same-name, by-decade, chain",
    ("twintowns stats top-places -n 5 --country US", "twintowns stats chain Charlotte Paris"),
    arguments,
    run,
)
