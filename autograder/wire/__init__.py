"""The formats that cross the trust boundary, in both directions, and nothing else.

``framing``   length-prefixed JSON frames on the results pipe (and the job on stdin)
``exchange``  the data a probe returns: tagged JSON plus ``.npz``, never a pickle
``export``    the record of one sandboxed run, and the validators that build it
              from the child's frames

Imported by both sides; imports nothing else of the grader.
"""
