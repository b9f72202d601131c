"""Every dotted path in hooks.py and patches.txt names a real function of the package (checked in the
source, since those modules import frappe), and every asset path exists."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "csm_extension"


def hooks() -> dict:
	tree = ast.parse((PACKAGE / "hooks.py").read_text())
	return {
		node.targets[0].id: ast.literal_eval(node.value)
		for node in tree.body
		if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
	}


def dotted_paths(value):
	if isinstance(value, str):
		if value.startswith("csm_extension."):
			yield value
	elif isinstance(value, dict):
		for v in value.values():
			yield from dotted_paths(v)
	elif isinstance(value, (list, tuple)):
		for v in value:
			yield from dotted_paths(v)


def top_level_functions(module: str) -> set[str]:
	path = ROOT.joinpath(*module.split(".")).with_suffix(".py")
	assert path.exists(), f"{module}: no file {path.relative_to(ROOT)}"
	tree = ast.parse(path.read_text())
	return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


HOOK_PATHS = sorted(set(dotted_paths(hooks())))


def test_hooks_name_the_app_and_its_events():
	h = hooks()
	assert h["app_name"] == "csm_extension" and h["required_apps"] == ["frappe/erpnext"]
	assert set(h["doc_events"]) == {"Sales Invoice", "Customer", "ToDo"}  # never "*"
	assert "daily_long" in h["scheduler_events"]
	assert len(HOOK_PATHS) >= 7


@pytest.mark.parametrize("path", HOOK_PATHS)
def test_hook_path_resolves_to_a_function(path):
	module, _, function = path.rpartition(".")
	assert function in top_level_functions(module), f"{path}: no function {function} in {module}"


def test_doctype_js_files_exist():
	for path in hooks()["doctype_js"].values():
		assert (PACKAGE / path).is_file(), path


def test_patches_resolve():
	lines = [
		line.strip()
		for line in (PACKAGE / "patches.txt").read_text().splitlines()
		if line.strip() and not line.startswith("[")
	]
	assert lines
	for line in lines:
		if line.startswith("execute:"):
			ast.parse(line.removeprefix("execute:").split("#")[0])  # valid Python
			for name in ("apply_custom_fields",):
				if name in line:
					assert name in top_level_functions("csm_extension.setup.install")
		else:
			assert "execute" in top_level_functions(line), line


def test_bench_command_is_exported():
	tree = ast.parse((PACKAGE / "commands.py").read_text())
	names = [n.targets[0].id for n in tree.body if isinstance(n, ast.Assign)]
	assert "commands" in names


def test_after_install_creates_every_default():
	# A fresh install runs no patch: everything a site needs must be called from after_install itself.
	tree = ast.parse((PACKAGE / "setup" / "install.py").read_text())
	[after_install] = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "after_install"]
	called = {
		n.func.id for n in ast.walk(after_install) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
	}
	patched = {
		line.split("import ", 1)[1].split(";")[0].strip()
		for line in (PACKAGE / "patches.txt").read_text().splitlines()
		if line.startswith("execute:from csm_extension.setup.install import")
	}
	# Patches bring existing sites up to date; after_install does the same for new ones.
	assert patched - {"apply_custom_fields", "add_new_default_rules"} <= called
	assert {
		"create_custom_fields",
		"create_roles",
		"create_default_rules",
		"create_default_settings",
	} <= called
