"""The bench's report from made-up results: the ratios to the admin changelist, the
floor and the weekly review, flatness across sizes, constant query counts, how a missed
target shows, and a row whose scenario the backlog was too small for."""

import json

from bench.report import (
    ADMIN,
    API_LIST,
    BOARD,
    FLOOR,
    HORIZON,
    REVIEW,
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
    return row_of(BOARD, results, targets)


def row_of(endpoint: str, results, targets) -> str:
    (row,) = (line for line in table(results, targets).splitlines() if line.startswith(endpoint))
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


def horizon_run(*sizes: tuple[int, float, bool]) -> list[Result]:
    """The yardsticks, a 100 ms review and the horizon at each (size, median ms, whether
    the backlog was too small for its scenario)."""
    rows = []
    for size, horizon_ms, _ in sizes:
        rows += [
            (FLOOR, size, 10.0, 2),
            (ADMIN, size, 40.0, 6),
            (REVIEW, size, 100.0, 30),
            (HORIZON, size, horizon_ms, 12),
        ]
    results = run(*rows)
    short = {size for size, _, too_small in sizes if too_small}
    for result in results:
        result.short = result.endpoint == HORIZON and result.size in short
    return results


def test_the_horizon_is_held_to_twice_the_weekly_reviews_median():
    within, over = horizon_run((100_000, 190.0, False)), horizon_run((100_000, 250.0, False))

    assert target(check_targets(within), HORIZON, "x review").passed is True
    assert "1.90 ✓" in row_of(HORIZON, within, check_targets(within))
    missed = target(check_targets(over), HORIZON, "x review")
    assert missed.passed is False
    assert missed.name == "horizon 50x12 median ≤ 2 x weekly review median at 100,000"
    assert missed.detail == "2.50 x vs limit 2 x"
    assert "2.50 ✗" in row_of(HORIZON, over, check_targets(over))
    # The review itself is not held to its own median.
    assert not [t for t in check_targets(over) if t.endpoint == REVIEW and t.kind == "x review"]


def test_the_json_gives_each_row_its_median_over_the_reviews(tmp_path):
    results = horizon_run((100_000, 190.0, False))
    assert "x review" in table(results, check_targets(results)).splitlines()[1]
    path = tmp_path / "bench.json"
    write_json(path, results=results, targets=check_targets(results), options={})

    document = json.loads(path.read_text())
    rows = {r["endpoint"]: r for r in document["results"]}
    assert (rows[HORIZON]["median_x_review"], rows[HORIZON]["short"]) == (1.9, False)
    assert rows[ADMIN]["median_x_review"] == 0.4
    summary = next(s for s in document["summary"] if s["endpoint"] == HORIZON)
    assert (summary["median_x_review"], summary["short_at"]) == (1.9, [])
    judged = [t for t in document["targets"] if t["endpoint"] == HORIZON]
    assert {t["kind"] for t in judged} == {"x review"}


def test_a_size_too_small_for_the_scenario_is_left_out_of_the_flatness():
    # At 1,000 tasks the backlog had too few tasks to plan: 5 x faster, and no finding.
    results = horizon_run((1_000, 40.0, True), (10_000, 190.0, False), (100_000, 200.0, False))
    targets = check_targets(results)

    summary = next(s for s in summarize(results) if s.endpoint == HORIZON)
    assert (summary.smallest, summary.short_at, summary.flatness) == (10_000, [1_000], 1.05)
    flat = target(targets, HORIZON, "flat")
    assert flat.name == "horizon 50x12 median at 100,000 ≤ 1.3 x median at 10,000"
    assert flat.passed is True
    # A query count does not depend on the data's size: every size counts.
    queries = target(targets, HORIZON, "queries")
    assert queries.detail == "12 at 1,000, 12 at 10,000, 12 at 100,000"
    assert target(targets, HORIZON, "x review").passed is True


def test_a_run_too_small_for_the_scenario_judges_only_its_queries():
    results = horizon_run((1_000, 400.0, True), (5_000, 900.0, True))
    results[-1].note = "580 tasks planned, not 2,000"
    targets = check_targets(results)

    assert target(targets, HORIZON, "x review").passed is None
    assert target(targets, HORIZON, "x review").detail == (
        "not judged: the backlog at 5,000 tasks was too small for its scenario"
    )
    assert target(targets, HORIZON, "flat").passed is None
    assert target(targets, HORIZON, "flat").detail == (
        "not judged: the backlog at 1,000 and 5,000 tasks was too small for its scenario"
    )
    assert target(targets, HORIZON, "queries").passed is True
    row = row_of(HORIZON, results, targets)
    assert "9.00  " in row and "✗" not in row
    assert "  at 5,000: 580 tasks planned, not 2,000" in table(results, targets)
