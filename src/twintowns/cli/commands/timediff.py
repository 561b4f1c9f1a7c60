"""``twintowns timediff``: the time difference between two places at an instant."""

from __future__ import annotations

import argparse
import datetime as dt

from twintowns.cli.commands.common import record
from twintowns.cli.context import EXIT_OK, Command, Context, UsageError
from twintowns.cli.render import dump_json


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


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", metavar="A", help="first place")
    p.add_argument("b", metavar="B", help="second place")
    p.add_argument(
        "--at",
        metavar="ISO-DATETIME",
        help="the instant, with a UTC offset (default: now), e.g. 2026-12-15T12:00Z",
    )


def run(ctx: Context) -> int:
    from twintowns.geography import local_time, time_difference

    a, b = ctx.place(ctx.args.a), ctx.place(ctx.args.b)
    at = _instant(ctx.args.at)
    delta = time_difference(a, b, at=at)
    here, there = local_time(a, at), local_time(b, at)
    if ctx.json:
        dump_json(
            {
                "from": record(a),
                "to": record(b),
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


COMMAND = Command(
    "timediff",
    "time difference between two places at an instant (daylight saving time included)",
    ("twintowns timediff Charlotte Baoding --at 2026-12-15T12:00Z",),
    arguments,
    run,
)
