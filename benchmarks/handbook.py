"""A real organisation's handbook as spoc-kb content, for the development set.

The 18F handbook (`corpora/18f-handbook/pages/`, one Markdown page per file)
is laid out by topic, not by department; its development set
(`benchmarks/handbook18f-dev/`) names the owning department of every page in
`departments.tsv`. This script copies each page to `<department>/<page path>`
under `--work/content` and writes each department's `_department.yml` with a
name and the one-line remit from the set's README (no keywords: routing must
work from the articles, as it would for a new organisation). Page ids of the
qrels are then the article ids below their department folder, which
`kb eval --ids relative` compares.

    python -m benchmarks.handbook --pages $SHARED/corpora/18f-handbook/pages \\
        --departments $SHARED/benchmarks/handbook18f-dev/departments.tsv --work var/handbook
    kb index --content var/handbook/content --index var/handbook/index
    kb eval --queries $SHARED/benchmarks/handbook18f-dev/queries.jsonl \\
        --qrels $SHARED/benchmarks/handbook18f-dev/qrels.tsv --ids relative \\
        --content var/handbook/content --index var/handbook/index

Files are rewritten only when their bytes change, so a rerun leaves the
indexer nothing to do.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from pathlib import Path

import yaml

# The set's README describes each department's remit in one line; a new
# organisation would write about as much when it sets the product up.
REMITS: dict[str, tuple[str, str]] = {
    "hr": (
        "Human Resources",
        "Leave, benefits, pay and schedules, hiring, onboarding, performance, training, "
        "conduct, accommodations and relocation.",
    ),
    "it": (
        "IT",
        "Tools and accounts, laptops and phones, software requests, security and launching "
        "software.",
    ),
    "finance": (
        "Finance",
        "Travel and reimbursement, purchasing and procurement, time tracking and billing, "
        "agreements and financial management.",
    ),
    "facilities": (
        "Facilities",
        "The offices, remote-work setup and building badges.",
    ),
    "operations": (
        "Operations",
        "How the organisation works with partners, projects, teams, communications, "
        "research and records.",
    ),
}


def load_departments(path: Path) -> dict[str, str]:
    """Page path → department, from the set's `departments.tsv`."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    return {row[0]: row[1] for row in rows[1:] if len(row) >= 2}


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_content(pages: Path, departments: dict[str, str], content: Path) -> int:
    """Copy every assigned page under its department; returns the number copied."""
    for slug in sorted(set(departments.values())):
        name, remit = REMITS.get(slug, (slug.title(), ""))
        card = yaml.safe_dump({"name": name, "description": remit}, sort_keys=False)
        _write_if_changed(content / slug / "_department.yml", card.encode("utf-8"))
    copied = 0
    for page, slug in sorted(departments.items()):
        source = pages / page
        if not source.is_file():
            continue
        _write_if_changed(content / slug / page, source.read_bytes())
        copied += 1
    return copied


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, required=True, help="The handbook's pages folder.")
    parser.add_argument(
        "--departments", type=Path, required=True, help="departments.tsv of the dev set."
    )
    parser.add_argument("--work", type=Path, default=Path("var/handbook"))
    args = parser.parse_args(argv)
    if not args.pages.is_dir():
        raise SystemExit(f"{args.pages}: not a folder; pass the handbook's pages folder")
    count = write_content(args.pages, load_departments(args.departments), args.work / "content")
    print(f"{count} pages under {args.work / 'content'}")


if __name__ == "__main__":
    main()
