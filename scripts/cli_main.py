"""`python -m scripts.cli_main` runs the CLI without the installed entry point (used by tests and CI)."""

from scripts.cli import main

if __name__ == "__main__":
    main()
