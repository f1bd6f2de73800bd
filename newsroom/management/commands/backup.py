from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from newsroom import backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump of the server's version) and the media files into one "
        "new folder, with a manifest of row counts and checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=settings.BASE_DIR / "backups",
            help="folder of backups (default backups/)",
        )
        parser.add_argument("--keep", type=int, metavar="N", help="then delete all but the newest N backups")

    def handle(self, *args, output, keep, **options):
        if keep is not None and keep < 1:
            raise CommandError(_("--keep يقبل عدداً من 1 فأكثر."))
        try:
            created = backup.create(output)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(created))
        if keep:
            for path in backup.prune(output, keep):
                self.stdout.write(_("حُذفت النسخة القديمة %(path)s") % {"path": path})
