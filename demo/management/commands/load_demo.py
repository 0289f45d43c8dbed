"""manage.py load_demo — the demo province 示范省, built through the real services.

manage.py load_demo              # full: 14 cities, ~100 counties, a few hundred tasks
manage.py load_demo --small      # 2 cities, 6 counties, a few dozen tasks (tests)
manage.py load_demo --if-empty   # do nothing when the database already holds units
manage.py load_demo --accounts   # only print the table of demo accounts
"""

from django.core.management.base import BaseCommand, CommandError

from core.db import analyze
from demo.builder import DemoBuilder
from demo.data import DEMO_PASSWORD
from demo.organisation import accounts_table
from org.models import Unit


class Command(BaseCommand):
    help = "加载示范省演示数据（通过业务服务写入，时间线真实）"

    def add_arguments(self, parser):
        parser.add_argument("--small", action="store_true", help="缩小规模（2个市、6个县），用于测试")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（相同种子生成相同数据）")
        parser.add_argument("--if-empty", action="store_true", help="数据库已有单位时跳过")
        parser.add_argument("--accounts", action="store_true", help="只打印演示账号表")

    def handle(self, *args, small, seed, if_empty, accounts, **options):
        if accounts:
            self.print_accounts()
            return
        if Unit.objects.exists():
            if if_empty:
                self.stdout.write("数据库已有数据，跳过加载示范数据。")
                return
            raise CommandError("数据库中已有单位数据：示范数据只能加载到空数据库（可先删除数据目录）")
        self.stdout.write("正在加载示范省数据（按时间顺序通过业务服务写入）……")
        builder = DemoBuilder(small=small, seed=seed, out=self.stdout.write)
        summary = builder.run()
        analyze()  # planner statistics for the freshly loaded tables
        self.stdout.write(self.style.SUCCESS(f"示范数据加载完成，用时{summary['seconds']}秒"))
        self.stdout.write("  单位：" + "，".join(f"{k}{v}个" for k, v in summary["units"].items()))
        self.stdout.write(
            f"  账号：{summary['accounts']}个；角色授权："
            + "，".join(f"{k}{v}" for k, v in summary["roles"].items())
        )
        self.stdout.write(
            f"  任务：{summary['tasks']}项（"
            + "，".join(f"{k}{v}" for k, v in summary["task_lights"].items())
            + "）"
        )
        self.stdout.write("  交办：" + "，".join(f"{k}{v}" for k, v in summary["assignments"].items()))
        self.stdout.write(f"  进展报告：{summary['reports']}份；业务事件：{summary['events']}个")
        self.stdout.write(
            f"  专项督查：{summary['campaigns']}次，检查记录{summary['records']}条（重点场所{summary['key_sites']}次），"
            f"问题{summary['problems']}个（"
            + "，".join(f"{k}{v}" for k, v in summary["problem_statuses"].items())
            + f"；逾期{summary['overdue']}个，回头看{summary['rechecks']}次，反弹{summary['regressions']}个）"
        )
        self.stdout.write(
            f"  公文：已签发{summary['documents_issued']}份，草稿{summary['documents_draft']}份"
        )

    def print_accounts(self):
        rows = accounts_table()
        if not rows:
            self.stdout.write("（尚无演示账号）")
            return
        headers = ("账号", "姓名", "角色", "单位")
        widths = [max(_width(r[i]) for r in [headers, *rows]) for i in range(4)]
        for row in [headers, *rows]:
            self.stdout.write("  " + "  ".join(_pad(v, widths[i]) for i, v in enumerate(row)))
        self.stdout.write(f"  所有演示账号的密码：{DEMO_PASSWORD}")
        self.stdout.write(
            "  账号命名：sf_ 省级；市名拼音首字母（dhs=东湖市）_duchayuan/_fuzeren/_lianluoyuan；"
            "县级再加县名首字母（如 dhs_cg_lianluoyuan）"
        )


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
