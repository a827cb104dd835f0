"""Commands with more than a few lines of CLI plumbing live here, one module each; cli.py registers them."""
