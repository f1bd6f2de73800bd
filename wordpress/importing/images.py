"""A post's pictures: its featured image, the pictures of its body and its galleries, each
stored once as a validated MediaImage with renditions (a dry run checks them, stores none)."""

import hashlib
import posixpath
import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from articles import images as image_rules
from articles.models import MediaImage
from wordpress import content, wxr
from wordpress.importing.context import Context, Staged
from wordpress.importing.report import ItemProblem, Kind
from wordpress.importing.uploads import Uploads, original_path

GALLERY = re.compile(r"\[gallery\b([^\]]*)\]")


class _DryRunImage:
    """Stands for an image a dry run checked but did not store."""


DRY_RUN_IMAGE = _DryRunImage()


class StoredFiles(Staged):
    """The files of the images an item stored: deleted if its transaction rolls back (orphans otherwise)."""

    def __init__(self):
        self._names: list[str] = []

    def add(self, image: MediaImage) -> None:
        self._names += image.stored_names

    def keep(self) -> None:
        self._names = []

    def drop(self) -> None:
        for name in self._names:
            default_storage.delete(name)
        self._names = []


class Images:
    def __init__(self, context: Context, uploads: Uploads):
        self.context = context
        self.uploads = uploads
        self.attachments = {item.wp_id: item for item in context.export.items_of("attachment")}
        self.attachments_by_parent: dict[str, list[wxr.Item]] = defaultdict(list)
        self.attachments_by_path: dict[str, wxr.Item] = {}
        for attachment in self.attachments.values():
            self.attachments_by_parent[attachment.parent_id].append(attachment)
            if path := uploads.path(attachment.attachment_url):
                self.attachments_by_path.setdefault(path, attachment)
        self._images = context.cache()  # key → (MediaImage, DRY_RUN_IMAGE or None, why not)
        self._stored = context.staged(StoredFiles())
        self._used: set[str] = set()  # the attachments posts use

    def mark_used(self, item: wxr.Item) -> None:
        """The media-library items a post uses: featured image, pictures in the body, galleries."""
        ids = {item.meta.get("_thumbnail_id", "")}
        for source in content.image_sources(item.content):
            if (path := self.uploads.path(source)) and (attachment := self._attachment_for_path(path)):
                ids.add(attachment.wp_id)
        for attributes in GALLERY.findall(item.content):
            named, _positional = content.shortcode_attributes(attributes)
            if gallery_ids := named.get("ids", named.get("include", "")):
                ids.update(part.strip() for part in gallery_ids.split(","))
            else:
                ids.update(attachment.wp_id for attachment in self.attachments_by_parent.get(item.wp_id, []))
        self._used |= ids - {""}

    def unused(self) -> int:
        """How many media-library files no post uses."""
        return sum(1 for wp_id in self.attachments if wp_id not in self._used)

    def featured(self, item: wxr.Item, title: str) -> tuple[MediaImage | _DryRunImage | None, str]:
        """A post's featured image and its caption."""
        wp_id = item.meta.get("_thumbnail_id", "").strip()
        if not wp_id:
            return None, ""
        attachment = self.attachments.get(wp_id)
        if attachment is None or not attachment.attachment_url:
            self.context.post_problem(item, f"featured image {wp_id} is not in the export")
            return None, ""
        image = self._image(attachment.attachment_url, attachment, item, title)
        return image, content.plain_text(attachment.excerpt)

    def inline(self, url: str, context: str, item: wxr.Item, title: str) -> str | None:
        """The new address of a picture the body shows ("img") or links to ("link"), if imported."""
        path = self.uploads.path(url)
        if path is None:
            if context == "img" and re.match(r"(?:https?:)?//", url):
                self.context.post_problem(item, f"image {url} is on another site; left as it is")
            return None
        attachment = self._attachment_for_path(path)
        if context == "link" and self._key(path, attachment) not in self._images:
            return None  # a link to a picture the body does not show: left pointing at the old site
        image = self._image(url, attachment, item, title)
        return image.file.url if isinstance(image, MediaImage) else None

    def gallery(self, item: wxr.Item, ids: list[str] | None) -> list[tuple[str, str, str]]:
        """A [gallery]'s pictures (address, alt text, caption): those listed, else all the post's."""
        if ids is None:
            attachments = self.attachments_by_parent.get(item.wp_id, [])
        else:
            attachments = [self.attachments[wp_id] for wp_id in ids if wp_id in self.attachments]
            if missing := [wp_id for wp_id in ids if wp_id not in self.attachments]:
                self.context.post_problem(item, f"gallery images {', '.join(missing)} are not in the export")
        return [
            (a.attachment_url, a.meta.get("_wp_attachment_image_alt", ""), content.plain_text(a.excerpt))
            for a in attachments
            if a.attachment_url
        ]

    def _attachment_for_path(self, path: str) -> wxr.Item | None:
        original = original_path(path)
        for candidate in (path, original):
            if attachment := self.attachments_by_path.get(candidate):
                return attachment
        stem, extension = posixpath.splitext(original)
        return self.attachments_by_path.get(f"{stem}-scaled{extension}")

    @staticmethod
    def _key(path: str, attachment: wxr.Item | None) -> str:
        """How an image is remembered: its attachment id, else its full-size file."""
        if attachment is not None:
            return attachment.wp_id
        original = original_path(path)
        key = f"file:{original}"
        return key if len(key) <= 255 else f"file:{hashlib.sha256(original.encode()).hexdigest()}"

    def _image(self, url: str, attachment: wxr.Item | None, item: wxr.Item, title: str):
        """The MediaImage of an uploaded picture, imported once; None (and a problem) if it cannot be."""
        path = self.uploads.path(url)
        if path is None:
            self.context.post_problem(item, f"image {url} is not one of the site's uploads")
            return None
        if attachment is None:
            attachment = self._attachment_for_path(path)
        if attachment is not None:
            self._used.add(attachment.wp_id)
        key = self._key(path, attachment)
        if key not in self._images:
            self._images.put(key, self._import(key, url, path, attachment, title))
        image, reason = self._images.get(key)
        if image is None:
            self.context.post_problem(item, f"image {url}: {reason}")
        return image

    def _import(self, key: str, url: str, path: str, attachment: wxr.Item | None, title: str):
        """The image an earlier run imported, else the picture read, checked and stored; or None and why."""
        _mapping, image_id = self.context.memory.find(Kind.ATTACHMENT, key)
        if image_id and (image := MediaImage.objects.filter(pk=image_id).first()):
            return image, ""
        try:
            name, data = self.uploads.read(url, path, attachment)
            upload = ContentFile(data, name=name)
            image_rules.validate_image_upload(upload)
        except (ItemProblem, ValidationError) as error:
            return None, " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        self.context.on_the_way.add(Kind.ATTACHMENT, "created")
        if self.context.dry_run:  # checked, not stored: a dry run writes no files
            return DRY_RUN_IMAGE, ""
        alt = attachment.meta.get("_wp_attachment_image_alt", "") if attachment else ""
        alt = content.plain_text(alt or (attachment.title if attachment else "") or title)[:250]
        image = MediaImage(
            alt_text=alt or title[:250],
            caption=content.plain_text(attachment.excerpt)[:300] if attachment else "",
            file=upload,
        )
        image.save()
        self._stored.add(image)
        self.context.memory.remember(Kind.ATTACHMENT, key, image.pk)
        return image, ""
