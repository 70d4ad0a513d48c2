"""The ``.cffpkg`` package format (docs/package-format.md): build, sign, encrypt, verify, write.

No database and no services here, so the upper level's inbox can verify a package on its own.
"""
