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
    changed = False
    for path in sorted(paths):
        if path == new_path:
            continue  # the same address in Midad: a redirect would point at itself
        if len(path) > LegacyRedirect._meta.get_field("old_path").max_length:
            context.post_problem(item, f"old address too long to keep: {path[:80]}…")
            continue
        redirect, created = LegacyRedirect.objects.get_or_create(old_path=path, defaults={"article": article})
        if not created and redirect.article_id != article.pk:
            redirect.article = article
            redirect.save(update_fields=["article"])
            changed = True
        changed |= created
    return changed
