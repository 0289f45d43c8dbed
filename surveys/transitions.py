"""The life cycles of surveys (core.transitions): a questionnaire (草稿 → 已发布 ⇄ 已停用; each
发布 freezes a new version), a round (未开始 → 收集中 → 已结束) and a 履职测评, stage by stage
(部门自查报告 → 代表测评 → 评议会议 → 问题清单 → 整改落实 → 结果报告 → 已完成)."""

from core.transitions import CREATED, Machine, Transition
from surveys.choices import EvaluationStage, QuestionnaireStatus, SurveyStatus

Q = QuestionnaireStatus
S = SurveyStatus
E = EvaluationStage
ORGANISER = "组织单位督查员（surveys.change_survey）"

QUESTIONNAIRE = Machine(
    "问卷（Questionnaire）",
    QuestionnaireStatus,
    [
        Transition(
            "create",
            "新建问卷",
            (CREATED,),
            Q.DRAFT,
            "督查员（surveys.add_questionnaire），可从模板新建",
            "",
        ),
        Transition(
            "publish",
            "发布",
            (Q.DRAFT, Q.PUBLISHED),
            Q.PUBLISHED,
            "督查员（surveys.publish_questionnaire）",
            "已停用的问卷不能发布",
            "至少一题；每个分节有题；选项、矩阵行和显示条件完整；发布后有修改才生成新版本",
        ),
        Transition(
            "archive",
            "停用",
            (Q.PUBLISHED,),
            Q.ARCHIVED,
            "督查员（surveys.change_questionnaire）",
            "只有已发布的问卷可以停用",
            "停用后不能用于新的测评；已有测评不受影响",
        ),
        Transition(
            "restore",
            "恢复",
            (Q.ARCHIVED,),
            Q.PUBLISHED,
            "督查员（surveys.change_questionnaire）",
            "只有已停用的问卷可以恢复",
        ),
    ],
)

SURVEY = Machine(
    "测评（Survey）",
    SurveyStatus,
    [
        Transition(
            "create",
            "新建测评",
            (CREATED,),
            S.DRAFT,
            "督查员（surveys.add_survey），在其范围内的单位",
            "",
            "须选已发布的问卷（使用其最新版本）和至少一个被测评单位；截止日期不早于开始日期",
        ),
        Transition(
            "open",
            "开始收集",
            (S.DRAFT,),
            S.OPEN,
            ORGANISER,
            "只有未开始的测评可以开始收集",
            "答题码方式须已发放答题码",
        ),
        Transition(
            "close",
            "结束收集",
            (S.OPEN,),
            S.CLOSED,
            ORGANISER + "；过了截止日期由系统结束",
            "只有收集中的测评可以结束",
        ),
    ],
)

EVALUATION = Machine(
    "履职测评（Evaluation）",
    EvaluationStage,
    [
        Transition(
            "create",
            "启动测评",
            (CREATED,),
            E.SELF_REPORT,
            "督查员（surveys.add_evaluation），被测评部门在其范围内",
            "",
        ),
        Transition(
            "self_report",
            "提交自查报告",
            (E.SELF_REPORT,),
            E.SURVEY,
            "被测评部门人员（surveys.report_evaluation）",
            "自查报告已提交",
            "须填写自查报告",
        ),
        Transition(
            "start_survey",
            "发起代表测评",
            (E.SURVEY,),
            E.MEETING,
            ORGANISER.replace("change_survey", "change_evaluation"),
            "只有提交自查报告后才能发起代表测评",
            "以答题码方式发放给人大代表",
        ),
        Transition(
            "record_meeting",
            "记录评议会议",
            (E.MEETING, E.PROBLEMS),
            E.PROBLEMS,
            ORGANISER.replace("change_survey", "change_evaluation"),
            "只有代表测评发起后才能记录评议会议",
            "须填写会议日期和纪要",
        ),
        Transition(
            "list_problems",
            "形成问题清单",
            (E.PROBLEMS,),
            E.RECTIFY,
            ORGANISER.replace("change_survey", "change_evaluation") + "，同时具有新增问题权限",
            "须先记录评议会议",
            "至少一个问题；问题进入整改台账（来源：人大测评）",
        ),
        Transition(
            "report_result",
            "形成结果报告",
            (E.RECTIFY,),
            E.RESULT,
            ORGANISER.replace("change_survey", "change_evaluation"),
            "只有问题清单形成后才能形成结果报告",
            "起草结果报告（GB/T 9704公文），送领导签发",
        ),
        Transition(
            "finish",
            "完成",
            (E.RESULT,),
            E.DONE,
            "系统：结果报告签发后",
            "结果报告签发后才能完成",
        ),
    ],
)
