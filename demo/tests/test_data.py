"""The demo data tables are consistent with each other and with the code they feed."""

import importlib

import pytest

from demo import data
from demo.plan import FULL, SMALL
from org.passwords import PolicyValidator


def test_full_scale_is_province_sized():
    assert len(FULL.counties_per_city) == len(data.CITIES) == 14
    assert sum(FULL.counties_per_city) == 100
    assert len(data.COUNTY_STEMS) >= sum(FULL.counties_per_city)
    assert len({stem for stem, _ in data.COUNTY_STEMS}) == len(data.COUNTY_STEMS)
    assert len({py for _, py in data.CITIES}) == len(data.CITIES)
    assert len(SMALL.counties_per_city) <= len(data.CITIES)


def test_themes_use_existing_categories_and_departments():
    categories = importlib.import_module("tasks.choices").DEFAULT_CATEGORIES
    departments = {key for key, *_ in data.PROVINCE_DEPARTMENTS}
    for theme in data.THEMES:
        assert theme["category"] in categories, theme["title"]
        assert theme["dept"] in departments, theme["title"]
        assert theme["level"] in ("major", "key", "general")
    seeds = [
        "医共体",
        "村卫生室",
        "家庭医生",
        "健康档案",
        "疫苗接种",
        "病媒生物",
        "医药费用",
        "法治政府",
        "意识形态",
        "三会一课",
    ]
    titles = " ".join(t["title"] for t in data.THEMES)
    for seed in seeds:
        assert seed in titles
    assert {key for key, *_ in data.DIRECTIVES} <= {t["key"] for t in data.THEMES}


@pytest.mark.django_db
def test_demo_password_satisfies_the_password_policy():
    PolicyValidator().validate(data.DEMO_PASSWORD)
