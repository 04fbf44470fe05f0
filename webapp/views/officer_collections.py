"""Officers: the banks' daily collection files (our CSV layout, core.collection_file) and the exceptions queue.

IMPORT a bank's file: every bad line is listed and nothing is imported; a clean file pays the lines that
match an unpaid ACR/ECR (one receipt each), confirms the teller's counter payments, skips lines imported
before, and queues the rest as exceptions. RESOLVE an exception with a note of what was done (nothing is
deleted; the trail keeps who and when).
"""

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user

from core import collection_file, counter
from core.errors import AssistError, NotFound
from webapp.access import officer_required
from webapp.forms.counter import ImportForm, ResolveForm
from webapp.i18n import translate_error
from webapp.rendering import render
from webapp.services import collections

bp = Blueprint("officer_collections", __name__, url_prefix="/officer/collections")
bp.add_app_template_global(collections.REASONS, "collection_reasons")
bp.add_app_template_global(collections.OUTCOMES, "collection_outcomes")
bp.add_app_template_global(collection_file.FIELDS, "collection_fields")
bp.add_app_template_global(counter.BANKS, "counter_banks")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _index(status: int = 200, **context):
    context.setdefault("form", ImportForm())
    return render("officer/collections.html", status=status, queue=collections.exceptions(),
                  waiting=collections.open_exceptions(),
                  resolved=collections.exceptions(open_only=False, limit=20), files=collections.files(),
                  header=collection_file.HEADER_LINE, resolve_form=ResolveForm(), **context)


@bp.get("/")
@officer_required
def index():
    return _index()


@bp.post("/import")
@officer_required
def import_file():
    """IMPORT: the file's bad lines (nothing imported), or the file's outcome page."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _index(422, form=form)
    data = form.file.data.read(current_app.config["MAX_CONTENT_LENGTH"])
    try:
        done = collections.import_file(current_user._get_current_object(), form.bank.data, form.file.data.filename
                                       or "collection.csv", data, _now())
    except AssistError as exc:
        return _index(422, form=form, import_error=translate_error(exc))
    if done.errors:
        return _index(422, form=form, checked=done)
    counts = done.counts
    flash(gettext("Imported: %(matched)s paid, %(confirmed)s counter payments confirmed, %(duplicate)s duplicates, "
                  "%(exception)s exceptions.", **counts), "success" if not counts["exception"] else "warning")
    return redirect(url_for("officer_collections.file", file_id=done.file.id), 303)


@bp.get("/files/<int:file_id>")
@officer_required
def file(file_id: int):
    """One imported file, line by line: what became of each."""
    try:
        imported, lines = collections.file_with_lines(file_id)
    except NotFound:
        abort(404)
    return render("officer/collection_file.html", imported=imported, lines=lines, resolve_form=ResolveForm())


@bp.post("/lines/<int:line_id>/resolve")
@officer_required
def resolve(line_id: int):
    """RESOLVE: an exception, with the note of what was done."""
    form = ResolveForm()
    if not form.validate_on_submit():
        flash(gettext("Write what was done about it."), "error")
    else:
        try:
            collections.resolve(current_user._get_current_object(), line_id, form.note.data, _now())
        except NotFound:
            abort(404)
        except AssistError as exc:
            flash(translate_error(exc), "error")
        else:
            flash(gettext("Exception resolved."), "success")
    return redirect(url_for("officer_collections.index") + "#queue", 303)
