"""A print run and what prepares and reports it: the day's plan, the run (stage, log, put in
place), the cards' pages, check, the summary, the calibration card and font samples.
"""
