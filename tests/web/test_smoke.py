from tests.conftest import PASSWORD
from tests.support import login


def test_demo_login_reaches_dashboard(client, employer):
    response = login(client, employer.email, PASSWORD)
    assert response.status_code == 303
    assert response.headers["Location"] == "/employer/dashboard"
    page = client.get("/employer/dashboard")
    assert page.status_code == 200
    assert "Test Employer" in page.get_data(as_text=True)
