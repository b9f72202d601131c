"""`engine.models.gc_paused`: the GC is off inside and back as it was after, without walking what was
made inside at once, and without undoing a freeze the host process made (Frappe freezes its imports)."""

from __future__ import annotations

import gc
import weakref

import pytest

from csm_extension.engine.models import gc_paused


class Node:
	pass


@pytest.fixture
def gc_state():
	enabled, frozen = gc.isenabled(), gc.get_freeze_count()
	assert frozen == 0, "the test process froze objects already"
	yield
	gc.unfreeze()
	gc.enable() if enabled else gc.disable()


def cycle() -> weakref.ref:
	a, b = Node(), Node()
	a.other, b.other = b, a
	return weakref.ref(a)


def test_paused_inside_and_restored_after(gc_state):
	gc.enable()
	with gc_paused():
		assert not gc.isenabled()
		garbage = cycle()  # unreachable at once, but only the cyclic GC can free it
	assert gc.isenabled()
	assert gc.get_freeze_count() == 0  # nothing left frozen
	assert garbage() is not None
	gc.collect()
	assert garbage() is None  # an ordinary collection still frees what was made inside


def test_a_disabled_gc_stays_disabled(gc_state):
	gc.disable()
	with gc_paused():
		pass
	assert not gc.isenabled() and gc.get_freeze_count() == 0


def test_a_freeze_of_the_host_is_kept(gc_state):
	gc.enable()
	gc.freeze()
	before = gc.get_freeze_count()
	assert before > 0
	with gc_paused():
		made = [Node() for _ in range(1000)]
	assert gc.isenabled()
	assert gc.get_freeze_count() >= before + len(made)  # the host's frozen objects stayed frozen
	del made


def test_restored_when_the_body_raises(gc_state):
	gc.enable()
	with pytest.raises(RuntimeError), gc_paused():
		raise RuntimeError("boom")
	assert gc.isenabled() and gc.get_freeze_count() == 0
