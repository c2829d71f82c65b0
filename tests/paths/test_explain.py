"""Paths in words, from evidence."""

from datetime import date

from warmline.network.strength import Evidence
from warmline.paths.explain import EXISTENCE, Step, Who, explain

TODAY = date(2026, 11, 22)
DANA = Who("Dana Lee", "Dana", title="VP Sales", employee=True)
PRIYA = Who("Priya Patel", "Priya", title="CFO", company="Initech")
BOB = Who("Bob Smith", "Bob", company="Globex")


def test_the_example_of_the_brief():
    steps = [
        Step([Evidence("shared_employer", date(2019, 3, 1), "Initech", 40, date(2022, 7, 1)),
              Evidence("interaction", date(2026, 10, 2)), Evidence("interaction", date(2026, 11, 20))]),
        Step([Evidence("linkedin", date(2021, 5, 4))]),
    ]
    assert explain([DANA, PRIYA, BOB], steps, today=TODAY) == (
        "Dana Lee (your VP Sales) worked with Priya Patel at Initech 2019–2022 and met Priya twice this quarter; "
        "Priya has known Bob Smith since 2021 (LinkedIn).")


def test_the_reader_is_you_with_the_verbs_to_match():
    you = Who("Dana Lee", "Dana", employee=True, you=True)
    steps = [Step([Evidence("linkedin", date(2020, 1, 1)), Evidence("contacts", TODAY)]),
             Step([Evidence("manual", TODAY, "CFO round-table")])]
    assert explain([you, PRIYA, BOB], steps, today=TODAY) == (
        "You have Priya Patel in your contacts and have known Priya since 2020 (LinkedIn); "
        "Priya knows Bob Smith: “CFO round-table”.")


def test_an_ongoing_overlap_an_old_meeting_and_an_insider():
    steps = [Step([Evidence("shared_employer", date(2023, 1, 1), "Initech", 30, None),
                   Evidence("interaction", date(2025, 2, 3))]),
             Step(insider=True, same_function=True)]
    assert explain([DANA, PRIYA, BOB], steps, today=TODAY) == (
        "Dana Lee (your VP Sales) has worked with Priya Patel at Initech since 2023 and last met Priya in "
        "February 2025; Priya (CFO) works with Bob Smith at Globex, in the same function.")


def test_existence_only_and_a_hidden_contact_say_nothing_of_how():
    steps = [Step([], disclosure=EXISTENCE), Step([Evidence("linkedin", date(2020, 1, 1))])]
    assert explain([DANA, PRIYA, BOB], steps, today=TODAY) == (
        "Dana Lee (your VP Sales) knows Priya Patel (how well is private to Dana); "
        "Priya has known Bob Smith since 2020 (LinkedIn).")
    hidden = Who("", hidden=True)
    said = explain([DANA, hidden, BOB], steps, today=TODAY)
    assert said == ("Dana Lee (your VP Sales) knows someone who can take it from there; who, and how, stay private "
                    "until Dana agrees to share.")


def test_a_tie_without_evidence_still_reads():
    assert explain([DANA, BOB], [Step([])], today=TODAY) == "Dana Lee (your VP Sales) knows Bob Smith."
