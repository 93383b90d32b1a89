"""The kinds of card (situations) a run can print, by name: plain constants, so the command
line and the settings name them without loading the rules.
"""

SEASONAL = ("nenga", "kanchu", "yokan", "shochu", "zansho")
SITUATIONS = ("thanks", *SEASONAL, "birthday", "dormant", "winback")
