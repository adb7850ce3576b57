"""The GitHub integration: the REST client, the Actions runner's interface, the grade on a PR.

``client``        JSON over HTTPS with pagination (standard library only)
``actions``       environment files, workflow commands, the event payload
``pull_request``  the report step: summary, outputs, one comment per pull request

Used by the student workflow's report step and by the official tools
(repositories, push times); never runs student code.
"""
