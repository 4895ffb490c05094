"""The bench's report from made-up results: the ratios to the admin changelist and the
floor, flatness across sizes, constant query counts, and how a missed target shows."""

import json

from bench.report import (
    ADMIN,
    API_LIST,
    BOARD,
    FLOOR,
    SCORING,
    Result,
    add_ratios,
    check_targets,
    summarize,
    table,
    targets_table,
    write_json,
)


def run(*rows: tuple[str, int, float, int]) -> list[Result]:
    """Results of (endpoint, size, median ms, queries); the p95 is the median plus half."""
    results = [
        Result(endpoint, size, median_ms=median, p95_ms=median * 1.5, samples=200, queries=queries)
        for endpoint, size, median, queries in rows
    ]
    add_ratios(results)
    return results


def both_sizes(board_large_ms: float, *, board_large_queries: int = 12) -> list[Result]:
    return run(
        (FLOOR, 1_000, 10.0, 2),
        (ADMIN, 1_000, 40.0, 6),
        (BOARD, 1_000, 20.0, 12),
        (FLOOR, 100_000, 12.0, 2),
        (ADMIN, 100_000, 60.0, 6),
        (BOARD, 100_000, board_large_ms, board_large_queries),
    )


def target(targets, endpoint: str, kind: str):
    (found,) = (t for t in targets if t.endpoint == endpoint and t.kind == kind)
    return found


def board_row(results, targets) -> str:
    (row,) = (line for line in table(results, targets).splitlines() if line.startswith("board"))
    return row


def test_ratios_are_to_the_admin_changelist_and_the_floor_at_the_same_size():
    results = both_sizes(24.0)
    board = {r.size: r for r in results if r.endpoint == BOARD}
    assert (board[1_000].median_x_admin, board[1_000].median_x_floor) == (0.5, 2.0)
    assert (board[100_000].median_x_admin, board[100_000].median_x_floor) == (0.4, 2.0)
    assert board[100_000].p95_x_floor == 2.0

    summary = next(s for s in summarize(results) if s.endpoint == BOARD)
    assert (summary.largest, summary.median_x_admin, summary.median_x_floor) == (100_000, 0.4, 2)
    targets = check_targets(results)
    assert target(targets, BOARD, "x admin").passed is True
    assert target(targets, BOARD, "x floor").passed is True
    assert "0.40 ✓" in board_row(results, targets)
    assert "2.00 ✓" in board_row(results, targets)


def test_flatness_is_the_largest_sizes_median_over_the_smallest():
    flat, grown = both_sizes(25.0), both_sizes(30.0)
    assert next(s for s in summarize(flat) if s.endpoint == BOARD).flatness == 1.25
    assert next(s for s in summarize(grown) if s.endpoint == BOARD).flatness == 1.5
    assert target(check_targets(flat), BOARD, "flat").passed is True
    assert target(check_targets(grown), BOARD, "flat").passed is False


def test_a_missed_target_is_marked_failing_in_the_table_and_the_targets():
    # 100 ms at 100,000 tasks: 5 x its median at 1,000, 8.33 x the floor's.
    results = both_sizes(100.0)
    targets = check_targets(results)

    row = board_row(results, targets)
    assert "20.0 (30.0)" in row and "100.0 (150.0)" in row
    assert "8.33 ✗" in row
    assert "5.00 ✗" in row
    listed = targets_table(targets).splitlines()
    assert "FAIL  board median at 100,000 ≤ 1.3 x median at 1,000: 5.00 x vs limit 1.3 x" in listed
    assert "PASS  board queries the same at every size: 12 at 1,000, 12 at 100,000" in listed


def test_query_counts_must_stay_the_same_at_every_size():
    same, more = both_sizes(22.0), both_sizes(22.0, board_large_queries=13)
    assert target(check_targets(same), BOARD, "queries").passed is True
    queries = target(check_targets(more), BOARD, "queries")
    assert queries.passed is False
    assert queries.detail == "12 at 1,000, 13 at 100,000"
    assert board_row(more, check_targets(more)).endswith("12/13 ✗")


def test_a_failed_row_and_the_yardsticks_are_not_judged():
    results = both_sizes(22.0)
    results.append(Result(SCORING, 100_000, error="HTTP 500"))
    targets = check_targets(results)

    assert target(targets, SCORING, "x floor").passed is None
    assert not [t for t in targets if t.endpoint in (FLOOR, ADMIN)]
    assert "  at 100,000: error: HTTP 500" in table(results, targets)


def test_one_size_gives_the_ratios_but_no_flatness():
    results = run((FLOOR, 1_000, 10.0, 2), (ADMIN, 1_000, 40.0, 6), (API_LIST, 1_000, 15.0, 4))
    targets = check_targets(results)

    assert {t.kind for t in targets if t.endpoint == API_LIST} == {"x admin", "x floor"}
    assert target(targets, API_LIST, "x floor").passed is True
    assert next(s for s in summarize(results) if s.endpoint == API_LIST).flatness is None


def test_the_json_keeps_its_fields_and_adds_the_summary(tmp_path):
    results = both_sizes(22.0)
    path = tmp_path / "bench.json"
    write_json(path, results=results, targets=check_targets(results), options={})

    document = json.loads(path.read_text())
    board = next(r for r in document["results"] if (r["endpoint"], r["size"]) == (BOARD, 1_000))
    assert {"median_ms", "p95_ms", "queries", "median_x_floor", "p95_x_floor"} <= board.keys()
    assert board["median_x_admin"] == 0.5
    assert {"name", "passed", "detail", "goal"} <= document["targets"][0].keys()
    summary = next(s for s in document["summary"] if s["endpoint"] == BOARD)
    assert summary["flatness"] == 1.1
    assert summary["queries"] == {"1000": 12, "100000": 12}
