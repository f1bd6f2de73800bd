"""How editors type tags: Arabic keyboards write the Arabic comma (،), which separates
tags exactly like the Latin one."""

from taggit.utils import _edit_string_for_tags, _parse_tags

ARABIC_COMMA = "،"


def parse_tags(text: str) -> list[str]:
    return _parse_tags(text.replace(ARABIC_COMMA, ","))


def edit_string_for_tags(tags) -> str:
    return _edit_string_for_tags(tags).replace(", ", f"{ARABIC_COMMA} ")
