"""Generated demo catalog for the development/demo portal (synthetic data only)."""
