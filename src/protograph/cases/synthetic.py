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


def _duty_done(
    events: list[tuple], rng: random.Random, at: datetime, on_time: timedelta, kind: str, by: str, to: str = ""
) -> datetime | None:
    """The event that meets a duty due ``on_time`` after ``at``, added to ``events`` when it
    happens (on time, exactly on the deadline or late); None when it never does."""
    done = _after(rng, at, on_time, _profile(rng))
    if done:
        events.append((done, kind, by, to, "", ""))
    return done


def _missing_episode(events: list[tuple], rng: random.Random, missing: datetime, back: datetime, category: str) -> None:
    """A missing (or absent) episode, the return, and the return interview due within 72 hours."""
    events.append((missing, "missing", "", "", "", category))
    events.append((back, "returned", "", "", "", ""))
    _duty_done(events, rng, back, timedelta(hours=72), "return-interview", "social-worker")


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
    _duty_done(events, rng, referral, timedelta(hours=24), "decision", "childrens-services")
    _duty_done(events, rng, referral, timedelta(days=3), "nrm-referral", "childrens-services", "ukhtc")
    _duty_done(events, rng, referral, timedelta(days=9), "trafficking-assessment", "childrens-services")
    if rng.random() < 0.5:
        missing = referral + timedelta(hours=rng.uniform(6, 40))
        back = missing + timedelta(hours=rng.choice([3, 20, 30, 50]))
        _missing_episode(events, rng, missing, back, "missing")
    return child, events


def _missing(rng: random.Random, start: datetime) -> tuple[Child, list[tuple]]:
    looked_after = rng.random() < 0.6
    child = Child(age=rng.randint(11, 17), looked_after=looked_after, uasc=False)
    events: list[tuple] = []
    at = start
    for _ in range(rng.randint(1, 4)):
        category = rng.choices(["missing", "absent"], weights=[70, 30])[0]
        events.append((at, "missing", "", "", "", category))
        carer = "residential-carer" if looked_after else "professional"
        _duty_done(events, rng, at, timedelta(hours=1), "notify", carer, "police")
        back = at + timedelta(hours=rng.choice([4, 12, 23, 25, 60]))
        events.append((back, "returned", "", "", "", ""))
        _duty_done(events, rng, back, timedelta(hours=1), "safe-and-well-check", "police")
        _duty_done(events, rng, back, timedelta(hours=72), "return-interview", "social-worker")
        at = back + timedelta(days=rng.choice([5, 20, 40]))
    return child, events


def _mash(rng: random.Random, start: datetime) -> tuple[Child, list[tuple]]:
    child = Child(age=rng.randint(8, 17), looked_after=False, uasc=False)
    events = [(start, "trafficking-suspected", "education", "", "", "")]
    referral = _after(rng, start, timedelta(hours=1), rng.choice(["on-time", "late", "exact"])) or start
    events.append((referral, "referral", "education", "mash", "telephone", ""))
    _duty_done(events, rng, referral, timedelta(hours=48), "referral-confirmed-in-writing", "education", "mash")
    _duty_done(events, rng, referral, timedelta(hours=24), "decision", "mash")
    return child, events


def _cse(rng: random.Random, start: datetime) -> tuple[Child, list[tuple]]:
    child = Child(age=rng.randint(11, 17), looked_after=rng.random() < 0.3, disabled=rng.random() < 0.1)
    events = [(start, "exploitation-suspected", "education", "", "", "")]
    referral = start + timedelta(hours=rng.uniform(1, 30))
    events.append((referral, "referral", "education", "childrens-services", "written", ""))
    _duty_done(events, rng, referral, timedelta(days=9), "seraf-assessment", "childrens-services")
    _duty_done(events, rng, start, timedelta(days=2), "exploitation-screening", "education")
    return child, events


PATHS = [_trafficked, _missing, _mash, _cse]


def _detail(rng: random.Random, path: object, events: list[tuple]) -> None:
    """The further work a fuller record of the same case shows (strategy discussions, assessments,
    placements, plans, meetings, decisions), added after the path's own events and drawn from a
    random stream of its own, so that a detailed caseload holds every event of the plain one."""
    first = min(e[0] for e in events)
    hours = lambda low, high: first + timedelta(hours=rng.uniform(low, high))  # noqa: E731
    added: list[tuple] = []
    if path is _trafficked:
        added += [
            (hours(2, 30), "strategy-discussion", "childrens-services", "", "", ""),
            (hours(4, 20), "placement", "childrens-services", "", "", ""),
            (hours(24, 240), "initial-assessment", "social-worker", "", "", ""),
            (hours(24, 500), "health-assessment", "health", "", "", ""),
            (hours(24, 700), "care-plan", "social-worker", "", "", ""),
        ]
        if rng.random() < 0.7:
            added.append((hours(6, 120), "icta-referral", "childrens-services", "icta-service", "written", ""))
        if rng.random() < 0.6:
            added.append((hours(72, 300), "reasonable-grounds-decision", "home-office", "", "", ""))
    elif path is _missing:
        missings = [e[0] for e in events if e[1] == "missing"]
        for at in missings:
            added.append(
                (
                    at + timedelta(hours=rng.uniform(1, 6)),
                    "police-alert-form",
                    "police",
                    "childrens-services",
                    "written",
                    "",
                )
            )
            if rng.random() < 0.5:
                added.append(
                    (at + timedelta(hours=rng.uniform(2, 30)), "national-missing-bureau-notified", "police", "", "", "")
                )
        added.append((hours(1, 200), "care-plan", "social-worker", "", "", ""))
        if len(missings) > 2:
            added.append(
                (missings[2] + timedelta(days=rng.uniform(1, 10)), "strategy-meeting", "childrens-services", "", "", "")
            )
    elif path is _mash:
        added += [
            (hours(2, 30), "strategy-discussion", "mash", "", "", ""),
            (hours(24, 200), "initial-assessment", "social-worker", "", "", ""),
            (hours(12, 48), "joint-visit", "police", "", "", ""),
        ]
        if rng.random() < 0.5:
            added.append((hours(24, 72), "section-47-enquiry", "childrens-services", "", "", ""))
            added.append((hours(300, 400), "child-protection-conference", "childrens-services", "", "", ""))
    else:
        added += [
            (hours(24, 120), "strategy-meeting", "childrens-services", "", "", ""),
            (hours(24, 200), "safety-plan", "social-worker", "", "", ""),
            (hours(48, 400), "multi-agency-meeting", "childrens-services", "", "", ""),
            (hours(24, 200), "initial-assessment", "social-worker", "", "", ""),
        ]
    events.extend(added)


def caseload(count: int, seed: int = 2024, detailed: bool = False) -> list[Case]:
    """``count`` synthetic cases, the same for the same seed."""
    return [synthetic_case(index, seed, detailed) for index in range(count)]


def synthetic_case(index: int, seed: int = 2024, detailed: bool = False) -> Case:
    """The synthetic case number ``index`` (the same for the same seed, whatever the count).
    ``detailed``: the fuller record of the same case (about 12 events a case instead of 7),
    with every event of the plain one."""
    rng = random.Random(seed * 1_000_003 + index)
    start = START + timedelta(days=rng.uniform(0, 350), minutes=rng.choice([0, 15, 30]))
    path = PATHS[index % len(PATHS)]
    child, raw = path(rng, start)
    if detailed:
        _detail(random.Random(seed * 7_000_003 + index), path, raw)
    raw.sort(key=lambda e: e[0])
    events = tuple(
        Event(f"e{i + 1}", at, kind, by=by, to=to, channel=channel, category=category, line=i + 1)
        for i, (at, kind, by, to, channel, category) in enumerate(raw)
    )
    as_of = events[-1].at + timedelta(days=rng.choice([1, 5, 15, 30]))
    return Case(f"synthetic-{index:06d}", child, events, as_of, "synthetic", True, AS_OF_IN_CASE)


def write_caseload(
    count: int, folder: Path, seed: int = 2024, detailed: bool = False, order: str = "case"
) -> list[Path]:
    """Write ``count`` synthetic cases as ``folder/events.csv`` and ``folder/children.csv``
    (the columns README.md documents; each case's review date in children.csv's as_of).
    ``order``: "case" writes each case's rows together, cases in id order (one case at a time:
    a million cases never sit in memory); "time" writes the rows of all cases in time order, as
    an export ordered by time would (the rows are held and sorted first). Existing files are
    never overwritten."""
    if order not in ("case", "time"):
        raise ValueError(f"order must be 'case' or 'time', not {order!r}")
    import csv

    from ..errors import InputError

    folder.mkdir(parents=True, exist_ok=True)
    events_path, children_path = folder / "events.csv", folder / "children.csv"
    for path in (events_path, children_path):
        if path.exists():
            raise InputError("already exists: choose an empty folder (files are never overwritten)", str(path))
    fields = ["age", "looked_after", "uasc", "disabled"]
    # one case at a time, into both files at once: a million cases never sit in memory
    with (
        events_path.open("x", newline="", encoding="utf-8") as events_file,
        children_path.open("x", newline="", encoding="utf-8") as children_file,
    ):
        events = csv.writer(events_file, lineterminator="\n")
        events.writerow(["case", "at", "type", "by", "to", "channel", "category", "id"])
        children = csv.writer(children_file, lineterminator="\n")
        children.writerow(["case", "as_of", *fields])
        held: list[tuple] = []
        for index in range(count):
            case = synthetic_case(index, seed, detailed)
            for e in case.events:
                at = e.at.isoformat(timespec="minutes")
                row = [case.id, at, e.type, e.by, e.to, e.channel, e.category, e.id]
                if order == "time":
                    held.append((e.at, row))
                else:
                    events.writerow(row)
            values = [case.child.get(f) for f in fields]
            children.writerow(
                [
                    case.id,
                    case.as_of.isoformat(timespec="minutes"),
                    *("" if v is None else str(v).lower() for v in values),
                ]
            )
        held.sort(key=lambda entry: entry[0])  # stable: a case's rows at one time keep their order
        events.writerows(row for _, row in held)
    return [events_path, children_path]
