"""Refuse the kernel keyring system calls to the sandbox (a seccomp filter).

Linux keyrings outlive processes: a key a submission adds to its uid's user
keyring is there for the next submission graded under that uid, a channel
between students that no namespace of ours closes (strict mode reuses its
uids). The sandbox has no use for keyrings, so ``add_key``,
``request_key`` and ``keyctl`` fail with ``EPERM``, as does every system
call of another architecture's ABI (32-bit ``int 0x80`` calls and x32 calls
have other numbers, which this filter would not otherwise recognise).

The filter is installed after ``PR_SET_NO_NEW_PRIVS`` and is inherited by
every process the sandbox starts; nothing can remove it.
"""

from __future__ import annotations

import ctypes
import errno
import os
import struct

from autograder.sandbox.syscalls import PR_SET_SECCOMP, check, libc

SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
X32_SYSCALL_BIT = 0x40000000
# (audit architecture, add_key, request_key, keyctl) per machine
KEYRING_SYSCALLS = {
    "x86_64": (0xC000003E, 248, 249, 250),
    "aarch64": (0xC00000B7, 217, 218, 219),
}
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06


def _instruction(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def keyring_filter(machine: str) -> bytes | None:
    """The BPF program for ``machine`` (None where its numbers are not known)."""
    if machine not in KEYRING_SYSCALLS:
        return None
    arch, add_key, request_key, keyctl = KEYRING_SYSCALLS[machine]
    refuse = SECCOMP_RET_ERRNO | errno.EPERM
    program = [
        (_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        (_JEQ_K, 1, 0, arch),
        (_RET_K, 0, 0, refuse),  # another ABI
        (_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
        (_JGE_K, 4, 0, X32_SYSCALL_BIT),
        (_JEQ_K, 3, 0, add_key),
        (_JEQ_K, 2, 0, request_key),
        (_JEQ_K, 1, 0, keyctl),
        (_RET_K, 0, 0, SECCOMP_RET_ALLOW),
        (_RET_K, 0, 0, refuse),
    ]
    return b"".join(_instruction(*i) for i in program)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]


def refuse_keyrings() -> None:
    """Install the filter on this process (needs ``PR_SET_NO_NEW_PRIVS`` or privileges)."""
    program = keyring_filter(os.uname().machine)
    if program is None:
        raise OSError(errno.ENOSYS, f"no keyring filter for {os.uname().machine}")
    fprog = _SockFprog(len(program) // 8, program)
    check(
        libc().prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0),
        "seccomp",
    )
