"""The life cycle of an official document (公文, R-DOC-1 … R-DOC-3), as a table (core.transitions)."""

from core.transitions import CREATED, Machine, Transition
from documents.models import IssuedDocument

S = IssuedDocument.Status

DOCUMENT = Machine(
    "公文（IssuedDocument）",
    IssuedDocument.Status,
    [
        Transition(
            "draft",
            "起草",
            (CREATED,),
            S.DRAFT,
            "发文机关有起草权限的人员（documents.add_issueddocument）",
            "",
            "督办单只对逾期、未报告整改完成的问题；一个问题只交办一次",
        ),
        Transition(
            "update",
            "修改",
            (S.DRAFT,),
            None,
            "发文机关有修改权限的人员（documents.change_issueddocument）",
            "已签发的公文不能修改",
            "标题不能为空；他人已修改时须刷新后重试",
        ),
        Transition(
            "issue",
            "签发",
            (S.DRAFT,),
            S.ISSUED,
            "发文机关有签发权限的人员（documents.issue_issueddocument），签发前再次输入密码",
            "该公文已签发",
            "取本机关当年下一个发文字号（不跳号）；生成文件并保存SM3摘要，此后不可修改",
        ),
    ],
)
