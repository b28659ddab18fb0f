"""Event-schema compatibility (practice 3.2, 7.4): each format checked by its own real library."""
