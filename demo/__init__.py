"""The demo team: people, requests, RACI, planned weeks and a recorded review, so a fresh
checkout has something true on every page. It fills every app, so it sits above them all."""
