"""The public contribution calculator: plain GET form and htmx partial, both languages."""

import pytest


def result_of(client, **params):
    query = {"month": "2024-10", "age": "30", "nationality": "local", **params}
    return client.get("/calculator", query_string=query)


def test_the_home_page_links_to_the_calculator(client):
    assert 'href="/calculator"' in client.get("/").get_data(as_text=True)


def test_empty_calculator_asks_for_the_wages(client):
    response = client.get("/calculator")
    assert response.status_code == 200 and "Enter the wages" in response.get_data(as_text=True)


def test_rm2000_in_october_2024(client):
    html = result_of(client, wages="2,000.00").get_data(as_text=True)
    assert "RM 34.15" in html and "RM 9.75" in html and "RM 3.90" in html
    assert 'id="total">RM 51.70<' in html


@pytest.mark.parametrize(("params", "employer", "employee"), [
    ({"age": "64"}, "RM 24.40", "RM 0.00"),  # Second Category, no EIS
    ({"nationality": "foreign"}, "RM 34.15", "RM 9.75"),  # from July 2024: First Category, no EIS
    ({"nationality": "foreign", "month": "2024-06"}, "RM 24.40", "RM 0.00"),
    ({"age": "58", "first_insured_late": "y"}, "RM 28.30", "RM 3.90"),  # first insured at 55: cat 2, still EIS
    ({"month": "2026-11"}, "RM 38.05", "RM 28.30"),  # SKBBK 14.65 on top
])
def test_kinds_of_employee(client, params, employer, employee):
    html = result_of(client, wages="2000", **params).get_data(as_text=True)
    assert f'id="total-employer">{employer}<' in html and f'id="total-employee">{employee}<' in html


def test_htmx_gets_only_the_result(client):
    response = client.get("/calculator", query_string={"wages": "2000", "month": "2024-10", "age": "30",
                                                      "nationality": "local"}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert html.strip().startswith('<section id="result"') and "<html" not in html


@pytest.mark.parametrize(("params", "message"), [
    ({"wages": "2000.001"}, "two decimal places"), ({"wages": "-5"}, "negative"), ({"wages": "abc"}, "ringgit"),
    ({"wages": "2000", "month": "2024-13"}, "Choose a month"), ({"wages": "2000", "month": "2010-01"}, "schedule"),
    ({"wages": "2000", "age": "7"}, "age from 14"),
])
def test_bad_input_is_explained(client, params, message):
    response = result_of(client, **params)
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_calculator_in_malay(client):
    client.get("/language/ms")
    html = result_of(client, wages="2000").get_data(as_text=True)
    assert "Kalkulator caruman" in html and "Majikan" in html and "RM 34.15" in html
