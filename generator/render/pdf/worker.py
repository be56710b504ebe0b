"""What every PDF worker needs, made once in the fork server (``build.PRELOAD``) before it forks any:
WeasyPrint imported, the fonts read, the print stylesheet parsed, one line laid out and written (a
process's first layout reads the font's tables: a third of a second), and the starting process's
``__main__`` imported (``render.import_main``). A worker forked from the server starts with all of it.
The server runs one thread, so forking it is safe.

A worker's first PDF still takes about a fifth longer than its next ones (measured: pages copied on write
as it touches what it inherited).

A warm-up that fails (no font yet, say) only leaves the workers to do it themselves: the real render
reports the problem where it belongs.
"""

from __future__ import annotations

import gc

from generator.render.pdf import STYLESHEET
from generator.render.pdf.render import import_main, warm_up

WARM_UP = (
    '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
    f'<link rel="stylesheet" href="{STYLESHEET}"></head><body><p>第 1 页 共 1 页</p></body></html>'
)

import_main()
warm_up(WARM_UP)
# What the server holds is never collected in a worker: a collection would walk, and so copy, every page of
# the server's heap that the worker shares (copy-on-write) before its first PDF.
gc.freeze()
