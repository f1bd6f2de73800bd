"""How editors type tags: separated by commas only, the Arabic one (،) as well as the Latin one,
so a tag of several words ("ثقافة رقمية") needs no quotes and never comes back quoted."""

import re

ARABIC_COMMA = "،"
SEPARATORS = re.compile(f"[,{ARABIC_COMMA}]")
QUOTES = "\"'«»“”"


def parse_tags(text: str) -> list[str]:
    names = (" ".join(part.strip().strip(QUOTES).split()) for part in SEPARATORS.split(text or ""))
    return sorted({name for name in names if name})


def edit_string_for_tags(tags) -> str:
    return f"{ARABIC_COMMA} ".join(sorted(tag.name for tag in tags))
