"""Render a results record for people and for other graders (trusted; never runs student code).

``markdown``  the report a student reads: PR comment, job summary, feedback file
``text``      plain-text tables for a terminal
``points``    the one way points are written
``formats``   the record in other graders' formats (Classroom, Classroom 50, Gradescope)
"""
