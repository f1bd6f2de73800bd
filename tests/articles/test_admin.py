import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Tag
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
ADD = reverse("admin:articles_article_add") + "?language=ar"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk]) + "?language=ar"


def article_form(**overrides):
    """What the article form posts, in Arabic."""
    data = {
        "title": "وزارة الصحة تطلق حملة تطعيم",
        "slug": "",
        "dek": "حملة وطنية تبدأ الأسبوع المقبل.",
        "body": "<p>تبدأ الحملة يوم الأحد.</p>",
        "image_caption": "",
        "section": SectionFactory().pk,
        "author": AuthorFactory().pk,
        "tags": "الصحة، تطعيم",
        "status": "draft",
        "publish_at_0": "",
        "publish_at_1": "",
        "comments_open": "on",
        "breaking_priority": "5",
        "breaking_until_0": "",
        "breaking_until_1": "",
        "update_note": "",
        "correction_note": "",
        "seo_title": "",
        "seo_description": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("role", "status"),
    [("superuser", 200), ("editor", 200), ("journalist", 200), ("moderator", 403)],
)
def test_article_list_loads_for_each_role_that_writes(client, request, role, status):
    client.force_login(request.getfixturevalue(role))
    ArticleFactory.create_batch(3, tags=["سياسة"])
    assert client.get(CHANGELIST).status_code == status


def test_editor_list_offers_publish_and_archive_actions_and_filters(client, editor):
    client.force_login(editor)
    ArticleFactory(tags=["اقتصاد"])
    html = client.get(CHANGELIST).content.decode()
    assert 'value="publish_selected"' in html
    assert 'value="archive_selected"' in html
    for control in ("الحالة", "القسم", "الوسم", "خبر عاجل"):
        assert control in html


def test_journalist_list_has_no_publish_actions(client, journalist):
    client.force_login(journalist)
    ArticleFactory()
    html = client.get(CHANGELIST).content.decode()
    assert "publish_selected" not in html
    assert "archive_selected" not in html


def test_journalist_add_form_offers_only_draft_and_review(client, journalist):
    client.force_login(journalist)
    html = client.get(ADD).content.decode()
    assert 'value="draft"' in html
    assert 'value="review"' in html
    assert 'value="published"' not in html
    assert 'name="is_breaking"' not in html  # editors decide what is breaking


def test_journalist_cannot_publish_even_by_posting_the_status(client, journalist):
    client.force_login(journalist)
    response = client.post(ADD, article_form(status="published"))
    assert response.status_code == 200
    assert not Article.objects.exists()
    html = response.content.decode()
    assert "وزارة الصحة تطلق حملة تطعيم" in html  # nothing typed is lost


def test_journalist_creates_a_draft_and_submits_it_for_review(client, journalist):
    client.force_login(journalist)
    response = client.post(ADD, article_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get()
    assert article.created_by == journalist
    assert set(article.tags.names()) == {"الصحة", "تطعيم"}

    response = client.post(
        change_url(article),
        article_form(status="review", section=article.section_id, author=article.author_id),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    # Under review the article is the editors' now.
    response = client.post(
        change_url(article), article_form(title="تعديل", section=article.section_id, author=article.author_id)
    )
    assert response.status_code == 403


def test_journalist_cannot_edit_someone_elses_article(client, journalist, editor):
    article = ArticleFactory(status=Article.Status.DRAFT, created_by=editor)
    client.force_login(journalist)
    response = client.post(
        change_url(article), article_form(section=article.section_id, author=article.author_id)
    )
    assert response.status_code == 403


def test_journalist_bulk_publish_is_refused(client, journalist):
    article = ArticleFactory(status=Article.Status.REVIEW)
    client.force_login(journalist)
    client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


def test_editor_bulk_publishes_and_archives(client, editor):
    first, second = ArticleFactory.create_batch(2, status=Article.Status.REVIEW, publish_at=None)
    client.force_login(editor)
    client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [first.pk, second.pk]})
    assert Article.objects.published().count() == 2
    client.post(CHANGELIST, {"action": "archive_selected", "_selected_action": [first.pk]})
    first.refresh_from_db()
    assert first.status == Article.Status.ARCHIVED


def test_editor_publishes_from_the_form(client, editor):
    client.force_login(editor)
    response = client.post(ADD, article_form(status="published", is_breaking="on"))
    assert response.status_code == 302
    assert Article.objects.published().breaking().count() == 1


def test_moderator_sees_nothing_of_the_newsroom(client, moderator):
    client.force_login(moderator)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(reverse("admin:articles_section_changelist")).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/articles/" not in index
    assert "بانتظار المراجعة" not in index


def test_admin_search_finds_titles_in_both_languages(client, editor):
    article = ArticleFactory(title="ارتفاع أسعار الذهب")
    article.set_current_language("en")
    article.title = "Gold prices climb"
    article.save()
    ArticleFactory(title="خبر آخر")
    client.force_login(editor)
    for term in ("الذهب", "Gold"):
        response = client.get(CHANGELIST, {"q": term})
        assert response.context["cl"].result_count == 1


def test_tag_suggestions_find_existing_spelling_variants(client, journalist):
    Tag.objects.create(name="الاقتصاد")
    client.force_login(journalist)
    response = client.get(reverse("admin:articles_tag_suggest"), {"q": "الإقتصـاد"})
    assert response.json() == {"results": ["الاقتصاد"]}


def test_editor_merges_tags_from_the_admin(client, editor):
    keep = Tag.objects.create(name="انتخابات")
    drop = Tag.objects.create(name="الانتخابات البرلمانية")
    article = ArticleFactory(tags=[drop])
    client.force_login(editor)
    selection = {"action": "merge_tags", "_selected_action": [keep.pk, drop.pk]}
    page = client.post(reverse("admin:articles_tag_changelist"), selection)
    assert "دمج الوسوم" in page.content.decode()
    client.post(reverse("admin:articles_tag_changelist"), {**selection, "target": keep.pk})
    assert list(article.tags.all()) == [keep]
    assert client.get(f"/tag/{drop.slug}/").status_code == 301


def test_draft_preview_is_visible_to_staff_only_and_never_cached(client, journalist):
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, title="مسودة سرية")
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(journalist)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "معاينة" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


def test_every_admin_save_keeps_a_version_that_can_be_restored(client, editor):
    client.force_login(editor)
    client.post(ADD, article_form(title="العنوان الأول", tags="أول"))
    article = Article.objects.get()
    client.post(
        change_url(article),
        article_form(
            title="العنوان الثاني", tags="ثان", section=article.section_id, author=article.author_id
        ),
    )
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 2
    first_version = versions.last()
    assert first_version.revision.user == editor

    revert_url = reverse("admin:articles_article_revision", args=[article.pk, first_version.pk])
    assert client.get(revert_url).status_code == 200
    response = client.post(
        revert_url,
        article_form(title="العنوان الأول", tags="أول", section=article.section_id, author=article.author_id),
    )
    assert response.status_code == 302
    article = Article.objects.get(pk=article.pk)
    assert article.title == "العنوان الأول"
    assert list(article.tags.names()) == ["أول"]


def test_article_list_costs_the_same_queries_for_5_or_25_articles(client, editor):
    client.force_login(editor)
    ArticleFactory.create_batch(5, tags=["سياسة", "اقتصاد"])
    client.get(CHANGELIST)  # warm-up: one-off lookups are not what this test measures
    with CaptureQueriesContext(connection) as few:
        client.get(CHANGELIST)
    ArticleFactory.create_batch(20, tags=["سياسة", "رياضة"])
    with CaptureQueriesContext(connection) as many:
        client.get(CHANGELIST)
    assert len(many) == len(few)


def test_multi_word_tags_come_back_unquoted_and_stay_whole(client, editor):
    client.force_login(editor)
    client.post(ADD, article_form(tags="ثقافة رقمية، القراءة"))
    article = Article.objects.get()
    assert set(article.tags.names()) == {"ثقافة رقمية", "القراءة"}
    field = client.get(change_url(article)).context["adminform"].form["tags"]
    assert 'value="القراءة، ثقافة رقمية"' in str(field)

    # Saved again as shown, a lone tag of two words stays one tag.
    client.post(
        change_url(article),
        article_form(tags="ثقافة رقمية", section=article.section_id, author=article.author_id),
    )
    assert list(article.tags.names()) == ["ثقافة رقمية"]


@pytest.mark.parametrize(
    ("articles", "moved"),
    [(0, "لم يُنقل إليه أي مقال جديد"), (1, "نُقل إليه مقال واحد"), (2, "نُقل إليه مقالان"),
     (3, "نُقل إليه 3 مقالات"), (11, "نُقل إليه 11 مقالاً")],
)  # fmt: skip
def test_tag_merge_counts_the_moved_articles_in_arabic(client, editor, articles, moved):
    keep, drop = Tag.objects.create(name="انتخابات"), Tag.objects.create(name="الانتخابات")
    ArticleFactory.create_batch(articles, tags=[drop])
    client.force_login(editor)
    selection = {"action": "merge_tags", "_selected_action": [keep.pk, drop.pk], "target": keep.pk}
    response = client.post(reverse("admin:articles_tag_changelist"), selection, follow=True)
    assert f"دُمجت الوسوم في «انتخابات»؛ {moved}." in response.content.decode()


def test_tag_merge_page_has_the_admins_breadcrumbs(client, editor):
    tags = [Tag.objects.create(name="أ"), Tag.objects.create(name="ب")]
    client.force_login(editor)
    page = client.post(
        reverse("admin:articles_tag_changelist"),
        {"action": "merge_tags", "_selected_action": [tag.pk for tag in tags]},
    ).content.decode()
    assert '<ol class="breadcrumbs">' in page
    assert '<li aria-current="page">دمج الوسوم</li>' in page


def test_the_arabic_admin_has_no_english_left_in_the_article_list(client, editor):
    ArticleFactory()
    client.force_login(editor)
    html = client.get(CHANGELIST).content.decode()
    for english in ("Languages", 'alt="Search"', "Search المقالات"):
        assert english not in html
    assert "اللغات" in html
    assert 'alt="ابحث"' in html
    index = client.get(reverse("admin:index")).content.decode()
    assert "Midad" not in index
    assert '<a href="/admin/newsroom/" class="section">مداد</a>' in index


def test_the_tag_filter_offers_the_most_used_tags_first(client, editor):
    for number in range(3):
        ArticleFactory(tags=["الاقتصاد", "الموانئ"] if number else ["الاقتصاد"])
    ArticleFactory()  # untagged
    client.force_login(editor)
    response = client.get(CHANGELIST)
    changelist = response.context["cl"]
    (tag_filter,) = [spec for spec in changelist.filter_specs if getattr(spec, "parameter_name", "") == "tag"]
    choices = [choice["display"] for choice in tag_filter.choices(changelist)][1:]  # after "All"
    assert choices == ["الاقتصاد", "الموانئ"]
