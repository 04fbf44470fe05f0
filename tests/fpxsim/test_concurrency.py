"""Many buyers at once: the exchange hands out distinct transaction ids, accepts a sellerExOrderNo once only,
and delivers every direct AC (its state is shared by waitress's threads and the sender's)."""

from concurrent.futures import ThreadPoolExecutor


def test_concurrent_payments_get_distinct_ids_and_all_their_acs(sim):
    sim.sim.scenario(rules=[{"auto": True}])
    ars = [sim.ar(bank="TEST0021") for _ in range(24)]
    with ThreadPoolExecutor(8) as pool:
        pages = list(pool.map(sim.send_ar, ars))
    assert all(page.status == 200 and page.url.endswith("/done") for page in pages)
    ids = {sim.merchant.wait_for("direct", ar["fpx_sellerExOrderNo"])[0]["fpx_fpxTxnId"] for ar in ars}
    assert len(ids) == 24


def test_the_same_exchange_order_number_at_once_is_accepted_once(sim):
    ar = sim.ar(bank="TEST0023")
    with ThreadPoolExecutor(6) as pool:
        statuses = sorted(page.status for page in pool.map(sim.send_ar, [ar] * 6))
    assert statuses == [200, 400, 400, 400, 400, 400]
    codes = [m["code"] for m in sim.sim.log_messages(seller_ex_order_no=ar["fpx_sellerExOrderNo"], kind="AR")]
    assert sorted(codes, key=str) == [None, "XN", "XN", "XN", "XN", "XN"]
