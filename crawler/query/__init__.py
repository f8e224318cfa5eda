"""Reading the store: search, the status report and the Datasette plugin."""
