"""Start-up's import order, collector pause and the benchmark's first starts."""

import gc
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QSettings

from gdstudio import cli
from gdstudio.app import memory
from gdstudio.app.main_window import MainWindow
from gdstudio.bench.startup import _first_start


def test_numpy_and_the_core_load_before_pyside6():
    # PySide6's import hook reads the source of every module imported after it
    probe = (
        "import gdstudio.app.application, sys\n"
        "names = list(sys.modules)\n"
        "print([names.index(m) < names.index('PySide6') for m in "
        "('numpy', 'gdstudio.state', 'gdstudio.core.catalog', 'gdstudio.io.session')])"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    assert out.strip().splitlines()[-1] == "[True, True, True, True]"


def test_the_collector_paused_for_start_up_is_back_on_once_the_window_has_started(qtbot):
    memory.pause_collection()
    try:
        assert not gc.isenabled()
        window = MainWindow()
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.is_started)
        qtbot.waitUntil(gc.isenabled)  # start-up's memory is released right after
    finally:
        memory.resume_collection()


def test_a_collector_someone_else_turned_off_stays_off():
    gc.disable()
    try:
        memory.pause_collection()
        memory.resume_collection()
        memory.release_startup_memory()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_refused_scene_leaves_the_collector_on(capsys):
    assert cli.main(["--scene", "no-such-lesson"]) == 2
    assert "--scene" in capsys.readouterr().err
    assert gc.isenabled()


def test_benchmark_children_start_without_saved_settings(qapp, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    before = os.environ["XDG_CONFIG_HOME"]
    probe = "from PySide6.QtCore import QSettings; print(QSettings('gdstudio', 'x').value('k'))"
    QSettings(str(tmp_path / "gdstudio" / "x.conf"), QSettings.Format.IniFormat).setValue("k", 1)
    with _first_start():
        assert os.environ["XDG_CONFIG_HOME"] != before
        out = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
        ).stdout
    assert out.strip() == "None"
    assert os.environ["XDG_CONFIG_HOME"] == before
    seen = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert seen.strip() == "1"  # and without it the saved value is seen: the check can fail


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _free_heap_below_a_pin(mib: int) -> list[bytes]:
    """Leave `mib` MiB free inside the heap (2 KiB blocks, past pymalloc, under glibc's mmap
    threshold), kept from the heap's top by a block still in use: glibc does not trim it."""
    blocks = [bytes(2048) for _ in range(mib * 512)]
    pin = [bytes(2048)]
    del blocks
    return pin


@pytest.mark.skipif(not memory.can_trim_heap(), reason="needs glibc's malloc_trim and mallinfo2")
def test_freed_heap_goes_back_to_the_system_when_it_is_worth_it():
    pin = _free_heap_below_a_pin(64)
    assert memory.free_heap_bytes() > 32 << 20
    assert not memory.trim_heap(over=1 << 40)  # not worth it: nothing done
    before = _rss_bytes()
    assert memory.trim_heap()
    assert before - _rss_bytes() > 32 << 20
    del pin


@pytest.mark.skipif(not memory.can_trim_heap(), reason="needs glibc's malloc_trim and mallinfo2")
def test_a_running_window_hands_freed_heap_back_by_itself(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.is_started)
    pin = _free_heap_below_a_pin(64)
    before = _rss_bytes()
    qtbot.waitUntil(lambda: before - _rss_bytes() > 32 << 20, timeout=4 * memory.TRIM_EVERY_MS)
    del pin
