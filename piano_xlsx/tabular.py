"""DataFrames with declared columns: each frame states its columns and dtypes once, and is built from that.

The frames of the plan, of `collect` and of `audit` (plan/frames.py, collect/frames.py, audit/frames.py; all
re-exported by piano_xlsx.frames) are built here, so every one has the same conventions:

* text is pandas' ``string`` dtype, numbers are the nullable ``Float64`` and ``Int64``, and a missing value is
  ``pd.NA`` (``NaT`` for a time), whatever the pandas version's own default for text;
* a column whose values are a closed set (a status, a severity, a code) is ``category``, with every value of the
  set as a category in a stated order, so counts list the values that no row has as well;
* money is ``object`` holding `decimal.Decimal`, never a binary float: a sum is exact to the cent;
* a value that a returned cell holds as it is (a score, a cached value: a number, a text or a truth value) is
  ``object``, unchanged.

docs/analisi.md lists every column with its dtype; a test checks that the page and these declarations agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from piano_xlsx.findings import CATALOGUE, Finding

if TYPE_CHECKING:
    import pandas as pd

TEXT, FLOAT, INT, BOOL, OBJECT, MONEY, CATEGORY, TIME = (
    "string", "Float64", "Int64", "boolean", "object", "decimal", "category", "datetime64[ns, UTC]")


@dataclass(frozen=True)
class Column:
    """One column of a frame: its name, its kind (one of the constants above) and, for a category, its values."""

    name: str
    kind: str
    categories: tuple[str, ...] | None = None  # None for a category whose values the data decides (the bands)
    ordered: bool = False

    @property
    def dtype(self) -> str:
        """The dtype as pandas names it (``object`` for money)."""
        return OBJECT if self.kind == MONEY else self.kind


def frame(columns: Sequence[Column], rows: Iterable[Mapping[str, Any]],
          categories: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """Rows that name every column (None where a value is missing) as a DataFrame with the declared dtypes.

    Args:
        columns: the frame's columns, in order.
        rows: one mapping per row, with exactly the columns' names as keys.
        categories: the values of the category columns declared without them (e.g. the plan's bands).

    Raises:
        ValueError: a row with other keys, or a category value outside its declared set (a programming error:
            a category never turns an unknown value into a missing one).
    """
    import pandas as pd

    names = [c.name for c in columns]
    values: dict[str, list[Any]] = {name: [] for name in names}
    for row in rows:
        if list(row) != names:
            raise ValueError(f"row keys {list(row)} are not the columns {names}")
        for name in names:
            values[name].append(row[name])
    data = {c.name: _series(c, values[c.name], (categories or {}).get(c.name)) for c in columns}
    return pd.DataFrame(data, columns=names)


def _series(column: Column, values: list[Any], categories: Sequence[str] | None) -> pd.Series:
    import pandas as pd

    if column.kind == CATEGORY:
        allowed = list(column.categories if column.categories is not None else categories or [])
        unknown = {v for v in values if v is not None} - set(allowed)
        if unknown:
            raise ValueError(f"{column.name}: {sorted(map(str, unknown))} not among its categories {allowed}")
        return pd.Series(pd.Categorical(values, categories=allowed, ordered=column.ordered), name=column.name)
    if column.kind == TIME:
        return pd.Series(pd.to_datetime(pd.Series(values, dtype="Float64"), unit="s", utc=True),
                         dtype=TIME, name=column.name)
    if column.kind in (OBJECT, MONEY):
        return pd.Series(values, dtype=object, name=column.name)
    return pd.Series(pd.array(values, dtype=cast(Any, column.kind)), name=column.name)


def to_rows(data: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as plain dictionaries of Python values, None for every missing one (for writers of rows)."""
    import pandas as pd
    from pandas.api.types import is_datetime64_any_dtype

    plain = data.astype(object).where(data.notna(), None)  # nullable numbers become Python ints and floats
    for name in data.columns:
        if is_datetime64_any_dtype(data[name]):
            plain[name] = pd.Series([None if v is None else v.to_pydatetime() for v in plain[name]], dtype=object,
                                    index=plain.index)
    return cast(list[dict[str, Any]], plain.to_dict("records"))


def exact(value: float | int | None) -> Decimal | None:
    """A number of the plan (an amount, a percentage) as the exact decimal it was written as: 0.1 is 0.1."""
    return None if value is None else Decimal(repr(value) if isinstance(value, float) else value)


def money(value: Decimal | None) -> Decimal | None:
    """An amount as reports, tables and JSON give it: at the cent where it is a whole number of cents, else exact,
    without trailing zeros (money.numbers.amount gives a Fraction the same way)."""
    if value is None:
        return None
    cents = value.quantize(Decimal("0.01"))
    return cents if cents == value else value.normalize()


# ---------------------------------------------------------------- findings: the same for the plan, collect, audit

SEVERITIES = ("info", "warning", "error")  # ordered: findings[findings.severity >= "warning"]

FINDING_COLUMNS = (
    Column("code", CATEGORY, tuple(CATALOGUE)),
    Column("severity", CATEGORY, SEVERITIES, ordered=True),
    Column("message", TEXT),
    Column("hint", TEXT),
    Column("file", TEXT),
    Column("sheet", TEXT),
    Column("cell", TEXT),
    Column("where", TEXT),
    Column("line", INT),
)


def findings_table(findings: Iterable[Finding]) -> pd.DataFrame:
    """One row per finding, in the order given (the reports' order: errors first)."""
    return frame(FINDING_COLUMNS, ({"code": f.code, "severity": f.severity.value, "message": f.message,
                                    "hint": f.hint, "file": f.file, "sheet": f.sheet, "cell": f.cell,
                                    "where": f.where, "line": f.line} for f in findings))
