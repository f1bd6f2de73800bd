"""A post's old addresses, kept as redirects to its article."""

import html
from urllib.parse import parse_qs, urlsplit

from articles.models import Article
from wordpress import wxr
from wordpress.importing.context import Context
from wordpress.models import QUERY_KEYS, LegacyRedirect, normalize_path, query_path


def keep_old_addresses(context: Context, item: wxr.Item, article: Article) -> bool:
    """The post's permalink, and ?p=<id>, lead to the article. True if any was added or moved."""
    paths = {query_path("p", item.wp_id)}
    for url in (item.link, item.guid):
        parts = urlsplit(html.unescape(url))
        query = parse_qs(parts.query)
        for key in QUERY_KEYS:
            if query.get(key, [""])[0].isdigit():
                paths.add(query_path(key, query[key][0]))
                break
        else:
            if url == item.link and parts.path.strip("/"):
                paths.add(normalize_path(parts.path))
    new_path = normalize_path(article.get_absolute_url())
    max_length = LegacyRedirect._meta.get_field("old_path").max_length
    wanted = set()
    for path in sorted(paths - {new_path}):  # the same address in Midad would redirect to itself
        if len(path) > max_length:
            context.post_problem(item, f"old address too long to keep: {path[:80]}…")
        else:
            wanted.add(path)
    existing = dict(LegacyRedirect.objects.filter(old_path__in=wanted).values_list("old_path", "article_id"))
    moved = [path for path, article_id in existing.items() if article_id != article.pk]
    if moved:
        LegacyRedirect.objects.filter(old_path__in=moved).update(article=article)
    if added := wanted - existing.keys():
        LegacyRedirect.objects.bulk_create(
            [LegacyRedirect(old_path=path, article=article) for path in sorted(added)]
        )
    return bool(moved or added)
