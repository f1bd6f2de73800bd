from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsroom import planner
from wordpress import wxr
from wordpress.importer import Importer
from wordpress.importing.report import KIND_LABELS, OUTCOMES, Kind, Report


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR 1.1/1.2, from Tools → Export): authors, categories, tags, "
        "posts with their images, comments and old URLs. Safe to run again: what was imported "
        "and has not changed in WordPress is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="the WordPress export file (.xml)")
        parser.add_argument(
            "--uploads",
            type=Path,
            metavar="DIR",
            help="a copy of the site's wp-content/uploads folder; without it, images are downloaded from the site",
        )
        parser.add_argument(
            "--no-download",
            action="store_true",
            help="never download images; those not in --uploads are reported as problems",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="do everything and report it, then roll it back: nothing is written, no file is stored",
        )

    def handle(self, *args, export, uploads=None, no_download=False, dry_run=False, verbosity=1, **options):
        if uploads is not None and not uploads.is_dir():
            raise CommandError(f"--uploads {uploads} is not a folder.")
        try:
            data = wxr.parse(export)
        except wxr.WXRError as error:
            raise CommandError(f"{export}: {error} Nothing was imported.") from None
        posts = data.items_of("post")
        if verbosity >= 1:
            self.stdout.write(
                f"{data.title or export.name} (WXR {data.version}): {len(data.authors)} authors, "
                f"{len(data.categories)} categories, {len(data.tags)} tags, {len(posts)} posts, "
                f"{sum(len(post.comments) for post in posts)} comments, "
                f"{len(data.items_of('attachment'))} media files."
            )
            if dry_run:
                self.stdout.write("Dry run: everything is rolled back at the end.")
        importer = Importer(
            data,
            uploads=uploads,
            download=not no_download,
            dry_run=dry_run,
            progress=self.stdout.write if verbosity >= 1 else None,
            log=self.stdout.write if verbosity >= 2 else None,
        )
        report = importer.run()
        if not dry_run:
            planner.analyze()
        self.summary(report, verbosity)

    def summary(self, report: Report, verbosity: int) -> None:
        write = self.stdout.write
        if verbosity >= 1:
            write(self.style.MIGRATE_HEADING("Would be imported:" if report.dry_run else "Imported:"))
            write(f"  {'':<11}" + "".join(f"{outcome:>11}" for outcome in OUTCOMES))
            for kind, label in KIND_LABELS.items():
                counts = report.counts.get(kind, {})
                write(f"  {label:<11}" + "".join(f"{counts.get(outcome, 0):>11}" for outcome in OUTCOMES))
            write("  (linked: matched something the newsroom already had; unchanged: imported before)")
            if report.counts.get(Kind.CATEGORY, {}).get("created"):
                write("New sections are not in the menu: choose the ones to show in admin → Sections.")
            if report.not_imported:
                write(self.style.MIGRATE_HEADING("Not imported:"))
                for reason, number in sorted(report.not_imported.items()):
                    write(f"  {number} {reason}")
            if report.private_posts:
                write(self.style.MIGRATE_HEADING("Private posts, imported as drafts (not public):"))
                for label in report.private_posts:
                    write(f"  {label}")
        if report.problems:
            write(self.style.WARNING(f"Problems ({len(report.problems)}):"))
            for problem in report.problems:
                write(f"  {problem}")
        totals = (
            f"{report.total('created')} created, {report.total('updated')} updated, "
            f"{len(report.problems)} problems"
        )
        if report.dry_run:
            write(self.style.SUCCESS(f"Dry run, nothing was written; the import would give: {totals}."))
        else:
            write(self.style.SUCCESS(f"Done: {totals}."))
