"""Public contribution calculator: SOCSO, EIS and SKBBK shares for a wage, a month and a kind of employee,
and how each amount is made (band, category, schedule). "How is this amount made?" on the month's page
opens it filled in for that employee (calculator.line)."""

from flask import Blueprint, abort, redirect, request, url_for

from core import calculator
from core.errors import NotFound, ValidationError
from core.money import parse_wages
from webapp.clock import utcnow
from webapp.forms.calculator import CalculatorForm
from webapp.i18n import translate_error
from webapp.rendering import render
from webapp.services import help as help_service
from webapp.tenancy import with_employer
from webapp.views import safe_next

bp = Blueprint("calculator", __name__)


def calculate(form: CalculatorForm):
    """The calculation for the form's answers (core.calculator)."""
    return calculator.calculate(parse_wages(form.wages.data), form.month_date(), form.age.data,
                                citizen=form.nationality.data == "local", domestic=form.domestic.data,
                                first_insured_late=form.first_insured_late.data, eis_late=form.eis_late.data)


@bp.get("/calculator")
def index():
    form = CalculatorForm(request.args, meta={"csrf": False})
    back = safe_next(request.args.get("back"), "")  # the month's page, when opened from it
    if not request.args:
        form.month.data = utcnow().strftime("%Y-%m")
        return render("calculator/index.html", "result", form=form, result=None, errors=[], back=back)
    result, errors = None, []
    if form.validate():
        try:
            result = calculate(form)
        except ValidationError as exc:  # e.g. a month before the schedules begin
            form.month.errors.append(translate_error(exc))
    errors = [(form[name].label.text, message) for name, messages in form.errors.items() for message in messages]
    return render("calculator/index.html", "result", 422 if errors else 200, form=form, result=result,
                  errors=errors, parts=calculator.explain(result) if result else [], back=back)


@bp.get("/calculator/line/<int:submission_id>/<int:line_id>")
@with_employer
def line(employer, submission_id: int, line_id: int):
    """The calculator filled in for one employee of the month (303): "How is this amount made?"."""
    try:
        answers = help_service.calculator_answers(employer, submission_id, line_id)
    except NotFound:
        abort(404)
    back = url_for("contributions.employees", submission_id=submission_id)
    return redirect(url_for("calculator.index", **answers, back=back), 303)
