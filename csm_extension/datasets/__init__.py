"""Public data sets converted into ERPNext-shaped CSV exports, for demos and tests."""
