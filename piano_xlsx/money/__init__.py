"""From scores to euros: payout modes, pro-rata factors, population rules and money rounding.

Pure computation: plain inputs (`compute.Person`, the plan's `Payout` and
`Fund`) in, amounts and their Italian explanation out. Every intermediate value
is an exact `Fraction`; an amount is a `Decimal` rounded once, at the end, by
the payout's stated rule. Nothing here is a float.
"""
