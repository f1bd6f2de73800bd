from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from newsroom import backup


class Command(BaseCommand):
    help = (
        "Replace the database and the media files with those of a backup made by `manage.py backup`, "
        "then check row counts and checksums against its manifest. Stop the web and worker processes first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", metavar="backup", type=Path, help="a backup folder, e.g. backups/midad-20260101-030000"
        )
        parser.add_argument(
            "--yes", "--noinput", action="store_true", dest="confirmed", help="confirm replacing all data"
        )

    def handle(self, *args, path, confirmed, **options):
        if not confirmed:
            raise CommandError(
                _("الاستعادة تستبدل كل البيانات والملفات الحالية بما في النسخة؛ أضف --yes للتأكيد.")
            )
        try:
            report = backup.restore(path)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        for table, rows in report.tables.items():
            self.stdout.write(f"{table}: {rows}")
        self.stdout.write(
            _("ملفات الوسائط المستعادة: %(count)s، وبصماتها تطابق النسخة.") % {"count": report.media_files}
        )
        if report.unknown_migrations:
            self.stderr.write(
                _("تحذير: النسخة من إصدار أحدث من هذا الكود (ترحيلات غير معروفة هنا: %(names)s).")
                % {"names": ", ".join(report.unknown_migrations)}
            )
        if report.pending_migrations:
            self.stdout.write(_("النسخة أقدم من هذا الكود: شغّل manage.py migrate."))
        if report.tables_not_in_backup:
            self.stderr.write(
                _("تحذير: جداول ليست في النسخة بقيت كما هي: %(names)s")
                % {"names": ", ".join(report.tables_not_in_backup)}
            )
