"""The course's grading engine: release weeks, grade submissions in a sandbox, report.

Run ``python -m autograder --help`` for the commands.
"""

__version__ = "0.1.0"
