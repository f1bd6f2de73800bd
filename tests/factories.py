"""One place that builds test objects."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, AuthorProfile, MediaImage, Section
from newsroom import expiry


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    is_staff = True
    password = factory.django.Password("secret-pass-123")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if extracted:  # the role's group, as migrate made it (tests that commit restore it)
            user.groups.add(Group.objects.get(name=extracted))


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    name = factory.Sequence(lambda n: f"قسم {n}")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuthorProfile

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"كاتب {n}")


class MediaImageFactory(factory.django.DjangoModelFactory):
    """A stored picture with its renditions, as an upload leaves it."""

    class Meta:
        model = MediaImage

    file = factory.django.ImageField(filename="photo.jpg", width=900, height=600, format="JPEG")
    alt_text = factory.Sequence(lambda n: f"صورة رقم {n}")
    uploaded_by = factory.SubFactory(UserFactory)


class OneChangeFactory(factory.django.DjangoModelFactory):
    """Saves an object with everything its sub-factories make as one change: the same tags
    expire (newsroom/expiry.py's `deferred`), once at the end, not once per row saved."""

    class Meta:
        abstract = True

    @classmethod
    def create(cls, **kwargs):
        with expiry.deferred():
            return super().create(**kwargs)


class ArticleFactory(OneChangeFactory):
    """An article with its section, author and tags, saved as one change."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"خبر رقم {n} عن الاقتصاد")
    dek = "مقدمة قصيرة للخبر."
    body = "<p>نص الخبر.</p>"
    section = factory.SubFactory(SectionFactory)
    author = factory.SubFactory(AuthorFactory)
    status = Article.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    @factory.post_generation
    def tags(article, create, extracted, **kwargs):
        if extracted:
            article.tags.set(extracted)


class CommentFactory(OneChangeFactory):
    """A reader's comment, published unless told otherwise; the email is never shown. Saved
    with its article, when it makes one, as one change."""

    class Meta:
        model = "comments.Comment"
        skip_postgeneration_save = True

    article = factory.SubFactory(ArticleFactory)
    name = factory.Sequence(lambda n: f"قارئ {n}")
    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    text = factory.Sequence(lambda n: f"تعليق مفيد رقم {n} على الخبر.")
    status = "approved"
    ip_hash = "0123456789abcdef"

    @factory.post_generation
    def counted(comment, create, extracted, **kwargs):
        """Keep the article's public comment count in step, as the services do."""
        if create:
            from comments.models import refresh_comment_count

            refresh_comment_count(comment.article_id)
