"""Referral scripts: the default templates read well whatever is known, and admin-edited templates render in a
sandbox that neither reaches Python objects nor lets a template exhaust the server."""

import copy
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warmline.targeting.scripts import (
    DEFAULTS,
    KINDS,
    MAX_OUTPUT_CHARS,
    MAX_TEMPLATE_CHARS,
    SAMPLE_CONTEXT,
    TemplateError,
    check,
    render,
)


def _blank(record):
    return {key: 0 if isinstance(value, int) and not isinstance(value, bool) else "" for key, value in record.items()}


def _sparse(**target):
    context = {key: _blank(value) if isinstance(value, dict) else "" for key, value in SAMPLE_CONTEXT.items()}
    context["target"].update(specific=False, **target)
    return context


SPARSE_CONTEXTS = {
    "nothing known": _sparse(),
    "a described kind of person": _sparse(description="CFOs of mid-size freight companies"),
}


def _assert_reads_cleanly(text):
    assert text and "None" not in text and "  " not in text and "{" not in text
    # Gaps left by missing facts: space before punctuation, empty brackets, doubled or dangling punctuation.
    assert not re.search(r" [.,:;)]|\( |\(\)|[.,:]\.|,,| (because|for|to|at|with|since)[.,:]|:$", text, re.MULTILINE)


# --- The default templates ---


@pytest.mark.parametrize("kind", KINDS)
def test_it_ships_defaults_that_pass_their_own_check(kind):
    check(DEFAULTS[kind])


def test_the_talking_points_cover_value_target_reason_profile_and_an_easy_next_step():
    text = render(DEFAULTS["talking_points"], SAMPLE_CONTEXT)
    _assert_reads_cleanly(text)
    assert all(line.startswith("- ") for line in text.splitlines())
    assert "$120,000.00 of software, live since May" in text
    assert "3 introductions" in text and "1 became a client" in text
    assert "Bob Smith, CFO at Acme Freight" in text
    assert "Why Bob: Acme Freight is expanding its fleet" in text
    assert "The people we help most: CFOs of logistics companies" in text
    assert "short note to forward to Bob" in text


def test_the_intro_text_is_an_email_from_the_source_introducing_the_rep():
    text = render(DEFAULTS["intro_text"], SAMPLE_CONTEXT)
    _assert_reads_cleanly(text)
    assert text.startswith("Subject: Introduction: Bob, meet Carol\n\nHi Bob,\n\n")
    assert "introduce you to Carol Diaz, Account Executive at Acme Software." in text
    assert "Why I thought of you: Acme Freight is expanding its fleet" in text
    assert text.endswith("take it from here.\n\nBest,\nPriya")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("context", SPARSE_CONTEXTS.values(), ids=SPARSE_CONTEXTS.keys())
def test_the_defaults_read_naturally_when_almost_nothing_is_known(kind, context):
    _assert_reads_cleanly(render(DEFAULTS[kind], context))


def test_a_described_kind_of_person_stands_in_for_a_named_target():
    context = SPARSE_CONTEXTS["a described kind of person"]
    assert "knows CFOs of mid-size freight companies and would introduce you" in render(
        DEFAULTS["talking_points"], context
    )
    assert "Hi,\n" in render(DEFAULTS["intro_text"], context)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("emptied", [("reason",), ("profile",), ("history",), ("source", "company"), ("rep", "title")])
def test_the_defaults_read_naturally_with_any_one_fact_missing(kind, emptied):
    context = copy.deepcopy(SAMPLE_CONTEXT)
    if len(emptied) == 2:
        context[emptied[0]][emptied[1]] = ""
    else:
        value = context[emptied[0]]
        context[emptied[0]] = _blank(value) if isinstance(value, dict) else ""
    _assert_reads_cleanly(render(DEFAULTS[kind], context))


# --- The sandbox ---

ESCAPES = [
    "{{ source.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ source.name.__class__ }}",
    "{{ cycler.__init__.__globals__ }}",
    '{{ "{0.__class__}".format(source) }}',
    "{{ source.update({'a': 1}) }}",
    "{{ source['__class__'] }}",
    "{{ source|attr('__class__') }}",
    '{{ "{0.name.__class__.__mro__}".format(source) }}',
    "{% set x = target.pop('name') %}{{ target }}",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_it_refuses_templates_that_reach_for_python_objects(source):
    for attempt in (check, lambda text: render(text, SAMPLE_CONTEXT)):
        with pytest.raises(TemplateError) as refused:
            attempt(source)
        message = str(refused.value)
        assert "may not use" in message
        assert re.search(r"'(__\w+__|update|pop)'", message)
        assert "<class" not in message and "Traceback" not in message


def test_it_refuses_an_escape_in_a_branch_the_sample_does_not_take():
    with pytest.raises(TemplateError, match="'__globals__'") as refused:
        check("Hello\n{% if not source %}\n{{ source.get.__globals__ }}\n{% endif %}")
    assert refused.value.line == 3


def test_it_refuses_includes_and_reserved_names():
    with pytest.raises(TemplateError, match="cannot include"):
        check("{% include 'settings.py' %}")
    with pytest.raises(TemplateError, match="reserved"):
        check("{% set _warmline_each = range %}{% for i in range(3) %}{% endfor %}")


def test_it_refuses_to_print_functions_and_other_objects():
    with pytest.raises(TemplateError, match="printed a function"):
        render("{{ target.items }}", SAMPLE_CONTEXT)
    with pytest.raises(TemplateError, match="not text"):
        render("{{ [1, 2]|map('string') }}", SAMPLE_CONTEXT)


# --- Mistakes an admin makes ---


def test_a_syntax_error_names_its_line():
    with pytest.raises(TemplateError) as refused:
        check("Hi {{ target.first_name }},\n\nThanks {{ source.first_name } }}")
    assert refused.value.line == 3
    assert str(refused.value) == "Line 3: unexpected '}'"
    with pytest.raises(TemplateError, match="endif") as refused:
        render("one\ntwo\n{% if reason %}\nfour", SAMPLE_CONTEXT)
    assert refused.value.line == 4


def test_an_unknown_variable_is_refused_by_name():
    with pytest.raises(TemplateError, match="'secret'") as refused:
        check("Hi,\n{{ secret }}")
    assert refused.value.line == 2
    with pytest.raises(TemplateError, match="'secret'"):
        render("{{ secret }}", SAMPLE_CONTEXT)


def test_a_missing_field_of_a_record_renders_as_empty():
    assert render("{{ target.nickname }}", SAMPLE_CONTEXT) == ""
    assert render("[{{ target.nickname.first }}]", SAMPLE_CONTEXT) == "[]"
    assert render("{{ target.get('nickname') }}", SAMPLE_CONTEXT) == ""


def test_a_runtime_error_is_a_sentence_with_its_line_never_a_traceback():
    with pytest.raises(TemplateError) as refused:
        check("Deals:\n{{ history.deals_won / 0 }}")
    assert str(refused.value) == "Line 2: The template could not be rendered: division by zero."


def test_it_refuses_a_template_longer_than_the_limit():
    source = "x" * (MAX_TEMPLATE_CHARS + 1)
    for attempt in (check, lambda text: render(text, SAMPLE_CONTEXT)):
        with pytest.raises(TemplateError, match="20,000"):
            attempt(source)
    check("x" * MAX_TEMPLATE_CHARS)


# --- Templates that try to exhaust the server ---


def test_the_output_cap_stops_a_loop_bomb():
    with pytest.raises(TemplateError, match="longer than 20,000 characters"):
        render("{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}", SAMPLE_CONTEXT)


def test_the_output_cap_is_on_the_final_text():
    assert len(render("{{ 'x' * %d }}" % MAX_OUTPUT_CHARS, SAMPLE_CONTEXT)) == MAX_OUTPUT_CHARS
    with pytest.raises(TemplateError, match="longer than"):
        render("{{ 'x' * %d }}" % (MAX_OUTPUT_CHARS + 1), SAMPLE_CONTEXT)


def test_the_loop_limit_stops_a_loop_bomb_that_prints_nothing():
    with pytest.raises(TemplateError, match="repeats too much"):
        render("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", SAMPLE_CONTEXT)


@pytest.mark.parametrize("source", [
    "{{ 'x' * 10**10 }}",
    "{{ 9**(9**9) }}",
    "{{ 'x'|center(10**9) }}",
    "{{ target.name.center(10**9) }}",
    "{{ '%0999999999d' % 1 }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ '%*d' % (10**9, 1) }}",
    "{% set a = 'x' * 30000 %}{% set b = a ~ a %}{{ b|length }}",
    "{% set a = 'x' * 30000 %}{{ (a + a)|length }}",
    "{% set a = 'x' * 30000 %}{{ a|replace('x', a)|length }}",
    "{% set a = 'x' * 10000 %}{{ range(100000)|join(a)|length }}",
    "{% set a %}{% for i in range(100000) %}{{ 'y' * 10000 }}{% endfor %}{% endset %}{{ a|length }}",
    "{% macro twice(s) %}{{ s }}{{ s }}{% endmacro %}{{ twice(twice(twice(twice('x' * 9000))))|length }}",
    "{% macro again() %}{{ again() }}{% endmacro %}{{ again() }}",
])
def test_it_refuses_templates_that_would_eat_memory_or_time(source):
    with pytest.raises(TemplateError):
        render(source, SAMPLE_CONTEXT)


# --- Whitespace ---


def test_it_trims_blank_lines_at_the_ends_and_collapses_runs_of_them():
    source = "\n\n  \n- one  \n\n\n\n- two\n{% if reason %}\n\n\n{% endif %}\n- three\n\n \n"
    assert render(source, SAMPLE_CONTEXT) == "- one\n\n- two\n\n- three"


def test_it_keeps_single_blank_lines_and_indentation():
    assert render("a\n\n  b\n    c", SAMPLE_CONTEXT) == "a\n\n  b\n    c"


def test_block_tags_take_their_own_line_with_them():
    source = "Hi\n  {% if target.specific %}\nBob\n  {% endif %}\nBye"
    assert render(source, SAMPLE_CONTEXT) == "Hi\nBob\nBye"


def test_line_breaks_typed_in_a_form_are_normalised():
    context = {**SAMPLE_CONTEXT, "reason": "First.\r\n\r\n\r\n\r\nSecond.\r\n"}
    assert render("{{ reason }}", context) == "First.\n\nSecond."


def test_it_renders_plain_text_without_escaping():
    context = {**SAMPLE_CONTEXT, "reason": "Costs < revenue & \"growing\""}
    assert render("{{ reason }}", context) == "Costs < revenue & \"growing\""


# --- Whatever an admin types ---

jinja_pieces = st.sampled_from([
    "{{", "}}", "{%", "%}", "{#", "#}", " ", "\n", "source", "target", "history", "reason", ".", "name", "[", "]",
    "(", ")", "'", "|", "upper", "join", "if", "else", "endif", "for", "in", "endfor", "set", "=", "~", "+", "*",
    "range", "loop", "macro", "endmacro", "1", "9", "**", "%", "format", "__class__", "x", ",",
])
templates = st.one_of(st.text(max_size=200), st.lists(jinja_pieces, max_size=40).map("".join))


@settings(max_examples=300, deadline=None)
@given(templates)
def test_any_text_either_works_or_is_refused_with_a_template_error(source):
    for attempt in (check, lambda text: render(text, SAMPLE_CONTEXT)):
        try:
            result = attempt(source)
        except TemplateError as refused:
            assert refused.message and "Traceback" not in str(refused)
        else:
            assert result is None or isinstance(result, str)
