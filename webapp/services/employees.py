"""Employees of an employer: coverage facts, the list with search and paging, CSV export, termination."""

from dataclasses import dataclass
from datetime import date

from peewee import Case, fn

from core.coverage import EIS_START, Employee, coverage
from core.csvexport import csv_text
from core.errors import N_, NotFound, ValidationError
from core.registration import TERMINATION_REASONS
from webapp.db import Prepared, locked
from webapp.models import Employer, Employment, Person
from webapp.services import audit

PAGE_SIZE = 50
STATUSES = ("active", "terminated", "all")


def first_eis_on():
    """A column for an Employment query: the first day from January 2018 on that its person was employed by
    anyone the portal knows of (their EIS history; see core.coverage). A correlated subquery, so a list of
    thousands of employees costs one query."""
    other = Employment.alias()
    start = Case(None, [(other.start_date < EIS_START, EIS_START)], other.start_date)
    return (other.select(fn.MIN(start))
            .where((other.person == Employment.person)
                   & ((other.status != "pending") | (other.id == Employment.id))
                   & (other.end_date.is_null() | (other.end_date >= EIS_START)))
            .alias("first_eis_on"))


def _as_date(value) -> date | None:
    """A date from a subquery column (SQLite returns its ISO text, PostgreSQL a date)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def facts(employment: Employment) -> Employee:
    """What core.coverage needs to know about this employment (with `first_eis_on` when it was selected)."""
    person = employment.person
    first_eis = getattr(employment, "first_eis_on", None)
    if first_eis is None:
        first_eis = Employment.select(first_eis_on()).where(Employment.id == employment.id).scalar()
    return Employee(birth_date=person.birth_date, employment_start=employment.start_date, citizen=person.citizen,
                    domestic=employment.domestic, employment_end=employment.end_date,
                    first_insured_on=person.first_insured_on, first_eis_on=_as_date(first_eis))


def coverage_now(employment: Employment, today: date):
    return coverage(facts(employment), today)


@dataclass(frozen=True)
class Page:
    rows: list
    total: int
    page: int
    pages: int


def _condition(employer, status: str):
    condition = (Employment.employer == employer) & (Employment.status != "pending")
    if status in ("active", "terminated"):
        condition &= Employment.status == status
    return condition


ROW_COLUMNS = (Employment.id, Employment.start_date, Employment.end_date, Employment.status, Person.id_type,
               Person.id_number, Person.name, Person.birth_date, Person.gender)


def _page_rows(condition, page: int, with_total: bool) -> list:
    """One page of rows; `with_total` adds the number of matching rows to each (one scan for a search)."""
    columns = list(ROW_COLUMNS)
    if with_total:
        columns.append(fn.COUNT(Employment.id).over().alias("total"))
    return list(Employment.select(*columns).join(Person).where(condition).order_by(Person.name, Employment.id)
                .paginate(page, PAGE_SIZE).objects())


# The whole list (no search words) opens on every visit: its count and its pages with SQL built once per status.
_LIST_COUNT = {status: Prepared(lambda employer_id, status=status: Employment.select(fn.COUNT(Employment.id))
                                .where(_condition(employer_id, status)).tuples()) for status in STATUSES}
_LIST_PAGE = {status: Prepared(lambda employer_id, limit, offset, status=status: Employment.select(*ROW_COLUMNS)
                               .join(Person).where(_condition(employer_id, status))
                               .order_by(Person.name, Employment.id).limit(limit).offset(offset).objects())
              for status in STATUSES}


def search(employer: Employer, query: str = "", status: str = "active", page: int = 1) -> Page:
    """The employer's registered employees, by name or identification number, 50 a page, by name.

    Rows carry the employment's fields plus the person's `id_type`, `id_number`, `name`, `birth_date` and
    `gender` flattened onto them (cheap to build for a page of 20,000 employees).
    """
    status = status if status in STATUSES else "all"
    words = query.strip().upper()
    if not words:  # the whole list: the count comes from the employer's index alone
        total = _LIST_COUNT[status].first(employer.id)[0]
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 1), pages)
        return Page(_LIST_PAGE[status](employer.id, PAGE_SIZE, (page - 1) * PAGE_SIZE), total, page, pages)
    # a search scans anyway: count in the same query
    condition = _condition(employer, status) & (Person.name.contains(words)
                                                | Person.id_number.startswith(words.replace("-", "")))
    rows = _page_rows(condition, max(page, 1), with_total=True)
    total = rows[0].total if rows else Employment.select().join(Person).where(condition).count()
    pages = max(1, -(-total // PAGE_SIZE))
    requested, page = max(page, 1), min(max(page, 1), pages)
    if page != requested:
        rows = _page_rows(condition, page, with_total=False)
    return Page(rows, total, page, pages)


def csv_export(employer: Employer, query: str = "", status: str = "all") -> str:
    """Every matching employee as a CSV document (not only one page), safe to open in a spreadsheet."""
    header = ["Identification Type", "Identification No.", "Name", "Date of Birth", "Gender",
              "Employment Start Date", "Employment End Date", "Status"]

    def rows():
        first = search(employer, query, status, 1)
        for number in range(1, first.pages + 1):
            for row in (first if number == 1 else search(employer, query, status, number)).rows:
                yield [row.id_type, row.id_number, row.name, row.birth_date.isoformat(), row.gender,
                       row.start_date.isoformat(), row.end_date.isoformat() if row.end_date else "", row.status]

    return csv_text(header, rows())


def get(employer: Employer, employment_id: int) -> Employment:
    """One employment of this employer; NotFound for anyone else's."""
    employment = (Employment.select(Employment, Person).join(Person)
                  .where((Employment.id == employment_id) & (Employment.employer == employer)
                         & (Employment.status != "pending")).first())
    if employment is None:
        raise NotFound(N_("No such employee."))
    return employment


def terminate(employment: Employment, last_day: date, reason: str, today: date, by=None) -> Employment:
    """QRG 11: the employee leaves on `last_day`; from the next month they are out of contribution lists."""
    if reason not in TERMINATION_REASONS:
        raise ValidationError(N_("Choose a reason."), field="reason")
    if employment.status != "active":
        raise ValidationError(N_("This employee has already left."))
    if last_day < employment.start_date:
        raise ValidationError(N_("The last day of work cannot be before the start date (%(date)s)."),
                              field="last_day", date=employment.start_date.strftime("%d/%m/%Y"))
    if last_day.toordinal() > today.toordinal() + 31:
        raise ValidationError(N_("The last day of work can be at most a month ahead."), field="last_day")
    with locked():
        changed = Employment.update(end_date=last_day, end_reason=reason, status="terminated").where(
            (Employment.id == employment.id) & (Employment.status == "active")).execute()
        if changed:
            audit.record(by, "employee.terminated", employer=employment.employer_id, employment=employment,
                         subject=employment.person.name, details={"last day": last_day.strftime("%d/%m/%Y"),
                                                                  "reason": reason})
    return Employment.get_by_id(employment.id)
