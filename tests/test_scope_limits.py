"""``protograph check`` fails a checkable duty whose wording names a limit its structured scope
lacks, unless a scope note names the limit and says how it is met.

Each test takes the real encoding, removes the structured fact that carries a limit the
duty's words name, and shows the check then fails on exactly that limit; the real encoding
(with the fact) does not fail on it."""

from __future__ import annotations

from rdflib import Literal, URIRef

from protograph.checking.scope_limits import LIMITS, unstructured_limits
from protograph.corpus.loader import Corpus, load_corpus
from protograph.corpus.namespace import EVENT, PG, protocol_iri

GUIDE, SAFETY_PLAN_DUTY = "4lscb-met-guide-2018", "duty-71-contact-police-and-social-care-immediately"
MET, CTAT = "4lscb-met-2013", "duty-5.3.3-ctat-within-7-working-days"


def _edited(protocol: str, duty: str, remove: list[tuple], add: list[tuple] = ()) -> Corpus:
    """A corpus of its own, loaded afresh, with facts of one duty taken out (and put in)."""
    corpus = load_corpus()
    graph = corpus.graph(protocol)
    node = URIRef(f"{protocol_iri(protocol)}/{duty}")
    for prop, value in remove:
        graph.remove((node, prop, value))
    for prop, value in add:
        graph.add((node, prop, value))
    return corpus


def _limits(corpus: Corpus, protocol: str, duty: str) -> dict[str, str]:
    return {u.limit: str(u) for u in unstructured_limits(corpus, protocol) if u.duty == duty}


def test_the_limit_table_covers_the_limits_the_issue_names():
    names = {limit.name for limit in LIMITS}
    assert {"trafficking", "a safety plan", "looked after", "UASC", "foster care", "consent", "an age"} <= names
    assert "children's social care or the MASH as the receiver of a referral" in names


def test_4lscb_met_guide_2018_71_the_safety_plan_must_be_in_the_scope_of_its_missing_duty(corpus):
    assert _limits(corpus, GUIDE, SAFETY_PLAN_DUTY) == {}  # the plan is a required prior event
    edited = _edited(GUIDE, SAFETY_PLAN_DUTY, [(PG.requiresPriorEvent, EVENT["safety-plan"]), (PG.scopeNote, None)])
    failures = _limits(edited, GUIDE, SAFETY_PLAN_DUTY)
    assert list(failures) == ["a safety plan"]
    assert failures["a safety plan"].startswith(
        f"{GUIDE} 71 {SAFETY_PLAN_DUTY}: heading names a safety plan ('Safety Plan') with no structured "
        "counterpart; needs pg:requiresPriorEvent event:safety-plan"
    )


def test_4lscb_met_2013_5_3_3_a_referral_about_trafficking_needs_the_suspicion_and_the_receiver(corpus):
    assert _limits(_edited(MET, CTAT, [(PG.scopeNote, None)]), MET, CTAT) == {}
    no_suspicion = _edited(MET, CTAT, [(PG.scopeNote, None), (PG.requiresPriorEvent, EVENT["trafficking-suspected"])])
    assert list(_limits(no_suspicion, MET, CTAT)) == ["trafficking"]
    no_receiver = _edited(MET, CTAT, [(PG.scopeNote, None), (PG.triggerRecipient, None)])
    assert list(_limits(no_receiver, MET, CTAT)) == ["children's social care or the MASH as the receiver of a referral"]


def test_a_scope_note_excuses_only_the_limit_it_names():
    unrelated = Literal("The assessment is owed at the referral, as part of the initial assessment.")
    named = Literal("Every referral of this section is about a child suspected of being trafficked.")
    remove = [(PG.scopeNote, None), (PG.requiresPriorEvent, EVENT["trafficking-suspected"])]
    assert "trafficking" in _limits(_edited(MET, CTAT, remove, [(PG.scopeNote, unrelated)]), MET, CTAT)
    assert "trafficking" not in _limits(_edited(MET, CTAT, remove, [(PG.scopeNote, named)]), MET, CTAT)


def test_condition_text_naming_no_known_limit_still_needs_a_scope_note():
    odd = Literal("where the placement is more than fifty miles from the family home")
    edited = _edited(MET, CTAT, [(PG.scopeNote, None), (PG.conditionText, None)], [(PG.conditionText, odd)])
    assert list(_limits(edited, MET, CTAT)) == ["a condition in its own words"]
