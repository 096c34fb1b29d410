"""Training certificates: issued on completion, verifiable by anyone, revocable by HR."""
