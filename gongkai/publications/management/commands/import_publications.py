"""gongkai import_publications FILE --agency ID — migrate an old site's publications."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from gongkai.agencies.models import Agency
from gongkai.publications.importer import ImportFormatError, import_file


class Command(BaseCommand):
    help = "Import existing publications from CSV, XLSX or JSON, keeping legacy index numbers."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--agency", type=int, required=True, help="agency id (catalogue owner)")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, file, agency, no_progress=False, **opts):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        owner = Agency.objects.filter(pk=agency).first()
        if owner is None:
            raise CommandError(f"机关 {agency} 不存在")

        def progress(rows):
            return tqdm(rows, desc="导入", unit="条", disable=no_progress, file=self.stderr)

        try:
            result = import_file(path, owner, filename=path.name, progress=progress)
        except ImportFormatError as e:
            raise CommandError(e.message) from e
        for e in result.errors:
            self.stderr.write(f"第{e['row']}行：{e['message']}")
        for w in result.warnings:
            self.stderr.write(f"第{w['row']}行（提示）：{w['message']}")
        self.stdout.write(
            f"{owner.name}：共{result.total}行，导入{result.imported}条，失败{len(result.errors)}行"
        )
        if result.errors and not result.imported:
            raise CommandError("没有导入任何信息")
