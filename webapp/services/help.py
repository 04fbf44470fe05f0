"""Help where it is needed: the calculator's answers for one employee of a month ("How is this amount
made?" on the month's page). Reads only; the help topics themselves are data (webapp/help)."""

from core import calculator
from core.money import from_sen
from webapp.models import Employer
from webapp.services import contributions, employees


def calculator_answers(employer: Employer, submission_id: int, line_id: int) -> dict[str, str]:
    """The calculator's fields for a line of this employer's month: wages, month, age on the last day of the
    month, local or foreign, domestic, first insured at 55 or over, first employed under EIS at 57 or over.

    The answers give the calculator the coverage the pencil used (core.calculator.inputs_for), so its
    amounts are the line's. Raises NotFound for another employer's month or line.
    """
    submission = contributions.submission_for(employer, submission_id)
    line = contributions.line_for(submission, line_id)
    answers = calculator.inputs_for(employees.facts(line.employment), submission.month)
    fields = {"wages": "" if line.wages is None else f"{from_sen(line.wages):.2f}",
              "month": answers.month.strftime("%Y-%m"), "age": str(answers.age),
              "nationality": "local" if answers.citizen else "foreign"}
    for name in ("domestic", "first_insured_late", "eis_late"):
        if getattr(answers, name):
            fields[name] = "y"
    return fields
