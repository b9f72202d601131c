"""A private, throw-away MariaDB server for tests and benchmarks.

`private_mariadb()` runs Debian's `mariadb-install-db` and `mariadbd` on a temporary datadir, its own
socket and a free port on 127.0.0.1, so it never meets another MariaDB on the machine:

	with private_mariadb() as params:
		conn = pymysql.connect(**params)
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

INSTALL_HINT = "install Debian's mariadb-server: apt-get install -y mariadb-server"

# Durability is worthless for a server that is deleted afterwards; Frappe's charset and collation.
DEFAULT_OPTIONS = (
	"--innodb-buffer-pool-size=256M",
	"--innodb-flush-log-at-trx-commit=0",
	"--innodb-doublewrite=0",
	"--character-set-server=utf8mb4",
	"--collation-server=utf8mb4_unicode_ci",
	"--skip-name-resolve",
	"--skip-log-bin",
)

USER = "csm"
PASSWORD = "csm"


class MariaDBUnavailable(RuntimeError):
	pass


def find_binaries() -> tuple[str, str]:
	"""Paths of `mariadb-install-db` and `mariadbd`, or MariaDBUnavailable with the install hint."""
	path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/bin", "/sbin"])
	install_db = shutil.which("mariadb-install-db", path=path)
	server = shutil.which("mariadbd", path=path)
	if not install_db or not server:
		raise MariaDBUnavailable(f"MariaDB binaries not found (mariadb-install-db, mariadbd): {INSTALL_HINT}")
	return install_db, server


def _free_port() -> int:
	with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def _run_as() -> list[str]:
	# mariadbd refuses to run as root unless told to.
	return ["--user=root"] if os.geteuid() == 0 else []


def _die_with_parent() -> None:
	# Linux: if the test run or benchmark is killed outright, the server goes with it instead of lingering.
	try:
		ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
	except (OSError, AttributeError):
		pass


def _wait_until_ready(proc: subprocess.Popen, sock: Path, log: Path, timeout: float) -> object:
	import pymysql

	deadline = time.monotonic() + timeout
	while True:
		if proc.poll() is not None:
			raise MariaDBUnavailable(f"mariadbd exited with {proc.returncode}:\n{_tail(log)}")
		try:
			return pymysql.connect(unix_socket=str(sock), user="root", autocommit=True)
		except pymysql.err.OperationalError:
			if time.monotonic() > deadline:
				raise MariaDBUnavailable(
					f"mariadbd did not accept connections in {timeout}s:\n{_tail(log)}"
				) from None
			time.sleep(0.1)


def _tail(log: Path, lines: int = 30) -> str:
	try:
		return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
	except OSError:
		return "(no log)"


@contextmanager
def private_mariadb(
	database: str = "csm_test", options: tuple[str, ...] = (), timeout: float = 60
) -> Iterator[dict]:
	"""Start a private MariaDB, create `database`, yield `pymysql.connect` kwargs; stop and delete it after."""
	install_db, server = find_binaries()
	base = Path(tempfile.mkdtemp(prefix="csm-mariadb-"))
	datadir, sock, log, tmpdir = base / "data", base / "mysqld.sock", base / "error.log", base / "tmp"
	tmpdir.mkdir()
	port = _free_port()
	proc = None
	try:
		setup = subprocess.run(
			[
				install_db,
				"--no-defaults",
				f"--datadir={datadir}",
				"--auth-root-authentication-method=normal",
				"--skip-test-db",
				*_run_as(),
			],
			capture_output=True,
			text=True,
		)
		if setup.returncode != 0:
			raise MariaDBUnavailable(f"mariadb-install-db failed:\n{setup.stdout}\n{setup.stderr}")
		proc = subprocess.Popen(
			[
				server,
				"--no-defaults",
				f"--datadir={datadir}",
				f"--socket={sock}",
				f"--pid-file={base / 'mysqld.pid'}",
				f"--log-error={log}",
				# Not /tmp: a cleaner there deletes the on-disk temporary tables of running queries.
				f"--tmpdir={tmpdir}",
				"--bind-address=127.0.0.1",
				f"--port={port}",
				*_run_as(),
				*DEFAULT_OPTIONS,
				*options,
			],
			stdout=subprocess.DEVNULL,
			stderr=subprocess.DEVNULL,
			preexec_fn=_die_with_parent,
		)
		root = _wait_until_ready(proc, sock, log, timeout)
		with root.cursor() as cur:
			cur.execute(f"CREATE DATABASE `{database}`")
			cur.execute(f"CREATE USER '{USER}'@'%' IDENTIFIED BY '{PASSWORD}'")
			cur.execute(f"GRANT ALL PRIVILEGES ON *.* TO '{USER}'@'%'")
		root.close()
		yield {
			"host": "127.0.0.1",
			"port": port,
			"user": USER,
			"password": PASSWORD,
			"database": database,
		}
	finally:
		if proc is not None:
			proc.terminate()  # SIGTERM is a clean shutdown for mariadbd
			try:
				proc.wait(timeout=60)
			except subprocess.TimeoutExpired:
				proc.kill()
				proc.wait()
		shutil.rmtree(base, ignore_errors=True)
