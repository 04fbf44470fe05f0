"""Monthly contributions through the pages: pending list, the pencil, SAVE DRAFT, COMPLETE, SUBMIT, CONFIRM,
the ACR/ECR PDFs, cancelling and the history (QRG 4, 5, 6, 8, 9)."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from core.periods import add_months
from tests.conftest import PASSWORD
from tests.support import csrf_token, login
from tests.web.test_registration import post, registered
from webapp.clock import malaysia_today
from webapp.models import Acknowledgement, Submission, SubmissionLine, User
from webapp.payment_models import FclbNotice, PaymentAttempt


@pytest.fixture
def client(app, employer):
    client = app.test_client()
    login(client, employer.email, PASSWORD)
    registered(client)  # SITI AMINAH (born 1990) and AHMAD FAIZAL (born 1988), employed from February 2024
    return client


def open_month(client, month="2024-10", type_="arrears", scheme="combined"):
    response = post(client, f"/contribution/{scheme}/open", {"month": month, "type": type_})
    match = re.search(r"/contribution/s/(\d+)$", response.headers["Location"])
    return int(match.group(1)) if match else response


def edit(client, submission_id, line_id, wages, status="active", htmx=True):
    token = csrf_token(client, "/employer/dashboard")
    headers = {"HX-Request": "true", "X-CSRFToken": token} if htmx else {}
    data = {"status": status, "wages": wages, "number": "1"}
    if not htmx:
        data["csrf_token"] = token
    return client.post(f"/contribution/s/{submission_id}/lines/{line_id}", data=data, headers=headers)


def test_pending_list_shows_the_month_due(client):
    page = client.get("/contribution/combined/").get_data(as_text=True)
    assert "Employer Contribution Pending List" in page and "Monthly" in page
    assert malaysia_today().strftime("%m/%Y") in page


def test_inline_salary_edit_refreshes_the_row_and_the_totals(client):
    submission_id = open_month(client)
    page = client.get(f"/contribution/s/{submission_id}").get_data(as_text=True)
    assert "AHMAD FAIZAL" in page and "SITI AMINAH" in page and "Showing 2 results" in page
    line = SubmissionLine.select().order_by(SubmissionLine.position).first()
    form = client.get(f"/contribution/s/{submission_id}/lines/{line.id}?edit=1&number=1",
                      headers={"HX-Request": "true"}).get_data(as_text=True)
    assert form.strip().startswith(f'<tr id="line-{line.id}">') and 'name="wages"' in form
    response = edit(client, submission_id, line.id, "2,000.00")
    row, totals = response.get_data(as_text=True).split("<template>")
    assert response.status_code == 200 and "HX-Trigger" not in response.headers  # no second request
    assert row.strip().startswith(f'<tr id="line-{line.id}">')
    assert "RM 2,000.00" in row and "RM 51.70" in row  # October 2024: SOCSO 34.15 + 9.75, EIS 3.90 + 3.90
    assert 'id="totals"' in totals and 'hx-swap-oob="innerHTML"' in totals  # the totals, out of band
    assert 'id="total-amount">RM 51.70<' in totals and 'id="total-employees">1<' in totals
    assert len(response.get_data()) < 2560
    alone = client.get(f"/contribution/s/{submission_id}/totals", headers={"HX-Request": "true"}).get_data(
        as_text=True)
    assert 'id="total-amount">RM 51.70<' in alone and "hx-swap-oob" not in alone


def test_totals_without_htmx_go_to_the_months_page(client):
    submission_id = open_month(client)
    response = client.get(f"/contribution/s/{submission_id}/totals")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/contribution/s/{submission_id}")


def test_the_items_per_page_links_say_which_is_showing(client):
    submission_id = open_month(client)
    for per, other in (("10", "50"), ("50", "10")):
        page = client.get(f"/contribution/s/{submission_id}?per={per}").get_data(as_text=True)
        assert re.search(rf'per={per}" aria-current="true">{per} ITEMS PER PAGE<', page)
        assert re.search(rf'per={other}">{other} ITEMS PER PAGE<', page)


@pytest.mark.parametrize(("wages", "message"), [("2000.001", "two decimal places"), ("abc", "ringgit"),
                                                ("-1", "negative")])
def test_bad_salaries_are_refused_at_the_field(client, wages, message):
    submission_id = open_month(client)
    line = SubmissionLine.get()
    response = edit(client, submission_id, line.id, wages)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert SubmissionLine.get_by_id(line.id).wages is None


def test_without_javascript_the_pencil_is_a_page(client):
    submission_id = open_month(client)
    line = SubmissionLine.select().order_by(SubmissionLine.position).first()
    month_page = f"/contribution/s/{submission_id}?page=1&per=50"
    page = client.get(f"/contribution/s/{submission_id}/lines/{line.id}?edit=1&number=1",
                      headers={"Referer": "http://localhost" + month_page})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count('<tr id="line-') == 1 and line.employment.person.name in html
    assert f'<form id="line-form-{line.id}" method="post"' in html and f'form="line-form-{line.id}"' in html
    assert f'name="back" value="{month_page.replace("&", "&amp;")}"' in html and 'id="totals"' in html
    wrong = edit(client, submission_id, line.id, "15OO", htmx=False)
    assert wrong.status_code == 422 and "ringgit" in wrong.get_data(as_text=True)
    assert "<html" in wrong.get_data(as_text=True)  # the whole page again, with the message at the field
    token = csrf_token(client, "/employer/dashboard")
    response = client.post(f"/contribution/s/{submission_id}/lines/{line.id}", data={
        "status": "active", "wages": "1500", "number": "1", "back": month_page, "csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == month_page
    assert SubmissionLine.get_by_id(line.id).wages == 150000
    elsewhere = client.post(f"/contribution/s/{submission_id}/lines/{line.id}", data={
        "status": "active", "wages": "1600", "back": "https://elsewhere.example/", "csrf_token": token})
    assert elsewhere.headers["Location"] == f"/contribution/s/{submission_id}"


def test_draft_survives_and_complete_submit_confirm_give_one_acr_and_one_ecr(client, app):
    submission_id = open_month(client)
    first, second = SubmissionLine.select().order_by(SubmissionLine.position)
    edit(client, submission_id, first.id, "2000")
    assert "SAVE DRAFT" in client.get(f"/contribution/s/{submission_id}").get_data(as_text=True)
    assert "Draft saved" in client.get(post(client, f"/contribution/s/{submission_id}/draft", {})
                                       .headers["Location"]).get_data(as_text=True)
    other_device = app.test_client()  # the same user on another device finds the draft
    login(other_device, "employer@example.com", PASSWORD)
    assert "RM 2,000.00" in other_device.get(f"/contribution/s/{submission_id}").get_data(as_text=True)
    refused = post(client, f"/contribution/s/{submission_id}/complete", {})
    assert "Enter the salary, or a status, for: " in client.get(refused.headers["Location"]).get_data(as_text=True)
    edit(client, submission_id, second.id, "", status="no_wages")
    done = post(client, f"/contribution/s/{submission_id}/complete", {})
    summary = client.get(done.headers["Location"]).get_data(as_text=True)
    assert 'id="summary-amount" data-label="Contribution Amount (RM)">RM 51.70<' in summary
    assert "Proceed for Submission?" in summary
    token = Submission.get_by_id(submission_id).confirm_token
    for _ in range(2):  # CONFIRM pressed twice
        confirmed = post(client, f"/contribution/s/{submission_id}/confirm", {"token": token})
        assert confirmed.headers["Location"].endswith("/acknowledgement")
    assert Acknowledgement.select().count() == 2
    page = client.get(confirmed.headers["Location"]).get_data(as_text=True)
    acr = Acknowledgement.get(Acknowledgement.kind == "ACR")
    ecr = Acknowledgement.get(Acknowledgement.kind == "ECR")
    assert acr.number in page and ecr.number in page and "PROCESS TO PAYMENT" in page
    assert (acr.amount, ecr.amount) == (4390, 780)
    both = client.get(f"/contribution/ack/{acr.number}+{ecr.number}.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(both.data)).pages)
    both.close()
    assert "ACKNOWLEDGEMENT CONTRIBUTION RECEIVED (ACR)" in text and "EMPLOYEE CONTRIBUTION RECEIVED (ECR)" in text
    assert "43.90" in text and "7.80" in text and "10/2024" in text and acr.number in text


def test_a_stale_confirm_token_is_refused(client):
    submission_id = open_month(client)
    for line in list(SubmissionLine.select()):
        edit(client, submission_id, line.id, "1000")
    post(client, f"/contribution/s/{submission_id}/complete", {})
    response = post(client, f"/contribution/s/{submission_id}/confirm", {"token": "forged"})
    assert "out of date" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert Acknowledgement.select().count() == 0


def confirmed_month(client, month="2024-10", scheme="combined"):
    submission_id = open_month(client, month, scheme=scheme)
    for line in list(SubmissionLine.select().where(SubmissionLine.submission == submission_id)):
        edit(client, submission_id, line.id, "3000")
    post(client, f"/contribution/s/{submission_id}/complete", {})
    post(client, f"/contribution/s/{submission_id}/confirm",
         {"token": Submission.get_by_id(submission_id).confirm_token})
    return submission_id


def test_cancel_an_unpaid_acr_and_the_month_is_pending_again(client):
    last_month = add_months(malaysia_today().replace(day=1), -1)
    submission_id = confirmed_month(client, last_month.strftime("%Y-%m"))
    shown = last_month.strftime("%m/%Y")
    assert shown not in client.get("/contribution/combined/").get_data(as_text=True)
    acr = Acknowledgement.get(Acknowledgement.kind == "ACR")
    page = client.get(f"/payment/cancel/{submission_id}").get_data(as_text=True)
    assert acr.number in page
    response = post(client, f"/payment/cancel/{submission_id}", {"which": acr.number})
    assert "Record&#34; has been successfully removed" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    assert Acknowledgement.get_by_id(acr.id).status == "cancelled"
    assert shown in client.get("/contribution/socso/").get_data(as_text=True)
    assert shown not in client.get("/contribution/eis/").get_data(as_text=True)
    Acknowledgement.update(status="paid").where(Acknowledgement.kind == "ECR").execute()
    refused = post(client, f"/payment/cancel/{submission_id}",
                   {"which": Acknowledgement.get(Acknowledgement.kind == "ECR").number})
    assert refused.status_code == 422 and "cannot be cancelled" in refused.get_data(as_text=True)


def test_future_months_are_refused(client):
    response = open_month(client, "2099-01")
    assert "in the future" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_history_lists_submissions_with_filters(client):
    confirmed_month(client, "2024-10", "socso")
    confirmed_month(client, "2024-11", "eis")
    everything = client.get("/contribution/history").get_data(as_text=True)
    assert everything.count("<tr>") == 3  # heading + ACR + ECR
    only_acr = client.get("/contribution/history?kind=ACR").get_data(as_text=True)
    assert "ACR" in only_acr and "ECR1" not in only_acr
    november = client.get("/contribution/history?month=2024-11").get_data(as_text=True)
    assert "11/2024" in november and "10/2024" not in november


def test_dashboard_shows_the_deadline_unpaid_totals_and_late_interest(client):
    confirmed_month(client, "2024-10", "socso")
    page = client.get("/employer/dashboard").get_data(as_text=True)
    assert "pay by " in page and 'id="unpaid-count">1<' in page
    acr = Acknowledgement.get()
    assert f'id="unpaid-amount">RM {acr.amount / 100:,.2f}<' in page
    assert acr.number in page and "Interest if paid today" in page and 'id="interest-total"' in page


def test_dashboard_counts_unpaid_fclb_notices_as_payment_does(client):
    confirmed_month(client, "2024-10", "socso")
    acr = Acknowledgement.get()
    paid_late = PaymentAttempt.create(order_no="AS000000000001", employer=acr.employer, user=User.get(),
                                      msg_token="01", amount=acr.amount, bank_id="TEST0021", email="a@b.test",
                                      status="succeeded", ar_fields="{}")
    Acknowledgement.update(status="paid").execute()
    FclbNotice.create(number="90000000010000001", employer=acr.employer, acknowledgement=acr, attempt=paid_late,
                      amount=1222, late_amount=acr.amount, paid_on=date(2025, 1, 10), days_late=26)
    page = client.get("/employer/dashboard").get_data(as_text=True)
    assert 'id="unpaid-count">1<' in page and 'id="unpaid-amount">RM 12.22<' in page
    assert "90000000010000001" in page and "10/2024" in page


def test_dashboard_shows_months_not_yet_submitted_with_their_deadline_and_days_late(client):
    last_month = add_months(malaysia_today().replace(day=1), -2)
    page = client.get("/employer/dashboard").get_data(as_text=True)
    assert 'id="unsubmitted"' in page and last_month.strftime("%m/%Y") in page and "days late" in page
    confirmed_month(client, last_month.strftime("%Y-%m"))
    after = client.get("/employer/dashboard").get_data(as_text=True)
    assert f'<td class="c-title">{last_month.strftime("%m/%Y")}</td>' not in after  # submitted now: not listed


def combined_file(employer_code, lines, month="102024"):
    """A combined (278-character) file: (id number, name, wages, socso er, socso ee, eis er, eis ee) in sen."""
    out = []
    for id_number, name, *amounts in lines:
        out.append(employer_code + " " * 20 + id_number.ljust(12) + name.ljust(150) + month + f"{amounts[0]:014d}"
                   + "".join(f"{a:06d}" for a in amounts[1:]) + "000000" + " " * 34)
    return ("\r\n".join(out) + "\r\n").encode()


def upload(client, data, scheme="combined"):
    return post(client, f"/contribution/{scheme}/textfile", {}, files={"file": (data, "SOCSO_EIS_102024.txt")})


def test_text_file_with_a_wrong_amount_is_refused_line_by_line_then_accepted(client):
    from webapp.models import Employer

    code = Employer.get().code
    wrong = combined_file(code, [("901225085344", "SITI AMINAH", 200000, 3415, 975, 390, 390),
                                 ("880101145671", "AHMAD FAIZAL", 200000, 3400, 975, 390, 390)])
    refused = upload(client, wrong)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Nothing was saved" in html
    assert re.search(r"<td[^>]*>2</td><td[^>]*>SOCSO employer share</td>", html)
    assert "RM 34.15 for wages of RM 2,000.00" in html
    assert Submission.select().count() == 0
    unknown = upload(client, combined_file(code, [("770101145671", "SOMEONE", 200000, 3415, 975, 390, 390)]))
    assert "Update Add New Employee" in unknown.get_data(as_text=True)
    right = combined_file(code, [("901225085344", "SITI AMINAH", 200000, 3415, 975, 390, 390),
                                 ("880101145671", "AHMAD FAIZAL", 200000, 3415, 975, 390, 390)])
    accepted = upload(client, right)
    assert accepted.status_code == 303
    preview = client.get(accepted.headers["Location"]).get_data(as_text=True)
    assert 'id="matched">2<' in preview and 'id="preview-amount">RM 103.40<' in preview
    submission = Submission.get()
    assert submission.medium == "TEXT" and submission.month.isoformat() == "2024-10-01"
    post(client, f"/contribution/s/{submission.id}/complete", {})
    token = Submission.get_by_id(submission.id).confirm_token
    post(client, f"/contribution/s/{submission.id}/confirm", {"token": token})
    assert Acknowledgement.select().where(Acknowledgement.medium == "TEXT").count() == 2
    exported = client.get(f"/contribution/s/{submission.id}/export/combined.txt")
    lines = sorted(exported.data.decode().split("\r\n"))
    exported.close()
    assert lines == sorted(right.decode().split("\r\n"))  # the download is the file that was uploaded
    socso_only = client.get(f"/contribution/s/{submission.id}/export/socso.txt")
    assert socso_only.data.decode().split("\r\n")[0][200:214] == "00000000004390"
    socso_only.close()


def test_socso_only_text_file_gives_the_shares_from_the_amounts(client):
    from webapp.models import Employer

    code = Employer.get().code
    line = code + " " * 20 + "901225085344" + "SITI AMINAH".ljust(150) + "102024" + "00000000004390" + " " * 9
    accepted = upload(client, (line + "\r\n").encode(), scheme="socso")
    assert accepted.status_code == 303
    row = SubmissionLine.select().where(SubmissionLine.socso_employer > 0).get()
    assert (row.socso_employer, row.socso_employee, row.wages) == (3415, 975, None)


def test_two_concurrent_confirm_requests_give_one_acr_and_one_ecr(app, client):
    import threading

    submission_id = open_month(client)
    for line in list(SubmissionLine.select()):
        edit(client, submission_id, line.id, "2500")
    post(client, f"/contribution/s/{submission_id}/complete", {})
    token = Submission.get_by_id(submission_id).confirm_token
    tabs = []
    for _ in range(2):  # two tabs (or a double tap on a slow link), each with its own CSRF token
        tab = app.test_client()
        login(tab, "employer@example.com", PASSWORD)
        tabs.append((tab, csrf_token(tab, "/employer/dashboard")))
    answers = []

    def press(tab, csrf):
        response = tab.post(f"/contribution/s/{submission_id}/confirm", data={"csrf_token": csrf, "token": token})
        answers.append((response.status_code, response.headers.get("Location", "")))

    threads = [threading.Thread(target=press, args=tab) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in answers] == [303, 303]
    assert all(location.endswith("/acknowledgement") for _, location in answers)
    assert sorted(a.kind for a in Acknowledgement.select()) == ["ACR", "ECR"]


def test_the_pencil_page_never_sends_you_to_another_site(client):
    submission_id = open_month(client)
    line = SubmissionLine.get()
    token = csrf_token(client, "/employer/dashboard")
    response = client.post(f"/contribution/s/{submission_id}/lines/{line.id}",
                           data={"csrf_token": token, "status": "active", "wages": "100",
                                 "back": "https://evil.example/phish"})
    assert response.headers["Location"] == f"/contribution/s/{submission_id}"
