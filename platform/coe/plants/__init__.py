"""Plant instances: the versioned HTTP contract, the platform's client, the reference agent."""
