"""webapp.rendering: QuickContext calls what templates call exactly as Jinja's Context does; `link()`."""

import pytest
from flask import url_for
from jinja2 import Environment, pass_context, pass_environment, pass_eval_context

from webapp.rendering import QuickContext, link, link_around


def plain(value="x"):
    return f"plain {value}"


@pass_context
def with_context(context, value):
    return f"{context['name']} {value}"


@pass_eval_context
def with_eval_context(eval_ctx, value):
    return f"autoescape={eval_ctx.autoescape} {value}"


@pass_environment
def with_environment(environment, value):
    return f"{type(environment).__name__} {value}"


class Greeter:
    @pass_context
    def __call__(self, context, value):
        return f"hello {context['name']} {value}"

    def method(self, value):
        return f"method {value}"


def stops():
    raise StopIteration


SOURCE = ("{{ plain() }}|{{ plain(value='kw') }}|{{ with_context('c') }}|{{ with_eval_context('e') }}|"
          "{{ with_environment('v') }}|{{ greeter('g') }}|{{ greeter.method('m') }}|{{ '%d'.join(['a','b']) }}|"
          "{{ stops() is undefined }}|{% for i in [1] %}{% set name = 'loop' %}{{ with_context(i) }}{% endfor %}")


@pytest.mark.parametrize("autoescape", [True, False])
def test_quick_context_gives_what_jinjas_context_gives(autoescape):
    """Every kind of callable (plain, wanting the context, eval context or environment, a callable object, a
    method, a builtin, one raising StopIteration, a call inside a loop) renders the same both ways."""
    rendered = []
    for quick in (False, True):
        environment = Environment(autoescape=autoescape)  # noqa: S701 - text templates (emails) do not escape
        if quick:
            environment.context_class = QuickContext
        environment.globals.update(plain=plain, with_context=with_context, with_eval_context=with_eval_context,
                                   with_environment=with_environment, greeter=Greeter(), stops=stops)
        rendered.append(environment.from_string(SOURCE).render(name="Siti"))
    assert rendered[0] == rendered[1]
    assert "plain kw" in rendered[1] and f"autoescape={autoescape} e" in rendered[1] and "True" in rendered[1]


def test_the_application_renders_with_quick_context(app):
    assert app.jinja_env.context_class is QuickContext


def test_link_is_url_for_built_once(app):
    with app.test_request_context("/"):
        first = link("public.help_page")
        assert first == "/help" and link("public.help_page") is first
        assert link("public.help_topic", topic_id="login") == "/help/login"


def test_link_writes_ids_into_the_pattern_as_url_for_would(app):
    with app.test_request_context("/"):
        for values in ({"submission_id": 7}, {"submission_id": 12, "line_id": 345}, {"line_id": 3, "submission_id": 9}):
            assert link("contributions.line" if len(values) == 2 else "contributions.employees", **values) == \
                url_for("contributions.line" if len(values) == 2 else "contributions.employees", **values)
        assert link("contributions.line", submission_id=1, line_id=2) == "/contribution/s/1/lines/2"
        assert link_around("contributions.line", "line_id", submission_id=5) == ("/contribution/s/5/lines/", "")
        assert link_around("employees.terminate", "employment_id") == ("/employees/", "/terminate")
