"""The HR office's data about each person (base, days, part-time, conventions, multipliers, exclusions).

It lives beside the plan (its `hr` key) or in a CSV/xlsx file given to
`collect --hr`; it is never written into a workbook sent out.
"""
