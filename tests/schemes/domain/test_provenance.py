"""Where each value comes from: assumptions marked, and rule references tied to sources."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import BaseModel, ValidationError

from yms.schemes.catalogue import parse_scheme, shipped, shipped_files
from yms.schemes.domain.scheme import Provenance, RuleBased, Scheme

UK_TEXT = next(p for p in shipped_files() if p.parent.name == "uk-yms").read_text("utf-8")
APX = (
    "https://www.gov.uk/guidance/immigration-rules/immigration-rules-appendix-youth-mobility-scheme"
)
UKRO = "https://www.ukro.ac.uk/news/outcome-of-the-uk-eu-summit-2025-uk-to-rejoin-erasmus"
EUMONITOR = "https://www.eumonitor.eu/9353000/1/j4nvhdfdk3hydzq_j9vvik7m1c3gyxp/vmcj55a8thzz"


def test_an_assumption_needs_a_why() -> None:
    with pytest.raises(ValidationError, match="needs a why"):
        Provenance(assumption=True)
    with pytest.raises(ValidationError, match="assumption = true"):
        Provenance(why="because")
    assert Provenance(assumption=True, why="no source").assumption


def test_unsourced_values_of_the_capped_scheme_are_assumptions(eu_uk_yes: Scheme) -> None:
    arrangement = eu_uk_yes.arrangements[0]
    requirements = arrangement.requirements
    assert requirements.invitation is not None
    assert requirements.previous_participation is not None
    for value in (requirements.invitation, requirements.previous_participation):
        assert value.assumption
        assert value.why
    for allocation in eu_uk_yes.allocations:
        assert allocation.assumption, allocation.id
        assert allocation.emergency_brake is not None
        assert allocation.emergency_brake.assumption
        assert "threshold" in (allocation.emergency_brake.why or "")


def test_sourced_values_are_not_marked(eu_uk_yes: Scheme, eu_uk_2024: Scheme) -> None:
    arrangement = eu_uk_yes.arrangements[0]
    assert arrangement.requirements.age_maximum is not None
    assert not arrangement.requirements.age_maximum.assumption
    assert not arrangement.leave.assumption
    declarations = eu_uk_2024.arrangements[0].requirements.declarations
    insurance = next(d for d in declarations if d.id == "sickness-insurance")
    assert not insurance.assumption
    assert insurance.source == "REPORTED-2024"


def test_the_proposal_names_no_travel_document_so_it_is_an_assumption(eu_uk_2024: Scheme) -> None:
    declarations = eu_uk_2024.arrangements[0].requirements.declarations
    travel = next(d for d in declarations if d.id == "travel-document")
    assert travel.assumption
    assert travel.source is None


def test_the_scheme_lists_its_assumptions_once_each(eu_uk_yes: Scheme) -> None:
    listed = eu_uk_yes.assumptions()
    places = [a.where for a in listed]
    assert len(places) == len(set(places))
    assert "requirements.invitation" in places
    assert "requirements.previous_participation" in places
    assert "allocations.eu-to-uk-2027.emergency_brake" in places
    assert all(a.why for a in listed)
    assert not any(a.where.startswith("requirements.age_maximum") for a in listed)


@pytest.mark.parametrize(
    ("scheme_id", "rule", "url"),
    [
        ("uk-yms", "YMS 3.3", APX),
        ("uk-yms", "YMS 1.4.A", APX),
        (
            "uk-yms",
            "Appendix Youth Mobility Scheme: eligible nationals 1.A",
            APX + "-eligible-nationals",
        ),
        ("eu-uk-2024", "COM(2024) 169", EUMONITOR),
        ("eu-uk-yes", "CU 2025", UKRO),
    ],
)
def test_a_rule_reference_names_its_source(scheme_id: str, rule: str, url: str) -> None:
    source = shipped().latest(scheme_id).source_for(rule)
    assert source is not None
    assert source.url == url
    assert source.title


def test_a_prefix_matches_whole_words_only(uk_yms: Scheme) -> None:
    assert uk_yms.source_for("YMSX 1") is None
    assert uk_yms.source_for("EU 1") is None


def _rules(model: BaseModel) -> Iterator[str]:
    if isinstance(model, RuleBased):
        yield model.rule
    for name in type(model).model_fields:
        value = getattr(model, name)
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, BaseModel):
                yield from _rules(item)
            elif name.endswith("rule") and isinstance(item, str):
                yield item


def test_every_rule_a_shipped_scheme_cites_has_a_source() -> None:
    for scheme in shipped().schemes:
        rules = set(_rules(scheme))
        assert rules
        missing = sorted(rule for rule in rules if scheme.source_for(rule) is None)
        assert missing == [], scheme.key


def test_rule_sources_must_name_a_source() -> None:
    text = UK_TEXT.replace('"YMS" = "APX"', '"YMS" = "NOPE"', 1)
    with pytest.raises(ValueError, match="NOPE"):
        parse_scheme(text, file="uk-yms/2025-11-25.toml")
