"""Japanese text: folding and matching names and addresses, the address identity, numerals
and eras, and the customer barcode with its address numbers.
"""
