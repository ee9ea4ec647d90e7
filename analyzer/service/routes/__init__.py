"""The endpoints, one module per group; each builds on `service.errors` and `service.deps` only."""
