"""`make bench`: the foundation's figures, each beside its budget or a baseline measured in the same run.

Budgets are printed, not asserted: the suite stays free of timing asserts (DEVELOPERS.md).
"""

import tempfile

from tests.bench import contributions_bench, employees_page, login_page, mixed_load, pages, row, rules, throughput
from tests.support import LiveServer, free_port


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        server = LiveServer(workdir, smtp_port=free_port(), extra_env={"MAIL_WORKER": "0"}).start()
        try:
            login_url = f"{server.url}/employer/login"
            page = login_page.measure(login_url)
            portal_rps = (throughput.wrk(login_url), throughput.wrk(login_url))[1]  # first run warms up
            login_share_rps, logged_in = pages.measure(server.url)
        finally:
            server.stop()
    hello_rps = throughput.hello_baseline()
    print("\nASSIST benchmarks\n")
    row("Login page, cold cache: bytes on the wire", f"{page['bytes'] / 1024:.1f} KB", "budget 30 KB",
        page["bytes"] <= 30 * 1024)
    row("Login page, cold cache: requests", str(page["requests"]), "budget 5", page["requests"] <= 5)
    row("Login page, slow 3G phone: email field usable after", f"{page['slow_3g_seconds']:.2f} s", "budget 2 s",
        page["slow_3g_seconds"] <= 2)
    row("GET /employer/login under waitress", f"{portal_rps:,.0f} req/s", "")
    row("Bare Flask 'hello' under waitress (baseline)", f"{hello_rps:,.0f} req/s", "")
    row("Ratio login page / hello", f"{portal_rps / hello_rps:.2f}", "")
    row("Login page while the logged-in pages were measured", f"{login_share_rps:,.0f} req/s", "(median, same run)")
    for name, rate, share in logged_in:
        row(f"  {name}", f"{rate:,.0f} req/s", f"{share:.2f} of login, budget 0.50", share >= 0.5)
    rates_rate, arithmetic_rate = rules.shares_per_second()
    row("core.rates.socso: shares per second (100,000 triples)", f"{rates_rate:,.0f}/s", "budget 100,000/s",
        rates_rate >= 100_000)
    row("  baseline: wages x 2.25% in Decimal", f"{arithmetic_rate:,.0f}/s", "")
    parse_seconds, slice_seconds = rules.parse_and_check(rules.combined_file())
    row("Parse + check a 10,000-line combined text file", f"{parse_seconds:.3f} s", "budget 0.5 s",
        parse_seconds <= 0.5)
    row("  baseline: slicing the same lines into fields", f"{slice_seconds:.3f} s", "")
    listing = employees_page.measure()
    row("Employees page, 20,000 employees: server time p95", f"{listing['page_ms']:.1f} ms", "budget 50 ms",
        listing["page_ms"] <= 50)
    row("  search by name (htmx): p95", f"{listing['search_ms']:.1f} ms", "budget 50 ms", listing["search_ms"] <= 50)
    row("  search by identification number (htmx): p95", f"{listing['number_ms']:.1f} ms", "budget 50 ms",
        listing["number_ms"] <= 50)
    row("  page HTML, compressed (brotli)", f"{listing['compressed_bytes'] / 1024:.1f} KB", "budget 30 KB",
        listing["compressed_bytes"] <= 30 * 1024)
    edit_ms, edit_bytes = contributions_bench.inline_edit()
    row("Inline salary edit, 500 employees: server time p95", f"{edit_ms:.1f} ms", "budget 30 ms", edit_ms <= 30)
    row("  its response", f"{edit_bytes} B", "budget 2 KB", edit_bytes <= 2048)
    seconds = contributions_bench.complete_to_confirm()
    row("COMPLETE to CONFIRM, 5,000 employees", f"{seconds:.2f} s", "budget 3 s", seconds <= 3)
    seconds = contributions_bench.text_file_to_preview()
    row("10,000-line text file, upload to preview", f"{seconds:.2f} s", "budget 2 s", seconds <= 2)
    excel_seconds, csv_seconds = contributions_bench.spreadsheet_to_preview()
    row("5,000-row salary spreadsheet (Excel), upload to preview", f"{excel_seconds:.2f} s", "budget 2 s",
        excel_seconds <= 2)
    row("  the same as CSV", f"{csv_seconds:.2f} s", "budget 2 s", csv_seconds <= 2)
    print("\nMixed load (waitress defaults, SQLite, production argon2; load generator on the same cores)\n")
    mixed_load.report(mixed_load.measure())
    print()


if __name__ == "__main__":
    main()
