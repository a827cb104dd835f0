"""The issued workbook: layout, text metrics, locked content, formulas and their Python twin, writer, manifest."""
