"""Ideal customer profiles: who may define them, what is refused, versions, archiving, lists built from them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from warmline.paths.models import AccountList
from warmline.referrals.services import StaleVersion
from warmline.targeting import queries, services
from warmline.targeting.models import IdealCustomerProfile


def _errors(call):
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_only_an_admin_defines_profiles(targeting):
    for member in (targeting.world.bob, targeting.world.carol):
        with pytest.raises(PermissionDenied):
            services.save_profile(member, None, name="Mine")
        with pytest.raises(PermissionDenied):
            services.save_profile(member, targeting.profile, name="Renamed")
    assert IdealCustomerProfile.objects.filter(workspace=targeting.world.acme).count() == 1


def test_bad_values_are_refused_field_by_field_and_nothing_is_saved(targeting):
    alice = targeting.world.alice
    errors = _errors(lambda: services.save_profile(
        alice, None, name="logistics FINANCE", size_min=500, size_max=100, seniorities=["emperor"],
        weights={"industry": 11}, threshold=101, industries="a" * 101))
    assert errors == {
        "name": ["Another profile is already called 'logistics FINANCE'."],
        "size_max": ["The largest size (100) is below the smallest (500)."],
        "seniorities": ["'emperor' is not a seniority; use c_level, vp, director, manager, senior, entry."],
        "weights": ["The weight of industry must be a whole number from 0 to 10, not 11."],
        "threshold": ["A score from 0 to 100, not 101."],
        "industries": [f"'{'a' * 40}…' is longer than 100 characters."],
    }
    assert _errors(lambda: services.save_profile(alice, None, name=" ")) == {"name": ["Give the profile a name."]}
    assert _errors(lambda: services.save_profile(alice, None, name="X", colour="red")) == {"colour": ["Unknown field."]}
    assert _errors(lambda: services.save_profile(alice, None, name="X", weights={"charm": 2}))["weights"] == [
        "Unknown dimension 'charm'; the dimensions are industry, geography, size, role, traits, need."]
    assert IdealCustomerProfile.objects.filter(workspace=targeting.world.acme).count() == 1


def test_lists_are_tidied_and_a_comma_separated_string_is_a_list(targeting):
    saved = services.save_profile(targeting.world.alice, None, name="Tidy",
                                  industries="Logistics,  logistics , Freight\n Rail ", need_keywords=["", " fuel "])
    assert saved.industries == ["Logistics", "Freight", "Rail"] and saved.need_keywords == ["fuel"]


def test_a_change_made_from_a_stale_version_is_refused(targeting):
    alice, profile = targeting.world.alice, targeting.profile
    services.save_profile(alice, profile, version=1, threshold=70)
    with pytest.raises(StaleVersion):
        services.save_profile(alice, profile, version=1, threshold=80)
    profile.refresh_from_db()
    assert profile.threshold == 70 and profile.version == 2


def test_an_archived_profile_scores_no_one(targeting):
    bob_smith = targeting.pipeline.bob_smith
    assert queries.best_fit(queries.subject_of(bob_smith), queries.profiles(targeting.world.acme.pk)).score == 100
    services.archive_profile(targeting.world.alice, targeting.profile)
    assert queries.profiles(targeting.world.acme.pk) == []
    assert queries.best_fit(queries.subject_of(bob_smith), queries.profiles(targeting.world.acme.pk)) is None
    services.archive_profile(targeting.world.alice, targeting.profile, archived=False)
    assert queries.profiles(targeting.world.acme.pk) == [targeting.profile]


def test_the_sentence_is_written_from_the_criteria_unless_given(targeting):
    assert targeting.profile.sentence == ("CFOs of Logistics or Freight companies of 200–2,000 people in Illinois, "
                                          "Ohio or Michigan, facing rising freight costs")
    services.save_profile(targeting.world.alice, targeting.profile, summary="CFOs of Midwest freight firms")
    targeting.profile.refresh_from_db()
    assert targeting.profile.sentence == "CFOs of Midwest freight firms"


def test_a_rep_builds_a_target_account_list_of_the_companies_that_fit(targeting):
    saved = services.build_account_list(targeting.world.carol, targeting.profile, threshold=60)
    assert [a["name"] for a in saved.accounts] == ["Globex"]
    assert saved.name == "Logistics finance: fit 60+" and saved.created_by == targeting.world.carol.user
    assert saved.description.startswith("Built from the profile Logistics finance: 1 company fitting 60 or more")
    errors = _errors(lambda: services.build_account_list(targeting.world.carol, targeting.profile, threshold=101))
    assert errors == {"threshold": ["A score from 0 to 100, not 101."]}
    services.save_profile(targeting.world.alice, targeting.profile, industries=["Mining"])
    targeting.profile.refresh_from_db()
    errors = _errors(lambda: services.build_account_list(targeting.world.carol, targeting.profile, threshold=60))
    assert "No company fits Logistics finance at 60 or more" in errors["threshold"][0]
    assert AccountList.objects.filter(workspace=targeting.world.acme).count() == 1


def test_the_distribution_counts_every_company_once(targeting):
    result = queries.distribution(targeting.world.acme.pk, targeting.profile.criteria(), 60)
    assert sum(n for _, n in result.buckets) + result.unknown == result.total
    assert result.good == 1 and result.top[0][0]["name"] == "Globex"
