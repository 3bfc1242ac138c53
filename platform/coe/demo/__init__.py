"""The demo enterprise `coe up` runs: its data (`sites`), its people and their dev tokens
(`identities`), seeding it through the services (`seed`), and the demo rollouts through the
API (`rollouts`). Nothing of the platform imports this package; only `coe up` and the
`coe demo-rollouts` command do."""
