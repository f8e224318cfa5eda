"""The articles of each demo site, one module per site; press.py holds the shared press release."""
