"""`hagaki serve`: the shop in a browser (Starlette, Jinja2, htmx), on the same library as
the CLI. app.py holds the routes, desk.py the library calls, security.py the guards."""
