"""The collector: the one service that holds personal data centrally.

Browsers POST records (pledges signed, quiz attempts, progress) to it; admins
read them back as JSON, CSV for Excel and the HR files, or xAPI statements.
Everything but ``app.py`` (the HTTP layer) and ``cli.py`` is free of Starlette
and uvicorn, so the rules are the same for ``qinglian records import``.
"""
