"""Plant instances, the platform side: the versioned HTTP contract, the platform's client, the
site credentials. The reference agent that implements the contract is `coe.agent`."""
