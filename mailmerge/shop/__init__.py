"""The shop: its folder (hagaki.toml, the send log, the lists), its settings and the
files that write them (sender, printers, fonts), and `hagaki init`.
"""
