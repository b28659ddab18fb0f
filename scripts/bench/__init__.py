"""`python -m scripts.bench`: how fast and how lean the offline planner is, against the SDK's stock mocks."""
