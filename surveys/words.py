"""The comments of a round's unit (the text answers, newest first, anonymous) and their word list:
jieba segmentation, a short Chinese stop-word list, the top words. A word's count is the number
of responses whose comments contain it — exactly the responses its link lists
(surveys:response_list?word=…)."""

from __future__ import annotations

import logging
import re
from collections import Counter

import jieba

from surveys import definition
from surveys.choices import TEXT_TYPES
from surveys.models import Answer, SurveyTarget

jieba.setLogLevel(logging.WARNING)

TOP_WORDS = 30
COMMENTS_SHOWN = 50
CJK = re.compile(r"[\u4e00-\u9fff]")
STOP_WORDS = frozenset(
    """
    的 了 和 是 在 就 都 而 及 与 着 或 一个 没有 我们 你们 他们 她们 它们 这个 那个 这些 那些 这样 那样
    自己 什么 怎么 为什么 因为 所以 但是 可是 如果 虽然 而且 并且 还是 已经 非常 比较 特别 有点 一些 一点
    可以 能够 应该 希望 觉得 感觉 认为 就是 还有 还要 以及 对于 关于 通过 进行 出现 这里 那里 时候 现在
    之后 以后 以前 之前 其他 其它 等等 一下 一样 不是 不会 不能 没有 有些 很多 太多 更加 尤其 主要 一直
    医院 我 你 他 她 它 也 很 太 更 又 再 还 把 被 让 给 对 向 从 到 为 以 于 上 下 中 里 个 些 吧 呢 啊
    吗 呀 哦 嗯 么 有 没 不 会 能 要 去 来 说 看 做 用 多 少 好 大 小 每次 一次 两个 几个 今天 这次
    """.split()
)


def _text_keys(target: SurveyTarget) -> list[str]:
    return [
        q["key"] for q in definition.questions(target.survey.version.definition) if q["type"] in TEXT_TYPES
    ]


def comment_answers(target: SurveyTarget):
    """The text answers of a target (not empty), newest first."""
    return (
        Answer.objects.filter(target=target, question__in=_text_keys(target))
        .exclude(text="")
        .select_related("response")
        .order_by("-response__submitted_at", "-response_id", "id")
    )


def segment(text: str) -> list[str]:
    """The words of one text worth counting: Chinese words of two characters or more, not a stop
    word."""
    return [w for w in jieba.lcut(text) if len(w) >= 2 and CJK.search(w) and w not in STOP_WORDS]


def word_list(texts_by_response: dict[int, list[str]], top: int = TOP_WORDS) -> list[tuple[str, int]]:
    """The `top` words, each with the number of responses whose comments contain it; the most
    common first (then by the word)."""
    seen: Counter = Counter()
    for texts in texts_by_response.values():
        seen.update({w for t in texts for w in segment(t)})
    candidates = [w for w, _ in seen.most_common(top * 2)]
    counted = [
        (w, sum(1 for texts in texts_by_response.values() if any(w in t for t in texts))) for w in candidates
    ]
    counted.sort(key=lambda wc: (-wc[1], wc[0]))
    return counted[:top]


def comments(target: SurveyTarget, word: str = "") -> dict:
    """The comments section: the newest comments (containing `word`, when given), how many there
    are, and the word list of all the target's comments."""
    by_response: dict[int, list[str]] = {}
    rows = list(comment_answers(target).values_list("response_id", "text", "response__submitted_at"))
    for response_id, text, _ in rows:
        by_response.setdefault(response_id, []).append(text)
    shown = [r for r in rows if not word or word in r[1]]
    return {
        "comments": [
            {"response_id": r[0], "text": r[1], "submitted_at": r[2]} for r in shown[:COMMENTS_SHOWN]
        ],
        "comment_count": len(shown),
        "words": word_list(by_response),
        "word": word,
    }
