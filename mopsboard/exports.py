"""What every CSV download shares."""


def spreadsheet_safe(text) -> str:
    """Stop a spreadsheet from running a cell as a formula (CSV injection)."""
    text = str(text)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
