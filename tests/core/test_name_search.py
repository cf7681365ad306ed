"""A name searched by a part of it: through the trigram index (core.search) from 3 characters
on — FTS5 on SQLite, pg_trgm on PostgreSQL — and by LIKE for 1 or 2 characters; the index
follows every insert, rename and deletion."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huimin.core import search
from huimin.core.models import Person
from huimin.core.selectors import PersonFilters, person_list_for_user


@pytest.fixture
def people(make_person) -> dict[str, Person]:
    names = ["李秀英", "张秀兰", "欧阳秀英明", "王芳", "李"]
    return {name: make_person("140822101", name=name) for name in names}


def _found(user, q: str) -> list[str]:
    return sorted(p.name for p in person_list_for_user(user=user, filters=PersonFilters(q=q)))


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("李", ["李", "李秀英"]),  # one character: LIKE
        ("秀英", ["李秀英", "欧阳秀英明"]),  # two: LIKE
        ("李秀英", ["李秀英"]),  # three: the index
        ("阳秀英", ["欧阳秀英明"]),  # inside a name
        (" 秀英明 ", ["欧阳秀英明"]),  # spaces around are not part of it
        ("欧阳秀英明", ["欧阳秀英明"]),
        ("秀英明白", []),
        ('"李秀', []),  # a quote is a character, not FTS syntax
        ("李*", []),
        ("%秀%", []),  # nor are LIKE's wildcards
    ],
)
def test_a_part_of_a_name_finds_the_people_with_it(wanrong_official, people, q, names):
    assert _found(wanrong_official, q) == names


def test_three_characters_go_through_the_index_and_fewer_do_not(wanrong_official, people):
    def sql(q: str) -> str:
        with CaptureQueriesContext(connection) as queries:
            assert _found(wanrong_official, q)
        return " ".join(query["sql"] for query in queries.captured_queries)

    if connection.vendor == "sqlite":
        assert "core_person_name_trgm MATCH" in sql("李秀英")
        assert "core_person_name_trgm" not in sql("秀英")
    else:  # pg_trgm's GIN index answers the LIKE itself
        assert "LIKE" in sql("李秀英")
    assert search.uses_trigram("李秀英")
    assert not search.uses_trigram(" 秀英 ")


def test_the_index_follows_renames_and_deletions(wanrong_official, people):
    person = people["李秀英"]
    person.name = "李秀兰"
    person.save(update_fields=["name"])
    assert _found(wanrong_official, "李秀英") == []
    assert _found(wanrong_official, "李秀兰") == ["李秀兰"]
    Person.objects.filter(pk=people["欧阳秀英明"].pk).update(name="欧阳明")
    assert _found(wanrong_official, "阳秀英") == []
    assert _found(wanrong_official, "欧阳明") == ["欧阳明"]
    people["王芳"].history.all().delete()
    Person.objects.filter(pk=people["王芳"].pk).delete()
    assert _found(wanrong_official, "王芳") == []


def test_a_resident_id_is_found_as_typed_and_others_outside_the_scope_are_not(
    wanrong_official, people, pinglu_person
):
    number = people["王芳"].resident_id
    typed = " ".join([number[:6], number[6:14], number[14:]]).translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    assert _found(wanrong_official, typed) == ["王芳"]
    assert _found(wanrong_official, number[:17]) == []  # a part of a number is not a search
    assert _found(wanrong_official, "段卫东") == []  # 平陆县: outside 万荣县
    assert _found(wanrong_official, pinglu_person.resident_id) == []
