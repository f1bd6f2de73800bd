"""Background work of the newsroom: it must never slow down a writer saving an article."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.tasks import task
from django.urls import reverse
from django.utils.translation import gettext as _


@task
def notify_editors(article_id: int) -> int:
    """Email the editors that an article awaits their review; returns how many were told."""
    from articles.models import Article

    article = Article.objects.select_related("author").filter(pk=article_id).first()
    if article is None or article.status != Article.Status.REVIEW:
        return 0
    editors = get_user_model().objects.with_perm(
        "articles.publish_article",
        include_superusers=False,
        backend="django.contrib.auth.backends.ModelBackend",
    )
    recipients = sorted(editors.exclude(email="").values_list("email", flat=True))
    if not recipients:
        return 0
    body = _("أرسل %(author)s مقالاً للمراجعة:\n\n«%(title)s»\n\n%(url)s") % {
        "author": article.author,
        "title": article,
        "url": settings.SITE_URL + reverse("admin:articles_article_change", args=[article.pk]),
    }
    send_mail(_("مداد: مقال بانتظار المراجعة — %(title)s") % {"title": article}, body, None, recipients)
    return len(recipients)
