"""`hybrid diff` and `hybrid drift`: what a change does to an environment, and where reality differs from intent."""
