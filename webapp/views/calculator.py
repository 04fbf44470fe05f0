"""Public contribution calculator: SOCSO, EIS and SKBBK shares for a wage, a month and a kind of employee."""

from datetime import date, timedelta

from flask import Blueprint, request

from core.coverage import Employee, coverage
from core.errors import ValidationError
from core.money import ZERO, parse_wages
from core.periods import add_months
from core.rates import NOTHING, eis, skbbk, socso
from webapp.clock import utcnow
from webapp.forms.calculator import CalculatorForm
from webapp.i18n import translate_error
from webapp.rendering import render

bp = Blueprint("calculator", __name__)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def calculate(form: CalculatorForm) -> dict:
    """Coverage and shares for the form's answers; the employee is `age` on the last day of the month."""
    month = form.month_date()
    wages = parse_wages(form.wages.data)
    age = form.age.data
    birth = _years_before(add_months(month, 1) - timedelta(days=1), age)
    first_insured = _years_before(birth, -55) if form.first_insured_late.data and age >= 55 else None
    person = Employee(birth_date=birth, employment_start=first_insured or birth,
                      citizen=form.nationality.data == "local", domestic=form.domestic.data,
                      first_insured_on=first_insured)
    covered = coverage(person, month)
    socso_share = socso(wages, month, covered.socso) if covered.socso else NOTHING
    eis_share = eis(wages, month) if covered.eis else NOTHING
    skbbk_amount = skbbk(wages, month) if covered.skbbk else ZERO
    employer = socso_share.employer + eis_share.employer
    employee = socso_share.employee + eis_share.employee + skbbk_amount
    return {"coverage": covered, "socso": socso_share, "eis": eis_share, "skbbk": skbbk_amount, "wages": wages,
            "month": month, "employer": employer, "employee": employee, "total": employer + employee}


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
