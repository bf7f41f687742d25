"""gunicorn settings of `./hromada up` (and of bench/load): the worker model for a small
machine serving a map to many phones.

Why threads (gthread) and not sync workers: a public request spends much of its time
waiting, on PostgreSQL (tiles, searches, report reads are one query each) and on the
client (a phone uploading a photo over 3G, a browser keeping its connection open between
the tiles of one map view). A sync worker is blocked for all of that and serves one
client at a time. A gthread worker hands each connection to one of its threads, so two
processes of eight threads hold sixteen requests in progress at the cost of two
processes' memory.

Why two processes: the machine has two cores, and Python code runs one thread at a time
per process (the GIL), so a third process only adds memory and context switches on two
cores that PostgreSQL needs too. Sixteen threads in all keep sixteen persistent database
connections (CONN_MAX_AGE) — well inside PostgreSQL's default of 100.

Every figure can be set from the environment (WEB_WORKERS, WEB_THREADS), and the command
line wins over this file.
"""

import os

worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "8"))
# No keep-alive: close the connection after each answer, as sync workers do. Measured
# (bench/RESULTS.md, load branch): with keep-alive 5 s, a saturated gthread worker closed
# 1,404 of 11,958 connections without an answer (clients that sent their next request as
# the idle timeout struck); with it off, none. In production a reverse proxy keeps the
# browsers' connections alive and opens a short one to gunicorn per request anyway.
keepalive = 0
# The app (URLconf, API schemas, the layer registry) is imported once, before the fork.
preload_app = True
# Long enough for a council pack PDF; anything slower is a bug to see in the log.
timeout = 120
