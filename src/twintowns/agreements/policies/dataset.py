"""Dataset integrity: :data:`DATASET_INTEGRITY`, the rules
:func:`~twintowns.agreements.validation.validate_atlas` (and so
:meth:`twintowns.Atlas.validate`) runs over every partnership of an atlas."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from twintowns.agreements.context import AtlasContext
from twintowns.agreements.policies._common import LIVE
from twintowns.agreements.policies.exclusivity import is_exclusive
from twintowns.agreements.rules import Policy, Rule, Severity, Violation
from twintowns.model import Partnership, PartnershipKind, Place, Status

__all__ = ["DATASET_INTEGRITY"]


def _norm(name: str) -> str:
    return " ".join(name.casefold().replace("-", " ").split())


def _community(place: Place) -> tuple[str, str | None, str, str]:
    """What makes two place records look like one community (then checked by distance):
    a city and the region of the same name are two communities, and so are
    namesakes in two subdivisions (Kansas City, KS and Kansas City, MO)."""
    return (place.country, place.subdivision, place.kind.value, _norm(place.name))


def _close(a: Place, b: Place, km: float = 5.0) -> bool:
    from twintowns.geography import distance

    return distance(a, b) <= km


def _flag(p: Partnership, problem: str) -> Violation:
    """A violation naming partnership ``p`` (labels in the message, ids as subject)."""
    return Violation(f"{p.a.label} – {p.b.label}: {problem}", subject=p.ids)


def _ds_self_pair(ctx: AtlasContext) -> Iterator[Violation]:
    for p in ctx.atlas.partnerships:
        if _community(p.a) == _community(p.b) and _close(p.a, p.b):
            why = "same name, kind and subdivision, under 5 km apart"
            yield _flag(p, f"both ids ({p.a.id}, {p.b.id}) denote one community ({why})")


def _ds_duplicate(ctx: AtlasContext) -> Iterator[Violation]:
    for place in ctx.atlas.places:
        groups: dict[tuple[str, str | None, str, str], list[Partnership]] = defaultdict(list)
        for p in ctx.atlas.partnerships_of(place, status=LIVE):
            other = p.other(place)
            groups[_community(other)].append(p)
        for ties in groups.values():
            if len(ties) < 2:
                continue
            for i, first in enumerate(ties):
                for second in ties[i + 1 :]:
                    x, y = first.other(place), second.other(place)
                    if _close(x, y):
                        yield Violation(
                            f"{place.label} has two live ties to one community: "
                            f"{x.label} ({x.id}) and {y.label} ({y.id})",
                            subject=(place.id, x.id, y.id),
                        )


def _ds_dates(ctx: AtlasContext) -> Iterator[Violation]:
    for p in ctx.atlas.partnerships:
        if (
            p.established is not None
            and p.ended is not None
            and p.ended.certainly_before(p.established)
        ):
            yield _flag(p, f"ended {p.ended}, before it was established ({p.established})")
        for what, d in (("established", p.established), ("ended", p.ended)):
            if d is not None and ctx.today_partial.certainly_before(d):
                yield _flag(p, f"{what} {d} is in the future")


def _ds_status_dates(ctx: AtlasContext) -> Iterator[Violation]:
    for p in ctx.atlas.partnerships:
        live = p.status in (Status.ACTIVE, Status.PROPOSED)
        if live and p.ended is not None and p.ended.certainly_before(ctx.today_partial):
            yield _flag(p, f"ended {p.ended} but status is {p.status.value!r}")


def _ds_domestic(ctx: AtlasContext) -> Iterator[Violation]:
    for p in ctx.atlas.partnerships:
        if p.kind is PartnershipKind.SISTER and p.a.country == p.b.country:
            where = f"both in {p.a.country}"
            yield _flag(
                p, f"a domestic 'sister' pair ({where}); sister cities are in two countries"
            )


def _ds_exclusive(ctx: AtlasContext) -> Iterator[Violation]:
    for ex in ctx.atlas.partnerships:
        if ex.status not in LIVE or not is_exclusive(ex):
            continue
        for place in ex.places:
            for p in ctx.atlas.partnerships_of(place, status=LIVE, kind="sister"):
                if p.ids != ex.ids:
                    exclusive = f"{ex.a.label} – {ex.b.label}"
                    yield _flag(p, f"conflicts with the exclusive partnership {exclusive}")


def _dataset_rules() -> list[Rule[AtlasContext]]:
    E, W = Severity.ERROR, Severity.WARNING
    return [
        Rule(
            "dataset.self-pair",
            E,
            "A partnership joins two different communities",
            check=_ds_self_pair,
        ),
        Rule(
            "dataset.duplicate",
            W,
            "A place has one live tie per partner community",
            check=_ds_duplicate,
        ),
        Rule(
            "dataset.dates",
            E,
            "A partnership ends after it is established, and neither is in the future",
            check=_ds_dates,
        ),
        Rule(
            "dataset.status-dates",
            W,
            "An active partnership has no past end date",
            check=_ds_status_dates,
        ),
        Rule(
            "dataset.domestic-sister", W, "A 'sister' pair joins two countries", check=_ds_domestic
        ),
        Rule(
            "dataset.exclusivity",
            W,
            "No other sister city beside a mutually exclusive partnership",
            check=_ds_exclusive,
        ),
    ]


#: The rules :meth:`twintowns.Atlas.validate` runs over every partnership.
DATASET_INTEGRITY: Policy[AtlasContext] = Policy(
    "dataset",
    _dataset_rules(),
    description="Integrity of a dataset of partnerships",
)
