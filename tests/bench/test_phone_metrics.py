"""The rural-phone benchmark's numbers, without a browser: throttling, counting, verdicts."""

import pytest

from bench.phone_metrics import (
    NetworkLog,
    PageResult,
    floor_line,
    network_conditions,
    row,
    verdicts,
)


def test_the_rural_network_is_1_6_mbit_down_0_75_up_with_150_ms_round_trip_in_bytes_per_s():
    assert network_conditions() == {
        "offline": False,
        "latency": 150,
        "downloadThroughput": 200_000.0,
        "uploadThroughput": 93_750.0,
    }


def _request(request_id, url, timestamp, kind="Fetch"):
    return {"requestId": request_id, "request": {"url": url}, "timestamp": timestamp, "type": kind}


def _finished(request_id, timestamp, size):
    return {"requestId": request_id, "timestamp": timestamp, "encodedDataLength": size}


@pytest.fixture
def loaded() -> NetworkLog:
    log = NetworkLog()
    log.on_request(_request("1", "http://127.0.0.1/map/", 10.0, kind="Document"))
    log.on_request(_request("2", "http://127.0.0.1/static/site.css", 10.3))
    log.on_request(_request("3", "data:image/png;base64,AAAA", 10.4))
    log.on_request(_request("4", "http://127.0.0.1/tiles/1/2/3.pbf", 10.5))
    log.on_finished(_finished("1", 10.2, 7_000))
    log.on_finished(_finished("2", 10.6, 3_000))
    log.on_finished(_finished("3", 10.45, 99))
    log.on_finished({"requestId": "4", "timestamp": 12.25})  # failed: no bytes
    return log


def test_bytes_and_requests_leave_out_data_urls_and_count_a_failed_request_as_zero(loaded):
    assert loaded.requests() == 3
    assert loaded.bytes() == 10_000


def test_time_to_quiet_runs_from_the_document_request_to_the_last_end(loaded):
    assert loaded.seconds_to_quiet() == pytest.approx(2.25)


def test_busy_time_is_the_union_of_the_requests_in_flight(loaded):
    # 10.0-10.2, 10.3-10.6 and 10.5-12.25 (failed late): 0.2 + 1.95 s
    assert loaded.busy_seconds() == pytest.approx(2.15)


def test_a_reset_log_measures_the_reload_alone_and_a_copy_keeps_the_cold_load(loaded):
    cold = loaded.copy()
    loaded.reset()
    loaded.on_request(_request("9", "http://127.0.0.1/map/", 20.0, kind="Document"))
    loaded.on_finished(_finished("9", 20.1, 300))
    assert (loaded.requests(), loaded.bytes()) == (1, 300)
    assert (cold.requests(), cold.bytes()) == (3, 10_000)


def _result(usable_s, cold, warm) -> PageResult:
    return PageResult("coverage", usable_s, "network idle", cold, 15, warm, 15, 5_900, 0.19)


def test_targets_are_strictly_under_3_s_1_mb_cold_and_100_kb_warm():
    assert verdicts(_result(2.99, 999_999, 99_999)) == {"time": True, "cold": True, "warm": True}
    assert verdicts(_result(3.0, 1_000_000, 100_000)) == {
        "time": False,
        "cold": False,
        "warm": False,
    }


def test_the_floor_line_has_no_verdict_and_gives_each_page_its_time_above_the_floor():
    floor = _result(2.54, 329_900, 329_900)
    line = floor_line(floor, [_result(3.87, 376_100, 9_500), _result(3.68, 384_600, 0)])
    assert line.startswith("floor") and "2.54 s" in line and "329.9" in line
    assert "✓" not in line and "✗" not in line
    assert line.endswith("above it: coverage +1.33 s, coverage +1.14 s")


def test_a_row_marks_each_target_and_gives_the_ratio_to_the_html_alone():
    line = row(_result(3.74, 560_300, 476_900))
    assert line.startswith("coverage")
    assert "3.74 s✗" in line and "560.3 ✓" in line and "476.9 ✗" in line
    assert "95.0x" in line
