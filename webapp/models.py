"""The store's tables (Peewee). Migrations in migrations/ create them; a test checks the two agree.

Times are naive UTC datetimes; the web layer shows them in Malaysia time.
"""

from peewee import (
    BigIntegerField,
    BlobField,
    BooleanField,
    CharField,
    Check,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from core import contributions as contribution_rules
from webapp.clock import utcnow
from webapp.db import database


def one_of(column: str, values) -> Check:
    """A CHECK that `column` holds one of `values` (the database refuses anything else)."""
    return Check(f"{column} IN ({', '.join(repr(v) for v in values)})")


def not_negative(column: str) -> Check:
    return Check(f"{column} >= 0")


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Counter(BaseModel):
    """Named running numbers for document references (incremented inside the writing transaction)."""

    name = CharField(primary_key=True, max_length=40)
    value = IntegerField(default=0)


class User(BaseModel):
    """A portal account: an employer's user or a PERKESO officer."""

    email = CharField(max_length=254, unique=True)
    name = CharField(max_length=150)
    role = CharField(max_length=10, default="employer")  # employer | officer | teller (a bank teller, issue 12)
    password_hash = CharField(max_length=200)
    password_is_temporary = BooleanField(default=True)
    temp_password_expires_at = DateTimeField(null=True)
    temp_password_used_at = DateTimeField(null=True)
    password_changed_at = DateTimeField(null=True)
    terms_accepted_at = DateTimeField(null=True)
    language = CharField(max_length=2, default="ms")
    is_active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    reminders = BooleanField(default=True)  # deadline and unpaid reminders by email (issue 13)

    # Flask-Login's user interface. The id it keeps in the cookie is the server-side session's token,
    # set by webapp.access when the session is bound, so revoking the session logs the browser out.
    is_authenticated = True
    is_anonymous = False
    session_token = None
    auth_session = None

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_officer(self) -> bool:
        return self.role == "officer"


class AuthSession(BaseModel):
    """A server-side login session; the browser's cookie holds only its random token."""

    token_hash = CharField(max_length=64, unique=True)
    user = ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)
    last_seen_at = DateTimeField(default=utcnow)
    kiosk = BooleanField(default=False)
    revoked_at = DateTimeField(null=True)
    revoked_reason = CharField(max_length=20, null=True)
    user_agent = CharField(max_length=200, default="")


class LoginThrottle(BaseModel):
    """Failed logins per email address (known or not), never per IP: counter kiosks share one address."""

    email = CharField(max_length=254, unique=True)
    failures = IntegerField(default=0)
    lockouts = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    last_failure_at = DateTimeField(null=True)
    # Password checks under way: together with `failures` they never exceed the lockout threshold, so a
    # burst of parallel guesses cannot verify more passwords than the lockout allows.
    pending = IntegerField(default=0)
    pending_since = DateTimeField(null=True)


class PasswordReset(BaseModel):
    """A single-use Forgot Password link; only the hash of its token is kept."""

    user = ForeignKeyField(User, backref="resets", on_delete="CASCADE")
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)


class StoredFile(BaseModel):
    """An uploaded document, kept outside static/ under a server-made name."""

    stored_name = CharField(max_length=64, unique=True)
    original_name = CharField(max_length=255)
    content_type = CharField(max_length=40)
    size = IntegerField()
    sha256 = CharField(max_length=64)
    created_at = DateTimeField(default=utcnow)


class PortalApplication(BaseModel):
    """Borang Permohonan Enrolment Penggunaan Portal ASSIST, submitted online."""

    reference = CharField(max_length=20, unique=True)
    company_name = CharField(max_length=150)
    brn = CharField(max_length=20)
    applicant_name = CharField(max_length=150)
    applicant_mykad = CharField(max_length=12)
    designation = CharField(max_length=100)
    email = CharField(max_length=254, index=True)
    phone = CharField(max_length=15)
    certificate = ForeignKeyField(StoredFile, on_delete="RESTRICT")
    language = CharField(max_length=2, default="ms")
    status = CharField(max_length=10, default="pending", index=True)  # pending | approved | rejected
    submitted_at = DateTimeField(default=utcnow)
    submitted_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    decided_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    reject_reason = TextField(null=True)
    user = ForeignKeyField(User, null=True, backref="applications", on_delete="SET NULL")


class Outbox(BaseModel):
    """Email written in the same transaction as the change that caused it; delivered by the mail worker."""

    to_addr = CharField(max_length=254)
    subject = CharField(max_length=200)
    body = TextField()
    sensitive = BooleanField(default=False)  # body scrubbed once delivered (temporary passwords, links)
    created_at = DateTimeField(default=utcnow)
    status = CharField(max_length=10, default="pending", index=True)  # pending | sent | failed
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=utcnow)
    claimed_until = DateTimeField(null=True)
    sent_at = DateTimeField(null=True)
    last_error = TextField(null=True)


class Employer(BaseModel):
    """A registered employer (Form 1): a business, or an individual employing domestic workers."""

    code = CharField(max_length=12, unique=True, null=True)  # issued at CONFIRM
    kind = CharField(max_length=10)  # business | domestic
    name = CharField(max_length=150)
    business_entity = CharField(max_length=30)
    sub_entity = CharField(max_length=40)
    registration_number = CharField(max_length=20)  # BRN, or the individual's MyKad / passport number
    nationality = CharField(max_length=2, default="MY")
    industry = CharField(max_length=40)
    address = TextField()
    postcode = CharField(max_length=5)
    state = CharField(max_length=30)
    phone = CharField(max_length=15)
    email = CharField(max_length=254, default="")
    first_employment_date = DateField()
    induction_venue = CharField(max_length=60)
    status = CharField(max_length=10, default="draft")  # draft | registered
    created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    registered_at = DateTimeField(null=True)
    # SALARY SPREADSHEET: the headings of the columns chosen last time, offered again next month
    sheet_id_column = CharField(max_length=100, null=True)
    sheet_wages_column = CharField(max_length=100, null=True)


# A business registration (or an individual's identity) number is registered once; drafts may repeat.
Employer.add_index(Employer.kind, Employer.registration_number, unique=True, where=Employer.status == "registered",
                   name="employer_registered_unique")


TEAM_ROLES = ("clerk", "approver", "administrator")


class EmployerAccess(BaseModel):
    """Which portal accounts may manage which employers (an accountant may manage several), and as what:
    a clerk enters salaries and completes months, an approver also confirms, cancels and pays, an
    administrator also manages the team (issue 13)."""

    user = ForeignKeyField(User, backref="employer_access", on_delete="CASCADE")
    employer = ForeignKeyField(Employer, backref="access", on_delete="CASCADE")
    role = CharField(max_length=13, default="administrator", constraints=[one_of("role", TEAM_ROLES)])

    class Meta:
        indexes = ((("user", "employer"), True),)


class Invitation(BaseModel):
    """A colleague invited by email to an employer's team: a single-use link valid 72 hours (only its hash)."""

    employer = ForeignKeyField(Employer, backref="invitations", on_delete="CASCADE")
    email = CharField(max_length=254)
    role = CharField(max_length=13, constraints=[one_of("role", TEAM_ROLES)])
    token_hash = CharField(max_length=64, unique=True)
    invited_by = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    withdrawn_at = DateTimeField(null=True)


class Person(BaseModel):
    """An insured person, shared by every employer that employs them."""

    id_type = CharField(max_length=10)  # NEW_IC | OLD_IC | PASSPORT | SSFW
    id_number = CharField(max_length=20)
    name = CharField(max_length=150)
    birth_date = DateField()
    gender = CharField(max_length=1)
    citizen = BooleanField(default=True)  # citizen or permanent resident
    nationality = CharField(max_length=2, default="MY")
    first_insured_on = DateField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("id_type", "id_number"), True),)


class RegistrationBatch(BaseModel):
    """Form 2: one submission of new employees under a CRN reference (with the employer's own, at first)."""

    crn = CharField(max_length=20, unique=True)
    employer = ForeignKeyField(Employer, backref="batches", on_delete="CASCADE")
    kind = CharField(max_length=15)  # new_employer | add_employees
    status = CharField(max_length=10, default="draft")  # draft | submitted
    created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    submitted_at = DateTimeField(null=True)


class Employment(BaseModel):
    """A person working for an employer, from start to end; one open employment per person and employer."""

    employer = ForeignKeyField(Employer, backref="employments", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="employments", on_delete="RESTRICT")
    batch = ForeignKeyField(RegistrationBatch, backref="employments", on_delete="CASCADE")
    domestic = BooleanField(default=False)
    start_date = DateField()
    eis_start_date = DateField(null=True)
    end_date = DateField(null=True)
    end_reason = CharField(max_length=20, null=True)
    status = CharField(max_length=10, default="pending", index=True)  # pending | active | terminated
    passport_number = CharField(max_length=20, default="")
    passport_start = DateField(null=True)
    passport_end = DateField(null=True)
    passport_file = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="SET NULL")
    permit_number = CharField(max_length=20, default="")
    permit_start = DateField(null=True)
    permit_end = DateField(null=True)
    permit_file = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="SET NULL")
    kin_name = CharField(max_length=150, default="")
    kin_phone = CharField(max_length=15, default="")
    kin_relationship = CharField(max_length=40, default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("employer", "status"), False),)


# One open (pending or active) employment per person and employer: a partial unique index.
Employment.add_index(Employment.employer, Employment.person, unique=True, where=Employment.end_date.is_null(),
                     name="employment_open_unique")


class BatchDocument(BaseModel):
    """A supporting document uploaded with a registration batch (QRG 4)."""

    batch = ForeignKeyField(RegistrationBatch, backref="documents", on_delete="CASCADE")
    document_type = CharField(max_length=30)
    file = ForeignKeyField(StoredFile, backref="+", on_delete="RESTRICT")
    remarks = CharField(max_length=200, default="")
    created_at = DateTimeField(default=utcnow)


SUBMISSION_STATUSES = ("draft", "complete", "confirmed", "cancelled")
SUBMISSION_TYPES = tuple(contribution_rules.TYPES)  # monthly | arrears | short
MEDIUMS = ("8A", "TEXT")
LINE_STATUSES = tuple(contribution_rules.LINE_STATUSES)  # active | new | left | no_wages
ACK_KINDS = ("ACR", "ECR")
ACK_STATUSES = ("unpaid", "paid", "cancelled", "nil")
MONEY_COLUMNS = ("socso_employer", "socso_employee", "eis_employer", "eis_employee", "skbbk_employee")


class Submission(BaseModel):
    """One employer's contributions for one month and type, for SOCSO, EIS or both: a draft until CONFIRM."""

    employer = ForeignKeyField(Employer, backref="submissions", on_delete="CASCADE")
    month = DateField()  # first day of the contribution month
    type = CharField(max_length=10, constraints=[one_of("type", SUBMISSION_TYPES)])  # set again at CONFIRM
    with_socso = BooleanField()
    with_eis = BooleanField()
    medium = CharField(max_length=10, default="8A", constraints=[one_of("medium", MEDIUMS)])  # 8A | TEXT
    status = CharField(max_length=10, default="draft", constraints=[one_of("status", SUBMISSION_STATUSES)])
    confirm_token = CharField(max_length=43)
    created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = DateTimeField(default=utcnow)
    confirmed_at = DateTimeField(null=True)


# One open draft per employer, month and schemes: one for the regular (Monthly/Arrears) submission and one
# for a SHORT top-up. Two tabs opening the month at once get the same draft.
_OPEN = Submission.status.in_(("draft", "complete"))
Submission.add_index(Submission.employer, Submission.month, Submission.with_socso, Submission.with_eis, unique=True,
                     where=_OPEN & (Submission.type != "short"), name="submission_open_regular_unique")
Submission.add_index(Submission.employer, Submission.month, Submission.with_socso, Submission.with_eis, unique=True,
                     where=_OPEN & (Submission.type == "short"), name="submission_open_short_unique")


class SubmissionLine(BaseModel):
    """One employee in a submission: status, wages and the amounts computed from the schedules (in sen)."""

    submission = ForeignKeyField(Submission, backref="lines", on_delete="CASCADE")
    employment = ForeignKeyField(Employment, backref="+", on_delete="RESTRICT")
    position = IntegerField()
    status = CharField(max_length=10, default="active", constraints=[one_of("status", LINE_STATUSES)])
    wages = BigIntegerField(null=True, constraints=[not_negative("wages")])  # sen; None until entered
    socso_employer = BigIntegerField(default=0, constraints=[not_negative("socso_employer")])
    socso_employee = BigIntegerField(default=0, constraints=[not_negative("socso_employee")])
    eis_employer = BigIntegerField(default=0, constraints=[not_negative("eis_employer")])
    eis_employee = BigIntegerField(default=0, constraints=[not_negative("eis_employee")])
    skbbk_employee = BigIntegerField(default=0, constraints=[not_negative("skbbk_employee")])
    # A text file's draft: True for an employee on the file, False for one the file left out (the employer
    # chooses what to do for them before COMPLETE); None otherwise.
    in_file = BooleanField(null=True)
    # The month in a minute (issue 13): last month's wages, shown but not counted until the employer
    # accepts them (SAME AS LAST MONTH); `carried_accepted` marks the lines that action filled, for UNDO.
    carried_wages = BigIntegerField(null=True, constraints=[not_negative("carried_wages")])
    carried_from = DateField(null=True)
    carried_accepted = BooleanField(default=False)

    class Meta:
        indexes = ((("submission", "employment"), True),)


class Acknowledgement(BaseModel):
    """An ACR (Act 4) or ECR (Act 800): the reference a payment is made against.

    A nil return (status "nil": nothing due for that month and scheme) is recorded here too, without a
    number and with no amount, so the month counts as submitted and a second bill for it is refused.
    """

    number = CharField(max_length=15, unique=True, null=True)  # None for a nil return
    kind = CharField(max_length=3, constraints=[one_of("kind", ACK_KINDS)])
    submission = ForeignKeyField(Submission, backref="acknowledgements", on_delete="RESTRICT")
    employer = ForeignKeyField(Employer, backref="acknowledgements", on_delete="RESTRICT")
    month = DateField()
    type = CharField(max_length=10, constraints=[one_of("type", SUBMISSION_TYPES)])
    medium = CharField(max_length=10, constraints=[one_of("medium", MEDIUMS)])
    employees = IntegerField(constraints=[not_negative("employees")])
    amount = BigIntegerField(constraints=[not_negative("amount")])  # sen
    status = CharField(max_length=10, default="unpaid", constraints=[one_of("status", ACK_STATUSES)])
    created_at = DateTimeField(default=utcnow)
    cancelled_at = DateTimeField(null=True)


# One bill per employer, month and act: at most one live (not cancelled) regular ACR and ECR, whether it was
# Monthly or Arrears. Cancelling frees the month again. SHORT top-ups may follow one another (each charges
# the difference with everything still live); their drafts are one at a time (submission_open_short_unique).
Acknowledgement.add_index(Acknowledgement.employer, Acknowledgement.month, Acknowledgement.kind, unique=True,
                          where=(Acknowledgement.status != "cancelled") & (Acknowledgement.type != "short"),
                          name="acknowledgement_live_bill")


class OutboxAttachment(BaseModel):
    """A file sent with an outbox email: its bytes, or (`source`, e.g. "receipt:2026...") the name of a document
    built when the mail is delivered (webapp.services.outbox.attachment_data), off the path that queued it."""

    message = ForeignKeyField(Outbox, backref="attachments", on_delete="CASCADE")
    filename = CharField(max_length=120)
    content_type = CharField(max_length=60)
    data = BlobField()
    source = CharField(max_length=60, null=True)


class ReminderSent(BaseModel):
    """A reminder emailed to one member of an employer about one month, for one reason: never sent twice."""

    employer = ForeignKeyField(Employer, backref="+", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    month = DateField()
    reason = CharField(max_length=10, constraints=[one_of("reason", ("due_5", "due_1", "unpaid"))])
    sent_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("employer", "user", "month", "reason"), True),)


class AuditEvent(BaseModel):
    """Who changed what, and when: money, people, confirmations, payments, the team (issue 13), and officers'
    decisions. Append-only: the database refuses UPDATE and DELETE (triggers, migration 0012)."""

    at = DateTimeField(default=utcnow, index=True)
    user = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    employer = ForeignKeyField(Employer, null=True, backref="+", on_delete="RESTRICT")
    action = CharField(max_length=40)
    subject = CharField(max_length=254, default="")  # what it is about, as people read it: an ACR number, an email
    submission = ForeignKeyField(Submission, null=True, backref="+", on_delete="RESTRICT")
    employment = ForeignKeyField(Employment, null=True, backref="+", on_delete="RESTRICT")
    details = TextField(default="{}")  # JSON: from and to, amounts, counts

    class Meta:
        indexes = ((("employer", "at"), False),)


from webapp.payment_models import PAYMENT_MODELS  # noqa: E402 - they build on the models above

ALL_MODELS = [Counter, User, AuthSession, LoginThrottle, PasswordReset, StoredFile, PortalApplication, Outbox,
              Employer, EmployerAccess, Invitation, Person, RegistrationBatch, Employment, BatchDocument,
              OutboxAttachment,
              Submission, SubmissionLine, Acknowledgement, ReminderSent, AuditEvent, *PAYMENT_MODELS]

from webapp.counter_models import COUNTER_MODELS  # noqa: E402 - issue 12: the bank counter

ALL_MODELS += COUNTER_MODELS
from webapp.eft_models import EFT_MODELS  # noqa: E402 - EFT (issue 12) builds on the payments

ALL_MODELS += EFT_MODELS
from webapp.mandate_models import MANDATE_MODELS  # noqa: E402 - direct debit (issue 12) builds on payments

ALL_MODELS += MANDATE_MODELS
