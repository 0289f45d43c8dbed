"""The four questionnaire templates as data (R-SVY-1): 门诊患者满意度, 住院患者满意度, 居民满意度 and
人大代表履职测评, and `questionnaire_from_template`, which copies one into a new draft.

The patient items follow the national 卫健委 patient satisfaction survey (挂号、候诊、医生沟通、护士服务、
环境、收费、隐私、总体满意; 住院: 入院、病房、医护、饮食、出院指导). Each template has scored
choices (非常满意 100 … 非常不满意 0; 不清楚 has no score and stays out of the index), a matrix of
ratings, a skip rule (总体不满意 → 原因) and an optional comment. Keys are given in order (q1, q2 …);
a skip rule names an earlier question by its `ref`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from surveys import builder
from surveys.choices import QuestionnaireKind, QuestionType
from surveys.models import Question, Questionnaire, Section

T = QuestionType

SATISFACTION = [
    {"key": "a", "label": "非常满意", "score": 100},
    {"key": "b", "label": "满意", "score": 80},
    {"key": "c", "label": "一般", "score": 60},
    {"key": "d", "label": "不满意", "score": 20},
    {"key": "e", "label": "非常不满意", "score": 0},
]
UNKNOWN = {"key": "x", "label": "不清楚/未接触", "score": None}
NPC_SCALE = [
    {"key": "a", "label": "满意", "score": 100},
    {"key": "b", "label": "基本满意", "score": 70},
    {"key": "c", "label": "不满意", "score": 0},
]
UNHAPPY = ["d", "e"]


def sat(text, *, unknown=False, ref="", show_if=None):
    options = SATISFACTION + ([UNKNOWN] if unknown else [])
    return {"type": T.SINGLE, "text": text, "options": options, "ref": ref, "show_if": show_if}


def choice(text, labels, *, scores=None, multiple=False, required=True, ref="", show_if=None):
    keys = "abcdefghijklmnop"
    options = [
        {"key": keys[i], "label": label, "score": scores[i] if scores else None}
        for i, label in enumerate(labels)
    ]
    return {
        "type": T.MULTIPLE if multiple else T.SINGLE,
        "text": text,
        "options": options,
        "required": required,
        "scored": bool(scores),
        "ref": ref,
        "show_if": show_if,
    }


def rating(text, top=5, *, required=True):
    return {"type": T.RATING10 if top == 10 else T.RATING5, "text": text, "required": required}


def matrix(text, labels, *, hint="1分为很不满意，5分为非常满意"):
    rows = [{"key": f"r{i + 1}", "label": label} for i, label in enumerate(labels)]
    return {"type": T.MATRIX, "text": text, "rows": rows, "help": hint}


def why(text="您不满意的主要原因是什么？", ref="overall", values=UNHAPPY):
    return {"type": T.LONG, "text": text, "required": False, "show_if": {"ref": ref, "values": values}}


def comment(text="您对我们还有哪些意见和建议？"):
    return {"type": T.LONG, "text": text, "required": False}


def section(title, description, *questions):
    return {"title": title, "description": description, "questions": list(questions)}


OVERALL = sat("总体来说，您对本次就医经历是否满意？", ref="overall")

OUTPATIENT = {
    "title": "门诊患者满意度调查",
    "intro": "为了解您在本院门诊的就医感受、持续改进服务，请您花约3分钟填写本问卷。"
    "问卷不记名，不收集您的个人信息，结果仅用于改进工作。",
    "sections": [
        section(
            "挂号与候诊",
            "",
            sat("您对挂号（含网上、自助机预约）的便捷程度是否满意？"),
            choice(
                "您从挂号到就诊大约等候了多长时间？",
                ["15分钟以内", "15–30分钟", "30分钟–1小时", "1小时以上"],
                scores=[100, 80, 40, 0],
            ),
            sat("您对候诊区的秩序和叫号安排是否满意？"),
        ),
        section(
            "医生与护士",
            "",
            sat("医生是否耐心听取您的病情描述，并用您能听懂的方式解释病情和治疗方案？"),
            rating("请为医生的服务态度打分（1分最低，5分最高）"),
            sat("您对护士（导诊、分诊、治疗）的服务态度是否满意？"),
            matrix("请对以下就诊环节评分", ["挂号", "候诊", "检查检验", "缴费", "取药"]),
        ),
        section(
            "环境、收费与隐私",
            "",
            sat("您对门诊环境（卫生、标识、卫生间）是否满意？"),
            sat("您对收费是否透明、合理是否满意？", unknown=True),
            choice(
                "就诊时您的隐私是否得到保护（如一医一患一诊室）？",
                ["是", "基本是", "否"],
                scores=[100, 60, 0],
            ),
        ),
        section(
            "总体评价",
            "",
            OVERALL,
            why(),
            rating("您向亲友推荐本院的可能性有多大？（1–10分）", 10, required=False),
            comment(),
        ),
    ],
}

INPATIENT = {
    "title": "住院患者满意度调查",
    "intro": "感谢您在住院期间对我们工作的支持。请根据本次住院的真实感受填写问卷，约需5分钟。"
    "问卷不记名，不收集您的个人信息。",
    "sections": [
        section(
            "入院",
            "",
            sat("您对入院手续办理的便捷程度是否满意？"),
            sat("入院时护士是否向您介绍病区环境、作息和注意事项？"),
        ),
        section(
            "病房",
            "",
            sat("您对病房的整洁、安静程度是否满意？"),
            sat("您对病房设施（床单被服、卫生间、热水）是否满意？"),
        ),
        section(
            "医护服务",
            "",
            sat("医生查房时是否向您解释病情、检查结果和治疗方案？"),
            sat("您呼叫护士时，护士是否及时回应？"),
            rating("住院期间您的疼痛是否得到及时处理？（1分很差，5分很好）"),
            matrix("请对以下医护服务评分", ["医生技术", "医生态度", "护士技术", "护士态度", "护工服务"]),
        ),
        section(
            "饮食",
            "",
            sat("您对医院饮食（口味、卫生、送餐及时）是否满意？", unknown=True),
        ),
        section(
            "出院指导",
            "",
            sat("您对出院手续办理的便捷程度是否满意？"),
            sat("出院时医护人员是否讲清楚用药、复诊和康复注意事项？"),
        ),
        section(
            "总体评价",
            "",
            sat("总体来说，您对本次住院经历是否满意？", ref="overall"),
            why(),
            comment(),
        ),
    ],
}

RESIDENT = {
    "title": "城乡居民卫生健康服务满意度调查",
    "intro": "为了解您对身边卫生健康服务的感受，请您花约3分钟填写本问卷。问卷不记名，不收集您的个人信息。",
    "sections": [
        section(
            "家庭医生签约服务",
            "",
            choice("您或家人是否签约了家庭医生？", ["已签约", "未签约", "不清楚"], ref="signed"),
            sat("您对家庭医生签约服务是否满意？", show_if={"ref": "signed", "values": ["a"]}),
            rating("家庭医生的随访和健康指导是否及时？（1分很差，5分很好）", required=False),
        ),
        section(
            "基层医疗卫生机构",
            "乡镇卫生院、社区卫生服务中心、村卫生室",
            sat("您对就近看病的方便程度是否满意？"),
            sat("您对基层机构的常用药品配备是否满意？", unknown=True),
            matrix("请对基层机构的以下服务评分", ["基本医疗", "预防接种", "慢病管理", "中医药服务"]),
        ),
        section(
            "健康宣教",
            "",
            sat("您对身边的健康知识宣传（讲座、义诊、宣传栏）是否满意？", unknown=True),
            choice(
                "您主要通过哪些途径获取健康知识？",
                ["家庭医生", "宣传栏/讲座", "电视广播", "网络/手机", "其他"],
                multiple=True,
                required=False,
            ),
        ),
        section(
            "总体评价",
            "",
            sat("总体来说，您对本地卫生健康服务是否满意？", ref="overall"),
            why(),
            comment(),
        ),
    ],
}


def npc_item(text, ref=""):
    return {"type": T.SINGLE, "text": text, "options": NPC_SCALE, "ref": ref}


NPC = {
    "title": "人大代表履职测评问卷",
    "intro": "各位代表：根据人大常委会工作安排，现请您对被测评部门的履职情况进行测评。"
    "请凭答题码作答，每个答题码只能提交一次；问卷不记名。",
    "thanks": "感谢您对卫生健康工作的监督和支持！",
    "sections": [
        section(
            "依法行政",
            "",
            npc_item("执行法律法规和人大决议决定的情况"),
            npc_item("行政决策的科学性、规范性"),
        ),
        section(
            "履职成效",
            "",
            npc_item("年度重点工作任务完成情况"),
            matrix(
                "请对以下工作成效评分",
                ["医疗服务能力", "公共卫生", "基层卫生", "医保协同"],
                hint="1分为很差，5分为很好",
            ),
        ),
        section(
            "为民办实事",
            "",
            npc_item("民生实事项目推进情况"),
            npc_item("办理代表建议、回应群众关切的情况"),
        ),
        section(
            "作风建设",
            "",
            npc_item("工作作风和服务态度"),
            npc_item("廉洁自律情况"),
        ),
        section(
            "整改落实",
            "",
            npc_item("对上次测评和审议意见的整改落实情况"),
        ),
        section(
            "总体评价",
            "",
            npc_item("您对该部门履职情况的总体评价", ref="overall"),
            why("您认为该部门存在的主要问题是什么？", values=["c"]),
            comment("您对该部门今后工作有何意见和建议？"),
        ),
    ],
}

TEMPLATES = {
    QuestionnaireKind.OUTPATIENT: OUTPATIENT,
    QuestionnaireKind.INPATIENT: INPATIENT,
    QuestionnaireKind.RESIDENT: RESIDENT,
    QuestionnaireKind.NPC: NPC,
}


def template_choices() -> list[tuple[str, str]]:
    return [(kind.value, QuestionnaireKind(kind).label) for kind in TEMPLATES]


def numbered(kind: str) -> list[tuple[dict, list[dict]]]:
    """The template's sections with their questions as Question fields (key q1, q2 … in order;
    a skip rule's `ref` resolved to the earlier question's key)."""
    refs: dict[str, str] = {}
    out, n = [], 0
    for sec in TEMPLATES[kind]["sections"]:
        fields = []
        for q in sec["questions"]:
            n += 1
            key = f"q{n}"
            if q.get("ref"):
                refs[q["ref"]] = key
            rule = q.get("show_if")
            fields.append(
                {
                    "key": key,
                    "type": q["type"],
                    "text": q["text"],
                    "help_text": q.get("help", ""),
                    "required": q.get("required", True),
                    "scored": q.get("scored", True),
                    "options": [dict(o) for o in q.get("options", [])],
                    "rows": [dict(r) for r in q.get("rows", [])],
                    "show_if_key": refs[rule["ref"]] if rule else "",
                    "show_if_values": list(rule["values"]) if rule else [],
                }
            )
        out.append((sec, fields))
    return out


@transaction.atomic
def questionnaire_from_template(*, actor, org_unit, kind: str, title: str = "") -> Questionnaire:
    """A new draft of `org_unit` copied from the template of `kind` (one audit entry)."""
    if kind not in TEMPLATES:
        raise ValidationError({"kind": "没有这种问卷模板"})
    data = TEMPLATES[kind]
    qn = builder.questionnaire_create(
        actor=actor,
        org_unit=org_unit,
        title=(title or "").strip() or data["title"],
        kind=kind,
        intro=data["intro"],
        thanks=data.get("thanks", "感谢您的参与！"),
        template=QuestionnaireKind(kind).label,
    )
    position = 0
    for s_pos, (sec, fields) in enumerate(numbered(kind)):
        section_obj = Section.objects.create(
            questionnaire=qn, position=s_pos, title=sec["title"], description=sec["description"]
        )
        rows = []
        for f in fields:
            rows.append(Question(questionnaire=qn, section=section_obj, position=position, **f))
            position += 1
        Question.objects.bulk_create(rows)
    builder.reserve_keys(qn, position)
    return qn
