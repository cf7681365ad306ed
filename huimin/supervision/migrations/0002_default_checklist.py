"""The default inspection checklist (administrators edit it in the admin afterwards)."""

from django.db import migrations

NORM = "《托育机构管理规范（试行）》"
ITEMS = [
    ("food", "食品经营许可或备案有效，从业人员持健康证明上岗", "《中华人民共和国食品安全法》第三十五条、第四十五条", "补办许可或备案，安排从业人员体检并取得健康证明后上岗"),
    ("food", "每餐次食品留样不少于125克、冷藏保存48小时以上并记录", "《中华人民共和国食品安全法》第五十四条；" + NORM + "第五章", "落实每餐次食品留样制度，配备专用留样冰箱并逐餐登记"),
    ("food", "食材采购索证索票、进货查验记录完整", "《中华人民共和国食品安全法》第五十三条", "建立并落实进货查验记录制度"),
    ("hygiene", "晨午检及全日健康观察落实并记录", "《托儿所幼儿园卫生保健管理办法》第十五条；" + NORM + "第五章", "每日落实晨午检和全日健康观察，完整记录"),
    ("hygiene", "玩具、餐具、环境按规定清洁消毒并记录", "《托儿所幼儿园卫生保健管理办法》第十五条", "按规定频次清洁消毒，建立消毒记录"),
    ("hygiene", "入托婴幼儿健康检查及预防接种证查验", "《托儿所幼儿园卫生保健管理办法》第十三条", "补查入托体检和预防接种证，建立健康档案"),
    ("fire", "消防设施器材完好有效，疏散通道、安全出口畅通", "《中华人民共和国消防法》第十六条、第二十八条", "维修更换消防器材，清理疏散通道和安全出口"),
    ("fire", "确定消防安全管理人，每月开展防火检查和疏散演练", "《中华人民共和国消防法》第十六条；" + NORM + "第六章", "明确消防安全管理人，按月开展防火检查和疏散演练并记录"),
    ("admission", "收托婴幼儿签订托育服务协议，信息登记完整", NORM + "第三章", "与家长补签托育服务协议，完善收托登记"),
    ("admission", "班级规模与师生比符合标准", "《托育机构设置标准（试行）》第十二条；" + NORM + "第三章", "按标准调整班级规模，补足保育人员"),
    ("care", "制定一日生活安排，保证每日户外活动时间", "《托育机构保育指导大纲（试行）》；" + NORM + "第四章", "制定并落实一日生活安排，保证户外活动时间"),
    ("health", "配备保健人员，建立婴幼儿健康档案和传染病报告制度", NORM + "第五章", "配备保健人员，建立健康档案和传染病报告制度"),
    ("safety", "视频监控覆盖婴幼儿活动场所，录像保存不少于90日", NORM + "第六章", "完善视频监控覆盖范围，录像保存不少于90日"),
    ("safety", "建立安全管理制度和突发事件应急预案，定期演练", NORM + "第六章", "建立安全管理制度和应急预案并定期演练"),
    ("staff", "工作人员上岗前经背景审查和健康检查", NORM + "第七章", "对工作人员补做背景审查和健康检查，不合格者调离岗位"),
    ("staff", "保育人员经专业培训，持证上岗", NORM + "第七章", "组织保育人员参加专业培训并取得相应证书"),
]


def add_items(apps, schema_editor):
    ChecklistItem = apps.get_model("supervision", "ChecklistItem")
    ChecklistItem.objects.bulk_create(
        ChecklistItem(category=c, text=t, legal_basis=b, correction=x, position=(i + 1) * 10)
        for i, (c, t, b, x) in enumerate(ITEMS)
    )


def remove_items(apps, schema_editor):
    apps.get_model("supervision", "ChecklistItem").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(add_items, remove_items)]
