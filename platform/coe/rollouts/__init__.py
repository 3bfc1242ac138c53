"""Rollouts: template versions to plant instances in waves, run as Temporal workflows."""
