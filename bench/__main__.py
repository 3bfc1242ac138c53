"""Run every benchmark (`python -m bench`)."""

import sys

print("no benchmarks yet: the foundation issue sets no performance target")
sys.exit(0)
