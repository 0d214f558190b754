"""Mount and unmount a kernel folder's tmpfs with the system calls themselves.

Why not the ``mount`` and ``umount`` programs: each is a process that parses every mount
of the machine first; once per kernel each, they were a visible part of a kernel's start
and end. Root only (the grader mounts a tmpfs per kernel only as root)."""

from __future__ import annotations

import ctypes
import os

MS_NOSUID, MS_NODEV = 2, 4
MNT_DETACH = 2
_libc = ctypes.CDLL(None, use_errno=True)


def mount_tmpfs(source: str, target: str, options: str) -> str:
    """Mount a nosuid, nodev tmpfs at ``target``; '' when done, else why not."""
    if _libc.mount(source.encode(), target.encode(), b"tmpfs",
                   ctypes.c_ulong(MS_NOSUID | MS_NODEV), options.encode()) == 0:
        return ""
    return f"mount {target}: {os.strerror(ctypes.get_errno())}"


def unmount(target: str) -> bool:
    """Unmount ``target``, lazily if something still holds it; whether it is unmounted."""
    path = target.encode()
    return _libc.umount2(path, 0) == 0 or _libc.umount2(path, MNT_DETACH) == 0
