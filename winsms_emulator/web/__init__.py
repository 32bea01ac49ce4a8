"""The request-scoped plumbing every surface shares: where the emulator is, how errors
look in each format, the record of one request, and routing."""
