"""Officer back office: find an employer by code, name or BRN; its registration, employees and documents."""

from flask import Blueprint, abort, request

from webapp.access import officer_required
from webapp.models import BatchDocument, Employer, Employment, Person, RegistrationBatch
from webapp.rendering import render
from webapp.services import employees
from webapp.views.files import stored_document

bp = Blueprint("officer_employers", __name__, url_prefix="/officer/employers")


@bp.get("/")
@officer_required
def search():
    query = request.args.get("q", "").strip()[:100]
    found = []
    if query:
        words = query.upper()
        found = list(Employer.select().where(
            (Employer.code == words) | Employer.registration_number.startswith(words.replace(" ", ""))
            | Employer.name.contains(words)).order_by(Employer.name).limit(50))
    return render("officer/employers.html", "results", query=query, found=found)


@bp.get("/<int:employer_id>")
@officer_required
def employer(employer_id: int):
    record = Employer.get_or_none(Employer.id == employer_id)
    if record is None:
        abort(404)
    page_number = request.args.get("page", "1")
    page = employees.search(record, request.args.get("q", ""), "all", int(page_number) if page_number.isdigit() else 1)
    batches = list(RegistrationBatch.select().where(RegistrationBatch.employer == record)
                   .order_by(RegistrationBatch.id.desc()))
    documents = list(BatchDocument.select().join(RegistrationBatch)
                     .where(RegistrationBatch.employer == record).order_by(BatchDocument.id))
    pending = (Employment.select(Employment, Person).join(Person)
               .where((Employment.employer == record) & (Employment.status == "pending")).count())
    return render("officer/employer.html", employer=record, page=page, batches=batches, documents=documents,
                  pending=pending)


@bp.get("/documents/<int:document_id>")
@officer_required
def document(document_id: int):
    upload = BatchDocument.get_or_none(BatchDocument.id == document_id)
    if upload is None:
        abort(404)
    return stored_document(upload.file)
