"""The fit of a person at a company against a profile: each dimension, weights, and missing data as unknown."""

import pytest

from warmline.targeting import fit
from warmline.targeting.fit import MATCH, MISMATCH, PARTIAL, UNKNOWN, Profile, Subject

LOGISTICS_CFO = Subject(industry="Logistics & Transportation", city="Chicago", region="Illinois",
                        country="United States", employee_count=800, title="Chief Financial Officer",
                        seniority="c_level", tags=("early adopter",), text="Freight costs rose 18% last year.")


def _outcome(result: fit.Fit, dimension: str) -> str:
    return next(c.outcome for c in result.criteria if c.dimension == dimension)


def test_a_person_matching_every_criterion_scores_100():
    profile = Profile(industries=("Logistics",), regions=("Illinois",), size_min=200, size_max=2000,
                      functions=("Finance",), seniorities=("c_level",), trait_tags=("early adopter",),
                      need_keywords=("freight costs",))
    result = fit.fit(profile, LOGISTICS_CFO)
    assert result.score == 100 and result.coverage == 1.0 and result.band == "strong"
    assert {c.outcome for c in result.criteria} == {MATCH} and len(result.criteria) == 6


def test_industry_matches_whole_words_case_and_ampersands():
    profile = Profile(industries=("logistics and transportation",))
    assert _outcome(fit.fit(profile, LOGISTICS_CFO), "industry") == MATCH
    assert _outcome(fit.fit(Profile(industries=("Transport",)), LOGISTICS_CFO), "industry") == MISMATCH
    assert _outcome(fit.fit(Profile(industries=("Art",)), Subject(industry="Smart Home")), "industry") == MISMATCH
    assert _outcome(fit.fit(profile, Subject(industry="")), "industry") == UNKNOWN


@pytest.mark.parametrize("profile, subject, outcome", [
    (Profile(cities=("chicago",)), Subject(city="Chicago"), MATCH),
    (Profile(countries=("USA",)), Subject(country="United States"), MATCH),
    (Profile(countries=("UK",)), Subject(company_country="United Kingdom"), MATCH),
    (Profile(regions=("Ohio",)), Subject(region="Illinois", country="United States"), MISMATCH),
    # The person's own place first, then the company's.
    (Profile(cities=("Detroit",)), Subject(city="Chicago", company_city="Detroit"), MISMATCH),
    (Profile(cities=("Detroit",)), Subject(company_city="Detroit"), MATCH),
    # A country alone cannot tell whether it is in the listed region: unknown, not a mismatch.
    (Profile(regions=("Midwest",)), Subject(country="United States"), UNKNOWN),
    (Profile(countries=("Germany",)), Subject(), UNKNOWN),
])
def test_geography_matches_any_listed_city_region_or_country(profile, subject, outcome):
    assert _outcome(fit.fit(profile, subject), "geography") == outcome


@pytest.mark.parametrize("count, band, outcome", [
    (800, "", MATCH), (200, "", MATCH), (2000, "", MATCH),
    (180, "", PARTIAL), (2300, "", PARTIAL),  # within 20 % of a bound
    (100, "", MISMATCH), (5000, "", MISMATCH),
    (None, "201-500", MATCH), (None, "1001-5000", PARTIAL), (None, "11-50", MISMATCH), (None, "10001+", MISMATCH),
    (None, "", UNKNOWN),
])
def test_company_size_against_a_range(count, band, outcome):
    profile = Profile(size_min=200, size_max=2000)
    assert _outcome(fit.fit(profile, Subject(employee_count=count, size_band=band)), "size") == outcome


def test_an_open_ended_size_range():
    assert _outcome(fit.fit(Profile(size_min=1000), Subject(employee_count=50_000)), "size") == MATCH
    assert _outcome(fit.fit(Profile(size_max=50), Subject(size_band="10001+")), "size") == MISMATCH


def test_role_needs_function_and_seniority_and_reads_them_from_the_title():
    profile = Profile(functions=("Finance",), seniorities=("c_level", "vp"))
    assert _outcome(fit.fit(profile, Subject(title="VP Finance")), "role") == MATCH
    assert _outcome(fit.fit(profile, Subject(title="Finance Manager")), "role") == PARTIAL
    assert _outcome(fit.fit(profile, Subject(title="VP Sales")), "role") == PARTIAL
    assert _outcome(fit.fit(profile, Subject(title="Sales Manager")), "role") == MISMATCH
    assert _outcome(fit.fit(profile, Subject()), "role") == UNKNOWN
    # Seniority known, function not: a half-known match is partial, never a full one.
    assert _outcome(fit.fit(profile, Subject(seniority="vp")), "role") == PARTIAL


def test_traits_and_needs_count_only_in_favour():
    profile = Profile(trait_tags=("early adopter",), need_keywords=("freight costs", "fuel"))
    assert _outcome(fit.fit(profile, LOGISTICS_CFO), "traits") == MATCH
    assert _outcome(fit.fit(profile, LOGISTICS_CFO), "need") == MATCH
    nothing_said = Subject(tags=("golfer",), text="Likes sailing.")
    assert _outcome(fit.fit(profile, nothing_said), "traits") == UNKNOWN
    assert _outcome(fit.fit(profile, nothing_said), "need") == UNKNOWN
    assert _outcome(fit.fit(profile, Subject(company_tags=("fuel",))), "need") == MATCH


def test_missing_data_is_neither_a_match_nor_a_mismatch():
    profile = Profile(industries=("Logistics",), size_min=200, size_max=2000, weights={"industry": 3, "size": 1})
    known_industry = fit.fit(profile, Subject(industry="Logistics"))
    assert known_industry.score == 100 and known_industry.coverage == 0.75
    assert [c.outcome for c in known_industry.criteria] == [MATCH, UNKNOWN]
    nothing = fit.fit(profile, Subject())
    assert nothing.score is None and nothing.coverage == 0 and nothing.band == "unknown"
    assert len(nothing.unknown) == 2 and not nothing.matched and not nothing.unmatched


def test_weights_decide_how_much_each_dimension_counts():
    subject = Subject(industry="Logistics", employee_count=50)
    even = Profile(industries=("Logistics",), size_min=200, weights={"industry": 1, "size": 1})
    industry_heavy = Profile(industries=("Logistics",), size_min=200, weights={"industry": 3, "size": 1})
    ignored = Profile(industries=("Logistics",), size_min=200, weights={"industry": 1, "size": 0})
    assert fit.fit(even, subject).score == 50
    assert fit.fit(industry_heavy, subject).score == 75
    assert fit.fit(ignored, subject).score == 100 and len(fit.fit(ignored, subject).criteria) == 1


def test_a_partial_match_earns_half_its_weight():
    profile = Profile(size_min=200, size_max=2000, industries=("Logistics",), weights={"size": 2, "industry": 2})
    assert fit.fit(profile, Subject(industry="Logistics", employee_count=190)).score == 75


def test_a_company_alone_is_judged_on_company_dimensions_only():
    profile = Profile(industries=("Logistics",), functions=("Finance",), trait_tags=("early adopter",))
    result = fit.fit(profile, Subject(is_person=False, industry="Logistics"))
    assert [c.dimension for c in result.criteria] == ["industry"] and result.score == 100


def test_dimensions_without_criteria_are_not_judged():
    assert fit.fit(Profile(), LOGISTICS_CFO).criteria == ()
    assert fit.fit(Profile(), LOGISTICS_CFO).score is None


def test_every_criterion_explains_itself():
    profile = Profile(industries=("Retail",), regions=("Ohio",), size_min=5000)
    result = fit.fit(profile, LOGISTICS_CFO)
    details = {c.dimension: c.detail for c in result.criteria}
    assert details["industry"] == "Logistics & Transportation is not one of Retail"
    assert details["geography"] == "Chicago, Illinois, United States is outside Ohio"
    assert details["size"] == "800 people, outside 5,000 or more people"
    assert result.score == 0 and result.band == "weak"


def test_bands():
    assert [fit.band(s) for s in (100, 70, 69, 40, 39, 0, None)] == [
        "strong", "strong", "moderate", "moderate", "weak", "weak", "unknown"]


def test_the_profile_in_one_sentence():
    profile = Profile(industries=("logistics",), regions=("the Midwest",), size_min=200, size_max=2000)
    assert fit.sentence(profile, who="CFOs", need="rising freight costs.") == (
        "CFOs of logistics companies of 200–2,000 people in the Midwest, facing rising freight costs")
    assert fit.sentence(Profile(seniorities=("c_level", "vp"), functions=("Finance",))) == (
        "C-level or VP finance leaders")
    assert fit.sentence(Profile(size_max=50, countries=("Spain",))) == "People of companies of up to 50 people in Spain"
