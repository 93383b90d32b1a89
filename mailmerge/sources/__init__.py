"""Sources: reading customer lists into Customer records, with row numbers and problems."""
