"""The demo organisation: units, accounts and roles through org.services (bulk: no audit per
row — one summary event is written at the end — and one shared password hash)."""

from __future__ import annotations

import random

from django.contrib.auth.hashers import make_password
from django.test.utils import override_settings

from demo import data
from org import services as org_services
from org.choices import InstitutionType, UnitKind
from org.models import Role, RoleAssignment, Unit, User


class OrganisationMixin:
    def person(self) -> str:
        for _ in range(50):
            name = self.rng.choice(data.SURNAMES) + self.rng.choice(data.GIVEN)
            if name not in self._names_used:
                break
        self._names_used.add(name)
        return name

    def unit(self, key, code, name, short, kind, parent=None, institution_type="", issuer=""):
        unit = org_services.unit_create(
            actor=None,
            code=code,
            name=name,
            short_name=short,
            kind=kind,
            parent=parent,
            institution_type=institution_type,
            issuer_code=issuer,
            sort_order=len(self.units),
            audit=False,
        )
        self.units[key] = unit
        return unit

    def account(self, username, unit, role_code, *, grant_unit=None, subtree=True, title="", name=None):
        full_name = name or self.person()
        user = org_services.user_create(
            actor=None,
            username=username,
            full_name=full_name,
            unit=unit,
            password=data.DEMO_PASSWORD,
            title=title,
            phone=f"139{self.rng.randrange(10**8):08d}",
            must_change_password=False,
            audit=False,
        )
        role = self.roles[role_code]
        org_services.role_grant(
            actor=None,
            user=user,
            role=role,
            unit=grant_unit or unit,
            include_descendants=subtree,
            audit=False,
        )
        self.users[username] = user
        self.accounts.append((username, full_name, role.name, unit.display_name))
        return user

    def build_org(self):
        self.roles = {r.code: r for r in Role.objects.all()}
        code, name, short, issuer = data.PROVINCE
        prov = self.unit("province", code, name, short, UnitKind.PROVINCE, issuer=issuer)
        for key, suffix, dname, dshort in data.PROVINCE_DEPARTMENTS:
            self.unit(f"dept_{key}", f"{code}-{suffix}", f"{name}{dname}", dshort, UnitKind.DEPARTMENT, prov)
        dcs = self.units["dept_dcs"]
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            self.account("sf_xitong", prov, "sysadmin", title="系统管理员")
            self.account("sf_anquan", prov, "security", title="安全保密管理员")
            self.account("sf_shenji", prov, "auditor", title="审计管理员")
            self.account("sf_lingdao", prov, "leader", title="党组书记、主任")
            self.account("sf_duchayuan", dcs, "supervisor", grant_unit=prov, title="督查室主任")
            self.account("sf_jijian", prov, "discipline", title="驻委纪检监察组")
            self.account("sf_renshi", self.units["dept_rs"], "personnel", grant_unit=prov, title="人事处干部")
            self.verifier[prov.pk] = "sf_duchayuan"
            for key, _suffix, _dname, _dshort in data.PROVINCE_DEPARTMENTS:
                dept = self.units[f"dept_{key}"]
                if key == "dcs":
                    continue
                self.account(f"sf_{key}_fuzeren", dept, "unit_head", title="处长")
                self.account(f"sf_{key}_lianluoyuan", dept, "clerk", subtree=False, title="科员")
                self.head[dept.pk] = f"sf_{key}_fuzeren"
                self.clerk[dept.pk] = f"sf_{key}_lianluoyuan"

            stems = iter(data.COUNTY_STEMS)
            towns = list(data.TOWNS)
            for ci, n_counties in enumerate(self.scale.counties_per_city):
                cname, cpy = data.CITIES[ci]
                city = self.unit(
                    f"city_{cpy}",
                    f"{code}-{cpy.upper()}",
                    f"{cname}市卫生健康委员会",
                    f"{cname}市卫健委",
                    UnitKind.CITY,
                    prov,
                    issuer=f"{cname[0]}卫",
                )
                self.cities.append((city, cpy))
                self.account(f"{cpy}_duchayuan", city, "supervisor", title="督查科科长")
                self.account(f"{cpy}_fuzeren", city, "unit_head", title="主任")
                self.account(f"{cpy}_lianluoyuan", city, "clerk", subtree=False, title="科员")
                self.verifier[city.pk] = f"{cpy}_duchayuan"
                self.head[city.pk] = f"{cpy}_fuzeren"
                self.clerk[city.pk] = f"{cpy}_lianluoyuan"
                self.counties[city.pk] = []
                used = set()
                for k in range(n_counties):
                    stem, spy = next(stems)
                    while spy in used:
                        spy += "2"
                    used.add(spy)
                    suffix = "区" if k == 0 else "县"
                    ccode = f"{city.code}-{k + 1:02d}"
                    county = self.unit(
                        f"county_{cpy}_{spy}",
                        ccode,
                        f"{cname}市{stem}{suffix}卫生健康局",
                        f"{stem}{suffix}卫健局",
                        UnitKind.COUNTY,
                        city,
                    )
                    self.counties[city.pk].append(county)
                    prefix = f"{cpy}_{spy}"
                    self.account(f"{prefix}_fuzeren", county, "unit_head", title="局长")
                    self.account(f"{prefix}_lianluoyuan", county, "clerk", subtree=False, title="办公室科员")
                    self.head[county.pk] = f"{prefix}_fuzeren"
                    self.clerk[county.pk] = f"{prefix}_lianluoyuan"
                    self.verifier[county.pk] = f"{prefix}_fuzeren"
                    place = f"{stem}{suffix}"
                    insts = [
                        ("RMYY", f"{place}人民医院", InstitutionType.HOSPITAL),
                        ("ZYY", f"{place}中医院", InstitutionType.HOSPITAL),
                        ("JKZX", f"{place}疾病预防控制中心", InstitutionType.CDC),
                        ("WSJD", f"{place}卫生监督所", InstitutionType.SUPERVISION),
                    ]
                    n_towns = 2 + self.rng.randrange(2)
                    for t_i, town in enumerate(self.rng.sample(towns, n_towns)):
                        if suffix == "区":
                            insts.append(
                                (
                                    f"SQ{t_i + 1}",
                                    f"{place}{town}街道社区卫生服务中心",
                                    InstitutionType.COMMUNITY,
                                )
                            )
                        else:
                            insts.append(
                                (f"WSY{t_i + 1}", f"{place}{town}镇卫生院", InstitutionType.TOWNSHIP)
                            )
                    for icode, iname, itype in insts:
                        inst = self.unit(
                            f"inst_{prefix}_{icode.lower()}",
                            f"{ccode}-{icode}",
                            iname,
                            iname.replace("疾病预防控制中心", "疾控中心"),
                            UnitKind.INSTITUTION,
                            county,
                            institution_type=itype,
                        )
                        if icode == "RMYY" and k == 0:
                            self.account(
                                f"{prefix}_rmyy_lianluoyuan", inst, "clerk", subtree=False, title="医务科科员"
                            )
                            self.clerk[inst.pk] = f"{prefix}_rmyy_lianluoyuan"
                            self.institution_of[county.pk] = inst
                        if icode.startswith("WSY") and t_i == 0 and k == 1 and ci < 3:
                            uname = f"{prefix}_wsy_lianluoyuan"
                            self.account(uname, inst, "clerk", subtree=False, title="院办科员")
        self.province = prov
        self.leaders()

    def leaders(self):
        """Leaders of every city and of the first counties of two cities (the province's is above): the cockpit,
        批示 and 签发 at each level; those two counties also get a 督查员 who drafts for their leader. Their own random generator, so the rest of the province is the
        same with or without them."""
        main, self.rng = self.rng, random.Random(self.seed + 1)
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            self.leader[self.units["province"].pk] = "sf_lingdao"
            for i, (city, cpy) in enumerate(self.cities):
                self.account(f"{cpy}_lingdao", city, "leader", title="党组书记、主任")
                self.leader[city.pk] = f"{cpy}_lingdao"
                if i < 2:
                    county = self.counties[city.pk][0]
                    prefix = self.head[county.pk].removesuffix("_fuzeren")
                    self.account(f"{prefix}_lingdao", county, "leader", title="党组书记、局长")
                    self.leader[county.pk] = f"{prefix}_lingdao"
                    # the county bureau's 督查 officer: drafts what its leader signs (demo/signoff.py)
                    self.account(f"{prefix}_duchayuan", county, "supervisor", title="办公室督查专员")
        self.rng = main

    def share_password_hash(self):
        """One shared hash of the demo password, computed once with the configured hasher. Done
        after the events: until then the accounts keep their fast hashes, so the 签发 of the demo's
        documents (which re-checks the password) does not cost a second of PBKDF2 each."""
        shared = make_password(data.DEMO_PASSWORD)
        User.objects.filter(pk__in=[u.pk for u in self.users.values()]).update(password=shared)
        for user in self.users.values():
            user.password = shared


def accounts_table(limit_cities: int = 1) -> list[tuple[str, str, str, str]]:
    """The demo accounts to show a new user: the province, one city, one county, one hospital."""
    rows = []
    qs = (
        RoleAssignment.objects.select_related("user", "role", "user__unit")
        .filter(user__username__startswith="sf_")
        .order_by("user_id")
    )
    wanted = ["sf_xitong", "sf_anquan", "sf_shenji", "sf_lingdao", "sf_duchayuan", "sf_jc_lianluoyuan"]
    by_name = {ra.user.username: ra for ra in qs.filter(user__username__in=wanted)}
    ordered = [by_name[w] for w in wanted if w in by_name]
    city = (
        Unit.objects.filter(kind=UnitKind.CITY, users__username__endswith="_duchayuan")
        .order_by("path")
        .first()
    )
    if city is not None:
        ordered += list(
            RoleAssignment.objects.select_related("user", "role", "user__unit")
            .filter(user__unit=city)
            .order_by("user_id")
        )
        county = Unit.objects.filter(parent=city, kind=UnitKind.COUNTY).order_by("path").first()
        if county is not None:
            ordered += list(
                RoleAssignment.objects.select_related("user", "role", "user__unit")
                .filter(user__unit=county)
                .order_by("user_id")
            )
            ordered += list(
                RoleAssignment.objects.select_related("user", "role", "user__unit")
                .filter(user__unit__parent=county, user__unit__kind=UnitKind.INSTITUTION)
                .order_by("user_id")[:1]
            )
    for ra in ordered:
        rows.append((ra.user.username, ra.user.full_name, ra.role.name, ra.user.unit.display_name))
    return rows
