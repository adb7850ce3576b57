"""Trusted scoring: exported data against references, item by item, into one results record.

``compare``     each item's check on the decoded export; malformed data scores zero
``references``  the reference outputs (public and hidden), stored as data
``results``     the results record and its JSON

Never imports the sandbox or anything that executes notebooks or student
code (tests/test_layout.py).
"""
