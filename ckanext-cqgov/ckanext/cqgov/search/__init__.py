"""Search: Chinese text analysis and the PostgreSQL search backend."""
