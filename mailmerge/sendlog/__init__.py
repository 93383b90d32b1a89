"""The send log: an SQLite record of every card printed, mailed, returned or cancelled."""
