"""Files the grader reads from students and writes for people: no links followed, size caps, atomic writes.

A submitted notebook is read without following a symbolic link (it could
point at the solution or at ``/dev/zero``) and with one size cap,
:data:`MAX_NOTEBOOK_BYTES`, the same wherever a notebook enters the grader
(a file, a git object, the sandbox's stdin). Every report, record and CSV
is written atomically, through a temporary file and a rename, so a planted
symlink at the target is replaced, never followed, and a crash never leaves
half a file.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

MAX_NOTEBOOK_BYTES = 32 << 20


def read_notebook(path: Path) -> bytes:
    """Read a submitted notebook without following a symlink, with a size cap.

    A symlink could point at the solution or at a device (``/dev/zero``), a
    FIFO would block: all are refused with a message, never read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise OSError(
                errno.ELOOP, f"{path.name} is a symbolic link; commit the notebook file itself"
            ) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path.name} is not a regular file")
        if info.st_size > MAX_NOTEBOOK_BYTES:
            raise OSError(
                f"{path.name} is {info.st_size / 2**20:.0f} MiB; the limit is {MAX_NOTEBOOK_BYTES >> 20} MiB"
            )
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(MAX_NOTEBOOK_BYTES + 1)
        if len(data) > MAX_NOTEBOOK_BYTES:  # it grew while we read it
            raise OSError(errno.EFBIG, f"{path.name} is larger than {MAX_NOTEBOOK_BYTES >> 20} MiB")
        return data
    finally:
        os.close(fd)


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write via a temporary file and rename: a planted symlink at ``path`` is replaced, not followed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
