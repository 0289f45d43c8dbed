from django.db import models


class UnitKind(models.TextChoices):
    NATIONAL = "national", "国家"
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县"
    INSTITUTION = "institution", "机构"
    DEPARTMENT = "department", "处室/科室"
    EXTERNAL = "external", "系统外单位"


class InstitutionType(models.TextChoices):
    NONE = "", "—"
    HOSPITAL = "hospital", "医院"
    CDC = "cdc", "疾控中心"
    TOWNSHIP = "township", "乡镇卫生院"
    COMMUNITY = "community", "社区卫生服务中心"
    SUPERVISION = "supervision", "卫生监督所"
    MCH = "mch", "妇幼保健院"
    OTHER = "other", "其他机构"
