"""NPI tech transfers: move a proven process from one site to another."""
