"""The demo's events: each one calls the real services as the person who would act."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from core import clock
from demo import data
from demo.plan import AWAITING, BEHIND, DONE, DUE_SOON, GREEN, RED, STALE, Node, Track
from notifications import services as notification_services
from org.models import Unit, User
from reporting import services as reporting_services
from reporting.models import ProgressReport
from tasks import services as task_services
from tasks.choices import AssignmentRole, TaskStatus
from tasks.models import Task


class EventsMixin:
    def do_directives(self):
        actor = self.user("sf_duchayuan")
        for key, kind, title, number, issuer, days in data.DIRECTIVES:
            issued = self.today - dt.timedelta(days=days)
            self.directives[key] = task_services.directive_create(
                actor=actor,
                org_unit=self.province,
                kind=kind,
                title=title,
                doc_number=number.format(y=issued.year),
                issuer=issuer,
                issued_on=issued,
                text=f"部署{title.removeprefix('关于').removesuffix('的通知')}相关工作，明确责任分工和完成时限。",
            )

    def do_create(self, node: Node):
        actor = self.user(node.creator)
        theme = node.theme
        category = self.categories[theme["category"]]
        node.task = task_services.task_create(
            actor=actor,
            org_unit=node.org_unit,
            title=node.title,
            category=category,
            level=node.level,
            directive=self.directives.get(theme["key"]),
            lead_unit=node.lead_unit,
            start_date=clock.today(),
            due_date=node.due,
            description=f"贯彻落实上级部署，{theme['goals']}",
            goals=theme["goals"],
            cadence=node.cadence,
            co_units=node.co_units,
            responsible_persons=(
                [self.user(self.head[node.lead_unit.pk])] if node.lead_unit.pk in self.head else []
            )
            + [self.user(name) for name in node.responsible],
        )
        self.counts["tasks"] += 1
        if theme["indicator"]:
            name, uom, direction, target, baseline = theme["indicator"]
            task_services.indicator_create(
                actor=actor,
                task=node.task,
                name=name,
                unit_of_measure=uom,
                direction=direction,
                target=str(target),
                baseline=str(baseline),
            )
        if node.own_assignment and theme["steps"]:
            span = (node.due - clock.today()).days
            steps = theme["steps"]
            for i, step in enumerate(steps):
                due = clock.today() + dt.timedelta(days=max(1, span * (i + 1) // (len(steps) + 1)))
                task_services.milestone_create(actor=actor, task=node.task, title=step, due_date=due)
        if node.level == "major" and node.parent is None and node.org_unit == self.province:
            members = [self.user(self.clerk[node.lead_unit.pk]), actor]
            members += [self.user(self.clerk[c.pk]) for c, _ in self.cities[:2]]
            leader = self.user(self.head[node.lead_unit.pk])
            task_services.taskforce_set(
                actor=actor, task=node.task, members=[leader, *members], leader=leader
            )

    def do_review(self, node: Node):
        reviewer = "sf_lingdao" if node.org_unit == self.province else node.creator
        task_services.task_review_record(
            actor=self.user(reviewer),
            task=node.task,
            meeting_kind="party_group",
            meeting_date=clock.today(),
            meeting_title=f"{node.org_unit.display_name}党组会议",
            conclusion=self.rng.choice(["approved", "approved", "approved_changes"]),
            notes="同意交办，请牵头单位细化措施、明确时限。",
        )

    def do_assign(self, node: Node):
        assignments = task_services.task_assign(actor=self.user(node.creator), task=node.task)
        self._bind(node, assignments)

    def _bind(self, node: Node, assignments):
        by_unit = {a.unit_id: a for a in assignments}
        for track in node.tracks:
            track.assignment = by_unit[track.unit.pk]
        self.counts["assignments"] += len(assignments)

    def do_decompose(self, node: Node):
        items = [{"title": c.title, "lead_unit": c.lead_unit, "due_date": c.due} for c in node.children]
        children = task_services.task_decompose(
            actor=self.user(node.decomposer), parent=node.task, org_unit=node.decompose_org, items=items
        )
        for child, task in zip(node.children, children, strict=True):
            child.task = task
            self.counts["tasks"] += 1
            self._bind(child, list(task.assignments.all()))

    def _clerk(self, unit: Unit) -> User:
        return self.user(self.clerk.get(unit.pk) or self.head[unit.pk])

    def do_sign(self, track: Track):
        task_services.assignment_sign(actor=self._clerk(track.unit), assignment=track.assignment)

    def do_return(self, track: Track):
        task_services.assignment_return(
            actor=self._clerk(track.unit),
            assignment=track.assignment,
            reason="该项工作主要由县疾控中心承担，建议调整承办单位后重新交办。",
        )

    def progress_now(self, track: Track) -> int:
        node = track.node
        t = (clock.now() - self.base).total_seconds() / 86400
        start = node.start_day
        due = (node.due - self.today).days + 0.9
        frac = min(1.0, max(0.0, (t - start) / max(1.0, due - start)))
        if node.children and track.role == AssignmentRole.LEAD:
            value = Task.objects.filter(pk=node.task.pk).values_list("progress", flat=True).get()
        elif track.fate in (DONE, AWAITING):
            frac = min(1.0, max(0.0, (t - start) / max(1.0, track.done_day - start)))
            value = 100 if frac >= 0.99 else round(frac * 95)
        elif track.fate in (GREEN, STALE):
            value = min(95, round(frac * 100) + node.noise)
        elif track.fate == BEHIND:
            value = max(0, round(frac * 100) - 40 - node.noise)
        elif track.fate == DUE_SOON:
            value = min(95, round(frac * 80) + node.noise)
        else:  # RED
            value = round(frac * (50 + 4 * node.noise))
        track.progress = max(track.progress, min(100, value))
        return track.progress

    def do_emergency(self, node: Node):
        if node.task is None:
            return
        task_services.task_set_emergency(
            actor=self.user(node.creator),
            task=node.task,
            start=clock.today(),
            end=clock.today() + dt.timedelta(days=13),
            reason="辖区出现登革热本地病例，启动突发公共卫生事件应急响应"
            if node.theme["key"] == "bmsw"
            else "省卫生健康委启动突发公共卫生事件Ⅲ级应急响应，相关重点任务实行日报告",
        )
        self.counts["emergency_tasks"] += 1

    def do_emergency_report(self, track: Track):
        if track.assignment is not None:
            self.do_report(track)

    def do_report(self, track: Track):
        node = track.node
        track.assignment.refresh_from_db()
        if track.assignment.status not in (TaskStatus.SIGNED, TaskStatus.IN_PROGRESS):
            return
        progress = self.progress_now(track)
        actor = self._clerk(track.unit)
        indicator_values = {}
        for ind in self._indicators(node):
            base, target = float(ind.baseline or 0), float(ind.target)
            indicator_values[str(ind.pk)] = f"{base + (target - base) * progress / 100:.2f}"
        r = self.rng
        title = node.theme["title"]
        work = r.choice(
            [
                f"召开{title}专题推进会，逐项对照任务清单推进，累计完成进度{progress}%。",
                f"组织对{r.randint(3, 15)}家单位开展现场督导，发现问题{r.randint(2, 9)}个，已整改{r.randint(1, 2)}个。",
                f"按月调度各责任单位进展，{title}各项指标稳步提升。",
                f"完成阶段性工作：{r.choice(node.theme['steps'] or ['制定工作方案'])}。",
                f"印发工作提示，明确时间节点，本期新增完成{r.randint(2, 12)}项具体工作。",
            ]
        )
        difficulties = r.choice(
            ["", "部分乡镇人员力量不足，专业技术人员短缺。", "资金尚未全部到位。", "信息系统对接进度偏慢。"]
        )
        next_steps = r.choice(
            ["下一步将加大督导力度，确保按期完成。", "继续推进，及时报送进展。", "针对薄弱环节开展专项指导。"]
        )
        report = reporting_services.report_submit(
            actor=actor,
            assignment=track.assignment,
            progress=progress,
            work_done=work,
            difficulties=difficulties,
            next_steps=next_steps,
            indicator_values=indicator_values or None,
        )
        self.counts["reports"] += 1
        head = self.head.get(track.unit.pk)
        if head and not node.showcase and r.random() < 0.3:
            t_now = (clock.now() - self.base).total_seconds() / 86400
            self.at(t_now + 0.02 + r.uniform(0, 0.3), self.do_approve, head, report)
        self.maybe_milestone(track)

    def _indicators(self, node: Node):
        cache = getattr(node, "_indicators", None)
        if cache is None:
            cache = list(node.task.indicators.all())
            node._indicators = cache
        return cache

    def maybe_milestone(self, track: Track):
        node = track.node
        if track.role != AssignmentRole.LEAD or node.parent is not None:
            return
        if track.fate in (BEHIND, RED, STALE) and self.rng.random() < 0.7:
            return
        for ms in node.task.milestones.filter(done_on__isnull=True, due_date__lte=clock.today()):
            actor = self._clerk(track.unit)
            task_services.milestone_complete(
                actor=actor,
                milestone=ms,
                note="已完成，佐证材料见附件。",
                files=[self.pdf(f"{ms.title}佐证.pdf", ms.title)],
            )
            self.counts["milestones_done"] += 1

    def do_read_inbox(self):
        for user in self.users.values():
            notification_services.message_mark_all_read(user=user)

    def do_approve(self, head: str, report: ProgressReport):
        reporting_services.report_approve(actor=self.user(head), report=report)

    def pdf(self, name: str, text: str) -> SimpleUploadedFile:
        """A small, valid PDF (ASCII content: fonts for Chinese are not embedded)."""
        body = f"Duban demo evidence {abs(hash(text)) % 100000:05d}"
        stream = f"BT /F1 14 Tf 72 720 Td ({body}) Tj ET".encode()
        objs = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        out = bytearray(b"%PDF-1.4\n")
        offsets = []
        for i, obj in enumerate(objs, 1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
        for off in offsets:
            out += b"%010d 00000 n \n" % off
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
        return SimpleUploadedFile(name, bytes(out), content_type="application/pdf")

    def do_request_completion(self, track: Track):
        a = track.assignment
        a.refresh_from_db()
        if a.status not in (TaskStatus.SIGNED, TaskStatus.IN_PROGRESS):
            return
        actor = self._clerk(track.unit)
        if not a.attachments.filter(purpose="evidence").exists():
            reporting_services.attachment_store(
                actor=actor,
                upload=self.pdf("办结佐证材料.pdf", track.node.title),
                org_unit=track.unit,
                purpose="evidence",
                assignment=a,
            )
        task_services.assignment_request_completion(
            actor=actor,
            assignment=a,
            note=f"{track.node.title}各项任务已完成，佐证材料已上传，申请办结。",
        )

    def do_verify(self, track: Track, approve: bool):
        a = track.assignment
        a.refresh_from_db()
        if a.status != TaskStatus.COMPLETION_REQUESTED:
            return
        verifier = self.user(self.verifier[a.org_unit_id])
        task_services.assignment_verify(
            actor=verifier,
            assignment=a,
            approve=approve,
            note="材料齐全，同意办结。" if approve else "佐证材料不够完整，请补充验收记录后重新申请。",
        )
        if approve:
            self.counts["verified"] += 1

    def do_extension(self, track: Track, approve: bool):
        a = track.assignment
        a.refresh_from_db()
        if a.status not in (TaskStatus.SIGNED, TaskStatus.IN_PROGRESS):
            return
        ext = task_services.extension_request(
            actor=self._clerk(track.unit),
            assignment=a,
            reason="受设备招标采购周期影响，需延期完成。",
            new_due_date=a.due_date + dt.timedelta(days=30),
        )
        if approve:
            task_services.extension_decide(
                actor=self.user(self.verifier[a.org_unit_id]), extension=ext, approve=True, note="同意"
            )
