"""Every bad input gets a 4xx with a message, never a 500 (issue 9).

Walks `app.url_map`: every route, with hostile values in every path parameter, in every query parameter the
portal reads and in every form field it reads, as an anonymous visitor, an employer and an officer. It lives
with the store tests so it runs on SQLite and on PostgreSQL (a NUL byte is an error only there).
"""

import re

import pytest

from tests.conftest import PASSWORD, make_user
from tests.support import csrf_token, login
from tests.web.test_contributions import confirmed_month
from tests.web.test_registration import registered
from webapp.db import database
from webapp.models import (
    Acknowledgement,
    BatchDocument,
    Employment,
    PortalApplication,
    Submission,
    SubmissionLine,
    User,
)
from webapp.payment_models import PaymentAttempt, Receipt

PATH_VALUES = ["9999999999999999999999999", "18446744073709551616", "٣", "0", "00000000000000000001", "1"]
VALUES = ["", "0", "-1", "²", "٣", "１２", "9" * 30, "1e30", "\x00", "a\x00b", "0000-01", "9999-12", "2026-²1",
          "2026-13", "x" * 5000, "<script>alert(1)</script>", "NaN", "Infinity", "1_000", "RM2,0,0,0", "%",
          "../../etc/passwd", "\u202e", "\ufeff1"]
QUERY = ["page", "per", "q", "month", "kind", "status", "type", "search", "id_type", "id_number", "edit", "number",
         "next", "reason", "foreign", "ended", "step", "scheme", "layout"]
FORM = ["wages", "status", "month", "type", "token", "which", "employer_id", "email", "password", "step", "number",
        "back", "reason", "document_type", "remarks", "last_day", "q", "name", "id_number", "id_type", "start_date",
        "birth_date", "gender", "nationality", "current_password", "new_password", "confirm_password", "agree",
        "company_name", "brn", "applicant_name", "applicant_mykad", "designation", "phone", "age", "kind",
        "business_entity", "sub_entity", "registration_number", "industry", "address", "postcode", "state",
        "first_employment_date", "induction_venue", "passport_number", "permit_number", "kin_name", "next",
        "item", "model", "bank", "show", "back", "page", "fpx_msgType", "fpx_sellerExOrderNo", "fpx_txnAmount",
        "fpx_debitAuthCode", "fpx_checkSum", "fpx_fpxTxnId"]
PARAMETER = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


def paths(rule, real: dict) -> list[str]:
    """The rule's path with each parameter hostile in turn (the others real)."""
    names = [m.group(3) for m in PARAMETER.finditer(rule.rule)]

    def build(choice: dict) -> str:
        def value(match):
            converter, arguments, name = match.groups()
            if converter == "any":
                return choice.get(name, arguments.split(",")[0].strip())
            return choice.get(name, str(real.get(name, "1")))
        return PARAMETER.sub(value, rule.rule)

    built = [build({})]
    for name in names:
        if "any(" in rule.rule and re.search(rf"<any\([^)]*\):{name}>", rule.rule):
            built.append(build({name: "nonsense"}))
            continue
        built += [build({name: hostile}) for hostile in PATH_VALUES]
    return built


@pytest.fixture
def browsers(app):
    employer = app.test_client()
    login(employer, make_user().email, PASSWORD)
    registered(employer)
    submission_id = confirmed_month(employer)
    officer = app.test_client()
    login(officer, make_user("officer@example.com", role="officer").email, PASSWORD)
    with database.connection_context():
        real = {"submission_id": submission_id,
                "line_id": SubmissionLine.select().where(SubmissionLine.submission == submission_id).first().id,
                "batch_id": Employment.select().first().batch_id, "employment_id": Employment.select().first().id,
                "document_id": BatchDocument.select().first().id,
                "employer_id": Employment.select().first().employer_id,
                "number": Acknowledgement.select().first().number,
                "ref": Acknowledgement.select().first().number, "order_no": "AS000000000001",
                "application_id": (PortalApplication.select().first() or PortalApplication(id=1)).id}
        assert Submission.select().count() == 1
        ack = Acknowledgement.select().first()
        paying = PaymentAttempt.create(order_no="AS000000000001", employer=ack.employer, user=User.get(),
                                       msg_token="01", amount=ack.amount, bank_id="TEST0021", email="a@b.test",
                                       status="succeeded", ar_fields="{}", fpx_txn_id="2611250000000001",
                                       debit_auth_code="00")
        Receipt.create(number="20260000000001", attempt=paying, employer=ack.employer, amount=ack.amount)
    return {"anonymous": app.test_client(), "employer": employer, "officer": officer}, real


def test_no_hostile_value_anywhere_gives_a_server_error(app, browsers):
    clients, real = browsers
    tokens = {who: csrf_token(client, "/employer/login" if who == "anonymous" else "/help")
              for who, client in clients.items()}
    failures, tried = [], 0
    # Logging out would end the walk for the employer and the officer: logout is walked by itself below.
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in ("static", "assets", "auth.logout")]
    assert len(rules) > 50
    for rule in rules:
        for number, path in enumerate(paths(rule, real)):
            # hostile ids with a couple of query values; documents (slow to build) read no query at all
            values = VALUES if number == 0 and not rule.rule.endswith(".pdf") else VALUES[:2]
            for value in values:
                for who, client in clients.items():
                    if who == "anonymous" and value not in VALUES[:3]:
                        continue  # the login page answers an anonymous visitor whatever the parameters
                    if who != "anonymous" and (who == "officer") != rule.rule.startswith("/officer"):
                        continue  # the other role is refused at the door (403), whatever the values
                    for method in sorted(rule.methods & {"GET", "POST"}):
                        tried += 1
                        headers = {"HX-Request": "true"} if tried % 2 else {}
                        if method == "GET":
                            response = client.get(path, query_string=dict.fromkeys(QUERY, value), headers=headers)
                        else:
                            form = {"csrf_token": tokens[who], **dict.fromkeys(FORM, value)}
                            response = client.post(path, data=form, headers=headers)
                        if response.status_code >= 500:
                            failures.append((who, method, path, value[:20], response.status_code))
                        response.close()
    for who, client in clients.items():
        assert client.get("/officer/" if who == "officer" else "/employer/dashboard").status_code in (200, 303), who
    assert clients["employer"].get(f"/contribution/s/{real['submission_id']}/summary").status_code in (200, 303)
    assert tried > 1000
    assert failures == [], f"{len(failures)} server errors, e.g. {failures[:10]}"
