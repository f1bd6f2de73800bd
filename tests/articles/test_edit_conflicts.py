"""Two editors, one article: a save based on an older version is refused, and nothing is lost."""

import threading
import time

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Tag
from tests.articles.test_admin import ADD, article_form, change_url
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(db):
    return UserFactory(
        username="sara", first_name="سارة", last_name="حداد", email="sara@example.com", role="Editor"
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def edit(article, version, **changes):
    """What the change page of `article` posts when it was opened at `version`: what it showed,
    with `changes` typed in."""
    shown = {
        "title": article.title,
        "slug": article.slug,
        "dek": article.dek,
        "body": article.body,
        "tags": "، ".join(article.tags.names()),
        "section": article.section_id,
        "author": article.author_id,
    }
    return article_form(**{**shown, **changes, "version": version})


def test_every_save_counts_one_more_version():
    article = ArticleFactory()
    assert article.version == 1
    article.save()
    assert article.version == 2  # read back from the database, a number again
    assert Article.objects.get().version == 2


def test_the_change_page_carries_the_version_it_shows(client, editor):
    article = ArticleFactory()
    article.save()
    client.force_login(editor)
    html = client.get(change_url(article)).content.decode()
    assert '<input type="hidden" name="version" value="2"' in html


def test_a_stale_save_is_refused_with_both_versions_and_nothing_typed_is_lost(client, editor, colleague):
    article = ArticleFactory(title="العنوان الأصلي", tags=["اقتصاد"])
    client.force_login(editor)
    opened_at = article.version

    saved = logged_in(colleague).post(change_url(article), edit(article, opened_at, title="عنوان سارة"))
    assert saved.status_code == 302

    response = client.post(
        change_url(article),
        edit(article, opened_at, title="عنوان المحرر", dek="مقدمة كتبها المحرر", tags="اقتصاد، أسواق"),
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.title == "عنوان سارة"  # her save stands

    html = response.content.decode()
    assert "حفظ سارة حداد هذا المقال في" in html
    assert "sara@example.com" not in html
    form = response.context["adminform"].form
    assert form["title"].value() == "عنوان المحرر"
    assert form["dek"].value() == "مقدمة كتبها المحرر"
    assert form["tags"].value() == "اقتصاد، أسواق"
    differences = {row.label: (row.saved, row.yours) for row in form.conflict.differences}
    assert differences == {
        "العنوان": ("عنوان سارة", "عنوان المحرر"),
        "المقدمة": ("مقدمة قصيرة للخبر.", "مقدمة كتبها المحرر"),
        "الوسوم": ("اقتصاد", "أسواق، اقتصاد"),
    }
    assert 'class="midad-conflict"' in html
    assert f'<input type="hidden" name="version" value="{opened_at + 1}"' in html  # now on top of hers

    resubmitted = client.post(
        change_url(article), edit(article, opened_at + 1, title="عنوان المحرر", tags="اقتصاد، أسواق")
    )
    assert resubmitted.status_code == 302
    article.refresh_from_db()
    assert article.title == "عنوان المحرر"
    assert set(article.tags.names()) == {"اقتصاد", "أسواق"}


def test_a_translation_save_checks_and_counts_the_same_version(client, editor, colleague):
    article = ArticleFactory(title="خبر بالعربية")
    article.set_current_language("en")
    article.title = "English story"
    article.save()
    english = change_url(article).replace("language=ar", "language=en")
    opened_at = article.version

    saved = logged_in(colleague).post(english, edit(article, opened_at, title="English story, updated"))
    assert saved.status_code == 302

    client.force_login(editor)
    refused = client.post(change_url(article), edit(article, opened_at, title="تعديل على العربية"))
    assert refused.status_code == 200
    assert "حفظ سارة حداد هذا المقال" in refused.content.decode()
    assert Article.objects.language("ar").get().title == "خبر بالعربية"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the roles stay as migrated
def test_two_simultaneous_saves_cannot_both_win(editor, colleague, monkeypatch):
    article = ArticleFactory()
    opened_at = article.version
    checked = threading.Event()
    check_then_save = Article.locked_version

    def slow_first_save(self):
        version = check_then_save(self)
        if not checked.is_set():
            checked.set()
            time.sleep(1)  # the second save arrives between this check and this save
        return version

    monkeypatch.setattr(Article, "locked_version", slow_first_save)
    responses = {}

    def save(user, title):
        responses[title] = logged_in(user).post(change_url(article), edit(article, opened_at, title=title))
        connections.close_all()

    first = threading.Thread(target=save, args=(editor, "الحفظ الأول"))
    first.start()
    assert checked.wait(10)
    second = threading.Thread(target=save, args=(colleague, "الحفظ الثاني"))
    second.start()
    first.join(10)
    second.join(10)

    assert responses["الحفظ الأول"].status_code == 302
    assert responses["الحفظ الثاني"].status_code == 200
    assert responses["الحفظ الثاني"].context["adminform"].form.conflict
    article.refresh_from_db()
    assert article.title == "الحفظ الأول"
    assert article.version == opened_at + 1


# --- Restoring an older revision ---------------------------------------------------------------
def restore(client, article, **form):
    """Opens the article's first revision and restores it, as the history page does."""
    first = Version.objects.get_for_object(article).last()
    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    preview = client.get(url)
    assert preview.status_code == 200
    form = article_form(section=article.section_id, author=article.author_id, title="العنوان الأول", **form)
    restored = client.post(url, form, follow=True)  # a restore posts no version: it overwrites on purpose
    return preview, restored


@pytest.fixture
def revised_article(client, editor):
    """An article saved twice from the admin, with the tag «قديم» since its first version."""
    client.force_login(editor)
    client.post(ADD, article_form(title="العنوان الأول", tags="قديم"))
    article = Article.objects.get()
    client.post(change_url(article), edit(article, article.version, title="العنوان الثاني", tags="قديم"))
    return Article.objects.get()


def test_restoring_a_revision_from_before_a_tag_merge_gives_it_the_merged_tag(client, revised_article):
    merged, target = Tag.objects.get(name="قديم"), Tag.objects.create(name="جديد")
    selection = {"action": "merge_tags", "_selected_action": [merged.pk, target.pk], "target": target.pk}
    client.post(reverse("admin:articles_tag_changelist"), selection)
    version_before = Article.objects.get().version

    preview, restored = restore(client, revised_article, tags="جديد")

    assert 'value="جديد"' in preview.content.decode()  # the form shows the tag it was merged into
    assert restored.redirect_chain[-1][0] == change_url(revised_article)
    article = Article.objects.get()
    assert article.title == "العنوان الأول"
    assert list(article.tags.names()) == ["جديد"]
    assert article.version == version_before + 1  # open forms from before the restore are stale
    shown = [str(message) for message in restored.context["messages"]]
    assert any("حلّت محلها الوسوم التي دُمجت فيها: جديد" in message for message in shown)


def test_restoring_a_revision_whose_tag_was_deleted_leaves_it_out_and_says_so(client, revised_article):
    Tag.objects.get(name="قديم").delete()

    _preview, restored = restore(client, revised_article, tags="")

    assert restored.status_code == 200
    article = Article.objects.get()
    assert article.title == "العنوان الأول"
    assert list(article.tags.names()) == []
    shown = [str(message) for message in restored.context["messages"]]
    assert "حُذفت بعض وسوم هذه النسخة بعد حفظها، فلم تُستعد." in shown


def test_a_restore_says_restored_and_a_change_says_changed(client, revised_article):
    _preview, restored = restore(client, revised_article, tags="قديم")
    shown = [str(message) for message in restored.context["messages"]]
    assert len(shown) == 1
    assert shown[0].startswith("استُعيد المقال «العنوان الأول» كما حُفظ في ")
    assert "إضافة" not in shown[0]

    article = Article.objects.get()
    changed = client.post(
        change_url(article), edit(article, article.version, title="عنوان جديد"), follow=True
    )
    message = str(next(iter(changed.context["messages"])))
    assert "تم تعديل" in message
    assert "إضافة" not in message
