"""Entity resolution: the normalisers that make keys, and the fuzzy scorer that compares people."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warmline.network.resolution import (
    FREE_MAIL_DOMAINS,
    MERGE_THRESHOLD,
    REVIEW_THRESHOLD,
    Candidate,
    block_key,
    clean_person_name,
    company_domain_from_email,
    company_key,
    is_free_mail_domain,
    linkedin_slug,
    match,
    name_key,
    normalize_domain,
    normalize_email,
)

# --- LinkedIn ---


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("https://www.linkedin.com/in/jane-doe-123/", "jane-doe-123"),
        ("http://linkedin.com/in/Jane-Doe-123?trk=x", "jane-doe-123"),
        ("https://www.linkedin.com/in/jane-doe-123#experience", "jane-doe-123"),
        ("  HTTPS://WWW.LINKEDIN.COM/IN/JANE-DOE-123//  ", "jane-doe-123"),
        ("uk.linkedin.com/in/jane", "jane"),
        ("www.linkedin.com/in/jane/de", "jane"),
        ("https://www.linkedin.com/in/jane/en/?originalSubdomain=uk", "jane"),
        ("https://www.linkedin.com/in/jane/recent-activity/", "jane"),
        ("/in/jane", "jane"),
        ("linkedin.com/in/jane", "jane"),
        ("https://www.linkedin.com:443/in/jane", "jane"),
        ("https://de.linkedin.com/in/J%C3%B6rg-M%C3%BCller/", "jörg-müller"),
        ("https://de.linkedin.com/in/jörg-müller", "jörg-müller"),
        ("https://de.linkedin.com/in/jo%CC%88rg", "jörg"),  # decomposed ö is composed
        ("linkedin.com/pub/jane-doe/1/2b/3a4", "pub/jane-doe/1/2b/3a4"),
        ("https://www.linkedin.com/pub/Jane-Doe/1/2B/3a4/en", "pub/jane-doe/1/2b/3a4"),
    ],
)
def test_it_finds_the_linkedin_slug(url, slug):
    assert linkedin_slug(url) == slug


def test_it_treats_two_spellings_of_a_percent_encoded_slug_as_one():
    assert linkedin_slug("linkedin.com/in/J%C3%B6rg-M%C3%BCller") == linkedin_slug("linkedin.com/in/jörg-müller")


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "jane-doe-123",
        "https://www.linkedin.com/",
        "https://www.linkedin.com/in/",
        "https://www.linkedin.com/company/acme/",
        "https://www.linkedin.com/feed/",
        "https://www.linkedin.com/pub/dir/jane/doe",
        "https://example.com/in/jane",
        "https://notlinkedin.com/in/jane",
        "https://linkedin.com.evil.io/in/jane",
        "mailto:jane@acme.com",
    ],
)
def test_it_finds_no_slug_where_there_is_no_profile(url):
    assert linkedin_slug(url) == ""


# --- Email ---


@pytest.mark.parametrize(
    ("raw", "email"),
    [
        ("jane@acme.com", "jane@acme.com"),
        ("  Jane.Doe@Acme.COM ", "jane.doe@acme.com"),
        ("<jane@acme.com>", "jane@acme.com"),
        ("mailto:jane@acme.com", "jane@acme.com"),
        ("MAILTO:Jane@Acme.com?subject=Hello", "jane@acme.com"),
        ("<mailto:jane@acme.com>", "jane@acme.com"),
        ("Jane Doe <jane@acme.com>", "jane@acme.com"),
        ("jane+crm@mail.acme.co.uk", "jane+crm@mail.acme.co.uk"),
    ],
)
def test_it_normalises_an_email(raw, email):
    assert normalize_email(raw) == email


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "jane",
        "jane@",
        "@acme.com",
        "jane@acme",
        "jane@@acme.com",
        "a@b@acme.com",
        "jane doe@acme.com",
        "jane@acme..com",
        "jane@.acme.com",
        "jane@acme.com.",
        "jane,bob@acme.com",
    ],
)
def test_it_rejects_what_is_not_an_email(raw):
    assert normalize_email(raw) == ""


# --- Domains ---


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        ("https://www.Acme.com/about", "acme.com"),
        ("acme.com", "acme.com"),
        ("WWW.ACME.COM.", "acme.com"),
        ("http://acme.com:8080/?q=1#top", "acme.com"),
        ("www.www.acme.com", "acme.com"),
        ("eu.acme.co.uk", "eu.acme.co.uk"),
        ("jane@acme.com", "acme.com"),
        ("www.com", "www.com"),
        ("münchen.de", "münchen.de"),
    ],
)
def test_it_normalises_a_domain(raw, domain):
    assert normalize_domain(raw) == domain


@pytest.mark.parametrize(
    "raw", ["", "acme", "localhost", "192.168.0.1", "acme .com", "-acme.com", "acme..com", "a_b.com"]
)
def test_it_rejects_what_is_not_a_domain(raw):
    assert normalize_domain(raw) == ""


def test_it_knows_the_common_free_mail_domains():
    for domain in [
        "gmail.com",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "icloud.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "web.de",
        "live.com",
        "msn.com",
        "me.com",
        "mail.com",
        "qq.com",
        "163.com",
    ]:
        assert domain in FREE_MAIL_DOMAINS
    for domain in ["gmx.de", "gmx.net", "gmx.ch", "yandex.ru", "yandex.kz", "yahoo.co.uk", "hotmail.fr", "GMail.com"]:
        assert is_free_mail_domain(domain), domain
    for domain in ["acme.com", "live.nation.com", "gmxtools.com", "yahoo-finance-partners.com"]:
        assert not is_free_mail_domain(domain), domain


@pytest.mark.parametrize(
    ("email", "domain"),
    [
        ("jane@acme.com", "acme.com"),
        ("Jane@WWW.Acme.com", "acme.com"),
        ("jane@eu.acme.com", "eu.acme.com"),
        ("jane@gmail.com", ""),
        ("jane@gmx.at", ""),
        ("jane@yahoo.co.uk", ""),
        ("not an email", ""),
    ],
)
def test_it_takes_the_company_domain_from_a_work_email_only(email, domain):
    assert company_domain_from_email(email) == domain


# --- Companies ---


@pytest.mark.parametrize(
    "name",
    [
        "Acme",
        "Acme, Inc.",
        "ACME Inc",
        "acme inc.",
        "Acme Incorporated",
        "Acme Corp.",
        "Acme Corporation",
        "Acme LLC",
        "Acme Ltd",
        "Acme Limited",
        "The Acme Company",
        "Acme GmbH",
        "Acme AG",
        "Acme S.A.",
        "Acme B.V.",
        "Acme Oy",
        "Acme Pty Ltd",
        "Acme Co., Ltd.",
        "Acme Group",
        "Acme Group, Inc.",
        "  ACME   ",
        "Acme plc",
        "Acme S.p.A.",
    ],
)
def test_it_gives_one_key_to_the_spellings_of_a_company(name):
    assert company_key(name) == "acme"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Procter & Gamble", "Procter and Gamble Co."),
        ("Société Générale", "SOCIETE GENERALE S.A."),
        ("Nestlé", "Nestle"),
        ("McDonald's Corporation", "McDonalds"),
        ("Hewlett-Packard", "Hewlett Packard"),
        ("Smith & Co.", "Smith"),
        ("Ørsted A/S", "Orsted AS"),
        ("I.B.M.", "IBM"),
        ("acme.com", "Acme, Inc."),
        ("https://www.acme.co.uk/about", "Acme Ltd"),
        ("eu.acme.de", "Acme GmbH"),
        ("Booking.com", "Booking"),
        ("Amazon.com, Inc.", "Amazon"),
    ],
)
def test_it_treats_these_company_names_as_the_same(a, b):
    assert company_key(a) == company_key(b) != ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Acme", "Acme Health"),
        ("Acme Health", "Acme Health Systems"),
        ("Apple", "Applied"),
        ("Acme", "Acne"),
        ("St.Gallen", "St"),
        ("acme.com", "acmehealth.com"),
    ],
)
def test_it_keeps_different_companies_apart(a, b):
    assert company_key(a) != company_key(b)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("The Company", "company"),
        ("Group", "group"),
        ("Inc.", "inc"),
        ("Co", "co"),
        ("The", "the"),
        ("", ""),
        ("   ", ""),
        ("!!!", ""),
        ("Group Inc", "group"),
        ("Bread and", "bread and"),
    ],
)
def test_it_never_reduces_a_company_name_to_nothing(name, key):
    assert company_key(name) == key


# --- Person names ---


@pytest.mark.parametrize(
    ("first", "last", "full", "expected"),
    [
        ("  Jane ", "  Smith  ", "", ("Jane", "Smith", "Jane Smith")),
        ("Mary   Ann", "Smith", "", ("Mary Ann", "Smith", "Mary Ann Smith")),
        ("Jane", "Smith, CFA", "", ("Jane", "Smith", "Jane Smith")),
        ("Jane", "Smith, MBA, PMP", "", ("Jane", "Smith", "Jane Smith")),
        ("Jane", "Smith, Ph.D.", "", ("Jane", "Smith", "Jane Smith")),
        ("Jane", "Smith MBA", "", ("Jane", "Smith", "Jane Smith")),
        ("Jane", "Smith, SHRM-CP", "", ("Jane", "Smith", "Jane Smith")),
        ("John", "Smith, Jr.", "", ("John", "Smith, Jr.", "John Smith, Jr.")),
        ("John", "Smith, Jr., CPA", "", ("John", "Smith, Jr.", "John Smith, Jr.")),
        ("John", "Smith III", "", ("John", "Smith III", "John Smith III")),
        ("Jane 🚀", "Smith ✨", "", ("Jane", "Smith", "Jane Smith")),
        ("👩‍💻 Jane", "Smith 👍🏽", "", ("Jane", "Smith", "Jane Smith")),
        ("Jane", "Smith 🇺🇸", "", ("Jane", "Smith", "Jane Smith")),
        ("Jörg", "Müller", "", ("Jörg", "Müller", "Jörg Müller")),
        ("", "", "Jane Q. Smith", ("Jane Q.", "Smith", "Jane Q. Smith")),
        ("", "", "Smith, Jane", ("Jane", "Smith", "Jane Smith")),
        ("", "", "Smith, Jane, CFA", ("Jane", "Smith", "Jane Smith")),
        ("", "", "SMITH, JANE", ("JANE", "SMITH", "JANE SMITH")),
        ("", "", "Jane Smith, CFA", ("Jane", "Smith", "Jane Smith")),
        ("", "", "Jane Smith MBA", ("Jane", "Smith", "Jane Smith")),
        ("", "", "JACK MA", ("JACK", "MA", "JACK MA")),
        ("", "", "Martin Luther King Jr.", ("Martin Luther", "King Jr.", "Martin Luther King Jr.")),
        ("", "", "John Smith, Jr.", ("John", "Smith, Jr.", "John Smith, Jr.")),
        ("", "", "Vincent van Gogh", ("Vincent", "van Gogh", "Vincent van Gogh")),
        ("", "", "Jean de la Fontaine", ("Jean", "de la Fontaine", "Jean de la Fontaine")),
        ("", "", "Cher", ("Cher", "", "Cher")),
        ("", "", "  Jane   Smith 🎉 ", ("Jane", "Smith", "Jane Smith")),
        ("", "", "", ("", "", "")),
        ("Jane", "", "Jane Smith", ("Jane", "", "Jane")),  # only empty first AND last are filled from full
    ],
)
def test_it_cleans_a_person_name(first, last, full, expected):
    assert clean_person_name(first, last, full) == expected


@pytest.mark.parametrize(
    ("first", "last", "key"),
    [
        ("Jane", "Smith", "jane smith"),
        ("JANE", "SMITH", "jane smith"),
        ("Jörg", "Müller", "jorg muller"),
        ("Jörg", "Müller, MBA 🚀", "jorg muller"),
        ("Mary-Jane", "O'Brien", "mary jane obrien"),
        ("Jane Q.", "Smith", "jane q smith"),
        ("Dr. Jane", "Smith", "jane smith"),
        ("", "Dr Smith", "smith"),
        ("Łukasz", "Żółć", "lukasz zolc"),
        ("  ", "  ", ""),
    ],
)
def test_it_makes_a_name_key(first, last, key):
    assert name_key(first, last) == key


@pytest.mark.parametrize(
    ("first", "last", "key"),
    [
        ("Jane", "Smith", "smith|j"),
        ("Bob", "Smith", "smith|r"),
        ("Robert", "Smith", "smith|r"),
        ("Chris", "Smith", "smith|c"),
        ("John", "Smith, Jr.", "smith|j"),
        ("Jörg", "Müller", "muller|j"),
        ("Vincent", "van Gogh", "van gogh|v"),
        ("Cher", "", "cher|"),
        ("", "Smith", "smith|"),
    ],
)
def test_it_makes_a_block_key_of_last_name_and_formal_initial(first, last, key):
    assert block_key(first, last) == key


# --- The fuzzy scorer ---


def person(first="Jane", last="Smith", company="acme", title="", slug="", emails=()):
    return Candidate(first, last, company, title, slug, frozenset(emails))


def test_it_merges_on_a_shared_email_whatever_the_names():
    result = match(person(emails=["Jane@Acme.com"]), person("J", "Doe", "globex", emails=["jane@acme.com"]))
    assert result.score == 100 and result.reasons == ("same email",) and result.verdict == "merge"


def test_it_merges_on_the_same_linkedin_profile():
    result = match(person(slug="jane-smith-1"), person("Janie", "S.", "", slug="jane-smith-1"))
    assert result.score == 100 and result.reasons == ("same LinkedIn profile",)


def test_it_keeps_different_linkedin_profiles_apart_even_with_the_same_name():
    result = match(person(slug="jane-smith-1"), person(slug="jane-smith-2"))
    assert result.score == 0 and result.reasons == ("different LinkedIn profiles",) and result.verdict == "distinct"


def test_it_sends_a_shared_email_with_different_linkedin_profiles_to_review():
    result = match(person(slug="a", emails=["sales@acme.com"]), person(slug="b", emails=["sales@acme.com"]))
    assert result.score == REVIEW_THRESHOLD and result.verdict == "review"


def test_it_does_not_count_an_invalid_email_as_shared():
    assert (
        match(person(emails=["n/a"], company=""), person("Bob", "Jones", "", emails=["N/A"])).score < REVIEW_THRESHOLD
    )


def test_it_merges_the_same_name_at_the_same_company():
    result = match(person(company="acme"), person(company="Acme, Inc."))
    assert result.score >= MERGE_THRESHOLD
    assert result.reasons == ("same name", "same company")


def test_it_merges_the_same_name_company_and_a_similar_title_with_room_to_spare():
    result = match(person(title="VP Sales"), person(title="Vice President Sales"))
    assert result.score >= 95
    assert "similar title 'VP Sales' ~ 'Vice President Sales'" in result.reasons


def test_it_reviews_the_same_name_when_one_side_has_no_company():
    result = match(person(company="acme"), person(company=""))
    assert REVIEW_THRESHOLD <= result.score < MERGE_THRESHOLD
    assert "company unknown on one side" in result.reasons


def test_it_still_reviews_a_missing_company_when_the_titles_agree():
    assert match(person(company="", title="CFO"), person(title="CFO")).verdict == "review"


def test_it_keeps_the_same_name_at_different_companies_apart():
    result = match(person(company="acme"), person(company="globex"))
    assert result.score < REVIEW_THRESHOLD
    assert "different companies 'acme' vs 'globex'" in result.reasons
    assert match(person(company="acme", title="CFO"), person(company="globex", title="CFO")).score < REVIEW_THRESHOLD


def test_it_reviews_the_same_name_at_related_companies():
    assert match(person(company="acme"), person(company="acme health")).verdict == "review"


def test_it_reviews_a_one_letter_typo_in_the_last_name_at_the_same_company():
    result = match(person(last="Smith"), person(last="Smyth"))
    assert REVIEW_THRESHOLD <= result.score < MERGE_THRESHOLD
    assert "similar name 'Jane Smith' ~ 'Jane Smyth'" in result.reasons


def test_it_keeps_different_first_names_apart_even_at_the_same_company():
    assert match(person("Jane"), person("John")).score < REVIEW_THRESHOLD
    assert match(person("Jane", title="CFO"), person("John", title="CFO")).score < REVIEW_THRESHOLD
    assert match(person("Sarah"), person("Michael")).score < REVIEW_THRESHOLD


def test_it_treats_a_nickname_as_the_same_first_name():
    for short, formal in [
        ("Bob", "Robert"),
        ("Bill", "William"),
        ("Liz", "Elizabeth"),
        ("Mike", "Michael"),
        ("Jim", "James"),
        ("Kate", "Katherine"),
        ("Tom", "Thomas"),
        ("Dave", "David"),
        ("Chris", "Christopher"),
        ("Chris", "Christina"),
        ("Dan", "Daniel"),
        ("Alex", "Alexander"),
        ("Sam", "Samuel"),
        ("Nick", "Nicholas"),
        ("Matt", "Matthew"),
        ("Jen", "Jennifer"),
    ]:
        result = match(person(short), person(formal))
        assert result.score >= MERGE_THRESHOLD, (short, formal)
        assert any(f"nickname '{short}' = '{formal}'" in reason for reason in result.reasons)


def test_it_reviews_an_initial_against_a_first_name():
    assert match(person("J."), person("Jane")).verdict == "review"


def test_it_merges_a_middle_initial_and_folded_accents():
    assert match(person("Jane Q.", "Smith"), person("Jane", "Smith")).verdict == "merge"
    assert match(person("Jörg", "Müller"), person("Jorg", "Muller")).verdict == "merge"


def test_it_reviews_swapped_first_and_last_names():
    result = match(person("Smith", "Jane"), person("Jane", "Smith"))
    assert result.verdict == "review"


def test_it_does_not_merge_people_with_no_names():
    assert match(person("", ""), person("", "")).verdict == "distinct"
    assert match(person("Sam", ""), person("Sam", "")).verdict == "distinct"


def test_it_lowers_the_score_a_little_for_very_different_titles():
    same = match(person(), person()).score
    assert (
        match(person(company="", title="CFO"), person(title="Warehouse Intern")).score
        < match(person(company=""), person()).score
        <= same
    )


@pytest.mark.parametrize(
    ("a", "b", "verdict"),
    [
        (("Jane", "Smith", "acme"), ("Jane", "Smith", "acme"), "merge"),
        (("Jane", "Smith", "acme"), ("Jane", "Smith", ""), "review"),
        (("Jane", "Smith", ""), ("Jane", "Smith", ""), "review"),
        (("Jane", "Smith", "acme"), ("Jane", "Smith", "globex"), "distinct"),
        (("Jane", "Smith", "acme"), ("Jane", "Smyth", "acme"), "review"),
        (("Jane", "Smith", "acme"), ("John", "Smith", "acme"), "distinct"),
        (("Jane", "Smith", "acme"), ("Jane", "Doe", "acme"), "distinct"),
    ],
)
def test_it_puts_each_pair_on_the_documented_side_of_the_thresholds(a, b, verdict):
    assert match(Candidate(*a), Candidate(*b)).verdict == verdict


def test_it_scores_fuzzy_matches_below_the_deterministic_hundred():
    assert match(person(title="CFO"), person(title="CFO")).score < 100


# --- Properties ---

text = st.text(max_size=40)
names = st.sampled_from(["Jane", "John", "Bob", "Robert", "J.", "", "Jörg", "Smith", "Smyth", "O'Brien", "Mary Ann"])
companies = st.sampled_from(["", "acme", "acme health", "globex", "Acme, Inc."])
titles = st.sampled_from(["", "VP Sales", "Vice President, Sales", "CFO", "Intern"])
candidates = st.builds(
    Candidate,
    first=st.one_of(names, text),
    last=st.one_of(names, text),
    company_key=st.one_of(companies, text),
    title=st.one_of(titles, text),
    linkedin_slug=st.sampled_from(["", "", "", "jane", "john"]),
    emails=st.frozensets(st.sampled_from(["jane@acme.com", "JANE@acme.com", "j@x.io", "bad"]), max_size=2),
)


@given(text)
def test_it_never_crashes_on_arbitrary_text(s):
    for result in [
        linkedin_slug(s),
        normalize_email(s),
        normalize_domain(s),
        company_domain_from_email(s),
        company_key(s),
        name_key(s, s),
        block_key(s, s),
        *clean_person_name(s, s, s),
        *clean_person_name("", "", s),
    ]:
        assert isinstance(result, str)


@given(text)
def test_it_normalises_idempotently(s):
    for normalise in (normalize_email, normalize_domain, company_key):
        once = normalise(s)
        assert normalise(once) == once, normalise.__name__
    key = name_key(s, "")
    assert name_key(key, "") == key
    once = clean_person_name(s, s)
    assert clean_person_name(*once[:2]) == once


@given(st.text(min_size=1, max_size=30))
def test_it_finds_a_slug_again_in_its_own_profile_url(s):
    slug = linkedin_slug("https://www.linkedin.com/in/" + s)
    if slug and not slug.startswith("pub/"):
        assert linkedin_slug("https://www.linkedin.com/in/" + slug) == slug


@given(candidates, candidates)
def test_it_scores_symmetrically_within_zero_and_a_hundred(a, b):
    forward, backward = match(a, b), match(b, a)
    assert 0.0 <= forward.score <= 100.0
    assert forward.score == backward.score


plain_names = st.from_regex(r"[A-Z][a-z]{2,10}", fullmatch=True).filter(lambda n: n.lower() not in {"mrs", "miss"})


@given(plain_names, plain_names, st.sampled_from(["acme", "Globex Corp", "Initech"]), titles)
def test_it_merges_a_person_with_themselves(first, last, company, title):
    someone = Candidate(first, last, company, title)
    assert match(someone, someone).score >= MERGE_THRESHOLD
