"""Reading a source file: its bytes, and the stat signature taken before reading them (the
result cache's key for an unchanged file). Only regular files are read."""

from __future__ import annotations

import os
import stat

from ssot_lint.analysis.parsing import SourceError
from ssot_lint.model import Finding
from ssot_lint.run.cache import Signature, signature
from ssot_lint.run.discovery import SourceFile

_NOT_REGULAR = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def read_signed(source: SourceFile) -> tuple[bytes, Signature] | Finding:
    """The file's bytes and its stat signature taken before reading them. Only regular files
    are read: a FIFO or a device named ``*.py`` (or a symlink to one) would block forever or never
    end, so it is opened without blocking and refused."""
    try:
        with open(os.open(source.abspath, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                kind = next((name for test, name in _NOT_REGULAR if test(info.st_mode)), "a special file")
                return SourceError(f"cannot read file: not a regular file ({kind})").finding()
            return handle.read(), signature(info)
    except OSError as exc:
        return SourceError(f"cannot read file: {exc.strerror or exc}").finding()


def read_file(source: SourceFile) -> bytes | Finding:
    read = read_signed(source)
    return read if isinstance(read, Finding) else read[0]
