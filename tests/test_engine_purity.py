"""The engine never imports frappe: checked in the source and at import time."""

import ast
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "csm_extension" / "engine"


def test_no_frappe_import_in_engine_source():
	offenders = []
	for path in sorted(ENGINE.rglob("*.py")):
		for node in ast.walk(ast.parse(path.read_text(), str(path))):
			names = []
			if isinstance(node, ast.Import):
				names = [a.name for a in node.names]
			elif isinstance(node, ast.ImportFrom):
				names = [node.module or ""]
			offenders += [
				f"{path.name}:{node.lineno} {n}" for n in names if n.split(".")[0] in ("frappe", "erpnext")
			]
	assert len(list(ENGINE.rglob("*.py"))) >= 6
	assert offenders == []


def test_engine_imports_with_frappe_blocked():
	# A meta-path finder that refuses frappe: importing every engine module must still work.
	code = """
import importlib, pkgutil, sys
class Block:
	def find_spec(self, name, path=None, target=None):
		if name.split('.')[0] in ('frappe', 'erpnext'):
			raise ImportError('blocked: ' + name)
sys.meta_path.insert(0, Block())
import csm_extension.engine as e
mods = [m.name for m in pkgutil.iter_modules(e.__path__)]
for m in mods:
	importlib.import_module('csm_extension.engine.' + m)
print(len(mods))
"""
	out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
	assert int(out.stdout) >= 6
