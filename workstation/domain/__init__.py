"""Pure rules of the trade: no Qt, no SQLAlchemy (see spec/architecture.md)."""
