"""The life cycle of an official document (公文, R-DOC-1 … R-DOC-3), as a table (core.transitions):
drafted by the 督查室, 送签 to a leader, who returns it with comments or signs it (签发); only a
signed document is numbered, issued and frozen."""

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
            "发文机关有起草权限的人员（documents.add_issueddocument）；红色任务的督办单由系统起草",
            "",
            "督办单只对逾期、未报告整改完成的问题，或红灯的交办（同一逾期只发一次）；一个问题只交办一次",
        ),
        Transition(
            "update",
            "修改",
            (S.DRAFT,),
            None,
            "发文机关有修改权限的人员（documents.change_issueddocument）",
            "只有草稿可以修改：送签中的公文请先撤回，已签发的公文不能修改",
            "标题不能为空；他人已修改时须刷新后重试",
        ),
        Transition(
            "submit",
            "送签",
            (S.DRAFT,),
            S.SUBMITTED,
            "发文机关有修改权限的人员（documents.change_issueddocument）",
            "只有草稿可以送签",
            "签发人须是发文机关有签发权限的领导且不是起草人；也可送本机关任一领导",
        ),
        Transition(
            "withdraw",
            "撤回",
            (S.SUBMITTED,),
            S.DRAFT,
            "发文机关有修改权限的人员（documents.change_issueddocument）",
            "只有待签发的公文可以撤回",
            "",
        ),
        Transition(
            "return",
            "退回",
            (S.SUBMITTED,),
            S.DRAFT,
            "发文机关有签发权限的领导（documents.issue_issueddocument），不是起草人",
            "只有待签发的公文可以退回",
            "须填写退回意见；指定了签发人时只有该领导可以退回",
        ),
        Transition(
            "issue",
            "签发",
            (S.SUBMITTED,),
            S.ISSUED,
            "发文机关有签发权限的领导（documents.issue_issueddocument），不是起草人，签发前再次输入密码",
            "只有送签后待签发的公文可以签发",
            "指定了签发人时只有该领导可以签发；取本机关当年下一个发文字号（不跳号）；"
            "生成文件并保存SM3摘要，此后不可修改",
        ),
    ],
)
