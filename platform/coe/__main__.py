"""`python -m coe` is the `coe` command."""

from coe.cli import main

main()
