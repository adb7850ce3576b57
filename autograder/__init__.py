"""The course's grading engine: release weeks, grade submissions in a sandbox, report.

Run ``python -m autograder --help`` for the commands. The folders are the
architecture; ``tests/test_layout.py`` fails when an import crosses a line.

Untrusted side, and the boundary
  ``sandbox/``      the only code that runs student code: the child harness
                    (``harness``), its isolation, the supervisor that starts
                    it and turns what it sends into an *export*
  ``wire/``         what crosses the boundary: frames, the exchange format,
                    the run's export and its validators

Trusted side
  ``spec/``         the week-author API (items, checks, probe helpers,
                    messages, written questions and their rubric), pure
                    and loaded on both sides
  ``scoring/``      exports against references, into one *results* record
  ``grading/``      one submission or a batch: sandbox run, then scoring
  ``reporting/``    *reports* rendered from a record: Markdown, plain text,
                    other graders' formats
  ``github/``       the REST client, the Actions runner, the grade on a PR

The instructor's tools (never copied into a student template)
  ``instructor/``   authoring, release and its gate, leak scan, mutants, the
                    reference implementations official runs substitute,
                    publish (and the template repository on GitHub), demo;
                    a local GitHub (REST and git over HTTP) and a local
                    workflow runner for tests and the lifecycle demo
  ``official/``     roster, repositories, late policy, regrade, gradebook,
                    shards; written answers (``answers``: extracted per
                    question; ``written_marks``: folded into the gradebook);
                    the course on GitHub: the naming rule, distribute,
                    sync, lock/unlock, return

Shared
  ``course``        where a course's weeks live
  ``files``         reading submitted notebooks, writing files atomically
  ``exit_codes``    the exit codes of every verb
  ``in_notebook``   ``check("item")`` in the student's Jupyter kernel
  ``cli/``          argparse: one module and one call per verb

Vocabulary: the sandbox *exports* data, scoring produces *results*,
reporting renders *reports*.
"""

__version__ = "0.1.0"
