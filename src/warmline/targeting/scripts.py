"""Referral scripts: talking points for the rep and an introduction text for the source, drafted from
admin-edited templates that render in a sandbox which cannot reach Python objects or exhaust the server."""

import functools
import re
import string
import time
from collections.abc import Mapping, MappingView, Set
from contextvars import ContextVar

from jinja2 import ChainableUndefined, TemplateSyntaxError, Undefined, UndefinedError, meta, nodes
from jinja2.compiler import CodeGenerator, optimizeconst
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import missing


class TemplateError(ValueError):
    """A template that cannot be used: `message` is a sentence for the admin; `line` is the 1-based template line,
    or None when the problem has no single line."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(f"Line {line}: {message}" if line else message)
        self.message = message
        self.line = line


KINDS = ("talking_points", "intro_text")
MAX_TEMPLATE_CHARS = 20_000
MAX_OUTPUT_CHARS = 20_000

NAMES = ("source", "target", "rep", "profile", "reason", "history", "workspace")

SAMPLE_CONTEXT = {
    "source": {
        "name": "Priya Raman",
        "first_name": "Priya",
        "title": "COO",
        "company": "Northwind Logistics",
        "relation": "client",
    },
    "target": {
        "name": "Bob Smith",
        "first_name": "Bob",
        "title": "CFO",
        "company": "Acme Freight",
        "specific": True,
        "description": "",
    },
    "rep": {"name": "Carol Diaz", "first_name": "Carol", "title": "Account Executive", "company": "Acme Software"},
    "profile": {
        "name": "Logistics finance",
        "sentence": (
            "CFOs of logistics companies of 200–2,000 people in the Midwest who are fighting rising freight costs"
        ),
        "need": "rising freight costs",
    },
    "reason": "Acme Freight is expanding its fleet and its freight costs rose 18% last year.",
    "history": {
        "client_since": "March 2024",
        "deals_won": 2,
        "value_delivered": "$120,000.00 of software, live since May",
        "introductions": 3,
        "introductions_won": 1,
        "revenue_credited": "$48,000.00",
        "last_introduction": "Dana Lee, June 2026",
    },
    "workspace": {"name": "Acme Software"},
}

# Every sentence sits behind {% if %} on what it needs, so that missing facts drop whole sentences
# rather than leaving gaps. A block tag ending a line swallows its newline (trim_blocks) unless written +%}.
DEFAULTS = {
    "talking_points": """\
{% set src = source.first_name or source.name or "your contact" %}
{% set to = (target.first_name or target.name) if target.specific else "" %}
{% if history.value_delivered %}
- Open with what we've delivered{% if source.company %} for {{ source.company }}{% endif %}\
{% if history.client_since %} since {{ history.client_since }}{% endif %}: {{ history.value_delivered }}.
{% elif history.client_since %}
- Thank {{ src }} for working with us since {{ history.client_since }}.
{% endif %}
{% if history.introductions %}
- Thank {{ src }} for {% if history.introductions == 1 %}the introduction{% else %}the \
{{ history.introductions }} introductions{% endif %} they've already made\
{% if history.introductions_won %} ({{ history.introductions_won }} became \
{% if history.introductions_won == 1 %}a client{% else %}clients{% endif %}\
{% if history.revenue_credited %}, {{ history.revenue_credited }} in revenue{% endif %}){% endif %}.
{% endif %}
{% if not (history.value_delivered or history.client_since or history.introductions) %}
- Start by asking how things are going{% if source.company %} at {{ source.company }}{% endif %}.
{% endif %}
{% if to %}
- Ask whether {{ src }} would introduce you to {{ target.name or to }}\
{% if target.title and target.company %}, {{ target.title }} at {{ target.company }}\
{% elif target.title %}, {{ target.title }}{% elif target.company %} at {{ target.company }}{% endif %}.
{% elif target.description %}
- Ask whether {{ src }} knows {{ target.description }} and would introduce you.
{% else %}
- Ask whether {{ src }} knows someone you should meet and would introduce you.
{% endif %}
{% if reason %}
- Why {{ to or "now" }}: {{ reason }}
{% endif %}
{% if profile.sentence %}
- The people we help most: {{ profile.sentence.rstrip(".") }}.
{% endif %}
- Make it easy: offer to send {{ src }} a short note to forward{% if to %} to {{ to }}{% endif %}, \
so the introduction takes them a minute.
""",
    "intro_text": """\
{% set to = (target.first_name or target.name) if target.specific else "" %}
{% set rep_first = rep.first_name or rep.name %}
{% set rep_company = rep.company or workspace.name %}
Subject: Introduction{% if to and rep_first %}: {{ to }}, meet {{ rep_first }}\
{% elif rep_first %} to {{ rep.name or rep_first }}{% if rep_company %} ({{ rep_company }}){% endif %}{% endif +%}

Hi{% if to %} {{ to }}{% endif %},

I'd like to introduce you to \
{% if rep.name %}{{ rep.name }}{% if rep.title and rep_company %}, {{ rep.title }} at {{ rep_company }}\
{% elif rep_company %} at {{ rep_company }}{% endif %}\
{% elif rep_company %}someone at {{ rep_company }}{% else %}someone I think you should meet{% endif %}.
{%- if history.client_since and rep_company and source.relation != "former client" %} \
We've been working with {{ rep_company }} since {{ history.client_since }} and have been very happy with them.
{%- endif +%}

{% if reason %}
Why I thought of you: {{ reason }}

{% endif %}
{% if profile.need and rep_company %}
{{ rep_company }} helps companies with {{ profile.need }}, so I think a conversation would be worth your time.

{% endif %}
I'll let {{ rep_first or "you two" }} take it from here.

Best,
{{ source.first_name or source.name }}
""",
}

# Blank-line runs collapse after rendering, so raw output and the values a template builds get some slack;
# nothing longer than this could end up in the text anyway.
_MAX_VALUE_CHARS = 2 * MAX_OUTPUT_CHARS
# Before an operation that can multiply sizes (padding, replacing, joining, repeating), the size of its input
# times the largest argument must stay under this, so one step cannot allocate gigabytes before any check runs.
_MAX_WORK = 10_000_000
_MAX_INT_BITS = 16_384
_MAX_STEPS = 1_000_000
_MAX_SECONDS = 2.0
# Every {% for %} iterates through this global, which counts the turns (see _compile); templates cannot name it,
# as names starting with _ are reserved.
_EACH = "_warmline_each"


class _Refused(Exception):
    """Raised from inside rendering with a sentence for the admin; not a ValueError, which filters may swallow."""


class _Budget:
    def __init__(self):
        self.steps = _MAX_STEPS
        self.deadline = time.monotonic() + _MAX_SECONDS

    def spend(self):
        self.steps -= 1
        if self.steps < 0:
            raise _Refused(f"The template repeats too much: more than {_MAX_STEPS:,} loop turns or calls.")
        if time.monotonic() > self.deadline:
            raise _Refused(f"The template took more than {_MAX_SECONDS:g} seconds to render.")


_budget: ContextVar[_Budget] = ContextVar("warmline_template_budget")


def _each(iterable):
    budget = _budget.get()
    for item in iterable:
        budget.spend()
        yield item


def _weight(value) -> int:
    """About how many characters or items `value` holds; stops counting once past _MAX_WORK."""
    total, pending = 0, [value]
    while pending and total <= _MAX_WORK:
        item = pending.pop()
        if isinstance(item, str | bytes | range):
            total += len(item)
        elif isinstance(item, Undefined):
            continue
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 1
        elif isinstance(item, Mapping):
            total += len(item)
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple | Set | MappingView):
            total += len(item)
            pending.extend(item)
        else:
            total += 1
    return total


def _magnitude(argument) -> int:
    # Integer arguments are widths and counts (center, indent, batch, ljust…): their value is what multiplies.
    if isinstance(argument, int) and not isinstance(argument, bool):
        return abs(argument)
    return _weight(argument)


def _too_big() -> _Refused:
    return _Refused(f"The template builds a text or list longer than {_MAX_VALUE_CHARS:,} characters.")


def _too_large_number() -> _Refused:
    return _Refused("The template computes a number too large to print.")


def _checked(result):
    if isinstance(result, str | bytes | list | tuple | Mapping | Set) and _weight(result) > _MAX_VALUE_CHARS:
        raise _too_big()
    return result


def _check_work(subject, arguments):
    if _weight(subject) * max([1, *map(_magnitude, arguments)]) > _MAX_WORK:
        raise _too_big()


_PRINTF_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")


def _check_format(pattern: str, values, printf: bool):
    """Format strings pad by literal widths and repeat their arguments, so bound both before formatting."""
    if printf:
        numbers = [number for field in _PRINTF_FIELD.findall(pattern) for number in field if number]
    else:
        specs = [spec for _, field, spec, _ in string.Formatter().parse(pattern) if field is not None and spec]
        numbers = ["*" if "{" in spec else number for spec in specs for number in re.findall(r"\d+|{", spec)]
    if "*" in numbers:
        raise _Refused("The template takes a width from a value in a format string, which templates may not do.")
    if sum(map(int, numbers)) > _MAX_VALUE_CHARS:
        raise _too_big()
    if _weight(pattern) * max([1, *map(_weight, values)]) > _MAX_WORK:
        raise _too_big()


def _guarded_filter(name: str, function):
    # wraps() carries over Jinja's marker for filters that want the environment or context passed first.
    @functools.wraps(function)
    def guarded(*args, **kwargs):
        first = 1 if isinstance(args[0], ImmutableSandboxedEnvironment | Context | EvalContext) else 0
        value, arguments = args[first], [*args[first + 1 :], *kwargs.values()]
        if name == "format":
            _check_format(str(value), arguments, printf=True)
        else:
            _check_work(value, arguments)
        return _checked(function(*args, **kwargs))

    return guarded


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"


_PRINTABLE = (str, int, float, list, tuple, Mapping, Set, MappingView, range, Undefined)


def _finalize(value):
    # None prints as nothing, as a missing field does; anything else not plain data would print a Python repr.
    if value is None:
        return ""
    if callable(value) and not isinstance(value, Undefined):
        raise _Refused("The template printed a function, not a value: check the name, or add () to call it.")
    if not isinstance(value, _PRINTABLE):
        raise _Refused("The template printed something that is not text: add |join or |list to print a sequence.")
    if _weight(value) > _MAX_VALUE_CHARS:
        raise _too_big()
    return value


class _Undefined(ChainableUndefined):
    """A missing field of a provided record reads as empty, so optional fields need no guards; a missing
    top-level name is a mistake in the template and fails."""

    __slots__ = ()

    def _lenient(self) -> bool:
        return self._undefined_obj is not missing or self._undefined_hint is not None

    def __str__(self) -> str:
        return "" if self._lenient() else self._fail_with_undefined_error()

    def __iter__(self):
        return iter(()) if self._lenient() else self._fail_with_undefined_error()

    def __bool__(self) -> bool:
        return False if self._lenient() else self._fail_with_undefined_error()

    def __len__(self) -> int:
        return 0 if self._lenient() else self._fail_with_undefined_error()


class _Buffer(list):
    """Output collected by a macro or a {% set %} block: capped as it grows, like the template's own output,
    since a loop inside could otherwise pile up gigabytes before anything looks at it."""

    def __init__(self):
        super().__init__()
        self.size = 0

    def _grow(self, parts):
        self.size += sum(map(len, parts))
        if self.size > _MAX_VALUE_CHARS:
            raise _too_big()

    def append(self, part):
        self._grow((part,))
        super().append(part)

    def extend(self, parts):
        parts = tuple(parts)
        self._grow(parts)
        super().extend(parts)


class _CodeGenerator(CodeGenerator):
    def buffer(self, frame):
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.new_buffer()")

    @optimizeconst
    def visit_Concat(self, node, frame):
        # `~` is the one way to build text that the sandbox cannot intercept; route it through a size check.
        if frame.eval_ctx.volatile:
            escape = "context.eval_ctx.autoescape"
        else:
            escape = repr(bool(frame.eval_ctx.autoescape))
        self.write("environment.joined((")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write(f"), {escape})")


class _Environment(ImmutableSandboxedEnvironment):
    code_generator_class = _CodeGenerator
    intercepted_binops = frozenset({"+", "*", "**", "%"})

    def __init__(self):
        super().__init__(
            autoescape=False, trim_blocks=True, lstrip_blocks=True, undefined=_Undefined, finalize=_finalize
        )
        # Only the sandbox's capped range: namespace() would let loops accumulate, the rest is of no use here.
        self.globals = {"range": self.globals["range"], _EACH: _each}
        self.filters = {name: _guarded_filter(name, function) for name, function in self.filters.items()}

    def unsafe_undefined(self, obj, attribute):
        # The sandbox returns an undefined here, which renders as empty (for instance inside str.format):
        # refuse at once so that the admin learns why.
        raise _Refused(
            f"The template tried to reach {attribute!r} of {_a(type(obj).__name__)}, which templates may not use."
        )

    def call(self, context, obj, /, *args, **kwargs):
        _budget.get().spend()
        if not self.is_safe_callable(obj):
            raise _Refused("The template tried to call something that templates may not call.")
        # Only methods amplify their subject (str.center, str.join…); macros and range are bounded elsewhere.
        subject = getattr(obj, "__self__", None)
        if subject is not None:
            _check_work(subject, [*args, *kwargs.values()])
        return _checked(super().call(context, obj, *args, **kwargs))

    def wrap_str_format(self, value):
        formatter = super().wrap_str_format(value)
        if formatter is None:
            return None
        pattern = value.__self__

        def guarded(*args, **kwargs):
            _check_format(pattern, [*args, *kwargs.values()], printf=False)
            return _checked(formatter(*args, **kwargs))

        return guarded

    def call_binop(self, context, operator, left, right):
        integers = isinstance(left, int) and isinstance(right, int)
        if operator == "%" and isinstance(left, str):
            _check_format(left, [right], printf=True)
        elif operator == "+" and _weight(left) + _weight(right) > _MAX_VALUE_CHARS:
            raise _too_big()
        elif operator == "**" and integers and right > 0 and left.bit_length() * right > _MAX_INT_BITS:
            raise _too_large_number()
        elif operator == "*" and integers and left.bit_length() + right.bit_length() > _MAX_INT_BITS:
            raise _too_large_number()
        elif operator == "*" and not integers:
            count, repeated = (left, right) if isinstance(left, int) else (right, left)
            if isinstance(count, int) and _weight(repeated) * count > _MAX_VALUE_CHARS:
                raise _too_big()
        return _checked(super().call_binop(context, operator, left, right))

    @staticmethod
    def new_buffer():
        return _Buffer()

    def joined(self, parts, escape):
        if sum(map(_weight, parts)) > _MAX_VALUE_CHARS:
            raise _too_big()
        return _checked(markup_join(parts) if escape else str_join(parts))


_ENVIRONMENT = _Environment()


def _post_order(node):
    for child in node.iter_child_nodes():
        yield from _post_order(child)
    yield node


def _refuse_unsafe_syntax(ast):
    """Refuse what can never work before rendering, including in branches the sample context does not take."""
    for node in _post_order(ast):
        name = None
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            name = node.arg.value
        elif isinstance(node, nodes.Filter) and node.name == "attr" and node.args:
            name = node.args[0].value if isinstance(node.args[0], nodes.Const) else None
        elif isinstance(node, nodes.Include | nodes.Import | nodes.FromImport | nodes.Extends):
            raise TemplateError("Templates cannot include, import or extend other templates.", node.lineno)
        if isinstance(name, str) and name.startswith("_"):
            raise TemplateError(f"The template tried to reach {name!r}, which templates may not use.", node.lineno)
        # Such names could also shadow the loop counter (_EACH) and so escape the loop limit.
        if isinstance(node, nodes.Name) and node.name.startswith("_"):
            raise TemplateError(f"The template uses {node.name!r}; names starting with _ are reserved.", node.lineno)


@functools.lru_cache(maxsize=128)
def _compile(source: str):
    """The compiled template and the top-level names it reads, each with the line it first appears on."""
    ast = _ENVIRONMENT.parse(source)
    _refuse_unsafe_syntax(ast)
    undeclared = meta.find_undeclared_variables(ast)
    names: dict[str, int] = {}
    for node in ast.find_all(nodes.Name):
        if node.name in undeclared:
            names[node.name] = min(names.get(node.name, node.lineno), node.lineno)
    for loop in list(ast.find_all(nodes.For)):
        loop.iter = nodes.Call(nodes.Name(_EACH, "load"), [loop.iter], [], None, None, lineno=loop.iter.lineno)
    ast.set_environment(_ENVIRONMENT)
    return _ENVIRONMENT.from_string(ast), names


def _template_line(error: BaseException) -> int | None:
    # Jinja rewrites tracebacks so that frames of template code carry template line numbers.
    line, frame = None, error.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_filename == "<template>":
            line = frame.tb_lineno
        frame = frame.tb_next
    return line


def _as_template_error(error: Exception) -> TemplateError:
    if isinstance(error, TemplateError):
        return error
    if isinstance(error, TemplateSyntaxError):
        return TemplateError(error.message or "the template cannot be read", error.lineno)
    line = _template_line(error)
    if isinstance(error, _Refused):
        return TemplateError(str(error), line)
    if isinstance(error, SecurityError):
        return TemplateError("The template tried to use something that templates may not use.", line)
    if isinstance(error, UndefinedError):
        return TemplateError(f"The template uses a value that is not there: {error.message}.", line)
    # Python's own SyntaxError here means the generated code nests more blocks than Python allows.
    if isinstance(error, RecursionError | SyntaxError):
        return TemplateError("The template is nested too deeply or calls itself without end.", line)
    detail = (str(error).strip() or type(error).__name__)[:200].rstrip(".")
    return TemplateError(f"The template could not be rendered: {detail}.", line)


def _prepare(source: str):
    if len(source) > MAX_TEMPLATE_CHARS:
        raise TemplateError(f"The template is {len(source):,} characters long; the limit is {MAX_TEMPLATE_CHARS:,}.")
    try:
        return _compile(source)
    except Exception as error:
        raise _as_template_error(error) from None


def _unknown_name(name: str, line: int, allowed) -> TemplateError:
    return TemplateError(
        f"The template uses {name!r}, which is not a value templates can use; use one of {', '.join(allowed)}.", line
    )


def _tidy(text: str) -> str:
    # Values typed into browser forms bring \r\n along.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[ \t]+$", "", text, flags=re.MULTILINE)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def check(source: str) -> None:
    """Raise TemplateError if the template cannot be saved: too long, unreadable, using a name other than
    NAMES or anything the sandbox refuses; rendering it once against SAMPLE_CONTEXT surfaces runtime errors."""
    _, names = _prepare(source)
    for name, line in sorted(names.items(), key=lambda item: item[1]):
        if name not in NAMES and name != "range":
            raise _unknown_name(name, line, NAMES)
    render(source, SAMPLE_CONTEXT)


def render(source: str, context: dict) -> str:
    """Render in the sandbox as plain text. Trailing spaces are dropped from each line, runs of blank lines
    collapse to one, and blank lines at either end go; raise TemplateError on anything that goes wrong."""
    template, names = _prepare(source)
    for name, line in sorted(names.items(), key=lambda item: item[1]):
        if name not in context and name != "range":
            raise _unknown_name(name, line, sorted(context))
    token = _budget.set(_Budget())
    chunks = template.generate(context)
    try:
        parts, size = [], 0
        for chunk in chunks:
            size += len(chunk)
            if size > _MAX_VALUE_CHARS:
                break
            parts.append(chunk)
    except Exception as error:
        raise _as_template_error(error) from None
    finally:
        chunks.close()
        _budget.reset(token)
    text = _tidy("".join(parts))
    if size > _MAX_VALUE_CHARS or len(text) > MAX_OUTPUT_CHARS:
        raise TemplateError(
            f"The text would be longer than {MAX_OUTPUT_CHARS:,} characters; check for a loop that repeats too much."
        )
    return text
