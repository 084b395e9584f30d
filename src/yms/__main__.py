"""`python -m yms` runs the `yms` command."""

from yms.cli.app import main

main()
