"""The only code that runs student code, and the code that supervises it.

``harness``     runs INSIDE the sandboxed child: executes the notebook's cells,
                runs each item's probe in a fork, exports plain data
``supervisor``  (trusted parent) starts the child, feeds it the job, enforces
                the time limits, turns its frames into a run export
``isolation``   (trusted parent, and the child between fork and exec)
                namespaces, mounts, rlimits, uid drop, clean environment
``uids``        dedicated sandbox uids, leased per run
``strays``      killing whatever processes a run left behind
``leftovers``   removing what a leased uid left in shared temp folders and IPC
``limits``      the resource limits of one run
``mounts``, ``pid_namespace``, ``seccomp``, ``syscalls``  what ``isolation`` builds with
``process_tree`` the process tree from ``/proc``; ending a subtree that keeps forking
``reachability`` whether the sandbox uid can reach the interpreter and this package
``portable``    the mode for systems without the Linux tools (and what it cannot do)
``template``    (a batch's warm template process) imports once, forks each harness
``fork_server`` (trusted parent) starts the template, asks it for harnesses
``template_imports`` which modules a week's template imports, read from source

Nothing here imports the scoring, reporting or official code: the sandbox
only *exports* data, and never decides a score (tests/test_layout.py).
"""
