"""What every row of a month's page (contributions/employees.html, block `row`) shares, worked out once for
the page instead of in each row: the column names a phone shows beside each value, and the links."""

from core.errors import N_
from webapp.i18n import translate
from webapp.rendering import link, link_around

HEADINGS = {"status": N_("Status"), "salary": N_("Salary (RM)"), "amount": N_("Amount (RM)"),
            "how": N_("How is this amount made?"), "not_counted": N_("not counted until you accept it")}


def line_headings() -> dict:
    """The column names of the rows (and the pencil form's labels), translated once for the page."""
    return {key: translate(text) for key, text in HEADINGS.items()}


def links(submission) -> dict:
    """The month's page, and the beginnings of the pencil's and the calculator's links, which end with the
    line's id (url_for costs 10 us, and a row has three)."""
    return {"month_url": link("contributions.employees", submission_id=submission.id),
            "line_url": link_around("contributions.line", "line_id", submission_id=submission.id)[0],
            "how_url": link_around("calculator.line", "line_id", submission_id=submission.id)[0]}
