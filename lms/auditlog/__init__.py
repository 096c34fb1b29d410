"""The tamper-evident audit log every feature writes to: model, hash chain, record, verify."""
