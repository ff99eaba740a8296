// Test-only helpers: fixtures made at test time, temporary directories.
