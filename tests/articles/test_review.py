"""The review flow between a journalist and the editors, and who is credited as an article's writer."""

import pytest
from django.core import mail
from django.urls import reverse

from articles.models import Article, AuthorProfile, ReviewNote
from tests.articles.test_admin import ADD, CHANGELIST, article_form, change_url
from tests.factories import ArticleFactory, AuthorFactory, UserFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")


def withdraw_url(article):
    return reverse("admin:articles_article_withdraw", args=[article.pk])


def send_back_url(article):
    return reverse("admin:articles_article_send_back", args=[article.pk])


def submitted(journalist, **fields):
    return ArticleFactory(
        created_by=journalist, author=AuthorProfile.of(journalist), status=Article.Status.REVIEW, **fields
    )


# --- The byline --------------------------------------------------------------------------
def test_a_journalist_is_credited_by_default_and_cannot_credit_a_colleague(client, journalist):
    own = AuthorFactory(user=journalist, display_name="يوسف النجار")
    colleague = AuthorFactory(display_name="رانيا خليل")
    client.force_login(journalist)
    form = client.get(ADD).context["adminform"].form
    assert form["author"].value() == own.pk
    assert form.fields["author"].disabled

    client.post(ADD, article_form(author=colleague.pk))  # a hand-made request, past the locked field
    assert Article.objects.get().author == own


def test_a_journalist_without_a_byline_gets_one_from_their_name(client):
    journalist = UserFactory(username="sami", first_name="سامي", last_name="العلي", role="Journalist")
    client.force_login(journalist)
    assert client.post(ADD, article_form()).status_code == 302
    assert Article.objects.get().author.display_name == "سامي العلي"


def test_an_editor_is_credited_by_default_and_may_credit_a_colleague(client, editor):
    own = AuthorFactory(user=editor)
    colleague = AuthorFactory()
    client.force_login(editor)
    form = client.get(ADD).context["adminform"].form
    assert form["author"].value() == own.pk
    assert not form.fields["author"].disabled

    client.post(ADD, article_form(author=colleague.pk))
    assert Article.objects.get().author == colleague


# --- Submitting, reading while under review, withdrawing -----------------------------------
def test_submitting_tells_the_editors_by_email_in_the_background(
    client, journalist, editor, moderator, django_capture_on_commit_callbacks
):
    second_editor = UserFactory(username="editor-2", role="Editor")
    client.force_login(journalist)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD, article_form(title="ميزانية البلديات", status="draft"))
    assert mail.outbox == []  # a draft is nobody's business yet

    article = Article.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            change_url(article),
            article_form(title="ميزانية البلديات", status="review", section=article.section_id),
        )
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert article.submitted_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([editor.email, second_editor.email])
    assert "ميزانية البلديات" in message.subject
    assert f"/admin/articles/article/{article.pk}/change/" in message.body


def test_the_journalist_reads_the_submitted_body_rendered_not_as_html_source(client, journalist):
    article = submitted(journalist, body="<p>تبدأ الحملة <strong>الأحد</strong>.</p><h2>التفاصيل</h2>")
    client.force_login(journalist)
    html = client.get(change_url(article)).content.decode()
    assert (
        '<div class="midad-body-preview" lang="ar" dir="rtl"><p>تبدأ الحملة <strong>الأحد</strong>.</p>'
        in html
    )
    assert "&lt;p&gt;" not in html
    assert "سحب من المراجعة" in html


def test_the_journalist_withdraws_their_article_from_review_and_edits_it_again(client, journalist):
    article = submitted(journalist)
    client.force_login(journalist)
    assert client.get(withdraw_url(article)).status_code == 405  # a change, so only by POST
    response = client.post(withdraw_url(article))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    response = client.post(change_url(article), article_form(title="عنوان أوضح", section=article.section_id))
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["another journalist", "editor"])
def test_only_its_writer_withdraws_an_article_from_review(client, journalist, editor, who):
    article = submitted(journalist)
    client.force_login(editor if who == "editor" else UserFactory(username="other", role="Journalist"))
    assert client.post(withdraw_url(article)).status_code == 403
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


# --- The editors' side -------------------------------------------------------------------
def test_editors_see_what_awaits_review_on_the_admin_first_page(client, journalist, editor):
    waiting = submitted(journalist, title="خطة النقل الجديدة")
    ArticleFactory(title="مسودة لم تُرسل", status=Article.Status.DRAFT)
    client.force_login(editor)
    html = client.get(INDEX).content.decode()
    assert "بانتظار المراجعة" in html
    assert "خطة النقل الجديدة" in html
    assert reverse("admin:articles_article_change", args=[waiting.pk]) in html
    assert str(waiting.author) in html
    assert "مسودة لم تُرسل" not in html

    client.force_login(journalist)
    assert "بانتظار المراجعة" not in client.get(INDEX).content.decode()


def test_an_editor_sends_an_article_back_with_a_note_the_journalist_sees(client, journalist, editor):
    article = submitted(journalist, title="حملة التطعيم")
    client.force_login(editor)
    assert "إعادة إلى الكاتب مع ملاحظة" in client.get(change_url(article)).content.decode()
    refused = client.post(send_back_url(article), {"note": "  "})
    assert refused.status_code == 200
    assert refused.context["form"].errors  # a note is what sending back is for

    client.post(send_back_url(article), {"note": "أضف مصدر الأرقام في الفقرة الثانية."})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    note = ReviewNote.objects.get()
    assert (note.article, note.written_by, note.text) == (
        article,
        editor,
        "أضف مصدر الأرقام في الفقرة الثانية.",
    )
    assert note.created_at is not None

    client.force_login(journalist)
    assert "أضف مصدر الأرقام في الفقرة الثانية." in client.get(change_url(article)).content.decode()
    assert "أضف مصدر الأرقام في الفقرة الثانية." in client.get(CHANGELIST).content.decode()

    # Submitted again, the note is answered: it leaves the article and the list.
    client.post(
        change_url(article), article_form(title="حملة التطعيم", status="review", section=article.section_id)
    )
    assert "أضف مصدر الأرقام" not in client.get(CHANGELIST).content.decode()
    client.force_login(editor)
    assert "أضف مصدر الأرقام" not in client.get(change_url(article)).content.decode()


def test_a_journalist_cannot_send_an_article_back(client, journalist):
    article = submitted(UserFactory(username="other", role="Journalist"))
    client.force_login(journalist)
    assert client.post(send_back_url(article), {"note": "لا"}).status_code == 403
    assert not ReviewNote.objects.exists()
