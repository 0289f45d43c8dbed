"""Declared state machines: for each stateful entity, one table of which actions exist, from which
states, to which state, who may take them and on what further condition.

The table is the single statement of the life cycle. The app's rules module asks it whether an
action may start from the current state (`check`, which raises the Chinese refusal); the service
takes the new state from it (`target`); the detail page shows a button only where the rules allow
the action (the same check); docs/rules.md prints the table (`markdown`, kept equal by a test); and
property tests walk random sequences of actions through the services against it.

Who may act and the other guards (evidence uploaded, the 重大 gate, …) stay in the rules module,
which knows the data; the table names them in words (`who`, `guard`) so the documentation is complete.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

CREATED = None  # the "from" state of an action that creates the entity


@dataclass(frozen=True)
class Transition:
    action: str  # the code the rules and services name it by, e.g. "sign"
    label: str  # what the user reads, e.g. "签收"
    sources: tuple  # states it may start from (CREATED: it creates the entity)
    target: object  # the state afterwards: a state; None (unchanged); {outcome: state} for an action
    # that decides between outcomes; or {from-state: state} when it depends on where it starts (a
    # state not named stays as it is)
    who: str  # in words, with the permission: "承办单位（tasks.sign_assignment）"
    refusal: str  # the Chinese message when the current state does not allow it
    guard: str = ""  # further conditions in words, checked by the rules module

    @property
    def outcomes(self) -> tuple:
        """The outcomes an action decides between ({outcome: state} targets), else ()."""
        if isinstance(self.target, dict) and not any(k in self.sources for k in self.target):
            return tuple(self.target)
        return ()


@dataclass
class Machine:
    name: str  # e.g. "交办（Assignment）"
    states: type  # the TextChoices of the state field
    transitions: list[Transition] = field(default_factory=list)
    outside: tuple = ()  # values of `states` this entity never takes (a task's 草稿 for an assignment)

    def __post_init__(self):
        self._by_action = {t.action: t for t in self.transitions}
        if len(self._by_action) != len(self.transitions):
            raise ValueError(f"{self.name}: an action is declared twice")
        values = set(self.states.values)
        for t in self.transitions:
            targets = (
                [*t.target.values(), *(k for k in t.target if not t.outcomes)]
                if isinstance(t.target, dict)
                else [t.target]
            )
            unknown = [s for s in (*t.sources, *targets) if s is not None and s not in values]
            if unknown:
                raise ValueError(f"{self.name}.{t.action}: unknown states {unknown}")

    def __getitem__(self, action: str) -> Transition:
        return self._by_action[action]

    def allows(self, action: str, state) -> bool:
        return state in self._by_action[action].sources

    def check(self, action: str, state) -> None:
        """Raise the action's Chinese refusal unless it may start from `state`."""
        if not self.allows(action, state):
            raise ValidationError(self._by_action[action].refusal)

    def target(self, action: str, outcome: str | None = None, state=None):
        """The state after `action` taken from `state`: its `outcome`'s for an action that decides
        between outcomes; `state` itself when the action leaves it unchanged."""
        target = self._by_action[action].target
        if isinstance(target, dict):
            key = outcome if outcome is not None else state
            return target[key] if outcome is not None else target.get(key, state)
        return state if target is None else target

    def actions_from(self, state) -> list[str]:
        return [t.action for t in self.transitions if state in t.sources]

    def markdown(self) -> str:
        """The table as docs/rules.md prints it."""

        def label(state) -> str:
            return "（新建）" if state is None else self.states(state).label

        def target(t: Transition) -> str:
            if isinstance(t.target, dict):
                moves = "；".join(
                    f"{k if k in t.outcomes else label(k)}→{label(v)}" for k, v in t.target.items()
                )
                return moves if t.outcomes else f"{moves}；其余不变"
            return "（不变）" if t.target is None else label(t.target)

        rows = [
            f"| {t.label} (`{t.action}`) | {'、'.join(label(s) for s in t.sources)} | {target(t)} | "
            f"{t.who} | {t.guard or '—'} |"
            for t in self.transitions
        ]
        head = "| 操作 | 从 | 到 | 谁可以 | 其他条件 |\n|---|---|---|---|---|"
        return "\n".join([head, *rows])
