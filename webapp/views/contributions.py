"""MY SITES, CONTRIBUTION: SOCSO + EIS, SOCSO or EIS; pending list, employee list with the pencil,
SAVE DRAFT, COMPLETE, SUBMIT, CONFIRM, the acknowledgement page and the ACR/ECR PDFs."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user
from jinja2_fragments.flask import render_blocks

from core.contributions import LINE_STATUSES, TYPES
from core.errors import AssistError, NotFound
from webapp.clock import malaysia_today
from webapp.errors import render_error
from webapp.forms import TokenOnly
from webapp.forms.auth import PlainForm
from webapp.forms.contributions import ConfirmForm, LineForm, MonthForm, UploadForm
from webapp.i18n import translate_error
from webapp.parsing import parse_id, parse_month, parse_page
from webapp.rendering import form_errors, go, render, wants_partial
from webapp.services import acknowledgements, bills, contributions, spreadsheets, textfiles
from webapp.services import audit as audit_service
from webapp.tenancy import with_employer
from webapp.views import month_rows, safe_next
from webapp.views.files import attachment

bp = Blueprint("contributions", __name__, url_prefix="/contribution")
bp.add_app_template_global(LINE_STATUSES, "status_labels")
bp.add_app_template_global(TYPES, "types")
bp.add_app_template_global(month_rows.line_headings, "line_headings")
SCHEME_NAMES = {"combined": "SOCSO + EIS", "socso": "SOCSO", "eis": "EIS"}


def _me():
    return current_user._get_current_object()


def _submission(employer, submission_id: int):
    try:
        return contributions.submission_for(employer, submission_id)
    except NotFound:
        abort(404)


def _scheme(submission) -> str:
    return "combined" if submission.with_socso and submission.with_eis else (
        "socso" if submission.with_socso else "eis")


@bp.get("/")
@with_employer
def index(employer):
    return render("contributions/index.html", employer=employer, schemes=SCHEME_NAMES)


@bp.get("/<any(combined, socso, eis):scheme>/")
@with_employer
def pending(employer, scheme: str):
    return render("contributions/pending.html", employer=employer, scheme=scheme, scheme_name=SCHEME_NAMES[scheme],
                  due=contributions.pending(employer, scheme, malaysia_today()), form=MonthForm())


@bp.post("/<any(combined, socso, eis):scheme>/open")
@with_employer
def open_month(employer, scheme: str):
    form = MonthForm()
    if form.validate_on_submit() and form.type.data in ("monthly", "arrears", "short"):
        try:
            submission = contributions.open_submission(employer, current_user._get_current_object(), scheme,
                                                       parse_month(form.month.data), form.type.data,
                                                       malaysia_today())
        except AssistError as exc:
            flash(translate_error(exc), "error")
        else:
            return redirect(url_for("contributions.employees", submission_id=submission.id), 303)
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return redirect(url_for("contributions.pending", scheme=scheme), 303)


def _paging():
    return parse_page(request.args.get("page")), 50 if request.args.get("per") == "50" else 10


@bp.get("/s/<int:submission_id>")
@with_employer
def employees(employer, submission_id: int):
    submission = _submission(employer, submission_id)
    if submission.status in ("draft", "complete") and contributions.follow_registrations(submission):
        submission = _submission(employer, submission_id)
    page, per_page = _paging()
    figures = contributions.totals(submission)
    pages = max(1, -(-figures.lines // per_page))
    return render("contributions/employees.html", "lines", employer=employer, submission=submission,
                  scheme_name=SCHEME_NAMES[_scheme(submission)], rows=contributions.lines(submission, page, per_page),
                  figures=figures, page=min(page, pages), pages=pages, per_page=per_page, form=TokenOnly(),
                  offset=(min(page, pages) - 1) * per_page, **month_rows.links(submission))


@bp.get("/s/<int:submission_id>/totals")
@with_employer
def totals(employer, submission_id: int):
    """The totals block for htmx; a plain request goes to the month's page (the block alone is no page)."""
    submission = _submission(employer, submission_id)
    if not wants_partial():  # the totals are a part of the month's page
        return redirect(url_for("contributions.employees", submission_id=submission.id), 303)
    return render("contributions/employees.html", "totals", submission=submission,
                  figures=contributions.totals(submission))


def _row_number(text: str | None) -> int:
    """The row's number on the month's page (shown in the No. column), 1 when absent or not a number."""
    return parse_page(text)


@bp.route("/s/<int:submission_id>/lines/<int:line_id>", methods=["GET", "POST"])
@with_employer
def line(employer, submission_id: int, line_id: int):
    """The pencil. GET: the row (with ?edit, its status and salary form); POST: save them.

    htmx gets the row block of the month's page, and after a save the totals with it, out of band, in the
    same response (a second request for the totals could answer before a later save and leave them stale).
    Without JavaScript the month's page shows this one employee with the form; a save goes back.
    """
    submission = _submission(employer, submission_id)
    try:
        row = contributions.line_for(submission, line_id)
    except NotFound:
        if submission.status in ("draft", "complete"):  # the lines were rebuilt (a text file in another tab)
            return render_error(409, gettext("The list of employees changed"), gettext(
                "A text file was uploaded for this month in another tab or device, so this list is out of date. "
                "Reload the page; what you typed here was not saved."))
        abort(404)
    form = LineForm(data={"status": row.status, "wages": "" if row.wages is None else f"{row.wages / 100:.2f}"})
    back = safe_next(request.form.get("back") or urlsplit(request.referrer or "")._replace(
        scheme="", netloc="").geturl(), "")
    saved = False
    if request.method == "POST" and form.validate_on_submit():
        try:
            row = contributions.update_line(submission, line_id, form.status.data, form.wages_value(), by=_me())
        except AssistError as exc:
            getattr(form, exc.field or "wages").errors.append(translate_error(exc))
        else:
            if not wants_partial():
                return redirect(back or url_for("contributions.employees", submission_id=submission.id), 303)
            saved = True
    editing = not saved and (request.method == "POST" or "edit" in request.args)
    number = _row_number(request.values.get("number"))
    context = {"submission": submission, "rows": [row], "offset": number - 1, "line_form": form,
               "edit_id": row.id if editing else None, "back": back, **month_rows.links(submission)}
    status = 422 if request.method == "POST" and not saved else 200
    if wants_partial():
        if saved:
            return render_blocks("contributions/employees.html", ["row", "totals"], oob=True,
                                 figures=contributions.totals(submission), **context), status
        return render_blocks("contributions/employees.html", ["row"], **context), status
    return render("contributions/employees.html", status=status, employer=employer, single=True,
                  scheme_name=SCHEME_NAMES[_scheme(submission)], figures=contributions.totals(submission),
                  form=PlainForm(), **context)


@bp.post("/s/<int:submission_id>/same-as-last-month")
@with_employer
def same_as_last_month(employer, submission_id: int):
    """SAME AS LAST MONTH: last month's salaries for everyone still without one (or for the page shown)."""
    submission = _submission(employer, submission_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    chosen = [i for i in (parse_id(v) for v in request.form.getlist("line")) if i] or None
    try:
        count = contributions.same_as_last_month(submission, chosen, by=_me())
    except AssistError as exc:
        flash(translate_error(exc), "error")
    else:
        flash(gettext("%(count)s salary(ies) taken from last month. Change the few that differ with the pencil.",
                      count=count), "success")
    return redirect(safe_next(request.form.get("back"), url_for("contributions.employees",
                                                                 submission_id=submission.id)), 303)


@bp.post("/s/<int:submission_id>/undo-same-as-last-month")
@with_employer
def undo_same_as_last_month(employer, submission_id: int):
    submission = _submission(employer, submission_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        count = contributions.undo_same_as_last_month(submission, by=_me())
    except AssistError as exc:
        flash(translate_error(exc), "error")
    else:
        flash(gettext("Undone: %(count)s salary(ies) from last month are no longer counted.", count=count), "info")
    return redirect(url_for("contributions.employees", submission_id=submission.id), 303)


@bp.post("/s/<int:submission_id>/draft")
@with_employer
def save_draft(employer, submission_id: int):
    submission = _submission(employer, submission_id)
    if submission.status not in ("draft", "complete"):
        flash(gettext("This contribution was already submitted."), "error")
    elif PlainForm().validate_on_submit():
        flash(gettext("Draft saved. You can come back to it from the pending list, on any device."), "success")
    return redirect(url_for("contributions.employees", submission_id=submission.id), 303)


@bp.post("/s/<int:submission_id>/complete")
@with_employer
def complete(employer, submission_id: int):
    submission = _submission(employer, submission_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        contributions.complete(submission, by=_me())  # a nil return is said on the summary page
    except AssistError as exc:
        flash(translate_error(exc), "error")
        return redirect(url_for("contributions.employees", submission_id=submission.id), 303)
    return redirect(url_for("contributions.summary", submission_id=submission.id), 303)


@bp.get("/s/<int:submission_id>/summary")
@with_employer
def summary(employer, submission_id: int):
    submission = _submission(employer, submission_id)
    if submission.status == "confirmed":
        return redirect(url_for("contributions.acknowledgement", submission_id=submission.id), 303)
    return render("contributions/summary.html", employer=employer, submission=submission,
                  figures=contributions.totals(submission), scheme_name=SCHEME_NAMES[_scheme(submission)],
                  form=ConfirmForm(token=submission.confirm_token))


@bp.post("/s/<int:submission_id>/confirm")
@with_employer
def confirm(employer, submission_id: int):
    submission = _submission(employer, submission_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        contributions.confirm(submission, form.token.data, by=_me())
    except AssistError as exc:
        flash(translate_error(exc), "error")
        return redirect(url_for("contributions.summary", submission_id=submission.id), 303)
    return redirect(url_for("contributions.acknowledgement", submission_id=submission.id), 303)


@bp.get("/s/<int:submission_id>/acknowledgement")
@with_employer
def acknowledgement(employer, submission_id: int):
    submission = _submission(employer, submission_id)
    issued = bills.issued(submission)
    if not issued:
        return redirect(url_for("contributions.employees", submission_id=submission.id), 303)
    return render("contributions/acknowledgement.html", employer=employer, submission=submission, issued=issued,
                  layouts=textfiles.export_layouts(submission))


@bp.get("/ack/<number>.pdf")
@with_employer
def acknowledgement_pdf(employer, number: str):
    """PRINT: one ACR or ECR; `ACR...+ECR...` prints both of one submission together (QRG 8)."""
    numbers = number.split("+")[:2]
    issued = bills.bills_by_number(employer, numbers)
    if len(issued) != len(set(numbers)) or len({a.submission_id for a in issued}) != 1:
        abort(404)
    return attachment(acknowledgements.pdf(issued), "application/pdf", f"{number}.pdf")


@bp.get("/history")
@with_employer
def history(employer):
    month = parse_month(request.args.get("month"))
    month_text = month.strftime("%Y-%m") if month else ""
    kind = request.args.get("kind", "")
    rows = list(bills.acknowledgements(employer, month, kind, request.args.get("status")).limit(200))
    return render("contributions/history.html", "results", employer=employer, rows=rows, month=month_text,
                  kind=kind, status_filter=request.args.get("status", ""), config=current_app.config)


@bp.route("/<any(combined, socso, eis):scheme>/textfile", methods=["GET", "POST"])
@with_employer
def textfile(employer, scheme: str):
    """TEXT FILE: Choose File, Upload; every wrong line in a table, or the draft made from a clean file."""
    form = UploadForm()
    checked, upload_error = None, None
    if form.validate_on_submit():
        data = form.file.data.read(current_app.config["MAX_CONTENT_LENGTH"])
        today = malaysia_today()
        checked = textfiles.check_upload(employer, scheme, data, today)
        if not checked.errors:
            try:
                submission = textfiles.to_draft(employer, current_user._get_current_object(), scheme, checked, today)
            except AssistError as exc:  # e.g. the month was already submitted: SHORT CONTRIBUTION
                upload_error = translate_error(exc)
            else:
                return go(url_for("contributions.preview", submission_id=submission.id))
    status = 422 if checked or form.errors else 200
    return render("contributions/textfile.html", "upload_result", status, employer=employer, scheme=scheme,
                  scheme_name=SCHEME_NAMES[scheme], form=form, checked=checked, upload_error=upload_error)


@bp.route("/s/<int:submission_id>/preview", methods=["GET", "POST"])
@with_employer
def preview(employer, submission_id: int):
    """The draft a text file made: what the file held, and a choice for each employee it left out."""
    submission = _submission(employer, submission_id)
    left_out, error = textfiles.left_out(submission), None
    if request.method == "POST" and PlainForm().validate_on_submit():
        decisions = {line.id: request.form.get(f"choice-{line.id}", "") for line in left_out}
        try:
            textfiles.decide_left_out(submission, decisions, by=_me())
        except AssistError as exc:
            error = translate_error(exc)
        else:
            flash(gettext("Saved. Every employee of the month now has a line."), "success")
            return redirect(url_for("contributions.preview", submission_id=submission.id), 303)
    return render("contributions/preview.html", status=422 if error else 200, employer=employer,
                  submission=submission, figures=contributions.totals(submission),
                  rows=contributions.lines(submission, 1, 20), non_ascii=textfiles.non_ascii_names(submission),
                  counts=textfiles.file_counts(submission), left_out=left_out, choices=textfiles.MISSING_CHOICES,
                  form=PlainForm(), error=error)


@bp.get("/s/<int:submission_id>/export/<any(combined, socso, eis):layout>.txt")
@with_employer
def export(employer, submission_id: int, layout: str):
    """Download a submitted month as a text file in any of the three layouts."""
    submission = _submission(employer, submission_id)
    if submission.status != "confirmed":
        abort(404)
    try:
        body = textfiles.export(submission, textfiles.LAYOUT_OF[layout])
    except AssistError as exc:
        flash(translate_error(exc), "error")
        return redirect(url_for("contributions.acknowledgement", submission_id=submission.id), 303)
    name = f"{layout.upper()}_{employer.code}_{submission.month:%m%Y}.txt"
    return attachment(body, "text/plain", name)


@bp.route("/s/<int:submission_id>/spreadsheet", methods=["GET", "POST"])
@with_employer
def spreadsheet(employer, submission_id: int):
    """SALARY SPREADSHEET: upload a CSV or XLSX of this month's wages (step 1 of 2)."""
    submission = _submission(employer, submission_id)
    form = UploadForm()
    if form.validate_on_submit():
        data = form.file.data.read(current_app.config["MAX_CONTENT_LENGTH"])
        try:
            token, _ = spreadsheets.keep(data, form.file.data.filename or "", current_app.config["INSTANCE_DIR"])
        except AssistError as exc:
            form.file.errors.append(translate_error(exc))
        else:
            return go(url_for("contributions.spreadsheet_preview", submission_id=submission.id, token=token))
    return render("contributions/spreadsheet.html", "upload", form_errors(form), employer=employer,
                  submission=submission, form=form, shown=None)


@bp.route("/s/<int:submission_id>/spreadsheet/<token>", methods=["GET", "POST"])
@with_employer
def spreadsheet_preview(employer, submission_id: int, token: str):
    """Step 2: the columns (remembered from last time, or guessed) and each row matched or explained; then
    put it into the draft."""
    submission = _submission(employer, submission_id)
    try:
        sheet = spreadsheets.kept(token, current_app.config["INSTANCE_DIR"])
    except NotFound:
        flash(gettext("This spreadsheet is no longer here: upload it again."), "error")
        return redirect(url_for("contributions.spreadsheet", submission_id=submission.id), 303)
    guessed = spreadsheets.default_columns(employer, sheet)
    id_column = parse_page(request.values.get("id"), guessed[0] + 1) - 1
    wage_column = parse_page(request.values.get("wages"), guessed[1] + 1) - 1
    error = None
    try:
        if request.method == "POST" and PlainForm().validate_on_submit():
            count = spreadsheets.apply(submission, token, id_column, wage_column, current_app.config["INSTANCE_DIR"],
                                       by=_me())
            flash(gettext("%(count)s salary(ies) from the spreadsheet are in the draft.", count=count), "success")
            return go(url_for("contributions.employees", submission_id=submission.id))
        shown = spreadsheets.preview(submission, sheet, id_column, wage_column)
    except AssistError as exc:
        error, shown = translate_error(exc), None
    return render("contributions/spreadsheet.html", "choose", 422 if error else 200, employer=employer,
                  submission=submission, sheet=sheet, token=token, id_column=id_column, wage_column=wage_column,
                  shown=shown, error=error, form=PlainForm())


@bp.get("/s/<int:submission_id>/audit")
@with_employer
def audit(employer, submission_id: int):
    """Who changed this month's contribution, and what."""
    submission = _submission(employer, submission_id)
    return render("audit/trail.html", employer=employer, events=audit_service.trail(employer, submission=submission),
                  heading=gettext("Audit trail") + " · " + submission.month.strftime("%m/%Y"))
