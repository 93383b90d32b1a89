"""The customer report: segments, sales measures, cards sent and what they brought back."""
