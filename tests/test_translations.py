"""What a survey recipient reads (the public /nps page and the answers the guest method gives) is
translated in every language the app ships (`csm_extension/translations/<lang>.csv`, Frappe's format)."""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "csm_extension"
LANGUAGES = sorted(p.stem for p in (APP / "translations").glob("*.csv"))
# The guest's path through services/surveys.py: the link check, the page and the answer.
GUEST_FUNCTIONS = {"check_token", "link_state", "page_context", "record_answer"}
PLACEHOLDER = re.compile(r"\{\d*\}")


def _template_strings(path: Path) -> set[str]:
	# Jinja's _("...") and _('...'), the way Frappe's own string extraction reads templates.
	text = path.read_text(encoding="utf-8")
	return set(re.findall(r'_\("([^"]+)"\)', text)) | set(re.findall(r"_\('([^']+)'\)", text))


def _python_strings(path: Path, functions: set[str] | None = None) -> set[str]:
	tree = ast.parse(path.read_text(encoding="utf-8"))
	scopes = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name in (functions or ())]
	found = set()
	for scope in scopes if functions is not None else [tree]:
		for node in ast.walk(scope):
			if (
				isinstance(node, ast.Call)
				and isinstance(node.func, ast.Name)
				and node.func.id == "_"
				and node.args
				and isinstance(node.args[0], ast.Constant)
			):
				found.add(node.args[0].value)
	return found


def guest_strings() -> set[str]:
	return (
		_template_strings(APP / "www" / "nps.html")
		| _python_strings(APP / "www" / "nps.py")
		| _python_strings(APP / "services" / "surveys.py", GUEST_FUNCTIONS)
	)


def translations(lang: str) -> dict[str, str]:
	with open(APP / "translations" / f"{lang}.csv", newline="", encoding="utf-8") as f:
		rows = list(csv.reader(f))
	assert all(len(row) == 2 and row[0] and row[1].strip() for row in rows), (
		f"{lang}.csv: a row is not source,text"
	)
	sources = [row[0] for row in rows]
	assert len(sources) == len(set(sources)), f"{lang}.csv: a source string appears twice"
	return dict(rows)


def test_the_extraction_finds_the_page_and_the_answers():
	strings = guest_strings()
	# One string of each kind, so that a broken extraction cannot pass the tests below with nothing.
	assert "How likely is it that you would recommend us to a friend or colleague?" in strings  # template
	assert "Please choose a score from 0 to 10." in strings  # template data attribute and record_answer
	assert "This survey closed on {0}." in strings  # record_answer
	assert "This survey link is not valid." in strings  # check_token
	assert "Your opinion" in strings  # nps.py
	assert len(strings) >= 20


def test_at_least_two_languages_ship():
	assert {"de", "fr"} <= set(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_guest_string_is_translated(lang):
	table = translations(lang)
	missing = sorted(guest_strings() - set(table))
	assert not missing, f"{lang}.csv lacks {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders(lang):
	for source, text in translations(lang).items():
		assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(text)), (lang, source)
