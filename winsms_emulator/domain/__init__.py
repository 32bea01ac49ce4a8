"""The simulated gateway's rules, in plain Python.

Nothing in this package imports a web framework, an XML or JSON library, or
reads the wall clock: time comes in as arguments, from the injected clock.
"""
