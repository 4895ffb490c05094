"""The benchmark harness: timings and query counts of mopsboard's pages at 1k/10k/100k tasks.

Run it with `make bench` (or `.venv/bin/python -m bench --help`); see bench/README.md.
"""
