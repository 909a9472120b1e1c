"""The atomic-write helper: old file or new file, never a mix, even under kill -9."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from gdstudio.io import atomic
from gdstudio.io.session import SUFFIX, load_session, new_document, save_session


def leftovers(folder: Path, keep: str) -> list[str]:
    """Names in `folder` other than `keep`."""
    return sorted(p.name for p in folder.iterdir() if p.name != keep)


def test_write_replaces_the_file_and_leaves_nothing_else(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    atomic.write_text_atomic(target, "new")
    assert target.read_text() == "new"
    assert leftovers(tmp_path, "out.csv") == []


def test_a_writer_that_fails_leaves_the_old_file_and_no_temp(tmp_path):
    target = tmp_path / "out.csv"
    target.write_bytes(b"old bytes")

    def write(f) -> None:  # noqa: ANN001
        f.write(b"half of the new")
        raise RuntimeError("encoder broke")

    with pytest.raises(RuntimeError, match="encoder broke"):
        atomic.write_atomic(target, write)
    assert target.read_bytes() == b"old bytes"
    assert leftovers(tmp_path, "out.csv") == []


def test_a_failed_rename_removes_the_temp(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")

    def refuse(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space"):
        atomic.write_bytes_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path, "out.csv") == []


def test_a_missing_folder_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        atomic.write_bytes_atomic(tmp_path / "no" / "out.csv", b"x")


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_new_file_keeps_the_old_files_permissions(tmp_path):
    target = tmp_path / "private.gdstudio"
    target.write_bytes(b"old")
    target.chmod(0o640)
    atomic.write_bytes_atomic(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = tmp_path / "fresh.csv"
    atomic.write_bytes_atomic(fresh, b"x")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~atomic._UMASK


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_writing_through_a_symlink_keeps_the_link(tmp_path):
    real = tmp_path / "real.gdstudio"
    real.write_bytes(b"old")
    link = tmp_path / "link.gdstudio"
    link.symlink_to(real)
    atomic.write_bytes_atomic(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_encoders_get_a_temp_name_with_the_extension(tmp_path):
    with atomic.atomic_path(tmp_path / "clip.mp4", keep_suffix=True) as tmp:
        assert tmp.name.startswith(".clip.") and tmp.name.endswith(".tmp.mp4")
        tmp.write_bytes(b"frames")
    assert (tmp_path / "clip.mp4").read_bytes() == b"frames"
    assert leftovers(tmp_path, "clip.mp4") == []


# --- kill -9 in the middle of a write ---------------------------------------------------------

# The child writes through the real code paths; only the file object is slowed down: it
# writes 256 bytes, says "started", then sleeps between chunks until the parent kills it.
CHILD = r"""
import builtins, json, sys, time
from pathlib import Path
from gdstudio.io import atomic

class SlowFile:
    def __init__(self, f):
        self.f = f
    def write(self, data):
        for i in range(0, len(data), 256):
            self.f.write(data[i:i + 256])
            self.f.flush()
            if not getattr(builtins, "_started", False):
                builtins._started = True
                print("started", flush=True)
            time.sleep(0.5)
        return len(data)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        self.f.close()

def slow_open(path, mode="r", *args, **kwargs):
    f = open(path, mode, *args, **kwargs)
    return SlowFile(f) if "w" in mode else f

atomic.open = slow_open
mode, target = sys.argv[1], Path(sys.argv[2])
if mode == "helper":
    atomic.write_bytes_atomic(target, b"new content " * 5000)
elif mode in ("save", "autosave"):
    from gdstudio.io.session import load_session
    doc = load_session(target)
    doc["model"]["speed"] = 1234.0
    doc["model"]["data"]["x"] = [float(i) for i in range(len(doc["model"]["data"]["x"]))]
    if mode == "save":
        from gdstudio.io.session import save_session
        save_session(target, doc)
    else:
        from gdstudio.app.job_reports import Token, job_reports
        from gdstudio.app.session.autosave import _AutosaveJob
        _AutosaveJob(target, doc, job_reports(), Token()).run()
elif mode == "export":
    from gdstudio.io.export_files import write_text_atomic
    write_text_atomic(target, "x,y\n" + "1.0,2.0\n" * 5000)
print("finished", flush=True)
"""


@pytest.fixture
def good_session(tmp_path, qapp) -> Path:
    from gdstudio.app.model import StudioModel

    model = StudioModel()
    model.load_scene("race")
    path = tmp_path / ("autosave" + SUFFIX)
    save_session(path, new_document(model.snapshot()))
    return path


def kill_mid_write(mode: str, target: Path) -> None:
    """Run the child on `target`, SIGKILL it once it has written its first chunk."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, mode, str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(60, child.kill)  # a child that never starts cannot hang us
    watchdog.start()
    try:
        line = child.stdout.readline().strip()
        assert line == "started", (line, child.stderr.read() if child.poll() else "")
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        watchdog.cancel()
        child.kill()
        child.wait()
        child.stdout.close()
        child.stderr.close()


def assert_only_temp_files_besides(target: Path) -> None:
    for name in leftovers(target.parent, target.name):
        assert name.startswith(atomic.temp_prefix(target)) and name.endswith(".tmp"), name
    assert [p.name for p in target.parent.glob("*" + SUFFIX)] == (
        [target.name] if target.suffix == SUFFIX else []
    )


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
@pytest.mark.parametrize("mode", ["save", "autosave"])
def test_kill_9_during_a_session_write_keeps_the_old_session(good_session, mode):
    before = good_session.read_bytes()
    kill_mid_write(mode, good_session)
    assert good_session.read_bytes() == before
    assert load_session(good_session)["model"]["speed"] != 1234.0
    assert_only_temp_files_besides(good_session)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
@pytest.mark.parametrize("mode", ["helper", "export"])
def test_kill_9_during_an_export_keeps_the_old_file(tmp_path, mode):
    target = tmp_path / "paths.csv"
    target.write_text(json.dumps({"old": True}))
    before = target.read_bytes()
    kill_mid_write(mode, target)
    assert target.read_bytes() == before
    assert_only_temp_files_besides(target)
