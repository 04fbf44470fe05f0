"""Public contribution calculator: SOCSO, EIS and SKBBK shares for a wage, a month and a kind of employee."""

from flask import Blueprint, request

from core import calculator
from core.errors import ValidationError
from core.money import parse_wages
from webapp.clock import utcnow
from webapp.forms.calculator import CalculatorForm
from webapp.i18n import translate_error
from webapp.rendering import render

bp = Blueprint("calculator", __name__)


def calculate(form: CalculatorForm):
    """The calculation for the form's answers (core.calculator)."""
    return calculator.calculate(parse_wages(form.wages.data), form.month_date(), form.age.data,
                                citizen=form.nationality.data == "local", domestic=form.domestic.data,
                                first_insured_late=form.first_insured_late.data)


@bp.get("/calculator")
def index():
    form = CalculatorForm(request.args, meta={"csrf": False})
    if not request.args:
        form.month.data = utcnow().strftime("%Y-%m")
        return render("calculator/index.html", "result", form=form, result=None, errors=[])
    result, errors = None, []
    if form.validate():
        try:
            result = calculate(form)
        except ValidationError as exc:  # e.g. a month before the schedules begin
            form.month.errors.append(translate_error(exc))
    errors = [(form[name].label.text, message) for name, messages in form.errors.items() for message in messages]
    return render("calculator/index.html", "result", 422 if errors else 200, form=form, result=result,
                  errors=errors)
