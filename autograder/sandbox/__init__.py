"""The only code that runs student code, and the code that supervises it.

``harness``     runs INSIDE the sandboxed child: executes the notebook's cells,
                runs each item's probe in a fork, exports plain data
``supervisor``  (trusted parent) starts the child, feeds it the job, enforces
                the time limits, turns its frames into a run export
``isolation``   (trusted parent, and the child between fork and exec)
                namespaces, mounts, rlimits, uid drop, clean environment
``uids``        dedicated sandbox uids, leased per run
``strays``      killing whatever a run left behind
``limits``      the resource limits of one run

Nothing here imports the scoring, reporting or official code: the sandbox
only *exports* data, and never decides a score (tests/test_layout.py).
"""
