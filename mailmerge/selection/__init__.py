"""Selection: who gets a card, and who is left out by which named rule."""
