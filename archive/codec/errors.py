"""Errors raised by the codec."""


class ParseError(ValueError):
    """A text that cannot be read as an episode file.

    ``line`` is 1-based and counts from the first line of the file, so a caller
    can report ``path:line: message``.
    """

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"
