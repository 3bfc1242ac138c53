"""The reference plant agent: a real HTTP server implementing the plant contract v1
(`coe.plants.contract`). What the demo and the tests deploy to, and what a plant's integration
team copies to write their MES adapter: `store` keeps a site's state on disk, `app` serves the
contract. The demo's production simulator plugs in from outside (`coe.demo.producer`)."""
