"""The mount system calls, for the grader (a kernel folder's tmpfs) and the zygote (each
kernel's own view): one wrapper of libc's ``mount`` and ``umount2``.

Why not the ``mount`` and ``umount`` programs: each is a process that parses every mount of
the machine first; once per kernel each, they were a visible part of a kernel's start and
end. Root only. Standard library only (the zygote imports it before it forks)."""

from __future__ import annotations

import ctypes
import os

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
_libc = ctypes.CDLL(None, use_errno=True)


def mount(source: str | None, target: str, fstype: str | None, flags: int,
          data: str | None = None) -> None:
    """mount(2); raises OSError naming ``target``."""
    enc = [None if s is None else s.encode() for s in (source, target, fstype, data)]
    if _libc.mount(enc[0], enc[1], enc[2], ctypes.c_ulong(flags), enc[3]) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


def detach(target: str) -> None:
    """A lazy unmount; raises OSError naming ``target``."""
    if _libc.umount2(target.encode(), MNT_DETACH) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"umount {target}: {os.strerror(err)}")


def mount_tmpfs(source: str, target: str, options: str) -> str:
    """A nosuid, nodev tmpfs at ``target``; '' when mounted, else why not."""
    try:
        mount(source, target, "tmpfs", MS_NOSUID | MS_NODEV, options)
    except OSError as exc:
        return str(exc.strerror)
    return ""


def unmount(target: str) -> bool:
    """Unmount ``target``, lazily if something still holds it; whether it is unmounted."""
    if _libc.umount2(target.encode(), 0) == 0:
        return True
    try:
        detach(target)
    except OSError:
        return False
    return True
