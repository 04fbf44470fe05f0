"""Paying by EFT (QRG 6, payments.md B.2), the employer's side: the registration once per employer and scheme,
then a payment: the cart's ACR/ECRs of one scheme (SOCSO ACRs or EIS ECRs, and their FCLB notices), the
transfer's Payment Date, Payment Reference No. and Amount (RM), and the Payment Slip.

The first CONTINUE checks everything and keeps the accepted slip (`prepare`, a `Draft`); the second CONTINUE
submits (`submit`): inside one locked transaction the cart becomes one held EFT payment (payments.hold_cart,
status pending) with its EFT row, after everything is checked again. The items then cannot be paid twice or
cancelled until an officer verifies or rejects the payment (webapp.services.eft_verification). A second press
of CONTINUE finds the payment its slip already belongs to and answers with it.
"""

import hashlib
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from peewee import IntegrityError

from core import payment_channels
from core.errors import N_, Conflict, NotFound, ValidationError
from core.identifiers import normalize_phone
from core.money import format_rm, from_sen
from webapp.db import locked
from webapp.eft_models import EftPayment, EftRegistration
from webapp.models import Acknowledgement, Employer, StoredFile, User
from webapp.payment_models import FclbNotice, PaymentAttempt
from webapp.services import audit, auth, cart, payments, uploads

SCHEMES = {"socso": ("SOCSO", "ACR"), "eis": ("EIS", "ECR")}  # scheme -> (name, its acknowledgement kind)
OLDEST_PAYMENT_DAYS = 366  # a slip of a transfer older than a year is not accepted online
_REFERENCE = re.compile(r"[A-Z0-9][A-Z0-9 ./-]{2,29}", re.ASCII)


@dataclass(frozen=True)
class Draft:
    """What the first CONTINUE accepted (the slip already checked and stored), waiting for the second."""

    employer_id: int
    scheme: str
    payment_date: date
    reference: str
    amount: int  # sen
    slip_id: int
    slip_name: str

    def to_session(self) -> dict:
        return {**asdict(self), "payment_date": self.payment_date.isoformat()}

    @classmethod
    def from_session(cls, data) -> "Draft | None":
        """The draft kept in the (signed) session, or None when there is none or it is not one."""
        try:
            return cls(**{**data, "payment_date": date.fromisoformat(data["payment_date"])})
        except (TypeError, KeyError, ValueError):
            return None


@dataclass(frozen=True)
class CartCheck:
    """The cart as one EFT payment of a scheme would take it."""

    items: list  # cart.Payable of this scheme
    others: list  # of the other scheme: an EFT pays one scheme
    total: int  # sen, of `items`

    @property
    def held(self) -> list:
        return [item for item in self.items if item.in_flight]


def scheme_name(scheme: str) -> str:
    return SCHEMES[scheme][0]


def registration(employer: Employer, scheme: str) -> EftRegistration | None:
    return EftRegistration.get_or_none((EftRegistration.employer == employer) & (EftRegistration.scheme == scheme))


def registrations(employer: Employer) -> dict[str, EftRegistration]:
    """The employer's EFT registrations by scheme."""
    return {r.scheme: r for r in EftRegistration.select().where(EftRegistration.employer == employer)}


def register(user: User, employer: Employer, scheme: str, *, email: str, contact_no: str, officer_name: str
             ) -> EftRegistration:
    """Registration (SUBMIT): once per employer and scheme; a second one is refused (Conflict)."""
    contact = _field(normalize_phone, contact_no, "contact_no")
    name = " ".join((officer_name or "").split())
    if not name:
        raise ValidationError(N_("This field is required."), field="officer_name")
    with locked():
        if registration(employer, scheme) is not None:
            raise Conflict(N_("%(scheme)s EFT is registered already for this employer."), scheme=scheme_name(scheme))
        try:
            found = EftRegistration.create(employer=employer, scheme=scheme, email=auth.normalize_email(email),
                                           contact_no=contact, officer_name=name[:150], registered_by=user)
        except IntegrityError:  # registered in another tab a moment ago (the unique index)
            raise Conflict(N_("%(scheme)s EFT is registered already for this employer."),
                           scheme=scheme_name(scheme)) from None
        audit.record(user, "eft.registered", employer=employer, subject=scheme_name(scheme),
                     details={"email": found.email, "contact_no": contact, "officer_name": found.officer_name})
    return found


def payable(user: User, employer: Employer, scheme: str, query: str = "") -> list[cart.Payable]:
    """Payment's list: the employer's unpaid ACRs (SOCSO) or ECRs (EIS) and their FCLB notices, for SEARCH by
    employer name or code (everything) or by ACR/ECR/notice number (the matching ones); own records only."""
    everything = cart.payable(employer, user)
    kinds = _notice_kinds([p.notice_id for p in everything if p.notice_id])
    found = [p for p in everything if _kind(p, kinds) == SCHEMES[scheme][1]]
    words = " ".join((query or "").upper().split())[:60]
    if not words or words in employer.name.upper() or words == (employer.code or "").upper():
        return found
    return [p for p in found if words.replace(" ", "") in p.ref]


def check_cart(user: User, employer: Employer, scheme: str) -> CartCheck:
    """The cart split by scheme: this scheme's items (and their total) and the other scheme's."""
    items = cart.items(user, employer)
    kinds = _notice_kinds([p.notice_id for p in items if p.notice_id])
    mine = [p for p in items if _kind(p, kinds) == SCHEMES[scheme][1]]
    return CartCheck(items=mine, others=[p for p in items if p not in mine], total=cart.total(mine))


def payable_cart(user: User, employer: Employer, scheme: str) -> CartCheck:
    """The cart if it can be paid by this scheme's EFT, else ValidationError or Conflict saying why."""
    found = check_cart(user, employer, scheme)
    name, kind = SCHEMES[scheme]
    if found.others:
        other = next(s for s in SCHEMES if s != scheme)
        raise ValidationError(N_("The payment cart mixes SOCSO (ACR) and EIS (ECR) items. One EFT payment pays one "
                                 "scheme: remove the %(other)s items from the cart, or pay them by %(other)s EFT."),
                              other=scheme_name(other))
    if not found.items:
        raise ValidationError(N_("The payment cart has no %(scheme)s item: add the %(kind)s to pay first."),
                              scheme=name, kind=kind)
    if found.held:
        raise Conflict(payments.IN_FLIGHT, number=found.held[0].ref)
    return found


def prepare(user: User, employer: Employer, scheme: str, *, payment_date: date, reference: str, amount: int,
            slip, filename: str, settings, today: date) -> Draft:
    """The first CONTINUE: every check of the payment, then the slip (checked like every upload) stored.
    ValidationError names the field at fault."""
    _registered(employer, scheme)
    if payment_date > today:
        raise ValidationError(N_("The Payment Date cannot be later than today."), field="payment_date")
    if payment_date < today - timedelta(days=OLDEST_PAYMENT_DAYS):
        raise ValidationError(N_("The Payment Date is more than a year ago. Call the customer service hotline."),
                              field="payment_date")
    reference = normalize_reference(reference)
    found = payable_cart(user, employer, scheme)
    _same_amount(amount, found.total)
    upload = uploads.accept(slip, filename, settings, field="slip")
    _not_submitted_before(employer, reference, hashlib.sha256(upload.data).hexdigest())
    with locked():
        stored = uploads.store(upload, settings["UPLOAD_DIR"])
    return Draft(employer_id=employer.id, scheme=scheme, payment_date=payment_date, reference=reference,
                 amount=amount, slip_id=stored.id, slip_name=stored.original_name)


def submit(user: User, employer: Employer, draft: Draft, now: datetime) -> PaymentAttempt:
    """The second CONTINUE: the cart as one EFT payment waiting for an officer, everything checked again inside
    the lock. Pressed twice, it answers with the payment made by the first press."""
    if draft.employer_id != employer.id:
        raise NotFound(N_("No such payment."))
    naive = now.replace(tzinfo=None)
    with locked():
        done = EftPayment.select(EftPayment, PaymentAttempt).join(PaymentAttempt).where(
            EftPayment.slip == draft.slip_id).first()
        if done is not None:
            if done.attempt.employer_id != employer.id:
                raise NotFound(N_("No such payment."))
            return done.attempt
        found = _registered(employer, draft.scheme)
        slip = StoredFile.get_or_none(StoredFile.id == draft.slip_id)
        if slip is None:
            raise ValidationError(N_("Attach the Payment Slip again."), field="slip")
        _same_amount(draft.amount, payable_cart(user, employer, draft.scheme).total)
        _not_submitted_before(employer, draft.reference, slip.sha256)

        def same_total(order_no: str, amount: int) -> dict:
            _same_amount(draft.amount, amount)
            return {}

        def the_slip(attempt: PaymentAttempt) -> None:
            EftPayment.create(attempt=attempt, registration=found, payment_date=draft.payment_date, slip=slip,
                              submitted_by=user, submitted_at=naive)

        return payments.hold_cart(user, employer, channel=payment_channels.EFT, email=found.email, now=naive,
                                  status="pending", reference=draft.reference, columns=same_total, then=the_slip,
                                  details={"scheme": scheme_name(draft.scheme), "slip": slip.original_name,
                                           "payment_date": draft.payment_date.isoformat()})


def payment_for(user: User, order_no: str) -> EftPayment:
    """An EFT payment of an employer this user manages; NotFound for anyone else's."""
    attempt = payments.for_user(user, order_no)
    found = EftPayment.get_or_none(EftPayment.attempt == attempt)
    if found is None:
        raise NotFound(N_("No such payment."))
    return found


def recent(employer: Employer, limit: int = 10) -> list[EftPayment]:
    """The employer's latest EFT payments, newest first (with their attempts)."""
    return list(EftPayment.select(EftPayment, PaymentAttempt).join(PaymentAttempt)
                .where(PaymentAttempt.employer == employer).order_by(EftPayment.id.desc()).limit(limit))


def normalize_reference(text: str) -> str:
    """A Payment Reference No. as the bank prints it: 3 to 30 letters, digits, spaces and . / - (ASCII)."""
    reference = " ".join((text or "").upper().split())
    if not _REFERENCE.fullmatch(reference):
        raise ValidationError(N_("Enter the Payment Reference No. as on the bank's slip: 3 to 30 letters, digits, "
                                 "spaces, dots, hyphens or slashes."), field="reference")
    return reference


def _registered(employer: Employer, scheme: str) -> EftRegistration:
    found = registration(employer, scheme)
    if found is None:
        raise ValidationError(N_("Register for %(scheme)s EFT first: ELECTRONIC FUND TRANSFER, %(scheme)s, "
                                 "Registration."), scheme=scheme_name(scheme))
    return found


def _same_amount(amount: int, total: int) -> None:
    if amount != total:
        raise ValidationError(N_("The Amount (RM) must be the total of the payment cart, %(total)s. Enter the "
                                 "amount you transferred for these ACR/ECRs."), field="amount",
                              total=format_rm(from_sen(total)))


def _not_submitted_before(employer: Employer, reference: str, sha256: str | None = None) -> None:
    """One transfer is one payment: the same reference or the same slip again (not rejected) is refused. The
    slip is checked across every employer (the same picture cannot pay two employers' bills), without
    saying whose payment it is."""
    live = (PaymentAttempt.select(PaymentAttempt.order_no, PaymentAttempt.employer)
            .join(EftPayment, on=(EftPayment.attempt == PaymentAttempt.id))
            .where(EftPayment.status != "rejected"))
    again = live.where((PaymentAttempt.employer == employer) & (PaymentAttempt.reference == reference)).first()
    if again is None and sha256:
        again = (live.join(StoredFile, on=(EftPayment.slip == StoredFile.id))
                 .where(StoredFile.sha256 == sha256).first())
    if again is not None and again.employer_id != employer.id:
        raise Conflict(N_("This payment slip was submitted already for another payment. One transfer pays once."))
    if again is not None:
        raise Conflict(N_("This transfer was submitted already (payment %(order)s). One transfer pays once."),
                       order=again.order_no)


def _field(rule, value: str, field: str) -> str:
    try:
        return rule(value or "")
    except ValidationError as exc:
        exc.field = field
        raise


def _notice_kinds(notice_ids: list[int]) -> dict[int, str]:
    """An FCLB notice belongs to the scheme of the ACR/ECR it was charged on."""
    if not notice_ids:
        return {}
    rows = (FclbNotice.select(FclbNotice.id, Acknowledgement.kind).join(Acknowledgement)
            .where(FclbNotice.id.in_(notice_ids)).tuples())
    return dict(rows)


def _kind(item: cart.Payable, notice_kinds: dict[int, str]) -> str:
    return notice_kinds.get(item.notice_id, "") if item.kind == "FCLB" else item.kind


def submitted_with_slip(employer: Employer, slip_id: int | None) -> str | None:
    """The order number of this employer's EFT payment made with this slip (a CONTINUE pressed in a second
    tab after the first submitted it), or None."""
    if slip_id is None:
        return None
    found = (PaymentAttempt.select(PaymentAttempt.order_no)
             .join(EftPayment, on=(EftPayment.attempt == PaymentAttempt.id))
             .where((PaymentAttempt.employer == employer) & (EftPayment.slip == slip_id)).first())
    return found.order_no if found else None
