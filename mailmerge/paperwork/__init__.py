"""Paper for the shop, made with reportlab: the printed stock-take and the print run's sheet."""
