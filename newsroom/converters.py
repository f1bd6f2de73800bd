class UnicodeSlugConverter:
    """Like Django's `slug` converter, but accepts Arabic (any Unicode) letters."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
