"""Deterministic synthetic caseloads for tests and benchmarks (never real children).

Each case follows one of four realistic paths — a trafficked child identified at the port,
a looked-after child who goes missing, a child living at home referred to the MASH by
telephone, a child at risk of sexual exploitation — with timings drawn so that duties are
met on time, met late, met exactly on the deadline, or not recorded, and with start dates
spread over 2024 so that working-day deadlines cross weekends and bank holidays. The same
seed always gives the same caseload."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .reading import AS_OF_IN_CASE, Case, Child, Event

UTC = UTC
START = datetime(2024, 1, 2, 9, 0, tzinfo=UTC)


def _after(rng: random.Random, at: datetime, on_time: timedelta, profile: str) -> datetime | None:
    """When a follow-up happened: on time, exactly on the limit, a little late, or never."""
    if profile == "never":
        return None
    if profile == "exact":
        return at + on_time
    if profile == "late":
        return at + on_time + timedelta(minutes=rng.choice([1, 45, 180, 1500, 4000]))
    return at + on_time * rng.uniform(0.05, 0.9)


def _profile(rng: random.Random) -> str:
    return rng.choices(["on-time", "exact", "late", "never"], weights=[60, 8, 20, 12])[0]


def _trafficked(rng: random.Random, start: datetime) -> tuple[Child, list[tuple]]:
    child = Child(age=rng.randint(12, 17), looked_after=True, uasc=True)
    events = [
        (start, "arrived-uk", "border-force", "", "", ""),
        (start, "trafficking-suspected", "border-force", "", "", ""),
    ]
    notified = _after(rng, start, timedelta(hours=1), _profile(rng))
    if notified:
        events.append((notified, "notify", "border-force", "police", "", ""))
        events.append((notified + timedelta(minutes=5), "notify", "border-force", "childrens-services", "", ""))
    referral = start + timedelta(hours=rng.uniform(1, 6))
    events.append((referral, "referral", "police", "childrens-services", "telephone", ""))
    events.append(
        (referral + timedelta(hours=rng.uniform(1, 5)), "child-safeguarded", "childrens-services", "", "", "")
    )
    decision = _after(rng, referral, timedelta(hours=24), _profile(rng))
    if decision:
        events.append((decision, "decision", "childrens-services", "", "", ""))
    nrm = _after(rng, referral, timedelta(days=3), _profile(rng))
    if nrm:
        events.append((nrm, "nrm-referral", "childrens-services", "ukhtc", "", ""))
    assessment = _after(rng, referral, timedelta(days=9), _profile(rng))
    if assessment:
        events.append((assessment, "trafficking-assessment", "childrens-services", "", "", ""))
    if rng.random() < 0.5:
        missing = referral + timedelta(hours=rng.uniform(6, 40))
        events.append((missing, "missing", "", "", "", "missing"))
        back = missing + timedelta(hours=rng.choice([3, 20, 30, 50]))
        events.append((back, "returned", "", "", "", ""))
        interview = _after(rng, back, timedelta(hours=72), _profile(rng))
        if interview:
            events.append((interview, "return-interview", "social-worker", "", "", ""))
    return child, events


def _missing(rng: random.Random, start: datetime) -> tuple[Child, list[tuple]]:
    looked_after = rng.random() < 0.6
    child = Child(age=rng.randint(11, 17), looked_after=looked_after, uasc=False)
    events: list[tuple] = []
    at = start
    for _ in range(rng.randint(1, 4)):
        category = rng.choices(["missing", "absent"], weights=[70, 30])[0]
        events.append((at, "missing", "", "", "", category))
        told = _after(rng, at, timedelta(hours=1), _profile(rng))
        if told:
            events.append((told, "notify", "residential-carer" if looked_after else "professional", "police", "", ""))
        back = at + timedelta(hours=rng.choice([4, 12, 23, 25, 60]))
        events.append((back, "returned", "", "", "", ""))
        check = _after(rng, back, timedelta(hours=1), _profile(rng))
        if check:
            events.append((check, "safe-and-well-check", "police", "", "", ""))
        interview = _after(rng, back, timedelta(hours=72), _profile(rng))
        if interview:
            events.append((interview, "return-interview", "social-worker", "", "", ""))
        at = back + timedelta(days=rng.choice([5, 20, 40]))
    return child, events


def _mash(rng: random.Random, start: datetime) -> tuple[Child, list[tuple]]:
    child = Child(age=rng.randint(8, 17), looked_after=False, uasc=False)
    events = [(start, "trafficking-suspected", "education", "", "", "")]
    referral = _after(rng, start, timedelta(hours=1), rng.choice(["on-time", "late", "exact"])) or start
    events.append((referral, "referral", "education", "mash", "telephone", ""))
    confirmed = _after(rng, referral, timedelta(hours=48), _profile(rng))
    if confirmed:
        events.append((confirmed, "referral-confirmed-in-writing", "education", "mash", "", ""))
    decision = _after(rng, referral, timedelta(hours=24), _profile(rng))
    if decision:
        events.append((decision, "decision", "mash", "", "", ""))
    return child, events


def _cse(rng: random.Random, start: datetime) -> tuple[Child, list[tuple]]:
    child = Child(age=rng.randint(11, 17), looked_after=rng.random() < 0.3, disabled=rng.random() < 0.1)
    events = [(start, "exploitation-suspected", "education", "", "", "")]
    referral = start + timedelta(hours=rng.uniform(1, 30))
    events.append((referral, "referral", "education", "childrens-services", "written", ""))
    seraf = _after(rng, referral, timedelta(days=9), _profile(rng))
    if seraf:
        events.append((seraf, "seraf-assessment", "childrens-services", "", "", ""))
    screening = _after(rng, start, timedelta(days=2), _profile(rng))
    if screening:
        events.append((screening, "exploitation-screening", "education", "", "", ""))
    return child, events


PATHS = [_trafficked, _missing, _mash, _cse]


def caseload(count: int, seed: int = 2024) -> list[Case]:
    """``count`` synthetic cases, the same for the same seed."""
    cases = []
    for index in range(count):
        rng = random.Random(seed * 1_000_003 + index)
        start = START + timedelta(days=rng.uniform(0, 350), minutes=rng.choice([0, 15, 30]))
        path = PATHS[index % len(PATHS)]
        child, raw = path(rng, start)
        raw.sort(key=lambda e: e[0])
        events = tuple(
            Event(f"e{i + 1}", at, kind, by=by, to=to, channel=channel, category=category, line=i + 1)
            for i, (at, kind, by, to, channel, category) in enumerate(raw)
        )
        as_of = events[-1].at + timedelta(days=rng.choice([1, 5, 15, 30]))
        cases.append(Case(f"synthetic-{index:06d}", child, events, as_of, "synthetic", True, AS_OF_IN_CASE))
    return cases


def write_caseload(count: int, folder: Path, seed: int = 2024) -> list[Path]:
    """Write ``count`` synthetic cases as ``folder/events.csv`` and ``folder/children.csv``
    (the columns README.md documents; each case's review date in children.csv's as_of).
    Existing files are never overwritten."""
    import csv

    from ..errors import InputError

    folder.mkdir(parents=True, exist_ok=True)
    events_path, children_path = folder / "events.csv", folder / "children.csv"
    for path in (events_path, children_path):
        if path.exists():
            raise InputError("already exists: choose an empty folder (files are never overwritten)", str(path))
    cases = caseload(count, seed)
    with events_path.open("x", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case", "at", "type", "by", "to", "channel", "category", "id"])
        for case in cases:
            for e in case.events:
                at = e.at.isoformat(timespec="minutes")
                writer.writerow([case.id, at, e.type, e.by, e.to, e.channel, e.category, e.id])
    fields = ["age", "looked_after", "uasc", "disabled"]
    with children_path.open("x", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case", "as_of", *fields])
        for case in cases:
            values = [case.child.get(f) for f in fields]
            writer.writerow(
                [
                    case.id,
                    case.as_of.isoformat(timespec="minutes"),
                    *("" if v is None else str(v).lower() for v in values),
                ]
            )
    return [events_path, children_path]
