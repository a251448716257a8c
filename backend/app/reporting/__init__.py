"""Read-only reporting for the operator workspace: the home dashboard and CSV exports of the lists.

It owns no table: every figure is read through the other modules' services or their models.
"""
