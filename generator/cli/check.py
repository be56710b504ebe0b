"""``procgen check``: every definition checked, the problems printed as text, JSON or GitHub annotations
(JSON adds each document's review state and who must be retrained after a change)."""

from __future__ import annotations

import argparse
import gc
import sys

from generator.check.run import CheckResult, check, today
from generator.cli.common import repository
from generator.control.reviews import review_states
from generator.source.problems import FORMATTERS


def command(args: argparse.Namespace) -> int:
    root = repository(args.path)
    if root is None:
        return 2
    # The collector stays off to the end: everything the check makes stays alive until procgen exits,
    # and full collections during the JSON steps after it cost a third of a large check.
    gc.disable()
    result = check(root, catalog=args.format == "json")  # only JSON reads the catalog (reviews, retraining)
    extra: dict[str, object] = {"notices": result.notices}
    if args.format == "json":  # only JSON carries them: text and github output would not print them
        extra |= {"reviews": reviews_json(result), "retraining": retraining_json(result)}
    sys.stdout.write(FORMATTERS[args.format](result.problems, extra))
    if args.format == "text":
        for notice in result.notices:
            print(f"提示：{notice}", file=sys.stderr)
    return 0 if result.ok else 1


def retraining_json(result: CheckResult) -> list[dict[str, object]]:
    """Who must be trained again after a document's last version change (for `--format json`)."""
    if result.manual is None:
        return []
    codes = {d.id: d.document.code for d in result.manual.catalog.documents}
    return [
        {
            "document": r.document_id,
            "code": codes[r.document_id],
            "from": r.old_version,
            "to": r.new_version,
            "role": r.role.id,
            "role_name": r.role.title,
            "added": list(r.added),
            "removed": list(r.removed),
            "changed": [{"old": old, "new": new} for old, new in r.changed],
        }
        for r in result.manual.retraining
    ]


def reviews_json(result: CheckResult) -> list[dict[str, object]]:
    """Each document's review state (for `--format json`): next review date, overdue or due soon."""
    if result.catalog is None:
        return []
    return [
        {
            "id": s.document.id,
            "code": s.document.document.code,
            "title": s.document.document.title,
            "version": s.document.document.version,
            "last_review": s.last.isoformat(),
            "due": s.due.isoformat(),
            "status": s.status,
        }
        for s in review_states(result.catalog, today())
    ]
