"""Storage adapter: SQLModel tables, Alembic migrations and the transactional store."""
