from urllib.parse import unquote

from django.core.management.base import BaseCommand, CommandError

from newsroom import benchmark


class Command(BaseCommand):
    help = (
        "Time in-process renders of pages with the whole-page cache bypassed (a session cookie): "
        "cold (cache cleared before each) and with the fragments warm. Clears the cache."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="default: the home page and the newest article")
        parser.add_argument("--iterations", type=int, default=15, help="renders per path and mode (1-500)")

    def handle(self, *args, paths, iterations, **options):
        if not 1 <= iterations <= 500:
            raise CommandError("--iterations takes 1 to 500.")
        labels = [unquote(path) for path in paths]
        if not paths:
            paths, labels = ["/", benchmark.sample_urls()["article"]], ["home", "article"]
        try:
            timings = benchmark.time_renders(paths, iterations)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{'in-process render (ms)':<24}{'cold: median':>13}{'p95':>8}{'warm: median':>14}{'p95':>8}"
            "   queries cold / warm"
        )
        for label, timing in zip(labels, timings, strict=True):
            cold_median, cold_p95, warm_median, warm_p95 = timing.milliseconds()
            self.stdout.write(
                f"{label:<24.24}{cold_median:>13.1f}{cold_p95:>8.1f}{warm_median:>14.1f}{warm_p95:>8.1f}"
                f"   {timing.cold_queries} / {timing.warm_queries}"
            )
