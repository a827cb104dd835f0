"""Bands: their checks (`checks`), the interval arithmetic of their edges (`intervals`), and the totals a card
can reach after rounding (`reachable`), against which gaps and ranges are judged."""
