"""The payment cart (QRG 5 / QRG 7): kept on the server per user and employer, so a phone and the office PC
see the same cart. It holds only unpaid, uncancelled items of that employer: ACR/ECRs and FCLB notices.
An item held by a payment still in flight stays in the cart but is marked and cannot be paid again.
"""

from dataclasses import dataclass
from datetime import date

from peewee import JOIN, IntegrityError, fn

from core.errors import N_, NotFound, ValidationError
from webapp.db import Prepared, database, locked
from webapp.models import Acknowledgement, Employer, Employment, Person, SubmissionLine, User
from webapp.payment_models import CartItem, FclbNotice, PaymentAttempt, PaymentItem

LABELS = {"ACR": N_("SOCSO Contribution"), "ECR": N_("EIS Contribution"), "FCLB": N_("FCLB (late payment interest)")}
MAX_ITEMS = 50  # one payment; a bigger cart is refused rather than sent as one huge AR


@dataclass(frozen=True)
class Payable:
    """An ACR/ECR or a notice that can be paid: `ref` is its number (what forms send)."""

    ref: str
    kind: str  # ACR | ECR | FCLB
    month: date | None
    type: str  # monthly | arrears | short | "" for a notice
    amount: int  # sen
    acknowledgement_id: int | None = None
    notice_id: int | None = None
    in_flight: bool = False  # held by a payment without a final answer (e.g. awaiting bank approval)
    in_cart: bool = False
    held_by: tuple[str, str] | None = None  # (order no., channel) of the payment holding it
    submission_id: int | None = None  # an ACR/ECR's submission (to cancel it, QRG 9)

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def _held_query(employer_id):
    return (PaymentItem.select(PaymentItem.acknowledgement, PaymentItem.notice, PaymentAttempt.order_no,
                               PaymentAttempt.channel).join(PaymentAttempt)
            .where((PaymentItem.state == "open") & (PaymentAttempt.employer == employer_id)))


# PAYMENT reads these on every view (webapp.db.Prepared: SQL built once).
_held_all = Prepared(lambda employer_id: _held_query(employer_id).tuples())
_unpaid_acks = Prepared(lambda employer_id, user_id: Acknowledgement.select(
    Acknowledgement, CartItem.id.alias("cart_id"))
    .join(CartItem, JOIN.LEFT_OUTER, on=(CartItem.acknowledgement == Acknowledgement.id)
          & (CartItem.user == user_id) & (CartItem.employer == employer_id))
    .where((Acknowledgement.employer == employer_id) & (Acknowledgement.status == "unpaid")
           & Acknowledgement.number.is_null(False))
    .order_by(Acknowledgement.month.desc(), Acknowledgement.kind, Acknowledgement.id).objects())
_unpaid_notices = Prepared(lambda employer_id, user_id: FclbNotice.select(FclbNotice, CartItem.id.alias("cart_id"))
                           .join(CartItem, JOIN.LEFT_OUTER, on=(CartItem.notice == FclbNotice.id)
                                 & (CartItem.user == user_id) & (CartItem.employer == employer_id))
                           .where((FclbNotice.employer == employer_id) & (FclbNotice.status == "unpaid"))
                           .order_by(FclbNotice.id.desc()).objects())


def _held(employer: Employer, ack_ids=None, notice_ids=None) -> tuple[dict, dict]:
    """The employer's acknowledgements and notices held by a live payment (items in state open), each with
    that payment's (order no., channel); only among `ack_ids` and `notice_ids` when given."""
    if ack_ids is None:
        rows = _held_all(employer.id)
    else:
        rows = _held_query(employer.id).where(PaymentItem.acknowledgement.in_(ack_ids or [0])
                                              | PaymentItem.notice.in_(notice_ids or [0])).tuples()
    acks, notices = {}, {}
    for ack_id, notice_id, order_no, channel in rows:
        if ack_id:
            acks[ack_id] = (order_no, channel)
        if notice_id:
            notices[notice_id] = (order_no, channel)
    return acks, notices


def payable(employer: Employer, user: User) -> list[Payable]:
    """Everything this employer can pay now: unpaid ACR/ECRs (newest month first) and unpaid notices, each
    marked when it is in this user's cart or held by a payment in flight (three queries in all)."""
    held_acks, held_notices = _held(employer)
    acks = _unpaid_acks(employer.id, user.id)
    notices = _unpaid_notices(employer.id, user.id)
    return ([Payable(a.number, a.kind, a.month, a.type, a.amount, acknowledgement_id=a.id, in_flight=a.id in held_acks,
                     in_cart=a.cart_id is not None, submission_id=a.submission_id, held_by=held_acks.get(a.id))
             for a in acks]
            + [Payable(n.number, "FCLB", None, "", n.amount, notice_id=n.id, in_flight=n.id in held_notices,
                       in_cart=n.cart_id is not None, held_by=held_notices.get(n.id)) for n in notices])


def items(user: User, employer: Employer) -> list[Payable]:
    """The cart: what this user put in it for this employer that is still payable (paid or cancelled items
    drop out by themselves)."""
    mine = (CartItem.user == user) & (CartItem.employer == employer)
    acks = list(Acknowledgement.select().join(CartItem, on=(CartItem.acknowledgement == Acknowledgement.id))
                .where(mine & (Acknowledgement.status == "unpaid") & (Acknowledgement.employer == employer))
                .order_by(Acknowledgement.month.desc(), Acknowledgement.kind, Acknowledgement.id))
    notices = list(FclbNotice.select().join(CartItem, on=(CartItem.notice == FclbNotice.id))
                   .where(mine & (FclbNotice.status == "unpaid") & (FclbNotice.employer == employer))
                   .order_by(FclbNotice.id.desc()))
    held_acks, held_notices = _held(employer, [a.id for a in acks], [n.id for n in notices])
    return ([Payable(a.number, a.kind, a.month, a.type, a.amount, acknowledgement_id=a.id, in_flight=a.id in held_acks,
                     in_cart=True, submission_id=a.submission_id, held_by=held_acks.get(a.id)) for a in acks]
            + [Payable(n.number, "FCLB", None, "", n.amount, notice_id=n.id, in_flight=n.id in held_notices,
                       in_cart=True, held_by=held_notices.get(n.id)) for n in notices])


_count = Prepared(lambda user_id, employer_id: CartItem.select(fn.COUNT(CartItem.id))
                  .join(Acknowledgement, JOIN.LEFT_OUTER, on=(CartItem.acknowledgement == Acknowledgement.id))
                  .join_from(CartItem, FclbNotice, JOIN.LEFT_OUTER, on=(CartItem.notice == FclbNotice.id))
                  .where((CartItem.user == user_id) & (CartItem.employer == employer_id)
                         & ((Acknowledgement.status == "unpaid") | (FclbNotice.status == "unpaid"))).tuples())


def count(user: User, employer: Employer) -> int:
    """How many payable items are in the cart (the badge in the header on every page): one prepared query."""
    return _count(user.id, employer.id)[0][0]


def _find(employer: Employer, ref: str) -> tuple[Acknowledgement | None, FclbNotice | None]:
    ref = ref or ""
    if len(ref) > 20:  # numbers are 15 (ACR/ECR) and 17 (FCLB) characters: matched exactly, as printed
        return None, None
    ack = Acknowledgement.get_or_none((Acknowledgement.employer == employer) & (Acknowledgement.number == ref))
    if ack is not None:
        return ack, None
    notice = FclbNotice.get_or_none((FclbNotice.employer == employer) & (FclbNotice.number == ref))
    return None, notice


def add(user: User, employer: Employer, refs: list[str]) -> int:
    """ADD TO CART: the ticked ACR/ECRs and notices (numbers); returns how many were added.

    Only this employer's unpaid items go in; a paid, cancelled or unknown number is refused (NotFound).
    """
    refs = [ref for ref in dict.fromkeys(refs) if ref]
    if not refs:
        raise ValidationError(N_("Tick the ACR/ECR to add to the cart."), field="item")
    added = 0
    with locked():
        if CartItem.select().where((CartItem.user == user) & (CartItem.employer == employer)).count() \
                + len(refs) > MAX_ITEMS:
            raise ValidationError(N_("A payment can hold at most %(count)s items."), field="item", count=MAX_ITEMS)
        for ref in refs:
            ack, notice = _find(employer, ref)
            if ack is not None and ack.status == "unpaid" and ack.number:
                values = {"acknowledgement": ack}
            elif notice is not None and notice.status == "unpaid":
                values = {"notice": notice}
            else:
                raise NotFound(N_("%(number)s cannot be paid: it is paid, cancelled or not yours."),
                               number=(ref or "")[:20])
            try:
                with database.atomic():  # a savepoint: already in the cart is fine
                    CartItem.create(user=user, employer=employer, **values)
                    added += 1
            except IntegrityError:
                pass
    return added


def remove(user: User, employer: Employer, ref: str) -> None:
    """Take one item out of the cart (nothing happens if it is not there)."""
    ack, notice = _find(employer, ref)
    if ack is None and notice is None:
        raise NotFound(N_("No such ACR, ECR or notice."))
    with locked():
        CartItem.delete().where((CartItem.user == user) & (CartItem.employer == employer) & (
            (CartItem.acknowledgement == ack.id) if ack else (CartItem.notice == notice.id))).execute()


def total(found: list[Payable]) -> int:
    return sum(p.amount for p in found)


@dataclass(frozen=True)
class Detail:
    name: str
    id_number: str
    amount: int  # sen: this act's share (SOCSO + SKBBK for an ACR, EIS for an ECR)


def details(employer: Employer, ref: str) -> tuple[Acknowledgement | None, FclbNotice | None, list[Detail]]:
    """The magnifier: the employees and amounts of an ACR/ECR of this employer (or what a notice is for)."""
    ack, notice = _find(employer, ref)
    if ack is None and notice is None or (ack is not None and not ack.number):
        raise NotFound(N_("No such ACR, ECR or notice."))
    if notice is not None:
        return None, notice, []
    share = (SubmissionLine.socso_employer + SubmissionLine.socso_employee + SubmissionLine.skbbk_employee
             if ack.kind == "ACR" else SubmissionLine.eis_employer + SubmissionLine.eis_employee)
    rows = (SubmissionLine.select(Person.name, Person.id_number, share.alias("amount"))
            .join(Employment).join(Person).where((SubmissionLine.submission == ack.submission) & (share > 0))
            .order_by(SubmissionLine.position).tuples())
    return ack, None, [Detail(name, number, int(amount)) for name, number, amount in rows]
