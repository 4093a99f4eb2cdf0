"""What each kind of time expression means for a duty on a case timeline (DESIGN.md, "Timescales").

Only a deadline makes a duty late. A duty's time expressions are its ``pg:deadline`` and
its ``pg:timescale`` links, each read by its kind:

* **deadline** (``pg:Deadline``; ranges and "immediately" included): the duty is due by it,
  counted from when the duty arises. A range is late after its maximum; "immediately" is
  due within the run's tolerance.
* **qualifying period** (``pg:QualifyingPeriod``, "details of individuals missing *more
  than* 24 hours are automatically sent"): the duty arises only once the period has passed
  since the trigger with no cancelling event (``pg:cancelledBy``) in it. Nothing is due
  before; then it is due by its own deadline if it has one, else it is *open*: done at 25
  hours is met, never late for being done after the period. Done before the period passed
  counts too.
* **scheduled point** (``pg:ScheduledPoint``, "after a defined period of time, usually 6-8
  hours"): the action is taken at that point, not before it is owed; an action before the
  point is not late. A range is reached at its maximum. With no due time in the text the
  duty is open after the point.
* **cap** (``pg:Cap``, "no more than half an hour in one go") and **step** (``pg:Step``,
  "rises in half hour intervals"): a limit on how long something may last, or how an
  allowance grows. A timeline of instants cannot show either, so a duty whose only time
  expression is one of these is **not checkable** (it gets no shape and no finding).
* **recurrence**, **extendable period**, **open-ended period**, **risk window**, **period**,
  **counting window**: never a due time. A duty whose only time expressions are of these
  kinds is **open**: owed from its trigger with nothing making it late (its first
  occurrence is what a timeline can show; a recurrence's later rounds are not checked).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..corpus.duties import Duty
from ..corpus.timescales import KIND_WORDS, Timescale

DEADLINE = KIND_WORDS["Deadline"]
STARTS = (KIND_WORDS["QualifyingPeriod"], KIND_WORDS["ScheduledPoint"])
NOT_CHECKABLE = {
    KIND_WORDS["Cap"]: "a cap limits how long something may last, which a timeline of instants cannot show",
    KIND_WORDS["Step"]: "a step says how an allowance grows, not by when anything is done",
}
OPEN = tuple(k for k in KIND_WORDS.values() if k != DEADLINE and k not in STARTS and k not in NOT_CHECKABLE)


@dataclass(frozen=True)
class Timing:
    """When a duty is owed and by when, from its time expressions."""

    deadline: Timescale | None = None  # due by this (a pg:Deadline)
    start: Timescale | None = None  # owed only from this point (a qualifying period or scheduled point)

    @property
    def qualifying(self) -> bool:
        """True when the start is a qualifying period (cancelled within it, the duty never arises)."""
        return self.start is not None and self.start.kind == KIND_WORDS["QualifyingPeriod"]


def timing(duty: Duty) -> Timing | str:
    """The timing of a duty, or why its time expressions make it not checkable (a string)."""
    expressions = [t for t in (duty.deadline, *duty.timescales) if t is not None]
    deadlines = [t for t in expressions if t.kind == DEADLINE]
    starts = [t for t in expressions if t.kind in STARTS]
    if not deadlines and not starts:
        for t in expressions:
            if t.kind in NOT_CHECKABLE:
                return f"its only timing is a {t.kind} ({t.what}): {NOT_CHECKABLE[t.kind]}"
    if starts and starts[0].max is None:
        return f"its {starts[0].kind} ({starts[0].what}) states no length"
    return Timing(deadlines[0] if deadlines else None, starts[0] if starts else None)


def kind_phrase(ts: Timescale) -> str:
    """A time expression that is not a deadline, in words ('once 24 hours have passed (qualifying period)')."""
    from ..corpus.duties import duration_words

    length = duration_words(ts)
    if ts.kind == KIND_WORDS["QualifyingPeriod"]:
        text = f"once more than {length} have passed" if length else "once its period has passed"
    elif ts.kind == KIND_WORDS["ScheduledPoint"]:
        text = f"after {length}" if length else "at its point"
    else:
        text = f"{length}" if length else ts.what
    if ts.relative_to and ts.kind in STARTS:
        text += f" since {ts.relative_to}"
    if ts.soft:
        text += " (soft)"
    return f"{text} ({ts.kind})"
