"""The emulator's objects as JSON: one form per object per audience.

:mod:`~winsms_emulator.forms.control` and :mod:`~winsms_emulator.forms.accounts` are
what the control plane, the Python API, the accounts file and the web inbox read and
write; :mod:`~winsms_emulator.forms.statefile` is the saved-state document's own form.
"""
