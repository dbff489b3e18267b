"""Flows between actors: money (funding, costs, the ledger) and services (demand, capacity, uptake)."""
