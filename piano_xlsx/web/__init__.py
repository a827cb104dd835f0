"""`piano-xlsx serve`: the whole job in a local browser page, over the same library functions as the CLI."""
