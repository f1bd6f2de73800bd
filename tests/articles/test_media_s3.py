"""MEDIA_STORAGE=s3: uploads and renditions are objects in an S3-compatible store, linked directly.

The store is moto's S3 server, started by the tests on a loopback port and reached over HTTP
by boto3 exactly as a real one (AWS S3, Cloudflare R2, MinIO) would be.
"""

import json
import urllib.request

import boto3
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from moto.server import ThreadedMotoServer

from articles.models import MediaImage
from newsroom.env import MEDIA_CACHE_CONTROL, s3_media_storage
from tests.articles.test_media import jpeg_with_gps, upload
from tests.factories import ArticleFactory, MediaImageFactory
from tests.servers import free_port

pytestmark = pytest.mark.django_db

BUCKET = "midad-media"
CDN = "https://cdn.news.example"
CREDENTIALS = {"S3_ACCESS_KEY_ID": "test-key", "S3_SECRET_ACCESS_KEY": "test-secret"}
# What the README asks of a production bucket: anyone may read its objects, no one may list them.
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/*",
        }
    ],
}


@pytest.fixture(scope="session")
def s3_server():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server):
    """An empty bucket of the S3 server, as boto3 outside Django sees it."""
    client = boto3.client(
        "s3", endpoint_url=s3_server, region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["S3_ACCESS_KEY_ID"], aws_secret_access_key=CREDENTIALS["S3_SECRET_ACCESS_KEY"],
    )  # fmt: skip
    client.create_bucket(Bucket=BUCKET)
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ))
    yield client
    for stored in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=stored["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> set[str]:
    return {stored["Key"] for stored in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


@pytest.fixture
def s3_media(s3_server, bucket, settings, monkeypatch):
    """The site configured as settings.py does for MEDIA_STORAGE=s3 with this environment."""

    def configure(**environment):
        defaults = {"S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": s3_server, **CREDENTIALS}
        for name, value in {**defaults, **environment}.items():
            monkeypatch.setenv(name, value)
        storage, origin = s3_media_storage()
        settings.STORAGES = {**settings.STORAGES, "default": storage}
        settings.SECURE_CSP = {**settings.SECURE_CSP, "img-src": [*settings.SECURE_CSP["img-src"], origin]}
        return bucket

    return configure


def test_an_upload_and_its_renditions_are_objects_in_the_bucket_that_anyone_can_fetch(
    client, journalist, s3_server, s3_media
):
    bucket = s3_media()
    client.force_login(journalist)

    assert upload(client, jpeg_with_gps((1000, 600))).status_code == 302

    image = MediaImage.objects.get()
    assert keys(bucket) == set(image.stored_names)
    assert len(image.stored_names) == 5  # the original, WebP and JPEG at 480 and 800 pixels
    rendition = image.rendition_url(800, "webp")
    assert rendition.startswith(f"{s3_server}/{BUCKET}/images/")
    with urllib.request.urlopen(rendition) as fetched:  # no signature: a public address
        assert fetched.read(12)[8:12] == b"WEBP"
    assert bucket.head_object(Bucket=BUCKET, Key=image.file.name)["CacheControl"] == MEDIA_CACHE_CONTROL


def test_the_article_page_links_its_pictures_at_the_cdn_and_its_csp_allows_them(client, s3_media):
    s3_media(MEDIA_CDN_URL=CDN)
    article = ArticleFactory(featured_image=MediaImageFactory(file__width=1600, file__height=900))

    response = client.get(article.get_absolute_url())

    html = response.content.decode()
    share_url = article.featured_image.share_url
    assert share_url.startswith(f"{CDN}/images/")
    assert share_url.endswith("/1200w.jpg")
    assert f'<meta property="og:image" content="{share_url}">' in html
    assert f'src="{article.featured_image.smallest_url}"' in html
    assert f"{CDN}/images/" in article.featured_image.srcset
    assert CDN in response["Content-Security-Policy"].split("img-src")[1].split(";")[0]


def test_two_uploads_with_the_same_file_name_are_two_objects(client, journalist, s3_media):
    bucket = s3_media()
    client.force_login(journalist)

    upload(client, jpeg_with_gps((500, 300)))
    upload(client, jpeg_with_gps((700, 300)))

    first, second = MediaImage.objects.order_by("pk")
    assert first.file.name != second.file.name
    assert keys(bucket) == {*first.stored_names, *second.stored_names}


def test_deleting_an_image_in_the_admin_removes_its_objects_and_no_others(
    client, editor, s3_media, django_capture_on_commit_callbacks
):
    bucket = s3_media()
    kept, deleted = MediaImageFactory(), MediaImageFactory()
    assert keys(bucket) == {*kept.stored_names, *deleted.stored_names}
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_mediaimage_delete", args=[deleted.pk]), {"post": "yes"}
        )

    assert response.status_code == 302
    assert keys(bucket) == set(kept.stored_names)


def test_a_file_another_image_row_still_uses_is_kept(s3_media, django_capture_on_commit_callbacks):
    bucket = s3_media()
    image = MediaImageFactory()
    reuse = MediaImage.objects.create(
        file=image.file.name, alt_text="الصورة نفسها", renditions=image.renditions
    )

    with django_capture_on_commit_callbacks(execute=True):
        reuse.delete()

    assert keys(bucket) == set(image.stored_names)
    assert default_storage.exists(image.file.name)


def test_on_aws_without_an_endpoint_pages_link_the_bucket_itself(monkeypatch):
    monkeypatch.setenv("S3_BUCKET", BUCKET)
    monkeypatch.setenv("S3_REGION", "eu-central-1")
    monkeypatch.delenv("S3_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("MEDIA_CDN_URL", raising=False)

    storage, origin = s3_media_storage()

    assert origin == f"https://{BUCKET}.s3.eu-central-1.amazonaws.com"
    assert storage["OPTIONS"]["custom_domain"] == f"{BUCKET}.s3.eu-central-1.amazonaws.com"
    assert storage["OPTIONS"]["endpoint_url"] is None
