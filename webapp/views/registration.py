"""MY SITES, REGISTRATION: Form 1 (employer), Form 2 (employees), supporting documents, SUBMIT and CONFIRM."""

from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_login import current_user

from core import registration as lists
from core.errors import AssistError, NotFound, ValidationError
from core.registration import DOCUMENT_TYPES
from webapp.access import employer_required
from webapp.clock import malaysia_today
from webapp.forms.auth import PlainForm
from webapp.forms.registration import DocumentForm, EmployeeForm, EmployerRegistrationForm
from webapp.i18n import translate, translate_error
from webapp.ratelimits import limited
from webapp.rendering import form_errors, render
from webapp.services import employees as employees_service
from webapp.services import employers, letters, registration
from webapp.tenancy import refuse_unless_allowed, selected_employer
from webapp.views.files import attachment, stored_document

bp = Blueprint("registration", __name__, url_prefix="/registration")


def _batch(batch_id: int, draft: bool = True):
    try:
        batch = registration.batch_for(current_user._get_current_object(), batch_id, draft=draft)
    except NotFound:
        abort(404)
    except AssistError:
        return None
    refused = refuse_unless_allowed(employers.role_of(current_user.id, batch.employer_id))
    if refused is not None:
        abort(refused)
    return batch


def _show_error(form, exc: AssistError, default_field: str) -> None:
    field = getattr(form, exc.field or default_field, None) or getattr(form, default_field)
    field.errors = [*field.errors, translate_error(exc)]


@bp.get("/")
@employer_required
def index():
    user = current_user._get_current_object()
    mine = list(employers.managed(user))
    drafts = registration.open_drafts([e.id for e in mine])
    return render("registration/index.html", employers=mine, drafts=drafts,
                  selected=selected_employer(), update_form=PlainForm())


@bp.route("/employer", methods=["GET", "POST"])
@employer_required
def employer():
    domestic = request.args.get("kind") == "domestic"
    form = EmployerRegistrationForm().configure(domestic)
    if form.validate_on_submit():
        fields = {name: getattr(form, name).data for name in (
            "name", "business_entity", "sub_entity", "registration_number", "industry", "address", "postcode",
            "state", "phone", "email", "first_employment_date", "induction_venue")}
        data = registration.EmployerForm(kind="domestic" if domestic else "business",
                                         nationality=form.nationality.data if domestic else "MY", **fields)
        try:
            batch = registration.start_employer(current_user._get_current_object(), data, malaysia_today())
        except AssistError as exc:
            _show_error(form, exc, "registration_number")
        else:
            return redirect(url_for("registration.employees", batch_id=batch.id), 303)
    return render("registration/employer.html", "employer_form", form_errors(form), form=form, domestic=domestic)


@bp.post("/update")
@employer_required
def update():
    """QRG 10: Update, Update Add New Employee, for the selected employer."""
    employer = selected_employer()
    if employer is not None and (refused := refuse_unless_allowed(employer.member_role)) is not None:
        return refused
    if employer is None or not PlainForm().validate_on_submit():
        return redirect(url_for("registration.index"), 303)
    batch = registration.start_update(current_user._get_current_object(), employer, malaysia_today())
    return redirect(url_for("registration.employees", batch_id=batch.id), 303)


@bp.get("/<int:batch_id>/employees")
@employer_required
def employees(batch_id: int):
    batch = _batch(batch_id)
    if batch is None:
        return redirect(url_for("registration.done", batch_id=batch_id), 303)
    rows = registration.batch_employees(batch)
    month = max(malaysia_today(), *(row.start_date for row in rows)) if rows else malaysia_today()
    covered = {row.id: employees_service.coverage_now(row, month) for row in rows}
    return render("registration/employees.html", batch=batch, rows=rows, covered=covered, remove_form=PlainForm())


@bp.route("/<int:batch_id>/employees/new", methods=["GET", "POST"])
@limited("employee-search")  # SAVE looks the number up too (and its page shows who was found)
@employer_required
def add_employee(batch_id: int):
    batch = _batch(batch_id)
    if batch is None:
        abort(404)
    foreign = request.args.get("foreign") == "1"
    form = EmployeeForm().configure(foreign)
    found = None
    if request.method == "POST":
        if form.validate_on_submit():
            dates = ("birth_date", "start_date", "passport_start", "passport_end", "permit_start", "permit_end")
            texts = ("id_type", "id_number", "name", "gender", "nationality", "passport_number", "permit_number",
                     "kin_name", "kin_phone", "kin_relationship")
            data = registration.EmployeeForm(foreign=foreign, **{name: getattr(form, name).data for name in dates},
                                             **{name: getattr(form, name).data or "" for name in texts})
            files = {name: (getattr(form, name).data.stream, getattr(form, name).data.filename or "")
                     for name in ("passport_file", "permit_file") if foreign and getattr(form, name).data}
            try:
                registration.add_employee(batch, data, files, current_app.config, malaysia_today(),
                                          account=current_user._get_current_object())
            except AssistError as exc:
                _show_error(form, exc, "id_number")
            else:
                return redirect(url_for("registration.employees", batch_id=batch.id), 303)
        found = _search(batch, form, purpose="save")
    status = 422 if request.method == "POST" else 200
    return render("registration/employee_form.html", status=status, form=form, batch=batch, foreign=foreign,
                  found=found, searched=False)


@bp.post("/<int:batch_id>/employees/search")
@limited("employee-search")
@employer_required
def search_employee(batch_id: int):
    """SEARCH (Search Existing Employee): by POST, so neither the MyKad nor the CSRF token is in a URL.

    htmx posts only the identification and gets the person block; without JavaScript the whole form is
    posted here and the page comes back with what was typed and who was found.
    """
    batch = _batch(batch_id)
    if batch is None:
        abort(404)
    foreign = request.args.get("foreign") == "1"
    form = EmployeeForm().configure(foreign)
    return render("registration/employee_form.html", "person_block", form=form, batch=batch, foreign=foreign,
                  found=_search(batch, form), searched=True)


def _search(batch, form, purpose: str = "search"):
    if not (form.id_type.data and form.id_number.data):
        return None
    return registration.search_existing(current_user._get_current_object(), batch.employer_id, form.id_type.data,
                                        form.id_number.data, purpose=purpose)


@bp.post("/<int:batch_id>/employees/<int:employment_id>/remove")
@employer_required
def remove_employee(batch_id: int, employment_id: int):
    batch = _batch(batch_id)
    if batch is None or not PlainForm().validate_on_submit():
        abort(404)
    try:
        registration.remove_employee(batch, employment_id)
    except NotFound:
        abort(404)
    return redirect(url_for("registration.employees", batch_id=batch.id), 303)


@bp.route("/<int:batch_id>/documents", methods=["GET", "POST"])
@employer_required
def documents(batch_id: int):
    batch = _batch(batch_id)
    if batch is None:
        return redirect(url_for("registration.done", batch_id=batch_id), 303)
    form = DocumentForm()
    if form.validate_on_submit():
        try:
            registration.add_document(batch, form.document_type.data, form.file.data.stream,
                                      form.file.data.filename or "", form.remarks.data or "", current_app.config)
        except ValidationError as exc:
            _show_error(form, exc, "file")
        else:
            return redirect(url_for("registration.documents", batch_id=batch.id), 303)
    uploaded = registration.uploaded_documents(batch)
    done = {d.document_type for d in uploaded}
    return render("registration/documents.html", "documents_block", form_errors(form), form=form, batch=batch,
                  checklist=registration.checklist(batch), done=done, uploaded=uploaded,
                  document_types=DOCUMENT_TYPES)


@bp.get("/<int:batch_id>/documents/<int:document_id>")
@employer_required
def document(batch_id: int, document_id: int):
    batch = _batch(batch_id, draft=False)
    try:
        return stored_document(registration.batch_document(batch, document_id).file)
    except NotFound:
        abort(404)


@bp.get("/<int:batch_id>/generated/<any(sip1, ds):kind>.pdf")
@employer_required
def generated(batch_id: int, kind: str):
    batch = _batch(batch_id, draft=False)
    return attachment(letters.build(kind, batch), "application/pdf", letters.filename(kind))


@bp.route("/<int:batch_id>/confirm", methods=["GET", "POST"])
@employer_required
def confirm(batch_id: int):
    """SUBMIT shows "Proceed for Submission?"; CONFIRM submits; CANCEL goes back to the documents."""
    batch = _batch(batch_id)
    if batch is None:
        return redirect(url_for("registration.done", batch_id=batch_id), 303)
    form = PlainForm()
    error = None
    if form.validate_on_submit():
        try:
            employer = registration.submit(batch, malaysia_today(), by=current_user._get_current_object())
        except AssistError as exc:
            error = translate_error(exc)
        else:
            session["employer_id"] = employer.id
            return redirect(url_for("registration.done", batch_id=batch.id), 303)
    return render("registration/confirm.html", status=422 if error else 200, form=form, batch=batch, error=error)


@bp.get("/<int:batch_id>/done")
@employer_required
def done(batch_id: int):
    batch = _batch(batch_id, draft=False)
    if batch.status != "submitted":
        return redirect(url_for("registration.employees", batch_id=batch.id), 303)
    return render("registration/done.html", batch=batch, employer=batch.employer, kinds=letters.letter_kinds(batch),
                  titles=letters.TITLES)


@bp.get("/<int:batch_id>/letters/<any(acknowledgement, induction, successful, eis_rejection):kind>.pdf")
@employer_required
def letter(batch_id: int, kind: str):
    batch = _batch(batch_id, draft=False)
    if batch.status != "submitted" or kind not in letters.letter_kinds(batch):
        abort(404)
    return attachment(letters.build(kind, batch), "application/pdf", letters.filename(kind))



@bp.app_template_global()
def label_of(mapping_name: str, code: str) -> str:
    """The translated label of a code from core.registration (ID types, document types, reasons...)."""
    mapping = LABELS[mapping_name]
    return translate(mapping[code]) if code in mapping else code


@bp.app_template_filter("id_type")
def id_type_label(code: str) -> str:
    """`{{ code|id_type }}`: label_of('id_type', code) as a filter, which a list's rows call more cheaply."""
    return label_of("id_type", code)


LABELS = {"id_type": {**lists.LOCAL_ID_TYPES, **lists.FOREIGN_ID_TYPES}, "document": lists.DOCUMENT_TYPES,
          "reason": lists.TERMINATION_REASONS, "industry": lists.INDUSTRIES}
