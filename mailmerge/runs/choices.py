"""The choices of `hagaki print` (and the web's 印刷 page) and `hagaki calibrate`, as plain
constants: the command line builds its options from them without loading a run.
"""

SIDES = ("address", "message", "both")
SORTS = ("postal", "id", "name")
DUPLEX = ("interleave", "separate")
# Where the cross can be measured on a card (mm from the left / top edge): the command's ranges.
MEASURED_X = (20.0, 80.0)
MEASURED_Y = (40.0, 110.0)
