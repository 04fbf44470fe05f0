"""MY SITES, Statements (issue 13): a year's contributions month by month with the receipts and FCLB notices,
each employee's year, and as files: the statement (PDF, CSV), the employees' months (CSV), and an employee's
proof of contributions (PDF), one click from the list. Read-only: every member of the team may open them.
"""

from flask import Blueprint, abort, request
from flask_babel import gettext

from core.errors import NotFound, ValidationError
from core.statements import MONTH_STATES, check_year
from webapp.clock import malaysia_today
from webapp.errors import render_error
from webapp.i18n import translate_error
from webapp.parsing import parse_page, parse_year
from webapp.rendering import render
from webapp.services import statements as service
from webapp.tenancy import with_employer
from webapp.views.files import attachment, csv_attachment

bp = Blueprint("statements", __name__, url_prefix="/employer/statements")
bp.add_app_template_global(MONTH_STATES, "statement_states")
PER_PAGE = 25


class NoSuchYear(NotFound):
    """A year in the address outside 2000-2099: no such statement (a 404 page that says why)."""


def _year_or_404(year: int) -> int:
    try:
        return check_year(year)
    except ValidationError as exc:
        raise NoSuchYear(exc.message, **exc.params) from None


@bp.errorhandler(NoSuchYear)
def no_such_year(exc):
    return render_error(404, gettext("No statement for this year"), translate_error(exc))


@bp.get("")
@with_employer
def index(employer):
    """The year chosen (?year=, else the latest with data): months, totals, receipts and the employees."""
    today = malaysia_today()
    years = service.years(employer)
    asked = request.args.get("year")
    year = parse_year(asked) if asked is not None else (years[0] if years else today.year)
    error = None
    try:  # not a year at all ("abc") is refused with the same message as one out of range
        statement, employees = service.overview(employer, check_year(year or 0), today)
    except ValidationError as exc:
        error, statement, employees = translate_error(exc), None, []
    pages = max(1, -(-len(employees) // PER_PAGE))
    page = min(parse_page(request.args.get("page")), pages)
    first = (page - 1) * PER_PAGE
    return render("statements/index.html", status=422 if error else 200, employer=employer, years=years,
                  year=year, error=error, statement=statement, employees=employees[first:first + PER_PAGE],
                  employee_count=len(employees), page=page, pages=pages, first=first)


@bp.get("/<int:year>.pdf")
@with_employer
def pdf(employer, year: int):
    body = service.statement_pdf(employer, _year_or_404(year), malaysia_today())
    return attachment(body, "application/pdf", f"penyata-statement-{employer.code}-{year}.pdf")


@bp.get("/<int:year>.csv")
@with_employer
def csv(employer, year: int):
    body = service.statement_csv(employer, _year_or_404(year), malaysia_today())
    return csv_attachment(body, f"statement-{employer.code}-{year}.csv")


@bp.get("/<int:year>-employees.csv")
@with_employer
def employees_csv(employer, year: int):
    body = service.employees_csv(employer, _year_or_404(year), malaysia_today())
    return csv_attachment(body, f"statement-employees-{employer.code}-{year}.csv")


@bp.get("/<int:year>/employees/<int:employment_id>")
@with_employer
def employee(employer, year: int, employment_id: int):
    """One employee's year, month by month, with the ACR/ECRs and receipts, and the proof as a PDF."""
    year = _year_or_404(year)
    try:
        person = service.employee(employer, year, employment_id)
    except NotFound:
        abort(404)
    return render("statements/employee.html", employer=employer, year=year, person=person)


@bp.get("/<int:year>/employees/<int:employment_id>.pdf")
@with_employer
def proof(employer, year: int, employment_id: int):
    """Proof of contributions: for an employee who asks their employer, one click."""
    year = _year_or_404(year)
    try:
        body = service.proof_pdf(employer, year, employment_id)
    except NotFound:
        abort(404)
    return attachment(body, "application/pdf", f"bukti-caruman-proof-{year}-{employment_id}.pdf")
