import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article, AuthorProfile, MediaImage, Section, Tag

pytestmark = pytest.mark.django_db


def counts():
    models = [get_user_model(), Article, Section, AuthorProfile, Tag, MediaImage]
    return {model.__name__: model.objects.count() for model in models}


def test_demo_content_is_rich_and_loading_it_twice_duplicates_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    first = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == first

    assert first["Article"] >= 40
    assert first["Section"] >= 6
    assert first["AuthorProfile"] >= 4
    published = Article.objects.published()
    assert published.filter(is_featured=True).count() == 1
    assert published.breaking().exists()
    assert Article.objects.filter(status=Article.Status.PUBLISHED).exclude(pk__in=published).count() >= 1
    assert Article.objects.translated("en").count() >= 3
    assert Article.objects.filter(featured_image__isnull=True).count() == 0
    # Planted spelling variants of a tag ended up as one tag.
    assert (
        not Tag.objects.filter(name="الإقتصاد").exists() or not Tag.objects.filter(name="الاقتصاد").exists()
    )
