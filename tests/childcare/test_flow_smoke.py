from huimin.childcare.models import Finding


def test_sixteen_children_overfill_a_toddler_class_and_lower_the_ratio(toddler_class, enrol):
    for i in range(15):
        enrol(toddler_class, name=f"幼儿{i:02d}")
    assert not Finding.objects.filter(status="open").exists()
    enrol(toddler_class, name="第十六名")
    open_rules = sorted(Finding.objects.filter(status="open").values_list("rule", "message"))
    assert open_rules == [
        ("carer_ratio", "托小班“小一班”在托16人，保育人员3名，低于1:5的配比，至少需要4名。"),
        ("class_over_capacity", "托小班“小一班”在托16人，超过上限15人。"),
    ]
