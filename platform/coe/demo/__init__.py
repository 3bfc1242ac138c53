"""The demo enterprise `coe up` runs: its data (`sites`), its people and their dev tokens
(`identities`), seeding it through the services (`seed`), the demo rollouts through the
API (`rollouts`), and the demo plants' production: the simulation (`production`), what the
reference agent runs it with (`producer`) and where its made-up past ends (`history`).
Nothing of the platform imports this package; only the command line (`coe up`,
`coe demo-rollouts`, `coe plant-agent --produce`) does."""
