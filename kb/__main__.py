"""`python -m kb` is the `kb` command."""

from kb.cli.main import main

main()
