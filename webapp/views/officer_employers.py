"""Officer back office: find an employer by code, name or BRN; its registration, employees and documents."""

from flask import Blueprint, abort, request
from flask_babel import gettext

from core.errors import NotFound
from webapp.access import officer_required
from webapp.parsing import parse_page
from webapp.rendering import render
from webapp.services import audit as audit_service
from webapp.services import employees, employers
from webapp.views.files import stored_document

bp = Blueprint("officer_employers", __name__, url_prefix="/officer/employers")


@bp.get("/")
@officer_required
def search():
    query = request.args.get("q", "").strip()[:100]
    return render("officer/employers.html", "results", query=query, found=employers.find(query))


@bp.get("/<int:employer_id>")
@officer_required
def employer(employer_id: int):
    try:
        found = employers.record(employer_id)
    except NotFound:
        abort(404)
    page = employees.search(found.employer, request.args.get("q", ""), "all", parse_page(request.args.get("page")))
    return render("officer/employer.html", employer=found.employer, page=page, batches=found.batches,
                  documents=found.documents, pending=found.pending)


@bp.get("/documents/<int:document_id>")
@officer_required
def document(document_id: int):
    try:
        return stored_document(employers.document(document_id).file)
    except NotFound:
        abort(404)


@bp.get("/<int:employer_id>/audit")
@officer_required
def audit(employer_id: int):
    """Officers read an employer's audit trail too."""
    try:
        found = employers.record(employer_id)
    except NotFound:
        abort(404)
    return render("audit/trail.html", employer=found.employer, events=audit_service.trail(found.employer),
                  heading=gettext("Audit trail"))
