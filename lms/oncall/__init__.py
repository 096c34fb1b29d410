"""On-call coverage by senior licensed clinicians: service hours, blocks, gaps."""
