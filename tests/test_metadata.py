"""Doctype metadata is consistent without a site: JSON shape, links, naming, controllers, Select options."""

from __future__ import annotations

import ast
import json
import keyword
import re
from pathlib import Path

import pytest

from csm_extension.engine.rules import OPERATORS, SEVERITIES, SIGNALS
from csm_extension.engine.scoring import DIRECTIONS, MEASURES, STATUSES

DOCTYPE_DIR = Path(__file__).resolve().parent.parent / "csm_extension" / "csm_extension" / "doctype"
MODULE = "CSM Extension"

# Doctypes of Frappe and ERPNext that this app may link to.
EXTERNAL_DOCTYPES = {
	"Customer",
	"User",
	"Company",
	"Contact",
	"ToDo",
	"Sales Invoice",
	"Customer Group",
	"Territory",
	"Email Template",
	"DocType",
}
# Columns every document has (frappe.model.default_fields, child_table_fields, optional_fields).
RESERVED_FIELDNAMES = {
	"doctype",
	"name",
	"owner",
	"creation",
	"modified",
	"modified_by",
	"docstatus",
	"idx",
	"parent",
	"parentfield",
	"parenttype",
	"_user_tags",
	"_comments",
	"_assign",
	"_liked_by",
	"_seen",
}
LAYOUT_FIELDTYPES = {
	"Section Break",
	"Column Break",
	"Tab Break",
	"HTML",
	"Button",
	"Image",
	"Fold",
	"Heading",
}
# frappe.types.exporter: these never annotate as "| None".
NON_NULLABLE = {
	"Check",
	"Currency",
	"Float",
	"Int",
	"Percent",
	"Rating",
	"Select",
	"Table",
	"Table MultiSelect",
}
PERMISSION_RIGHTS = ("read", "write", "create", "delete", "report", "export", "print", "email", "share")
FULL_ROLES = ("System Manager", "Customer Success Admin")
CSM_ROLE = "Customer Success Manager"


def scrub(name: str) -> str:
	return name.replace(" ", "_").replace("-", "_").lower()


def _load_all() -> dict[str, dict]:
	docs = {}
	for path in sorted(DOCTYPE_DIR.glob("*/*.json")):
		doc = json.loads(path.read_text(encoding="utf-8"))
		docs[path.parent.name] = doc
	return docs


DOCTYPES = _load_all()
BY_NAME = {doc["name"]: doc for doc in DOCTYPES.values()}
FOLDERS = sorted(DOCTYPES)


def fields(doc: dict) -> dict[str, dict]:
	return {f["fieldname"]: f for f in doc["fields"]}


def options(doctype: str, fieldname: str) -> list[str]:
	return fields(BY_NAME[doctype])[fieldname]["options"].split("\n")


def test_doctypes_are_present():
	expected = {
		"CSM Settings",
		"CSM Cadence Rule",
		"CSM Scorecard Measure",
		"CSM Onboarding Template",
		"CSM Onboarding Template Task",
		"CSM Onboarding Plan",
		"CSM Onboarding Plan Task",
		"CSM Health Check",
		"CSM Health Check Measure",
		"CSM Red Flag Rule",
		"CSM Red Flag",
		"CSM NPS Response",
		"CSM Churn Reason",
		"CSM NPS Survey",
		"CSM NPS Invitation",
	}
	assert expected <= set(BY_NAME)
	assert (DOCTYPE_DIR / "__init__.py").is_file()
	# every folder holds exactly one doctype JSON named after it
	for folder in DOCTYPE_DIR.iterdir():
		if folder.is_dir() and folder.name != "__pycache__":
			assert [p.name for p in folder.glob("*.json")] == [f"{folder.name}.json"], folder.name


@pytest.mark.parametrize("folder", FOLDERS)
def test_header(folder):
	doc = DOCTYPES[folder]
	assert doc["doctype"] == "DocType"
	assert doc["module"] == MODULE
	assert scrub(doc["name"]) == folder
	assert not (doc.get("istable") and doc.get("issingle")), (
		"a doctype is a child table or a single, not both"
	)
	assert doc.get("sort_order", "DESC") in ("ASC", "DESC")


@pytest.mark.parametrize("folder", FOLDERS)
def test_fields(folder):
	doc = DOCTYPES[folder]
	names = [f["fieldname"] for f in doc["fields"]]
	assert doc["field_order"] == names
	assert len(set(names)) == len(names), f"duplicate fieldnames in {doc['name']}"
	for f in doc["fields"]:
		name = f["fieldname"]
		assert re.fullmatch(r"[a-z][a-z0-9_]*", name) and not keyword.iskeyword(name), name
		assert name not in RESERVED_FIELDNAMES, name
		if f["fieldtype"] == "Select":
			choices = f.get("options", "").split("\n")
			assert len(set(choices)) == len(choices), f"{name}: repeated Select option"
			if "default" in f:
				assert f["default"] in choices, f"{name}: default {f['default']!r} is not an option"
		if f["fieldtype"] == "Check" and "default" in f:
			assert f["default"] in ("0", "1"), name
		if f["fieldtype"] == "Int" and "default" in f:
			int(f["default"])
		if f["fieldtype"] in ("Float", "Percent", "Currency") and "default" in f:
			float(f["default"])
		if f["fieldtype"] == "Date" and "default" in f:
			assert f["default"] == "Today", name


@pytest.mark.parametrize("folder", FOLDERS)
def test_links_and_tables(folder):
	doc = DOCTYPES[folder]
	for f in doc["fields"]:
		if f["fieldtype"] not in ("Link", "Table", "Table MultiSelect"):
			continue
		target = f.get("options")
		assert target, f"{doc['name']}.{f['fieldname']} has no options"
		if f["fieldtype"] == "Link":
			assert target in BY_NAME or target in EXTERNAL_DOCTYPES, f"{f['fieldname']} links to {target}"
		else:
			assert target in BY_NAME, f"{f['fieldname']}: child table {target} is not in this app"
			assert BY_NAME[target].get("istable") == 1, f"{target} is not a child table"


@pytest.mark.parametrize("folder", FOLDERS)
def test_fetch_from(folder):
	doc = DOCTYPES[folder]
	by_name = fields(doc)
	for f in doc["fields"]:
		if not f.get("fetch_from"):
			continue
		source, _, target_field = f["fetch_from"].partition(".")
		assert target_field, f["fetch_from"]
		assert source in by_name and by_name[source]["fieldtype"] == "Link", f["fetch_from"]


@pytest.mark.parametrize("folder", FOLDERS)
def test_naming_and_title(folder):
	doc = DOCTYPES[folder]
	by_name = fields(doc)
	autoname = doc.get("autoname") or ""
	if autoname.startswith("field:"):
		field = by_name.get(autoname.removeprefix("field:"))
		assert field, autoname
		assert field.get("unique") == 1 and field.get("reqd") == 1, autoname
		assert doc.get("naming_rule") == "By fieldname"
	elif autoname == "naming_series:":
		series = by_name.get("naming_series")
		assert series and series["fieldtype"] == "Select"
		assert series.get("default") in series["options"].split("\n")
		assert doc.get("naming_rule") == 'By "Naming Series" field'
	for key in ("title_field", "sort_field"):
		value = doc.get(key)
		if value and value not in ("creation", "modified", "name"):
			assert value in by_name, f"{key} {value}"
	for name in filter(None, (s.strip() for s in (doc.get("search_fields") or "").split(","))):
		assert name in by_name, f"search field {name}"


@pytest.mark.parametrize("folder", FOLDERS)
def test_permissions(folder):
	doc = DOCTYPES[folder]
	perms = {p["role"]: p for p in doc.get("permissions", [])}
	if doc.get("istable"):
		assert not perms, "child tables take their parent's permissions"
		return
	assert doc.get("track_changes") == 1
	assert "System Manager" in perms
	for role in FULL_ROLES:
		rights = set(PERMISSION_RIGHTS)
		if doc.get("issingle"):
			rights -= {"report", "export"}  # Frappe drops these on Single doctypes
		assert {r for r in PERMISSION_RIGHTS if perms[role].get(r)} == rights, role
	assert perms[CSM_ROLE].get("read") == 1
	assert not perms[CSM_ROLE].get("delete")
	if doc.get("issingle"):
		assert not any(p.get("report") or p.get("export") for p in perms.values())


def _controller_class(folder: str) -> ast.ClassDef:
	path = DOCTYPE_DIR / folder / f"{folder}.py"
	assert path.is_file(), path
	tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
	name = DOCTYPES[folder]["name"].replace(" ", "")
	classes = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name]
	assert len(classes) == 1, f"{path.name} must define class {name}"
	return classes[0]


@pytest.mark.parametrize("folder", FOLDERS)
def test_controller(folder):
	assert (DOCTYPE_DIR / folder / "__init__.py").is_file()
	cls = _controller_class(folder)
	bases = [ast.unparse(b) for b in cls.bases]
	doc = DOCTYPES[folder]
	# A customer link another field fetches from is not checked by Frappe 15: services/links.py checks it.
	fetches_customer = any(str(f.get("fetch_from", "")).startswith("customer.") for f in doc["fields"])
	assert bases == (["CustomerLinked", "Document"] if fetches_customer else ["Document"])
	js = DOCTYPE_DIR / folder / f"{folder}.js"
	assert js.is_file() != bool(doc.get("istable")), "form scripts belong to non-child doctypes only"


@pytest.mark.parametrize("folder", FOLDERS)
def test_type_annotations_match_fields(folder):
	"""The export_python_type_annotations block names every data field with its Select options."""
	doc = DOCTYPES[folder]
	blocks = [
		n
		for n in _controller_class(folder).body
		if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"
	]
	assert len(blocks) == 1, "missing the auto-generated types block"
	annotated = {
		n.target.id: ast.unparse(n.annotation) for n in blocks[0].body if isinstance(n, ast.AnnAssign)
	}
	expected = {}
	for f in doc["fields"]:
		if f["fieldtype"] in LAYOUT_FIELDTYPES:
			continue
		if f["fieldtype"] == "Select":
			hint = f"DF.Literal[{', '.join(repr(o) for o in f['options'].split(chr(10)))}]"
		elif f["fieldtype"] in ("Table", "Table MultiSelect"):
			hint = f"DF.{f['fieldtype'].replace(' ', '')}[{f['options'].replace(' ', '')}]"
		else:
			hint = f"DF.{f['fieldtype'].replace(' ', '')}"
		if f["fieldtype"] not in NON_NULLABLE and not f.get("reqd"):
			hint += " | None"
		expected[f["fieldname"]] = hint
	if doc.get("istable"):
		expected.update(dict.fromkeys(("parent", "parentfield", "parenttype"), "DF.Data"))
	assert annotated == expected


def test_list_scripts_name_their_doctype():
	for path in DOCTYPE_DIR.glob("*/*_list.js"):
		folder = path.parent.name
		assert path.name == f"{folder}_list.js"
		assert f'frappe.listview_settings["{DOCTYPES[folder]["name"]}"]' in path.read_text(encoding="utf-8")


# Select options the engine and the daily pass depend on.


def test_red_flag_rule_options_match_the_engine():
	assert options("CSM Red Flag Rule", "signal") == list(SIGNALS)
	assert options("CSM Red Flag Rule", "operator") == list(OPERATORS)
	assert options("CSM Red Flag Rule", "severity") == list(SEVERITIES)
	assert options("CSM Red Flag", "severity") == list(SEVERITIES)
	# a threshold of 0 is meaningful (e.g. overdue_amount > 0)
	assert not fields(BY_NAME["CSM Red Flag Rule"])["threshold"].get("non_negative")


def test_scorecard_options_match_the_engine():
	assert options("CSM Scorecard Measure", "measure") == list(MEASURES)
	assert options("CSM Scorecard Measure", "direction") == list(DIRECTIONS)


def test_health_status_options_match_the_engine():
	assert options("CSM Health Check", "health_status") == ["", *STATUSES]


def test_open_key_holds_a_whole_flag_key():
	open_key = fields(BY_NAME["CSM Red Flag"])["open_key"]
	assert open_key.get("unique") == 1
	# customer (140) + "::" + rule (140)
	assert open_key.get("length", 140) >= 282


# Reports, workspace, number cards, dashboard charts and chart sources.

MODULE_DIR = DOCTYPE_DIR.parent
REPORT_ROLES = {"System Manager", "Customer Success Admin", CSM_ROLE}


def _records(kind: str) -> dict[str, dict]:
	return {
		path.parent.name: json.loads(path.read_text(encoding="utf-8"))
		for path in sorted((MODULE_DIR / kind).glob("*/*.json"))
	}


REPORTS = _records("report")
CARDS = _records("number_card")
CHARTS = _records("dashboard_chart")
SOURCES = _records("dashboard_chart_source")
WORKSPACES = _records("workspace")


def _defines(path: Path, function: str) -> bool:
	tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
	return function in {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


def _assigns_call(path: Path, name: str, callee: str) -> bool:
	"""`name = callee(...)` at the top level of the module at `path`."""
	tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
	return any(
		isinstance(n, ast.Assign)
		and [t.id for t in n.targets if isinstance(t, ast.Name)] == [name]
		and isinstance(n.value, ast.Call)
		and ast.unparse(n.value.func) == callee
		for n in tree.body
	)


def test_reports_are_present():
	assert {"CSM NPS", "CSM Churn Rate", "CSM Customer LTV", "CSM Portfolio"} <= {
		r["name"] for r in REPORTS.values()
	}


@pytest.mark.parametrize("folder", sorted(REPORTS))
def test_report(folder):
	report = REPORTS[folder]
	assert report["doctype"] == "Report" and report["module"] == MODULE
	assert scrub(report["name"]) == folder and report["report_name"] == report["name"]
	assert report["is_standard"] == "Yes"
	assert report["ref_doctype"] in BY_NAME or report["ref_doctype"] in EXTERNAL_DOCTYPES
	assert {r["role"] for r in report["roles"]} == REPORT_ROLES
	if report["report_type"] == "Script Report":
		assert _defines(MODULE_DIR / "report" / folder / f"{folder}.py", "execute")
		assert (MODULE_DIR / "report" / folder / "__init__.py").is_file()
		script = (MODULE_DIR / "report" / folder / f"{folder}.js").read_text(encoding="utf-8")
		assert f'frappe.query_reports["{report["name"]}"]' in script


@pytest.mark.parametrize("folder", sorted(CARDS))
def test_number_card(folder):
	card = CARDS[folder]
	assert card["doctype"] == "Number Card" and card["module"] == MODULE and card["is_standard"] == 1
	assert scrub(card["name"]) == folder and card["label"] == card["name"]
	assert card["document_type"] in BY_NAME or card["document_type"] in EXTERNAL_DOCTYPES
	if card["type"] == "Custom":
		module, _, function = card["method"].rpartition(".")
		assert _defines(
			Path(__file__).resolve().parent.parent.joinpath(*module.split(".")).with_suffix(".py"), function
		)
	else:
		assert card["type"] == "Document Type" and card["function"] == "Count"
		for doctype, *_ in json.loads(card["filters_json"]):
			assert doctype == card["document_type"]


@pytest.mark.parametrize("folder", sorted(CHARTS))
def test_dashboard_chart(folder):
	chart = CHARTS[folder]
	assert chart["doctype"] == "Dashboard Chart" and chart["module"] == MODULE
	assert scrub(chart["name"]) == folder and chart["chart_name"] == chart["name"]
	if chart["chart_type"] == "Custom":
		assert chart["source"] in {s["name"] for s in SOURCES.values()}
		# Custom charts have no document type to derive permissions from.
		assert {r["role"] for r in chart["roles"]} == REPORT_ROLES
	else:
		assert chart["document_type"] in BY_NAME or chart["document_type"] in EXTERNAL_DOCTYPES


@pytest.mark.parametrize("folder", sorted(SOURCES))
def test_chart_source(folder):
	source = SOURCES[folder]
	assert source["doctype"] == "Dashboard Chart Source" and scrub(source["name"]) == folder
	base = MODULE_DIR / "dashboard_chart_source" / folder
	# Each source's get is the shared, whitelisted one built by services/dashboard.chart_source.
	assert _assigns_call(base / f"{folder}.py", "get", "dashboard.chart_source")
	script = (base / f"{folder}.js").read_text(encoding="utf-8")
	assert f'frappe.dashboards.chart_sources["{source["name"]}"]' in script
	assert f"csm_extension.csm_extension.dashboard_chart_source.{folder}.{folder}.get" in script


def test_workspace_names_what_exists():
	workspace = WORKSPACES["customer_success"]
	assert workspace["name"] == workspace["label"] == "Customer Success" and workspace["module"] == MODULE
	cards = {c["name"] for c in CARDS.values()}
	charts = {c["name"] for c in CHARTS.values()}
	reports = {r["name"] for r in REPORTS.values()}
	assert {c["number_card_name"] for c in workspace["number_cards"]} == cards
	assert {c["chart_name"] for c in workspace["charts"]} == charts
	for shortcut in workspace["shortcuts"]:
		assert shortcut["link_to"] in (reports if shortcut["type"] == "Report" else BY_NAME), shortcut
	for link in workspace["links"]:
		if link["type"] == "Link":
			targets = reports if link["link_type"] == "Report" else set(BY_NAME) | EXTERNAL_DOCTYPES
			assert link["link_to"] in targets, link
	shortcuts = {s["label"] for s in workspace["shortcuts"]}
	cards_in_links = {link["label"] for link in workspace["links"] if link["type"] == "Card Break"}
	for block in json.loads(workspace["content"]):
		data = block["data"]
		assert data.get("number_card_name", next(iter(cards))) in cards
		assert data.get("chart_name", next(iter(charts))) in charts
		assert data.get("shortcut_name", next(iter(shortcuts))) in shortcuts
		assert data.get("card_name", next(iter(cards_in_links))) in cards_in_links
