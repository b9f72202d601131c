"""What the `csm-extension` tests share (the `loaded` fixture is in conftest.py): the committed CDNOW
slice (300 customers, 1997-01-01 .. 1998-06-29) and running the command on it."""

from __future__ import annotations

import csv
from pathlib import Path

from csm_extension.cli import main

SLICE = Path(__file__).resolve().parent.parent / "fixtures" / "cdnow_slice"
AS_OF = "1998-06-29"  # the slice's last invoice date


def read_csv(path: Path) -> list[dict]:
	with path.open(newline="", encoding="utf-8") as f:
		return list(csv.DictReader(f))


def run(db, out, *extra):
	return main(["run", "--db", str(db), "--as-of", AS_OF, "--out", str(out), *extra])


def section(text: str, title: str) -> list[str]:
	"""The lines after a title line, up to the next blank line."""
	lines = text.splitlines()
	start = next(i for i, line in enumerate(lines) if line.startswith(title))
	end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
	return lines[start + 1 : end]
