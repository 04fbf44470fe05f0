"""Yearly statements (issue 13): an employer's contributions month by month, and each employee's wages and
shares month by month, for one year of contribution months. Pure: values in (what the store recorded),
values out.

The rules, each tested (tests/core/test_statements.py):
- A statement's year is a year of *contribution months* (January to December), whenever they were paid.
- Only live documents count: a cancelled ACR/ECR is left out, and so are the shares of its act on that
  submission's lines. A nil return (nothing due) makes its month a nil month, RM 0.00 declared.
- A SHORT (top-up) ACR/ECR adds to its month: declared and paid amounts are summed; an employee's shares
  are summed over the month's live submissions and their wages are the highest declared (a top-up line
  carries the corrected wages and only the difference in shares).
- Paid is what the payments recorded for each ACR/ECR and FCLB notice (the amount of the paid payment
  item); a document marked paid without a payment item (a channel that records none) counts at its amount.
  Receipts are listed with the part of their amount that paid this year's documents and notices, so the
  receipts' parts add up to the total paid (contributions and interest).
- Interest is the FCLB notices issued for the month's documents (they were paid late), paid or not.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from core.errors import N_, ValidationError
from core.money import ZERO

FIRST_YEAR, LAST_YEAR = 2000, 2099  # as core periods and the month fields accept
LIVE = ("unpaid", "paid", "nil")
MONTH_STATES = {"none": N_("Nothing submitted"), "nil": N_("No contribution due"), "unpaid": N_("Unpaid"),
                "partly_paid": N_("Partly paid"), "paid": N_("Paid")}
SHARE_NAMES = ("socso_employer", "socso_employee", "skbbk_employee", "eis_employer", "eis_employee")
ACT_OF_SHARE = {"socso_employer": "ACR", "socso_employee": "ACR", "skbbk_employee": "ACR", "eis_employer": "ECR",
                "eis_employee": "ECR"}


def check_year(year: int) -> int:
    """A statement year the portal can have (2000 to 2099), or ValidationError."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(N_("Choose a year from %(first)s to %(last)s."), field="year", first=FIRST_YEAR,
                              last=LAST_YEAR)
    return year


def mask_identity(number: str) -> str:
    """An identity number with all but its last four characters hidden (********5344), for documents that
    leave the portal; a number of four characters or fewer is hidden entirely."""
    number = (number or "").strip()
    shown = number[-4:] if len(number) > 4 else ""
    return "*" * (len(number) - len(shown)) + shown


@dataclass(frozen=True)
class Payment:
    """Money recorded for a document or notice: the receipt (None when the channel gave none) and the day."""

    amount: Decimal
    receipt: str | None = None
    paid_on: date | None = None


@dataclass(frozen=True)
class Document:
    """An ACR (Act 4) or ECR (Act 800), or a nil return (no number), as the store recorded it."""

    kind: str  # ACR | ECR
    number: str | None
    month: date
    type: str  # monthly | arrears | short
    status: str  # unpaid | paid | cancelled | nil
    amount: Decimal
    submission_id: int
    payment: Payment | None = None

    @property
    def live(self) -> bool:
        return self.status in LIVE

    @property
    def paid(self) -> Decimal:
        if self.status != "paid":
            return ZERO
        return self.payment.amount if self.payment else self.amount


@dataclass(frozen=True)
class Notice:
    """An FCLB (late-payment interest) notice, for one ACR/ECR of `month`."""

    number: str
    month: date
    acknowledgement: str
    amount: Decimal
    status: str  # unpaid | paid
    payment: Payment | None = None

    @property
    def paid(self) -> Decimal:
        if self.status != "paid":
            return ZERO
        return self.payment.amount if self.payment else self.amount


@dataclass(frozen=True)
class MonthRow:
    month: date
    state: str  # a key of MONTH_STATES
    socso: Decimal  # declared on live ACRs
    eis: Decimal  # declared on live ECRs
    paid: Decimal
    interest: Decimal
    interest_paid: Decimal
    documents: tuple[Document, ...] = ()  # live, ACR before ECR, regular before SHORT
    notices: tuple[Notice, ...] = ()

    @property
    def declared(self) -> Decimal:
        return self.socso + self.eis

    @property
    def outstanding(self) -> Decimal:
        return self.declared - self.paid + self.interest - self.interest_paid

    @property
    def receipts(self) -> tuple[str, ...]:
        payments = [d.payment for d in self.documents] + [n.payment for n in self.notices]
        return tuple(dict.fromkeys(p.receipt for p in payments if p and p.receipt))


@dataclass(frozen=True)
class ReceiptPart:
    """A receipt, with the part of its amount that paid this year's documents and notices."""

    number: str
    paid_on: date | None
    amount: Decimal


@dataclass(frozen=True)
class YearStatement:
    year: int
    months: tuple[MonthRow, ...]
    receipts: tuple[ReceiptPart, ...]

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(row, name) for row in self.months), ZERO)

    socso = property(lambda self: self._sum("socso"))
    eis = property(lambda self: self._sum("eis"))
    declared = property(lambda self: self._sum("declared"))
    paid = property(lambda self: self._sum("paid"))
    interest = property(lambda self: self._sum("interest"))
    interest_paid = property(lambda self: self._sum("interest_paid"))
    outstanding = property(lambda self: self._sum("outstanding"))

    @property
    def total_paid(self) -> Decimal:
        """Contributions and interest paid: what this year's receipts add up to."""
        return self.paid + self.interest_paid

    @property
    def has_data(self) -> bool:
        return any(row.state != "none" for row in self.months)


def _month_state(documents: list[Document]) -> str:
    billed = [d for d in documents if d.status != "nil"]
    if not documents:
        return "none"
    if not billed:
        return "nil"
    paid = [d for d in billed if d.status == "paid"]
    return "paid" if len(paid) == len(billed) else ("partly_paid" if paid else "unpaid")


def _order(document: Document) -> tuple:
    return document.type == "short", document.kind, document.number or ""


def months_of(year: int, until: date | None = None) -> list[date]:
    """The contribution months of `year`, up to the month of `until` when it falls in that year."""
    last = until.month if until and until.year == year else (0 if until and until.year < year else 12)
    return [date(year, month, 1) for month in range(1, last + 1)]


def year_statement(year: int, documents: Iterable[Document], notices: Iterable[Notice],
                   until: date | None = None) -> YearStatement:
    """The employer's statement for `year`: a row per month (to `until`'s month) with the totals."""
    check_year(year)
    live = sorted((d for d in documents if d.live and d.month.year == year), key=_order)
    notices = sorted((n for n in notices if n.month.year == year), key=lambda n: n.number)
    rows = []
    months = sorted(set(months_of(year, until)) | {d.month for d in live} | {n.month for n in notices})
    for month in months:
        mine = [d for d in live if d.month == month]
        interest = [n for n in notices if n.month == month]
        rows.append(MonthRow(
            month=month, state=_month_state(mine),
            socso=sum((d.amount for d in mine if d.kind == "ACR"), ZERO),
            eis=sum((d.amount for d in mine if d.kind == "ECR"), ZERO),
            paid=sum((d.paid for d in mine), ZERO), interest=sum((n.amount for n in interest), ZERO),
            interest_paid=sum((n.paid for n in interest), ZERO), documents=tuple(mine), notices=tuple(interest)))
    return YearStatement(year, tuple(rows), _receipts(live, notices))


def _receipts(documents: list[Document], notices: list[Notice]) -> tuple[ReceiptPart, ...]:
    parts: dict[str, list] = {}
    for item, paid in [(d, d.paid) for d in documents] + [(n, n.paid) for n in notices]:
        if paid and item.payment and item.payment.receipt:
            part = parts.setdefault(item.payment.receipt, [item.payment.paid_on, ZERO])
            part[1] += paid
    return tuple(sorted((ReceiptPart(number, on, amount) for number, (on, amount) in parts.items()),
                        key=lambda p: (p.paid_on or date.min, p.number)))


# Per employee ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One employee's line in a confirmed submission (amounts in ringgit)."""

    submission_id: int
    employment_id: int
    name: str
    id_number: str
    month: date
    wages: Decimal | None
    socso_employer: Decimal = ZERO
    socso_employee: Decimal = ZERO
    skbbk_employee: Decimal = ZERO
    eis_employer: Decimal = ZERO
    eis_employee: Decimal = ZERO


@dataclass(frozen=True)
class Shares:
    socso_employer: Decimal = ZERO
    socso_employee: Decimal = ZERO
    skbbk_employee: Decimal = ZERO
    eis_employer: Decimal = ZERO
    eis_employee: Decimal = ZERO

    @property
    def employer(self) -> Decimal:
        return self.socso_employer + self.eis_employer

    @property
    def employee(self) -> Decimal:
        return self.socso_employee + self.skbbk_employee + self.eis_employee

    @property
    def total(self) -> Decimal:
        return self.employer + self.employee

    def __add__(self, other: "Shares") -> "Shares":
        return Shares(*(getattr(self, n) + getattr(other, n) for n in SHARE_NAMES))


@dataclass(frozen=True)
class EmployeeMonth:
    month: date
    wages: Decimal | None
    shares: Shares
    documents: tuple[Document, ...]  # the live ACR/ECRs that carry this employee's shares

    @property
    def state(self) -> str:
        return _month_state(list(self.documents))

    @property
    def receipts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(d.payment.receipt for d in self.documents if d.payment and d.payment.receipt))


@dataclass(frozen=True)
class EmployeeYear:
    employment_id: int
    name: str
    id_number: str
    months: tuple[EmployeeMonth, ...] = field(default=())

    @property
    def wages(self) -> Decimal:
        return sum((m.wages or ZERO for m in self.months), ZERO)

    @property
    def shares(self) -> Shares:
        return sum((m.shares for m in self.months), Shares())


def employee_years(year: int, lines: Iterable[Line], documents: Iterable[Document]) -> list[EmployeeYear]:
    """Each employee's months of `year` (those on a live submission), by name: wages and shares."""
    check_year(year)
    live: dict[int, dict[str, list[Document]]] = {}
    for document in documents:
        if document.live and document.month.year == year:
            live.setdefault(document.submission_id, {}).setdefault(document.kind, []).append(document)
    months: dict[int, dict[date, list[Line]]] = {}
    people: dict[int, Line] = {}
    for line in lines:
        if line.month.year == year and line.submission_id in live:
            months.setdefault(line.employment_id, {}).setdefault(line.month, []).append(line)
            people.setdefault(line.employment_id, line)
    found = [EmployeeYear(employment_id, people[employment_id].name, people[employment_id].id_number,
                          tuple(_employee_month(month, group, live) for month, group in sorted(by_month.items())))
             for employment_id, by_month in months.items()]
    return sorted(found, key=lambda e: (e.name, e.employment_id))


def _employee_month(month: date, lines: list[Line], live: dict[int, dict[str, list[Document]]]) -> EmployeeMonth:
    shares, documents = Shares(), []
    for line in lines:
        acts = live[line.submission_id]
        counted = Shares(*(getattr(line, n) if ACT_OF_SHARE[n] in acts else ZERO for n in SHARE_NAMES))
        shares += counted
        for kind in ("ACR", "ECR"):
            if any(getattr(counted, n) for n in SHARE_NAMES if ACT_OF_SHARE[n] == kind):
                documents += acts[kind]
    declared = [line.wages for line in lines if line.wages is not None]
    return EmployeeMonth(month, max(declared) if declared else None, shares,
                         tuple(sorted(dict.fromkeys(documents), key=_order)))
