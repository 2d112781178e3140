"""The security information bank's pure rules: who sees which statement, which properties exist, review dates."""
