"""Formulas compared by meaning (piano_xlsx.verify.formulas): what applications rewrite is equal, a real change not."""

from __future__ import annotations

import pytest

from piano_xlsx.verify.formulas import kept_as_error, meaning, same_formula, saved_as_error
from piano_xlsx.workbook.manifest import normalise_formula

# (issued as written by the generator, found as an application saved it)
EQUAL = [
    ("='Ragioneria'!G16", "=Ragioneria!G16"),  # quotes a sheet name does not need (LibreOffice, Excel)
    ("='Ragioneria'!G16", "=RAGIONERIA!G16"),  # sheet names in any case
    ("='Polizia d''ambito'!G22", "='POLIZIA D''AMBITO'!$G$22"),  # an escaped apostrophe, $ anchors
    ("='Attività produttive'!G22", "='attività produttive'!G22"),
    ("=SUM(E23:E23)", "=SUM(E23)"),  # a one-cell range (Gnumeric)
    ("=IF(G24<=0.04,1,0)", "=IF(G24<=0.0399999999999999999992,1,0)"),  # the same double (Gnumeric)
    ("=IF(G24<=100,1,0)", "=IF(G24<=1E+2,1,0)"),
    ("=STDEV(A1:A9)", "=_xlfn.STDEV(a1:a9)"),  # function names in any case, with the _xlfn. prefix
    ("=ROUND(A1,0)", "=_xlws.round( A1 , 0 )"),  # whitespace, the _xlws. prefix
]
DIFFERENT = [
    ("='Ragioneria'!G16", "=Ragioneria!G17"),  # another cell
    ("='Ragioneria'!G16", "=Tributi!G16"),  # another sheet
    ("=SUM(E23:E23)", "=SUM(E23:E24)"),  # another range
    ("=IF(G24<=0.04,1,0)", "=IF(G24<=0.05,1,0)"),  # another constant
    ("=IF(G24<=0.04,1,0)", "=IF(G24<0.04,1,0)"),  # another operator
    ("=SUM(A1:A9)", "=MAX(A1:A9)"),  # another function
    ('=IF(H13="OK",1,0)', '=IF(H13="ok",1,0)'),  # a text literal is shown as written
    ("=E13*F13/10", "=E13*F13/8"),
]


@pytest.mark.parametrize(("issued", "found"), EQUAL)
def test_what_applications_rewrite_compares_equal(issued: str, found: str) -> None:
    assert same_formula(normalise_formula(issued), found)


@pytest.mark.parametrize(("issued", "found"), DIFFERENT)
def test_a_real_change_is_a_change(issued: str, found: str) -> None:
    assert not same_formula(normalise_formula(issued), found)


def test_text_that_cannot_be_tokenised_is_compared_as_text() -> None:
    assert meaning('="unterminated') is None
    assert same_formula(normalise_formula('="unterminated'), '="unterminated')
    assert not same_formula(normalise_formula('="unterminated'), '="other')


def test_a_formula_gnumeric_kept_as_an_error_is_recognised_only_for_what_gnumeric_does() -> None:
    issued = normalise_formula("='Polizia d''ambito'!G22")
    kept = '_xlfngnumeric.ERROR("\'Polizia d\'\'ambito\'!G22")'
    assert kept_as_error(kept) == "'Polizia d''ambito'!G22"
    assert saved_as_error(issued, kept)
    assert not saved_as_error(issued, kept.replace("G22", "G23"))  # another cell inside is a change
    # a card's own formula names no other sheet: Gnumeric never keeps it as an error, so a wrapped one is a change
    own = normalise_formula('=IF(H13="OK",E13*F13/10,0)')
    assert not saved_as_error(own, '_xlfngnumeric.ERROR("IF(H13=""OK"",E13*F13/10,0)")')
    assert kept_as_error("=SUM(A1)") is None
