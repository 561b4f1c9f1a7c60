"""The main job on the bundled data: answer the questions users ask most.

Run with ``make demo`` (creates .venv, installs twintowns with its runtime
dependencies only, runs this file).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import twintowns
from twintowns import stats
from twintowns.agreements.policies import DATASET_INTEGRITY


def main() -> None:
    atlas = twintowns.load()
    print(atlas)

    charlotte = atlas.place("Charlotte")
    print(f"\n{charlotte.label}: sister cities, since when, and are they active?")
    for p in atlas.partnerships_of(charlotte):
        partner = p.other(charlotte)
        since = p.established or "?"
        until = f" ({p.status.value} {p.ended})" if p.ended else ""
        print(f"  {partner.label:<32} {p.kind.value:<10} {p.status.value:<10} since {since}{until}")

    arequipa = atlas.place("Arequipa")
    miles = twintowns.distance(charlotte, arequipa, unit="mi")
    print(f"\nCharlotte -> Arequipa: {miles:,.0f} miles")

    baoding = atlas.place("Baoding")
    for label, when in [
        ("June", dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)),
        ("December", dt.datetime(2026, 12, 15, 12, tzinfo=dt.UTC)),
    ]:
        diff = twintowns.time_difference(charlotte, baoding, at=when)
        print(f"Baoding is {diff.total_seconds() / 3600:+.0f} h from Charlotte in {label}")

    print("\nU.S. places with the most international partners:")
    for place, count in stats.top_places(atlas, 5, country="US", international_only=True):
        print(f"  {place.label:<32} {count}")

    continents = sorted(c.label for c in stats.continents_of(atlas, charlotte))
    print(f"\nCharlotte's partners span {len(continents)} continents: {', '.join(continents)}")

    report = atlas.validate()
    print(f"\nDataset validation: {len(report.errors)} errors, {len(report.warnings)} warnings")
    print("Warnings mark records worth a second look, not faults; by rule:")
    for rule, counts in report.summary().items():
        findings = [f for f in report.findings if f.rule == rule]
        countries = Counter(atlas[f.subject[0]].country for f in findings if f.subject)
        top = ", ".join(f"{country} {n}" for country, n in countries.most_common(4))
        severities = ", ".join(f"{n} {severity}s" for severity, n in counts.items())
        print(f"  {rule} ({severities}); the rule: {DATASET_INTEGRITY[rule].message}")
        print(f"    most in (country: count): {top}")
        print(f"    e.g. {findings[0].message}")


if __name__ == "__main__":
    main()
